"""Custom detectors from the config: validators, the recognizer, the checks made at load."""

from __future__ import annotations

from pathlib import Path

import pytest

from detectors.custom import (
    check_examples,
    configured_recognizer,
    mod11_ok,
    mod97_ok,
    validator,
)
from detectors.pattern import ShapeRecognizer
from detectors.registry import build_detector, build_recognizers
from scanner import config as cfg
from scanner.config import DetectorSettings
from scanner.customdetectors import CustomDetector
from scanner.errors import ConfigError
from scanner.extract.base import TableSegment, TextSegment
from tests.conftest import run_cli

# Flotech customer accounts: FT + seven digits, the last a Luhn check digit.
ACCOUNT = CustomDetector(
    entity="FLOTECH_ACCOUNT",
    category="billing",
    patterns=(r"\bFT-?\d{7}\b",),
    score=0.6,
    validator="luhn",
    context=("account", "customer"),
    must_match=("Customer account FT1047828",),
    must_not_match=("FT1047827", "Part FT2305175"),
)
# Employee ids: E + five digits, no checksum, so only with an employee cue.
EMPLOYEE = CustomDetector(
    entity="FLOTECH_EMPLOYEE_ID",
    category="government_id",
    patterns=(r"\bE\d{5}\b",),
    score=0.2,
    context=("employee", "staff no", "payroll"),
)


@pytest.mark.parametrize(
    ("name", "good", "bad"),
    [
        ("luhn", "FT1047828", "FT1047827"),
        ("mod97", "WEST12345698765432GB82", "WEST12345698765432GB83"),  # IBAN, rearranged
        ("mod11", "943 476 5919", "943 476 5918"),  # an NHS number's check
        ("mod11", "0-8044-2957-X", "0-8044-2957-1"),  # ISBN-10, X = 10
        ("gb.vat", "GB 980 7806 84", "GB 980 7806 85"),  # python-stdnum
        ("stdnum.iban", "GB82 WEST 1234 5698 7654 32", "GB82 WEST 1234 5698 7654 33"),
    ],
)
def test_validators(name: str, good: str, bad: str) -> None:
    check = validator(name)
    assert check(good) and not check(bad)


def test_checksums_reject_what_they_cannot_read() -> None:
    assert not mod97_ok("") and not mod97_ok("ÄB12") and not mod11_ok("1") and not mod11_ok("X1")


def test_unknown_validator_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="no python-stdnum module stdnum.xx.nothing"):
        validator("xx.nothing")


def test_a_custom_recognizer_is_a_shape_recognizer_named_after_its_entity() -> None:
    rec = configured_recognizer("FLOTECH_ACCOUNT", ACCOUNT.patterns, 0.6, ACCOUNT.context, "luhn")
    assert isinstance(rec, ShapeRecognizer) and rec.name == "custom:FLOTECH_ACCOUNT"
    names = [type(r).__name__ for r in build_recognizers(DetectorSettings(custom=(ACCOUNT,)))]
    assert names[-1] == "custom:FLOTECH_ACCOUNT"
    disabled = DetectorSettings(disabled=("FLOTECH_ACCOUNT",), custom=(ACCOUNT,))
    assert "custom:FLOTECH_ACCOUNT" not in [type(r).__name__ for r in build_recognizers(disabled)]


def test_the_engine_finds_planted_ids_in_prose_and_tables() -> None:
    settings = DetectorSettings(disabled=("PERSON",), custom=(ACCOUNT, EMPLOYEE))
    det = build_detector(settings)
    text = (
        "Room E20117 is free all week.\n"
        "Customer account FT1047828 is overdue; so is FT-2305175, says the ledger.\n"
        "Bad check: FT1047827.\n"
        "Part FT9988122 ships Monday.\n"
        "Employee E10442 joined.\n"
    )
    got = {
        (d.entity_type, d.value)
        for d in det.detect([TextSegment("body", text)])
        if "FLO" in d.entity_type
    }
    assert got == {
        ("FLOTECH_ACCOUNT", "FT1047828"),
        ("FLOTECH_ACCOUNT", "FT-2305175"),
        ("FLOTECH_EMPLOYEE_ID", "E10442"),
    }
    table = TableSegment("Sheet1", ("Name", "Payroll no"), [["A", "E33001"], ["B", "E33002"]])
    cells = {(d.location, d.value) for d in det.detect([table])}
    assert cells == {("Sheet1!B2", "E33001"), ("Sheet1!B3", "E33002")}


def load(tmp_path: Path, body: str) -> cfg.ScanConfig:
    path = tmp_path / "c.toml"
    path.write_text(body)
    loaded = cfg.load(path)
    check_examples(loaded.detectors)  # what the command line does right after loading
    return loaded


GOOD = """
[detectors]
thresholds = { FLOTECH_ACCOUNT = 0.5 }
[[detectors.custom]]
entity = "FLOTECH_ACCOUNT"
category = "billing"
patterns = ['\\bFT-?\\d{7}\\b']
validator = "luhn"
context = ["account"]
score = 0.6
must_match = ["Customer account FT1047828"]
must_not_match = ["FT1047827", "Part FT2305175"]
"""


def test_a_good_entry_loads(tmp_path: Path) -> None:
    loaded = load(tmp_path, GOOD)
    assert loaded.detectors.custom[0].entity == "FLOTECH_ACCOUNT"
    assert loaded.detectors.category_of()["FLOTECH_ACCOUNT"] == "billing"
    assert loaded.as_dict()["detectors"]["custom"][0]["validator"] == "luhn"


@pytest.mark.parametrize(
    ("old", "new", "key", "words"),
    [
        ("patterns = [", 'patterns = ["(FT", ', "detectors.custom[1].patterns[1]", "not a valid"),
        ('category = "billing"', 'category = "money"', "detectors.custom[1].category", "money"),
        ('validator = "luhn"', 'validator = "xx.none"', "detectors.custom[1].validator", "stdnum"),
        ('"FLOTECH_ACCOUNT"\n', '"PHONE_NUMBER"\n', "detectors.custom[1].entity", "already"),
        ('"FLOTECH_ACCOUNT"\n', '"flotech"\n', "detectors.custom[1].entity", "upper-case"),
        ("score = 0.6", "score = 2", "detectors.custom[1].score", "at most 1"),
        ("score = 0.6", "scor = 0.6", "detectors.custom[1].scor", "not a known"),
        ('FT1047828"]', 'FT1047827"]', "detectors.custom[1].must_match[1]", "FT1047827"),
        ('"Part FT', '"Account FT', "detectors.custom[1].must_not_match[2]", "FT2305175"),
    ],
)
def test_bad_entries_name_the_key_and_the_example(
    tmp_path: Path, old: str, new: str, key: str, words: str
) -> None:
    assert old in GOOD
    with pytest.raises(ConfigError) as err:
        load(tmp_path, GOOD.replace(old, new, 1))
    assert err.value.key == key and words in str(err.value)


def test_the_command_line_tries_the_examples_before_scanning(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(GOOD.replace('FT1047828"]', 'FT1047827"]', 1))
    got = run_cli("scan", "--config", str(path), "--out", str(tmp_path / "o"))
    assert got.returncode == 2, got.stderr
    assert "detectors.custom[1].must_match[1]" in got.stderr
    assert not (tmp_path / "o").exists()
