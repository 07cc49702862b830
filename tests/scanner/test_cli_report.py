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
    assert 'data-kind="category_not_declared"' in out.read_text(encoding="utf-8")


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
    for command in ("report", "query"):
        done = noticescan(command, "--help")
        assert done.returncode == 0 and "SCAN_DIR" in done.stdout
