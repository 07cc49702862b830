"""What runs on a Dask worker: one scan's plugin (settings, key check, parser slots) and its tasks.

The scanner registers a ScanPlugin on the cluster (scanner/dask_pool.py); Dask runs its setup()
on every worker, including workers that join later. Tasks then carry only references: a batch
of Items (paths, SMB paths, message ids: never content) or the folders of a walk step. Each
worker reads its items itself, with credentials from its own environment.

Parsing never happens in the Dask worker process. Each of the worker's task threads (a "slot")
owns a WorkerPool of one supervised process (scanner/pool.py) that loads the detector once and
is killed and replaced when an item passes limits.item_timeout_s or limits.worker_memory_mb,
exactly as on a single machine: a hung parser becomes a `timeout` row, never a stuck task.

Hashes must match the scanner's: setup() compares the fingerprint of the key the worker would
hash with (NOTICESCAN_HMAC_KEY, else the key file) with the scan's, and a worker with another
key, or none, fails the scan with one line naming the worker and the fix.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from dataclasses import dataclass, field

from distributed import WorkerPlugin, get_worker

import scanner
from scanner import allowlist
from scanner.config import ScanConfig
from scanner.errors import ClusterError, NoticeScanError
from scanner.incremental import code_digest
from scanner.models import Item, ItemResult
from scanner.pool import WorkerPool
from scanner.privacy import KEY_ENV, default_key_path, key_fingerprint, load_key
from sources.base import Folder, Source, SplitWalk, WalkStep

# Again, now that the worker's sys.path is final: `scanner` may have been imported before the
# Dask worker process had its parent's path and argv (a sitecustomize), when it could not tell.
scanner._drop_script_folder()

IDLE_S = 600.0  # a slot's parser process is stopped after this long without a batch
REAP_EVERY_S = 30.0


@dataclass
class Batch:
    """A scan task's result: every item's rows (masked, hashed), and how the slot fared."""

    results: list[tuple[ItemResult, str]]  # (result, top-level uri) in the order they finished
    slot: str  # worker address and thread: one parser process
    restarts: int  # parser processes killed and replaced during this batch
    peak_rss_mb: list[int] = field(default_factory=list)


@dataclass
class _Slot:
    lock: threading.Lock = field(default_factory=threading.Lock)
    pool: WorkerPool | None = None
    used: float = field(default_factory=time.monotonic)


class ScanPlugin(WorkerPlugin):  # type: ignore[misc]
    """One scan's settings on a worker, and the parser processes of its task slots."""

    def __init__(self, config: ScanConfig, fingerprint: str, allowed: str, code: str) -> None:
        self.config = config
        self.fingerprint = fingerprint  # of the scanner's key: not secret (scan.json has it)
        self.allowed = allowed  # keyed digest of the scanner's allow-list (scanner.allowlist)
        self.code = code  # the scanner's scanner.incremental.code_digest()

    def setup(self, worker: object) -> None:
        """Check the worker can hash with the scan's key and start parsers; raise if not."""
        self.address = str(getattr(worker, "address", "?"))
        self.slots: dict[int, _Slot] = {}
        self.sources: dict[int, dict[str, Source]] = {}
        self.lock = threading.Lock()
        self.closing = threading.Event()
        self.problem = self._key_problem() or self._code_problem() or self._daemon_problem()
        if self.problem:
            raise ClusterError(self.problem)
        threading.Thread(target=self._reap, name="noticescan-reaper", daemon=True).start()

    def teardown(self, worker: object) -> None:
        """The scan ended: stop every parser process (busy ones when their batch ends)."""
        self.closing.set()
        self._stop_idle(0.0)

    # -- tasks --------------------------------------------------------------------------------

    def run(self, items: list[Item]) -> Batch:
        """Process a batch of top-level items in this thread's slot."""
        me = threading.get_ident()
        with self.lock:
            slot = self.slots.setdefault(me, _Slot())
        with slot.lock:
            results: list[tuple[ItemResult, str]] = []
            if slot.pool is None:
                slot.pool = WorkerPool(self.config, 1, lambda r, top: None)
            pool = slot.pool
            pool.on_result = lambda r, top: results.append((r, top))
            before = pool.restarts
            try:
                for item in items:
                    while not pool.has_capacity():
                        pool.poll(0.2)
                    pool.submit(item)
                while pool.in_flight:
                    pool.poll(0.2)
            except BaseException:
                pool.terminate()  # e.g. the parser cannot start: the next batch starts afresh
                slot.pool = None
                raise
            slot.used = time.monotonic()
            if self.closing.is_set():
                pool.close()
                slot.pool = None
            return Batch(results, f"{self.address}/{me}", pool.restarts - before, pool.peak_rss_mb)

    def walk(self, source_id: str, folders: list[Folder] | None, files: int) -> WalkStep:
        """One step of a split walk, with this thread's own source objects (connections)."""
        me = threading.get_ident()
        with self.lock:
            if me not in self.sources:
                from sources.registry import build_sources

                self.sources[me] = {s.id: s for s in build_sources(self.config)}
            source = self.sources[me][source_id]
        assert isinstance(source, SplitWalk)
        return source.walk_step(folders, files)

    # -- checks -------------------------------------------------------------------------------

    def _key_problem(self) -> str | None:
        where = f"Dask worker {self.address}"
        path = self.config.secret_file or default_key_path()
        fix = (
            f"give every worker the scan's key: {KEY_ENV} in the worker's environment, or the "
            f"scanner's key file copied to {path} on the worker (docs/cluster.md)"
        )
        try:
            key = load_key(self.config.secret_file, create=False)
        except NoticeScanError as e:
            return f"{where} has no HMAC key to hash with ({e}); {fix}"
        mine = key_fingerprint(key)
        if mine != self.fingerprint:
            return (
                f"{where} would hash with another HMAC key (fingerprint {mine}; the scan's is "
                f"{self.fingerprint}), so its findings would match no other: {fix}"
            )
        file = self.config.allowlist.file
        try:
            same = allowlist.fingerprint(self.config.allowlist, key) == self.allowed
        except OSError as e:
            return f"{where} cannot read the allow-list {file} ({e.strerror}); copy it there"
        if not same:  # its own values would be findings here and dropped elsewhere
            return f"{where} has another allow-list at {file}; copy the scanner's file there"
        return None

    def _code_problem(self) -> str | None:
        """A worker whose detectors, extractors or parser libraries differ from the scanner's.

        Its findings would differ from what the scanner's own code finds in the same file, and
        the state would record them under the scanner's analysis key as if it had found them.
        """
        mine = code_digest()
        if mine == self.code:
            return None
        return (
            f"Dask worker {self.address} runs other detection code than the scanner (code "
            f"digest {mine}; the scanner's is {self.code}), so its findings would not be the "
            "scanner's: install the same noticescan and the same packages (constraints.txt) on "
            "every worker (docs/cluster.md)"
        )

    def _daemon_problem(self) -> str | None:
        if not multiprocessing.current_process().daemon:
            return None
        return (
            f"Dask worker {self.address} runs as a daemonic process, which may not start the "
            "supervised parser processes noticescan needs: start the workers with "
            "DASK_DISTRIBUTED__WORKER__DAEMON=False in their environment (docs/cluster.md)"
        )

    # -- idle parsers -------------------------------------------------------------------------

    def _reap(self) -> None:
        """Stop parser processes nobody used for IDLE_S (a scanner that died never says so)."""
        while not self.closing.wait(REAP_EVERY_S):
            self._stop_idle(IDLE_S)

    def _stop_idle(self, idle: float) -> None:
        with self.lock:
            slots = list(self.slots.values())
            sources = [s for per in self.sources.values() for s in per.values()]
            if self.closing.is_set():
                self.sources.clear()
        for slot in slots:
            if slot.pool is None or not slot.lock.acquire(blocking=False):
                continue  # busy: closed by its own thread at the end of the batch
            try:
                if slot.pool is not None and time.monotonic() - slot.used >= idle:
                    slot.pool.close()
                    slot.pool = None
            finally:
                slot.lock.release()
        if self.closing.is_set():
            for s in sources:
                s.close()


def plugin(name: str) -> ScanPlugin:
    """The plugin of the scan `name` on this worker, or a ClusterError saying why it cannot work."""
    worker = get_worker()
    found = worker.plugins.get(name)
    if not isinstance(found, ScanPlugin):
        raise ClusterError(
            f"Dask worker {worker.address} has not got this scan's settings (plugin {name}); "
            "check that it runs the same noticescan version as the scanner"
        )
    if getattr(found, "problem", None):
        raise ClusterError(found.problem)
    return found


def scan_batch(name: str, items: list[Item]) -> Batch:
    """Task: read, extract and detect a batch of items on this worker."""
    return plugin(name).run(items)


def walk_step(name: str, source_id: str, folders: list[Folder] | None, files: int) -> WalkStep:
    """Task: list part of a source on this worker (sources.base.SplitWalk)."""
    return plugin(name).walk(source_id, folders, files)
