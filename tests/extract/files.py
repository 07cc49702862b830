"""Real files in real formats, made by the libraries that write them in the wild.

Each factory returns bytes; tests feed them to the registry exactly as the pipeline would.
`walk` is a miniature of the pipeline's recursion (choose -> extract -> children, statuses from
ItemError) so that nesting and limits can be asserted without the worker pool.
"""

from __future__ import annotations

import datetime as dt
import email.message
import io
import zipfile
from dataclasses import dataclass
from typing import Any

from scanner.config import Limits
from scanner.errors import ItemError
from scanner.extract.base import Child, ExtractContext, Output, TableSegment, TextSegment
from scanner.extract.registry import HEAD_BYTES, choose, choose_for

PERSON = "Zoë Müller"


@dataclass
class Node:
    """One item of a walk: its uri suffix path, extractor, status and outputs."""

    path: str
    extractor: str | None
    status: str
    outputs: list[Output]
    message: str = ""

    def texts(self) -> dict[str, str]:
        return {o.location: o.text for o in self.outputs if isinstance(o, TextSegment)}

    def cells(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for t in self.outputs:
            if isinstance(t, TableSegment):
                for r, row in enumerate(t.rows):
                    for c, value in enumerate(row):
                        if value:
                            found[t.cell_location(r, c)] = value
        return found


def walk(data: bytes, name: str, limits: Limits | None = None) -> list[Node]:
    """Extract `data` and every nested child, depth-first, as the pipeline does."""
    limits = limits or Limits()
    nodes: list[Node] = []

    def visit(blob: bytes, item_name: str, depth: int, path: str) -> None:
        extractor = choose(blob[:HEAD_BYTES], item_name)
        node = Node(path, extractor.name if extractor else None, "ok", [])
        nodes.append(node)
        if extractor is None:
            node.status = "unsupported"
            return
        try:
            for out in extractor.extract(
                blob, ExtractContext(item_name, depth, limits, choose=choose_for)
            ):
                if isinstance(out, Child):
                    if depth + 1 > limits.archive_depth:
                        nodes.append(Node(path + out.suffix, None, "too_large", []))
                    else:
                        visit(out.data, out.name, depth + 1, path + out.suffix)
                else:
                    node.outputs.append(out)
        except ItemError as e:
            node.status, node.message = e.status, str(e)
        except Exception as e:  # noqa: BLE001 - a broken file is an error row in the pipeline
            node.status, node.message = "error", f"{type(e).__name__}: {e}"

    visit(data, name, 0, "")
    return nodes


def detections(detector: Any, data: bytes, name: str) -> set[tuple[str, str]]:
    """(location, entity type) of what the detector finds in a file read by its extractor."""
    extractor = choose(data[:HEAD_BYTES], name)
    assert extractor is not None, name
    segments = [
        o
        for o in extractor.extract(data, ExtractContext(name, 0, Limits()))
        if not isinstance(o, Child)
    ]
    return {(d.location, d.entity_type) for d in detector.detect(segments)}


def one(data: bytes, name: str, limits: Limits | None = None) -> Node:
    """Return the top-level node of a walk."""
    return walk(data, name, limits)[0]


def docx_file() -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("Contract between the parties")
    d.add_paragraph(f"Tenant: {PERSON}")
    table = d.add_table(rows=3, cols=2)
    for r, row in enumerate([("Name", "Phone"), ("Ann Smith", "07700 900123"), ("Bob", "")]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    d.add_paragraph("After the table")
    d.add_comment(d.paragraphs[1].runs, text="Check Zoë's NI number QQ123456C", author="HR")
    section = d.sections[0]
    section.header.paragraphs[0].text = "Confidential - Personnel"
    section.footer.paragraphs[0].text = "Direct line 020 7946 0018"
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def xlsx_file() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Staff"
    ws["B2"], ws["C2"], ws["D2"] = "Name", "Phone", "Born"
    ws["B3"], ws["C3"], ws["D3"] = PERSON, 7700900123, dt.date(1980, 1, 2)
    ws["C17"] = "late cell"
    hidden = wb.create_sheet("Secret")
    hidden.sheet_state = "hidden"
    hidden.append(["Card"])
    hidden.append(["4111 1111 1111 1111"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xls_file() -> bytes:
    """Write a real BIFF8 .xls with xlwt (the writer behind countless 2000s exports)."""
    import xlwt

    wb = xlwt.Workbook()
    sheet = wb.add_sheet("Payroll")
    for c, v in enumerate(["Name", "Salary", "Sort code"]):
        sheet.write(0, c, v)
    sheet.write(1, 0, PERSON)
    sheet.write(1, 1, 31000)
    sheet.write(1, 2, "12-34-56")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def pptx_file() -> bytes:
    import pptx
    from pptx.util import Inches

    deck = pptx.Presentation()
    s1 = deck.slides.add_slide(deck.slide_layouts[1])
    s1.shapes.title.text = "Quarterly review"
    s1.placeholders[1].text = "Agenda"
    s2 = deck.slides.add_slide(deck.slide_layouts[5])
    s2.shapes.title.text = "Team"
    shape = s2.shapes.add_table(2, 2, Inches(1), Inches(2), Inches(4), Inches(1))
    for (r, c), text in {
        (0, 0): "Name",
        (0, 1): "Email",
        (1, 0): PERSON,
        (1, 1): "zoe@example.com",
    }.items():
        shape.table.cell(r, c).text = text
    s2.notes_slide.notes_text_frame.text = "Zoë is on sick leave (do not say)"
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def pdf_file(
    pages: int = 3, user_password: str | None = None, owner_password: str | None = None
) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    if owner_password or user_password:
        pdf.set_encryption(owner_password=owner_password or "owner", user_password=user_password)
    pdf.set_font("helvetica", size=11)
    for n in range(1, pages + 1):
        pdf.add_page()
        pdf.cell(0, 10, f"Page {n} of the file: patient Jane Roe {n}")
    return bytes(pdf.output())


def odt_file() -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import H, P

    doc = OpenDocumentText()
    doc.text.addElement(H(outlinelevel=1, text="Minutes"))
    doc.text.addElement(P(text=f"Present: {PERSON}"))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def ods_file() -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="Donors")
    for values in (["Name", "Postcode"], [PERSON, "SW1A 1AA"]):
        row = TableRow()
        for v in values:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=v))
            row.addElement(cell)
        table.addElement(row)
    doc.spreadsheet.addElement(table)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def odp_file() -> bytes:
    from odf.draw import Frame, Page, TextBox
    from odf.opendocument import OpenDocumentPresentation
    from odf.presentation import Notes
    from odf.style import MasterPage, PageLayout
    from odf.text import P

    doc = OpenDocumentPresentation()
    layout = PageLayout(name="L")
    doc.automaticstyles.addElement(layout)
    master = MasterPage(name="M", pagelayoutname=layout)
    doc.masterstyles.addElement(master)
    page = Page(masterpagename=master)
    frame = Frame(width="20cm", height="3cm", x="1cm", y="1cm")
    box = TextBox()
    box.addElement(P(text=f"Welcome {PERSON}"))
    frame.addElement(box)
    page.addElement(frame)
    notes = Notes()
    nframe = Frame(width="20cm", height="3cm", x="1cm", y="1cm")
    nbox = TextBox()
    nbox.addElement(P(text="Speaker note: ask Bob"))
    nframe.addElement(nbox)
    notes.addElement(nframe)
    page.addElement(notes)
    doc.presentation.addElement(page)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def rtf_file() -> bytes:
    """RTF as WordPad writes it (hand-written: no Python library writes RTF)."""
    return (
        rb"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Calibri;}}"
        rb"\f0\fs22 Dear Zo\'eb M\'fcller,\par Your claim 42 is approved.\par}"
    )


def eml_message(attachment_name: str = "cv.txt") -> email.message.EmailMessage:
    msg = email.message.EmailMessage()
    msg["From"] = "Ann Smith <ann@example.com>"
    msg["To"] = "Bob Jones <bob@example.com>"
    msg["Cc"] = "hr@example.com"
    msg["Subject"] = f"Reference for {PERSON}"
    msg["Date"] = "Tue, 02 Jan 2024 09:30:00 +0100"
    msg.set_content("Hi Bob,\nPlease find Zoë's CV attached.\n")
    msg.add_alternative(
        "<p>Hi Bob,</p><p>Please find <b>Zoë's</b> CV attached.</p>", subtype="html"
    )
    msg.add_attachment(
        b"Curriculum vitae of Zoe", maintype="text", subtype="plain", filename=attachment_name
    )
    return msg


def zip_file(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()
