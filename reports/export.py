"""`noticescan export`: the violations and the per-item table as CSV or an Excel workbook.

A compliance officer's tool is a spreadsheet, not SQL. CSV streams batch by batch (any size);
the workbook is written with openpyxl's write-only mode, which streams rows to the file instead of
holding a sheet in memory, and has one sheet per table plus the store x category summary.
Columns are codes and sentences exactly as in violations.parquet (docs/schema.md), so a filter
in the spreadsheet and a query in DuckDB mean the same thing.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb

from reports import tables
from reports.query import connect
from scanner.errors import NoticeScanError

FORMATS = ("csv", "xlsx")
TABLES = ("violations", "items")
BATCH = 10_000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit, less the header row
SUMMARY_SQL = (
    "SELECT store, store_name, store_declared, category, declared, items, violation_items"
    " FROM summary ORDER BY store, category"
)


def export(scan_dir: Path, out: Path, fmt: str, table: str | None = None) -> dict[str, int]:
    """Write SCAN_DIR's tables to `out`; returns rows written per table.

    CSV holds one table (`table`, default violations); the workbook holds both tables and the
    summary, or only `table` when given. The file appears complete or not at all.
    """
    if fmt not in FORMATS:
        raise NoticeScanError(f"--format {fmt!r} is not known; use one of: {', '.join(FORMATS)}")
    if table is not None and table not in TABLES:
        raise NoticeScanError(f"--table {table!r} is not known; use one of: {', '.join(TABLES)}")
    if not (scan_dir / "violations.parquet").exists():
        raise NoticeScanError(
            f"{scan_dir}: no violations.parquet; apply the notice's rules first: "
            f"noticescan report {scan_dir} --config FILE"
        )
    con = connect(scan_dir)
    partial = out.with_name(out.name + ".partial")
    try:
        tables.prepare(con, scan_dir)
        if fmt == "csv":
            counts = {(table or "violations"): _csv(con, partial, table or "violations")}
        else:
            counts = _xlsx(con, partial, [table] if table else list(TABLES))
        os.replace(partial, out)
    except OSError as e:
        raise NoticeScanError(
            f"{out}: cannot be written ({e.strerror}); choose another --out"
        ) from e
    finally:
        partial.unlink(missing_ok=True)
        con.close()
    return counts


def _query(table: str) -> tuple[str, Sequence[str]]:
    if table == "items":
        return tables.ITEMS_SQL, tables.ITEM_COLUMNS
    return tables.VIOLATIONS_SQL, tables.VIOLATION_COLUMNS


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> Iterator[list[Any]]:
    cursor = con.execute(sql)
    while batch := cursor.fetchmany(BATCH):
        for row in batch:
            yield [cell(v) for v in row]


def cell(value: Any) -> Any:
    """A spreadsheet cell: lists become `a, b` (entity types, categories)."""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return value


def csv_text(value: Any) -> Any:
    """A CSV cell a spreadsheet will not run: a file named `=HYPERLINK(...)` stays text.

    The usual guard (OWASP, "CSV injection"): a leading = + - @ tab or CR gets a `'`.
    """
    if isinstance(value, str) and value[:1] in FORMULA_START:
        return "'" + value
    return value


def _csv(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> int:
    sql, columns = _query(table)
    count = 0
    # utf-8-sig: Excel reads a BOM-less CSV as the local code page, mangling accented names.
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        for row in _rows(con, sql):
            writer.writerow([csv_text(v) for v in row])
            count += 1
    return count


def _xlsx(con: duckdb.DuckDBPyConnection, path: Path, which: list[str]) -> dict[str, int]:
    from openpyxl import Workbook  # only `export --format xlsx` needs it
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    counts: dict[str, int] = {}
    sheets = [(t, *_query(t)) for t in which]
    if len(which) == len(TABLES):
        sheets.append(("summary", SUMMARY_SQL, [d[0] for d in _describe(con, SUMMARY_SQL)]))
    for name, sql, columns in sheets:
        total = con.execute(f"SELECT count(*) FROM ({sql})").fetchone()
        if total and total[0] > XLSX_MAX_ROWS:
            raise NoticeScanError(
                f"{name}: {total[0]:,} rows do not fit in one Excel sheet; "
                "export it with --format csv instead"
            )
        ws = wb.create_sheet(name)
        ws.freeze_panes = "A2"
        bold = Font(bold=True)
        header = []
        for c in columns:
            h = WriteOnlyCell(ws, value=c)
            h.font = bold
            header.append(h)
        ws.append(header)
        counts[name] = 0
        for row in _rows(con, sql):
            ws.append([_text_cell(ws, v, WriteOnlyCell) for v in row])
            counts[name] += 1
    wb.save(path)
    return {k: v for k, v in counts.items() if k in TABLES}


def _text_cell(ws: Any, value: Any, make: Any) -> Any:
    """Openpyxl stores a string starting with "=" as a formula: keep data as text."""
    if isinstance(value, str) and value.startswith("="):
        c = make(ws, value=value)
        c.data_type = "s"
        return c
    return value


def _describe(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    return list(con.execute(f"SELECT * FROM ({sql}) LIMIT 0").description or ())
