"""The installation's memory between scans: every item's fingerprint and last results (SQLite).

This is noticescan's baseline (detect-secrets' idea): a re-scan reads only what changed because
the state remembers, per configuration, what each top-level item looked like when it was last
read (size, modified time, content hash) and what it held (its items.parquet row, its nested
items' rows, its findings). It is also the journal that makes a killed scan resumable: a group
(a top-level item and everything nested in it) is written in one transaction, stamped with the
scan that read it, so after `kill -9` the groups that scan completed are exactly the rows stamped
with it, and a half-finished container is simply not there. (Groups it carried forward unchanged
are not re-stamped, which would rewrite every row every night; a resumed scan carries them again.
Each scan records its analysis key, so the next one knows whether that scan's Parquet files hold
rows it may carry; see scanner.carry.)

WAL mode lets readers (a report, `sqlite3` by hand) look while a scan writes; writes are batched
(every BATCH_GROUPS groups or FLUSH_EVERY_S seconds) so the state costs a scan almost nothing.
A configuration is identified by its file path (or, for `scan PATH...`, the paths), not by its
digest: editing a threshold must not throw history away. What the findings depend on (detector
settings, limits, the HMAC key, the version) is kept per item as `analysis`; an item recorded
under another analysis is read again rather than carried forward.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import pyarrow as pa
import pyarrow.compute as pc

from scanner.errors import ScanLockedError, StateError

STATE_FILE = "state.sqlite"
BATCH_GROUPS = 500
FLUSH_EVERY_S = 1.0
# Statuses of a scan that ended (its outputs were published); any other status can be resumed.
FINISHED = ("complete", "incomplete")

# items.parquet columns kept per item, besides the keys (source, top, uri) and the fingerprint.
ITEM_COLS = (
    "parent_uri",
    "store",
    "name",
    "size",
    "modified",
    "owner",
    "readers",
    "location",
    "metadata",
    "status",
    "error",
    "extractor",
    "bytes_read",
    "chars_extracted",
    "content_hash",
    "finding_count",
    "read_s",
    "extract_s",
    "detect_s",
)
FINDING_COLS = (
    "item_uri",
    "location",
    "entity_type",
    "category",
    "score",
    "detector",
    "evidence_masked",
    "value_hash",
    "start",
    "end",
    "reason",
)


def _q(cols: Sequence[str]) -> str:
    return ", ".join(f'"{c}"' for c in cols)  # "end" is an SQL keyword


# A step is frozen once released: version 1 stored the findings columns before `reason`.
_FINDING_COLS_V1 = tuple(c for c in FINDING_COLS if c != "reason")

# The schema, one step per version (detect-secrets' upgrades, sqlite-utils' migrations): a state
# file records the version it is at (PRAGMA user_version) and is brought up step by step. Version
# 1 is the schema before versioning; such a file has user_version 0 and may lack scans.analysis.
_STEPS: dict[int, str] = {
    1: f"""
CREATE TABLE IF NOT EXISTS configs (
    id INTEGER PRIMARY KEY, identity TEXT UNIQUE NOT NULL, created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS scans (
    id TEXT PRIMARY KEY, config_id INTEGER NOT NULL, status TEXT NOT NULL, mode TEXT NOT NULL,
    started TEXT NOT NULL, finished TEXT, out_dir TEXT NOT NULL, config_digest TEXT NOT NULL,
    counts TEXT, analysis TEXT);
CREATE INDEX IF NOT EXISTS scans_by_config ON scans (config_id, started);
CREATE TABLE IF NOT EXISTS items (
    config_id INTEGER NOT NULL, source TEXT NOT NULL, top TEXT NOT NULL, uri TEXT NOT NULL,
    analysis TEXT NOT NULL, last_scan TEXT NOT NULL, {_q(ITEM_COLS)},
    PRIMARY KEY (config_id, source, top, uri)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS items_by_scan ON items (config_id, last_scan);
CREATE INDEX IF NOT EXISTS items_tops ON items (config_id, source, last_scan) WHERE uri = top;
CREATE TABLE IF NOT EXISTS findings (
    config_id INTEGER NOT NULL, source TEXT NOT NULL, top TEXT NOT NULL, {_q(_FINDING_COLS_V1)});
CREATE INDEX IF NOT EXISTS findings_by_top ON findings (config_id, source, top);
""",
    # Where change-tracking sources resume (sources.base.ChangeTracking): per container prefix,
    # the source's own value (a delta link, a SyncState, UIDs), valid under one analysis key.
    2: """
CREATE TABLE sync (
    config_id INTEGER NOT NULL, source TEXT NOT NULL, prefix TEXT NOT NULL, value TEXT NOT NULL,
    analysis TEXT NOT NULL, PRIMARY KEY (config_id, source, prefix)) WITHOUT ROWID;
""",
    # What each finished scan's walk reached (scanner.unreachable): sources read to the end, and
    # the sources or folders that could not be read, so a later scan knows what is unverified.
    3: "ALTER TABLE scans ADD COLUMN walk TEXT",
    # Why each finding was reported (the recognizer, shape, check and cue). Rows stored before
    # have none and are never carried: the analysis key changed with the recognizer list.
    4: "ALTER TABLE findings ADD COLUMN reason TEXT",
}
SCHEMA_VERSION = max(_STEPS)


@dataclass(frozen=True, slots=True)
class ScanRecord:
    """One scan as the state knows it."""

    id: str
    status: str  # running (or killed), interrupted, complete, incomplete (FINISHED)
    mode: str  # full or incremental
    started: str
    out_dir: Path
    analysis: str | None = None  # what its findings depend on (scanner.incremental.analysis_key)


@dataclass(slots=True)
class Group:
    """A top-level item and its nested items, as stored: rows keyed by ITEM_COLS/FINDING_COLS."""

    source: str
    top: str
    items: list[tuple[Any, ...]]  # (uri, *ITEM_COLS); the top-level row is the one with uri == top
    findings: list[tuple[Any, ...]]  # FINDING_COLS

    @property
    def head(self) -> tuple[Any, ...]:
        """The top-level item's row."""
        for row in self.items:
            if row[0] == self.top:
                return row
        raise KeyError(self.top)


def config_identity(config_path: Path | None, source_paths: Sequence[str]) -> str:
    """Stable name of a configuration: its file, or for `scan PATH...` the paths scanned."""
    if config_path is not None:
        return "config:" + str(config_path.resolve())
    return "paths:" + json.dumps(sorted(source_paths))


class ScanLock:
    """An exclusive flock held for a whole scan, so two scans of one config never interleave.

    flock is released by the kernel when the holder dies (even by kill -9), so a stale lock file
    never blocks the next night's run.
    """

    def __init__(self, state_dir: Path, identity: str) -> None:
        digest = hashlib.sha256(identity.encode()).hexdigest()[:16]
        self.path = state_dir / f"scan-{digest}.lock"
        self.identity = identity
        self._fh: TextIO | None = None

    def acquire(self) -> None:
        """Take the lock or raise ScanLockedError naming the holder."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release()
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "unknown"
            fh.close()
            raise ScanLockedError(
                f"another noticescan scan of {self.identity.split(':', 1)[1]} is running "
                f"(pid {holder}, lock {self.path}); wait for it to finish or stop that process"
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        self._fh = fh

    def release(self) -> None:
        """Drop the lock (closing the file releases the flock)."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None


class StateDB:
    """Access to state.sqlite; one instance per scan, used from the main process only."""

    def __init__(self, state_dir: Path) -> None:
        state_dir.mkdir(parents=True, exist_ok=True)
        self.path = state_dir / STATE_FILE
        try:
            self.con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self.con.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL survives a killed process (only power loss can lose the last batch,
            # which the next scan then simply reads again).
            self.con.execute("PRAGMA synchronous=NORMAL")
            self._upgrade()
        except sqlite3.DatabaseError as e:
            raise self.error(e) from e
        self._pending_groups: list[Group] = []
        self._pending_n = 0
        self._last_flush = time.monotonic()
        self._stamp: tuple[int, str] = (0, "")

    def _upgrade(self) -> None:
        """Bring the file to SCHEMA_VERSION, one step per transaction (two scans may race)."""
        while True:
            with self.con:
                self.con.execute("BEGIN IMMEDIATE")
                (version,) = self.con.execute("PRAGMA user_version").fetchone()
                if version > SCHEMA_VERSION:
                    raise StateError(
                        f"state database {self.path} is at schema version {version}, newer than "
                        f"this noticescan knows ({SCHEMA_VERSION}); upgrade noticescan, or give "
                        "this configuration its own state_dir"
                    )
                if version == SCHEMA_VERSION:
                    return
                step = version + 1
                for statement in _STEPS[step].split(";"):
                    if statement.strip():
                        self.con.execute(statement)
                if step == 1:
                    columns = {r[1] for r in self.con.execute("PRAGMA table_info(scans)")}
                    if "analysis" not in columns:  # a state from before scans recorded it
                        self.con.execute("ALTER TABLE scans ADD COLUMN analysis TEXT")
                self.con.execute(f"PRAGMA user_version = {step}")

    def error(self, exc: sqlite3.Error) -> StateError:
        """The one-line message for a state that cannot be used, naming the file and the fix."""
        text = str(exc)
        if "full" in text:
            fix = f"free space on the disk holding {self.path.parent} (scan.state_dir)"
        elif "readonly" in text or "read-only" in text:
            fix = f"make {self.path.parent} writable for this user, or set scan.state_dir"
        else:
            fix = (
                "move it aside to start a fresh history (the next scan then reads everything again)"
            )
        return StateError(f"state database {self.path} cannot be used ({text}); fix: {fix}")

    def check_soon(self) -> Future[str | None]:
        """Start PRAGMA quick_check on a thread; the future holds the problem found, or None.

        Damaged pages otherwise surface only when a scan touches them, which for a full scan is
        at its end, hours in. The check reads every page (0.1-0.3 s per 100k items), so it runs
        beside the walk rather than before it: sqlite releases the GIL while it reads.
        """
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="state-check")
        future = pool.submit(_quick_check, self.path)
        pool.shutdown(wait=False)
        return future

    # -- configurations and scans -------------------------------------------------------------

    def config_id(self, identity: str) -> int:
        """The id of a configuration identity, registering it on first use."""
        self.con.execute(
            "INSERT OR IGNORE INTO configs (identity, created) VALUES (?, datetime('now'))",
            (identity,),
        )
        row = self.con.execute("SELECT id FROM configs WHERE identity = ?", (identity,)).fetchone()
        return int(row[0])

    def last_scan(self, config_id: int) -> ScanRecord | None:
        """The most recently started scan of this configuration."""
        row = self.con.execute(
            "SELECT id, status, mode, started, out_dir FROM scans WHERE config_id = ? "
            "ORDER BY started DESC, id DESC LIMIT 1",
            (config_id,),
        ).fetchone()
        return ScanRecord(row[0], row[1], row[2], row[3], Path(row[4])) if row else None

    def previous_scan(self, config_id: int, scan_id: str) -> ScanRecord | None:
        """The scan of this configuration started last before `scan_id` (whatever its end)."""
        row = self.con.execute(
            "SELECT id, status, mode, started, out_dir, analysis FROM scans "
            "WHERE config_id = ? AND id != ? ORDER BY started DESC, id DESC LIMIT 1",
            (config_id, scan_id),
        ).fetchone()
        return ScanRecord(row[0], row[1], row[2], row[3], Path(row[4]), row[5]) if row else None

    def start_scan(self, config_id: int, rec: ScanRecord, digest: str) -> None:
        """Record a scan as running (a resumed scan keeps its row and goes back to running)."""
        self.con.execute(
            "INSERT INTO scans (id, config_id, status, mode, started, out_dir, config_digest, "
            "analysis) VALUES (?, ?, 'running', ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
            "status = 'running', config_digest = excluded.config_digest, "
            "analysis = excluded.analysis",
            (rec.id, config_id, rec.mode, rec.started, str(rec.out_dir), digest, rec.analysis),
        )

    def finish_scan(
        self, scan_id: str, status: str, counts: dict[str, Any], walk: dict[str, Any]
    ) -> None:
        """Record how a scan ended (after the last flush) and what its walk reached.

        `walk` is {"read": [source ids walked to the end], "unreachable": [{"source", "what"}]}:
        what `last_read` looks up later.
        """
        self.flush()
        self.con.execute(
            "UPDATE scans SET status = ?, finished = datetime('now'), counts = ?, walk = ? "
            "WHERE id = ?",
            (status, json.dumps(counts), json.dumps(walk), scan_id),
        )

    def walks(self, config_id: int, scan_id: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """(started, walk) of this configuration's finished scans before `scan_id`, newest first."""
        for started, walk in self.con.execute(
            "SELECT started, walk FROM scans WHERE config_id = ? AND id != ? AND walk IS NOT "
            f"NULL AND status IN {FINISHED!r} ORDER BY started DESC, id DESC",
            (config_id, scan_id),
        ):
            yield started, json.loads(walk)

    # -- reading groups -----------------------------------------------------------------------

    def groups(self, config_id: int, source: str, tops: Sequence[str]) -> dict[str, Group]:
        """Stored groups for these top-level uris (absent ones are simply missing)."""
        out: dict[str, Group] = {}
        if not tops:
            return out
        marks = ",".join("?" * len(tops))
        rows = self.con.execute(
            f"SELECT uri, {_q(ITEM_COLS)}, analysis, last_scan, top FROM items "
            f"WHERE config_id = ? AND source = ? AND top IN ({marks})",
            (config_id, source, *tops),
        ).fetchall()
        for row in rows:  # (uri, *ITEM_COLS, analysis, last_scan, top): top is not part of it
            g = out.get(row[-1])
            if g is None:
                g = out[row[-1]] = Group(source, row[-1], [], [])
            g.items.append(row)
        return out

    def findings(self, config_id: int, source: str, tops: Sequence[str]) -> dict[str, list[Any]]:
        """Stored finding rows for these top-level uris."""
        out: dict[str, list[Any]] = {}
        if not tops:
            return out
        marks = ",".join("?" * len(tops))
        for row in self.con.execute(
            f"SELECT top, {_q(FINDING_COLS)} FROM findings "
            f"WHERE config_id = ? AND source = ? AND top IN ({marks})",
            (config_id, source, *tops),
        ):
            out.setdefault(row[0], []).append(row[1:])
        return out

    def done_in(self, config_id: int, scan_id: str) -> Iterator[Group]:
        """Every group already completed by this scan (for --resume), streamed."""
        cur = self.con.execute(
            f"SELECT source, top, uri, {_q(ITEM_COLS)} FROM items "
            "WHERE config_id = ? AND last_scan = ? ORDER BY source, top",
            (config_id, scan_id),
        )
        batch: list[Group] = []
        current: Group | None = None
        for row in cur:
            if current is None or (current.source, current.top) != (row[0], row[1]):
                current = Group(row[0], row[1], [], [])
                batch.append(current)
                if len(batch) >= BATCH_GROUPS:
                    yield from self._with_findings(config_id, batch[:-1])
                    batch = batch[-1:]
            current.items.append(row[2:])
        yield from self._with_findings(config_id, batch)

    def tops(self, config_id: int, source: str, scan_id: str) -> list[str]:
        """Top-level uris of `source` that `scan_id` has not stored itself.

        One string, split in C: a Python row per stored item cost more than the rest of the
        sweep. NUL cannot occur in a path or a uri.
        """
        self.flush()
        (joined,) = self.con.execute(
            "SELECT group_concat(top, char(0)) FROM items WHERE config_id = ? "
            "AND source = ? AND uri = top AND last_scan != ?",
            (config_id, source, scan_id),
        ).fetchone()
        return joined.split("\0") if joined is not None else []

    def _with_findings(self, config_id: int, batch: list[Group]) -> Iterator[Group]:
        by_source: dict[str, list[Group]] = {}
        for g in batch:
            by_source.setdefault(g.source, []).append(g)
        for source, groups in by_source.items():
            found = self.findings(config_id, source, [g.top for g in groups])
            for g in groups:
                g.findings = found.get(g.top, [])
                yield g

    def groups_under(
        self, config_id: int, source: str, prefix: str, scan_id: str
    ) -> Iterator[list[Group]]:
        """Stored groups whose top-level uri is `prefix` + a name without "/", in batches.

        Deeper uris belong to a sub-container (sources.base.Changes). Groups this scan already
        stored (`scan_id`) are left out: they were read (or replayed after a resume) by this
        scan. The range on the primary key makes this a seek, not a scan of the source's rows.
        """
        cur = self.con.execute(
            f"SELECT top, uri, {_q(ITEM_COLS)} FROM items WHERE config_id = ? AND source = ? "
            "AND top >= ? AND top < ? AND top IN (SELECT top FROM items WHERE config_id = ? "
            "AND source = ? AND uri = top AND top >= ? AND top < ? AND last_scan != ? "
            "AND instr(substr(top, ?), '/') = 0) ORDER BY top",
            (config_id, source, prefix, _after(prefix))
            + (config_id, source, prefix, _after(prefix), scan_id, len(prefix) + 1),
        )
        batch: list[Group] = []
        for row in cur:
            if not batch or batch[-1].top != row[0]:
                if len(batch) >= BATCH_GROUPS:
                    yield list(self._with_findings(config_id, batch))
                    batch = []
                batch.append(Group(source, row[0], [], []))
            batch[-1].items.append(row[1:])
        if batch:
            yield list(self._with_findings(config_id, batch))

    # -- change-tracking sources' sync points ---------------------------------------------------

    def sync_state(self, config_id: int, source: str, analysis: str) -> dict[str, str]:
        """Where `source` resumes: saved by the last complete scan under this analysis key."""
        return dict(
            self.con.execute(
                "SELECT prefix, value FROM sync WHERE config_id = ? AND source = ? "
                "AND analysis = ?",
                (config_id, source, analysis),
            ).fetchall()
        )

    def save_sync_state(
        self, config_id: int, source: str, analysis: str, state: dict[str, str]
    ) -> None:
        """Replace `source`'s sync points in one transaction."""
        with self.con:
            self.con.execute("BEGIN IMMEDIATE")
            self.con.execute(
                "DELETE FROM sync WHERE config_id = ? AND source = ?", (config_id, source)
            )
            self.con.executemany(
                "INSERT INTO sync (config_id, source, prefix, value, analysis) "
                "VALUES (?, ?, ?, ?, ?)",
                [(config_id, source, k, v, analysis) for k, v in sorted(state.items())],
            )

    # -- writing (batched) --------------------------------------------------------------------

    def put(self, group: Group) -> None:
        """Replace a group with freshly scanned rows (items rows end with analysis, last_scan)."""
        self._pending_groups.append(group)
        self._count()

    def _count(self) -> None:
        self._pending_n += 1
        if self._pending_n >= BATCH_GROUPS or time.monotonic() - self._last_flush >= FLUSH_EVERY_S:
            self.flush()

    def flush(self) -> None:
        """Commit pending writes in one transaction: a group is stored whole or not at all."""
        self._last_flush = time.monotonic()
        if not self._pending_n:
            return
        cfg, sid = self._stamp
        # The last write of a group wins, as it did when each group was written in turn.
        groups = list({(g.source, g.top): g for g in self._pending_groups}.values())
        # One statement per table for the whole batch: sqlite's cost is per statement call as
        # much as per row, and a scan of small files flushes hundreds of one-item groups.
        tops = [(cfg, g.source, g.top) for g in groups]
        with self.con:
            self.con.execute("BEGIN IMMEDIATE")
            for table in ("items", "findings"):
                self.con.executemany(
                    f"DELETE FROM {table} WHERE config_id = ? AND source = ? AND top = ?", tops
                )
            self.con.executemany(
                f"INSERT INTO items (config_id, source, top, uri, {_q(ITEM_COLS)}, analysis, "
                f"last_scan) VALUES (?, ?, ?, {','.join('?' * (len(ITEM_COLS) + 3))})",
                [(cfg, g.source, g.top, *row) for g in groups for row in g.items],
            )
            self.con.executemany(
                f"INSERT INTO findings (config_id, source, top, {_q(FINDING_COLS)}) "
                f"VALUES (?, ?, ?, {','.join('?' * len(FINDING_COLS))})",
                [(cfg, g.source, g.top, *row) for g in groups for row in g.findings],
            )
        self._pending_groups = []
        self._pending_n = 0

    def bind(self, config_id: int, scan_id: str) -> None:
        """Set the configuration and scan that pending writes belong to."""
        self._stamp = (config_id, scan_id)

    # -- deletions ----------------------------------------------------------------------------

    def sweep(
        self,
        config_id: int,
        scan_id: str,
        walked: dict[str, pa.ChunkedArray],
        configured: set[str],
        protected: dict[str, list[str]],
    ) -> int:
        """Forget what is gone; returns how many top-level items were removed.

        Only sources in `walked` (their walk finished without a source error) lose items that
        this scan neither stored nor saw in its walk (`walked[source]`: the top-level uris it
        looked up; a full scan stores everything it saw), except under
        `protected` prefixes (folders that could not be listed this time). Items of sources no
        longer configured are dropped too. The comparison is one Arrow set look-up: an unchanged
        night writes nothing per item to the state.
        """
        self.flush()
        gone = 0
        with self.con:
            self.con.execute("BEGIN IMMEDIATE")
            for source in sorted(walked):
                keep = tuple(protected.get(source, ()))
                stored = pa.array(self.tops(config_id, source, scan_id), pa.string())
                unseen = stored.filter(pc.invert(pc.is_in(stored, value_set=walked[source])))
                tops = [t for t in unseen.to_pylist() if not under(t, keep)]
                for top in tops:
                    for table in ("items", "findings"):
                        self.con.execute(
                            f"DELETE FROM {table} WHERE config_id = ? AND source = ? AND top = ?",
                            (config_id, source, top),
                        )
                gone += len(tops)
            for source in sorted(self._sources(config_id) - configured):
                for table in ("items", "findings", "sync"):
                    self.con.execute(
                        f"DELETE FROM {table} WHERE config_id = ? AND source = ?",
                        (config_id, source),
                    )
        return gone

    def _sources(self, config_id: int) -> set[str]:
        """The sources the state holds items of: one index seek per source, not a table scan."""
        found: set[str] = set()
        query = "SELECT min(source) FROM items WHERE config_id = ? AND source > ?"
        (source,) = self.con.execute(
            "SELECT min(source) FROM items WHERE config_id = ?", (config_id,)
        ).fetchone()
        while source is not None:
            found.add(source)
            (source,) = self.con.execute(query, (config_id, source)).fetchone()
        return found

    def close(self) -> None:
        """Close the connection (pending writes must have been flushed)."""
        self.con.close()


def _after(prefix: str) -> str:
    """The least string above every string that starts with `prefix` (for a range seek)."""
    return prefix + "\U0010ffff"


def under(uri: str, prefixes: Sequence[str]) -> bool:
    """True when `uri` is one of `prefixes` or lies below one of them (a folder's contents)."""
    return any(uri == p or uri.startswith(p.rstrip("/") + "/") for p in prefixes)


def _quick_check(path: Path) -> str | None:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        rows = con.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as e:
        return str(e)
    finally:
        con.close()
    problems = [str(r[0]) for r in rows if r[0] != "ok"]
    return "; ".join(problems[:3]) or None
