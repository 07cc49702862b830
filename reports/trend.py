"""Violations by severity over the last scans of the same configuration, as a small inline chart.

A nightly scan answers "is it getting better?" only next to the nights before it. The earlier
scans are the sibling folders of this one (reports/diff.py `earlier_scans`); each is read from
its own violations.parquet (a count, so cheap at any size). A scan evaluated before severities
existed shows its total as "not rated" rather than a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq

from reports.diff import earlier_scans
from reports.labels import SEVERITIES
from reports.scope import read_scan_json

MAX_SCANS = 12
UNRATED = "unrated"
CHART_H, BAR_W, GAP, LEFT, TOP = 120, 34, 14, 44, 8


@dataclass
class Point:
    """One scan in the trend: its date, status and violations by severity."""

    scan_id: str
    label: str  # the scan's date, MM-DD
    time: str  # and its start time, HH:MM (scheduled scans may run more than once a day)
    status: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """All violations of the scan."""
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True)
class Segment:
    """One coloured part of a stacked bar."""

    severity: str
    value: int
    y: float
    height: float


@dataclass
class Column:
    """One bar of the chart and its label."""

    x: int
    point: Point
    segments: list[Segment] = field(default_factory=list)


def _counts(violations: Path) -> dict[str, int]:
    if not violations.exists():
        return {}
    if "severity" not in pq.read_schema(violations).names:
        row = duckdb.execute("SELECT count(*) FROM read_parquet(?)", [str(violations)]).fetchone()
        return {UNRATED: int(row[0]) if row else 0}
    rows = duckdb.execute(
        "SELECT severity, count(*) FROM read_parquet(?) GROUP BY ALL", [str(violations)]
    ).fetchall()
    return {str(s): int(n) for s, n in rows}


def _point(scan_dir: Path, meta: dict[str, Any]) -> Point:
    started = str(meta.get("started") or "")
    return Point(
        scan_id=str(meta.get("scan_id") or scan_dir.name),
        label=started[5:10] if len(started) >= 10 else scan_dir.name[:8],
        time=started[11:16] if len(started) >= 16 else "",
        status=str(meta.get("status") or ""),
        counts=_counts(scan_dir / "violations.parquet"),
    )


def points(scan_dir: Path, meta: dict[str, Any]) -> list[Point]:
    """The last scans (oldest first, this one last); [] when there is no earlier scan."""
    scan_id = str(meta.get("scan_id") or scan_dir.name)
    earlier = earlier_scans(
        scan_dir.resolve().parent,
        scan_id,
        statuses=("complete", "incomplete"),
        limit=MAX_SCANS - 1,
    )
    if not earlier:
        return []
    found = [_point(p, read_scan_json(p)) for p in reversed(earlier)]
    return [*found, _point(scan_dir, meta)]


def chart(trend: list[Point]) -> tuple[list[Column], int, int]:
    """Stacked bars (high at the bottom) scaled to the largest total: (columns, width, top)."""
    top = max((p.total for p in trend), default=0) or 1
    order = [*SEVERITIES, UNRATED]
    columns = []
    for i, p in enumerate(trend):
        col = Column(x=LEFT + i * (BAR_W + GAP), point=p)
        y = float(TOP + CHART_H)
        for sev in order:
            n = p.counts.get(sev, 0)
            if n:
                h = CHART_H * n / top
                y -= h
                col.segments.append(Segment(sev, n, round(y, 1), round(h, 1)))
        columns.append(col)
    width = LEFT + len(trend) * (BAR_W + GAP)
    return columns, width, top
