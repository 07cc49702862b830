"""`noticescan report` and `noticescan query`, run as the real command on synthetic scans."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.reports.conftest import finding, item, write_scan

ROOT = Path(__file__).resolve().parents[2]


def noticescan(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "scanner.cli", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


CONFIG = """
[[store]]
id = "crm"
name = "CRM"
categories = ["name", "contact"]

[[source]]
type = "local"
path = "nowhere"
store = "crm"
"""


def make(scan_dir: Path) -> Path:
    items = [item("crm/a.csv", "crm"), item("crm/b.csv", "crm")]
    write_scan(scan_dir, items, [finding("crm/a.csv", "name"), finding("crm/b.csv", "name", 1)])
    return scan_dir


def test_report_with_config_evaluates_and_exits_by_verdict(tmp_path: Path) -> None:
    scan_dir = make(tmp_path / "scan")
    config = tmp_path / "notice.toml"
    config.write_text(CONFIG)
    done = noticescan("report", scan_dir, "--config", config)
    assert done.returncode == 0, done.stderr
    assert (scan_dir / "report.html").exists() and (scan_dir / "violations.parquet").exists()
    config.write_text(CONFIG.replace('["name", "contact"]', '["contact"]'))
    out = tmp_path / "elsewhere.html"
    done = noticescan("report", scan_dir, "--config", config, "--out", out)
    assert done.returncode == 1, done.stderr
    page = out.read_text(encoding="utf-8")
    assert '<option value="category_not_declared">Category not declared</option>' in page


def test_report_without_config_renders_what_is_there(tmp_path: Path) -> None:
    done = noticescan("report", make(tmp_path / "scan"))
    assert done.returncode == 0, done.stderr
    assert "not applied" in (tmp_path / "scan" / "report.html").read_text(encoding="utf-8")


def test_query_prints_json_and_errors_exit_2(tmp_path: Path) -> None:
    scan_dir = make(tmp_path / "scan")
    done = noticescan("query", scan_dir, "SELECT uri FROM items ORDER BY uri", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [{"uri": "crm/a.csv"}, {"uri": "crm/b.csv"}]
    done = noticescan("query", scan_dir, "SELECT * FROM nosuch")
    assert done.returncode == 2
    assert "views are items, findings, violations, summary" in done.stderr


def test_commands_have_help() -> None:
    for command in ("report", "query", "export"):
        done = noticescan(command, "--help")
        assert done.returncode == 0 and "SCAN_DIR" in done.stdout


FORMULA = "=SUM(A1:A9) payroll.csv"


def test_export_writes_violations_and_items_as_csv_and_xlsx(tmp_path: Path) -> None:
    import csv

    import openpyxl

    scan_dir = tmp_path / "scan"
    items = [item(f"crm/{FORMULA}", "crm"), item("crm/b.csv", "crm")]
    findings = [finding(f"crm/{FORMULA}", "government_id"), finding("crm/b.csv", "name", 1)]
    write_scan(scan_dir, items, findings)
    config = tmp_path / "notice.toml"
    config.write_text(CONFIG)
    assert noticescan("report", scan_dir, "--config", config).returncode == 1
    out = tmp_path / "v.csv"
    done = noticescan("export", scan_dir, "--format", "csv", "--out", out)
    assert done.returncode == 0, done.stderr
    with out.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert [(r["severity"], r["kind"], r["category"]) for r in rows] == [
        ("high", "category_not_declared", "government_id")
    ]
    assert rows[0]["item_name"] == "'" + FORMULA  # a spreadsheet shows it, never runs it
    assert rows[0]["action"] and rows[0]["reason"].startswith("'" + FORMULA)
    book = tmp_path / "all.xlsx"
    done = noticescan("export", scan_dir, "--out", book)
    assert done.returncode == 0, done.stderr
    assert "1 violations, 1 items" in done.stdout
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["violations", "items", "summary"]
    sheet = wb["items"]
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c for c in sheet[2]], strict=True))
    assert row["item_name"].value == FORMULA and row["item_name"].data_type == "s"
    assert row["categories"].value == "government_id"
    assert not list(tmp_path.glob("*.partial"))


def test_export_without_violations_names_the_fix(tmp_path: Path) -> None:
    done = noticescan("export", make(tmp_path / "scan"), "--out", tmp_path / "x.xlsx")
    assert done.returncode == 2 and "--config FILE" in done.stderr
