"""PowerPoint decks (.pptx/.pptm/.ppsx): every shape's text per slide, tables, speaker notes.

Speaker notes get their own location (`slide 4 notes`) because they are where presenters keep
the names and numbers they did not want on screen.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from scanner.extract import sniff
from scanner.extract.base import ExtractContext, Output, TableSegment, TextSegment, limit_chars


def _shape_outputs(shapes: Iterable[Any], where: str, texts: list[str]) -> Iterator[Output]:
    """Collect shape text into `texts`; yield tables as TableSegments; recurse into groups."""
    for shape in shapes:
        if shape.shape_type is not None and getattr(shape, "shapes", None) is not None:
            yield from _shape_outputs(shape.shapes, where, texts)
        elif getattr(shape, "has_table", False) and shape.has_table:
            rows = [tuple(c.text for c in row.cells) for row in shape.table.rows]
            if rows:
                yield TableSegment(f"{where} {shape.name}", rows[0], rows[1:], 2)
        elif getattr(shape, "has_text_frame", False) and shape.has_text_frame:
            if text := shape.text_frame.text.strip():
                texts.append(text)


class PptxExtractor:
    """Slides in order via python-pptx."""

    name: ClassVar[str] = "pptx"

    def sniff(self, head: bytes, filename: str) -> bool:
        """Claim an OOXML package with a ppt/ part."""
        return sniff.ooxml_kind(head) == "pptx"

    def extract(self, data: bytes, ctx: ExtractContext) -> Iterator[Output]:
        """`slide N` text, `slide N <table>` tables, `slide N notes`."""
        yield from limit_chars(self._segments(data), ctx.limits.max_chars)

    def _segments(self, data: bytes) -> Iterator[Output]:
        from pptx import Presentation

        deck = Presentation(io.BytesIO(data))
        for n, slide in enumerate(deck.slides, 1):
            texts: list[str] = []
            yield from _shape_outputs(slide.shapes, f"slide {n}", texts)
            if texts:
                yield TextSegment(f"slide {n}", "\n".join(texts))
            if slide.has_notes_slide:
                frame = slide.notes_slide.notes_text_frame
                if frame is not None and (notes := frame.text.strip()):
                    yield TextSegment(f"slide {n} notes", notes)
