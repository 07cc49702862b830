"""`reports.query`: SQL over a scan's Parquet views, in table, CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from reports import query, scope
from scanner.errors import NoticeScanError
from tests.reports.conftest import config, finding, item, write_scan


def make(scan_dir: Path, evaluate: bool = True) -> Path:
    items = [item("a/x.txt", "undeclared"), item("a/y.txt", "undeclared", status="error")]
    write_scan(scan_dir, items, [finding("a/x.txt", "name"), finding("a/x.txt", "contact", 1)])
    if evaluate:
        scope.evaluate(scan_dir, config([], scan_dir.parent))
    return scan_dir


def test_table_output(scan_dir: Path) -> None:
    out = io.StringIO()
    n = query.run(
        make(scan_dir), "SELECT status, count(*) AS n FROM items GROUP BY 1 ORDER BY 1", out
    )
    lines = out.getvalue().splitlines()
    assert n == 2
    assert lines[0].split() == ["status", "n"]
    assert lines[2].split() == ["error", "1"] and lines[3].split() == ["ok", "1"]
    assert lines[-1] == "(2 rows)"


def test_csv_and_json_join_views(scan_dir: Path) -> None:
    sql = (
        "SELECT v.kind, v.category, f.entity_type FROM violations v"
        " JOIN findings f ON f.item_uri = v.item_uri AND f.category = v.category ORDER BY 2"
    )
    out = io.StringIO()
    query.run(make(scan_dir), sql, out, "csv")
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows == [
        ["kind", "category", "entity_type"],
        ["store_not_declared", "contact", "EMAIL_ADDRESS"],
        ["store_not_declared", "name", "PERSON"],
    ]
    out = io.StringIO()
    query.run(scan_dir, "SELECT uri, readers, modified FROM items ORDER BY uri", out, "json")
    data = json.loads(out.getvalue())
    assert [d["uri"] for d in data] == ["a/x.txt", "a/y.txt"]
    assert data[0]["modified"].startswith("2025-01-01")


def test_empty_json_is_an_array(scan_dir: Path) -> None:
    out = io.StringIO()
    assert query.run(make(scan_dir), "SELECT * FROM items WHERE false", out, "json") == 0
    assert json.loads(out.getvalue()) == []


def test_unscoped_scan_has_empty_violations_view(scan_dir: Path) -> None:
    out = io.StringIO()
    query.run(make(scan_dir, evaluate=False), "SELECT count(*) AS n FROM violations", out, "csv")
    assert out.getvalue().splitlines() == ["n", "0"]


def test_errors_name_the_fix(scan_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(NoticeScanError, match="no items.parquet here"):
        query.run(tmp_path / "nowhere", "SELECT 1", io.StringIO())
    with pytest.raises(NoticeScanError, match="views are items, findings, violations, summary"):
        query.run(make(scan_dir), "SELECT * FROM nosuch", io.StringIO())
    with pytest.raises(NoticeScanError, match="use one of: table, csv, json"):
        query.run(scan_dir, "SELECT 1", io.StringIO(), "xml")
