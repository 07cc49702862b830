"""PDF, page by page, with pypdfium2 (Google's PDFium, the engine in Chrome); OCR for scanned pages.

Measured on the same 200-page fpdf2 document, pypdfium2 extracted the text in 0.34 s and
pdfminer.six in 18.0 s (50x) with the same words out, so PDFium it is. PDFium is C++: a hostile
PDF can crash or hang it, which is why extraction runs in killable worker processes.
A PDF with only an owner password (print/copy restrictions) opens without one and is read; a user
password makes it `encrypted`.

A page with (almost) no text layer but an image on it is a scan: it is rendered at ocr.dpi and
read by Tesseract (ocr.py), located `page N (ocr)`, up to ocr.max_pages pages per document; past
the budget the document ends `too_large` with the pages read so far scanned. The document
information dictionary and the XMP packet (author, title, keywords) come first, as
`metadata:<key>` and `xmp:<key>`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from scanner.errors import EncryptedError
from scanner.extract import ocr, sniff
from scanner.extract.base import ExtractContext, Output, TextSegment, limit_chars
from scanner.extract.metadata import segments, xmp_segments

# A text layer this thin (a page number, a stamp, a fax header) does not make a page "text".
MIN_TEXT_CHARS = 20
_INFO = {"Author": "author", "Title": "title", "Subject": "subject", "Keywords": "keywords"}


def _page_text(page: Any) -> str:
    textpage = page.get_textpage()
    try:
        return str(textpage.get_text_range()).replace("\r\n", "\n").replace("\r", "\n")
    finally:
        textpage.close()


def _has_image(page: Any) -> bool:
    import pypdfium2.raw as pdfium_c

    return any(True for _ in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=3))


class PdfExtractor:
    """PDF documents; locations `page N`, `page N (ocr)`, `metadata:author`, `xmp:creator`."""

    name: ClassVar[str] = "pdf"

    def sniff(self, head: bytes, filename: str) -> bool:
        """`%PDF-` in the first KiB (some producers put junk before it, as readers tolerate)."""
        return sniff.PDF_MAGIC in head[:1024]

    def extract(self, data: bytes, ctx: ExtractContext) -> Iterator[Output]:
        """Metadata, then one TextSegment per page that has text (by layer or by OCR)."""
        yield from limit_chars(self._pages(data, ctx), ctx.limits.max_chars)

    def _pages(self, data: bytes, ctx: ExtractContext) -> Iterator[TextSegment]:
        import pypdfium2 as pdfium
        import pypdfium2.raw as pdfium_c

        try:
            doc = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as e:
            if getattr(e, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
                raise EncryptedError(
                    f"{ctx.name}: PDF needs a password to open; scan a decrypted copy or record "
                    "it as unscanned"
                ) from e
            raise
        try:
            info = doc.get_metadata_dict(skip_empty=True)
            yield from segments((_INFO[k], str(v)) for k, v in info.items() if k in _INFO)
            yield from xmp_segments(data)
            settings, scanned, unread = ctx.ocr, 0, 0
            for index in range(len(doc)):
                page = doc[index]
                try:
                    text = _page_text(page)
                    if text.strip():
                        yield TextSegment(f"page {index + 1}", text)
                    if len("".join(text.split())) >= MIN_TEXT_CHARS or not settings.enabled:
                        continue
                    if not _has_image(page):
                        continue
                    if scanned >= settings.max_pages:
                        unread += 1
                        continue
                    scanned += 1
                    image = page.render(scale=settings.dpi / 72, grayscale=True).to_pil()
                    if (seg := ocr.ocr_page(image, index + 1, settings)) is not None:
                        yield seg
                finally:
                    page.close()
            if unread:
                raise ocr.budget_exceeded(scanned, scanned + unread, settings, ctx.name)
        finally:
            doc.close()
