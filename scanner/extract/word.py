"""Word documents (.docx, .docm, .dotx): body, tables, headers/footers, comments, text boxes, notes.

Personal data hides outside the body as often as in it: a letterhead footer with a direct line,
a reviewer's comment naming a patient, a footnote with a case number. So every story of the
document is read, each with its own location.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from scanner.extract import sniff
from scanner.extract.base import ExtractContext, Output, TableSegment, TextSegment, limit_chars

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _table(table: Any, location: str) -> TableSegment | None:
    rows = [tuple(cell.text for cell in row.cells) for row in table.rows]
    if not rows or not any(any(r) for r in rows):
        return None
    return TableSegment(location, rows[0], rows[1:], 2)


def _story(blocks: Iterable[Any], label: str, counters: dict[str, int]) -> Iterator[Output]:
    """Paragraphs and tables of one story (body, a header, a cell) with numbered locations."""
    from docx.table import Table

    for block in blocks:
        if isinstance(block, Table):
            counters["table"] += 1
            seg = _table(block, f"{label}table {counters['table']}".strip())
            if seg is not None:
                yield seg
        else:
            counters["paragraph"] += 1
            if block.text.strip():
                yield TextSegment(f"{label}paragraph {counters['paragraph']}".strip(), block.text)


def _xml_text(element: Any) -> str:
    """Text of an XML subtree, paragraph by paragraph (for parts python-docx does not model)."""
    paras = []
    for p in element.iter(f"{W}p"):
        paras.append("".join(t.text or "" for t in p.iter(f"{W}t")))
    return "\n".join(x for x in paras if x.strip())


class DocxExtractor:
    """Word 2007+ via python-docx; the package is opened directly so .docm/.dotx work too."""

    name: ClassVar[str] = "docx"

    def sniff(self, head: bytes, filename: str) -> bool:
        """Claim an OOXML package with a word/ part."""
        return sniff.ooxml_kind(head) == "docx"

    def extract(self, data: bytes, ctx: ExtractContext) -> Iterator[Output]:
        """Body in order, then headers/footers, comments, text boxes, foot/endnotes."""
        yield from limit_chars(self._segments(data), ctx.limits.max_chars)

    def _segments(self, data: bytes) -> Iterator[Output]:
        from docx.package import Package

        doc = Package.open(io.BytesIO(data)).main_document_part.document
        yield from _story(doc.iter_inner_content(), "", {"table": 0, "paragraph": 0})
        seen: set[int] = set()
        for n, section in enumerate(doc.sections, 1):
            for kind in ("header", "first_page_header", "even_page_header",
                         "footer", "first_page_footer", "even_page_footer"):  # fmt: skip
                part = getattr(section, kind)
                if part.is_linked_to_previous or id(part.part) in seen:
                    continue
                seen.add(id(part.part))
                label = f"section {n} {kind.replace('_', ' ')} "
                yield from _story(part.iter_inner_content(), label, {"table": 0, "paragraph": 0})
        for comment in doc.comments:
            text = "\n".join(p.text for p in comment.paragraphs).strip()
            if text:
                yield TextSegment(f"comment {comment.comment_id + 1}", text)
        body = doc.element.body
        for n, box in enumerate(body.iter(f"{W}txbxContent"), 1):
            if text := _xml_text(box):
                yield TextSegment(f"text box {n}", text)
        for part in doc.part.package.iter_parts():
            name = str(part.partname)
            if name in ("/word/footnotes.xml", "/word/endnotes.xml"):
                yield from self._notes(part.blob, name[6:-5].rstrip("s"))

    def _notes(self, blob: bytes, kind: str) -> Iterator[TextSegment]:
        from lxml import etree

        root = etree.fromstring(blob, parser=etree.XMLParser(resolve_entities=False))
        for note in root.iter(f"{W}{kind}"):
            if (text := _xml_text(note)) and int(note.get(f"{W}id", "0")) > 0:
                yield TextSegment(f"{kind} {note.get(f'{W}id')}", text)
