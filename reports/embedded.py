"""The report's rows as compressed blocks its script unpacks: how 100,000 violations stay usable.

Rendering every row as HTML makes a page of hundreds of megabytes that no browser opens. Instead
the items (one per item, grouped as in reports/tables.py), their violations and their masked
evidence are column arrays in JSON, gzip-compressed and base64-encoded into inert <script>
elements; the page's script decodes them with the browser's DecompressionStream and renders one
page of rows at a time. Strings that repeat (folders, stores, actions, the notice's sentences,
entity lists) are sent once and referenced by index. Evidence is a separate block, decoded only
when a row is opened or the page is printed.

Only masked evidence and shortened keyed hashes are embedded, as everywhere in the report.
"""

from __future__ import annotations

import base64
import gzip
import json
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from reports import folders
from reports.labels import KINDS, REVIEW_LABELS, SEVERITIES
from reports.review import COUNTED_SQL, SETTLED
from reports.tables import SEVERITY_RANK

MAX_ITEMS = 200_000  # items embedded (violations first); the rest are one export away
MAX_EVIDENCE_PER_ITEM = 25
HASH_CHARS = 12
REVIEW_FACTS = ("review_by", "review_why", "review_until", "review_decided")


@dataclass(frozen=True, slots=True)
class Blocks:
    """The encoded blocks, and what they hold (for the page's counts and cap notices)."""

    rows: str
    evidence: str
    items: int
    items_total: int
    violations: int


def pack(data: Any) -> str:
    """JSON -> gzip -> base64: text that is inert inside a <script> element (no <, >, &)."""
    raw = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return base64.b64encode(gzip.compress(raw, compresslevel=6, mtime=0)).decode("ascii")


def _table(con: duckdb.DuckDBPyConnection, sql: str) -> pa.Table:
    return con.sql(sql).to_arrow_table()


def _encode(column: pa.ChunkedArray) -> tuple[list[int], list[Any]]:
    """Dictionary encoding, vectorised: (index per row, -1 for null; the distinct values)."""
    if pa.types.is_null(column.type):  # an all-NULL column (no findings `reason`)
        return [-1] * len(column), []
    encoded = pc.dictionary_encode(column).combine_chunks()
    return encoded.indices.fill_null(-1).to_pylist(), encoded.dictionary.to_pylist()


def _split(values: list[str]) -> list[list[str]]:
    """Comma-joined lists (a list travels as one string, to be encoded once) back to lists."""
    return [v.split(",") if v else [] for v in values]


def _index_of(column: str, values: tuple[str, ...]) -> str:
    """SQL: the position of `column` in `values` from 0; unknown values after the last."""
    listed = "[" + ", ".join(f"'{v}'" for v in values) + "]"
    return f"coalesce(nullif(list_position({listed}, {column}), 0), {len(values) + 1}) - 1"


# Items shown: those with violations (most severe first), then those with findings only; `idx`
# is the item's position, which every other array refers to.
_SHOWN = f"""
CREATE TEMP TABLE shown AS
WITH v AS (
    SELECT item_uri, min({SEVERITY_RANK}) FILTER (WHERE {COUNTED_SQL}) AS rank,
           count(*) FILTER (WHERE {COUNTED_SQL}) AS n, any_value(folder) AS folder
    FROM violations GROUP BY item_uri
), f AS (
    SELECT item_uri, count(*) AS n, list_sort(list(DISTINCT category)) AS cats
    FROM findings GROUP BY item_uri
),
j AS (
    SELECT coalesce(v.item_uri, f.item_uri) AS uri, v.rank, coalesce(v.n, 0) AS violations,
           coalesce(f.n, 0) AS findings, f.cats, v.folder
    FROM v FULL OUTER JOIN f ON f.item_uri = v.item_uri
)
SELECT *, (row_number() OVER (
    ORDER BY rank NULLS LAST, violations DESC, findings DESC, uri) - 1)::INTEGER AS idx
FROM j QUALIFY idx < {{limit}}
"""
_SHOWN_ITEMS = f"""
WITH w AS ({folders.folders_sql("SELECT uri FROM shown WHERE folder IS NULL")})
SELECT s.uri, coalesce(i.name, s.uri) AS name,
       coalesce(s.folder, w.folder, folder_of(s.uri)) AS folder,
       coalesce(i.store, 'undeclared') AS store, s.findings, i.status,
       array_to_string(s.cats, ',') AS found
FROM shown s LEFT JOIN items i ON i.uri = s.uri LEFT JOIN w ON w.uri = s.uri
ORDER BY s.idx
"""


def build(con: duckdb.DuckDBPyConnection, findings_reason: bool) -> Blocks:
    """Encode the shown items, their violations and their evidence from the scan's views."""
    folders.install(con)
    con.execute(_SHOWN.format(limit=MAX_ITEMS))
    total = _count(con, "SELECT count(DISTINCT item_uri) FROM findings")
    items = _table(con, _SHOWN_ITEMS)
    folder, folder_values = _encode(items["folder"])
    store, store_values = _encode(items["store"])
    status, status_values = _encode(items["status"])
    found, found_values = _encode(items["found"])
    v = _table(
        con,
        f"""
        SELECT s.idx AS item, {_index_of("v.kind", KINDS)} AS kind, v.category,
               {_index_of("v.severity", SEVERITIES)} AS severity,
               array_to_string(v.entity_types, ',') AS entities, v.finding_count AS count,
               v.reason, v.action, v.notice_quote,
               {_index_of("coalesce(v.review, 'open')", tuple(REVIEW_LABELS))} AS review,
               v.review_by, v.review_why, strftime(v.review_until, '%Y-%m-%d') AS review_until,
               strftime(v.review_decided, '%Y-%m-%d') AS review_decided
        FROM violations v JOIN shown s ON s.uri = v.item_uri
        ORDER BY s.idx, min({SEVERITY_RANK}) OVER (PARTITION BY s.idx, v.kind), v.kind,
                 {SEVERITY_RANK}, v.category
        """,
    )
    category, category_values = _encode(v["category"])
    entities, entity_values = _encode(v["entities"])
    action, action_values = _encode(v["action"])
    quote, quote_values = _encode(v["notice_quote"])
    review = {k: _encode(v[k]) for k in REVIEW_FACTS}
    store_names = dict(con.execute("SELECT DISTINCT store, store_name FROM violations").fetchall())
    store_names.update(con.execute("SELECT DISTINCT store, store_name FROM summary").fetchall())
    data = {
        "items": {
            "uri": items["uri"].to_pylist(),
            "name": items["name"].to_pylist(),
            "folder": folder,
            "store": store,
            "findings": items["findings"].to_pylist(),
            "status": status,
            "found": found,
        },
        "violations": {
            "item": v["item"].to_pylist(),
            "kind": v["kind"].to_pylist(),
            "category": category,
            "severity": v["severity"].to_pylist(),
            "entities": entities,
            "count": v["count"].to_pylist(),
            "reason": v["reason"].to_pylist(),
            "action": action,
            "quote": quote,
            "review": v["review"].to_pylist(),
            **{k: codes for k, (codes, _) in review.items()},
        },
        "folders": folder_values,
        "stores": store_values,
        "storeNames": [store_names.get(s, s) for s in store_values],
        "statuses": status_values,
        "foundSets": _split(found_values),
        "categories": category_values,
        "entities": _split(entity_values),
        "actions": action_values,
        "quotes": quote_values,
        "reviews": list(REVIEW_LABELS),
        "settled": list(SETTLED),
        **{f"{k}_values": values for k, (_, values) in review.items()},
        "kinds": list(KINDS),
        "severities": list(SEVERITIES),
    }
    return Blocks(
        rows=pack(data),
        evidence=pack(_evidence(con, findings_reason)),
        items=items.num_rows,
        items_total=total,
        violations=v.num_rows,
    )


def _evidence(con: duckdb.DuckDBPyConnection, with_reason: bool) -> dict[str, Any]:
    """Masked evidence of the shown items, capped per item; column arrays again.

    The cap takes findings from every category in turn, so a sheet with 5,000 names still shows
    its one National Insurance number; they are listed by category, then by location.
    """
    reason = "reason" if with_reason else "NULL"
    rows = _table(
        con,
        f"""
        SELECT idx AS item, location, entity_type, category, round(score, 2) AS score,
               evidence_masked, left(value_hash, {HASH_CHARS}) AS hash, why, n
        FROM (
            SELECT *, row_number() OVER (PARTITION BY idx ORDER BY in_cat, category) AS k
            FROM (
                SELECT s.idx, f.location, f.entity_type, f.category, f.score, f.evidence_masked,
                       f.value_hash, {reason} AS why, count(*) OVER (PARTITION BY s.idx) AS n,
                       row_number() OVER (PARTITION BY s.idx, f.category
                           ORDER BY length(f.location), f.location, f.start) AS in_cat
                FROM findings f JOIN shown s ON s.uri = f.item_uri
            )
        ) WHERE k <= {MAX_EVIDENCE_PER_ITEM} ORDER BY idx, category, in_cat
        """,
    )
    location, location_values = _encode(rows["location"])
    entity, entity_values = _encode(rows["entity_type"])
    category, category_values = _encode(rows["category"])
    why, why_values = _encode(rows["why"])
    totals = con.execute(
        f"SELECT s.idx, count(*) FROM findings f JOIN shown s ON s.uri = f.item_uri"
        f" GROUP BY s.idx HAVING count(*) > {MAX_EVIDENCE_PER_ITEM}"
    ).fetchall()
    return {
        "item": rows["item"].to_pylist(),
        "location": location,
        "entity": entity,
        "category": category,
        "score": rows["score"].to_pylist(),
        "evidence": rows["evidence_masked"].to_pylist(),
        "hash": rows["hash"].to_pylist(),
        "why": why,
        "locations": location_values,
        "entities": entity_values,
        "categories": category_values,
        "whys": why_values,
        "totals": [list(t) for t in totals],
        "perItem": MAX_EVIDENCE_PER_ITEM,
    }


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    rows = con.execute(sql).fetchall()  # fetchall: a result left open blocks the next query
    return int(rows[0][0]) if rows and rows[0][0] is not None else 0
