"""Review decisions over synthetic scans: recorded by `review`, applied by the next evaluation."""

from __future__ import annotations

import json
import tomllib
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from reports import decisions, scope
from reports.diff import diff_scans
from reports.review_command import Selection, run
from scanner import config as cfg
from scanner.errors import ConfigError, NoticeScanError
from tests.reports.conftest import STARTED, finding, item, write_scan

CRM = {"id": "crm", "name": "CRM", "categories": ["name", "contact"], "retention_years": 2}


def scan(
    scan_dir: Path, review_file: Path, hashes: dict[str, str] | None = None
) -> tuple[scope.ScopeSummary, cfg.ScanConfig]:
    """A CRM scan: a.csv (name, past retention), b.csv (billing: two findings, not declared)."""
    hashes = hashes or {}
    old = datetime(2020, 1, 1, tzinfo=UTC)  # before CRM's two-year retention
    items = [
        item("crm/a.csv", "crm", content_hash=hashes.get("a", "hash-a"), modified=old),
        item("crm/b.csv", "crm", content_hash=hashes.get("b", "hash-b"), modified=old),
    ]
    found = [finding("crm/a.csv", "name"), finding("crm/b.csv", "billing", 1)]
    found.append(finding("crm/b.csv", "billing", 2) | {"value_hash": "b2" * 32})
    config = cfg.from_dict(
        {"scan": {"review_file": str(review_file)}, "store": [CRM]}, scan_dir.parent
    )
    write_scan(scan_dir, items, found, {"config": config.as_dict()})
    return scope.evaluate(scan_dir, config), config


def rows(scan_dir: Path) -> dict[tuple[str, str, str], dict[str, Any]]:
    rel = duckdb.sql(f"SELECT * FROM '{scan_dir}/violations.parquet'")
    out = {}
    for r in rel.fetchall():
        row = dict(zip(rel.columns, r, strict=True))
        out[(row["kind"], row["item_uri"], row["category"])] = row
    return out


RETENTION = ("retention_exceeded", "crm/a.csv", "name")
BILLING = ("category_not_declared", "crm/b.csv", "billing")
BILLING_OLD = ("retention_exceeded", "crm/b.csv", "billing")


def test_accept_settles_one_violation_and_keeps_who_why_until(tmp_path: Path) -> None:
    review = tmp_path / "notice.review.toml"
    first, _ = scan(tmp_path / "s1", review)
    assert first.violations == 3 and set(rows(tmp_path / "s1")) == {RETENTION, BILLING, BILLING_OLD}
    done = run(
        tmp_path / "s1",
        "accept",
        Selection(kind="retention_exceeded", item="*/a.csv"),
        "Legal hold until the claim closes",
        "j.smith",
        date(2030, 1, 31),
        None,
    )
    assert done.lines[0].startswith("accepted 1 violation(s) by j.smith, until 2030-01-31")
    assert "Kept past retention | CRM | name | crm/a.csv (was open)" in done.lines[1]
    written = tomllib.loads(review.read_text())
    assert written["accept"] == [
        {
            "kind": "retention_exceeded",
            "store": "crm",
            "item": "crm/a.csv",
            "category": "name",
            "content_hash": "hash-a",
            "why": "Legal hold until the claim closes",
            "by": "j.smith",
            "decided": date.today(),
            "until": date(2030, 1, 31),
        }
    ]
    second, _ = scan(tmp_path / "s2", review)
    got = rows(tmp_path / "s2")
    assert second.violations == 2 and second.by_review == {"accepted": 1, "open": 2}
    assert got[RETENTION]["review"] == "accepted"
    assert (got[RETENTION]["review_by"], got[RETENTION]["review_until"]) == (
        "j.smith",
        date(2030, 1, 31),
    )
    assert got[RETENTION]["review_why"] == "Legal hold until the claim closes"
    assert got[BILLING]["review"] == "open" and got[BILLING]["review_by"] is None
    cell = duckdb.sql(
        f"SELECT violation_items FROM '{tmp_path}/s2/summary.parquet' WHERE category = 'name'"
    ).fetchall()
    assert cell == [(0,)]  # the heat map counts open violations only


def test_acceptance_expires_after_its_until_day(tmp_path: Path) -> None:
    review = tmp_path / "r.toml"
    scan(tmp_path / "s1", review)
    day = STARTED.date()
    run(tmp_path / "s1", "accept", Selection(item="crm/a.csv"), "ok", "me", day, None)
    assert scan(tmp_path / "s2", review)[0].by_review["accepted"] == 1  # the day itself holds
    before = date.fromordinal(day.toordinal() - 1)
    run(tmp_path / "s1", "accept", Selection(item="crm/a.csv"), "ok", "me", before, None)
    summary, _ = scan(tmp_path / "s3", review)
    assert rows(tmp_path / "s3")[RETENTION]["review"] == "expired"
    assert summary.violations == 3 and len(decisions.load(review)) == 1  # replaced, not added


def test_changed_item_asks_for_review_again(tmp_path: Path) -> None:
    review = tmp_path / "r.toml"
    scan(tmp_path / "s1", review)
    run(tmp_path / "s1", "accept", Selection(store="crm", item="*a.csv"), "ok", "me", None, None)
    summary, _ = scan(tmp_path / "s2", review, {"a": "edited-since"})
    assert rows(tmp_path / "s2")[RETENTION]["review"] == "changed"
    assert summary.violations == 3 and summary.by_review == {"changed": 1, "open": 2}


def test_false_positive_needs_every_finding_behind_the_violation(tmp_path: Path) -> None:
    review = tmp_path / "r.toml"
    scan(tmp_path / "s1", review)
    one = f"{1:064x}"[:12]  # the first billing finding's hash, as the report shortens it
    done = run(
        tmp_path / "s1",
        "false-positive",
        Selection(category="billing", finding=one),
        "a part number",
        "me",
        None,
        None,
    )
    assert done.lines[0].startswith("marked 1 finding(s) false positive in 2 violation(s)")
    marks = tomllib.loads(review.read_text())["false_positive"]
    assert [(m["item"], m["finding"], m["location"]) for m in marks] == [
        ("crm/b.csv", f"{1:064x}", "line 2")
    ]
    scan(tmp_path / "s2", review)
    assert rows(tmp_path / "s2")[BILLING]["review"] == "open"  # the other finding still stands
    run(tmp_path / "s1", "false-positive", Selection(item="crm/b.csv"), "parts", "me", None, None)
    summary, _ = scan(tmp_path / "s3", review)
    got = rows(tmp_path / "s3")
    assert got[BILLING]["review"] == got[BILLING_OLD]["review"] == "false_positive"
    assert summary.violations == 1 and got[BILLING]["review_why"] == "parts"
    summary, _ = scan(tmp_path / "s4", review, {"b": "new-content"})
    assert rows(tmp_path / "s4")[BILLING]["review"] == "changed" and summary.violations == 3


def test_reopen_removes_the_decisions(tmp_path: Path) -> None:
    review = tmp_path / "r.toml"
    scan(tmp_path / "s1", review)
    run(tmp_path / "s1", "accept", Selection(everything=True), "all known", "me", None, None)
    assert scan(tmp_path / "s2", review)[0].violations == 0
    done = run(tmp_path / "s2", "reopen", Selection(category="billing"), None, "me", None, None)
    assert done.lines[0] == "reopened 2 violation(s): 2 decision(s) removed"
    assert "(was accepted)" in done.lines[1]
    assert scan(tmp_path / "s3", review)[0].violations == 2


@pytest.mark.parametrize(
    ("action", "selection", "why", "words"),
    [
        ("accept", Selection(), "x", "no filter given"),
        ("accept", Selection(kind="unencrypted"), "x", "no violation of"),
        ("accept", Selection(item="*"), None, "needs --why"),
        ("false-positive", Selection(finding="zz"), "x", "8 to 64 hex digits"),
    ],
)
def test_refusals_record_nothing(
    tmp_path: Path, action: str, selection: Selection, why: str | None, words: str
) -> None:
    review = tmp_path / "r.toml"
    scan(tmp_path / "s1", review)
    with pytest.raises(NoticeScanError, match=words):
        run(tmp_path / "s1", action, selection, why, "me", None, None)
    assert not review.exists()


def test_review_file_lives_beside_the_config_unless_given(tmp_path: Path) -> None:
    conf = tmp_path / "etc" / "noticescan.toml"
    conf.parent.mkdir()
    conf.write_text("[scan]\nout = 'scans'\n")
    loaded = cfg.load(conf)
    assert loaded.review_file == tmp_path / "etc" / "noticescan.review.toml"
    scan_dir = write_scan(tmp_path / "s", [item("a")], [finding("a", "name")])
    (scan_dir / "scan.json").write_text(json.dumps({"config": loaded.as_dict()}))
    scope.evaluate(scan_dir, loaded)
    run(scan_dir, "accept", Selection(item="a"), "ok", "me", None, None)
    assert loaded.review_file.exists()
    other = tmp_path / "new-folder" / "elsewhere.toml"
    run(scan_dir, "accept", Selection(item="a"), "ok", "me", None, other)
    assert other.exists()
    paths = cfg.for_paths([tmp_path], tmp_path / "out")
    assert paths.review_file == tmp_path / "out" / "noticescan.review.toml"


def test_a_broken_decisions_file_names_the_entry(tmp_path: Path) -> None:
    review = tmp_path / "r.toml"
    review.write_text('[[accept]]\nkind = "unencrypted"\nstore = "crm"\n')
    with pytest.raises(ConfigError, match=r"accept\[1\]\.item: is required"):
        scan(tmp_path / "s1", review)


def test_diff_reports_decision_changes(tmp_path: Path) -> None:
    review = tmp_path / "r.toml"
    scan(tmp_path / "s1", review)
    run(tmp_path / "s1", "accept", Selection(item="crm/a.csv"), "hold", "me", None, None)
    scan(tmp_path / "s2", review)
    d = diff_scans(tmp_path / "s1", tmp_path / "s2")
    assert not d.new and not d.resolved and d.unchanged == 3 and not d.worse
    assert d.review_changes == [
        {
            "kind": "retention_exceeded",
            "store": "crm",
            "item_uri": "crm/a.csv",
            "category": "name",
            "old_review": "open",
            "new_review": "accepted",
            "review_by": "me",
            "review_why": "hold",
        }
    ]
    scan(tmp_path / "s3", review, {"a": "edited"})
    d = diff_scans(tmp_path / "s2", tmp_path / "s3")
    assert [(c["old_review"], c["new_review"]) for c in d.review_changes] == [
        ("accepted", "changed")
    ]
    assert d.worse  # a settled violation that counts again is news
