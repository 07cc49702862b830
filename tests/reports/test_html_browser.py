"""The report in a real browser: headless Chromium, driven through chromedriver, clicks it.

Chromium and chromedriver are Debian's packages, installed by scripts/install-test-deps.sh when
missing. What a compliance officer does is what the tests do: open the page, click a heat-map
cell, sort by a column, open an item, download the CSV, page through 100,000 violations. The
page's script unpacks its rows asynchronously; each test waits for the `data-rows` mark it sets.
Load time is measured by `python -m bench.report`, not asserted here.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from bench.report import browser
from bench.scope_report import STORES, make_scan
from reports import html, scope
from reports.tables import VIOLATION_COLUMNS
from scanner import config as config_mod
from tests.reports.conftest import config, finding, item, write_scan
from tests.reports.test_html import HOSTILE, STORE

pytestmark = pytest.mark.chromium
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        subprocess.run(["bash", str(ROOT / "scripts" / "install-test-deps.sh")], check=True)
    d = browser(width=1280)
    yield d
    d.quit()


def open_report(driver: Any, url: str) -> None:
    driver.get("about:blank")
    driver.get(url)
    wait(driver, "return document.documentElement.getAttribute('data-rows') === 'ready'")


def wait(driver: Any, script: str, timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for: {script}")


ROWS = """return Array.from(document.querySelectorAll('#items tr.item-row')).map(r => ({
    name: r.querySelector('.name').textContent, store: r.querySelector('.store').textContent,
    severity: r.getAttribute('data-severity'), kinds: r.querySelector('.kinds').textContent,
    findings: Number(r.querySelector('td.n').textContent.replace(/,/g, ''))}))"""


def rows(driver: Any) -> list[dict[str, Any]]:
    return list(driver.execute_script(ROWS))


def click(driver: Any, css: str) -> None:
    driver.execute_script("document.querySelector(arguments[0]).click()", css)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A hostile file name, and items of high, medium and low severity to sort."""
    scan_dir = tmp_path_factory.mktemp("browser") / "scan-1"
    items = [
        item(f"share/{HOSTILE}", "accounts", readers=["Everyone"], location="US"),
        item("share/clean.docx", "accounts"),
        item("share/abroad.txt", "accounts", location="US"),  # a name abroad: low
        item("share/old.txt", "accounts", modified=datetime(2010, 1, 1, tzinfo=UTC)),  # medium
        item("hr/pay.csv", "undeclared"),
        item("share/broken.pdf", "accounts", status="error", error="corrupt <b>xref</b>"),
    ]
    findings = [
        finding(f"share/{HOSTILE}", "name"),
        finding(f"share/{HOSTILE}", "payment_card", 1),
        finding("share/clean.docx", "name", 2),
        finding("share/abroad.txt", "name", 3),
        finding("share/old.txt", "contact", 4),
        finding("hr/pay.csv", "government_id", 5),
        finding("hr/pay.csv", "name", 6),
    ]
    write_scan(scan_dir, items, findings, meta={"scan_id": f"scan {HOSTILE}"})
    scope.evaluate(scan_dir, config([STORE], scan_dir.parent))
    return html.render(scan_dir)


def test_hostile_name_stays_text_in_the_list_and_the_drill_down(driver: Any, report: Path) -> None:
    open_report(driver, report.as_uri())
    names = [r["name"] for r in rows(driver)]
    assert HOSTILE in names
    n = names.index(HOSTILE) + 1
    click(driver, f"#items tr.item-row:nth-of-type({n}) .opener")
    detail = driver.execute_script("return document.querySelector('tr.detail').textContent")
    assert HOSTILE in detail and "What to do" in detail and "The notice says" in detail
    assert driver.execute_script("return document.querySelectorAll('img').length") == 0
    open_report(driver, report.as_uri() + "#q=%3Cimg%20src%3Dx")
    assert [r["name"] for r in rows(driver)] == [HOSTILE]
    assert driver.execute_script("return document.querySelectorAll('img').length") == 0


def test_most_severe_first_and_sorting_by_a_column(driver: Any, report: Path) -> None:
    open_report(driver, report.as_uri())
    rank = {"high": 0, "medium": 1, "low": 2}
    got = [rank[r["severity"]] for r in rows(driver)]
    assert got == sorted(got) and got[0] == 0 and got[-1] == 2
    click(driver, "#items th[data-sort='severity']")  # again: least severe first
    got = [rank[r["severity"]] for r in rows(driver)]
    assert got == sorted(got, reverse=True)
    click(driver, "#items th[data-sort='name']")
    names = [r["name"] for r in rows(driver)]
    assert names == sorted(names, key=str.casefold)


def test_one_row_per_item_opening_into_its_violations(driver: Any, report: Path) -> None:
    open_report(driver, report.as_uri())
    per_item = dict(
        duckdb.sql(
            f"SELECT item_name, count(*) FROM '{report.parent}/violations.parquet' GROUP BY ALL"
        ).fetchall()
    )
    listed = rows(driver)
    assert sorted(r["name"] for r in listed) == sorted(per_item)  # each item once
    for n, r in enumerate(listed, 1):
        click(driver, f"#items tr.item-row:nth-of-type({n}) .opener")
        lines = driver.execute_script(
            "return document.querySelectorAll('tr.detail li.violation').length"
        )
        assert lines == per_item[r["name"]], r["name"]
        click(driver, f"#items tr.item-row:nth-of-type({n}) .opener")  # close again


def test_heat_map_cell_click_lists_its_items(driver: Any, report: Path) -> None:
    open_report(driver, report.as_uri())
    cell = "button.cellbtn[data-store='accounts'][data-category='name']"
    beyond = int(
        driver.execute_script(
            "return document.querySelector(arguments[0]).closest('td').dataset.beyond", cell
        )
    )
    click(driver, cell)
    listed = rows(driver)
    (want,) = duckdb.sql(
        f"SELECT count(DISTINCT item_uri) FROM '{report.parent}/violations.parquet'"
        " WHERE store = 'accounts' AND category = 'name'"
    ).fetchall()
    assert len(listed) == beyond == want[0] > 0
    assert {r["store"] for r in listed} == {"Accounts </script> & co"}
    assert "store=accounts" in driver.current_url and "category=name" in driver.current_url


def test_csv_download_matches_the_export(driver: Any, report: Path, tmp_path: Path) -> None:
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    open_report(driver, report.as_uri())
    click(driver, "#dl-violations")

    def complete() -> list[Path]:
        # Chromium may show the file under its final name before its bytes are written (seen
        # once in a fresh clone: an empty file); done means no partial download left and bytes.
        if list(downloads.glob("*.crdownload")):
            return []
        return [p for p in downloads.glob("*-violations.csv") if p.stat().st_size > 0]

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not complete():
        time.sleep(0.1)
    (got,) = complete()
    with got.open(encoding="utf-8-sig", newline="") as f:
        page_rows = list(csv.reader(f))
    exported = tmp_path / "export.csv"
    from reports.export import export

    export(report.parent, exported, "csv")
    with exported.open(encoding="utf-8-sig", newline="") as f:
        cli_rows = list(csv.reader(f))
    assert page_rows[0] == cli_rows[0] == list(VIOLATION_COLUMNS)
    assert sorted(page_rows[1:]) == sorted(cli_rows[1:])  # same rows, same cells


def test_100k_violations_render_and_paginate(driver: Any, tmp_path: Path) -> None:
    scan_dir = tmp_path / "big"
    scan_dir.mkdir()
    make_scan(scan_dir, 45_500, 3)
    result = scope.evaluate(scan_dir, config_mod.from_dict({"store": STORES}, tmp_path))
    assert result.violations >= 100_000
    report = html.render(scan_dir)
    open_report(driver, report.as_uri())
    items = result.violation_items
    pages = -(-items // 50)
    count = driver.execute_script("return document.getElementById('vcount').textContent")
    assert count.startswith(f"Items 1–50 of {items:,} matching")
    assert len(rows(driver)) == 50
    click(driver, "#pager button[data-page='last']")
    info = driver.execute_script("return document.getElementById('page-info').textContent")
    assert info == f"Page {pages:,} of {pages:,}"
    last = rows(driver)
    assert len(last) == items - 50 * (pages - 1)
    rank = {"high": 0, "medium": 1, "low": 2}
    assert min(rank[r["severity"]] for r in last) == max(rank.values())  # least severe last


def test_printing_opens_the_rows_of_the_page(driver: Any, report: Path) -> None:
    """Print to PDF (the audit file): controls hidden, this page's rows opened, a note says so."""
    import base64

    import pypdfium2

    open_report(driver, report.as_uri())
    pdf = pypdfium2.PdfDocument(base64.b64decode(driver.print_page()))
    text = "\n".join(page.get_textpage().get_text_range() for page in pdf)
    items = len(rows(driver))
    assert text.count("What to do") >= items  # every row of the page opened
    assert f"Printed: items 1–{items} of the {items} matching the filter" in text
    assert "Download violations" not in text and "Rows per page" not in text
    assert driver.execute_script("return document.querySelectorAll('tr.detail').length") == 0
