"""What each section of the report shows, as plain data the templates lay out.

Everything here is a small aggregate (figures, the store x category cells, the top folders,
unreadable items grouped by reason, the scan's facts); the rows themselves go to the page as
compressed blocks (reports/embedded.py). Values are raw: the templates escape them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import duckdb

from reports.labels import (
    KINDS,
    SEVERITIES,
    category_label,
    kind_label,
    status_label,
)
from reports.review import COUNTED_SQL
from reports.tables import SEVERITY_RANK
from scanner.categories import CATEGORIES

MAX_FOLDERS = 15
MAX_PROBLEM_GROUPS = 300
PROBLEM_EXAMPLES = 20


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    rows = con.execute(sql).fetchall()  # fetchall: a result left open blocks the next query
    return rows[0][0] if rows else None


def figures(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The headline numbers (also in the page's JSON island, for scripts and tests).

    Violations count as the exit code does: accepted ones and false positives are apart
    (`by_review`), not among them.
    """
    by_status = dict(con.execute("SELECT status, count(*) FROM items GROUP BY ALL").fetchall())
    by_kind = dict(
        con.execute(
            f"SELECT kind, count(*) FROM violations WHERE {COUNTED_SQL} GROUP BY ALL"
        ).fetchall()
    )
    item_sev = dict(
        con.execute(
            f"SELECT rank, count(*) FROM (SELECT min({SEVERITY_RANK}) AS rank FROM violations"
            f" WHERE {COUNTED_SQL} GROUP BY item_uri) GROUP BY ALL"
        ).fetchall()
    )
    by_review = dict(con.execute("SELECT review, count(*) FROM violations GROUP BY ALL").fetchall())
    return {
        "items": sum(by_status.values()),
        "by_status": by_status,
        "items_with_findings": _one(con, "SELECT count(DISTINCT item_uri) FROM findings"),
        "findings": _one(con, "SELECT count(*) FROM findings"),
        "violations": sum(by_kind.values()),
        "violations_by_kind": {k: by_kind[k] for k in KINDS if by_kind.get(k)},
        "violation_items": _one(
            con, f"SELECT count(DISTINCT item_uri) FROM violations WHERE {COUNTED_SQL}"
        ),
        "by_review": by_review,
        "items_by_severity": {s: item_sev.get(n, 0) for n, s in enumerate(SEVERITIES)},
        "stores": _one(con, "SELECT count(DISTINCT store) FROM items"),
        "bytes_read": _one(con, "SELECT coalesce(sum(bytes_read), 0) FROM items"),
    }


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar of a horizontal bar chart (inline SVG)."""

    label: str
    value: int
    y: int
    width: int


def kind_bars(by_kind: dict[str, int], width: int = 360) -> list[Bar]:
    """Violations by kind as bars, longest = `width` pixels."""
    top = max(by_kind.values(), default=0) or 1
    return [
        Bar(kind_label(k), n, i * 22, max(2, round(width * n / top)))
        for i, (k, n) in enumerate(by_kind.items())
    ]


@dataclass
class HeatRow:
    """One store: its cells, in the order of `heat_columns`."""

    store: str
    name: str
    declared: bool
    cells: list[dict[str, Any]] = field(default_factory=list)


def heat_map(con: duckdb.DuckDBPyConnection, scoped: bool) -> tuple[list[Any], list[HeatRow]]:
    """(columns, rows) of the store x category map: items with the category, how many beyond."""
    if scoped and _one(con, "SELECT count(*) FROM summary"):
        cells = con.execute(
            "SELECT store, store_name, store_declared, category, declared, items, violation_items"
            " FROM summary"
        ).fetchall()
    else:  # no scope pass: findings only, nothing marked declared
        cells = con.execute(
            "SELECT coalesce(i.store, 'undeclared'), coalesce(i.store, 'undeclared'), false,"
            " f.category, false, count(DISTINCT f.item_uri), 0"
            " FROM findings f LEFT JOIN items i ON i.uri = f.item_uri GROUP BY ALL"
        ).fetchall()
    grid = {(c[0], c[3]): c for c in cells}
    found = {c[3] for c in cells}
    cats = [c for c in CATEGORIES if c in found] + sorted(found - set(CATEGORIES))
    columns = [(c, category_label(c)) for c in cats]
    stores = {c[0]: (c[1], c[2]) for c in cells}
    rows = []
    for store, (name, declared) in sorted(stores.items(), key=lambda s: (not s[1][1], s[1][0])):
        row = HeatRow(store, name, declared)
        for cat in cats:
            c = grid.get((store, cat))
            row.cells.append(
                {
                    "category": cat,
                    "declared": bool(c and c[4]),
                    "items": int(c[5]) if c else 0,
                    "beyond": int(c[6]) if c else 0,
                }
            )
        rows.append(row)
    return columns, rows


def top_folders(con: duckdb.DuckDBPyConnection) -> tuple[list[dict[str, Any]], int]:
    """Folders by items whose worst violation is high, then by violating items: where to start."""
    sql = f"""
        WITH per_item AS (
            SELECT item_uri, any_value(folder) AS folder, min({SEVERITY_RANK}) AS rank,
                   any_value(store_name) AS store_name
            FROM violations WHERE {COUNTED_SQL} GROUP BY item_uri
        )
        SELECT folder, count(*) AS items,
               {", ".join(f"count(*) FILTER (WHERE rank = {n})" for n in range(len(SEVERITIES)))},
               list_sort(list(DISTINCT store_name)) AS stores
        FROM per_item GROUP BY folder
    """
    total = _one(con, f"SELECT count(*) FROM ({sql})") or 0
    rows = con.execute(
        f"SELECT * FROM ({sql}) ORDER BY 3 DESC, 2 DESC, folder LIMIT {MAX_FOLDERS}"
    ).fetchall()
    out = []
    for r in rows:
        by_sev = dict(zip(SEVERITIES, r[2 : 2 + len(SEVERITIES)], strict=True))
        out.append({"folder": r[0], "items": r[1], "by_severity": by_sev, "stores": r[-1]})
    return out, int(total)


def problem_groups(con: duckdb.DuckDBPyConnection) -> tuple[list[dict[str, Any]], int]:
    """Unreadable items grouped by status, extension and reason: one line per group."""
    rows = con.execute(
        f"""
        SELECT status, lower(regexp_extract(coalesce(name, uri), '\\.([A-Za-z0-9]{{1,10}})$', 1))
               AS ext, coalesce(error, '') AS why, count(*) AS n,
               list(uri ORDER BY uri)[1:{PROBLEM_EXAMPLES}] AS examples
        FROM items WHERE status <> 'ok' GROUP BY ALL ORDER BY n DESC, status, ext, why
        """
    ).fetchall()
    groups = [
        {
            "status": status_label(r[0]),
            "ext": f".{r[1]}" if r[1] else "no extension",
            "why": r[2],
            "count": r[3],
            "examples": r[4],
        }
        for r in rows[:MAX_PROBLEM_GROUPS]
    ]
    return groups, len(rows)


def duration(meta: dict[str, Any]) -> float | None:
    """Seconds from scan.json `started` to `finished`, when both are there."""
    try:
        start = datetime.fromisoformat(str(meta["started"]))
        end = datetime.fromisoformat(str(meta["finished"]))
    except (KeyError, ValueError):
        return None
    return max((end - start).total_seconds(), 0.0)


def human_seconds(s: float | None) -> str:
    """`2 h 03 min`, `4 min 12 s`, `9.5 s`."""
    if s is None:
        return "unknown"
    if s < 60:
        return f"{s:.1f} s"
    m, sec = divmod(round(s), 60)
    if m < 60:
        return f"{m} min {sec:02d} s"
    h, m = divmod(m, 60)
    return f"{h} h {m:02d} min"


def when(value: Any) -> str:
    """An ISO timestamp as `2026-11-30 03:26 UTC`; anything else as given."""
    try:
        t = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return t.strftime("%Y-%m-%d %H:%M") + (" UTC" if t.utcoffset() is not None else "")


def _where(options: dict[str, Any]) -> str:
    for key in ("path", "url", "ews_url", "host", "tenant_id"):
        if options.get(key):
            return str(options[key])
    return ""


def sources(meta: dict[str, Any]) -> list[dict[str, Any]]:
    """The configured sources (scan.json `config`), with their store's name and any outage."""
    config = meta.get("config") or {}
    names = {s.get("id"): s.get("name") for s in config.get("stores") or []}
    down = {u.get("source") for u in unreachable(meta)}
    out = []
    for s in config.get("sources") or []:
        options = s.get("options") or {}
        sid = options.get("id") or f"{s.get('type')}-{int(s.get('index', 0)) + 1}"
        out.append(
            {
                "id": sid,
                "type": s.get("type", ""),
                "where": _where(options),
                "store": names.get(s.get("store")) or "Not in the notice",
                "location": s.get("location") or "",
                "unreachable": sid in down,
            }
        )
    return out


def unreachable(meta: dict[str, Any]) -> list[dict[str, Any]]:
    """scan.json `unreachable` (sources whose results are carried, not re-verified), with names.

    Each entry has source, store, what, error and last_read (ISO or null); `store_name` is added
    from the config so the banner reads as the notice does.
    """
    stores = (meta.get("config") or {}).get("stores") or []
    names = {s.get("id"): s.get("name") for s in stores if isinstance(s, dict)}
    value = meta.get("unreachable") or []
    return [
        {**u, "store_name": names.get(u.get("store")) or u.get("store") or "Not in the notice"}
        for u in value
        if isinstance(u, dict)
    ]


def status_rows(by_status: dict[str, int]) -> list[tuple[str, int]]:
    """Item counts by status, labelled, `Read` first."""
    return [(status_label(k), v) for k, v in sorted(by_status.items(), key=lambda x: x[0] != "ok")]
