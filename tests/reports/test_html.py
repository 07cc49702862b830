"""The HTML report rendered from synthetic scans: escaping, self-containment, figures, caps."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from reports import html, scope
from tests.reports.conftest import config, finding, item, write_scan

HOSTILE = "<img src=x onerror=alert(1)>.txt"
SCRIPT_BREAK = "</script><script>alert(2)</script>.csv"
STORE = {
    "id": "accounts",
    "name": "Accounts </script> & co",
    "categories": ["name", "contact"],
    "retention_years": 7,
    "locations": ["EU", "UK"],
    "readers": ["finance"],
}


class Tags(HTMLParser):
    """Collects start tags and <script> text as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def hostile_scan(scan_dir: Path) -> Path:
    items = [
        item(f"share/{HOSTILE}", "accounts", readers=["Everyone"], location="US"),
        item(f"share/{SCRIPT_BREAK}", "undeclared", modified=datetime(2010, 1, 1, tzinfo=UTC)),
        item("share/clean.docx", "accounts"),
        item("share/broken.pdf", "accounts", status="error", error="corrupt <b>xref</b> table"),
        item("share/secret.zip", "accounts", status="encrypted", error="password protected"),
    ]
    findings = [
        finding(f"share/{HOSTILE}", "name"),
        finding(f"share/{HOSTILE}", "payment_card", 1),
        finding(f"share/{SCRIPT_BREAK}", "contact", 2),
        finding("share/clean.docx", "name", 3),
    ]
    write_scan(scan_dir, items, findings, meta={"scan_id": f"scan {HOSTILE}", "version": "0.1.0"})
    scope.evaluate(scan_dir, config([STORE], scan_dir.parent))
    return scan_dir


def test_hostile_names_are_text_never_markup(scan_dir: Path) -> None:
    page = html.render(hostile_scan(scan_dir)).read_text(encoding="utf-8")
    assert HOSTILE not in page and SCRIPT_BREAK not in page
    assert "&lt;img src=x onerror=alert(1)&gt;.txt" in page
    assert "corrupt &lt;b&gt;xref&lt;/b&gt; table" in page
    parser = Tags()
    parser.feed(page)
    assert [t for t, _ in parser.tags if t == "img"] == []
    assert [t for t, _ in parser.tags].count("script") == 2  # the JSON island and our own JS
    assert not any("onerror" in attrs for _, attrs in parser.tags)


def test_json_island_cannot_close_its_script_element(scan_dir: Path) -> None:
    page = html.render(hostile_scan(scan_dir)).read_text(encoding="utf-8")
    island = page.split('<script type="application/json" id="scan-data">', 1)[1]
    island = island.split("</script>", 1)[0]
    assert "<" not in island and ">" not in island and "&" not in island
    data = json.loads(island)
    assert data["scan"]["scan_id"] == f"scan {HOSTILE}"  # escaped, yet the same value
    assert data["figures"]["violations"] > 0


def test_report_is_self_contained(scan_dir: Path) -> None:
    page = html.render(hostile_scan(scan_dir)).read_text(encoding="utf-8")
    parser = Tags()
    parser.feed(page)
    for tag, attrs in parser.tags:
        for attr in ("src", "href", "action", "data", "poster"):
            value = (attrs.get(attr) or "").strip().lower()
            assert not value.startswith(("http:", "https:", "//")), (tag, attrs)
        assert not (tag == "link" and attrs.get("rel") == "stylesheet")
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page)
    assert "@import" not in page


def test_figures_heat_map_and_sections(scan_dir: Path) -> None:
    page = html.render(hostile_scan(scan_dir)).read_text(encoding="utf-8")
    figure = re.compile(r'id="fig-([a-z-]+)"><div class="num">([^<]+)<')
    figures = dict(figure.findall(page))
    summary = scope.evaluate(scan_dir, config([STORE], scan_dir.parent))
    assert figures["items"] == "5"
    assert figures["items-with-findings"] == "3"
    assert figures["findings"] == "4"
    assert figures["violations"] == str(summary.violations)
    assert figures["problems"] == "2"
    # declared cells carry the tick; an undeclared cell with data is marked as a violation
    heat = r'class="{}"[^>]*data-store="accounts" data-category="{}"'
    assert re.search(heat.format("cell declared viol", "name"), page)  # declared, item has issues
    assert re.search(heat.format("cell declared", "contact"), page)  # declared, nothing found
    assert re.search(heat.format("cell", "address"), page)  # neither
    assert re.search(heat.format("cell viol", "payment_card"), page)  # found, not declared
    for kind in ("store_not_declared", "category_not_declared", "location_not_allowed"):
        assert f'data-kind="{kind}"' in page
    assert "password protected" in page
    assert "J*** S****" in page  # masked evidence, never the value
    assert "TestRecognizer: shape test, mod-97 ok, cue &#x27;iban&#x27; +0.10" in page  # why
    assert "0" * 12 in page and "0" * 13 not in page  # hashes shortened


def test_scan_without_scope_still_renders(scan_dir: Path) -> None:
    write_scan(scan_dir, [item("a.txt", "accounts")], [finding("a.txt", "name")])
    page = html.render(scan_dir).read_text(encoding="utf-8")
    assert "not applied" in page and 'id="fig-violations"><div class="num">not evaluated' in page


def test_capped_tables_say_how_to_get_everything(
    scan_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = [item(f"hr/{n}.txt", "undeclared") for n in range(5)]
    write_scan(scan_dir, items, [finding(f"hr/{n}.txt", "name", n) for n in range(5)])
    scope.evaluate(scan_dir, config([STORE], scan_dir.parent))
    monkeypatch.setattr(html, "MAX_VIOLATIONS", 2)
    monkeypatch.setattr(html, "MAX_ITEMS", 3)
    page = html.render(scan_dir).read_text(encoding="utf-8")
    assert page.count('<tr data-kind="store_not_declared"') == 2
    assert "Showing 2 of 5 rows" in page and "noticescan query SCAN_DIR" in page
    assert page.count('<details class="item"') == 3


def test_change_hook_is_empty_until_the_incremental_issue_fills_it(scan_dir: Path) -> None:
    assert html.changes_section(scan_dir, {}) == ""
