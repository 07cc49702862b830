"""CSV and TSV exports: the commonest way personal data leaves a system, so cells keep locations.

The text is decoded as it is parsed and rows stream in chunks of CHUNK_ROWS (each a TableSegment
with the same header), so a million-row export never sits in memory as one string or list. The
dialect is sniffed from a sample because "csv" files from European Excel use `;` and many exports
use tabs.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import ClassVar

from scanner.extract import sniff
from scanner.extract.base import ExtractContext, Output, TableSegment, limit_chars
from scanner.extract.text import text_stream

CHUNK_ROWS = 5000
SUFFIXES = {"csv", "tsv", "tab"}

# Real exports hold multi-megabyte cells (notes fields, embedded JSON); the stdlib default of
# 128 KiB would turn those files into error rows.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


_DELIMITERS = ",;\t|"


def _dialect(sample: str, filename: str) -> type[csv.Dialect] | csv.Dialect:
    if sniff.suffix(filename) in {"tsv", "tab"}:
        return csv.excel_tab
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, _DELIMITERS)
    except csv.Error:
        dialect = csv.excel
    wider = _widest(sample, dialect)
    if wider is None:
        return dialect

    class Wider(dialect):  # type: ignore[valid-type,misc]
        delimiter = wider

    return Wider


def _widest(sample: str, dialect: type[csv.Dialect] | csv.Dialect) -> str | None:
    """A delimiter that splits every sample row into more fields than the sniffed one, or None.

    The stdlib sniffer, among delimiters that split every row the same way, prefers the comma:
    a European Excel export (`;` between fields, `,` in decimal amounts: `902,11 EUR;Mare
    Põdra;…`) splits consistently on both and was read as two columns, with the person's
    fields run together in one cell. The delimiter giving the most fields, the same number on
    nine rows in ten, is the one the file was written with.
    """
    lines = sample.splitlines()
    if sample and sample[-1] not in "\r\n":
        lines = lines[:-1]  # the sample may end inside a row
    lines = [line for line in lines if line.strip()][:50]
    if not lines:
        return None  # one row of a one-row export is a row too: its widest split is the one

    def width(delimiter: str) -> int:
        quote = getattr(dialect, "quotechar", None) or '"'
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter, quotechar=quote)]
        common = max(set(counts), key=counts.count)
        return common if counts.count(common) >= 0.9 * len(counts) else 0

    current = width(dialect.delimiter)
    best, most = None, max(current, 1)
    for d in _DELIMITERS:
        n = width(d) if d != dialect.delimiter else 0
        if n > most:
            best, most = d, n
    return best


def iter_chunks(
    rows: Iterable[Sequence[str]], location: str, chunk: int = CHUNK_ROWS
) -> Iterator[TableSegment]:
    """First non-empty row as header, the rest as TableSegments of at most `chunk` rows.

    `rows` must start at row 1 and be contiguous (empty rows included) so that row numbers stay
    true. Shared by every table format (csv, xls, xlsx, ods) so that all of them chunk and
    number rows the same way.
    """
    header: tuple[str, ...] | None = None
    batch: list[Sequence[str]] = []
    first = 2
    emitted = False
    for number, row in enumerate(rows, 1):
        if header is None:
            if any(row):
                header = tuple(row)
                first = number + 1
            continue
        batch.append(row)
        if len(batch) >= chunk:
            yield TableSegment(location, header, batch, first)
            emitted = True
            first += len(batch)
            batch = []
    if header is not None and (batch or not emitted):
        yield TableSegment(location, header, batch, first)


class DelimitedExtractor:
    """CSV/TSV by suffix (content alone cannot tell a csv from prose with commas)."""

    name: ClassVar[str] = "csv"

    def sniff(self, head: bytes, filename: str) -> bool:
        """Text content with a csv/tsv suffix."""
        return sniff.suffix(filename) in SUFFIXES and sniff.looks_textual(head)

    def extract(self, data: bytes, ctx: ExtractContext) -> Iterator[Output]:
        """Sniff the dialect, decode and parse as a stream, rows in chunks; cells as `C17`.

        The text is decoded while it is parsed: decoding a 200 MB export whole, then wrapping it
        in a StringIO, held seven times its size (issue 13).
        """
        stream, sample = text_stream(data, ctx.name)
        reader = csv.reader(stream, _dialect(sample, ctx.name))
        yield from limit_chars(iter_chunks(reader, ""), ctx.limits.max_chars)
