"""PowerPoint decks (.pptx/.pptm/.ppsx): every shape's text per slide, tables, notes, comments.

Speaker notes get their own location (`slide 4 notes`) because they are where presenters keep
the names and numbers they did not want on screen; review comments (`slide 4 comment 1`) and
their authors (`metadata:comment_author`) are read too, and the file's properties.

Each slide part is parsed on its own with lxml (entities off) in presentation order, straight
from the package: python-pptx's object model (a Python object per shape, paragraph and run,
plus the masters and layouts) is not built; bench/extract compares the two (`--compare`).
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator
from typing import Any, ClassVar

from scanner.extract import sniff
from scanner.extract.base import ExtractContext, Output, TableSegment, TextSegment, limit_chars
from scanner.extract.metadata import ooxml_properties, parse_xml, resolve_target, segments

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _rels(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Relationship id -> part name for `part` (targets resolved against its folder)."""
    folder, base = posixpath.split(part)
    try:
        root = parse_xml(archive.read(f"{folder}/_rels/{base}.rels"))
    except KeyError:
        return {}
    return {
        r.get("Id"): resolve_target(folder, r.get("Target", ""))
        for r in root
        if r.get("TargetMode") != "External"
    }


def _para_text(p: Any) -> str:
    return "".join(
        (el.text or "") if el.tag == f"{A}t" else "\n" for el in p.iter(f"{A}t", f"{A}br")
    )


def _frame_text(body: Any) -> str:
    return "\n".join(_para_text(p) for p in body.iter(f"{A}p")).strip()


def _shapes(tree: Any, where: str, texts: list[str]) -> Iterator[TableSegment]:
    """Collect shape text into `texts`; yield tables; recurse into groups (document order)."""
    for shape in tree:
        tag = shape.tag
        if tag == f"{P}grpSp":
            yield from _shapes(shape, where, texts)
        elif tag == f"{P}graphicFrame":
            name = shape.find(f"{P}nvGraphicFramePr/{P}cNvPr")
            for tbl in shape.iter(f"{A}tbl"):
                rows = [
                    tuple(_frame_text(tc) for tc in tr.iter(f"{A}tc")) for tr in tbl.iter(f"{A}tr")
                ]
                if rows:
                    label = name.get("name", "table") if name is not None else "table"
                    yield TableSegment(f"{where} {label}", rows[0], rows[1:], 2)
        elif tag == f"{P}sp":
            body = shape.find(f"{P}txBody")
            if body is not None and (text := _frame_text(body)):
                texts.append(text)


def _notes(archive: zipfile.ZipFile, part: str) -> str:
    """The notes page's body placeholder text (not its slide image or page number)."""
    root = parse_xml(archive.read(part))
    out = []
    for shape in root.iter(f"{P}sp"):
        ph = shape.find(f"{P}nvSpPr/{P}nvPr/{P}ph")
        body = shape.find(f"{P}txBody")
        if ph is not None and ph.get("type") == "body" and body is not None:
            out.append(_frame_text(body))
    return "\n".join(t for t in out if t)


def _comment_authors(archive: zipfile.ZipFile) -> dict[str, str]:
    """Author ids -> names, from the legacy and the modern (2021+) comment author lists."""
    names: dict[str, str] = {}
    for part in ("ppt/commentAuthors.xml", "ppt/authors.xml"):
        if part in archive.namelist():
            for el in parse_xml(archive.read(part)):
                names[el.get("id", "")] = el.get("name", "")
    return names


def _comments(
    archive: zipfile.ZipFile, part: str, authors: dict[str, str]
) -> Iterator[tuple[str, str]]:
    """(author, text) of each comment in a legacy (p:cm/p:text) or modern (txBody) part."""
    for cm in parse_xml(archive.read(part)):
        legacy = cm.find(f"{P}text")
        text = legacy.text or "" if legacy is not None else _frame_text(cm)
        yield authors.get(cm.get("authorId", ""), ""), text.strip()


class PptxExtractor:
    """Slides in presentation order, straight from the package XML."""

    name: ClassVar[str] = "pptx"

    def sniff(self, head: bytes, filename: str) -> bool:
        """Claim an OOXML package with a ppt/ part."""
        return sniff.ooxml_kind(head) == "pptx"

    def extract(self, data: bytes, ctx: ExtractContext) -> Iterator[Output]:
        """`slide N` text, `slide N <table>` tables, notes, comments, properties."""
        yield from limit_chars(self._segments(data), ctx.limits.max_chars)

    def _segments(self, data: bytes) -> Iterator[Output]:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            pres = "ppt/presentation.xml"
            rels = _rels(archive, pres)
            order = parse_xml(archive.read(pres)).find(f"{P}sldIdLst")
            slide_parts = (
                [rels[s.get(f"{R}id")] for s in order if s.get(f"{R}id") in rels]
                if order is not None
                else []
            )
            authors, commenters = _comment_authors(archive), []
            for n, part in enumerate(slide_parts, 1):
                root = parse_xml(archive.read(part))
                texts: list[str] = []
                tree = root.find(f"{P}cSld/{P}spTree")
                if tree is not None:
                    yield from _shapes(tree, f"slide {n}", texts)
                if texts:
                    yield TextSegment(f"slide {n}", "\n".join(texts))
                related = _rels(archive, part).values()
                for target in related:
                    if "/notesSlides/" in target and (notes := _notes(archive, target)):
                        yield TextSegment(f"slide {n} notes", notes)
                comments = [
                    c for t in related if "/comments/" in t for c in _comments(archive, t, authors)
                ]
                for m, (author, text) in enumerate(comments, 1):
                    commenters.append(author)
                    if text:
                        yield TextSegment(f"slide {n} comment {m}", text)
            yield from ooxml_properties(archive)
        yield from segments(("comment_author", a) for a in commenters)
