"""PDF, page by page, with pypdfium2 (Google's PDFium, the engine in Chrome).

Measured on the same 200-page fpdf2 document, pypdfium2 extracted the text in 0.34 s and
pdfminer.six in 18.0 s (50x) with the same words out, so PDFium it is. PDFium is C++: a hostile
PDF can crash or hang it, which is why extraction runs in killable worker processes.
A PDF with only an owner password (print/copy restrictions) opens without one and is read; a user
password makes it `encrypted`. Scanned PDFs with no text layer come out empty: OCR is out of scope,
and the item's chars_extracted of 0 makes them easy to find.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from scanner.errors import EncryptedError
from scanner.extract import sniff
from scanner.extract.base import ExtractContext, Output, TextSegment, limit_chars


class PdfExtractor:
    """PDF documents; location `page N`."""

    name: ClassVar[str] = "pdf"

    def sniff(self, head: bytes, filename: str) -> bool:
        """`%PDF-` in the first KiB (some producers put junk before it, as readers tolerate)."""
        return sniff.PDF_MAGIC in head[:1024]

    def extract(self, data: bytes, ctx: ExtractContext) -> Iterator[Output]:
        """One TextSegment per page that has text."""
        yield from limit_chars(self._pages(data, ctx.name), ctx.limits.max_chars)

    def _pages(self, data: bytes, name: str) -> Iterator[TextSegment]:
        import pypdfium2 as pdfium
        import pypdfium2.raw as pdfium_c

        try:
            doc = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as e:
            if getattr(e, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
                raise EncryptedError(
                    f"{name}: PDF needs a password to open; scan a decrypted copy or record "
                    "it as unscanned"
                ) from e
            raise
        try:
            for index in range(len(doc)):
                page = doc[index]
                textpage = page.get_textpage()
                try:
                    text = textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n")
                finally:
                    textpage.close()
                    page.close()
                if text.strip():
                    yield TextSegment(f"page {index + 1}", text)
        finally:
            doc.close()
