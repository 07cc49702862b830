"""OpenDocument text and presentations (.odt, .odp); .ods goes through sheets.py (calamine).

content.xml is parsed directly with lxml rather than through odfpy: odfpy builds a full object
tree of the whole document, which is several times slower and larger, while all we need is the
text in document order. Entities are never resolved, so an XML bomb or external entity in a
hostile file expands to nothing.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any, ClassVar

from scanner.errors import EncryptedError
from scanner.extract import sniff
from scanner.extract.base import ExtractContext, Output, TableSegment, TextSegment, limit_chars
from scanner.extract.metadata import odf_properties

TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
PRES = "{urn:oasis:names:tc:opendocument:xmlns:presentation:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"

# A repeated empty row/column can claim a million repeats (spreadsheets padded to the sheet
# edge); text documents have no reason to repeat more than this.
MAX_REPEAT = 1000


def ensure_not_encrypted(data: bytes, name: str) -> None:
    """Raise EncryptedError when the manifest declares encrypted parts (ODF's password save)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        try:
            manifest = z.read("META-INF/manifest.xml")
        except KeyError:
            return
    if b"encryption-data" in manifest:
        raise EncryptedError(
            f"{name}: password-protected OpenDocument file; scan a decrypted copy or record it "
            "as unscanned"
        )


def _content(data: bytes) -> Any:
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        raw = z.read("content.xml")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(raw, parser=parser)


def para_text(el: Any) -> str:
    """Text of a text:p/text:h: spans flattened, text:s/tab/line-break turned into whitespace."""
    parts: list[str] = [el.text or ""]
    for child in el:
        tag = child.tag
        if tag == f"{TEXT}s":
            parts.append(" " * min(int(child.get(f"{TEXT}c", "1")), MAX_REPEAT))
        elif tag == f"{TEXT}tab":
            parts.append("\t")
        elif tag == f"{TEXT}line-break":
            parts.append("\n")
        elif tag != f"{OFFICE}annotation":
            parts.append(para_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _table(el: Any, location: str) -> TableSegment | None:
    rows: list[tuple[str, ...]] = []
    for row in el.iter(f"{TABLE}table-row"):
        cells: list[str] = []
        for cell in row:
            text = "\n".join(para_text(p) for p in cell.iter(f"{TEXT}p"))
            repeat = min(int(cell.get(f"{TABLE}number-columns-repeated", "1")), MAX_REPEAT)
            cells.extend([text] * repeat)
        while cells and not cells[-1]:
            cells.pop()
        rows.append(tuple(cells))
    if not any(rows):
        return None
    return TableSegment(location, rows[0], rows[1:], 2)


def _walk(el: Any, counters: dict[str, int]) -> Iterator[Output]:
    """Paragraphs, headings and tables of a text body in document order."""
    for child in el:
        tag = child.tag
        if tag in (f"{TEXT}p", f"{TEXT}h"):
            counters["paragraph"] += 1
            if (text := para_text(child)).strip():
                yield TextSegment(f"paragraph {counters['paragraph']}", text)
            for note in child.iter(f"{OFFICE}annotation"):
                counters["comment"] += 1
                body = "\n".join(para_text(p) for p in note.iter(f"{TEXT}p"))
                if body.strip():
                    yield TextSegment(f"comment {counters['comment']}", body)
        elif tag == f"{TABLE}table":
            counters["table"] += 1
            if (seg := _table(child, f"table {counters['table']}")) is not None:
                yield seg
        else:
            yield from _walk(child, counters)


class OdtExtractor:
    """OpenDocument text: paragraphs (`paragraph N`), tables (`table N!B3`), comments."""

    name: ClassVar[str] = "odt"

    def sniff(self, head: bytes, filename: str) -> bool:
        """ODF package whose mimetype is a text document."""
        return sniff.odf_mimetype(head).startswith("application/vnd.oasis.opendocument.text")

    def extract(self, data: bytes, ctx: ExtractContext) -> Iterator[Output]:
        """Document order, after the encryption check."""
        ensure_not_encrypted(data, ctx.name)
        root = _content(data)
        counters = {"paragraph": 0, "table": 0, "comment": 0}
        yield from limit_chars(_walk(root, counters), ctx.limits.max_chars)
        yield from odf_properties(data)


class OdpExtractor:
    """OpenDocument presentations: `slide N` and `slide N notes`."""

    name: ClassVar[str] = "odp"

    def sniff(self, head: bytes, filename: str) -> bool:
        """ODF package whose mimetype is a presentation."""
        mime = sniff.odf_mimetype(head)
        return mime.startswith("application/vnd.oasis.opendocument.presentation")

    def extract(self, data: bytes, ctx: ExtractContext) -> Iterator[Output]:
        """Slides in order, speaker notes apart."""
        ensure_not_encrypted(data, ctx.name)
        yield from limit_chars(self._slides(_content(data)), ctx.limits.max_chars)
        yield from odf_properties(data)

    def _slides(self, root: Any) -> Iterator[TextSegment]:
        for n, page in enumerate(root.iter(f"{DRAW}page"), 1):
            notes_paras: set[Any] = set()
            notes: list[str] = []
            for block in page.iter(f"{PRES}notes"):
                for p in block.iter(f"{TEXT}p"):
                    notes_paras.add(p)
                    notes.append(para_text(p))
            texts = [para_text(p) for p in page.iter(f"{TEXT}p") if p not in notes_paras]
            if text := "\n".join(t for t in texts if t.strip()):
                yield TextSegment(f"slide {n}", text)
            if text := "\n".join(t for t in notes if t.strip()):
                yield TextSegment(f"slide {n} notes", text)
