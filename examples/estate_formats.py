"""Writers for the demo estate that record where each planted value lands.

Each writer produces real bytes with the real library (csv, openpyxl, python-docx, fpdf2,
email) and, as it places a personal value, adds a manifest row naming the file, the nested
member (same suffix conventions as scanner/extract/base.py: `#path` for archive members and
mailbox messages, `/attachments/NAME` for attachments) and the location string the extractors
report (`C3`, `Sheet!C3`, `paragraph 4`, `table 1!B2`, `page 1`, `body`, `header:From`).
Recording at write time, not afterwards, keeps the manifest true to the files by construction;
`Recorder.add` also refuses a value the text it claims to be in does not contain.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

import docx
import openpyxl
from fpdf import FPDF
from openpyxl.utils import get_column_letter

# Entity -> the notice category it belongs to. Kept apart from scanner/categories.py on purpose:
# the estate is the oracle the demo test checks the scanner against, so it must not borrow the
# scanner's own table.
CATEGORY = {
    "PERSON": "name",
    "EMAIL_ADDRESS": "contact",
    "PHONE_NUMBER": "contact",
    "ADDRESS": "address",
    "UK_POSTCODE": "address",
    "IBAN_CODE": "billing",
    "UK_SORT_CODE": "billing",
    "UK_BANK_ACCOUNT": "billing",
    "VAT_NUMBER": "billing",
    "CREDIT_CARD": "payment_card",
    "UK_NINO": "government_id",
    "UK_NHS": "government_id",
    "DATE_OF_BIRTH": "date_of_birth",
    "HEALTH": "special_category",
}

# Column header -> entity planted in that column, or "TRAP:<entity it resembles>".
Kinds = dict[str, str]
Rows = Sequence[Sequence[str]]


@dataclass(frozen=True)
class Entry:
    """One manifest row: a planted personal value, or a trap (entity TRAP, category None)."""

    file: str
    member: str
    entity: str
    category: str | None
    value: str
    location_hint: str
    looks_like: str | None = None


class Recorder:
    """Collects manifest entries in the order the values are written."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []

    def add(
        self, file: str, member: str, entity: str, value: str, hint: str, text: str | None = None
    ) -> None:
        """Record a personal value; `text`, when given, must contain it."""
        if text is not None and value not in text:
            raise AssertionError(f"{value!r} is not in the text recorded for {file} {hint}")
        self.entries.append(Entry(file, member, entity, CATEGORY[entity], value, hint))

    def trap(self, file: str, member: str, value: str, looks_like: str, hint: str) -> None:
        """Record a value that resembles personal data but is not (it must not be reported)."""
        self.entries.append(Entry(file, member, "TRAP", None, value, hint, looks_like))

    def copy_into(self, source: str, file: str, member: str) -> None:
        """Repeat every entry of `source` for a copy of it nested in `file` at `member`."""
        for e in [e for e in self.entries if e.file == source and not e.member]:
            self.entries.append(
                Entry(file, member, e.entity, e.category, e.value, e.location_hint, e.looks_like)
            )

    def as_json(self) -> list[dict[str, str | None]]:
        """Return the manifest rows as plain dicts."""
        return [asdict(e) for e in self.entries]

    def table(
        self, file: str, member: str, prefix: str, header: Sequence[str], rows: Rows, kinds: Kinds
    ) -> None:
        """Record the cells of `kinds` columns; header is row 1, as a spreadsheet shows it."""
        for c, column in enumerate(header):
            entity = kinds.get(column)
            if entity is None:
                continue
            for r, row in enumerate(rows, start=2):
                hint = f"{prefix}{get_column_letter(c + 1)}{r}"
                if entity.startswith("TRAP:"):
                    self.trap(file, member, row[c], entity.removeprefix("TRAP:"), hint)
                else:
                    self.add(file, member, entity, row[c], hint)


def csv_bytes(header: Sequence[str], rows: Rows) -> bytes:
    """Return a CSV as Excel on Windows writes it (CRLF, UTF-8)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def fixed_zip(data: bytes, when: datetime) -> bytes:
    """Rewrite an OOXML package with fixed timestamps so that two runs give the same bytes.

    python-docx and openpyxl stamp every zip entry, and openpyxl docProps/core.xml, with the
    current time.
    """
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "docProps/core.xml":
                body = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*",
                    lambda m: m.group(1) + stamp.encode(),
                    body,
                )
            fixed = zipfile.ZipInfo(info.filename, when.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, body)
    return out.getvalue()


def xlsx_bytes(
    rec: Recorder,
    file: str,
    sheets: Sequence[tuple[str, Sequence[str], Rows, Kinds]],
    when: datetime,
    member: str = "",
) -> bytes:
    """Return a workbook with one sheet per (title, header, rows, kinds); cells are text."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, header, rows, kinds in sheets:
        ws = wb.create_sheet(title)
        ws.append(list(header))
        for row in rows:
            ws.append(list(row))
        rec.table(file, member, f"{title}!", header, rows, kinds)
    wb.properties.creator = "Flotech Performance Systems"
    buf = io.BytesIO()
    wb.save(buf)
    return fixed_zip(buf.getvalue(), when)


class Doc:
    """A python-docx document whose paragraphs and tables are numbered as extractors number them."""

    def __init__(self, rec: Recorder, file: str, member: str = "") -> None:
        self.rec, self.file, self.member = rec, file, member
        self.doc = docx.Document()
        self.doc.core_properties.author = "Flotech Performance Systems"

    def heading(self, text: str, level: int = 1) -> None:
        """Add a heading (a paragraph to extractors)."""
        self.doc.add_heading(text, level)

    def para(
        self,
        text: str,
        values: Sequence[tuple[str, str]] = (),
        traps: Sequence[tuple[str, str]] = (),
    ) -> None:
        """Add a paragraph; record its (entity, value) pairs and (looks_like, value) traps."""
        self.doc.add_paragraph(text)
        hint = f"paragraph {len(self.doc.paragraphs)}"
        record(self.rec, self.file, self.member, hint, text, values, traps)

    def table(self, header: Sequence[str], rows: Rows, kinds: Kinds) -> None:
        """Add a table with a header row and record its planted cells."""
        table = self.doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = text
        for row in rows:
            for cell, text in zip(table.add_row().cells, row, strict=True):
                cell.text = text
        prefix = f"table {len(self.doc.tables)}!"
        self.rec.table(self.file, self.member, prefix, header, rows, kinds)

    def bytes(self, when: datetime) -> bytes:
        """Return the .docx bytes with fixed timestamps."""
        self.doc.core_properties.created = when.replace(tzinfo=None)
        self.doc.core_properties.modified = when.replace(tzinfo=None)
        buf = io.BytesIO()
        self.doc.save(buf)
        return fixed_zip(buf.getvalue(), when)


def record(
    rec: Recorder,
    file: str,
    member: str,
    hint: str,
    text: str,
    values: Sequence[tuple[str, str]],
    traps: Sequence[tuple[str, str]] = (),
) -> None:
    """Record values and traps that `text` (one paragraph, line or body) contains."""
    for entity, value in values:
        rec.add(file, member, entity, value, hint, text)
    for looks_like, value in traps:
        if value not in text:
            raise AssertionError(f"trap {value!r} is not in the text recorded for {file} {hint}")
        rec.trap(file, member, value, looks_like, hint)


class TextFile:
    """A plain-text file built line by line; locations are `line N` as extractors report them."""

    def __init__(self, rec: Recorder, file: str, member: str = "") -> None:
        self.rec, self.file, self.member = rec, file, member
        self.lines: list[str] = []

    def line(
        self,
        text: str = "",
        values: Sequence[tuple[str, str]] = (),
        traps: Sequence[tuple[str, str]] = (),
    ) -> None:
        """Append one line and record what is planted in it."""
        self.lines.append(text)
        record(self.rec, self.file, self.member, f"line {len(self.lines)}", text, values, traps)

    def bytes(self) -> bytes:
        """Return the file as UTF-8 with Windows line ends, as the file servers hold it."""
        return ("\r\n".join(self.lines) + "\r\n").encode("utf-8")


class Pdf:
    """A one-column fpdf2 document written line by line, so no value wraps across lines."""

    def __init__(self, rec: Recorder, file: str, member: str = "") -> None:
        self.rec, self.file, self.member = rec, file, member
        self.pdf = FPDF(format="A4")
        self.pdf.set_auto_page_break(auto=True, margin=15)
        self.pdf.add_page()
        self.pdf.set_font("Helvetica", size=10)

    def line(
        self, text: str = "", values: Sequence[tuple[str, str]] = (), bold: bool = False
    ) -> None:
        """Write one line and record the (entity, value) pairs planted in it."""
        self.pdf.set_font("Helvetica", style="B" if bold else "", size=12 if bold else 10)
        self.pdf.cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        record(self.rec, self.file, self.member, f"page {self.pdf.page}", text, values)

    def bytes(self, when: datetime) -> bytes:
        """Return the PDF bytes with a fixed creation date."""
        self.pdf.set_creation_date(when)
        return bytes(self.pdf.output())


def message(
    rec: Recorder,
    file: str,
    member: str,
    sender: tuple[str, str],
    to: tuple[str, str],
    subject: str,
    when: datetime,
    body: str,
    body_values: Sequence[tuple[str, str]] = (),
    attachments: Sequence[tuple[str, str, bytes]] = (),
) -> EmailMessage:
    """Build one e-mail; sender/to are (name, address) and are recorded from the headers.

    Attachments are (filename, mime type, bytes); the caller records their contents under
    member + "/attachments/" + filename. The multipart boundary is fixed for reproducible bytes.
    """
    msg = EmailMessage()
    for header, (name, address) in (("From", sender), ("To", to)):
        msg[header] = f"{name} <{address}>"
        rec.add(file, member, "PERSON", name, f"header:{header}", str(msg[header]))
        rec.add(file, member, "EMAIL_ADDRESS", address, f"header:{header}", str(msg[header]))
    msg["Subject"] = subject
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = f"<{when:%Y%m%d%H%M%S}.{zlib.crc32(subject.encode()):08x}@flotechps.co.uk>"
    msg.set_content(body)
    record(rec, file, member, "body", body, body_values)
    for filename, mime, data in attachments:
        maintype, subtype = mime.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    if attachments:
        msg.set_boundary(f"==flotech-{when:%Y%m%d%H%M%S}==")
    return msg
