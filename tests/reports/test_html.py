"""The HTML report rendered from synthetic scans: escaping, self-containment, figures, caps."""

from __future__ import annotations

import base64
import gzip
import json
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from reports import embedded, html, scope
from scanner.errors import NoticeScanError
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


def block(page: str, ident: str) -> dict:
    """A compressed block of the page, decoded as the page's script does."""
    text = page.split(f'<script type="text/plain" id="{ident}">', 1)[1].split("</script>", 1)[0]
    return json.loads(gzip.decompress(base64.b64decode(text)))


def test_hostile_names_are_text_never_markup(scan_dir: Path) -> None:
    page = html.render(hostile_scan(scan_dir)).read_text(encoding="utf-8")
    assert HOSTILE not in page and SCRIPT_BREAK not in page
    assert "&lt;img src=x onerror=alert(1)&gt;.txt" in page  # the scan id, in the title
    assert "corrupt &lt;b&gt;xref&lt;/b&gt; table" in page
    parser = Tags()
    parser.feed(page)
    assert [t for t, _ in parser.tags if t == "img"] == []
    # the JSON island, the two compressed blocks and our own JS; nothing else
    assert [t for t, _ in parser.tags].count("script") == 4
    assert not any("onerror" in attrs for _, attrs in parser.tags)
    rows = block(page, "rows-data")  # the names travel intact, for the script's textContent
    assert {f"share/{HOSTILE}", f"share/{SCRIPT_BREAK}"} <= set(rows["items"]["uri"])
    assert HOSTILE in rows["items"]["name"]


def test_json_island_cannot_close_its_script_element(scan_dir: Path) -> None:
    page = html.render(hostile_scan(scan_dir)).read_text(encoding="utf-8")
    island = page.split('<script type="application/json" id="scan-data">', 1)[1]
    island = island.split("</script>", 1)[0]
    assert "<" not in island and ">" not in island and "&" not in island
    data = json.loads(island)
    assert data["scan"]["scan_id"] == f"scan {HOSTILE}"  # escaped, yet the same value
    assert data["figures"]["violations"] > 0
    for ident in ("rows-data", "evidence-data"):  # base64: no character can end the element
        text = page.split(f'id="{ident}">', 1)[1].split("</script>", 1)[0]
        assert re.fullmatch(r"[A-Za-z0-9+/=]*", text)


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
    figure = re.compile(r'id="fig-([a-z-]+)"[^>]*><div class="num">([^<]+)<')
    figures = dict(figure.findall(page))
    summary = scope.evaluate(scan_dir, config([STORE], scan_dir.parent))
    assert figures["items"] == "5"
    assert figures["items-with-findings"] == "3"
    assert figures["findings"] == "4"
    assert figures["violations"] == str(summary.violations)
    assert figures["problems"] == "2"
    assert figures["high"] == "1"  # the payment card beyond the notice, readable by Everyone
    # Each cell says how many items hold the category and how many are beyond, in words.
    cell = re.compile(
        r'<td class="([^"]+)" data-store="accounts" data-category="(\w+)"'
        r' data-items="(\d+)" data-beyond="(\d+)">(.*?)</td>',
        re.S,
    )
    cells = {m[1]: (m[0], m[2], m[3], re.sub(r"<[^>]+>", "", m[4])) for m in cell.findall(page)}
    assert cells["name"] == ("cell declared has-beyond", "2", "1", "✓ 2 items1 beyond")
    assert cells["contact"] == ("cell declared", "0", "0", "✓ none found")
    assert cells["payment_card"] == ("cell found has-beyond", "1", "1", "1 item1 beyond")
    assert "address" not in cells  # neither declared nor found: no column
    rows = block(page, "rows-data")
    assert {rows["kinds"][k] for k in rows["violations"]["kind"]} >= {
        "store_not_declared",
        "category_not_declared",
        "location_not_allowed",
    }
    assert "password protected" in page
    evidence = block(page, "evidence-data")
    assert set(evidence["evidence"]) == {"J*** S****"}  # masked evidence, never the value
    assert {len(h) for h in evidence["hash"]} == {12}  # hashes shortened
    for code in ("store_not_declared", "payment_card", "location_not_allowed", "False", "None"):
        assert f">{code}<" not in page  # labels where a person reads, never codes
    assert evidence["whys"] == ["TestRecognizer: shape test, mod-97 ok, cue 'iban' +0.10"]  # why


def test_scan_without_scope_still_renders(scan_dir: Path) -> None:
    write_scan(scan_dir, [item("a.txt", "accounts")], [finding("a.txt", "name")])
    page = html.render(scan_dir).read_text(encoding="utf-8")
    assert "not applied" in page and 'id="fig-violations"><div class="num">not evaluated' in page
    assert block(page, "rows-data")["items"]["uri"] == ["a.txt"]


def test_capped_rows_say_how_to_get_everything(
    scan_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = [item(f"hr/{n}.txt", "undeclared") for n in range(5)]
    write_scan(scan_dir, items, [finding(f"hr/{n}.txt", "name", n) for n in range(5)])
    scope.evaluate(scan_dir, config([STORE], scan_dir.parent))
    monkeypatch.setattr(embedded, "MAX_ITEMS", 3)
    page = html.render(scan_dir).read_text(encoding="utf-8")
    assert len(block(page, "rows-data")["items"]["uri"]) == 3
    assert "first 3 of 5 items" in page and "noticescan export" in page


def test_unreachable_sources_open_the_report_with_a_banner(scan_dir: Path) -> None:
    lost = {
        "source": "finance-share",
        "store": "accounts",
        "what": "smb://fs01/finance",
        "error": "connection refused",
        "last_read": "2026-11-28T02:00:00+00:00",
    }
    never = {**lost, "source": "hr-share", "what": "smb://fs01/hr", "last_read": None}
    write_scan(
        scan_dir,
        [item("a.txt", "accounts")],
        [finding("a.txt", "name")],
        meta={"status": "incomplete", "unreachable": [lost, never]},
    )
    page = html.render(scan_dir).read_text(encoding="utf-8")
    main = page.split("<main>", 1)[1]
    assert main.lstrip().startswith('<section class="banner bad" id="unreachable"')
    banner = main.split("</section>", 1)[0]
    assert "2 sources could not be read" in banner and "not re-verified" in banner
    assert "smb://fs01/finance" in banner and "Last read 2026-11-28 02:00 UTC" in banner
    assert "smb://fs01/hr" in banner and "Never read successfully" in banner


def test_unreadable_items_are_grouped_by_reason_and_type(scan_dir: Path) -> None:
    items = [item(f"logs/{n}.gz", status="unsupported", error="no extractor") for n in range(7)]
    items.append(item("x/broken.pdf", status="error", error="corrupt xref"))
    write_scan(scan_dir, items, [])
    page = html.render(scan_dir).read_text(encoding="utf-8")
    rows = re.findall(r'<tr><td class="n">([\d,]+) ×</td><td>([^<]+)</td><td>([^<]+)</td>', page)
    assert rows == [("7", ".gz", "Format not supported"), ("1", ".pdf", "Could not be read")]


def test_finding_reasons_are_optional_for_scans_from_before_them(scan_dir: Path) -> None:
    write_scan(scan_dir, [item("a.txt", "accounts")], [finding("a.txt", "government_id")])
    path = scan_dir / "findings.parquet"
    pq.write_table(pq.read_table(path).drop_columns(["reason"]), path)
    page = html.render(scan_dir).read_text(encoding="utf-8")
    evidence = block(page, "evidence-data")
    assert evidence["evidence"] and not any(evidence["whys"])


def test_violations_from_before_severities_ask_for_a_re_evaluation(scan_dir: Path) -> None:
    hostile_scan(scan_dir)
    path = scan_dir / "violations.parquet"
    pq.write_table(pq.read_table(path).drop_columns(["severity"]), path)
    with pytest.raises(NoticeScanError, match="report .* --config FILE"):
        html.render(scan_dir)


def test_scan_section_shows_counts_duration_speed_and_sources(scan_dir: Path) -> None:
    hostile_scan(scan_dir)
    meta = json.loads((scan_dir / "scan.json").read_text())
    meta.update(
        started="2025-06-01T12:00:00+00:00",
        finished="2025-06-01T12:02:05+00:00",
        status="complete",
        mode="full",
        resumed=False,
        config={
            "stores": [{"id": "accounts", "name": "Accounts"}],
            "sources": [
                {"index": 0, "type": "local", "store": "accounts", "options": {"path": "/srv/a"}}
            ],
        },
        source_errors=["local-2: /srv/gone: no such folder"],
    )
    (scan_dir / "scan.json").write_text(json.dumps(meta))
    page = html.render(scan_dir).read_text(encoding="utf-8")
    scan = page.split('<section id="s-scan">', 1)[1].split("</section>", 1)[0]
    text = re.sub(r"<[^>]+>", " ", scan.replace("<wbr>", ""))
    assert "2 min 05 s" in text and "MB/s" in text
    assert re.search(r"Could not be read\s+1\b", text) and re.search(r"Read\s+3\b", text)
    assert "local-1" in text and "/srv/a" in text and "Accounts" in text
    assert "/srv/gone: no such folder" in text
    assert "False" not in text and "None" not in text


def test_accepted_violations_are_apart_with_who_why_and_until(scan_dir: Path) -> None:
    hostile_scan(scan_dir)
    path = scan_dir / "violations.parquet"
    table = pq.read_table(path)
    n = table.num_rows
    state = ["accepted"] + ["open"] * (n - 1)
    by = ["j.smith"] + [None] * (n - 1)
    for name, values in (
        ("review", state),
        ("review_by", by),
        ("review_why", ["legal hold"] + [None] * (n - 1)),
    ):
        table = table.set_column(table.schema.get_field_index(name), name, pa.array(values))
    pq.write_table(table, path)
    page = html.render(scan_dir).read_text(encoding="utf-8")
    island = page.split('<script type="application/json" id="scan-data">', 1)[1]
    figures = json.loads(island.split("</script>", 1)[0])["figures"]
    assert figures["violations"] == n - 1 and figures["by_review"] == {"accepted": 1, "open": n - 1}
    assert "Not counted above: 1 accepted violation and 0 false positives" in page
    rows = block(page, "rows-data")
    v = rows["violations"]
    accepted = [k for k, r in enumerate(v["review"]) if rows["reviews"][r] == "accepted"]
    assert len(accepted) == 1
    assert rows["review_by_values"][v["review_by"][accepted[0]]] == "j.smith"
    assert rows["settled"] == ["accepted", "false_positive"]
