"""The notice's scope: which findings break what the privacy notice declares, and why.

This is why noticescan exists: not "there is personal data here" but "this store holds data the
notice does not declare". It runs after the scan, as a pass over items.parquet and
findings.parquet in DuckDB, so that it scales to millions of rows without loading them into
Python: findings are aggregated to one row per (item, category) inside DuckDB, each rule is a
join against a small table built from the config, and the result streams into violations.parquet
batch by batch. Only the small vocabularies (distinct locations, distinct principals) come into
Python, where the region and principal logic lives (reports/regions.py).

A violation row is one (kind, store, item, category): an invoice past retention that holds names,
addresses and billing data is three rows, so every count in the report is a plain GROUP BY.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from reports import folders, regions, severity
from reports.labels import KINDS, category_label, in_sentence
from reports.review import COUNTED_SQL, apply_decisions
from scanner.config import ScanConfig, Store, undeclared_store
from scanner.errors import NoticeScanError
from scanner.models import UNDECLARED_STORE
from scanner.schema import SUMMARY_SCHEMA, VIOLATIONS_SCHEMA, RowWriter, write_table

# The store setting each rule rests on: its `notice_quote` for that setting is the "why".
RULE_SETTING: dict[str, str | None] = {
    "store_not_declared": None,
    "category_not_declared": "categories",
    "retention_exceeded": "retention_years",
    "access_broader_than_declared": "readers",
    "location_not_allowed": "locations",
    "unencrypted": "encrypted",
}

VIOLATIONS_FILE = "violations.parquet"
SUMMARY_FILE = "summary.parquet"


@dataclass(frozen=True, slots=True)
class ScopeSummary:
    """What one evaluation found; `violations` is the row count that decides the exit code."""

    violations: int  # open ones only: accepted and false-positive rows are reviewed
    by_kind: dict[str, int] = field(default_factory=dict)
    items_with_findings: int = 0
    violation_items: int = 0
    by_review: dict[str, int] = field(default_factory=dict)  # every row, by review state


def scan_started(scan_dir: Path) -> datetime:
    """Return the scan's start time from scan.json, so a re-evaluation later gives the same answer.

    Falls back to the time items.parquet was written when scan.json has no start time (a scan
    written by an older version, or by hand for a test).
    """
    meta = read_scan_json(scan_dir)
    for key in ("started", "started_at", "start_time", "start"):
        value = meta.get(key)
        if isinstance(value, str):
            try:
                t = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                continue
            return t if t.tzinfo else t.replace(tzinfo=UTC)
    return datetime.fromtimestamp((scan_dir / "items.parquet").stat().st_mtime, UTC)


def read_scan_json(scan_dir: Path) -> dict[str, Any]:
    """scan.json as a dict; {} when absent (reports still render without it)."""
    path = scan_dir / "scan.json"
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise NoticeScanError(
            f"{path}: cannot be read as JSON ({e}); re-run the scan or remove the broken file"
        ) from e
    return data if isinstance(data, dict) else {}


def years_before(t: datetime, years: float) -> datetime:
    """`t` minus a retention period: whole calendar years, then any fraction as whole months."""
    whole = int(years)
    months = round((years - whole) * 12)
    year, month = t.year - whole, t.month - months
    while month < 1:
        month += 12
        year -= 1
    day = t.day
    while True:  # 29 February, or the 31st in a shorter month, becomes the month's last day
        try:
            return t.replace(year=year, month=month, day=day)
        except ValueError:
            day -= 1


def evaluate(scan_dir: Path, config: ScanConfig) -> ScopeSummary:
    """Apply the notice's rules to one scan; write violations.parquet and summary.parquet."""
    items_path, findings_path = scan_dir / "items.parquet", scan_dir / "findings.parquet"
    for p in (items_path, findings_path):
        if not p.exists():
            raise NoticeScanError(
                f"{p}: not found; point at a finished scan's folder (OUT/<scan-id>)"
            )
    started = scan_started(scan_dir)
    with tempfile.TemporaryDirectory(prefix="noticescan-scope-") as tmp:
        con = duckdb.connect(config={"temp_directory": tmp, "preserve_insertion_order": False})
        try:
            con.execute(f"CREATE VIEW items AS SELECT * FROM read_parquet({_sql_str(items_path)})")
            con.execute(
                f"CREATE VIEW findings AS SELECT * FROM read_parquet({_sql_str(findings_path)})"
            )
            stores = _stores_by_id(con, config)
            severity.install_macros(con)
            con.register("stores", _stores_table(stores, started))
            con.register("quotes", _quotes_table(stores))
            con.register("bad_locations", _bad_locations(con, stores))
            con.register("bad_readers", _bad_readers(con, stores))
            folders.install(con)
            con.execute(_ITEM_CATEGORIES)
            con.execute(_OFFENDERS)
            out = scan_dir / VIOLATIONS_FILE
            writer = RowWriter(out, VIOLATIONS_SCHEMA)
            try:
                _write_violations(con, writer)
            except BaseException:
                writer.abandon()
                raise
            reviewed = apply_decisions(con, out, config.review_file, started)
            by_kind = {k: reviewed.counted_by_kind.get(k, 0) for k in KINDS}
            summary = scan_dir / SUMMARY_FILE
            write_table(summary, SUMMARY_SCHEMA, _summary_rows(con, out))
            counts = con.execute(
                f"SELECT (SELECT count(DISTINCT item_uri) FROM ic),"
                f" (SELECT count(DISTINCT item_uri) FROM read_parquet({_sql_str(out)})"
                f" WHERE {COUNTED_SQL})"
            ).fetchone()
        finally:
            con.close()
    assert counts is not None
    return ScopeSummary(
        violations=sum(by_kind.values()),
        by_kind=by_kind,
        items_with_findings=int(counts[0]),
        violation_items=int(counts[1]),
        by_review=reviewed.by_state,
    )


def _sql_str(p: Path | str) -> str:
    return "'" + str(p).replace("'", "''") + "'"


def _stores_by_id(con: duckdb.DuckDBPyConnection, config: ScanConfig) -> dict[str, Store]:
    """Map store ids to stores: configured, undeclared, and ids the config no longer declares.

    A scan checked against an edited config may name a removed store: it counts as undeclared.
    """
    stores = {s.id: s for s in config.stores}
    stores.setdefault(UNDECLARED_STORE, undeclared_store())
    for (sid,) in con.execute(
        "SELECT DISTINCT store FROM items WHERE store IS NOT NULL"
    ).fetchall():
        if sid not in stores:
            stores[sid] = Store(id=sid, name=sid, declared=False)
    return stores


def _stores_table(stores: dict[str, Store], started: datetime) -> pa.Table:
    rows = [
        {
            "id": s.id,
            "name": s.name,
            "declared": s.declared,
            "categories": list(s.categories),
            "cutoff": years_before(started, s.retention_years) if s.retention_years else None,
            "restricted": s.declared and s.readers is not None,
            "encrypted": s.declared and s.encrypted,
            "declared_text": ", ".join(in_sentence(category_label(c)) for c in s.categories)
            or "nothing",
            "retention_text": f"{s.retention_years:g}-year" if s.retention_years else "",
            "readers_text": ", ".join(s.readers or ()) or "no one",
            "locations_text": ", ".join(s.locations),
        }
        for s in stores.values()
    ]
    schema = pa.schema(
        [
            ("id", pa.string()),
            ("name", pa.string()),
            ("declared", pa.bool_()),
            ("categories", pa.list_(pa.string())),
            ("cutoff", pa.timestamp("us", tz="UTC")),
            ("restricted", pa.bool_()),
            ("encrypted", pa.bool_()),
            ("declared_text", pa.string()),
            ("retention_text", pa.string()),
            ("readers_text", pa.string()),
            ("locations_text", pa.string()),
        ]
    )
    return pa.Table.from_pylist(rows, schema=schema)


def _quotes_table(stores: dict[str, Store]) -> pa.Table:
    """(store, kind, quote): the notice sentence each rule rests on, for stores that quote one."""
    rows = [
        {"store": s.id, "kind": kind, "quote": s.quote_for(setting)}
        for s in stores.values()
        for kind, setting in RULE_SETTING.items()
        if s.quote_for(setting)
    ]
    schema = pa.schema([("store", pa.string()), ("kind", pa.string()), ("quote", pa.string())])
    return pa.Table.from_pylist(rows, schema=schema)


def _bad_locations(con: duckdb.DuckDBPyConnection, stores: dict[str, Store]) -> pa.Table:
    """(store, location) pairs outside the store's allowed locations; few, so decided in Python."""
    pairs = con.execute(
        "SELECT DISTINCT store, location FROM items WHERE location IS NOT NULL"
    ).fetchall()
    bad = [
        {"store": sid, "location": loc}
        for sid, loc in pairs
        if sid in stores
        and stores[sid].declared
        and stores[sid].locations
        and not regions.location_allowed(loc, stores[sid].locations)
    ]
    schema = pa.schema([("store", pa.string()), ("location", pa.string())])
    return pa.Table.from_pylist(bad, schema=schema)


def _bad_readers(con: duckdb.DuckDBPyConnection, stores: dict[str, Store]) -> pa.Table:
    """(store, principal, broad) for principals the store's declared readers do not cover."""
    pairs = con.execute(
        "SELECT DISTINCT store, unnest(readers) AS reader FROM items WHERE readers IS NOT NULL"
    ).fetchall()
    bad = []
    for sid, reader in pairs:
        store = stores.get(sid)
        if store is None or not store.declared or store.readers is None or reader is None:
            continue
        problem = regions.reader_problem(reader, store.readers)
        if problem is not None:
            bad.append({"store": sid, "reader": reader, "broad": problem == "broad"})
    schema = pa.schema([("store", pa.string()), ("reader", pa.string()), ("broad", pa.bool_())])
    return pa.Table.from_pylist(bad, schema=schema)


# One row per (item, category) with findings, carrying what every rule needs. The only pass over
# findings.parquet; DuckDB spills to temp_directory if it outgrows memory.
_ITEM_CATEGORIES = f"""
CREATE TEMP TABLE ic AS
WITH f AS (
    SELECT item_uri, category, count(*)::INTEGER AS n,
           list_sort(list(DISTINCT entity_type)) AS entity_types
    FROM findings GROUP BY item_uri, category
), where_ AS ({folders.folders_sql("SELECT item_uri FROM f")})
SELECT f.item_uri, f.category, f.n, f.entity_types,
       coalesce(i.store, 'undeclared') AS store, i.source, i.name, i.modified, i.location,
       i.status, i.metadata, coalesce(w.folder, folder_of(f.item_uri)) AS folder
FROM f
LEFT JOIN items i ON i.uri = f.item_uri
LEFT JOIN where_ w ON w.uri = f.item_uri
"""

# Items (with findings) readable by a principal the store's readers do not cover; the source may
# also say so directly (metadata broad_access, e.g. an anonymous share) without listing principals.
_OFFENDERS = """
CREATE TEMP TABLE offenders AS
WITH u AS (
    SELECT uri, store, unnest(readers) AS reader FROM items
    WHERE readers IS NOT NULL AND uri IN (SELECT item_uri FROM ic)
)
SELECT uri, string_agg(DISTINCT reader, ', ' ORDER BY reader) AS readers, bool_or(broad) AS broad
FROM (
    SELECT u.uri, u.reader, b.broad FROM u JOIN bad_readers b USING (store, reader)
    UNION ALL
    SELECT uri, 'broad access reported by the source', true FROM items
    WHERE json_extract_string(metadata, '$.broad_access') = 'true'
      AND uri IN (SELECT item_uri FROM ic)
) GROUP BY uri
"""

_VIOLATIONS = """
SELECT 'store_not_declared' AS kind, ic.*, NULL AS detail, false AS broad
FROM ic LEFT JOIN stores s ON s.id = ic.store WHERE NOT coalesce(s.declared, false)
UNION ALL
SELECT 'category_not_declared', ic.*, NULL, false
FROM ic JOIN stores s ON s.id = ic.store
WHERE s.declared AND NOT list_contains(s.categories, ic.category)
UNION ALL
SELECT 'retention_exceeded', ic.*, strftime(ic.modified, '%Y-%m-%d'), false
FROM ic JOIN stores s ON s.id = ic.store
WHERE s.declared AND s.cutoff IS NOT NULL AND ic.modified < s.cutoff
UNION ALL
SELECT 'access_broader_than_declared', ic.*, o.readers, o.broad
FROM ic JOIN stores s ON s.id = ic.store JOIN offenders o ON o.uri = ic.item_uri
WHERE s.restricted
UNION ALL
SELECT 'location_not_allowed', ic.*, ic.location, false
FROM ic JOIN bad_locations b ON b.store = ic.store AND b.location = ic.location
UNION ALL
SELECT 'unencrypted', ic.*, NULL, false
FROM ic JOIN stores s ON s.id = ic.store
WHERE s.encrypted AND ic.status = 'ok'
"""


# Reasons and actions are written in SQL, so no violation row passes through Python: sentences a
# compliance reader can act on (labels, not codes), and in `detail` the one fact a rule rests on.
_WHAT = """printf('''%s'' holds %s: %s (%d finding%s)', coalesce(v.name, v.item_uri),
    category_label(v.category), entity_labels(v.entity_types), v.n,
    CASE WHEN v.n = 1 THEN '' ELSE 's' END)"""
_WRITE = f"""
WITH v AS ({_VIOLATIONS})
SELECT v.kind, v.store, v.item_uri, v.category,
    {_WHAT} || CASE v.kind
    WHEN 'store_not_declared' THEN printf(', but %s is in no store the privacy notice'
        || ' declares.', v.folder)
    WHEN 'category_not_declared' THEN printf(', which the notice does not declare for %s'
        || ' (it declares %s).', s.name, s.declared_text)
    WHEN 'retention_exceeded' THEN printf(' and was last changed on %s, longer ago than'
        || ' %s''s %s retention.', v.detail, s.name, s.retention_text)
    WHEN 'access_broader_than_declared' THEN printf(' and can be read by %s; the notice'
        || ' restricts %s to %s.', v.detail, s.name, s.readers_text)
    WHEN 'location_not_allowed' THEN printf(' and is stored in %s; the notice keeps %s in'
        || ' %s only.', v.detail, s.name, s.locations_text)
    ELSE printf(' that can be read without decryption; the notice says %s is stored'
        || ' encrypted.', s.name)
    END AS reason,
    s.name AS store_name, v.source, v.name AS item_name, v.entity_types,
    v.n AS finding_count,
    CASE v.kind
        WHEN 'store_not_declared' THEN v.source
        WHEN 'category_not_declared' THEN s.declared_text
        WHEN 'unencrypted' THEN v.status
        ELSE v.detail
    END AS detail,
    {severity.severity_sql("v")} AS severity,
    {severity.action_sql("v", "s")} AS action,
    q.quote AS notice_quote,
    v.folder
FROM v JOIN stores s ON s.id = v.store
LEFT JOIN quotes q ON q.store = v.store AND q.kind = v.kind
"""


def _write_violations(con: duckdb.DuckDBPyConnection, writer: RowWriter) -> None:
    """Stream the violation rows from DuckDB into Parquet, batch by batch."""
    for batch in con.sql(_WRITE).to_arrow_reader(100_000):
        writer.write_batch(batch)
    writer.publish()


def _summary_rows(con: duckdb.DuckDBPyConnection, violations: Path) -> list[dict[str, Any]]:
    """Store x category cells that are declared or hold findings (a small table)."""
    rows = con.sql(
        f"""
        WITH found AS (
            SELECT store, category, count(*) AS items, sum(n) AS findings FROM ic GROUP BY ALL
        ), viol AS (
            SELECT store, category, count(DISTINCT item_uri) AS violation_items
            FROM read_parquet({_sql_str(violations)}) WHERE {COUNTED_SQL} GROUP BY ALL
        ), declared AS (
            SELECT id AS store, unnest(categories) AS category FROM stores WHERE declared
        ), cells AS (
            SELECT store, category FROM found UNION SELECT store, category FROM declared
        )
        SELECT c.store, coalesce(s.name, c.store) AS store_name,
               coalesce(s.declared, false) AS store_declared, c.category,
               d.store IS NOT NULL AS declared,
               coalesce(f.items, 0) AS items, coalesce(f.findings, 0)::BIGINT AS findings,
               coalesce(v.violation_items, 0) AS violation_items
        FROM cells c
        LEFT JOIN stores s ON s.id = c.store
        LEFT JOIN declared d USING (store, category)
        LEFT JOIN found f USING (store, category)
        LEFT JOIN viol v USING (store, category)
        ORDER BY c.store, c.category
        """
    ).to_arrow_table()
    return rows.to_pylist()
