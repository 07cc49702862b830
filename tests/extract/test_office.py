"""Office formats made by python-docx, openpyxl, xlwt, python-pptx and odfpy, read back located."""

from __future__ import annotations

import io

import pytest

from scanner.config import Limits
from scanner.extract.base import TableSegment
from tests.extract import files
from tests.extract.files import PERSON, one


def test_docx_body_tables_headers_footers_comments() -> None:
    node = one(files.docx_file(), "contract.docx")
    assert (node.extractor, node.status) == ("docx", "ok")
    texts = node.texts()
    assert texts["paragraph 2"] == f"Tenant: {PERSON}"
    assert texts["paragraph 3"] == "After the table"  # numbering runs across the table
    assert texts["section 1 header paragraph 1"] == "Confidential - Personnel"
    assert texts["section 1 footer paragraph 1"] == "Direct line 020 7946 0018"
    assert texts["comment 1"] == "Check Zoë's NI number QQ123456C"
    assert node.cells() == {
        "table 1!A2": "Ann Smith",
        "table 1!B2": "07700 900123",
        "table 1!A3": "Bob",
    }
    table = next(o for o in node.outputs if not hasattr(o, "text"))
    assert table.header == ("Name", "Phone")


def test_xlsx_every_sheet_with_true_cell_locations() -> None:
    node = one(files.xlsx_file(), "staff.xlsx")
    assert (node.extractor, node.status) == ("xlsx", "ok")
    cells = node.cells()
    # Data starts at B2: calamine's column offset must be re-aligned for these to be right.
    assert cells["Staff!B3"] == PERSON
    assert cells["Staff!C3"] == "7700900123"  # not 7700900123.0
    assert cells["Staff!D3"] == "1980-01-02"
    assert cells["Staff!C17"] == "late cell"
    assert cells["Secret!A2"] == "4111 1111 1111 1111"  # hidden sheets are read
    headers = {o.location: o.header for o in node.outputs if isinstance(o, TableSegment)}
    assert headers["Staff"] == ("", "Name", "Phone", "Born")


def test_big_sheet_streams_in_chunks_with_row_numbers() -> None:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Big")
    ws.append(["id", "email"])
    for i in range(12001):
        ws.append([i, f"p{i}@example.com"])
    out = io.BytesIO()
    wb.save(out)
    node = one(out.getvalue(), "big.xlsx")
    tables = [o for o in node.outputs if isinstance(o, TableSegment)]
    assert [len(t.rows) for t in tables] == [5000, 5000, 2001]
    assert [t.first_row for t in tables] == [2, 5002, 10002]
    assert {t.header for t in tables} == {("id", "email")}
    assert tables[2].cell_location(2000, 1) == "Big!B12002"
    assert tables[2].rows[2000][1] == "p12000@example.com"


def test_max_chars_stops_reading_early() -> None:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Big")
    for i in range(20000):
        ws.append([f"row {i} " * 5])
    out = io.BytesIO()
    wb.save(out)
    node = one(out.getvalue(), "big.xlsx", Limits(max_chars=1000))
    # the first 5,000-row chunk passes the limit; nothing after (the properties come first)
    assert [type(o).__name__ for o in node.outputs] == ["TextSegment", "TableSegment"]


def test_legacy_xls_from_xlwt() -> None:
    node = one(files.xls_file(), "payroll.xls")
    assert (node.extractor, node.status) == ("xls", "ok")
    assert node.cells() == {"Payroll!A2": PERSON, "Payroll!B2": "31000", "Payroll!C2": "12-34-56"}


def test_pptx_slides_tables_and_notes() -> None:
    node = one(files.pptx_file(), "review.pptx")
    assert (node.extractor, node.status) == ("pptx", "ok")
    texts = node.texts()
    assert texts["slide 1"] == "Quarterly review\nAgenda"
    assert texts["slide 2"] == "Team"
    assert texts["slide 2 notes"] == "Zoë is on sick leave (do not say)"
    cells = node.cells()
    assert any(loc.startswith("slide 2 ") and loc.endswith("!A2") for loc in cells)
    assert PERSON in cells.values()


def test_odt_ods_odp() -> None:
    odt = one(files.odt_file(), "minutes.odt")
    assert (odt.extractor, odt.texts()) == (
        "odt",
        {"paragraph 1": "Minutes", "paragraph 2": f"Present: {PERSON}"},
    )
    ods = one(files.ods_file(), "donors.ods")
    assert (ods.extractor, ods.cells()) == ("ods", {"Donors!A2": PERSON, "Donors!B2": "SW1A 1AA"})
    odp = one(files.odp_file(), "welcome.odp")
    assert (odp.extractor, odp.texts()) == (
        "odp",
        {"slide 1": f"Welcome {PERSON}", "slide 1 notes": "Speaker note: ask Bob"},
    )


def test_rtf_with_codepage_escapes() -> None:
    node = one(files.rtf_file(), "letter.rtf")
    assert (node.extractor, node.status) == ("rtf", "ok")
    assert node.texts() == {
        "paragraph 1": "Dear Zoë Müller,",
        "paragraph 2": "Your claim 42 is approved.",
    }


@pytest.mark.parametrize(
    ("name", "factory"),
    [("a.docx", files.docx_file), ("a.xlsx", files.xlsx_file), ("a.pptx", files.pptx_file),
     ("a.odt", files.odt_file), ("a.xls", files.xls_file)],
)  # fmt: skip
def test_truncated_office_files_are_errors_not_crashes(name: str, factory: object) -> None:
    data = factory()  # type: ignore[operator]
    node = one(data[: len(data) // 2], name)
    assert node.status == "error", node
    assert node.message


def test_encrypted_docx_and_xlsx_made_by_msoffcrypto() -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    for name, data in (("secret.docx", files.docx_file()), ("secret.xlsx", files.xlsx_file())):
        plain = OOXMLFile(io.BytesIO(data))
        out = io.BytesIO()
        plain.encrypt("Passw0rd!", out)
        node = one(out.getvalue(), name)
        assert node.status == "encrypted", node
        assert name in node.message and "password" in node.message
