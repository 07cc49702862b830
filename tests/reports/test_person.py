"""`noticescan person` over scans written by the real RowWriter, with hashes from the real Redactor.

The scans are synthetic (no model needed): each finding's value_hash is the Redactor's hash of a
raw value as a detector would have emitted it, under the per-test-session key the CLI also reads,
so every match below is the real normalise -> HMAC -> DuckDB join path. The end-to-end test on
the demo estate is tests/reports/test_person_estate.py.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from reports import person
from reports.person_bundle import BUNDLE_FILES
from reports.person_search import ABSENT, FOUND, NOT_SEARCHED, STRONG, WEAK, search
from reports.subject import subject
from scanner.errors import NoticeScanError
from scanner.privacy import NORMALISATION_VERSION, Redactor, hashing_facts, load_key
from tests.conftest import run_cli
from tests.reports.conftest import item, write_scan

RAW = {
    "name": "Zoë Kowalczyk",
    "email": "zoe.kowalczyk@fernmail.example",
    "phone": "07700 900461",
    "postcode": "LS6 2QT",
}
HOSTILE = "/srv/hr/<img src=x onerror=alert(1)>.txt"


def finding(uri: str, entity: str, raw: str, location: str = "body", start: int = 0) -> dict:
    """A findings.parquet row as a worker writes it for the raw value `raw`."""
    key = load_key(None)
    return {
        "item_uri": uri,
        "location": location,
        "entity_type": entity,
        "category": {"PERSON": "name", "UK_POSTCODE": "address"}.get(entity, "contact"),
        "score": 0.85,
        "detector": "test",
        "evidence_masked": "masked",
        "value_hash": Redactor(key).hash(entity, raw),
        "start": start,
        "end": start + len(raw),
    }


def scan(folder: Path, findings: list[dict[str, Any]], **meta: Any) -> Path:
    """A finished scan holding `findings`; scan.json records the session key's fingerprint."""
    uris = sorted({f["item_uri"] for f in findings}) or ["/srv/empty.txt"]
    stores = {"/srv/crm": "crm", "/srv/hr/": "hr", "/srv/mail": "mail"}
    items = [
        item(u, next((s for p, s in stores.items() if u.startswith(p)), "undeclared"), source="s")
        for u in uris
    ]
    facts = {"status": "complete", "config": {"secret_file": None}}
    facts["hashing"] = hashing_facts(load_key(None))
    return write_scan(folder, items, findings, facts | meta)


def estate_like() -> list[dict[str, Any]]:
    """The person in several shapes, and a different Zoë in others."""
    return [
        # name + e-mail: strong
        finding("/srv/crm/export.csv", "PERSON", "Zoe Kowalczyk", "B7"),
        finding("/srv/crm/export.csv", "EMAIL_ADDRESS", "Zoe.Kowalczyk@FernMail.example", "G7"),
        # `Surname, Forename` in an HR sheet, with the phone in another format: strong
        finding("/srv/hr/staff.xlsx", "PERSON", "KOWALCZYK, Zoë", "Staff!A4"),
        finding("/srv/hr/staff.xlsx", "PHONE_NUMBER", "+44 7700 900461", "Staff!D4"),
        # A mail header where the model split the name in two (`Kowalczyk, Zoe`): strong
        finding("/srv/mail/1.eml", "PERSON", "Kowalczyk", "header:To", 0),
        finding("/srv/mail/1.eml", "PERSON", "Zoe", "header:To", 11),
        finding("/srv/mail/1.eml", "EMAIL_ADDRESS", RAW["email"], "header:To", 16),
        # `Z. Kowalczyk` and the postcode: the initial never counts, so one value: weak
        finding("/srv/letters/l.pdf", "PERSON", "Z. Kowalczyk", "page 1"),
        finding("/srv/letters/l.pdf", "UK_POSTCODE", "LS6 2QT", "page 1", 40),
        # The name alone: weak
        finding(HOSTILE, "PERSON", "Ms Zoë Kowalczyk", "line 2"),
        # Another Zoë with her own e-mail, and the parts far apart: no match at all
        finding("/srv/crm/other.csv", "PERSON", "Zoë Whitfield", "B2"),
        finding("/srv/crm/other.csv", "EMAIL_ADDRESS", "zoe.w@example.org", "C2"),
        finding("/srv/crm/other.csv", "PERSON", "Zoe", "D9", 0),
        finding("/srv/crm/other.csv", "PERSON", "Kowalczyk", "D9", 30),
    ]


def items_of(found: Any, strength: str) -> set[str]:
    return set(found.items(strength))


def test_strength_forms_and_order(tmp_path: Path) -> None:
    found = search(scan(tmp_path / "s1", estate_like()), subject(**RAW))
    assert found.outcome == FOUND
    assert items_of(found, STRONG) == {
        "/srv/crm/export.csv",
        "/srv/hr/staff.xlsx",
        "/srv/mail/1.eml",
    }
    assert items_of(found, WEAK) == {"/srv/letters/l.pdf", HOSTILE}
    order = [(m["strength"], m["store"]) for m in found.matches]
    assert order == sorted(order, key=lambda k: (k[0] != STRONG, k[1]))
    forms = {(m["item_uri"], m["location"]): m["form"] for m in found.matches}
    assert forms[("/srv/hr/staff.xlsx", "Staff!A4")] == "surname, forename"
    assert forms[("/srv/mail/1.eml", "header:To")] in ("surname, forename", "email")
    assert forms[("/srv/letters/l.pdf", "page 1")] in ("f. surname", "postcode")
    mail = [m for m in found.matches if m["item_uri"] == "/srv/mail/1.eml"]
    assert {(m["matched_on"], m["form"]) for m in mail} == {
        ("name", "surname, forename"),
        ("email", "email"),
    }
    row = found.matches[0]
    assert row["item_matched_on"] == ["email", "name"] and row["source"] == "s"
    assert row["modified"] is not None and row["scan_id"] == "s1"


def test_a_scan_without_the_person_is_absent(tmp_path: Path) -> None:
    only_other = [f for f in estate_like() if f["item_uri"] == "/srv/crm/other.csv"]
    found = search(scan(tmp_path / "s1", only_other), subject(**RAW))
    assert found.outcome == ABSENT and not found.matches
    assert found.verdict() == "not found in scan s1"


def test_json_output_names_options_never_values(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = person.run(
        scan(tmp_path / "s1", estate_like()),
        dict(RAW),
        all_scans=False,
        fmt="json",
        out_dir=None,
        out=out,
        err=err,
    )
    assert code == 0
    rows = json.loads(out.getvalue())
    assert {"item_uri", "store", "entity_type", "matched_on", "strength"} <= set(rows[0])
    assert {r["matched_on"] for r in rows} == {"name", "email", "phone", "postcode"}
    for value in RAW.values():
        assert value not in out.getvalue() + err.getvalue()


def test_a_wrong_key_is_an_error_not_an_empty_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = scan(tmp_path / "s1", estate_like())
    monkeypatch.setenv("NOTICESCAN_HMAC_KEY", "some-other-installation-key")
    with pytest.raises(NoticeScanError, match="not the one the scan used"):
        search(folder, subject(**RAW))


@pytest.mark.parametrize(
    ("hashing", "problem"),
    [
        (None, "records no key fingerprint"),
        (
            {"key_fingerprint": "0" * 16, "normalisation": NORMALISATION_VERSION - 1},
            "rules version",
        ),
    ],
)
def test_hashes_that_cannot_be_checked_are_an_error(
    tmp_path: Path, hashing: dict[str, Any] | None, problem: str
) -> None:
    folder = scan(tmp_path / "s1", estate_like(), hashing=hashing)
    with pytest.raises(NoticeScanError, match=problem):
        search(folder, subject(**RAW))


def test_history_shows_found_then_absent_and_what_could_not_be_searched(tmp_path: Path) -> None:
    out_root = tmp_path / "scans"
    scan(out_root / "20260101T020000Z-aaaa", estate_like())
    remaining = [f for f in estate_like() if f["item_uri"] == "/srv/crm/other.csv"]
    scan(out_root / "20260102T020000Z-bbbb", remaining)
    scan(out_root / "20260103T020000Z-cccc", remaining, hashing=None)
    (out_root / "latest").symlink_to("20260102T020000Z-bbbb")
    out, err = io.StringIO(), io.StringIO()
    code = person.run(
        out_root, dict(RAW), all_scans=True, fmt="json", out_dir=None, out=out, err=err
    )
    assert code == person.EXIT_INCOMPLETE
    doc = json.loads(out.getvalue())
    assert [(s["scan_id"], s["outcome"]) for s in doc] == [
        ("20260101T020000Z-aaaa", FOUND),
        ("20260102T020000Z-bbbb", ABSENT),
        ("20260103T020000Z-cccc", NOT_SEARCHED),
    ]
    assert doc[0]["strong_items"] == 3 and doc[0]["weak_items"] == 2
    assert "/srv/mail/1.eml" in {i["item_uri"] for i in doc[0]["items"]}
    assert "key fingerprint" in doc[2]["reason"]

    table = io.StringIO()
    person.run(out_root, dict(RAW), all_scans=True, fmt="table", out_dir=None, out=table, err=err)
    assert "20260102T020000Z-bbbb: not found" in table.getvalue()


def test_history_where_nothing_can_be_searched_is_an_error(tmp_path: Path) -> None:
    scan(tmp_path / "scans" / "20260101T020000Z-aaaa", estate_like(), hashing=None)
    with pytest.raises(NoticeScanError, match="no scan under"):
        person.run(
            tmp_path / "scans",
            dict(RAW),
            all_scans=True,
            fmt="table",
            out_dir=None,
            out=io.StringIO(),
            err=io.StringIO(),
        )


def test_evidence_bundle_holds_masked_values_only(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    out = io.StringIO()
    folder = scan(tmp_path / "s1", estate_like())
    code = person.run(
        folder, dict(RAW), all_scans=False, fmt="csv", out_dir=bundle, out=out, err=io.StringIO()
    )
    assert code == 0
    assert sorted(p.name for p in bundle.iterdir()) == sorted(BUNDLE_FILES)
    table = pq.read_table(bundle / "matches.parquet")
    assert table.num_rows == len(out.getvalue().splitlines()) - 1  # as many as printed
    page = (bundle / "person.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;.txt" in page and "<img" not in page
    assert "Z** K********" in page  # the name searched for, masked
    assert "http" not in page.replace('http-equiv="Content-Security-Policy"', "")
    assert_no_raw_values(bundle, [*RAW.values(), "zoe kowalczyk", "+447700900461", "ls62qt"])


def assert_no_raw_values(folder: Path, values: list[str]) -> None:
    """No value searched for, in any case, in any file's bytes or in Parquet's decoded cells."""
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        texts = [path.read_bytes().decode("utf-8", "replace")]
        if path.suffix == ".parquet":
            texts.append(json.dumps(pq.read_table(path).to_pylist(), default=str))
        for text in texts:
            for value in values:
                assert value.casefold() not in text.casefold(), f"{value!r} is in {path}"


def test_cli_bad_value_exits_2_with_one_line(tmp_path: Path) -> None:
    folder = scan(tmp_path / "s1", estate_like())
    done = run_cli("person", str(folder), "--email", "zoe.kowalczyk@", "--name", RAW["name"])
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "noticescan: --email: is not an e-mail address; fix: give the whole address, "
        "e.g. jane@example.com"
    ]
    assert done.stdout == ""
