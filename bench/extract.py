"""Extraction throughput per format on a generated corpus: prints MB/s (input bytes) and chars/s.

Run: `.venv/bin/python -m bench.extract` (add `--compare` to time the alternative pdf/xlsx readers
that the extractors were chosen against). Every file is made by the library that writes that
format in the wild; sizes are a few MB so a run takes about a minute on one core.
"""

from __future__ import annotations

import argparse
import datetime as dt
import email.message
import io
import time
import zipfile
from collections.abc import Callable

from scanner.config import Limits
from scanner.extract.base import Child, ExtractContext, output_chars
from scanner.extract.registry import HEAD_BYTES, choose

ROWS = 20_000
LINE = (
    "Customer {n}: Jane Roe, 12 High Street, London SW1A 1AA, jane.roe{n}@example.com, "
    "07700 900{m:03d}"
)


def make_txt() -> bytes:
    return "\n".join(LINE.format(n=n, m=n % 1000) for n in range(ROWS * 2)).encode()


def make_csv() -> bytes:
    rows = (
        f"{n},Jane Roe,jane{n}@example.com,07700 900{n % 1000:03d},SW1A 1AA"
        for n in range(ROWS * 2)
    )
    return ("id,name,email,phone,postcode\n" + "\n".join(rows)).encode()


def make_docx() -> bytes:
    import docx

    d = docx.Document()
    for n in range(ROWS // 4):
        d.add_paragraph(LINE.format(n=n, m=n % 1000))
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def make_xlsx() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("People")
    ws.append(["id", "name", "email", "phone", "born"])
    for n in range(ROWS * 2):
        ws.append([n, "Jane Roe", f"jane{n}@example.com", 7700900000 + n, dt.date(1980, 1, 1)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def make_xls() -> bytes:
    import xlwt

    wb = xlwt.Workbook()
    ws = wb.add_sheet("People")
    for n in range(ROWS):
        for c, v in enumerate([n, "Jane Roe", f"jane{n}@example.com", "07700 900123"]):
            ws.write(n, c, v)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def make_pptx() -> bytes:
    import pptx

    deck = pptx.Presentation()
    for n in range(300):
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = f"Slide {n}"
        slide.placeholders[1].text = "\n".join(LINE.format(n=n * 10 + i, m=i) for i in range(8))
        slide.notes_slide.notes_text_frame.text = LINE.format(n=n, m=n % 1000)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def make_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=9)
    for page in range(300):
        pdf.add_page()
        for i in range(50):
            pdf.cell(0, 5, LINE.format(n=page * 50 + i, m=i), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def make_odt() -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    doc = OpenDocumentText()
    for n in range(ROWS // 4):
        doc.text.addElement(P(text=LINE.format(n=n, m=n % 1000)))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def make_rtf() -> bytes:
    body = "".join(LINE.format(n=n, m=n % 1000) + r"\par " for n in range(ROWS // 4))
    return ("{\\rtf1\\ansi\\deff0 " + body + "}").encode()


def _message(n: int) -> email.message.EmailMessage:
    msg = email.message.EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "ann@example.com", "bob@example.com", f"Case {n}"
    msg["Date"] = "Tue, 02 Jan 2024 09:30:00 +0000"
    msg.set_content("\n".join(LINE.format(n=n * 20 + i, m=i) for i in range(20)))
    msg.add_attachment(make_rtf()[:2000], maintype="application", subtype="rtf", filename="a.rtf")
    return msg


def make_eml() -> bytes:
    return _message(0).as_bytes() * 1


def make_mbox() -> bytes:
    return b"".join(
        b"From ann@example.com Tue Jan  2 09:30:00 2024\n" + _message(n).as_bytes() + b"\n"
        for n in range(500)
    )


def make_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n in range(200):
            z.writestr(
                f"docs/{n}.txt", "\n".join(LINE.format(n=n * 50 + i, m=i) for i in range(50))
            )
    return out.getvalue()


CORPUS: dict[str, Callable[[], bytes]] = {
    "txt": make_txt, "csv": make_csv, "docx": make_docx, "xlsx": make_xlsx, "xls": make_xls,
    "pptx": make_pptx, "pdf": make_pdf, "odt": make_odt, "rtf": make_rtf, "eml": make_eml,
    "mbox": make_mbox, "zip": make_zip,
}  # fmt: skip


def extract_all(data: bytes, name: str, depth: int = 0) -> int:
    """Count characters from an item and its children (the pipeline's recursion, no workers)."""
    extractor = choose(data[:HEAD_BYTES], name)
    assert extractor is not None, name
    chars = 0
    for out in extractor.extract(data, ExtractContext(name, depth, Limits())):
        chars += (
            extract_all(out.data, out.name, depth + 1)
            if isinstance(out, Child)
            else output_chars(out)
        )
    return chars


def compare_readers(xlsx: bytes, pdf: bytes) -> None:
    """Time the readers the extractors were chosen against, on the same files."""
    import openpyxl
    from pdfminer.high_level import extract_text

    start = time.perf_counter()
    book = openpyxl.load_workbook(io.BytesIO(xlsx), read_only=True, data_only=True)
    cells = sum(1 for ws in book.worksheets for row in ws.iter_rows(values_only=True) for _ in row)
    took = time.perf_counter() - start
    rate = len(xlsx) / took / 1e6
    print(f"  xlsx  openpyxl read-only: {took:6.2f} s  ({rate:5.2f} MB/s, {cells} cells)")
    start = time.perf_counter()
    chars = len(extract_text(io.BytesIO(pdf)))
    took = time.perf_counter() - start
    rate = len(pdf) / took / 1e6
    print(f"  pdf   pdfminer.six:       {took:6.2f} s  ({rate:5.2f} MB/s, {chars} chars)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", action="store_true", help="also time openpyxl and pdfminer")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs per format")
    args = parser.parse_args()
    print(f"{'format':6} {'size MB':>8} {'seconds':>8} {'MB/s':>7} {'Mchars/s':>9}")
    made: dict[str, bytes] = {}
    for fmt, make in CORPUS.items():
        data = made[fmt] = make()
        best = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            chars = extract_all(data, f"bench.{fmt}")
            best = min(best, time.perf_counter() - start)
        size = len(data) / 1e6
        print(f"{fmt:6} {size:8.2f} {best:8.3f} {size / best:7.2f} {chars / best / 1e6:9.2f}")
    if args.compare:
        print("alternative readers (extractors use calamine and pypdfium2):")
        compare_readers(made["xlsx"], made["pdf"])


if __name__ == "__main__":
    main()
