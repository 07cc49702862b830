"""Extraction as both sides of bench/throughput see it: every item's segments, nested ones too.

The naive loop reads text with our extractors (so both sides read the same text), and the
recall check reads noticescan's findings back from their locations (findings hold no raw
values; the corpora are synthetic, so re-extracting them is allowed).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from scanner.config import Limits
from scanner.extract.base import Child, ExtractContext, TableSegment, TextSegment
from scanner.extract.registry import HEAD_BYTES, choose, choose_for

Segments = list[TextSegment | TableSegment]


def walk_item(
    data: bytes, name: str, suffix: str = "", depth: int = 0
) -> Iterator[tuple[str, Segments]]:
    """Yield (suffix, segments) for an item and, depth first, everything nested in it."""
    extractor = choose(data[:HEAD_BYTES], name)
    if extractor is None:
        return
    segments: Segments = []
    for out in extractor.extract(data, ExtractContext(name, depth, Limits(), choose=choose_for)):
        if isinstance(out, Child):
            if depth < Limits().archive_depth:
                yield from walk_item(out.data, out.name, suffix + out.suffix, depth + 1)
        else:
            segments.append(out)
    yield suffix, segments


def located_text(path: Path) -> dict[tuple[str, str], str]:
    """(nested suffix, location) -> text, table cells by their cell location."""
    index: dict[tuple[str, str], str] = {}
    for suffix, segments in walk_item(path.read_bytes(), path.name):
        for seg in segments:
            if isinstance(seg, TextSegment):
                index[(suffix, seg.location)] = seg.text
                continue
            for r, row in enumerate(seg.rows):
                for c, cell in enumerate(row):
                    index[(suffix, seg.cell_location(r, c))] = cell
    return index
