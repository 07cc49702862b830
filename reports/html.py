"""The HTML report compliance reads: one self-contained file rendered from a scan's Parquet files.

Self-contained means it opens from a USB stick or an e-mail attachment with no network: CSS, JS and
SVG charts are inline and nothing points outside the file. Everything that comes from the data is
hostile input (a file may be called `<img src=x onerror=alert(1)>.txt`), so every value passes
through `esc()` before it touches markup, and the one JSON island is escaped for a <script>
element. Raw personal data never reaches this module: findings.parquet holds masked evidence and
keyed hashes only, and hashes are shortened further here.

Reads only the scan folder (Parquet + scan.json), never pipeline objects, so `noticescan report`
re-renders any past scan. Tables are capped (the report must open in a browser even for a scan of
millions of items); each capped table says how many rows it leaves out and how to get them all
with `noticescan query`.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any
from urllib.parse import quote

import duckdb
import pyarrow as pa

from reports.diff import diff_scans, previous_scan
from reports.query import connect
from reports.scope import KINDS, read_scan_json
from scanner.config import CATEGORIES

REPORT_FILE = "report.html"
MAX_VIOLATIONS = 5_000
MAX_ITEMS = 2_000
MAX_FINDINGS_PER_ITEM = 100
MAX_PROBLEMS = 2_000
MAX_CHANGES = 1_000
HASH_CHARS = 12

KIND_LABELS = {
    "store_not_declared": "Store not in the notice",
    "category_not_declared": "Category not declared",
    "retention_exceeded": "Kept past retention",
    "access_broader_than_declared": "Readable by more people than declared",
    "location_not_allowed": "Stored outside allowed locations",
    "unencrypted": "Not encrypted as declared",
}


def esc(value: Any) -> str:
    """HTML-escape any value for text or a quoted attribute; None becomes empty."""
    return "" if value is None else html.escape(str(value), quote=True)


def script_json(data: Any) -> str:
    """JSON safe inside <script type="application/json">: no `</script>`, `<!--` or `&` survive."""
    text = json.dumps(data, default=str, sort_keys=True)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def render(scan_dir: Path, out: Path | None = None) -> Path:
    """Render `scan_dir` into one HTML file (default `scan_dir/report.html`); returns its path."""
    out = out or scan_dir / REPORT_FILE
    meta = read_scan_json(scan_dir)
    con = connect(scan_dir)
    try:
        scoped = (scan_dir / "violations.parquet").exists()
        figures = _figures(con)
        item_ids = _drilldown_ids(con)
        parts = {
            "title": esc(f"noticescan report — {meta.get('scan_id') or scan_dir.name}"),
            "headline": _interrupted(meta) + _headline(figures, scoped),
            "changes": changes_section(scan_dir, meta),
            "heatmap": _heatmap(con, scoped),
            "violations": _violations(con, figures, item_ids) if scoped else _not_scoped(),
            "items": _items(con, item_ids, figures),
            "problems": _problems(con, figures),
            "meta": _meta(meta, scan_dir),
            "data": script_json({"figures": figures, "scan": _scalars(meta)}),
            "css": _asset("report.css"),
            "js": _asset("report.js"),
        }
    finally:
        con.close()
    page = Template(_asset("report.html")).substitute(parts)
    partial = out.with_name(out.name + ".partial")
    partial.write_text(page, encoding="utf-8")
    partial.replace(out)
    return out


def changes_section(scan_dir: Path, meta: dict[str, Any]) -> str:
    """Change since the previous scan: the hook the incremental-scan issue fills in.

    Returns the HTML of a `<section id="changes">` (new / gone / changed violations against the
    previous scan of the same config), or "" while no previous scan is known. Kept as one function
    so the change report plugs in here without touching the rest of the page.
    """
    scan_id = str(meta.get("scan_id") or scan_dir.name)
    prev = previous_scan(scan_dir.resolve().parent, scan_id)
    if prev is None or not (prev / "violations.parquet").exists():
        return ""
    if not (scan_dir / "violations.parquet").exists():
        return ""
    d = diff_scans(prev, scan_dir)
    figures = (
        ("new", "New violations", len(d.new)),
        ("resolved", "Resolved violations", len(d.resolved)),
        ("unchanged", "Unchanged violations", d.unchanged),
        ("added", "Items added", d.items_added),
        ("removed", "Items gone", d.items_removed),
        ("changed", "Items changed", d.items_changed),
    )
    cards = _cards("chg", figures)

    def table(rows: list[dict[str, Any]], ident: str) -> str:
        if not rows:
            return '<p class="empty">None.</p>'
        shown = rows[:MAX_CHANGES]
        body = "".join(
            f"<tr><td>{esc(r['kind'])}</td><td>{esc(r['store'])}</td><td>{esc(r['category'])}</td>"
            f'<td class="item">{esc(r["item_uri"])}</td><td>{esc(r["reason"])}</td></tr>'
            for r in shown
        )
        more = (
            f'<p class="muted">{len(rows) - len(shown):,} more: '
            f"<code>noticescan diff {esc(prev.name)} {esc(scan_dir.name)}</code></p>"
            if len(rows) > len(shown)
            else ""
        )
        return (
            f'<table id="{ident}" class="sortable"><thead><tr><th>kind</th><th>store</th>'
            f"<th>category</th><th>item</th><th>reason</th></tr></thead><tbody>{body}"
            f"</tbody></table>{more}"
        )

    return (
        '<section id="s-changes"><h2>Change since the previous scan</h2>'
        f'<p class="muted">Compared with scan {esc(d.old_scan)}.</p>'
        f'<div class="cards">{cards}</div>'
        f"<h3>New violations</h3>{table(d.new, 'changes-new')}"
        f"<h3>Resolved violations</h3>{table(d.resolved, 'changes-resolved')}</section>"
    )


def _asset(name: str) -> str:
    return resources.files("reports").joinpath("templates", name).read_text(encoding="utf-8")


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    row = con.execute(sql).fetchone()
    return row[0] if row else None


def _figures(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    by_status = dict(con.execute("SELECT status, count(*) FROM items GROUP BY ALL").fetchall())
    by_kind = dict(con.execute("SELECT kind, count(*) FROM violations GROUP BY ALL").fetchall())
    return {
        "items": sum(by_status.values()),
        "by_status": by_status,
        "items_with_findings": _one(con, "SELECT count(DISTINCT item_uri) FROM findings"),
        "findings": _one(con, "SELECT count(*) FROM findings"),
        "violations": sum(by_kind.values()),
        "violations_by_kind": by_kind,
        "violation_items": _one(con, "SELECT count(DISTINCT item_uri) FROM violations"),
        "stores": _one(con, "SELECT count(DISTINCT store) FROM items"),
        "bytes_read": _one(con, "SELECT coalesce(sum(bytes_read), 0) FROM items"),
    }


def _drilldown_ids(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Anchor ids of the items shown in the drill-down: the ones with violations come first."""
    rows = con.execute(
        f"""
        SELECT f.item_uri FROM (SELECT item_uri, count(*) AS n FROM findings GROUP BY ALL) f
        LEFT JOIN (SELECT item_uri, count(*) AS v FROM violations GROUP BY ALL) v USING (item_uri)
        ORDER BY coalesce(v.v, 0) DESC, f.n DESC, f.item_uri LIMIT {MAX_ITEMS}
        """
    ).fetchall()
    return {uri: f"item-{n}" for n, (uri,) in enumerate(rows, 1)}


def _interrupted(meta: dict[str, Any]) -> str:
    """A warning first: an interrupted scan's figures cover only what was read before the stop."""
    if meta.get("status") != "interrupted":
        return ""
    return (
        '<p class="verdict bad" id="interrupted">This scan was interrupted: the figures below '
        "cover only what was scanned before it stopped. Run it again with --resume.</p>"
    )


def _headline(f: dict[str, Any], scoped: bool) -> str:
    problems = f["items"] - f["by_status"].get("ok", 0)
    cards = [
        ("items", "Items scanned", f["items"]),
        ("items-with-findings", "Items with personal data", f["items_with_findings"]),
        ("findings", "Findings", f["findings"]),
        ("violations", "Beyond-scope violations", f["violations"] if scoped else "not evaluated"),
        ("violation-items", "Items beyond the notice", f["violation_items"] if scoped else "—"),
        ("problems", "Errors and unscannable", problems),
    ]
    html_cards = _cards("fig", cards)
    verdict = (
        '<p class="verdict bad">This scan found data the privacy notice does not declare.</p>'
        if f["violations"]
        else '<p class="verdict good">Everything found is within what the notice declares.</p>'
        if scoped
        else '<p class="verdict">The notice\'s rules were not applied to this scan.</p>'
    )
    return f'<div class="cards">{html_cards}</div>{verdict}{_kind_chart(f["violations_by_kind"])}'


def _cards(prefix: str, cards: Sequence[tuple[str, str, Any]]) -> str:
    """Headline figure cards; each has a stable id (`fig-items`, `chg-new`) tests and users find."""
    return "".join(
        f'<div class="card" id="{prefix}-{key}"><div class="num">{esc(_num(v))}</div>'
        f'<div class="label">{esc(label)}</div></div>'
        for key, label, v in cards
    )


def _num(v: Any) -> str:
    return f"{v:,}" if isinstance(v, int) else str(v)


def _kind_chart(by_kind: dict[str, int]) -> str:
    """Violations by kind as an inline SVG bar chart (no chart library, no network)."""
    if not by_kind:
        return ""
    top = max(by_kind.values())
    bar_h, label_w, width = 22, 270, 640
    bars = []
    for n, kind in enumerate(k for k in KINDS if by_kind.get(k)):
        count = by_kind[kind]
        w = max(2, round((width - label_w - 60) * count / top))
        y = n * bar_h
        bars.append(
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">'
            f"{esc(KIND_LABELS[kind])}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{w}" height="{bar_h - 6}" class="bar"/>'
            f'<text x="{label_w + w + 6}" y="{y + 15}">{count:,}</text>'
        )
    h = bar_h * len(bars)
    return (
        f'<svg class="chart" role="img" aria-label="Violations by kind" viewBox="0 0 {width} {h}"'
        f' width="{width}" height="{h}">{"".join(bars)}</svg>'
    )


def _heatmap(con: duckdb.DuckDBPyConnection, scoped: bool) -> str:
    if scoped and _one(con, "SELECT count(*) FROM summary"):
        cells = con.execute(
            "SELECT store, store_name, store_declared, category, declared, items, violation_items"
            " FROM summary"
        ).fetchall()
    else:  # no scope pass: findings only, nothing marked declared
        cells = con.execute(
            "SELECT i.store, i.store, false, f.category, false, count(DISTINCT f.item_uri), 0"
            " FROM findings f JOIN items i ON i.uri = f.item_uri GROUP BY ALL"
        ).fetchall()
    if not cells:
        return '<p class="empty">No personal data was found.</p>'
    stores: dict[str, tuple[str, bool]] = {}
    grid: dict[tuple[str, str], tuple[bool, int, int]] = {}
    for store, name, store_declared, cat, declared, items, viol in cells:
        stores[store] = (name, store_declared)
        grid[(store, cat)] = (declared, items, viol)
    cats = list(CATEGORIES) + sorted({c for _, c in grid} - set(CATEGORIES))
    top = max(i for _, i, _ in grid.values()) or 1
    head = "".join(f'<th scope="col">{esc(c.replace("_", " "))}</th>' for c in cats)
    rows = []
    for store, (name, store_declared) in sorted(stores.items(), key=lambda s: (not s[1][1], s[0])):
        tds = []
        for cat in cats:
            declared, items, viol = grid.get((store, cat), (False, 0, 0))
            cls = ["cell"] + (["declared"] if declared else []) + (["viol"] if viol else [])
            alpha = 0.12 + 0.78 * math.log1p(items) / math.log1p(top) if items else 0
            style = f' style="--a:{alpha:.2f}"' if items else ""
            mark = '<span class="tick" title="declared in the notice">✓</span>' if declared else ""
            title = f"{name} × {cat}: {items} item(s), {viol} beyond the notice" + (
                " (declared)" if declared else " (not declared)"
            )
            tds.append(
                f'<td class="{" ".join(cls)}"{style} title="{esc(title)}"'
                f' data-store="{esc(store)}" data-category="{esc(cat)}">'
                f"{mark}{items or ''}</td>"
            )
        label = esc(name) + ("" if store_declared else ' <span class="tag">not in notice</span>')
        rows.append(f'<tr><th scope="row">{label}</th>{"".join(tds)}</tr>')
    return (
        f'<table class="heat"><thead><tr><th>Store</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        '<p class="legend"><span class="cell declared sample">✓</span> declared in the notice'
        ' <span class="cell viol sample" style="--a:.6"></span> found but beyond the notice'
        " — numbers are items holding that category.</p>"
    )


def _not_scoped() -> str:
    return (
        '<p class="empty">No violations.parquet in this scan: the notice\'s rules were not applied.'
        " Run <code>noticescan scan --config FILE</code> to evaluate them.</p>"
    )


def _violations(con: duckdb.DuckDBPyConnection, f: dict[str, Any], ids: dict[str, str]) -> str:
    if not f["violations"]:
        return '<p class="empty">No violations.</p>'
    groups = con.execute(
        "SELECT kind, store, any_value(store_name), count(*), count(DISTINCT item_uri)"
        " FROM violations GROUP BY kind, store ORDER BY kind, store"
    ).fetchall()
    group_rows = "".join(
        f'<tr><td><a href="#kind={esc(quote(k))}&amp;store={esc(quote(s))}" class="kind-{esc(k)}">'
        f"{esc(KIND_LABELS.get(k, k))}</a></td><td>{esc(n)}</td><td class=n>{c:,}</td>"
        f"<td class=n>{i:,}</td></tr>"
        for k, s, n, c, i in groups
    )
    rows = con.execute(
        "SELECT kind, store, store_name, item_uri, item_name, category, entity_types,"
        " finding_count, reason FROM violations ORDER BY kind, store, item_uri, category"
        f" LIMIT {MAX_VIOLATIONS}"
    ).fetchall()
    body = []
    for kind, store, store_name, uri, name, cat, entities, n, reason in rows:
        anchor = ids.get(uri)
        item = esc(name or uri)
        link = f'<a href="#{anchor}">{item}</a>' if anchor else item
        body.append(
            f'<tr data-kind="{esc(kind)}" data-store="{esc(store)}" data-category="{esc(cat)}">'
            f"<td>{esc(kind)}</td><td>{esc(store_name)}</td><td>{esc(cat)}</td>"
            f'<td class="item">{link}<div class="uri">{esc(uri)}</div></td>'
            f"<td>{esc(', '.join(entities or ()))}</td><td class=n>{esc(n)}</td>"
            f"<td>{esc(reason)}</td></tr>"
        )
    options = {
        "kind": sorted({r[0] for r in groups}),
        "store": sorted({(r[1], r[2]) for r in groups}),
        "category": sorted(
            c for (c,) in con.execute("SELECT DISTINCT category FROM violations").fetchall()
        ),
    }
    return (
        '<table class="groups"><thead><tr><th>Kind</th><th>Store</th><th class=n>Rows</th>'
        f"<th class=n>Items</th></tr></thead><tbody>{group_rows}</tbody></table>"
        + _filters(options)
        + f'<p class="count" id="vcount">{len(rows):,} of {len(rows):,} rows shown</p>'
        + '<table id="violations" class="sortable"><thead><tr><th>Kind</th><th>Store</th>'
        "<th>Category</th><th>Item</th><th>Entities</th><th class=n>Findings</th><th>Reason</th>"
        f"</tr></thead><tbody>{''.join(body)}</tbody></table>"
        + _capped(len(rows), f["violations"], "SELECT * FROM violations")
    )


def _filters(options: dict[str, Any]) -> str:
    def select(name: str, label: str, values: list[Any]) -> str:
        opts = "".join(
            f'<option value="{esc(v[0] if isinstance(v, tuple) else v)}">'
            f"{esc(v[1] if isinstance(v, tuple) else v)}</option>"
            for v in values
        )
        return (
            f'<label>{esc(label)} <select id="f-{name}" data-filter="{name}">'
            f'<option value="">all</option>{opts}</select></label>'
        )

    return (
        '<div class="filters" id="filters">'
        + select("kind", "Kind", options["kind"])
        + select("store", "Store", options["store"])
        + select("category", "Category", options["category"])
        + '<label>Text <input id="f-q" data-filter="q" type="search"'
        ' placeholder="file name, reason…"></label>'
        '<button type="button" id="f-clear">Clear</button></div>'
    )


def _capped(shown: int, total: int, sql: str) -> str:
    if shown >= total:
        return ""
    return (
        f'<p class="capped">Showing {shown:,} of {total:,} rows. All of them:'
        f" <code>noticescan query SCAN_DIR {esc(json.dumps(sql))} --format csv</code></p>"
    )


def _items(con: duckdb.DuckDBPyConnection, ids: dict[str, str], f: dict[str, Any]) -> str:
    """Per-item drill-down: where each finding is, what kind, and its masked evidence only."""
    if not ids:
        return '<p class="empty">No items with personal data.</p>'
    con.register("shown", _uri_table(ids))
    info = {
        r[0]: r[1:]
        for r in con.execute(
            "SELECT uri, name, store, source, size, modified, location, readers, status, extractor"
            " FROM items WHERE uri IN (SELECT uri FROM shown)"
        ).fetchall()
    }
    findings: dict[str, list[tuple[Any, ...]]] = {}
    for row in con.execute(
        "SELECT item_uri, location, entity_type, category, score, detector, evidence_masked,"
        " value_hash, reason"
        " FROM (SELECT *, row_number() OVER (PARTITION BY item_uri ORDER BY start)"
        f" AS k FROM findings WHERE item_uri IN (SELECT uri FROM shown)) WHERE k <= "
        f"{MAX_FINDINGS_PER_ITEM} ORDER BY item_uri, k"
    ).fetchall():
        findings.setdefault(row[0], []).append(row[1:])
    reasons: dict[str, list[tuple[str, str]]] = {}
    for uri, kind, reason in con.execute(
        "SELECT item_uri, kind, reason FROM violations WHERE item_uri IN (SELECT uri FROM shown)"
        " ORDER BY kind, category"
    ).fetchall():
        reasons.setdefault(uri, []).append((kind, reason))
    counts = dict(
        con.execute(
            "SELECT item_uri, count(*) FROM findings WHERE item_uri IN (SELECT uri FROM shown)"
            " GROUP BY ALL"
        ).fetchall()
    )
    out = []
    for uri, anchor in ids.items():
        name, store, source, size, modified, location, readers, status, extractor = info.get(
            uri, (None,) * 9
        )
        facts = [
            ("URI", uri),
            ("Store", store),
            ("Source", source),
            ("Size", f"{size:,} bytes" if size is not None else None),
            ("Modified", modified.strftime("%Y-%m-%d %H:%M UTC") if modified else None),
            ("Location", location),
            ("Readers", ", ".join(readers) if readers is not None else "unknown"),
            ("Status", status),
            ("Extractor", extractor),
        ]
        dl = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in facts if v is not None)
        viol = "".join(f'<li class="kind-{esc(k)}">{esc(r)}</li>' for k, r in reasons.get(uri, []))
        frows = "".join(
            f"<tr><td>{esc(loc)}</td><td>{esc(et)}</td><td>{esc(cat)}</td>"
            f"<td class=n>{score:.2f}</td><td>{esc(det)}</td>"
            f'<td class="evidence">{esc(ev)}</td>'
            f'<td class="hash">{esc((h or "")[:HASH_CHARS])}</td>'
            f'<td class="why">{esc(why)}</td>'
            "</tr>"
            for loc, et, cat, score, det, ev, h, why in findings.get(uri, [])
        )
        n = counts.get(uri, 0)
        more = (
            f'<p class="capped">{MAX_FINDINGS_PER_ITEM} of {n:,} findings shown.</p>'
            if n > MAX_FINDINGS_PER_ITEM
            else ""
        )
        out.append(
            f'<details class="item" id="{anchor}"><summary>{esc(name or uri)}'
            f' <span class="muted">{esc(store)} · {n:,} finding{"s" if n != 1 else ""}'
            f"{' · ' + str(len(reasons[uri])) + ' violation(s)' if uri in reasons else ''}"
            f"</span></summary><dl>{dl}</dl>"
            + (f'<ul class="reasons">{viol}</ul>' if viol else "")
            + '<table class="findings"><thead><tr><th>Location</th><th>Entity</th>'
            "<th>Category</th><th class=n>Score</th><th>Detector</th><th>Evidence (masked)</th>"
            f"<th>Hash</th><th>Why</th></tr></thead><tbody>{frows}</tbody></table>{more}</details>"
        )
    return "".join(out) + _capped(len(ids), f["items_with_findings"], "SELECT * FROM findings")


def _uri_table(ids: dict[str, str]) -> pa.Table:
    return pa.table({"uri": pa.array(list(ids), pa.string())})


def _problems(con: duckdb.DuckDBPyConnection, f: dict[str, Any]) -> str:
    """Items that could not be scanned completely: the blind spots of this scan."""
    by_status = {k: v for k, v in f["by_status"].items() if k != "ok"}
    if not by_status:
        return '<p class="empty">Every item was read.</p>'
    summary = " · ".join(f"{esc(k)}: {v:,}" for k, v in sorted(by_status.items()))
    rows = con.execute(
        "SELECT status, uri, store, error FROM items WHERE status <> 'ok'"
        f" ORDER BY status, uri LIMIT {MAX_PROBLEMS}"
    ).fetchall()
    body = "".join(
        f'<tr data-status="{esc(s)}"><td>{esc(s)}</td><td class="item">{esc(u)}</td>'
        f"<td>{esc(st)}</td><td>{esc(e)}</td></tr>"
        for s, u, st, e in rows
    )
    total = sum(by_status.values())
    return (
        f'<p class="muted">{summary}</p><table id="problems" class="sortable"><thead><tr>'
        "<th>Status</th><th>Item</th><th>Store</th><th>Why</th></tr></thead>"
        f"<tbody>{body}</tbody></table>"
        + _capped(len(rows), total, "SELECT * FROM items WHERE status <> 'ok'")
    )


def _scalars(meta: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in meta.items() if isinstance(v, str | int | float | bool) or v is None}


def _meta(meta: dict[str, Any], scan_dir: Path) -> str:
    facts = dict(_scalars(meta))
    for key, value in meta.items():
        if isinstance(value, dict) and all(
            isinstance(v, str | int | float | bool) or v is None for v in value.values()
        ):
            facts.update({f"{key}.{k}": v for k, v in value.items()})
    facts.setdefault("scan folder", str(scan_dir))
    facts["report rendered"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return (
        "<dl class=meta>"
        + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in facts.items())
        + "</dl>"
    )
