"""SQL dumps (pg_dump, mysqldump, any file of INSERT statements) read as the tables they hold.

A dump of the accounts system or the CRM on a file share or in a backup is a whole customer
table. Read as plain text, `COPY customers (first_name, last_name, street…) FROM stdin;` and its
tab-separated rows, or `INSERT INTO customers VALUES (17,'Jane','Roe','Lindenweg 14'),(…)`,
are runs of values with nothing to say what each is: no name was found in either. Here each
table's rows become TableSegments whose header is the column list (of the COPY or INSERT, else
of the table's CREATE TABLE), so a `first_name` column is read as names and a `street` column
as streets, like a spreadsheet's. Cells are located `customers!C2`: the table's name, the column,
and the row in the order the dump holds them (row 1 is the header).

Every other line (DDL, comments, `SET`, a statement this reader does not take apart) is text
located `line N`, as the plain-text reader gives it: nothing is lost, and a file that only
quotes a few statements reads as text with those rows as tables.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from scanner.extract import sniff
from scanner.extract.base import ExtractContext, Output, TableSegment, limit_chars
from scanner.extract.text import decode, windows

ROWS_PER_SEGMENT = 5_000  # as delimited.py: a million-row table never sits in memory at once
_NAME = r"(?:[`\"\[]?[\w$]+[`\"\]]?\.)?[`\"\[]?(?P<table>[\w$]+)[`\"\]]?"
_COPY = re.compile(rf"^COPY\s+{_NAME}\s*(?:\((?P<cols>[^)]*)\))?\s+FROM\s+stdin", re.I)
_INSERT = re.compile(
    rf"^INSERT\s+(?:IGNORE\s+)?INTO\s+{_NAME}\s*(?:\((?P<cols>[^)]*)\))?\s*VALUES\s*", re.I
)
_CREATE = re.compile(rf"^CREATE\s+(?:TEMPORARY\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?{_NAME}", re.I)
_COLUMN = re.compile(r"^[`\"\[]?(?P<col>[\w$]+)[`\"\]]?\s+\w")
_NOT_COLUMN = {"primary", "key", "unique", "constraint", "index", "foreign", "check", "fulltext"}
_BANNER = re.compile(
    rb"^-- (?:PostgreSQL database dump|MySQL dump|MariaDB dump)|^(?:INSERT\s+INTO|COPY\s+\S+"
    rb"\s*(?:\([^)]*\))?\s*FROM\s+stdin)",
    re.M | re.I,
)
_COPY_ESCAPES = {"N": "", "t": "\t", "n": "\n", "r": "\r", "\\": "\\"}


class SqlDumpExtractor:
    """SQL dumps: COPY blocks and INSERT statements as tables, other lines as text."""

    name: ClassVar[str] = "sql"

    def sniff(self, head: bytes, filename: str) -> bool:
        """A .sql file, or text with a dump's banner, an INSERT or a COPY opening a line."""
        if not sniff.looks_textual(head):
            return False
        return sniff.suffix(filename) == "sql" or bool(_BANNER.search(head))

    def extract(self, data: bytes, ctx: ExtractContext) -> Iterator[Output]:
        """Tables and text lines, in the order the dump holds them."""
        yield from limit_chars(_Dump().read(decode(data, ctx.name)), ctx.limits.max_chars)


class _Dump:
    """The reader's state: each table's columns (from CREATE TABLE) and rows read so far."""

    def __init__(self) -> None:
        self.columns: dict[str, list[str]] = {}
        self.rows_seen: dict[str, int] = {}
        self.batch: list[list[str]] = []
        self.batch_key: tuple[str, tuple[str, ...]] | None = None

    def read(self, text: str) -> Iterator[Output]:
        pos, number = 0, 1  # where the current line starts, and its number
        while pos < len(text):
            eol = text.find("\n", pos)
            eol = len(text) if eol < 0 else eol
            line = text[pos:eol].rstrip("\r")
            after = eol + 1  # where the next thing to read starts
            if m := _COPY.match(line):
                header = _columns(m.group("cols")) or self.columns.get(m.group("table"), [])
                while after < len(text):
                    end = text.find("\n", after)
                    end = len(text) if end < 0 else end
                    copied, after = text[after:end].rstrip("\r"), end + 1
                    if copied == "\\.":
                        break
                    yield from self._row(m.group("table"), header, _copy_row(copied))
            elif (m := _INSERT.match(line)) and (found := _values(text, pos + m.end()))[0]:
                rows, end = found
                table = m.group("table")
                header = _columns(m.group("cols")) or self.columns.get(table, [])
                for values in rows or []:
                    yield from self._row(table, header, values)
                eol = text.find("\n", end)
                after = len(text) if eol < 0 else eol + 1
            else:
                if m := _CREATE.match(line):
                    self.columns[m.group("table")] = _create_columns(text, pos + m.end())
                yield from self._flush()
                if line.strip():
                    yield from windows(f"line {number}", line)
            number += text.count("\n", pos, after)
            pos = after
        yield from self._flush()

    def _row(self, table: str, header: list[str], row: list[str]) -> Iterator[TableSegment]:
        width = max(len(header), len(row))
        key = (table, tuple(header) + ("",) * (width - len(header)))
        if key != self.batch_key or len(self.batch) >= ROWS_PER_SEGMENT:
            yield from self._flush()
            self.batch_key = key
        self.batch.append(row + [""] * (width - len(row)))

    def _flush(self) -> Iterator[TableSegment]:
        if self.batch and self.batch_key is not None:
            table, header = self.batch_key
            first = self.rows_seen.get(table, 0) + 2
            rows = [tuple(r) for r in self.batch]  # _row made each as wide as the header
            yield TableSegment(table, header, rows, first)
            self.rows_seen[table] = first - 2 + len(rows)
        self.batch, self.batch_key = [], None


def _columns(listed: str | None) -> list[str]:
    """`(id, "first_name", `street`)` -> ['id', 'first_name', 'street']."""
    if not listed:
        return []
    return [c.strip().strip('`"[]') for c in listed.split(",") if c.strip()]


def _create_columns(text: str, at: int) -> list[str]:
    """The column names of the CREATE TABLE whose name ends at `at`.

    The first word of each top-level item between its parentheses, on one line or many;
    constraints (`PRIMARY KEY (…)`, `KEY …`) left out. Read in the tokens INSERT values are
    read in (_TOKEN), so a comma or parenthesis inside a quoted default splits nothing.
    """
    start = text.find("(", at, at + 1000)
    if start < 0:
        return []
    items: list[str] = []
    item: list[str] = []
    depth = 0
    for token in _TOKEN.finditer(text, start + 1, start + 100_000):
        tok = token[0]
        if tok == "(":
            depth += 1
        elif tok == ")":
            if depth == 0:
                break
            depth -= 1
        elif tok == "," and depth == 0:
            items.append("".join(item))
            item = []
            continue
        item.append(tok)
    items.append("".join(item))
    cols = []
    for entry in items:
        m = _COLUMN.match(entry.strip())
        if m and m.group("col").lower() not in _NOT_COLUMN:
            cols.append(m.group("col"))
    return cols


def _copy_row(line: str) -> list[str]:
    r"""A COPY text-format row: tab-separated, `\N` for NULL, backslash escapes."""
    return [
        re.sub(r"\\(.)", lambda m: _COPY_ESCAPES.get(m.group(1), m.group(1)), field)
        for field in line.split("\t")
    ]


_TOKEN = re.compile(r"'(?:[^'\\]|\\.|'')*'|\"(?:[^\"\\]|\\.|\"\")*\"|[(),;]|[^'\"(),;]+", re.S)
_NEXT_STATEMENT = re.compile(r"\n\s*(?:INSERT|COPY|CREATE|ALTER|DROP)\s", re.I)
_STRING_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": ""}


def _values(text: str, at: int) -> tuple[list[list[str]] | None, int]:
    """The value tuples of an INSERT from text[at:], and where its `;` ends.

    (None, at) when it is not a plain list of tuples (a SELECT, `ON DUPLICATE KEY`, a statement
    never ended): the caller reads the line as text.
    """
    rows: list[list[str]] = []
    row: list[str] = []
    field: list[str] = []
    quoted = False
    depth = 0
    for m in _TOKEN.finditer(text, at):
        tok = m.group()
        if tok[0] in "'\"" and len(tok) >= 2 and depth >= 1:
            if depth == 1:
                field, quoted = [_unquote(tok)], True  # `E'…'`, `_utf8mb4'…'`: the string
            else:
                field.append(tok)
        elif tok == "(":
            depth += 1
            if depth > 1:
                field.append(tok)
        elif tok == ")":
            depth -= 1
            if depth < 0:
                return None, at
            if depth == 0:
                row.append(_value(field, quoted))
                rows.append(row)
                row, field, quoted = [], [], False
            else:
                field.append(tok)
        elif tok == "," and depth == 1:
            row.append(_value(field, quoted))
            field, quoted = [], False
        elif tok == ";" and depth == 0:
            return rows, m.end()
        elif depth == 0:
            if tok.strip() and tok != ",":
                return None, at
        elif _NEXT_STATEMENT.search(tok):
            return None, at  # a tuple never closed: the next statement began (not in a string)
        elif not quoted:
            field.append(tok)
    return None, at


def _unquote(token: str) -> str:
    """A quoted SQL string's content: doubled quotes and backslash escapes undone."""
    inner = token[1:-1].replace(token[0] * 2, token[0])
    return re.sub(r"\\(.)", lambda m: _STRING_ESCAPES.get(m.group(1), m.group(1)), inner)


def _value(field: list[str], quoted: bool) -> str:
    """A tuple's field as text: a string's content, NULL as empty, anything else as written."""
    value = "".join(field)
    if quoted:
        return value
    value = value.strip()
    return "" if value.upper() == "NULL" else value
