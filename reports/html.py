"""The HTML report compliance reads: one self-contained file rendered from a scan's Parquet files.

Self-contained means it opens from a USB stick or an e-mail attachment with no network: CSS, JS and
SVG charts are inline and nothing points outside the file. Everything that comes from the data is
hostile input (a file may be called `<img src=x onerror=alert(1)>.txt`), so the page is rendered
by Jinja2 with autoescaping on: every value is escaped unless a template says otherwise, and the
only things a template marks safe are our own CSS and JS. The rows the page's script renders are
set with textContent, never as markup. Raw personal data never reaches this module:
findings.parquet holds masked evidence and keyed hashes only, and hashes are shortened further.

Reads only the scan folder (Parquet + scan.json), never pipeline objects, so `noticescan report`
re-renders any past scan. The sections' data comes from reports/view.py, the rows from
reports/embedded.py (compressed, paginated in the page), the trend from reports/trend.py.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
from jinja2 import (
    Environment,
    FileSystemBytecodeCache,
    PackageLoader,
    StrictUndefined,
    select_autoescape,
)
from jinja2.bccache import Bucket
from markupsafe import Markup, escape

from reports import embedded, tables, trend, view
from reports.diff import diff_scans, previous_scan
from reports.labels import category_label, kind_label, labels, status_label
from reports.query import connect
from reports.scope import read_scan_json

REPORT_FILE = "report.html"
MAX_CHANGES = 1_000


class TemplateCache(FileSystemBytecodeCache):
    """Compiled templates kept between runs; a cache that fails is a cache that is not there.

    Compiling the report's templates took 0.27 s of every scan, an empty one's included (a
    third of its start-up), and of every `noticescan report`. Jinja keeps the bytecode keyed by
    template and checked against the source's digest, so an upgrade recompiles what changed; by
    default in a folder of the temporary directory that only this user may enter (Jinja checks
    its owner and mode). The report must not depend on it: a folder that cannot be written, or
    a file that cannot be read back, only costs the compile.
    """

    def load_bytecode(self, bucket: Bucket) -> None:
        """Fill the bucket from its file, or leave it empty (compile) when that fails."""
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - a cut or foreign file: compile as if none were kept
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Keep the bucket's bytecode when the folder takes it; say nothing when it does not."""
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def template_cache(directory: str | None = None) -> TemplateCache | None:
    """The cache in `directory` (default: Jinja's private temporary folder), or None if unsafe."""
    try:
        return TemplateCache(directory)
    except (RuntimeError, OSError):  # a temporary folder someone else owns: no cache
        return None


@cache
def environment() -> Environment:
    """The template environment: autoescaping for every template, unknown names an error."""
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        bytecode_cache=template_cache(),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # `tojson` escapes <, >, & and ' so the JSON island cannot end its <script> element.
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "default": str}
    env.filters.update(
        num=lambda v: f"{v:,}" if isinstance(v, int) else v,
        kind=kind_label,
        category=category_label,
        status=status_label,
        when=view.when,
        path=_breakable,
    )
    return env


def render(scan_dir: Path, out: Path | None = None) -> Path:
    """Render `scan_dir` into one HTML file (default `scan_dir/report.html`); returns its path."""
    out = out or scan_dir / REPORT_FILE
    meta = read_scan_json(scan_dir)
    con = connect(scan_dir)
    try:
        tables.prepare(con, scan_dir)
        context = _context(con, scan_dir, meta)
    finally:
        con.close()
    page = environment().get_template("report.html").render(**context)
    partial = out.with_name(out.name + ".partial")
    partial.write_text(page, encoding="utf-8")
    partial.replace(out)
    return out


def _context(
    con: duckdb.DuckDBPyConnection, scan_dir: Path, meta: dict[str, Any]
) -> dict[str, Any]:
    scoped = (scan_dir / "violations.parquet").exists()
    figures = view.figures(con)
    columns, heat_rows = view.heat_map(con, scoped)
    folders, folder_total = view.top_folders(con)
    problems, problem_groups = view.problem_groups(con)
    finding_cols = {r[0] for r in con.execute("DESCRIBE findings").fetchall()}
    blocks = embedded.build(con, findings_reason="reason" in finding_cols)
    seconds = view.duration(meta)
    points = trend.points(scan_dir, meta)
    trend_columns, trend_width, trend_top = trend.chart(points)
    return {
        "css": _asset("report.css"),
        "js": _asset("report.js"),
        "title": f"noticescan report — {meta.get('scan_id') or scan_dir.name}",
        "meta": meta,
        "scan_dir": str(scan_dir),
        "scoped": scoped,
        "figures": figures,
        "kind_bars": view.kind_bars(figures["violations_by_kind"]),
        "unreachable": view.unreachable(meta),
        "heat_columns": columns,
        "heat_rows": heat_rows,
        "folders": folders,
        "folder_total": folder_total,
        "problems": problems,
        "problem_groups": problem_groups,
        "problem_total": figures["items"] - figures["by_status"].get("ok", 0),
        "blocks": blocks,
        "changes": changes(scan_dir, meta) if scoped else None,
        "trend": trend_columns,
        "trend_width": trend_width,
        "trend_top": trend_top,
        "trend_unrated": any(trend.UNRATED in p.counts for p in points),
        "statuses": view.status_rows(figures["by_status"]),
        "duration": view.human_seconds(seconds),
        "mb_per_s": (figures["bytes_read"] / 2**20 / seconds) if seconds else None,
        "sources": view.sources(meta),
        "source_errors": [str(e) for e in meta.get("source_errors") or []],
        "rendered": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "page_data": {
            "figures": figures,
            "scan": {k: v for k, v in meta.items() if isinstance(v, str | int | float | bool)},
            "labels": labels(),
            "columns": {"violations": tables.VIOLATION_COLUMNS, "items": tables.ITEM_COLUMNS},
            "shown": {"items": blocks.items, "total": blocks.items_total},
        },
    }


def _breakable(path: Any) -> Markup:
    """A path that may wrap after each "/" (escaped parts joined by <wbr>), never mid-name."""
    return Markup("/<wbr>").join(escape(part) for part in str(path).split("/"))


def _asset(name: str) -> Markup:
    """Our own stylesheet or script, the only text the page includes unescaped."""
    text = resources.files("reports").joinpath("templates", name).read_text(encoding="utf-8")
    return Markup(text)  # noqa: S704 - a file of this package, not data


def changes(scan_dir: Path, meta: dict[str, Any]) -> dict[str, Any] | None:
    """New and resolved violations against the previous scan of the same config, or None."""
    scan_id = str(meta.get("scan_id") or scan_dir.name)
    prev = previous_scan(scan_dir.resolve().parent, scan_id)
    if prev is None or not (prev / "violations.parquet").exists():
        return None
    d = diff_scans(prev, scan_dir)
    return {
        "old_scan": d.old_scan,
        "command": f"noticescan diff {prev.name} {scan_dir.name}",
        "new": d.new[:MAX_CHANGES],
        "resolved": d.resolved[:MAX_CHANGES],
        "new_total": len(d.new),
        "resolved_total": len(d.resolved),
        "cards": [
            ("new", "New violations", len(d.new)),
            ("resolved", "Resolved violations", len(d.resolved)),
            ("unchanged", "Unchanged violations", d.unchanged),
            ("added", "Items added", d.items_added),
            ("removed", "Items gone", d.items_removed),
            ("changed", "Items changed", d.items_changed),
        ],
    }
