"""The two tables a compliance officer works from: violations, and the same grouped per item.

One definition, used by the HTML report (which embeds them for its script) and by
`noticescan export` (CSV/XLSX), so the spreadsheet and the page always agree. Both are SQL over
the scan's DuckDB views (reports/query.py), sorted most urgent first.
"""

from __future__ import annotations

import duckdb

from reports.labels import SEVERITIES
from reports.review import COUNTED_SQL
from scanner.errors import NoticeScanError
from scanner.schema import REVIEW_FIELDS

# Columns of the violations export, in order (the report's in-page CSV uses the same).
VIOLATION_COLUMNS = (
    "severity",
    "kind",
    "category",
    "item_uri",
    "item_name",
    "folder",
    "store",
    "store_name",
    "entity_types",
    "finding_count",
    "reason",
    "action",
    "notice_quote",
    "review",
    "review_by",
    "review_why",
    "review_until",
)
# Columns of the per-item export: one row per item with violations that count (not accepted,
# not false positives).
ITEM_COLUMNS = (
    "severity",
    "item_uri",
    "item_name",
    "folder",
    "store",
    "store_name",
    "violations",
    "kinds",
    "categories",
    "entity_types",
    "findings",
)

# 0 for the most urgent severity: sorting by it sorts high first.
SEVERITY_RANK = (
    "CASE severity "
    + " ".join(f"WHEN '{s}' THEN {n}" for n, s in enumerate(SEVERITIES))
    + f" ELSE {len(SEVERITIES)} END"
)

_SEVERITY_LIST = "[" + ", ".join(f"'{s}'" for s in SEVERITIES) + "]"

VIOLATIONS_SQL = f"""
SELECT {", ".join(VIOLATION_COLUMNS)} FROM violations
ORDER BY {SEVERITY_RANK}, item_uri, kind, category
"""

ITEMS_SQL = f"""
SELECT {_SEVERITY_LIST}[min({SEVERITY_RANK}) + 1] AS severity, v.item_uri,
    any_value(v.item_name) AS item_name, any_value(v.folder) AS folder,
    any_value(v.store) AS store, any_value(v.store_name) AS store_name,
    count(*) AS violations,
    list_sort(list(DISTINCT v.kind)) AS kinds,
    list_sort(list(DISTINCT v.category)) AS categories,
    list_sort(list_distinct(flatten(list(v.entity_types)))) AS entity_types,
    any_value(i.finding_count) AS findings
FROM violations v LEFT JOIN items i ON i.uri = v.item_uri
WHERE {COUNTED_SQL}
GROUP BY v.item_uri
ORDER BY min({SEVERITY_RANK}), count(*) DESC, v.item_uri
"""


def prepare(con: duckdb.DuckDBPyConnection, scan_dir: object) -> None:
    """Make the `violations` view what the report and exports read, or say what to run.

    A violations.parquet from before severities existed is refused with the fix; one from
    before review decisions (or none at all) reads as every violation open.
    """
    columns = {r[0] for r in con.execute("DESCRIBE violations").fetchall()}
    if "severity" not in columns:
        raise NoticeScanError(
            f"{scan_dir}: violations.parquet was written by an older noticescan (no severity); "
            f"apply the notice's rules again: noticescan report {scan_dir} --config FILE"
        )
    if "review" not in columns:
        blank = ", ".join(
            ("'open'" if f.name == "review" else f"NULL::{_SQL_TYPES[str(f.type)]}")
            + f" AS {f.name}"
            for f in REVIEW_FIELDS
        )
        con.execute("ALTER VIEW violations RENAME TO violations_unreviewed")
        con.execute(f"CREATE VIEW violations AS SELECT *, {blank} FROM violations_unreviewed")


_SQL_TYPES = {"string": "VARCHAR", "date32[day]": "DATE"}
