"""The one list of extractors, in sniff priority order, and `choose()` that picks one for an item.

Content decides first: every extractor is asked about the head bytes alone, and the first that
claims them wins. Only when the winner is a catch-all (any zip, any OLE file, any text) is the
file name consulted, to break the tie between formats that content alone cannot separate (a
`.csv` versus prose, an `.xls` whose OLE directory lies beyond the head). So `report.pdf` that
is really a docx is read as a docx, and a renamed zip still opens.

Adding a format: one module with an Extractor class, one line in EXTRACTORS, tests beside the
others in tests/extract/. Entries name "module:Class": the command line imports no parser.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module

from scanner.extract.base import Extractor

# How many leading bytes the pipeline should pass to choose(): enough for the local headers of
# OOXML/ODF packages and the OLE directory of small legacy files.
HEAD_BYTES = 64 * 1024

# "module:Class" in sniff order; imported (all of them: sniffing needs each) on the first choose().
EXTRACTORS: tuple[str, ...] = (
    "scanner.extract.nondoc:EmptyExtractor",
    "scanner.extract.pdf:PdfExtractor",
    "scanner.extract.images:ImageExtractor",
    "scanner.extract.rtf:RtfExtractor",
    "scanner.extract.word:DocxExtractor",
    "scanner.extract.sheets:XlsxExtractor",
    "scanner.extract.slides:PptxExtractor",
    "scanner.extract.odf:OdtExtractor",
    "scanner.extract.sheets:OdsExtractor",
    "scanner.extract.odf:OdpExtractor",
    "scanner.extract.archive:ZipExtractor",
    "scanner.extract.compressed:GzipExtractor",
    "scanner.extract.compressed:Bzip2Extractor",
    "scanner.extract.compressed:XzExtractor",
    "scanner.extract.sevenzip:SevenZipExtractor",
    "scanner.extract.compressed:TarExtractor",
    "scanner.extract.pst:PstExtractor",
    "scanner.extract.msg:MsgExtractor",
    # Word and PowerPoint before Excel: sniffing finds OLE stream names anywhere in the head, and
    # a .doc's font table names "Bookman", which looks like an Excel `Book` stream.
    "scanner.extract.legacy:DocExtractor",
    "scanner.extract.legacy:PptExtractor",
    "scanner.extract.sheets:XlsExtractor",
    "scanner.extract.ole:OleExtractor",
    "scanner.extract.nondoc:NotADocumentExtractor",
    "scanner.extract.mail:MboxExtractor",
    "scanner.extract.mail:EmlExtractor",
    "scanner.extract.vcard:VcardExtractor",
    "scanner.extract.text:HtmlExtractor",
    "scanner.extract.xmldoc:XmlExtractor",
    "scanner.extract.sqldump:SqlDumpExtractor",
    "scanner.extract.delimited:DelimitedExtractor",
    "scanner.extract.text:TextExtractor",
)


@cache
def extractors() -> tuple[Extractor, ...]:
    """One instance of each extractor EXTRACTORS names, in order, imported on first use."""
    out = []
    for spec in EXTRACTORS:
        module, _, name = spec.partition(":")
        out.append(getattr(import_module(module), name)())
    return tuple(out)


# The parsers extractors import on first use that most estates need (PDF, Office, images,
# text encodings, spreadsheets); rarer ones (.msg's extract_msg, 7z's py7zr: ~0.9 s of imports
# between them) stay where a file needs them.
COMMON_PARSERS: tuple[str, ...] = (
    "pypdfium2",
    "lxml.etree",
    "PIL.Image",
    "olefile",
    "msoffcrypto",
    "charset_normalizer",
    "charset_normalizer.md",
    "python_calamine",
    "striprtf.striprtf",
)


def preload() -> None:
    """Import every extractor and the common parsers: what a scan's fork server does once.

    Each worker imported them itself on its first item of each format (~0.3 s of a worker's
    CPU); forked from a process that has them, it does not. A parser that is not installed is
    left for the item that needs it to report.
    """
    extractors()
    for module in COMMON_PARSERS:
        try:
            import_module(module)
        except ImportError:
            continue


# Extractors that accept a whole family; when content picks one of these, the name may refine it.
CATCH_ALL = {"zip", "ole", "text"}


def choose(head: bytes, filename: str) -> Extractor | None:
    """Pick the extractor for content starting with `head`; None when no format fits."""
    every = extractors()
    by_content = next((e for e in every if e.sniff(head, "")), None)
    if by_content is None or by_content.name not in CATCH_ALL:
        return by_content
    return next((e for e in every if e.sniff(head, filename)), by_content)


def by_name(name: str) -> Extractor:
    """Return the registered extractor called `name` (KeyError names the known ones)."""
    every = extractors()
    for extractor in every:
        if extractor.name == name:
            return extractor
    raise KeyError(f"no extractor named {name!r}; known: {', '.join(e.name for e in every)}")


def choose_for(data: bytes, filename: str) -> Extractor | None:
    """choose() for a whole content (its head is enough): what ExtractContext.choose holds."""
    return choose(data[:HEAD_BYTES], filename)
