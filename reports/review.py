"""Review decisions applied to a scan: which violations are accepted, false positives, or open.

Runs right after the notice's rules (reports/scope.py), in the same DuckDB connection: it joins
violations.parquet with the decisions file (reports/decisions.py) and rewrites it with the
REVIEW_FIELDS columns, streaming, so a million violations never come into Python. States:
- `open`: no decision;
- `accepted`: an acceptance of this violation holds (its item unchanged, `until` not passed);
- `false_positive`: every finding behind the violation is marked not personal data;
- `expired`: the acceptance's `until` is before the scan's start date;
- `changed`: the item's content hash differs from the one the decision was made on.
Only `accepted` and `false_positive` rows leave the exit code; the others count as violations,
so nothing decided on old content stays silently accepted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from reports import decisions
from reports.labels import REVIEW_LABELS
from scanner.schema import REVIEW_FIELDS, RowWriter

SETTLED = ("accepted", "false_positive")  # review states that do not count as violations
COUNTED_SQL = "coalesce(review, 'open') NOT IN ('accepted', 'false_positive')"

# The decisions as DuckDB sees them: what each is about, then the facts every decision has.
_FACTS = [
    ("content_hash", pa.string()),
    ("why", pa.string()),
    ("by", pa.string()),
    ("decided", pa.date32()),
    ("until", pa.date32()),
]
_S = pa.string()
_ACCEPTS = pa.schema([("kind", _S), ("store", _S), ("item", _S), ("category", _S), *_FACTS])
_FALSE_POSITIVES = pa.schema(
    [("item", _S), ("category", _S), ("finding", _S), ("location", _S), *_FACTS]
)


@dataclass(frozen=True, slots=True)
class ReviewSummary:
    """Counts after decisions: violations that count, by kind; every row, by review state."""

    counted_by_kind: dict[str, int] = field(default_factory=dict)
    by_state: dict[str, int] = field(default_factory=dict)

    @property
    def counted(self) -> int:
        """Violations that decide the exit code (open, expired, changed)."""
        return sum(self.counted_by_kind.values())


def _table(rows: list[decisions.Decision], schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pylist(
        [{name: getattr(d, name) for name in schema.names} for d in rows], schema=schema
    )


# Findings a false-positive decision covers, per (item, category): how many, and whether any
# of those decisions is stale (item changed) or past its `until`.
_MARKED = """
SELECT f.item_uri, f.category, count(*) AS n,
       bool_or(d.content_hash IS DISTINCT FROM i.content_hash) AS changed,
       bool_or(d.until < $today) AS expired,
       arg_max(d.by, d.decided) AS by, arg_max(d.why, d.decided) AS why,
       min(d.until) AS until, max(d.decided) AS decided
FROM findings f
JOIN review_fp d ON d.item = f.item_uri AND d.category = f.category
     AND d.finding = f.value_hash AND d.location = f.location
LEFT JOIN items i ON i.uri = f.item_uri
GROUP BY ALL
"""

_NO_MARKS = """
SELECT NULL::VARCHAR AS item_uri, NULL::VARCHAR AS category, 0 AS n, false AS changed,
       false AS expired, NULL::VARCHAR AS by, NULL::VARCHAR AS why, NULL::DATE AS until,
       NULL::DATE AS decided
WHERE false
"""


def apply_decisions(
    con: duckdb.DuckDBPyConnection, path: Path, review_file: Path | None, started: datetime
) -> ReviewSummary:
    """Rewrite violations.parquet at `path` with the review columns; needs views items, findings.

    `started` is the scan's start: an acceptance holds through its `until` day, measured then,
    so re-evaluating an old scan gives the same answer.
    """
    found = decisions.load(review_file) if review_file is not None else []
    con.register(
        "review_accept",
        _table([d for d in found if d.action == decisions.ACCEPT], _ACCEPTS),
    )
    con.register(
        "review_fp",
        _table([d for d in found if d.action == decisions.FALSE_POSITIVE], _FALSE_POSITIVES),
    )
    # Without false-positive marks, skip the pass over findings.parquet altogether.
    marked = _MARKED if any(d.action == decisions.FALSE_POSITIVE for d in found) else _NO_MARKS
    base = [f for f in pq.read_schema(path) if f.name not in {r.name for r in REVIEW_FIELDS}]
    cols = ", ".join(f'v."{f.name}"' for f in base)
    fp = "fp.n >= v.finding_count"
    sql = f"""
    WITH marked AS ({marked})
    SELECT {cols},
        CASE WHEN {fp} AND fp.changed THEN 'changed'
             WHEN {fp} AND fp.expired THEN 'expired'
             WHEN {fp} THEN 'false_positive'
             WHEN a.item IS NULL THEN 'open'
             WHEN a.content_hash IS DISTINCT FROM i.content_hash THEN 'changed'
             WHEN a.until < $today THEN 'expired'
             ELSE 'accepted' END AS review,
        CASE WHEN {fp} THEN fp.by ELSE a.by END AS review_by,
        CASE WHEN {fp} THEN fp.why ELSE a.why END AS review_why,
        CASE WHEN {fp} THEN fp.until ELSE a.until END AS review_until,
        CASE WHEN {fp} THEN fp.decided ELSE a.decided END AS review_decided
    FROM read_parquet($path) v
    LEFT JOIN review_accept a ON a.kind = v.kind AND a.store = v.store
         AND a.item = v.item_uri AND a.category = v.category
    LEFT JOIN marked fp ON fp.item_uri = v.item_uri AND fp.category = v.category
    LEFT JOIN items i ON i.uri = v.item_uri
    """
    params = {"path": str(path), "today": started.date()}
    writer = RowWriter(path, pa.schema([*base, *REVIEW_FIELDS]))
    try:
        for batch in con.sql(sql, params=params).to_arrow_reader(100_000):
            writer.write_batch(batch)
    except BaseException:
        writer.abandon()
        raise
    writer.publish()
    rows = con.execute(
        "SELECT kind, review, count(*) FROM read_parquet($path) GROUP BY ALL", {"path": str(path)}
    ).fetchall()
    counted: dict[str, int] = {}
    by_state: dict[str, int] = {}
    for kind, state, n in rows:
        by_state[state] = by_state.get(state, 0) + int(n)
        if state not in SETTLED:
            counted[kind] = counted.get(kind, 0) + int(n)
    return ReviewSummary(counted, by_state)


def review_note(by_state: dict[str, int]) -> str | None:
    """One line on what reviews decided, e.g. `reviewed: 3 accepted, 1 acceptance expired`."""
    parts = [
        f"{by_state[s]:,} {label}"
        for s, label in REVIEW_LABELS.items()
        if s != "open" and by_state.get(s)
    ]
    return "reviewed: " + ", ".join(parts) if parts else None
