"""The worker pool's second implementation: the same dispatch, as tasks on a Dask cluster.

The scan (scanner/pipeline.py) drives a DaskPool exactly as it drives the local WorkerPool:
submit / has_capacity / poll / in_flight / close / terminate, results to on_result. Only the
place the work runs changes. Items travel to the workers as references in batches (a batch is
one task: up to BATCH_ITEMS items or BATCH_BYTES of listed size); each worker reads them itself
and returns the batch's masked rows in one result. Walks of sources that can be split
(sources.base.SplitWalk) run on the workers too, a folder stack per task (walk_split).

Nothing is written twice and nothing is lost when a worker dies: a batch's rows come back only
as the task's result, which the client receives once, and Dask runs the task of a dead worker
again elsewhere. A batch whose workers kept dying (Dask's allowed-failures) becomes `error` rows,
which the next --incremental scan reads again. A lost scheduler ends the scan with a
ClusterError (exit 2); the state holds every group finished before it, for --resume.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import CancelledError
from dataclasses import replace
from typing import Any

from scanner import allowlist
from scanner.config import ScanConfig
from scanner.errors import ClusterError, NoticeScanError
from scanner.incremental import code_digest

try:
    import dask
    from distributed import Client, Future, KilledWorker, LocalCluster, wait
except ModuleNotFoundError as _missing:  # imported only when a scan asks for a cluster
    raise ClusterError(
        "scan.cluster / --cluster needs Dask, which is not installed: "
        "pip install 'noticescan[cluster]' (on the scanner and on every worker)"
    ) from _missing

from scanner.cluster_worker import Batch, ScanPlugin, scan_batch, walk_step
from scanner.models import Item, ItemResult, Status
from scanner.pool import OnResult
from scanner.privacy import key_fingerprint, load_key, mask_metadata
from scanner.unreachable import root_uri
from sources.base import Folder, NamesPrincipals, Source, WalkStep
from sources.listing import Listing

BATCH_ITEMS = 16  # items per task: small files cost more in task overhead than in parsing
BATCH_BYTES = 16 * 2**20  # listed size per task: a large file is a task of its own
DEPTH = 2  # tasks per worker thread: one running, one waiting, so no thread idles on a round trip
WALK_FIRST = 256  # files the first walk step lists before it hands the rest out
WALK_STEP = 5_000  # files each later walk step lists (one result: a Listing or Items)
CONNECT_S = 30.0
# Dask's own monitoring, which costs CPU on every worker while parsers need it (bench.cluster:
# the stack-sampling profiler and the 0.5 s system monitor), and the environment a nanny gives
# its worker (MALLOC_TRIM_THRESHOLD_, one BLAS thread), which parser processes would inherit:
# they run as in the local pool. The same settings for real workers are in
# deploy/noticescan-dask-worker.service.
QUIET = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.interval": "10s",
    "distributed.admin.tick.interval": "200ms",
    "distributed.nanny.pre-spawn-environ": {},
}
SLOTS_EVERY_S = 5.0  # how often the cluster's thread count is asked again (workers come and go)
NO_WORKERS_S = 120.0  # a scheduler without workers this long: the scan would wait forever


class DaskPool:
    """Runs items as Dask tasks on the cluster named by config.cluster (see module docstring)."""

    def __init__(self, config: ScanConfig, on_result: OnResult) -> None:
        assert config.cluster
        self.config = config
        self.on_result = on_result
        self.address = config.cluster
        self.restarts = 0
        self._peak: dict[str, int] = {}  # slot -> highest RSS (MB) of its parser process
        self._batch: list[Item] = []
        self._batch_bytes = 0
        self._tasks: dict[Future, list[Item]] = {}
        self._n = 0
        self._slots = 1
        self._slots_at = 0.0
        self._alone_since: float | None = None  # when the cluster was last seen without workers
        self._stores = {s.id: s.store for s in config.sources}
        self.client, self._cluster = _connect(config.cluster)
        self.name = f"noticescan-{secrets.token_hex(4)}"
        key = load_key(config.secret_file)
        plugin = ScanPlugin(
            config,
            key_fingerprint(key),
            allowlist.fingerprint(config.allowlist, key),
            code_digest(),
        )
        try:
            self.client.register_plugin(plugin, name=self.name)
        except BaseException:
            self._shut()
            raise

    # -- the dispatch interface (scanner.pool.Pool) -------------------------------------------

    @property
    def in_flight(self) -> int:
        """Items submitted and not yet finished (including the batch being filled)."""
        return len(self._batch) + sum(len(items) for items in self._tasks.values())

    @property
    def peak_rss_mb(self) -> list[int]:
        """Highest RSS of each parser process on the cluster (MB), largest first."""
        return sorted(self._peak.values(), reverse=True)

    def has_capacity(self) -> bool:
        """True while fewer than DEPTH tasks per worker thread are queued."""
        return len(self._tasks) < DEPTH * self._thread_count()

    def submit(self, item: Item) -> None:
        """Add an item to the batch being filled; a full batch goes to the cluster."""
        size = item.size or 0
        if self._batch and self._batch_bytes + size > BATCH_BYTES:
            self._send()
        self._batch.append(item)
        self._batch_bytes += size
        if len(self._batch) >= BATCH_ITEMS:
            self._send()

    def poll(self, timeout: float = 0.2) -> None:
        """Send the partial batch, then hand finished batches' rows to on_result."""
        if self._batch:
            self._send()
        self._thread_count()  # fails the scan if the cluster has had no worker for long
        for fut in self._finished(list(self._tasks), timeout):
            self._collect(fut, self._tasks.pop(fut))

    def close(self) -> None:
        """All done: stop the parser processes on every worker, then disconnect."""
        self._shut()

    def terminate(self) -> None:
        """Stop now (Ctrl-C, an error): queued tasks are cancelled, running ones not recorded."""
        if self._tasks and self.client.status == "running":
            self.client.cancel(list(self._tasks), force=True)
        self._tasks.clear()
        self._shut()

    # -- split walks --------------------------------------------------------------------------

    def walk_split(self, source: Source, listings: bool) -> Iterator[Item | ItemResult | Listing]:
        """Walk `source` (a SplitWalk) on the workers, a folder stack per task, as it finishes.

        The first task lists from the root and hands back the folders it did not reach; they are
        shared out among the free worker threads, and so on, so the listing spreads over the
        cluster within a few steps. Yields what the source's own walk() (or listing(), with
        `listings`) would, in another order.
        """
        waiting: deque[Folder] = deque()
        running: dict[Future, list[Folder] | None] = {self._walk(source, None, WALK_FIRST): None}
        while running:
            for fut in self._finished(list(running), 0.5):
                folders = running.pop(fut)
                step = self._step(fut, source, folders)
                waiting.extend(step.rest)
                yield from _found(step, listings)
            free = max(1, self._thread_count() - len(running))
            while waiting and len(running) < self._thread_count():
                share = max(1, -(-len(waiting) // free))
                part = [waiting.popleft() for _ in range(min(share, len(waiting)))]
                running[self._walk(source, part, WALK_STEP)] = part

    def _walk(self, source: Source, folders: list[Folder] | None, files: int) -> Future:
        self._n += 1
        key = f"{self.name}-walk-{self._n}"
        return self.client.submit(walk_step, self.name, source.id, folders, files, key=key)

    def _step(self, fut: Future, source: Source, folders: list[Folder] | None) -> WalkStep:
        """A walk task's step; a part the cluster could not list becomes error rows (gaps)."""
        if fut.status == "finished":
            step: WalkStep = fut.result()
            if step.principals is not None and isinstance(source, NamesPrincipals):
                source.absorb(step.principals)
            return step
        exc = self._failure(fut)
        if not isinstance(exc, KilledWorker):
            raise exc  # e.g. SourceError (the root cannot be read): the walk records the gap
        why = f"the Dask workers listing it died repeatedly ({exc}); it was not listed"
        store = self._stores[source.id]
        named = folders or [Folder(None, 0, root_uri(source))]
        return WalkStep([_folder_row(source.id, store, f.uri, why) for f in named], [])

    # -- inside -------------------------------------------------------------------------------

    def _send(self) -> None:
        self._n += 1
        key = f"{self.name}-scan-{self._n}"
        fut = self.client.submit(scan_batch, self.name, self._batch, key=key)
        self._tasks[fut] = self._batch
        self._batch, self._batch_bytes = [], 0

    def _finished(self, futures: list[Future], timeout: float) -> list[Future]:
        """The futures among `futures` that ended, waiting up to `timeout` for one."""
        if not futures:
            time.sleep(min(timeout, 0.05))
            return []
        try:
            with self.client.as_current():  # wait() asks for "the" client; ours is not global
                done, _ = wait(futures, timeout=timeout, return_when="FIRST_COMPLETED")
        except TimeoutError:
            done = set()
        except CancelledError:  # the client cancels every future when the scheduler goes
            raise self._lost() from None
        if not done and self.client.status not in ("running", "connecting"):
            raise self._lost()
        return [f for f in futures if f in done]

    def _collect(self, fut: Future, items: list[Item]) -> None:
        if fut.status == "finished":
            batch: Batch = fut.result()
            self.restarts += batch.restarts
            if batch.peak_rss_mb:
                self._peak[batch.slot] = max(self._peak.get(batch.slot, 0), *batch.peak_rss_mb)
            for result, top in batch.results:
                self.on_result(result, top)
            return
        exc = self._failure(fut)
        if not isinstance(exc, KilledWorker):
            raise exc
        why = (
            f"the Dask workers processing it died repeatedly ({exc}); not read, and read "
            "again by the next --incremental scan"
        )
        for item in items:
            public = replace(item, metadata=mask_metadata(item.metadata))
            self.on_result(ItemResult(item=public, status=Status.ERROR, message=why), item.uri)

    def _failure(self, fut: Future) -> BaseException:
        """What ended a task that did not finish: the error to raise, or a KilledWorker."""
        if fut.status == "cancelled":  # the client cancels everything when the scheduler goes
            return self._lost()
        exc = fut.exception()
        if isinstance(exc, KilledWorker | NoticeScanError):
            return exc
        return ClusterError(
            f"a task on the Dask cluster failed: {type(exc).__name__}: {exc}; check that every "
            "worker runs the scanner's noticescan version (docs/cluster.md)"
        )

    def _lost(self) -> ClusterError:
        return ClusterError(
            f"lost the Dask scheduler at {self.address} (client {self.client.status}); the "
            "items finished so far are kept in the state: when the scheduler is back, run the "
            "same command with --resume"
        )

    def _thread_count(self) -> int:
        """The cluster's worker threads (asked every few seconds); a cluster of none fails."""
        now = time.monotonic()
        if now - self._slots_at > SLOTS_EVERY_S and self.client.status == "running":
            self._slots_at = now
            try:
                threads = sum(self.client.nthreads().values())
            except (OSError, TimeoutError):
                return self._slots  # the next poll says whether the scheduler is gone
            self._alone_since = None if threads else self._alone_since or now
            if self._alone_since is not None and now - self._alone_since > NO_WORKERS_S:
                raise ClusterError(
                    f"no Dask worker has been connected to the scheduler at {self.address} "
                    f"for {NO_WORKERS_S:g} s: start the workers (docs/cluster.md), then run the "
                    "same command with --resume"
                )
            self._slots = max(1, threads)
        return self._slots

    def _shut(self) -> None:
        """Unregister the plugin (workers stop their parsers), close the client and cluster."""
        try:
            if self.client.status == "running":
                self.client.unregister_worker_plugin(self.name)
        except (OSError, TimeoutError, NoticeScanError):
            pass  # workers that cannot be told stop their idle parsers themselves (IDLE_S)
        finally:
            self.client.close(timeout=10)
            if self._cluster is not None:
                self._cluster.close(timeout=30)


def _connect(address: str) -> tuple[Any, Any]:
    """A client of the scheduler at `address`, or of a new LocalCluster for `local:N`."""
    # What goes wrong reaches the user as one ClusterError line; Dask's client would also log
    # each failed reconnect with a traceback on stderr (cron mail). Its scheduler and workers
    # keep their own logs.
    for name in ["distributed", *logging.root.manager.loggerDict]:
        if name.startswith("distributed"):  # some have levels of their own (dask's config)
            logging.getLogger(name).setLevel(logging.CRITICAL)
    cluster = None
    try:
        if address.startswith("local:"):
            # Parser processes are children of the Dask worker processes, which Python forbids
            # for daemonic processes (see docs/cluster.md for the same setting on real workers).
            with dask.config.set({"distributed.worker.daemon": False, **QUIET}):
                cluster = LocalCluster(
                    n_workers=int(address.removeprefix("local:")),
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=":0",  # no fixed port to collide with (no dashboard)
                    silence_logs=logging.CRITICAL,
                )
            return Client(cluster, set_as_default=False), cluster
        return Client(address, timeout=CONNECT_S, set_as_default=False), None
    except (OSError, TimeoutError) as e:
        if cluster is not None:
            cluster.close()
        raise ClusterError(
            f"cannot reach the Dask scheduler at {address} ({e}); check that `dask scheduler` "
            "runs there and that this machine may connect to its port (docs/cluster.md)"
        ) from e


def _found(step: WalkStep, listings: bool) -> Iterator[Item | ItemResult | Listing]:
    """A step's findings in the form the scan asked for (listing chunks, or items)."""
    found = step.found
    if not isinstance(found, Listing):
        yield from found
    elif listings:
        yield found
    else:
        yield from found.rows()
        yield from (found.item(i) for i in range(len(found)))


def _folder_row(source: str, store: str, uri: str, why: str) -> ItemResult:
    """The error row of a folder no walk task could list: a gap, like any unlistable folder."""
    name = uri.rstrip("/").rsplit("/", 1)[-1]
    item = Item(uri=uri, source=source, store=store, name=name, metadata={"kind": "folder"})
    return ItemResult(item=item, status=Status.ERROR, message=f"cannot list folder {uri}: {why}")
