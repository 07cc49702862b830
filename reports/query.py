"""`noticescan query`: SQL over one scan's Parquet files, through DuckDB views.

The views are the same names the docs and the report use (`items`, `findings`, `violations`,
`summary`), so a question the report does not answer is one SELECT away. DuckDB reads the Parquet
files in place; nothing is loaded or copied first, so a query over millions of rows costs only
what the query itself needs.

A report reader must not be a file-system shell: `noticescan query` (`readonly`) gives DuckDB the
scan's files as Arrow datasets opened here, read-only, then turns DuckDB's own file access off
(`enable_external_access`), so COPY, EXPORT, ATTACH, INSTALL/LOAD and every file reader
(`read_text('/etc/shadow')`, `read_csv`, `read_parquet` of anything) fail, and locks the
configuration so SQL cannot turn it back on. DuckDB's `allowed_paths` would not do: a path
allowed for reading may also be written (COPY ... TO the scan's own items.parquet).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds

from scanner.errors import NoticeScanError
from scanner.schema import FINDINGS_SCHEMA, ITEMS_SCHEMA, SUMMARY_SCHEMA, VIOLATIONS_SCHEMA

VIEWS: dict[str, tuple[str, pa.Schema]] = {
    "items": ("items.parquet", ITEMS_SCHEMA),
    "findings": ("findings.parquet", FINDINGS_SCHEMA),
    "violations": ("violations.parquet", VIOLATIONS_SCHEMA),
    "summary": ("summary.parquet", SUMMARY_SCHEMA),
}
FORMATS = ("table", "csv", "json")
BATCH = 10_000


def connect(scan_dir: Path) -> duckdb.DuckDBPyConnection:
    """Open an in-memory DuckDB with one view per Parquet file of the scan.

    A file the scan has not written (violations of a scan made before scope ran) becomes an empty
    table with the right columns, so a query still runs and answers "nothing".
    """
    _check_scan_dir(scan_dir)
    con = duckdb.connect()
    for view, (file, schema) in VIEWS.items():
        path = scan_dir / file
        if path.exists():
            quoted = "'" + str(path).replace("'", "''") + "'"
            con.execute(f"CREATE VIEW {view} AS SELECT * FROM read_parquet({quoted})")
        else:
            con.register(view, schema.empty_table())
    return con


def _check_scan_dir(scan_dir: Path) -> None:
    if not (scan_dir / "items.parquet").exists():
        raise NoticeScanError(
            f"{scan_dir}: no items.parquet here; give the folder of one scan (OUT/<scan-id>)"
        )


def readonly(scan_dir: Path) -> duckdb.DuckDBPyConnection:
    """A DuckDB that sees the scan's tables and nothing else: no file access, settings locked."""
    _check_scan_dir(scan_dir)
    con = duckdb.connect(
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    for view, (file, schema) in VIEWS.items():
        path = scan_dir / file
        con.register(
            view, ds.dataset(path, format="parquet") if path.exists() else schema.empty_table()
        )
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def run(scan_dir: Path, sql: str, out: TextIO, fmt: str = "table") -> int:
    """Run `sql` against the scan and write the result to `out`; returns the number of rows."""
    if fmt not in FORMATS:
        raise NoticeScanError(f"--format {fmt!r} is not known; use one of: {', '.join(FORMATS)}")
    con = readonly(scan_dir)
    try:
        try:
            cursor = con.execute(sql)
        except duckdb.PermissionException as e:
            reason = str(e).splitlines()[0]  # DuckDB appends the SQL with a caret below
            raise NoticeScanError(
                f"query refused: {reason}; noticescan query only reads this scan's tables "
                f"({', '.join(VIEWS)}): it cannot read or write other files, attach databases "
                "or load extensions"
            ) from e
        except duckdb.Error as e:
            raise NoticeScanError(
                f"query failed: {e}; the views are {', '.join(VIEWS)} (try DESCRIBE items)"
            ) from e
        columns = [d[0] for d in cursor.description or ()]
        if fmt == "table":
            rows = cursor.fetchall()
            out.write(format_table(columns, rows))
            return len(rows)
        return _stream(cursor, columns, out, fmt)
    finally:
        con.close()


def _stream(cursor: duckdb.DuckDBPyConnection, columns: list[str], out: TextIO, fmt: str) -> int:
    """Write CSV or a JSON array batch by batch, so an export of every finding fits in memory."""
    count = 0
    writer = csv.writer(out) if fmt == "csv" else None
    if writer:
        writer.writerow(columns)
    else:
        out.write("[")
    while batch := cursor.fetchmany(BATCH):
        for row in batch:
            if writer:
                writer.writerow([_plain(v) for v in row])
            else:
                record = dict(zip(columns, row, strict=True))
                out.write(("," if count else "") + "\n" + json.dumps(record, default=_plain))
            count += 1
    if not writer:
        out.write("\n]\n" if count else "]\n")
    return count


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return json.dumps([_plain(v) for v in value])
    return value if value is None or isinstance(value, int | float | str | bool) else str(value)


def format_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], width: int = 60) -> str:
    """Format a plain-text table for a terminal: cells cut at `width`, NULL shown as empty."""

    def cell(v: Any) -> str:
        text = "" if v is None else str(_plain(v)).replace("\n", " ")
        return text if len(text) <= width else text[: width - 1] + "…"

    body = [[cell(v) for v in row] for row in rows]
    widths = [len(c) for c in columns]
    for row in body:
        widths = [max(w, len(v)) for w, v in zip(widths, row, strict=True)]
    line = "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()
    rule = "  ".join("-" * w for w in widths)
    lines = [line, rule]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in body]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"
