"""The extractor contract: bytes in, located text segments and nested children out.

An extractor never detects and never knows where the bytes came from. It yields:
- `TextSegment(location, text)` for prose (a page, a slide, a mail body),
- `TableSegment(location, header, rows, first_row)` for tables, so detectors can use a column's
  header as context for every cell below it,
- `Child(suffix, name, data, ...)` for nested items (attachments, archive members, messages in a
  mailbox file); the pipeline turns each into an Item whose uri is the parent's uri + `suffix`,
  and extracts it in turn (bounded by the archive limits).

Location strings are public (findings.parquet `location`): `page 3`, `Sheet1!C17`, `slide 4`,
`slide 4 notes`, `line 12`, `body`, `subject`, `header:To`, `paragraph 7`, `table 2!B3`.
URI suffix conventions: archive members `#path/in/zip`, messages in a mailbox file `#N`,
attachments `/attachments/NAME`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar, Protocol

from scanner.config import Limits, OcrSettings
from scanner.errors import CharLimitError


@dataclass(frozen=True, slots=True)
class TextSegment:
    """A run of text with its location inside the item.

    A long line is cut into windows that overlap (scanner.extract.text.windows), so that a value
    across a cut is still whole in one of them. `offset` is where this window's text starts in
    its location's text; its first `before` and last `after` characters are context shared with
    the neighbouring windows, which own them: a detection counts only where it starts in this
    window's own part, so nothing is reported twice and offsets are the location's.
    """

    location: str
    text: str
    offset: int = 0
    before: int = 0
    after: int = 0

    def owns(self, start: int) -> bool:
        """Whether a detection starting at `start` (in `text`) belongs to this window."""
        return self.before <= start < len(self.text) - self.after


@dataclass(frozen=True, slots=True)
class TableSegment:
    """A table: header cells and rows of cell text; row numbers are 1-based as users see them.

    `location` is the sheet or table name (`Sheet1`, `table 2`, or `` for a csv); a cell's
    location is `f"{location}!{column_letter}{row}"` (or `C17` when location is empty).
    """

    location: str
    header: tuple[str, ...]
    rows: Sequence[Sequence[str]]
    first_row: int = 2

    def cell_location(self, row_index: int, col_index: int) -> str:
        """Spreadsheet-style location of rows[row_index][col_index]."""
        cell = f"{column_letter(col_index)}{self.first_row + row_index}"
        return f"{self.location}!{cell}" if self.location else cell


@dataclass(frozen=True, slots=True)
class Child:
    """A nested item found inside another (attachment, archive member, message)."""

    suffix: str
    name: str
    data: bytes = field(repr=False)
    modified: datetime | None = None
    metadata: dict[str, str] = field(default_factory=dict)


Output = TextSegment | TableSegment | Child


@dataclass(frozen=True, slots=True)
class ExtractContext:
    """What an extractor may know: the item's name (a hint only), nesting depth, settings."""

    name: str
    depth: int
    limits: Limits
    ocr: OcrSettings = field(default_factory=OcrSettings)
    # The registry's choice for a whole content (registry.choose_for), handed in by whoever runs
    # extraction: a container read as what it holds (a .csv.gz) asks it, because an extractor
    # never imports the registry that lists it (docs/architecture.md, no cycles).
    choose: Callable[[bytes, str], Extractor | None] | None = None


class Extractor(Protocol):
    """One format family. Register it in scanner/extract/registry.py.

    `sniff` decides from the first bytes (and, only as a tie-breaker, the name) whether this
    extractor handles the content; `extract` raises EncryptedError / TooLargeError /
    UnsupportedError for those outcomes and any other exception for a broken file.
    """

    name: ClassVar[str]

    def sniff(self, head: bytes, filename: str) -> bool:
        """Return True when this extractor handles content starting with `head`."""
        ...

    def extract(self, data: bytes, ctx: ExtractContext) -> Iterator[Output]:
        """Yield the item's segments and children in document order."""
        ...


def column_letter(index: int) -> str:
    """Spreadsheet column name for a 0-based index: 0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def output_chars(out: Output) -> int:
    """Characters of text an output carries (0 for a Child, whose text is counted on its own).

    A window's shared context is counted once, by the window that owns it.
    """
    if isinstance(out, TextSegment):
        return len(out.text) - out.before - out.after
    if isinstance(out, TableSegment):
        return sum(map(len, out.header)) + sum(len(c) for row in out.rows for c in row)
    return 0


def limit_chars(outputs: Iterable[Output], max_chars: int) -> Iterator[Output]:
    """Pass outputs through until `max_chars` characters have gone by, then stop reading.

    Stopping the underlying generator early is the point: a 2 GB log or a million-row sheet
    is not parsed to the end only for the pipeline to throw the surplus away. Stopping is never
    silent: when anything is left, CharLimitError says so (the worker keeps what came before it
    and records the item as `too_large`); text that ends exactly at the limit is complete.
    """
    produced = 0
    it = iter(outputs)
    for out in it:
        yield out
        produced += output_chars(out)
        if produced >= max_chars:
            if next(it, None) is not None:
                raise CharLimitError(max_chars)
            return
