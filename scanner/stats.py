"""What a scan counts while it runs and what it hands back: ScanStats, ScanSummary.

Kept apart from the pipeline so that the progress display and the run log (and the CLI) read a
scan's figures without importing the machinery that produces them.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from scanner.models import ItemResult

# Outcomes that are not failures: read, or knowingly not read (not a document, unknown format).
NOT_ERRORS = ("ok", "skipped", "unsupported")


@dataclass
class ScanStats:
    """Running totals, shown by the progress display and written to scan.json."""

    items: int = 0
    bytes: int = 0
    findings: int = 0
    carried: int = 0
    carried_from_previous: int = 0  # of carried: copied in bulk from the previous scan's files
    by_status: Counter[str] = field(default_factory=Counter)
    started: float = field(default_factory=time.monotonic)
    # Detections the allow-list dropped in the items this scan read (carried items: not again).
    allow_listed: Counter[str] = field(default_factory=Counter)

    @property
    def errors(self) -> int:
        """Items that could not be read as they should: error, timeout, encrypted, too_large."""
        return sum(n for s, n in self.by_status.items() if s not in NOT_ERRORS)

    @property
    def skipped(self) -> int:
        """Items with nothing to read or no reader: not documents, unknown formats."""
        return self.by_status["skipped"] + self.by_status["unsupported"]

    def add(self, result: ItemResult) -> None:
        """Count one finished item."""
        self.items += 1
        self.bytes += result.bytes_read
        self.findings += len(result.findings)
        self.by_status[str(result.status)] += 1

    def add_row(self, row: dict[str, Any], carried: bool) -> None:
        """Count one items.parquet row; a carried row's bytes were not read by this scan."""
        self.items += 1
        self.findings += row["finding_count"] or 0
        self.by_status[row["status"]] += 1
        if carried:
            self.carried += 1
        else:
            self.bytes += row["bytes_read"] or 0

    def add_carried(self, items: pa.Table) -> None:
        """Count rows carried from the previous scan's files (add_row, without a dict each)."""
        self.items += items.num_rows
        self.carried += items.num_rows
        self.carried_from_previous += items.num_rows
        self.findings += pc.sum(items["finding_count"]).as_py() or 0
        for v in pc.value_counts(items["status"]).to_pylist():
            self.by_status[v["values"]] += v["counts"]


@dataclass
class ScanSummary:
    """What a finished (or interrupted) scan produced."""

    scan_id: str
    out_dir: Path
    stats: ScanStats
    interrupted: bool
    source_errors: list[str]
    mode: str = "full"
    resumed: bool = False
    gone: int = 0
    notes: list[str] = field(default_factory=list)
    unreachable: list[dict[str, Any]] = field(default_factory=list)  # scan.json `unreachable`

    @property
    def status(self) -> str:
        """interrupted, incomplete (something could not be reached) or complete."""
        if self.interrupted:
            return "interrupted"
        return "incomplete" if self.unreachable else "complete"


Progress = Callable[[ScanStats, bool], None]
# Runs on the published scan folder before OUT/latest moves (scope and report, in the CLI).
Finish = Callable[[Path], None]
