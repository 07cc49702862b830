"""Word documents (.docx, .docm, .dotx): every story and the people in the file, streamed.

Personal data hides outside the body as often as in it: a letterhead footer with a direct line,
a reviewer's comment naming a patient, a footnote with a case number, a sentence deleted with
track changes on, text formatted hidden, and the author in the file's properties. So every
story is read, each with its own location.

The XML is streamed with lxml's iterparse: each top-level paragraph or table is handled at its
end tag and then dropped, so a 300-page contract never becomes a tree, and python-docx's object
model (a Python object per paragraph, run and cell) is not built at all; bench/extract compares
the two (`--compare`). Entities are never resolved (no XML bombs, no external entities).

Locations: `paragraph 7`, `table 2!B3`, `section 1 footer paragraph 1`, `comment 2`,
`text box 1`, `footnote 3`, `deletion 1` (tracked deletions), `hidden text 1` (runs formatted
hidden; they are left out of their paragraph), `metadata:author`, `metadata:revision_author`,
`metadata:comment_author`. Inserted tracked text is part of its paragraph: it is the text now.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import IO, Any, ClassVar

from scanner.extract import sniff
from scanner.extract.base import ExtractContext, Output, TableSegment, TextSegment, limit_chars
from scanner.extract.metadata import ooxml_properties, parse_xml, resolve_target, segments

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_BREAKS = {f"{W}tab": "\t", f"{W}br": "\n", f"{W}cr": "\n", f"{W}noBreakHyphen": "-"}
_KINDS = {"default": "", "first": "first page ", "even": "even page "}


class _Story:
    """What one pass over a part collects besides its paragraphs: deletions, hidden text, boxes."""

    def __init__(self) -> None:
        self.deleted: list[str] = []
        self.hidden: list[str] = []
        self.boxes: list[str] = []
        self.revisers: list[str] = []
        self.commenters: list[str] = []


def _hidden(run: Any) -> bool:
    vanish = run.find(f"{W}rPr/{W}vanish")
    return vanish is not None and vanish.get(f"{W}val", "true") not in ("0", "false", "off")


def _text(el: Any, story: _Story) -> str:
    """Visible text of a paragraph: deletions, hidden runs and text boxes go to `story`."""
    parts: list[str] = []
    for child in el:
        tag = child.tag
        if tag == f"{W}t":
            parts.append(child.text or "")
        elif tag in _BREAKS:
            parts.append(_BREAKS[tag])
        elif tag == f"{W}del":
            story.revisers.append(child.get(f"{W}author", ""))
            story.deleted.append("".join(t.text or "" for t in child.iter(f"{W}delText")))
        elif tag == f"{W}txbxContent":
            paras = (_text(p, story) for p in child if p.tag == f"{W}p")
            story.boxes.append("\n".join(p for p in paras if p.strip()))
        elif tag == MC_FALLBACK:
            continue  # the same text box again, for readers without DrawingML
        elif tag == f"{W}r" and _hidden(child):
            story.hidden.append(_text(child, story))
        else:
            if tag == f"{W}ins":
                story.revisers.append(child.get(f"{W}author", ""))
            parts.append(_text(child, story))
    return "".join(parts)


def _cell(tc: Any, story: _Story) -> str:
    return "\n".join(t for p in tc.iter(f"{W}p") if (t := _text(p, story)).strip())


def _table(tbl: Any, location: str, story: _Story) -> TableSegment | None:
    rows: list[tuple[str, ...]] = []
    for tr in tbl.iter(f"{W}tr"):
        if tr.getparent() is not tbl:
            continue  # a nested table's rows are part of their cell's text
        cells: list[str] = []
        for tc in tr.iter(f"{W}tc"):
            if tc.getparent() is not tr:
                continue
            span = tc.find(f"{W}tcPr/{W}gridSpan")
            extra = int(span.get(f"{W}val", "1")) - 1 if span is not None else 0
            cells += [_cell(tc, story)] + [""] * min(max(extra, 0), 63)
        rows.append(tuple(cells))
    if not rows or not any(any(r) for r in rows):
        return None
    return TableSegment(location, rows[0], rows[1:], 2)


def _top_level(el: Any) -> bool:
    """A paragraph or table directly in the story (also inside content controls), not nested."""
    parent = el.getparent()
    while parent is not None:
        if parent.tag in (f"{W}tbl", f"{W}txbxContent", f"{W}p"):
            return False
        if parent.tag in (f"{W}body", f"{W}hdr", f"{W}ftr"):
            return True
        parent = parent.getparent()
    return False


def stream_story(
    source: IO[bytes], label: str, story: _Story, sections: list[list[Any]] | None = None
) -> Iterator[Output]:
    """Blocks of one story part in order, each dropped from memory once handled."""
    from lxml import etree

    counters = {"paragraph": 0, "table": 0}
    tags = (f"{W}p", f"{W}tbl", f"{W}sectPr")
    for _, el in etree.iterparse(source, events=("end",), tag=tags, resolve_entities=False):
        if el.tag == f"{W}sectPr":
            if sections is not None:
                sections.append([(r.tag, r.get(f"{W}type", "default"), r.get(f"{R}id"))
                                 for r in el if r.get(f"{R}id")])  # fmt: skip
            continue
        if not _top_level(el):
            continue
        if el.tag == f"{W}tbl":
            counters["table"] += 1
            if (seg := _table(el, f"{label}table {counters['table']}", story)) is not None:
                yield seg
        else:
            counters["paragraph"] += 1
            if (text := _text(el, story)).strip():
                yield TextSegment(f"{label}paragraph {counters['paragraph']}", text)
        el.clear(keep_tail=True)
        parent = el.getparent()
        while parent is not None and el.getprevious() is not None:
            del parent[0]


def _notes(raw: bytes, kind: str, story: _Story) -> Iterator[TextSegment]:
    """Comments (`comment N`, N = id + 1) or foot/endnotes (`footnote N`, separators skipped)."""
    root = parse_xml(raw)
    for note in root.iter(f"{W}{kind}"):
        number = int(note.get(f"{W}id", "0"))
        text = "\n".join(t for p in note.iter(f"{W}p") if (t := _text(p, story)).strip())
        if kind == "comment":
            story.commenters.append(note.get(f"{W}author", ""))
            if text:
                yield TextSegment(f"comment {number + 1}", text)
        elif number > 0 and text:
            yield TextSegment(f"{kind} {number}", text)


def _targets(archive: zipfile.ZipFile) -> dict[str, str]:
    try:
        rels = parse_xml(archive.read("word/_rels/document.xml.rels"))
    except KeyError:
        return {}
    return {r.get("Id"): resolve_target("word", r.get("Target", "")) for r in rels}


class DocxExtractor:
    """Word 2007+ by streaming its XML parts; .docm/.dotx work too."""

    name: ClassVar[str] = "docx"

    def sniff(self, head: bytes, filename: str) -> bool:
        """Claim an OOXML package with a word/ part."""
        return sniff.ooxml_kind(head) == "docx"

    def extract(self, data: bytes, ctx: ExtractContext) -> Iterator[Output]:
        """Body in order, headers/footers, comments, notes, text boxes, deletions, properties."""
        yield from limit_chars(self._segments(data), ctx.limits.max_chars)

    def _segments(self, data: bytes) -> Iterator[Output]:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            main = next((n for n in ("word/document.xml", "word/document2.xml") if n in names), "")
            if not main:
                raise ValueError("the package has no word/document.xml part")
            story, sections = _Story(), list[list[Any]]()
            with archive.open(main) as body:
                yield from stream_story(body, "", story, sections)
            yield from self._headers(archive, sections, story)
            for name, kind in (("word/comments.xml", "comment"), ("word/footnotes.xml",
                               "footnote"), ("word/endnotes.xml", "endnote")):  # fmt: skip
                if name in names:
                    yield from _notes(archive.read(name), kind, story)
            for label, texts in (("text box", story.boxes), ("deletion", story.deleted),
                                 ("hidden text", story.hidden)):  # fmt: skip
                for n, text in enumerate((t for t in texts if t.strip()), 1):
                    yield TextSegment(f"{label} {n}", text)
            yield from ooxml_properties(archive)
        people = [("revision_author", a) for a in story.revisers]
        yield from segments(people + [("comment_author", a) for a in story.commenters])

    def _headers(
        self, archive: zipfile.ZipFile, sections: list[list[Any]], story: _Story
    ) -> Iterator[Output]:
        """Each section's own headers and footers (a part shared by sections is read once)."""
        targets, seen = _targets(archive), set()
        for n, refs in enumerate(sections, 1):
            for tag, kind, rid in refs:
                target = targets.get(rid, "")
                if not target or target in seen or target not in archive.namelist():
                    continue
                seen.add(target)
                which = "header" if tag == f"{W}headerReference" else "footer"
                label = f"section {n} {_KINDS.get(kind, '')}{which} "
                with archive.open(target) as part:
                    yield from stream_story(part, label, story)
