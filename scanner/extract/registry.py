"""The one list of extractors, in sniff priority order, and `choose()` that picks one for an item.

Content decides first: every extractor is asked about the head bytes alone, and the first that
claims them wins. Only when the winner is a catch-all (any zip, any OLE file, any text) is the
file name consulted, to break the tie between formats that content alone cannot separate (a
`.csv` versus prose, an `.xls` whose OLE directory lies beyond the head). So `report.pdf` that
is really a docx is read as a docx, and a renamed zip still opens.

Adding a format: one module with an Extractor class, one line in EXTRACTORS, tests beside the
others in tests/extract/.
"""

from __future__ import annotations

from scanner.extract.archive import ZipExtractor
from scanner.extract.base import Extractor
from scanner.extract.compressed import Bzip2Extractor, GzipExtractor, TarExtractor, XzExtractor
from scanner.extract.delimited import DelimitedExtractor
from scanner.extract.images import ImageExtractor
from scanner.extract.legacy import DocExtractor, PptExtractor
from scanner.extract.mail import EmlExtractor, MboxExtractor, MsgExtractor
from scanner.extract.nondoc import EmptyExtractor, NotADocumentExtractor
from scanner.extract.odf import OdpExtractor, OdtExtractor
from scanner.extract.ole import OleExtractor
from scanner.extract.pdf import PdfExtractor
from scanner.extract.pst import PstExtractor
from scanner.extract.rtf import RtfExtractor
from scanner.extract.sevenzip import SevenZipExtractor
from scanner.extract.sheets import OdsExtractor, XlsExtractor, XlsxExtractor
from scanner.extract.slides import PptxExtractor
from scanner.extract.text import HtmlExtractor, TextExtractor
from scanner.extract.word import DocxExtractor

# How many leading bytes the pipeline should pass to choose(): enough for the local headers of
# OOXML/ODF packages and the OLE directory of small legacy files.
HEAD_BYTES = 64 * 1024

EXTRACTORS: tuple[Extractor, ...] = (
    EmptyExtractor(),
    PdfExtractor(),
    ImageExtractor(),
    RtfExtractor(),
    DocxExtractor(),
    XlsxExtractor(),
    PptxExtractor(),
    OdtExtractor(),
    OdsExtractor(),
    OdpExtractor(),
    ZipExtractor(),
    GzipExtractor(),
    Bzip2Extractor(),
    XzExtractor(),
    SevenZipExtractor(),
    TarExtractor(),
    PstExtractor(),
    MsgExtractor(),
    # Word and PowerPoint before Excel: sniffing finds OLE stream names anywhere in the head, and
    # a .doc's font table names "Bookman", which looks like an Excel `Book` stream.
    DocExtractor(),
    PptExtractor(),
    XlsExtractor(),
    OleExtractor(),
    NotADocumentExtractor(),
    MboxExtractor(),
    EmlExtractor(),
    HtmlExtractor(),
    DelimitedExtractor(),
    TextExtractor(),
)

# Extractors that accept a whole family; when content picks one of these, the name may refine it.
CATCH_ALL = {"zip", "ole", "text"}


def choose(head: bytes, filename: str) -> Extractor | None:
    """Pick the extractor for content starting with `head`; None when no format fits."""
    by_content = next((e for e in EXTRACTORS if e.sniff(head, "")), None)
    if by_content is None or by_content.name not in CATCH_ALL:
        return by_content
    return next((e for e in EXTRACTORS if e.sniff(head, filename)), by_content)


def by_name(name: str) -> Extractor:
    """Return the registered extractor called `name` (KeyError names the known ones)."""
    for extractor in EXTRACTORS:
        if extractor.name == name:
            return extractor
    raise KeyError(f"no extractor named {name!r}; known: {', '.join(e.name for e in EXTRACTORS)}")
