"""The notice's rules over synthetic scans: each rule, its edge cases, and the summary table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from reports import regions, scope
from tests.reports.conftest import STARTED, config, finding, item, write_scan

FINANCE = {
    "id": "accounts",
    "name": "Accounts System",
    "categories": ["name", "address", "contact", "billing"],
    "retention_years": 7,
    "locations": ["EU", "UK"],
    "readers": ["finance"],
}


def violations(scan_dir: Path) -> list[tuple[str, str, str, str]]:
    rows = duckdb.sql(
        f"SELECT kind, store, item_uri, category FROM '{scan_dir}/violations.parquet' ORDER BY ALL"
    ).fetchall()
    return [tuple(r) for r in rows]


def run(scan_dir: Path, stores: list[dict], items: list[dict], findings: list[dict]) -> list:
    write_scan(scan_dir, items, findings)
    summary = scope.evaluate(scan_dir, config(stores, scan_dir.parent))
    got = violations(scan_dir)
    assert summary.violations == len(got)
    return got


def test_clean_scan_has_no_violations(scan_dir: Path) -> None:
    items = [item("f/a.txt", "accounts", location="UK", readers=["FLOTECH\\Finance"])]
    got = run(
        scan_dir, [FINANCE], items, [finding("f/a.txt", "name"), finding("f/a.txt", "billing", 1)]
    )
    assert got == []
    summary = scope.evaluate(scan_dir, config([FINANCE], scan_dir.parent))
    assert summary.violations == 0 and summary.items_with_findings == 1


def test_category_not_declared_one_row_per_item_and_category(scan_dir: Path) -> None:
    items = [item("f/notes.txt", "accounts")]
    findings = [
        finding("f/notes.txt", "name"),
        finding("f/notes.txt", "special_category", 1),
        finding("f/notes.txt", "special_category", 2),
        finding("f/notes.txt", "payment_card", 3),
    ]
    got = run(scan_dir, [FINANCE], items, findings)
    assert got == [
        ("category_not_declared", "accounts", "f/notes.txt", "payment_card"),
        ("category_not_declared", "accounts", "f/notes.txt", "special_category"),
    ]
    row = duckdb.sql(
        f"SELECT * FROM '{scan_dir}/violations.parquet' WHERE category = 'special_category'"
    ).fetchall()[0]
    cols = [d[0] for d in duckdb.sql(f"DESCRIBE '{scan_dir}/violations.parquet'").fetchall()]
    rec = dict(zip(cols, row, strict=True))
    assert rec["finding_count"] == 2
    assert rec["entity_types"] == ["HEALTH_CONDITION"]
    assert "does not declare" in rec["reason"] and "Accounts System" in rec["reason"]
    assert rec["item_name"] == "notes.txt"


def test_undeclared_store_and_unknown_store_ids(scan_dir: Path) -> None:
    items = [
        item("hr/p.txt", "undeclared"),
        item("hr/empty.txt", "undeclared"),
        item("old/x.txt", "retired-store"),
    ]
    findings = [finding("hr/p.txt", "name"), finding("hr/p.txt", "government_id", 1)]
    findings.append(finding("old/x.txt", "contact"))
    got = run(scan_dir, [FINANCE], items, findings)
    assert got == [
        ("store_not_declared", "retired-store", "old/x.txt", "contact"),
        ("store_not_declared", "undeclared", "hr/p.txt", "government_id"),
        ("store_not_declared", "undeclared", "hr/p.txt", "name"),
    ]


@pytest.mark.parametrize(
    ("modified", "expected"),
    [
        (datetime(2018, 6, 1, 12, 0, tzinfo=UTC), False),  # exactly 7 years: the boundary holds
        (datetime(2018, 6, 1, 11, 59, 59, tzinfo=UTC), True),
        (datetime(2015, 3, 1, tzinfo=UTC), True),
        (STARTED - timedelta(days=1), False),
        (None, False),  # unknown age is not evidence of over-retention
    ],
)
def test_retention(scan_dir: Path, modified: datetime | None, expected: bool) -> None:
    items = [item("f/inv.pdf", "accounts", modified=modified)]
    got = run(scan_dir, [FINANCE], items, [finding("f/inv.pdf", "name")])
    assert got == ([("retention_exceeded", "accounts", "f/inv.pdf", "name")] if expected else [])


def test_retention_uses_scan_start_not_today_and_no_retention_means_no_rule(scan_dir: Path) -> None:
    open_ended = {**FINANCE, "id": "crm", "name": "CRM"}
    del open_ended["retention_years"]
    items = [
        item("a.txt", "accounts", modified=datetime(2017, 1, 1, tzinfo=UTC)),
        item("c.txt", "crm", modified=datetime(2001, 1, 1, tzinfo=UTC)),
    ]
    findings = [finding("a.txt", "name"), finding("c.txt", "name")]
    write_scan(scan_dir, items, findings, meta={"started": "2020-01-01T00:00:00+00:00"})
    scope.evaluate(scan_dir, config([FINANCE, open_ended], scan_dir.parent))
    assert violations(scan_dir) == []  # 2017 is within 7 years of a 2020 scan


@pytest.mark.parametrize(
    ("location", "allowed", "expected"),
    [
        ("DE", ["EU"], False),
        ("UK", ["EU", "UK"], False),
        ("GB", ["UK"], False),
        ("US", ["EU", "UK"], True),
        ("UK", ["EU"], True),  # the UK is not in the EU
        ("EU", ["DE"], True),  # "somewhere in the EU" is broader than Germany
        ("EU", ["EU", "UK"], False),
        (None, ["EU"], False),  # unknown location: no claim either way
        ("US", [], False),  # a store with no declared locations is not restricted
    ],
)
def test_location(scan_dir: Path, location: str | None, allowed: list[str], expected: bool) -> None:
    store = {**FINANCE, "locations": allowed}
    items = [item("m/x.csv", "accounts", location=location)]
    got = run(scan_dir, [store], items, [finding("m/x.csv", "contact")])
    assert got == ([("location_not_allowed", "accounts", "m/x.csv", "contact")] if expected else [])


@pytest.mark.parametrize(
    ("readers", "metadata", "declared", "expected"),
    [
        (["Everyone"], None, ["finance"], "Everyone"),
        (["FLOTECH\\finance", "BUILTIN\\Users"], None, ["finance"], "BUILTIN\\Users"),
        (["FLOTECH\\Finance", "finance@flotech.example"], None, ["finance"], None),
        (["FLOTECH\\bob"], None, ["finance"], "FLOTECH\\bob"),
        (["NT AUTHORITY\\SYSTEM", "BUILTIN\\Administrators", "finance"], None, ["finance"], None),
        (None, None, ["finance"], None),  # the source does not know: no claim
        ([], None, ["finance"], None),
        (["Everyone"], None, None, None),  # store readers not restricted by the notice
        (None, {"broad_access": "true"}, ["finance"], "broad access reported by the source"),
    ],
)
def test_access(
    scan_dir: Path,
    readers: list[str] | None,
    metadata: dict | None,
    declared: list[str] | None,
    expected: str | None,
) -> None:
    store = {**FINANCE}
    if declared is None:
        del store["readers"]
    else:
        store["readers"] = declared
    items = [item("s/inv.xlsx", "accounts", readers=readers, metadata=metadata)]
    write_scan(scan_dir, items, [finding("s/inv.xlsx", "billing")])
    scope.evaluate(scan_dir, config([store], scan_dir.parent))
    rows = duckdb.sql(
        f"SELECT kind, detail, reason FROM '{scan_dir}/violations.parquet'"
    ).fetchall()
    if expected is None:
        assert rows == []
    else:
        assert [(k, d) for k, d, _ in rows] == [("access_broader_than_declared", expected)]
        assert "restricts Accounts System to finance" in rows[0][2]


def test_unencrypted_only_for_readable_items_with_findings(scan_dir: Path) -> None:
    backups = {
        "id": "backups",
        "name": "Backups",
        "categories": ["name", "contact"],
        "encrypted": True,
    }
    items = [
        item("b/plain.zip", "backups"),
        item("b/plain.zip#customers.csv", "backups", parent_uri="b/plain.zip"),
        item("b/locked.zip", "backups", status="encrypted", error="password protected"),
        item("b/readme.txt", "backups"),
    ]
    findings = [
        finding("b/plain.zip#customers.csv", "name"),
        finding("b/plain.zip#customers.csv", "contact", 1),
    ]
    got = run(scan_dir, [backups], items, findings)
    assert got == [
        ("unencrypted", "backups", "b/plain.zip#customers.csv", "contact"),
        ("unencrypted", "backups", "b/plain.zip#customers.csv", "name"),
    ]


def test_one_item_can_break_several_rules(scan_dir: Path) -> None:
    items = [
        item(
            "x.txt",
            "accounts",
            location="US",
            readers=["Everyone"],
            modified=datetime(2010, 1, 1, tzinfo=UTC),
        )
    ]
    got = run(scan_dir, [FINANCE], items, [finding("x.txt", "payment_card")])
    assert [k for k, *_ in got] == sorted(
        [
            "access_broader_than_declared",
            "category_not_declared",
            "location_not_allowed",
            "retention_exceeded",
        ]
    )


def test_summary_table_marks_declared_cells(scan_dir: Path) -> None:
    items = [item("a.txt", "accounts"), item("b.txt", "accounts"), item("h.txt", "undeclared")]
    findings = [
        finding("a.txt", "name"),
        finding("a.txt", "name", 1),
        finding("b.txt", "name", 2),
        finding("b.txt", "special_category", 3),
        finding("h.txt", "contact", 4),
    ]
    write_scan(scan_dir, items, findings)
    result = scope.evaluate(scan_dir, config([FINANCE], scan_dir.parent))
    assert (
        result.by_kind["category_not_declared"] == 1 and result.by_kind["store_not_declared"] == 1
    )
    assert result.items_with_findings == 3 and result.violation_items == 2
    cells = {
        (s, c): (d, i, f, v)
        for s, c, d, i, f, v in duckdb.sql(
            f"SELECT store, category, declared, items, findings, violation_items"
            f" FROM '{scan_dir}/summary.parquet'"
        ).fetchall()
    }
    assert cells[("accounts", "name")] == (True, 2, 3, 0)
    assert cells[("accounts", "special_category")] == (False, 1, 1, 1)
    assert cells[("accounts", "billing")] == (True, 0, 0, 0)  # declared but nothing found
    assert cells[("undeclared", "contact")] == (False, 1, 1, 1)


def test_missing_scan_files_name_the_fix(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="items.parquet: not found; point at a finished scan"):
        scope.evaluate(tmp_path, config([FINANCE], tmp_path))


def test_scan_start_falls_back_to_items_file_time(scan_dir: Path) -> None:
    write_scan(scan_dir, [item("a", "accounts")], [])
    (scan_dir / "scan.json").write_text("{}")
    started = scope.scan_started(scan_dir)
    assert abs((datetime.now(UTC) - started).total_seconds()) < 60


@pytest.mark.parametrize(
    ("t", "years", "expected"),
    [
        (datetime(2024, 2, 29, tzinfo=UTC), 1, datetime(2023, 2, 28, tzinfo=UTC)),
        (datetime(2025, 3, 31, tzinfo=UTC), 0.5, datetime(2024, 9, 30, tzinfo=UTC)),
        (datetime(2025, 6, 1, tzinfo=UTC), 7, datetime(2018, 6, 1, tzinfo=UTC)),
    ],
)
def test_years_before(t: datetime, years: float, expected: datetime) -> None:
    assert scope.years_before(t, years) == expected


@pytest.mark.parametrize(
    ("principal", "declared", "problem"),
    [
        ("Everyone", ("finance",), "broad"),
        ("NT AUTHORITY\\Authenticated Users", ("finance",), "broad"),
        ("S-1-1-0", ("finance",), "broad"),
        ("FLOTECH\\FINANCE", ("finance",), None),
        ("FLOTECH\\finance", ("OTHER\\Finance",), None),
        ("alice", ("finance",), "not_declared"),
        ("CREATOR OWNER", ("finance",), None),
    ],
)
def test_reader_problem(principal: str, declared: tuple[str, ...], problem: str | None) -> None:
    assert regions.reader_problem(principal, declared) == problem


def rows(scan_dir: Path, cols: str) -> list[tuple]:
    return duckdb.sql(f"SELECT {cols} FROM '{scan_dir}/violations.parquet' ORDER BY ALL").fetchall()


def test_severity_follows_the_documented_rules(scan_dir: Path) -> None:
    old = datetime(2010, 1, 1, tzinfo=UTC)
    items = [
        item("hr/p.txt", "undeclared"),
        item("f/everyone.xlsx", "accounts", readers=["Everyone"]),
        item("f/bob.xlsx", "accounts", readers=["FLOTECH\\bob"]),
        item("f/old.pdf", "accounts", modified=old),
        item("f/us.csv", "accounts", location="US"),
    ]
    findings = [
        finding("hr/p.txt", "name"),
        finding("hr/p.txt", "government_id", 1),
        finding("f/everyone.xlsx", "billing", 2, entity="VAT_NUMBER"),
        finding("f/bob.xlsx", "name", 3),
        finding("f/old.pdf", "government_id", 4),
        finding("f/us.csv", "name", 5),
        finding("f/us.csv", "address", 6),
        finding("f/us.csv", "billing", 7, entity="IBAN_CODE"),
    ]
    write_scan(scan_dir, items, findings)
    scope.evaluate(scan_dir, config([FINANCE], scan_dir.parent))
    assert rows(scan_dir, "kind, item_uri, category, severity") == [
        ("access_broader_than_declared", "f/bob.xlsx", "name", "medium"),
        ("access_broader_than_declared", "f/everyone.xlsx", "billing", "high"),  # broad
        ("category_not_declared", "f/old.pdf", "government_id", "high"),
        ("location_not_allowed", "f/us.csv", "address", "medium"),
        ("location_not_allowed", "f/us.csv", "billing", "high"),  # bank details
        ("location_not_allowed", "f/us.csv", "name", "low"),
        ("retention_exceeded", "f/old.pdf", "government_id", "medium"),  # retention: medium
        ("store_not_declared", "hr/p.txt", "government_id", "high"),
        ("store_not_declared", "hr/p.txt", "name", "medium"),
    ]
    for kind, action in rows(scan_dir, "kind, action"):
        assert action and "_" not in action, (kind, action)  # a sentence, no codes


def test_reasons_quote_the_notice_name_the_folder_and_use_labels(scan_dir: Path) -> None:
    store = {
        **FINANCE,
        "notice_quote": {"store": "Our accounts.", "retention_years": "Kept 7 years."},
    }
    old = datetime(2010, 1, 1, tzinfo=UTC)
    items = [
        item("srv/a.zip", "accounts", modified=old),
        item("srv/a.zip#x/y.csv", "accounts", parent_uri="srv/a.zip", modified=old),
        item("srv/hr/pay.csv", "undeclared", source="path-3"),
    ]
    findings = [
        finding("srv/a.zip#x/y.csv", "government_id"),
        finding("srv/hr/pay.csv", "government_id", 1),
    ]
    write_scan(scan_dir, items, findings)
    scope.evaluate(scan_dir, config([store], scan_dir.parent))
    got = {k: (q, f, r) for k, q, f, r in rows(scan_dir, "kind, notice_quote, folder, reason")}
    assert got["retention_exceeded"][:2] == ("Kept 7 years.", "srv")  # the zip's folder
    assert got["category_not_declared"][:2] == ("Our accounts.", "srv")
    quote, folder, reason = got["store_not_declared"]
    assert quote is None and folder == "srv/hr"
    assert "srv/hr is in no store" in reason and "path-3" not in reason
    assert "government IDs: National Insurance number" in reason  # labels, not codes
