"""Decisions, allow-list and custom detectors end to end: the real CLI scanning real files.

The commands run in-process (Click's CliRunner; the scan's workers are still real processes) and
PERSON is disabled so that the workers load no spaCy model: these scans take seconds.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner, Result

from scanner.cli import cli
from scanner.errors import NoticeScanError
from tests.conftest import run_cli

CONFIG = """
[scan]
out = "scans"
workers = 1

[detectors]
disabled = ["PERSON"]

[[detectors.custom]]
entity = "FLOTECH_ACCOUNT"
category = "billing"
patterns = ['\\bFT-?\\d{7}\\b']
validator = "luhn"
context = ["account", "customer"]
score = 0.6
must_match = ["Customer account FT1047828"]
must_not_match = ["FT1047827", "Part FT2305175"]

[allowlist]
file = "flotech.allow.toml"

[[store]]
id = "crm"
name = "CRM"
categories = ["name", "contact"]

[[source]]
type = "local"
path = "share"
store = "crm"
"""
LETTER = (
    "Flotech Performance Systems Ltd, Tel: 0113 496 0000\n\n"
    "Please ring our customer back on 0161 496 0123 about the invoice.\n"
    "Customer account FT1047828 is now settled.\n"
)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("review")
    (root / "share").mkdir()
    (root / "share" / "letter.txt").write_text(LETTER)
    (root / "flotech.allow.toml").write_text('PHONE_NUMBER = ["+44 113 496 0000"]\n')
    (root / "noticescan.toml").write_text(CONFIG)
    return root


def noticescan(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def scan(root: Path) -> tuple[int, str, Path]:
    done = noticescan("scan", "--config", str(root / "noticescan.toml"), "--quiet")
    assert done.exit_code in (0, 1), done.output
    out = Path(done.stdout.split("output: ")[1].split()[0])
    return done.exit_code, done.stdout, out


@pytest.fixture(scope="module")
def first(home: Path) -> tuple[int, Path]:
    code, _, out = scan(home)
    return code, out


def violations(out: Path) -> list[tuple[str, str, str]]:
    rows = duckdb.sql(
        f"SELECT kind, category, review FROM '{out}/violations.parquet' ORDER BY ALL"
    ).fetchall()
    return [tuple(r) for r in rows]


def test_review_refuses_without_filters(first: tuple[int, Path]) -> None:
    out = str(first[1])
    with pytest.raises(NoticeScanError, match="no filter given"):
        noticescan("review", out, "accept", "--why", "x")
    done = CliRunner().invoke(
        cli, ["review", out, "accept", "--all", "--why", "x", "--until", "2001-01-01"]
    )
    assert done.exit_code == 2 and "in the past" in done.output


def test_allow_list_custom_detector_and_a_decision_that_lasts(
    home: Path, first: tuple[int, Path]
) -> None:
    code, out = first
    findings = pq.read_table(out / "findings.parquet").to_pylist()
    got = sorted((f["entity_type"], f["evidence_masked"]) for f in findings)
    # The company's own number is gone; the customer's stays; the planted account is found.
    assert got == [("FLOTECH_ACCOUNT", "*********"), ("PHONE_NUMBER", "**** *** *123")]
    account = next(f for f in findings if f["entity_type"] == "FLOTECH_ACCOUNT")
    assert account["category"] == "billing" and account["detector"] == "custom:FLOTECH_ACCOUNT"
    meta = json.loads((out / "scan.json").read_text())
    assert meta["counts"]["allow_listed"] == 1
    assert meta["counts"]["allow_listed_by_entity"] == {"PHONE_NUMBER": 1}
    assert "496 0000" not in (out / "scan.json").read_text()
    assert code == 1 and violations(out) == [("category_not_declared", "billing", "open")]

    until = (date.today() + timedelta(days=30)).isoformat()
    done = noticescan(
        "review", str(out), "accept", "--category", "billing", "--why", "Closed accounts",
        "--until", until, "--by", "a.auditor",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert done.stdout.startswith(f"accepted 1 violation(s) by a.auditor, until {until}")
    assert "Category not declared | CRM | billing |" in done.stdout
    assert (home / "noticescan.review.toml").exists()

    code, stdout, second = scan(home)
    assert code == 0 and "reviewed: 1 accepted" in stdout
    assert violations(second) == [("category_not_declared", "billing", "accepted")]

    (home / "share" / "letter.txt").write_text(LETTER + "Customer account FT2305175 opened.\n")
    code, _, third = scan(home)
    assert code == 1 and violations(third) == [("category_not_declared", "billing", "changed")]
    done = noticescan("diff", str(second), str(third))
    assert done.exit_code == 1 and "(review: accepted -> changed)" in done.stdout


def test_a_bad_custom_detector_stops_the_scan_naming_the_key(tmp_path: Path) -> None:
    (tmp_path / "share").mkdir()
    (tmp_path / "flotech.allow.toml").write_text("")
    bad = CONFIG.replace('must_match = ["Customer account FT1047828"]', 'must_match = ["FT1"]')
    (tmp_path / "c.toml").write_text(bad)
    done = run_cli("scan", "--config", str(tmp_path / "c.toml"), "--quiet", cwd=tmp_path)
    assert done.returncode == 2
    assert (
        "detectors.custom[1].must_match[1]: 'FT1' gives no FLOTECH_ACCOUNT finding" in done.stderr
    )
