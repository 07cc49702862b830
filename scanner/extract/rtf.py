r"""Rich Text Format (.rtf): WordPad documents, old templates, exports from business apps.

striprtf turns the control words into plain text (hex escapes `\'e9` and `\uN` included); the
result is then located by paragraph, as RTF has no pages before a layout engine runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from scanner.extract import sniff
from scanner.extract.base import ExtractContext, Output, limit_chars
from scanner.extract.text import paragraphs


class RtfExtractor:
    r"""RTF by its `{\rtf` signature."""

    name: ClassVar[str] = "rtf"

    def sniff(self, head: bytes, filename: str) -> bool:
        r"""Claim `{\rtf` at the start (after a BOM or whitespace some writers add)."""
        return sniff.opening(head, len(head)).startswith(b"{\\rtf")

    def extract(self, data: bytes, ctx: ExtractContext) -> Iterator[Output]:
        """Plain text by paragraph (`paragraph N`)."""
        from striprtf.striprtf import rtf_to_text

        # RTF is 7-bit by spec; anything above is a writer's raw cp1252, as Word reads it.
        text = rtf_to_text(data.decode("cp1252", "replace"), errors="replace")
        text = "\n\n".join(line for line in text.splitlines() if line.strip())
        yield from limit_chars(paragraphs(text), ctx.limits.max_chars)
