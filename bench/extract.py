"""Extraction throughput per format on a generated corpus: prints MB/s (input bytes) and chars/s.

Run: `.venv/bin/python -m bench.extract` (add `--compare` to time the alternative pdf/xlsx readers
that the extractors were chosen against). Every file is made by the library that writes that
format in the wild; sizes are a few MB so a run takes about a minute on one core.
"""

from __future__ import annotations

import argparse
import datetime as dt
import email.message
import gzip
import io
import tarfile
import time
import zipfile
from collections.abc import Callable

from scanner.config import Limits
from scanner.extract.base import Child, ExtractContext, output_chars
from scanner.extract.registry import HEAD_BYTES, choose, choose_for

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


def make_gz() -> bytes:
    return gzip.compress(make_txt())


def make_tgz() -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        for n in range(200):
            data = "\n".join(LINE.format(n=n * 50 + i, m=i) for i in range(50)).encode()
            info = tarfile.TarInfo(f"docs/{n}.txt")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def make_7z() -> bytes:
    import py7zr

    out = io.BytesIO()
    with py7zr.SevenZipFile(out, "w") as archive:
        for n in range(200):
            text = "\n".join(LINE.format(n=n * 50 + i, m=i) for i in range(50))
            archive.writestr(text.encode(), f"docs/{n}.txt")
    return out.getvalue()


def _fixture(name: str) -> bytes:
    """A LibreOffice-written legacy file (tests/fixtures/make_legacy.py)."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "legacy" / f"{name}.gz"
    return gzip.decompress(path.read_bytes())


def make_doc() -> bytes:
    return _fixture("letter.doc")


def make_ppt() -> bytes:
    return _fixture("deck.ppt")


def make_png() -> bytes:
    """One A4 page at 200 dpi with scan-like noise, for OCR (bench/ocr measures recall)."""
    import random

    from bench.corpus import Gen
    from bench.ocr_pages import planted_lines, render, scan_like

    lines, _ = planted_lines(Gen(3))
    out = io.BytesIO()
    scan_like(render(lines), random.Random(3)).save(out, "PNG")
    return out.getvalue()


def make_scanned_pdf() -> bytes:
    """Three image-only pages: the PDF path renders them at ocr.dpi and OCRs them."""
    from fpdf import FPDF
    from PIL import Image

    page = Image.open(io.BytesIO(make_png()))
    pdf = FPDF()
    for _ in range(3):
        pdf.add_page()
        pdf.image(page, x=0, y=0, w=210)
    return bytes(pdf.output())


CORPUS: dict[str, Callable[[], bytes]] = {
    "txt": make_txt, "csv": make_csv, "docx": make_docx, "xlsx": make_xlsx, "xls": make_xls,
    "pptx": make_pptx, "pdf": make_pdf, "odt": make_odt, "rtf": make_rtf, "eml": make_eml,
    "mbox": make_mbox, "zip": make_zip, "gz": make_gz, "tgz": make_tgz, "7z": make_7z,
    "doc": make_doc, "ppt": make_ppt, "png": make_png, "scan.pdf": make_scanned_pdf,
}  # fmt: skip


def extract_all(data: bytes, name: str, depth: int = 0) -> int:
    """Count characters from an item and its children (the pipeline's recursion, no workers)."""
    extractor = choose(data[:HEAD_BYTES], name)
    assert extractor is not None, name
    chars = 0
    for out in extractor.extract(data, ExtractContext(name, depth, Limits(), choose=choose_for)):
        chars += (
            extract_all(out.data, out.name, depth + 1)
            if isinstance(out, Child)
            else output_chars(out)
        )
    return chars


def object_model_text(data: bytes, kind: str) -> int:
    """Characters via python-docx / python-pptx object models (what the extractors used before)."""
    if kind == "docx":
        from docx import Document

        doc = Document(io.BytesIO(data))
        chars = sum(len(p.text) for p in doc.paragraphs)
        chars += sum(len(c.text) for t in doc.tables for r in t.rows for c in r.cells)
        for s in doc.sections:
            chars += sum(len(p.text) for p in s.header.paragraphs + s.footer.paragraphs)
        return chars
    from pptx import Presentation

    deck = Presentation(io.BytesIO(data))
    chars = 0
    for slide in deck.slides:
        chars += sum(len(s.text_frame.text) for s in slide.shapes if s.has_text_frame)
        if slide.has_notes_slide:
            chars += len(slide.notes_slide.notes_text_frame.text)
    return chars


def compare_streaming(docx: bytes, pptx: bytes, repeat: int) -> None:
    """Streaming XML (the extractors) against the python-docx/python-pptx object models."""
    for kind, data in (("docx", docx), ("pptx", pptx)):
        timings = []
        for fn in (lambda d=data, k=kind: extract_all(d, f"bench.{k}"),
                   lambda d=data, k=kind: object_model_text(d, k)):  # fmt: skip
            best = float("inf")
            for _ in range(repeat):
                start = time.perf_counter()
                fn()
                best = min(best, time.perf_counter() - start)
            timings.append(best)
        stream, model = timings
        print(
            f"  {kind}  streaming XML {stream:6.2f} s   python-{kind} object model {model:6.2f} s"
            f"   ({model / stream:.1f}x)"
        )


def compare_readers(xlsx: bytes, pdf: bytes) -> None:
    """Time the readers the extractors were chosen against, on the same files."""
    import openpyxl

    try:
        from pdfminer.high_level import extract_text
    except ImportError:
        print("  (pdfminer.six is not installed: pip install pdfminer.six to compare)")
        extract_text = None

    start = time.perf_counter()
    book = openpyxl.load_workbook(io.BytesIO(xlsx), read_only=True, data_only=True)
    cells = sum(1 for ws in book.worksheets for row in ws.iter_rows(values_only=True) for _ in row)
    took = time.perf_counter() - start
    rate = len(xlsx) / took / 1e6
    print(f"  xlsx  openpyxl read-only: {took:6.2f} s  ({rate:5.2f} MB/s, {cells} cells)")
    if extract_text is None:
        return
    start = time.perf_counter()
    chars = len(extract_text(io.BytesIO(pdf)))
    took = time.perf_counter() - start
    rate = len(pdf) / took / 1e6
    print(f"  pdf   pdfminer.six:       {took:6.2f} s  ({rate:5.2f} MB/s, {chars} chars)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--compare", action="store_true", help="also time openpyxl, pdfminer, python-docx/pptx"
    )
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs per format")
    args = parser.parse_args()
    print(f"{'format':8} {'size MB':>8} {'seconds':>8} {'MB/s':>7} {'Mchars/s':>9}")
    made: dict[str, bytes] = {}
    for fmt, make in CORPUS.items():
        data = made[fmt] = make()
        best = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            chars = extract_all(data, f"bench.{fmt}")
            best = min(best, time.perf_counter() - start)
        size = len(data) / 1e6
        print(f"{fmt:8} {size:8.2f} {best:8.3f} {size / best:7.2f} {chars / best / 1e6:9.2f}")
    if args.compare:
        print("docx/pptx: the extractors stream the XML (lxml iterparse, one part at a time):")
        compare_streaming(made["docx"], made["pptx"], args.repeat)
        print("alternative readers (extractors use calamine and pypdfium2):")
        compare_readers(made["xlsx"], made["pdf"])


if __name__ == "__main__":
    main()
