"""`noticescan diff` and reports.diff on real Parquet scan folders (written by the real writers)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from reports.diff import diff_scans, previous_scan
from scanner.errors import NoticeScanError
from scanner.schema import ITEMS_SCHEMA, VIOLATIONS_SCHEMA, write_table
from tests.conftest import run_cli


def make_scan(
    root: Path, scan_id: str, items: dict[str, str], violations: list[tuple[str, ...]] | None
) -> Path:
    d = root / scan_id
    d.mkdir(parents=True)
    meta = {"scan_id": scan_id, "status": "complete", "config_identity": "config:/n.toml"}
    (d / "scan.json").write_text(json.dumps(meta))
    blank = {c: None for c in ITEMS_SCHEMA.names}
    write_table(
        d / "items.parquet",
        ITEMS_SCHEMA,
        [blank | {"uri": u, "content_hash": h, "status": "ok"} for u, h in items.items()],
    )
    if violations is not None:
        blank_v = {c: None for c in VIOLATIONS_SCHEMA.names}
        keys = ("kind", "store", "item_uri", "category", "reason")
        write_table(
            d / "violations.parquet",
            VIOLATIONS_SCHEMA,
            [blank_v | dict(zip(keys, v, strict=True)) for v in violations],
        )
    return d


def two_scans(tmp_path: Path) -> tuple[Path, Path]:
    old = make_scan(
        tmp_path,
        "20261124T020000Z-aaaa",
        {"/a": "1", "/b": "2", "/c": "3"},
        [
            ("store_not_declared", "undeclared", "/a", "name", "old reason"),
            ("category_not_declared", "hr", "/b", "payment_card", "cards in HR"),
            ("category_not_declared", "hr", "/b", "name", "kept"),
        ],
    )
    new = make_scan(
        tmp_path,
        "20261125T020000Z-bbbb",
        {"/a": "1", "/b": "9", "/d": "4"},
        [
            ("store_not_declared", "undeclared", "/a", "name", "new wording"),  # same key
            ("category_not_declared", "hr", "/b", "name", "kept"),
            ("retention_exceeded", "crm", "/d", "contact", "older than 6 years"),
        ],
    )
    return old, new


def test_diff_reports_new_resolved_and_item_changes(tmp_path: Path) -> None:
    old, new = two_scans(tmp_path)
    d = diff_scans(old, new)
    assert [(v["kind"], v["item_uri"], v["category"]) for v in d.new] == [
        ("retention_exceeded", "/d", "contact")
    ]
    assert [(v["item_uri"], v["category"], v["reason"]) for v in d.resolved] == [
        ("/b", "payment_card", "cards in HR")
    ]
    assert d.unchanged == 2
    assert (d.items_added, d.items_removed, d.items_changed) == (1, 1, 1)
    assert previous_scan(tmp_path, "20261125T020000Z-bbbb") == old
    assert previous_scan(tmp_path, "20261124T020000Z-aaaa") is None


def test_diff_cli_text_json_and_exit_codes(tmp_path: Path) -> None:
    old, new = two_scans(tmp_path)
    r = run_cli("diff", str(old), str(new))
    assert r.returncode == 1, r.stderr  # new violations
    assert "+ retention_exceeded  crm  contact  /d  (older than 6 years)" in r.stdout
    assert "- category_not_declared  hr  payment_card  /b" in r.stdout
    assert "1 new, 1 resolved, 2 unchanged" in r.stdout
    r = run_cli("diff", str(new), str(new), "--format", "json")
    assert r.returncode == 0
    doc = json.loads(r.stdout)
    assert doc["new"] == [] and doc["resolved"] == [] and doc["unchanged"] == 3


def test_diff_says_clearly_when_the_notice_was_not_applied(tmp_path: Path) -> None:
    old, _ = two_scans(tmp_path)
    bare = make_scan(tmp_path, "20261126T020000Z-cccc", {"/a": "1"}, None)
    with pytest.raises(NoticeScanError, match="violations.parquet is missing"):
        diff_scans(old, bare)
    r = run_cli("diff", str(old), str(bare))
    assert r.returncode == 2
    assert "noticescan report" in r.stderr


def changes_html(scan_dir: Path) -> str:
    """The report's "Change since the previous scan" section, or "" when it has none."""
    from reports.html import render

    page = render(scan_dir).read_text(encoding="utf-8")
    if 'id="s-changes"' not in page:
        return ""
    return page.split('<section id="s-changes">', 1)[1].split("</section>", 1)[0]


def test_report_shows_the_change_since_the_previous_scan(tmp_path: Path) -> None:
    old, new = two_scans(tmp_path)
    html = changes_html(new)
    assert "20261124T020000Z-aaaa" in html
    cards = dict(re.findall(r'id="chg-(\w+)"><div class="num">([^<]*)<', html))
    assert cards == {
        "new": "1",
        "resolved": "1",
        "unchanged": "2",
        "added": "1",
        "removed": "1",
        "changed": "1",
    }
    new_rows = html.split('id="changes-new"')[1].split("</table>")[0]
    assert "Kept past retention" in new_rows and "older than 6 years" in new_rows
    assert "cards in HR" in html.split('id="changes-resolved"')[1]
    # the first scan of a configuration has nothing to compare with
    assert changes_html(old) == ""


def test_report_trend_covers_the_earlier_scans_of_the_config(tmp_path: Path) -> None:
    from reports.html import render

    old, new = two_scans(tmp_path)
    make_scan(tmp_path, "20261123T020000Z-0000", {"/a": "1"}, [])  # no violations that night
    other = make_scan(tmp_path, "20261122T020000Z-9999", {"/a": "1"}, [])
    meta = json.loads((other / "scan.json").read_text()) | {"config_identity": "config:/x.toml"}
    (other / "scan.json").write_text(json.dumps(meta))  # another config: not in the trend
    page = render(new).read_text(encoding="utf-8")
    trend = page.split('<figure id="trend">', 1)[1].split("</figure>", 1)[0]
    assert "last 3 scans" in trend
    totals = re.findall(r'class="total">([\d,]+)<', trend)
    assert totals == ["0", "3", "3"]
    assert 'id="trend"' not in render(tmp_path / "20261123T020000Z-0000").read_text()


def test_change_section_escapes_what_came_from_the_data(tmp_path: Path) -> None:
    make_scan(tmp_path, "20261124T020000Z-aaaa", {"/a": "1"}, [])
    new = make_scan(
        tmp_path,
        "20261125T020000Z-bbbb",
        {"/<b>x</b>.txt": "1"},
        [
            (
                "store_not_declared",
                "undeclared",
                "/<img src=x onerror=alert(1)>.txt",
                "name",
                "</td>",
            )
        ],
    )
    html = changes_html(new)
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;/td&gt;" in html
