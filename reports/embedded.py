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

from reports import folders
from reports.tables import SEVERITY_RANK
from reports.vocabulary import KINDS, SEVERITIES

MAX_ITEMS = 200_000  # items embedded (violations first); the rest are one export away
MAX_EVIDENCE_PER_ITEM = 25
HASH_CHARS = 12


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


class _Dict:
    """Dictionary encoding: each distinct value once, rows hold its index (-1 for none)."""

    def __init__(self) -> None:
        self.values: list[Any] = []
        self._index: dict[Any, int] = {}

    def code(self, value: Any) -> int:
        if value is None:
            return -1
        key = tuple(value) if isinstance(value, list) else value
        n = self._index.get(key)
        if n is None:
            n = self._index[key] = len(self.values)
            self.values.append(value)
        return n

    def codes(self, values: list[Any]) -> list[int]:
        return [self.code(v) for v in values]


# Items shown: those with violations (most severe first), then those with findings only; `idx`
# is the item's position, which every other array refers to.
_SHOWN = f"""
CREATE TEMP TABLE shown AS
WITH v AS (
    SELECT item_uri, min({SEVERITY_RANK}) AS rank, count(*) AS n, any_value(folder) AS folder
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
SELECT s.uri, coalesce(i.name, s.uri), coalesce(s.folder, w.folder, folder_of(s.uri)),
       coalesce(i.store, 'undeclared'), s.findings, i.status, s.cats
FROM shown s LEFT JOIN items i ON i.uri = s.uri LEFT JOIN w ON w.uri = s.uri
ORDER BY s.idx
"""


def build(con: duckdb.DuckDBPyConnection, findings_reason: bool) -> Blocks:
    """Encode the shown items, their violations and their evidence from the scan's views."""
    folders.install(con)
    con.execute(_SHOWN.format(limit=MAX_ITEMS))
    total = _count(con, "SELECT count(DISTINCT item_uri) FROM findings")
    folder_codes, stores, codes = _Dict(), _Dict(), _Dict()
    items = con.execute(_SHOWN_ITEMS).fetchall()
    store_ids = [r[3] for r in items]
    rows: dict[str, Any] = {
        "uri": [r[0] for r in items],
        "name": [r[1] for r in items],
        "folder": folder_codes.codes([r[2] for r in items]),
        "store": stores.codes(store_ids),
        "findings": [r[4] for r in items],
        "status": codes.codes([r[5] for r in items]),
        "found": [codes.codes(list(r[6] or ())) for r in items],
    }
    v = con.execute(
        """
        SELECT s.idx, v.kind, v.category, v.severity, v.entity_types, v.finding_count, v.reason,
               v.action, v.notice_quote, v.store, v.store_name
        FROM violations v JOIN shown s ON s.uri = v.item_uri
        ORDER BY s.idx, min(SEVERITY_RANK) OVER (PARTITION BY s.idx, v.kind), v.kind,
                 SEVERITY_RANK, v.category
        """.replace("SEVERITY_RANK", SEVERITY_RANK)
    ).fetchall()
    store_names = dict(con.execute("SELECT DISTINCT store, store_name FROM violations").fetchall())
    store_names.update(con.execute("SELECT DISTINCT store, store_name FROM summary").fetchall())
    entities, actions, quotes = _Dict(), _Dict(), _Dict()
    violations = {
        "item": [r[0] for r in v],
        "kind": [KINDS.index(r[1]) if r[1] in KINDS else -1 for r in v],
        "category": codes.codes([r[2] for r in v]),
        "severity": [SEVERITIES.index(r[3]) if r[3] in SEVERITIES else len(SEVERITIES) for r in v],
        "entities": entities.codes([list(r[4] or ()) for r in v]),
        "count": [r[5] for r in v],
        "reason": [r[6] for r in v],
        "action": actions.codes([r[7] for r in v]),
        "quote": quotes.codes([r[8] for r in v]),
    }
    data = {
        "items": rows,
        "violations": violations,
        "folders": folder_codes.values,
        "stores": stores.values,
        "storeNames": [store_names.get(s, s) for s in stores.values],
        "codes": codes.values,
        "entities": entities.values,
        "actions": actions.values,
        "quotes": quotes.values,
        "kinds": list(KINDS),
        "severities": list(SEVERITIES),
    }
    return Blocks(
        rows=pack(data),
        evidence=pack(_evidence(con, findings_reason)),
        items=len(items),
        items_total=total,
        violations=len(v),
    )


def _evidence(con: duckdb.DuckDBPyConnection, with_reason: bool) -> dict[str, Any]:
    """Masked evidence of the shown items, capped per item; column arrays again.

    The cap takes findings from every category in turn, so a sheet with 5,000 names still shows
    its one National Insurance number; they are listed by category, then by location.
    """
    reason = "reason" if with_reason else "NULL"
    rows = con.execute(
        f"""
        SELECT idx, location, entity_type, category, score, evidence_masked, value_hash, why, n
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
        """
    ).fetchall()
    locations, codes, whys = _Dict(), _Dict(), _Dict()
    totals: dict[int, int] = {r[0]: r[8] for r in rows}
    return {
        "item": [r[0] for r in rows],
        "location": locations.codes([r[1] for r in rows]),
        "entity": codes.codes([r[2] for r in rows]),
        "category": codes.codes([r[3] for r in rows]),
        "score": [round(float(r[4] or 0), 2) for r in rows],
        "evidence": [r[5] for r in rows],
        "hash": [(r[6] or "")[:HASH_CHARS] for r in rows],
        "why": whys.codes([r[7] for r in rows]),
        "locations": locations.values,
        "codes": codes.values,
        "whys": whys.values,
        "totals": [[k, n] for k, n in totals.items() if n > MAX_EVIDENCE_PER_ITEM],
        "perItem": MAX_EVIDENCE_PER_ITEM,
    }


def _count(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row and row[0] is not None else 0
