"""The demo estate generator: real files, opened here with the real libraries, and a true manifest.

The script runs as a subprocess, exactly as `make demo` runs it. Every manifest row is checked
against the text its own location holds (cell, paragraph, line, page, header or body), read
back with csv, openpyxl, python-docx, pypdfium2, email and mailbox directly, so neither the
manifest nor the files can drift without a failure here.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import mailbox
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pypdfium2
import pytest
from openpyxl.utils import get_column_letter
from stdnum import iban, luhn
from stdnum.gb import nhs, vat

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "examples" / "make_estate.py"
FOLDERS = {"accounts", "crm", "marketing", "engineering", "hr", "mail", "backups"}
HOSTILE = "engineering/<img src=x onerror=alert(1)>.txt"
NINO_RE = re.compile(r"^(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$")
POSTCODE_RE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$")

Located = dict[str, dict[str, str]]  # member -> location -> text


def run_script(out: Path) -> list[dict[str, Any]]:
    subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], check=True, timeout=60)
    return json.loads(out.with_name(out.name + ".manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    out = tmp_path_factory.mktemp("demo") / "estate"
    return out, run_script(out)


def table_cells(prefix: str, rows: list[list[str]]) -> dict[str, str]:
    return {
        f"{prefix}{get_column_letter(c)}{r}": str(value)
        for r, row in enumerate(rows, start=1)
        for c, value in enumerate(row, start=1)
        if value is not None
    }


def message_texts(msg: EmailMessage, member: str) -> Located:
    found: Located = {member: {"subject": str(msg["Subject"]), "body": ""}}
    for header in ("From", "To"):
        found[member][f"header:{header}"] = str(msg[header])
    for part in msg.walk():
        filename = part.get_filename()
        if filename:
            data = part.get_payload(decode=True)
            assert isinstance(data, bytes), filename
            found |= extract(filename, data, f"{member}/attachments/{filename}")
        elif part.get_content_type() == "text/plain":
            found[member]["body"] += part.get_content()
    return found


def extract(name: str, data: bytes, member: str = "") -> Located:
    """Open one file with its real library and return the text at every location."""
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
        return {member: table_cells("", rows)}
    if suffix == ".txt":
        lines = data.decode("utf-8").splitlines()
        return {member: {f"line {i}": line for i, line in enumerate(lines, start=1)}}
    if suffix == ".xlsx":
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        cells: dict[str, str] = {}
        for ws in wb.worksheets:
            cells |= table_cells(f"{ws.title}!", [list(r) for r in ws.iter_rows(values_only=True)])
        return {member: cells}
    if suffix == ".docx":
        document = docx.Document(io.BytesIO(data))
        where = {f"paragraph {i}": p.text for i, p in enumerate(document.paragraphs, start=1)}
        for t, table in enumerate(document.tables, start=1):
            rows = [[cell.text for cell in row.cells] for row in table.rows]
            where |= table_cells(f"table {t}!", rows)
        return {member: where}
    if suffix == ".pdf":
        pdf = pypdfium2.PdfDocument(data)
        pages = {f"page {i}": page.get_textpage().get_text_range() for i, page in enumerate(pdf, 1)}
        return {member: pages}
    if suffix == ".eml":
        return message_texts(BytesParser(policy=policy.default).parsebytes(data), member)
    if suffix == ".zip":
        found: Located = {member: {}}
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for info in zf.infolist():
                found |= extract(info.filename, zf.read(info), f"{member}#{info.filename}")
        return found
    raise AssertionError(f"the estate holds a file type this test cannot open: {name}")


def extract_path(path: Path) -> Located:
    if path.suffix == ".mbox":
        box = mailbox.mbox(path, factory=None, create=False)
        found: Located = {"": {}}
        for n, raw in enumerate(box, start=1):
            msg = BytesParser(policy=policy.default).parsebytes(raw.as_bytes())
            found |= message_texts(msg, f"#{n}")
        box.close()
        return found
    return extract(path.name, path.read_bytes())


def files(out: Path) -> Iterator[Path]:
    return (p for p in sorted(out.rglob("*")) if p.is_file())


def test_layout_and_every_file_opens_with_its_library(
    estate: tuple[Path, list[dict[str, Any]]],
) -> None:
    out, _ = estate
    assert {p.name for p in out.iterdir()} == FOLDERS
    suffixes = {p.suffix for p in files(out)}
    assert suffixes == {".csv", ".txt", ".xlsx", ".docx", ".pdf", ".eml", ".mbox", ".zip"}
    for path in files(out):
        located = extract_path(path)
        assert any(located.values()), f"{path} yielded no text"
    assert len(list((out / "accounts").rglob("*.pdf"))) == 6
    assert 5 <= len(list((out / "mail").glob("*.eml"))) <= 8
    assert len(mailbox.mbox(out / "mail" / "sales.mbox")) == 5


def test_two_invoices_are_older_than_the_retention_and_every_mtime_is_fixed(
    estate: tuple[Path, list[dict[str, Any]]],
) -> None:
    out, _ = estate
    years = {
        p.relative_to(out).as_posix(): datetime.fromtimestamp(p.stat().st_mtime, UTC).year
        for p in files(out)
    }
    old = sorted(rel for rel, year in years.items() if year == 2015)
    assert len(old) >= 2
    assert all(rel.startswith("accounts/invoices/") for rel in old)
    assert all(year >= 2025 for rel, year in years.items() if rel not in old)


def test_hostile_file_name_is_created_and_holds_a_contact(
    estate: tuple[Path, list[dict[str, Any]]],
) -> None:
    out, manifest = estate
    assert (out / HOSTILE).is_file()
    entities = {e["entity"] for e in manifest if e["file"] == HOSTILE}
    assert {"PERSON", "PHONE_NUMBER", "EMAIL_ADDRESS"} <= entities


def test_two_runs_give_the_same_manifest_and_bytes(
    estate: tuple[Path, list[dict[str, Any]]], tmp_path: Path
) -> None:
    out, manifest = estate
    again = tmp_path / "estate"
    assert run_script(again) == manifest

    def digests(root: Path) -> dict[str, str]:
        return {
            p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in files(root)
        }

    assert digests(again) == digests(out)


def test_every_manifest_value_is_at_its_location(
    estate: tuple[Path, list[dict[str, Any]]],
) -> None:
    out, manifest = estate
    located = {p.relative_to(out).as_posix(): extract_path(p) for p in files(out)}
    assert len(manifest) > 300
    for e in manifest:
        where = located[e["file"]][e["member"]]
        assert e["location_hint"] in where, e
        assert e["value"] in where[e["location_hint"]], e
    assert {e["file"] for e in manifest} == set(located)  # every file plants something


def test_identifiers_are_valid_and_traps_are_not(
    estate: tuple[Path, list[dict[str, Any]]],
) -> None:
    _, manifest = estate
    by_entity: dict[str, set[str]] = {}
    for e in manifest:
        by_entity.setdefault(e["entity"], set()).add(e["value"])
    assert all(vat.is_valid(v) for v in by_entity["VAT_NUMBER"])
    assert all(iban.is_valid(v) for v in by_entity["IBAN_CODE"])
    assert {v[:2] for v in by_entity["IBAN_CODE"]} == {"GB", "DE", "FR"}
    assert all(luhn.is_valid(v.replace(" ", "")) for v in by_entity["CREDIT_CARD"])
    assert all(nhs.is_valid(v.replace(" ", "")) for v in by_entity["UK_NHS"])
    assert all(NINO_RE.match(v.replace(" ", "")) for v in by_entity["UK_NINO"])
    assert all(POSTCODE_RE.match(v) for v in by_entity["UK_POSTCODE"])
    assert all(re.fullmatch(r"\d\d-\d\d-\d\d", v) for v in by_entity["UK_SORT_CODE"])
    phones = by_entity["PHONE_NUMBER"]
    assert any(p.startswith("+44 ") for p in phones) and any(p.startswith("0") for p in phones)
    card_traps = [e["value"] for e in manifest if e.get("looks_like") == "CREDIT_CARD"]
    assert card_traps and not any(luhn.is_valid(v.replace(" ", "")) for v in card_traps)
    assert all(e["category"] is None for e in manifest if e["entity"] == "TRAP")


def test_the_planted_violations_are_there(estate: tuple[Path, list[dict[str, Any]]]) -> None:
    out, manifest = estate

    def categories(prefix: str) -> set[str]:
        return {e["category"] for e in manifest if e["file"].startswith(prefix)}

    assert "special_category" in categories("crm/crm_export.csv")
    assert "payment_card" in categories("mail/")
    assert {"government_id", "date_of_birth", "special_category"} <= categories("hr/")
    with zipfile.ZipFile(out / "backups" / "crm-backup-2025-11.zip") as zf:
        assert all(info.flag_bits & 0x1 == 0 for info in zf.infolist())  # not encrypted
    backup = [e for e in manifest if e["file"].startswith("backups/")]
    assert any(e["category"] == "special_category" for e in backup)


def test_refuses_to_wipe_a_folder_it_did_not_make(tmp_path: Path) -> None:
    (tmp_path / "precious.txt").write_text("keep me")
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path)], capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "refusing to wipe" in done.stderr and "precious.txt" in done.stderr
    assert (tmp_path / "precious.txt").read_text() == "keep me"
