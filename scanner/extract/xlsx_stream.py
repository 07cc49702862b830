"""Workbooks calamine must not open: an xlsx whose sheet extent is absurd, read as a row stream.

calamine builds each sheet as one dense grid from its first to its last used cell, 32 bytes a
cell. A 5 KB file with a value in A1 and one in XFD1048576 asks for 512 GiB; the allocation
fails inside Rust, which aborts the process, and the data in A1 was lost with the worker
(issue 13). `too_dense` measures each sheet's extent from the cell references in its XML,
streamed (nothing but a few counters in memory); a workbook with any sheet over
MAX_DENSE_CELLS is read here instead: each sheet's XML parsed as a stream, row by row, so only
the cells that exist cost anything.

What calamine does better, and this reader does not: number formats (a date stays its serial
number), formulas' cached values of some types, and speed. It is the fallback, not the reader.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from typing import IO
from xml.etree.ElementTree import Element, iterparse

from scanner.extract.base import TableSegment
from scanner.extract.delimited import CHUNK_ROWS

# 20 million cells is 640 MB of calamine grid: more than any real sheet needs dense.
MAX_DENSE_CELLS = 20_000_000
# `r="` of a cell (letters and digits) or of a row (digits). Another attribute ending in `r`
# could only raise the measure, never hide a reference; a literal start keeps the scan fast.
_REF = re.compile(rb'r="([A-Z]{0,3})([0-9]{1,7})"')
_WIDE_OR_LONG = re.compile(rb'r="(?:[A-Z]{2}|[A-Z]?[0-9]{6})')
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
STREAM_CHUNK = 1 << 20


def column_index(letters: str) -> int:
    """0-based column of `A`, `AB`, `XFD`."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def too_dense(data: bytes) -> bool:
    """Whether any worksheet's used extent (rows x columns) is over MAX_DENSE_CELLS.

    One cheap scan first: a sheet with no reference past column Z or row 99,999 is at most
    2.6 million cells. Only a sheet with such a reference is measured exactly.
    """
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return False  # not ours to judge: calamine reports the broken file
    with book:
        for name in book.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            if not _chunks_match(book.open(name), _WIDE_OR_LONG):
                continue
            rows, cols = _extent(book.open(name))
            if rows * cols > MAX_DENSE_CELLS:
                return True
    return False


def _chunks_match(stream: IO[bytes], pattern: re.Pattern[bytes]) -> bool:
    tail = b""
    with stream:
        while chunk := stream.read(STREAM_CHUNK):
            text = tail + chunk
            if pattern.search(text):
                return True
            tail = text[-64:]  # a reference cut by the chunk edge is whole in the next text
    return False


def _extent(stream: IO[bytes]) -> tuple[int, int]:
    """Highest row and column referenced by cells or rows in a sheet's XML, read in chunks."""
    rows = cols = 0
    tail = b""
    with stream:
        while chunk := stream.read(STREAM_CHUNK):
            text = tail + chunk
            refs = _REF.findall(text)
            if refs:
                rows = max(rows, max(int(r) for _, r in refs))
                widest = max(len(c) for c, _ in refs)
                if widest:
                    last = max(c for c, _ in refs if len(c) == widest)
                    cols = max(cols, column_index(last.decode()) + 1)
            tail = text[-64:]
    return rows, max(cols, 1)


def tables(data: bytes) -> Iterator[TableSegment]:
    """Every sheet's existing cells as TableSegments, row by row, without a dense grid."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        strings = _shared_strings(book)
        for name, path in _sheets(book):
            yield from _sheet(book.open(path), name, strings)


def _sheets(book: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, part path) in workbook order."""
    targets = {}
    with book.open("xl/_rels/workbook.xml.rels") as rels:
        for _, el in iterparse(rels):
            if el.tag == _PKG_REL:
                target = el.get("Target", "")
                path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                targets[el.get("Id")] = posixpath.normpath(path)
    out = []
    with book.open("xl/workbook.xml") as wb:
        for _, el in iterparse(wb):
            if el.tag == f"{_NS}sheet" and targets.get(el.get(_REL)) in book.NameToInfo:
                out.append((el.get("name", ""), targets[el.get(_REL)]))
    return out


def _shared_strings(book: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in book.NameToInfo:
        return []
    strings = []
    with book.open("xl/sharedStrings.xml") as part:
        for _, el in iterparse(part):
            if el.tag == f"{_NS}si":
                strings.append("".join(t.text or "" for t in el.iter(f"{_NS}t")))
                el.clear()
    return strings


def _sheet(part: IO[bytes], name: str, strings: list[str]) -> Iterator[TableSegment]:
    """Rows as they come; a gap in row numbers starts a new segment at the right row."""
    header: tuple[str, ...] | None = None
    block: list[tuple[str, ...]] = []
    first = 0
    with part:
        for _, el in iterparse(part):
            if el.tag != f"{_NS}row":
                continue
            number = int(el.get("r") or (first + len(block) or 1))
            cells = _row(el, strings)
            el.clear()
            if not cells:
                continue
            if header is None:
                header = cells
                first = number + 1
                continue
            if block and (number != first + len(block) or len(block) >= CHUNK_ROWS):
                yield TableSegment(name, header, block, first)
                block = []
            if not block:
                first = number
            block.append(cells)
    if header is not None:
        yield TableSegment(name, header, block, first or 2)


def _row(el: Element, strings: list[str]) -> tuple[str, ...]:
    values: dict[int, str] = {}
    for n, c in enumerate(el.iter(f"{_NS}c")):
        ref = c.get("r")
        col = column_index(re.sub(r"[0-9]", "", ref)) if ref else n
        text = _value(c, strings)
        if text:
            values[col] = text
    if not values:
        return ()
    row = [""] * (max(values) + 1)
    for col, text in values.items():
        row[col] = text
    return tuple(row)


def _value(c: Element, strings: list[str]) -> str:
    kind = c.get("t")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in c.iter(f"{_NS}t"))
    v = c.find(f"{_NS}v")
    raw = v.text if v is not None and v.text else ""
    if kind == "s":
        index = int(raw) if raw.isdigit() else -1
        return strings[index] if 0 <= index < len(strings) else ""
    if kind == "b":
        return "TRUE" if raw == "1" else "FALSE"
    if raw.endswith(".0") and raw[:-2].lstrip("-").isdigit():
        return raw[:-2]  # a phone number stored as 7700900123.0 reads as people see it
    return raw
