"""The evidence bundle `noticescan person --out DIR` writes for a data-subject request.

The bundle (`--out DIR`) is what a compliance officer files with the request: matches.parquet and
matches.csv (one row per finding that holds a given value) and person.html, one self-contained
page (inline CSS, no script, no link out) listing the scans searched, the stores, items,
locations, categories, dates and masked evidence. The values searched for appear only masked: the
Subject's raw values never reach this module's inputs except through `Subject.masked()`.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import jinja2

from reports.person_search import MATCH_COLUMNS, MATCH_SCHEMA, ScanSearch, plain
from reports.subject import Subject
from scanner.schema import RowWriter

BUNDLE_FILES = ("matches.parquet", "matches.csv", "person.html")


def write_bundle(searches: Sequence[ScanSearch], subject: Subject, out_dir: Path) -> list[Path]:
    """Write matches.parquet, matches.csv and person.html into out_dir; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = [m for s in searches for m in s.matches]
    writer = RowWriter(out_dir / "matches.parquet", MATCH_SCHEMA)
    writer.write_many(rows)
    paths = [writer.publish()]
    csv_path = out_dir / "matches.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as fh:
        write_csv(fh, MATCH_COLUMNS, rows)
    paths.append(csv_path)
    html_path = out_dir / "person.html"
    html_path.write_text(render_html(searches, subject), encoding="utf-8")
    paths.append(html_path)
    return paths


def write_csv(out: TextIO, columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> None:
    """Rows as CSV with a header line; dates ISO, lists joined with `; `."""
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows([plain(r[c]) for c in columns] for r in rows)


def render_html(searches: Sequence[ScanSearch], subject: Subject) -> str:
    """The self-contained page; every value passes Jinja2's autoescaping."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("reports", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    scans = [{**s.summary(), "verdict": s.verdict(), "items": _html_items(s)} for s in searches]
    return env.get_template("person.html").render(
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        searched=subject.masked(),
        scans=scans,
    )


def _html_items(search: ScanSearch) -> list[dict[str, Any]]:
    findings: dict[str, list[dict[str, Any]]] = {}
    for m in search.matches:
        findings.setdefault(m["item_uri"], []).append(m)
    items = search.item_rows()
    for item in items:
        item["modified"] = plain(item["modified"])
        item["matched_on"] = plain(item["matched_on"])
        item["findings"] = findings[item["item_uri"]]
    return items
