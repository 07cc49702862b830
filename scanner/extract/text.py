"""Plain text (bootstrap extractor; the extraction issue adds charset detection and structure)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from scanner.extract.base import ExtractContext, Output, TextSegment


class PlainText:
    """UTF-8 text, one segment per line (`line N`)."""

    name: ClassVar[str] = "text"

    def sniff(self, head: bytes, filename: str) -> bool:
        """Text when the head has no NUL bytes."""
        return b"\x00" not in head

    def extract(self, data: bytes, ctx: ExtractContext) -> Iterator[Output]:
        """Yield each non-blank line."""
        for n, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
            if line.strip():
                yield TextSegment(f"line {n}", line)
