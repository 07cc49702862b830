"""What `noticescan review` does: select violations of a scan, record a decision about each.

The selection is made on the scan's own violations.parquet (filters combine; none at all is
refused unless --all, so a slip of the keyboard cannot accept everything), and the decision is
written per violation (or, for false positives, per finding) into the decisions file
(reports/decisions.py) with the item's content hash at the time. Nothing in the scan folder is
changed: the next scan of the config, or `noticescan report SCAN_DIR --config FILE`, applies it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from reports import decisions
from reports.decisions import ACCEPT, FALSE_POSITIVE, Decision
from reports.labels import KIND_LABELS, REVIEW_LABELS
from reports.scope import read_scan_json
from scanner.errors import NoticeScanError

ACTIONS = ("accept", "false-positive", "reopen")
SHOWN_ROWS = 25
REVIEW_FILE = "noticescan.review.toml"


@dataclass(frozen=True, slots=True)
class Selection:
    """The filters of one `review` call; they combine (AND)."""

    kind: str | None = None
    store: str | None = None
    category: str | None = None
    item: str | None = None  # glob over the item's uri or name
    finding: str | None = None  # a value_hash, or its first 8+ hex digits as the report shows
    everything: bool = False

    def where(self) -> tuple[str, list[Any]]:
        """SQL condition over violations `v` and the parameters it needs."""
        parts, params = ["TRUE"], []
        for column, value in (("kind", self.kind), ("store", self.store)):
            if value is not None:
                parts.append(f"v.{column} = ?")
                params.append(value)
        if self.category is not None:
            parts.append("v.category = ?")
            params.append(self.category)
        if self.item is not None:
            parts.append("(v.item_uri GLOB ? OR v.item_name GLOB ?)")
            params += [self.item, self.item]
        if self.finding is not None:
            parts.append(
                "EXISTS (SELECT 1 FROM findings f WHERE f.item_uri = v.item_uri"
                " AND f.category = v.category AND starts_with(f.value_hash, ?))"
            )
            params.append(self.finding)
        return " AND ".join(parts), params

    def is_empty(self) -> bool:
        """No filter at all."""
        return all(
            v is None for v in (self.kind, self.store, self.category, self.item, self.finding)
        )


@dataclass
class Outcome:
    """What one `review` call did, as lines for the terminal."""

    lines: list[str] = field(default_factory=list)


def review_file_for(scan_dir: Path, override: Path | None) -> Path:
    """The decisions file of the scan's config: --file, else scan.json's config, else an error."""
    if override is not None:
        return override.resolve()
    config = read_scan_json(scan_dir).get("config") or {}
    if config.get("review_file"):
        return Path(config["review_file"])
    if config.get("config_path"):  # a scan written before review_file existed
        return Path(config["config_path"]).with_suffix(".review.toml")
    raise NoticeScanError(
        f"{scan_dir}/scan.json names no config, so there is no place beside it for decisions; "
        f"give --file PATH (e.g. --file {REVIEW_FILE} beside your config)"
    )


def run(
    scan_dir: Path,
    action: str,
    selection: Selection,
    why: str | None,
    by: str,
    until: date | None,
    file: Path | None,
) -> Outcome:
    """Record `action` for the selected violations of `scan_dir`; return what to print."""
    if selection.is_empty() and not selection.everything:
        raise NoticeScanError(
            "no filter given: name what to decide about (--kind, --store, --category, --item, "
            "--finding), or give --all to decide about every violation of the scan"
        )
    if selection.finding is not None and not re.fullmatch(r"[0-9a-f]{8,64}", selection.finding):
        raise NoticeScanError(
            f"--finding {selection.finding!r}: give a value_hash (8 to 64 hex digits)"
        )
    if action != "reopen" and not (why and why.strip()):
        raise NoticeScanError(f"{action} needs --why TEXT: the reason is part of the record")
    path = review_file_for(scan_dir, file)
    con = _connect(scan_dir)
    try:
        rows = _selected(con, selection)
        if not rows:
            raise NoticeScanError(
                f"no violation of {scan_dir} matches these filters; nothing was recorded "
                f'(list them: noticescan query {scan_dir} "SELECT kind, store, category, '
                f'item_uri FROM violations")'
            )
        existing = {d.key: d for d in decisions.load(path)}
        today = date.today()
        if action == "accept":
            made = [
                Decision(ACCEPT, r["store"], r["item_uri"], r["category"], str(why), by, today,
                         kind=r["kind"], content_hash=r["content_hash"], until=until)
                for r in rows
            ]  # fmt: skip
            head = f"accepted {len(rows):,} violation(s)"
        elif action == "false-positive":
            made = [
                Decision(FALSE_POSITIVE, f["store"], f["item_uri"], f["category"], str(why), by,
                         today, finding=f["value_hash"], location=f["location"],
                         content_hash=f["content_hash"], until=until)
                for f in _findings(con, rows, selection.finding)
            ]  # fmt: skip
            head = f"marked {len(made):,} finding(s) false positive in {len(rows):,} violation(s)"
        else:
            made = []
            gone = _reopened(existing, rows, selection.finding)
            head = f"reopened {len(rows):,} violation(s): {len(gone):,} decision(s) removed"
            for key in gone:
                del existing[key]
    finally:
        con.close()
    for d in made:
        existing[d.key] = d
    decisions.save(path, list(existing.values()))
    who = f" by {by}" + (f", until {until.isoformat()}" if until else "")
    out = Outcome([head + (who if made else "") + (f": {why}" if why else "")])
    for r in rows[:SHOWN_ROWS]:
        was = REVIEW_LABELS.get(r["review"], r["review"])
        out.lines.append(
            f"  {KIND_LABELS.get(r['kind'], r['kind'])} | {r['store_name'] or r['store']} | "
            f"{r['category']} | {r['item_uri']} (was {was})"
        )
    if len(rows) > SHOWN_ROWS:
        out.lines.append(f"  ... and {len(rows) - SHOWN_ROWS:,} more")
    totals = {
        a: sum(1 for d in existing.values() if d.action == a) for a in (ACCEPT, FALSE_POSITIVE)
    }
    out.lines.append(
        f"decisions: {path} ({totals[ACCEPT]:,} accepted, {totals[FALSE_POSITIVE]:,} false "
        "positive findings in all)"
    )
    config = (read_scan_json(scan_dir).get("config") or {}).get("config_path")
    out.lines.append(
        "the next scan of the config applies them"
        + (f"; to apply them to this scan now: noticescan report {scan_dir} --config {config}"
           if config else "")
    )  # fmt: skip
    return out


def _connect(scan_dir: Path) -> duckdb.DuckDBPyConnection:
    paths = {n: scan_dir / f"{n}.parquet" for n in ("violations", "items", "findings")}
    for p in paths.values():
        if not p.exists():
            raise NoticeScanError(
                f"{p} is missing: review a scan the notice's rules were applied to "
                f"(`noticescan report {scan_dir} --config FILE` applies them)"
            )
    con = duckdb.connect()
    for name, p in paths.items():
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{_quote(p)}')")
    return con


def _quote(p: Path) -> str:
    return str(p).replace("'", "''")


def _selected(con: duckdb.DuckDBPyConnection, selection: Selection) -> list[dict[str, Any]]:
    where, params = selection.where()
    columns = {r[0] for r in con.execute("DESCRIBE violations").fetchall()}
    review = "v.review" if "review" in columns else "NULL"  # a scan from before reviews
    rows = con.execute(
        f"SELECT v.kind, v.store, v.store_name, v.item_uri, v.category, i.content_hash, "
        f"coalesce({review}, 'open') AS review FROM violations v "
        f"LEFT JOIN (SELECT uri, content_hash FROM items) i ON i.uri = v.item_uri "
        f"WHERE {where} ORDER BY v.store, v.item_uri, v.category, v.kind",
        params,
    )
    names = [d[0] for d in rows.description or ()]
    return [dict(zip(names, r, strict=True)) for r in rows.fetchall()]


def _findings(
    con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]], prefix: str | None
) -> list[dict[str, Any]]:
    """The findings behind the selected violations (one per value and location)."""
    keys = {(r["item_uri"], r["category"]): r for r in rows}
    table = pa.Table.from_pylist(
        [{"item_uri": i, "category": c} for i, c in keys],
        schema=pa.schema([("item_uri", pa.string()), ("category", pa.string())]),
    )
    con.register("chosen", table)
    found = con.execute(
        "SELECT DISTINCT f.item_uri, f.category, f.value_hash, f.location FROM findings f "
        "JOIN chosen USING (item_uri, category) WHERE ? IS NULL OR starts_with(f.value_hash, ?) "
        "ORDER BY ALL",
        [prefix, prefix],
    ).fetchall()
    return [
        {
            "item_uri": i,
            "category": c,
            "value_hash": h,
            "location": loc,
            "store": keys[(i, c)]["store"],
            "content_hash": keys[(i, c)]["content_hash"],
        }
        for i, c, h, loc in found
    ]


def _reopened(
    existing: dict[tuple[str | None, ...], Decision],
    rows: list[dict[str, Any]],
    prefix: str | None,
) -> list[tuple[str | None, ...]]:
    """Keys of the decisions about the selected violations (their findings, for --finding)."""
    accepted = {(ACCEPT, r["kind"], r["store"], r["item_uri"], r["category"]) for r in rows}
    items = {(r["item_uri"], r["category"]) for r in rows}
    gone: list[tuple[str | None, ...]] = []
    for key, d in existing.items():
        if prefix is None and key in accepted:
            gone.append(key)
        elif (
            d.action == FALSE_POSITIVE
            and (d.item, d.category) in items
            and (prefix is None or (d.finding or "").startswith(prefix))
        ):
            gone.append(key)
    return gone
