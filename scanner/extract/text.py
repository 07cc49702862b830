"""Plain text, markup and data files: txt, md, json, xml, log, html (xml records: xmldoc.py).

The charset is detected, not assumed: twenty-year-old shares hold cp1252, Latin-1 and UTF-16
files beside UTF-8 ones, and decoding them as UTF-8 with `replace` would silently mangle names
such as "Zoë Müller" so that no detector can find them. Strict UTF-8 is tried first because it is
both the commonest case and the fastest; charset-normalizer decides the rest. UTF-16/32 without
a BOM and text with a few stray NUL bytes are text too (issue 13: their data was missed).
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import ClassVar, TextIO

from scanner.errors import UnsupportedError
from scanner.extract import sniff
from scanner.extract.base import ExtractContext, Output, TableSegment, TextSegment, limit_chars

# A block is cut at this many characters so that one huge line (minified JSON, a log without
# newlines) still reaches detectors in pieces of a size they handle well.
BLOCK_CHARS = 4000
# Context each window shares with its neighbours: longer than any value a detector reports (an
# address with its postcode, a spaced IBAN) plus the context words before it ("NI number:").
OVERLAP_CHARS = 256

HTML_SUFFIXES = {"html", "htm", "xhtml"}
CHECK_CHUNK = 1 << 20  # bytes checked at a time when proving a file is UTF-8
SAMPLE_CHARS = 20_000  # characters of a stream's start given for sniffing (csv dialects)


def text_codec(data: bytes, what: str = "file") -> tuple[str, bytes]:
    """The codec that reads `data` as text, and the bytes to decode with it.

    A BOM decides; then UTF-16/32 without one (sniff.wide_encoding); otherwise stray NUL bytes
    are dropped (they are not text in any single-byte or UTF-8 file) and the charset is UTF-8
    when every byte fits, else charset-normalizer's pick. UnsupportedError when it is not text.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig", data
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32", data
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16", data
    wide = sniff.wide_encoding(data[: sniff.WIDE_SAMPLE])
    if wide:
        return wide, data
    if b"\x00" in data:
        data = data.replace(b"\x00", b"")
    if _utf8(data):
        return "utf-8", data
    return _detected(data, what), data


def _utf8(data: bytes) -> bool:
    """Whether all of `data` is UTF-8, checked a chunk at a time (no str of the whole file)."""
    if data.isascii():
        return True
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for at in range(0, len(view), CHECK_CHUNK):
            decoder.decode(view[at : at + CHECK_CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _detected(data: bytes, what: str) -> str:
    from charset_normalizer import from_bytes
    from charset_normalizer.md import mess_ratio

    best = from_bytes(data).best()
    # On short samples charset-normalizer cannot tell cp1252 from cp775/cp1257 (all decode
    # "Zoë" without mess) and may not even list cp1252. Western European estates are
    # overwhelmingly cp1252, so it wins any tie; Cyrillic or Central European text read as
    # cp1252 turns to mojibake with a clearly higher mess ratio and loses.
    sample = data[:200_000]
    western = sample.decode("cp1252", "replace")
    if best is None or mess_ratio(western, 1.0) <= mess_ratio(str(best)[: len(western)], 1.0):
        if "\ufffd" not in western:
            return "cp1252"
    if best is None:
        raise UnsupportedError(
            f"{what}: no text encoding fits its bytes; it is probably binary data with a text "
            "extension - add an extractor for its real format if it matters"
        )
    return str(best.encoding)


def decode(data: bytes, what: str = "file") -> str:
    """Bytes to str with the detected charset; UnsupportedError when it is not text at all."""
    codec, data = text_codec(data, what)
    return data.decode(codec, "replace")


def text_stream(data: bytes, what: str = "file") -> tuple[TextIO, str]:
    """`data` as a text stream decoded on the fly, and a sample of its start (for sniffing).

    For files read line by line (csv): the whole text never exists as one str.
    """
    codec, data = text_codec(data, what)
    sample = data[: 4 * SAMPLE_CHARS].decode(codec, "replace")[:SAMPLE_CHARS]
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=codec, errors="replace", newline="")
    return stream, sample


def windows(location: str, text: str) -> Iterator[TextSegment]:
    """`text` as one segment, or, past BLOCK_CHARS, as windows that overlap by OVERLAP_CHARS.

    Each window owns BLOCK_CHARS characters and carries up to OVERLAP_CHARS of its neighbours'
    on both sides, so a value across a cut is whole in the window where it starts, and a
    fragment of it at the edge of the next one is not counted (TextSegment.owns).
    """
    if len(text) <= BLOCK_CHARS:
        yield TextSegment(location, text)
        return
    for own in range(0, len(text), BLOCK_CHARS):
        start = max(0, own - OVERLAP_CHARS)
        end = min(len(text), own + BLOCK_CHARS + OVERLAP_CHARS)
        after = max(0, end - (own + BLOCK_CHARS))
        yield TextSegment(location, text[start:end], start, own - start, after)


def line_blocks(text: str) -> Iterator[TextSegment]:
    """One segment per non-blank line, located `line N`, so a finding points at its exact line.

    A line longer than BLOCK_CHARS (minified JSON, a log without newlines) is cut into
    overlapping windows that all keep that line's number.
    """
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            yield from windows(f"line {number}", line)


class _HtmlText(HTMLParser):
    """Collects visible text and the tables; block tags become paragraph breaks, scripts go.

    A table is kept as rows of cells (`tables`), its place in the text left empty, so that a
    record's cells stay apart: merged into one line, `Name | Address | Phone` over a row of
    values read as one run of words that no detector could take apart. A table inside another
    (the layout of most HTML mail) is content of the outer one's cell, read as text.
    """

    BLOCKS: ClassVar[set[str]] = {
        "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section",
        "article", "header", "footer", "blockquote", "pre", "hr", "title", "dt", "dd",
    }  # fmt: skip
    HIDDEN: ClassVar[set[str]] = {"script", "style", "noscript", "template", "head"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.tables: list[list[list[str]]] = []
        self._open: list[_Table] = []  # outermost first

    def _out(self) -> list[str]:
        """Where text goes now: the open cell of the innermost table, else the page's text."""
        if self._open and self._open[-1].cell is not None:
            return self._open[-1].cell
        return self.parts

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN and tag != "head":
            self.hidden += 1
        elif tag == "table":
            self._out().append("\n\n")
            self._open.append(_Table())
        elif self._open and tag == "tr":
            self._open[-1].end_cell()
            self._open[-1].rows.append([])
        elif self._open and tag in {"td", "th"}:
            self._open[-1].start_cell(tag == "th")
        elif tag in self.BLOCKS:
            self._out().append("\n\n" if tag != "br" else "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and tag != "head":
            self.hidden = max(0, self.hidden - 1)
        elif tag == "table" and self._open:
            table = self._open.pop()
            table.end_cell()
            self._close_table(table)
        elif self._open and tag in {"td", "th", "tr"}:
            self._open[-1].end_cell()
        elif tag in self.BLOCKS:
            self._out().append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self._out().append(data)

    def close(self) -> None:
        super().close()
        while self._open:  # a table never closed (a cut-off page): what it had
            self.handle_endtag("table")

    def _close_table(self, table: _Table) -> None:
        """A grid of short cells is a table of its own; anything else is text where it stood."""
        out = self._out()
        rows = [r for r in table.rows if any(c.strip() for c in r)]
        # A cell of paragraphs or a long one is a page laid out in a table; a `<br>` in a short
        # cell only breaks a line (an address's street and town).
        if len(rows) >= 2 and max(map(len, rows)) >= 2 and all(_short(c) for r in rows for c in r):
            grid = [[" ".join(c.split()) for c in row] for row in rows]
            if all(len(r) == 2 for r in grid) and not table.headed:
                # A form in two columns (`Name` | `Jane Doe`) reads as labelled lines.
                out.append("\n\n" + "\n".join(f"{k.rstrip(':')}: {v}" for k, v in grid))
            else:
                self.tables.append(grid)
            out.append("\n\n")
            return
        out.append("\n\n".join("\n".join(c for c in row if c.strip()) for row in rows) + "\n\n")


def _short(cell: str) -> bool:
    """Whether a cell holds a value, not a page: one paragraph, at most 200 characters."""
    return len(cell) <= 200 and "\n\n" not in cell.strip()


class _Table:
    """An HTML table being read: its rows of cell texts, the open cell's parts."""

    def __init__(self) -> None:
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None
        self.headed = True  # whether every cell of the first row is a `th` (so far)

    def start_cell(self, th: bool) -> None:
        self.end_cell()
        if not self.rows:
            self.rows.append([])
        if len(self.rows) == 1:
            self.headed = self.headed and th
        self.cell = []

    def end_cell(self) -> None:
        if self.cell is not None:
            self.rows[-1].append("".join(self.cell))
            self.cell = None


def html_parts(html: str) -> tuple[str, list[list[list[str]]]]:
    """Visible text (paragraphs apart by blank lines) and the tables of data, as rows of cells."""
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip(), parser.tables


def html_segments(html: str, label: str) -> Iterator[TextSegment | TableSegment]:
    """An HTML document's paragraphs (`label N`) and its tables of data (`label table N`)."""
    text, tables = html_parts(html)
    yield from paragraphs(text, label)
    yield from table_segments(tables, label)


def table_segments(tables: list[list[list[str]]], label: str) -> Iterator[TableSegment]:
    """html_parts' tables as TableSegments located `label table N`, the first row the header."""
    for n, rows in enumerate(tables, 1):
        width = max(map(len, rows))
        grid = [tuple(r) + ("",) * (width - len(r)) for r in rows]
        yield TableSegment(f"{label} table {n}", grid[0], grid[1:], 2)


def paragraphs(text: str, label: str = "paragraph") -> Iterator[TextSegment]:
    """Blank-line separated paragraphs located as `paragraph N` (for text without source lines)."""
    for n, para in enumerate((p for p in text.split("\n\n") if p.strip()), 1):
        yield from windows(f"{label} {n}", para.strip())


class TextExtractor:
    """Any text file; location is the line number so a reader can jump straight to it."""

    name: ClassVar[str] = "text"

    def sniff(self, head: bytes, filename: str) -> bool:
        """Text by content; html goes to HtmlExtractor, csv/tsv to the table extractor."""
        return sniff.looks_textual(head)

    def extract(self, data: bytes, ctx: ExtractContext) -> Iterator[Output]:
        """Decode and yield line-located blocks."""
        yield from limit_chars(line_blocks(decode(data, ctx.name)), ctx.limits.max_chars)


class HtmlExtractor:
    """HTML pages and saved web mail: visible text only, by paragraph."""

    name: ClassVar[str] = "html"

    def sniff(self, head: bytes, filename: str) -> bool:
        """Claim an html suffix, or text whose start is an html document."""
        if not sniff.looks_textual(head):
            return False
        start = sniff.opening(head, 1024).lower()
        markup = start.startswith((b"<!doctype html", b"<html"))
        return markup or sniff.suffix(filename) in HTML_SUFFIXES

    def extract(self, data: bytes, ctx: ExtractContext) -> Iterator[Output]:
        """Decode, strip markup, yield paragraphs and tables."""
        segments = html_segments(decode(data, ctx.name), "paragraph")
        yield from limit_chars(segments, ctx.limits.max_chars)
