"""The one list of extractors, in sniffing priority order."""

from __future__ import annotations

from scanner.extract.base import Extractor
from scanner.extract.text import PlainText

EXTRACTORS: tuple[Extractor, ...] = (PlainText(),)


def choose(head: bytes, filename: str) -> Extractor | None:
    """The first extractor whose sniff accepts this content, or None (unsupported)."""
    for ex in EXTRACTORS:
        if ex.sniff(head, filename):
            return ex
    return None
