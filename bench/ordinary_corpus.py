"""A corpus of ordinary small business documents, for bench/throughput.py.

Issue 21: the table-heavy corpus flatters us (plain Presidio is pathologically slow on big
tables), while most of an estate is small prose. This one is what a small firm's share holds:
letters, invoices and statements as PDF and docx, notes and memos as txt/html/rtf, mbox
mailboxes and single .eml messages (some with a PDF attached), and small CSV/XLSX exports.
About 660 files, 11 MB on disk, 0.75 M characters of text by default. Texts come from
bench/ordinary_docs.py (varied templates, Faker people in ten locales); every personal value
written is recorded per top-level file in manifest.json, like bench/throughput_corpus.py's.

Seeded: the same corpus on every machine (PDF bytes depend on whether DejaVu Sans is installed,
the text does not, except that without it non-Latin-1 letters are written as '?').
"""

from __future__ import annotations

import csv
import email.generator
import email.message
import email.utils
import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.ordinary_docs import Builders, Rows
from bench.ordinary_text import CATEGORY, Cast, Planted, Text
from bench.throughput_corpus import cached

VERSION = 2  # bump when the generator changes: cached corpora of another version are rebuilt
SEED = 20261130
FILES = {"prose": 160, "pdf": 160, "docx": 160, "mail": 110, "sheets": 70}
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
# Writers stamp files with the time they were made; a seeded corpus must not depend on it.
MADE = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)


def pdf_document(t: Text, rows: Rows) -> tuple[bytes, Planted]:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_creation_date(MADE)
    unicode = FONT.exists()
    if unicode:
        pdf.add_font("dejavu", fname=str(FONT))
    pdf.set_font("dejavu" if unicode else "helvetica", size=10)
    pdf.add_page()

    def fix(s: str) -> str:
        return s if unicode else s.encode("latin-1", "replace").decode("latin-1")

    for para in t.paragraphs():
        pdf.multi_cell(0, 5, fix(para), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    for row in rows:
        widths = (90, 20, 35, 35) if len(row) == 4 else (25, 75, 25, 25, 30)
        for w, cell in zip(widths, row, strict=False):
            pdf.cell(w, 5, fix(cell)[:48])
        pdf.ln(5)
    return bytes(pdf.output()), [(e, c, fix(v)) for e, c, v in t.planted]


def docx_document(t: Text, rows: Rows) -> bytes:
    import docx

    d = docx.Document()
    d.core_properties.created = d.core_properties.modified = MADE.replace(tzinfo=None)
    for para in t.paragraphs():
        d.add_paragraph(para)
    if rows:
        table = d.add_table(rows=len(rows), cols=len(rows[0]))
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                table.cell(r, c).text = cell
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def plain_document(fmt: str, t: Text, rows: Rows) -> bytes:
    lines = ["  ".join(f"{c:<14}" for c in row).rstrip() for row in rows]
    if fmt == "txt":
        return (t.text() + "\n\n" + "\n".join(lines)).encode()
    if fmt == "html":
        body = "".join(f"<p>{p.replace(chr(10), '<br>')}</p>\n" for p in t.paragraphs())
        if rows:
            body += "<table>" + "".join(
                "<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows
            ) + "</table>"  # fmt: skip
        return f"<html><head><meta charset='utf-8'><title>Note</title></head><body>{body}</body></html>".encode()  # noqa: E501
    # RTF: non-ASCII as \uN? escapes, as Word writes them.
    body = "".join(
        "".join(ch if ord(ch) < 128 else f"\\u{ord(ch)}?" for ch in p).replace("\n", "\\line ")
        + "\\par\n"
        for p in t.paragraphs()
    )
    return ("{\\rtf1\\ansi\\deff0 " + body + "}").encode()


def table_document(fmt: str, rows: Rows) -> bytes:
    if fmt == "csv":
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerows(rows)
        return buf.getvalue().encode("utf-8-sig")  # Excel's "CSV UTF-8" export
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    wb.properties.created = wb.properties.modified = MADE.replace(tzinfo=None)
    ws = wb.create_sheet("Export")
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


class OrdinaryCorpus:
    """Writes FILES[kind] files of each kind under `out`, and the manifest."""

    def __init__(self, out: Path, scale: float = 1.0, seed: int = SEED) -> None:
        self.out, self.scale = out, scale
        self.cast = Cast(seed)
        self.b = Builders(self.cast)
        self.r = self.cast.rng
        self.manifest: list[dict[str, Any]] = []
        self.when = datetime(2025, 1, 6, 9, 0)

    def write(self, kind: str, rel: str, data: bytes, planted: Planted) -> None:
        """One top-level file and its manifest row."""
        path = self.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        row = {"file": rel, "kind": kind, "bytes": len(data), "planted": [list(p) for p in planted]}
        self.manifest.append(row)

    def document(self, kind: str, n: int) -> None:
        """A prose, pdf or docx document."""
        b = self.b
        if kind == "pdf":
            build: Callable[[], tuple[Text, Rows]] = self.r.choices(
                (b.letter, b.invoice, b.statement), (45, 35, 20)
            )[0]
            t, rows = build()
            data, planted = pdf_document(t, rows)
            self.write(kind, f"pdf/{n:04d}.pdf", data, planted)
        elif kind == "docx":
            build = self.r.choices(
                (b.letter, b.invoice, b.hr_form, b.minutes, b.memo), (35, 15, 20, 20, 10)
            )[0]
            t, rows = build()
            self.write(kind, f"docx/{n:04d}.docx", docx_document(t, rows), t.planted)
        else:
            build = self.r.choices((b.letter, b.memo, b.minutes, b.hr_form), (35, 35, 20, 10))[0]
            t, rows = build()
            fmt = self.r.choices(("txt", "html", "rtf"), (6, 2, 2))[0]
            self.write(kind, f"prose/{n:04d}.{fmt}", plain_document(fmt, t, rows), t.planted)

    def message(self, company_domain: str) -> tuple[bytes, Planted]:
        """One message from a customer or colleague, perhaps with a PDF invoice attached."""
        sender = self.cast.person()
        to = self.cast.person() if self.r.random() < 0.7 else None
        t = self.b.mail_body(sender, to)
        msg = email.message.EmailMessage()
        msg["From"] = email.utils.formataddr((sender.name, sender.email))
        planted = [("PERSON", "name", sender.name), ("EMAIL_ADDRESS", "contact", sender.email)]
        msg["To"] = f"{self.r.choice(('info', 'accounts', 'office', 'bookings'))}@{company_domain}"
        msg["Subject"] = self.cast.fill(self.r.choice(SUBJECTS))
        self.when += timedelta(minutes=self.r.randrange(5, 3000))
        msg["Date"] = email.utils.format_datetime(self.when.replace(tzinfo=UTC))
        msg["Message-ID"] = f"<{self.r.getrandbits(64):x}@{company_domain}>"
        msg.set_content(t.text())
        planted += t.planted
        if self.r.random() < 0.12:
            doc, rows = self.b.invoice()
            data, more = pdf_document(doc, rows)
            msg.add_attachment(data, maintype="application", subtype="pdf", filename="invoice.pdf")
            msg.set_boundary(f"=={self.r.getrandbits(64):016x}==")  # not the random module's
            planted += more
        buf = io.BytesIO()
        email.generator.BytesGenerator(buf, mangle_from_=True).flatten(msg)
        return buf.getvalue(), planted

    def mail(self, n: int) -> None:
        """An mbox mailbox of a few messages, or a single .eml."""
        domain = self.cast.company().web.removeprefix("www.")
        if self.r.random() < 0.3:
            data, planted = self.message(domain)
            self.write("mail", f"mail/{n:04d}.eml", data, planted)
            return
        parts, planted = [], []
        for _ in range(self.r.randrange(2, 9)):
            data, more = self.message(domain)
            parts.append(b"From MAILER-DAEMON Thu Jan  2 09:00:00 2025\n" + data + b"\n")
            planted += more
        self.write("mail", f"mail/{n:04d}.mbox", b"".join(parts), planted)

    def sheet(self, n: int) -> None:
        """A small CSV or XLSX export; every personal cell is planted."""
        _kind, rows, ents = self.b.sheet()
        planted = [(e, CATEGORY[e], row[c]) for row in rows[1:] for c, e in enumerate(ents) if e]
        fmt = "csv" if self.r.random() < 0.6 else "xlsx"
        self.write("sheets", f"sheets/{n:04d}.{fmt}", table_document(fmt, rows), planted)

    def build(self) -> list[dict[str, Any]]:
        """Every file, kinds interleaved so that a smaller scale still has each kind."""
        counts = {k: max(1, round(v * self.scale)) for k, v in FILES.items()}
        done = dict.fromkeys(counts, 0)
        while any(done[k] < counts[k] for k in counts):
            for kind in counts:
                if done[kind] >= counts[kind]:
                    continue
                if kind == "mail":
                    self.mail(done[kind])
                elif kind == "sheets":
                    self.sheet(done[kind])
                else:
                    self.document(kind, done[kind])
                done[kind] += 1
        return self.manifest


SUBJECTS = ("Re: invoice {ref}", "Booking for {weekday}", "Query about {service}",
            "Quote for the {product}", "Fwd: delivery from {company}", "Meeting notes",
            "Re: your account", "Change of address", "Holiday request", "{month} rota",
            "Complaint ref {ref}", "Re: Re: parking at {town}")  # fmt: skip


def ensure(
    cache: Path, scale: float = 1.0, log: Callable[[str], None] = print
) -> tuple[Path, list[dict[str, Any]]]:
    """The corpus at `scale` under `cache`, generated on first use; (root, manifest)."""
    root = cache / f"ordinary-v{VERSION}-x{scale:g}"
    return cached(root, lambda files: OrdinaryCorpus(files, scale).build(), log)
