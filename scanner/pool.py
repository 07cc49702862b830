"""A pool of worker processes that can kill and replace a worker stuck on one item.

concurrent.futures cannot do this: a hung C parser or a segfault takes a ProcessPoolExecutor down
or blocks it forever. Here each worker reports when it begins every (nested) item, the main
process arms a deadline from that moment and watches the worker's RSS; a worker past its deadline
or memory limit is killed, the item it was on becomes a `timeout`/`error` row, the tasks it had
not started go to another worker, and a fresh worker (detector loaded once) takes its place.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing as mp
import os
import signal
import sys
import time
import warnings
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any, Protocol

import psutil

from scanner.config import ScanConfig
from scanner.errors import NoticeScanError
from scanner.models import Item, ItemResult, Status

QUEUE_DEPTH = 2  # tasks per worker: one running, one waiting, so a worker never idles on IPC


class WorkerStartError(NoticeScanError):
    """Workers cannot start (missing model, broken install): the scan cannot run."""


OnResult = Callable[[ItemResult, str], None]


class Pool(Protocol):
    """What the scan dispatches items through; every ItemResult goes to the pool's on_result.

    Two implementations: this module's WorkerPool (processes on this machine) and DaskPool
    (scanner/dask_pool.py: the same work as tasks on a Dask cluster's workers).
    """

    restarts: int

    @property
    def in_flight(self) -> int:
        """Items submitted and not yet finished."""
        ...

    @property
    def peak_rss_mb(self) -> list[int]:
        """Highest RSS of each parser process seen (MB), largest first."""
        ...

    def has_capacity(self) -> bool:
        """True when a new item can be accepted without piling up."""
        ...

    def submit(self, item: Item) -> None:
        """Queue one top-level item."""
        ...

    def poll(self, timeout: float = 0.2) -> None:
        """Hand finished results to on_result, waiting up to `timeout` seconds for some."""
        ...

    def close(self) -> None:
        """Everything is done: stop the workers."""
        ...

    def terminate(self) -> None:
        """Stop now; in-flight items are not recorded."""
        ...


_server_started_with: tuple[str, tuple[tuple[str, str], ...]] | None = None


def _context() -> Any:
    """Workers are forked from a fork server that has loaded the detector's code and model.

    The fork server is a fresh process (fork from the scanner itself would copy pyarrow's
    threads and the writer state); it imports Presidio and the recognizers and loads the model
    once (scanner/preload.py), and every worker, restarts included, is forked from it: a
    worker's start costs ~0.4 s of CPU instead of ~3 s, and the model's pages are shared.

    A worker must still be what a fresh process would be: in a long-lived process (a Dask
    worker runs scan after scan) the server is started again when the environment changed
    since it started. The key also holds code_digest(), but that is computed once per process
    (functools.cache), so in a real process it never changes: code upgraded in place under a
    running Dask worker is refused before any pool starts (cluster_worker._code_problem) and
    needs the worker restarted, which ends its server too. Without the means to stop a server
    (a Python without ForkServer._stop), a pool whose key changed spawns.
    """
    global _server_started_with
    from multiprocessing import forkserver

    from scanner.incremental import code_digest

    now = (code_digest(), tuple(sorted(os.environ.items())))
    if _server_started_with not in (None, now):
        if not hasattr(forkserver._forkserver, "_stop"):
            return mp.get_context("spawn")
        stop_fork_server()
    _server_started_with = now
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["scanner.preload"])
    return ctx


def start_fork_server() -> None:
    """Start the workers' fork server now: it loads the model while the scanner goes on.

    The first WorkerPool would start it anyway, and wait for it there.
    """
    from multiprocessing import forkserver

    _context()
    forkserver.ensure_running()


def stop_fork_server() -> None:
    """Stop this process's fork server and wait for it to end (nothing when none runs).

    Called when a scan's workers are gone (closed or terminated: the server has reaped them).
    Nothing of the scan then outlives it, and, waited for, the server's CPU time and that of
    every worker it forked count as this process's children's, where `time`, cron's
    accounting and bench/runs.py (getrusage) look; an abandoned server's would count nowhere.
    """
    global _server_started_with
    from multiprocessing import forkserver

    server = forkserver._forkserver
    stop = getattr(server, "_stop", None)
    if stop is None:
        return
    pid = getattr(server, "_forkserver_pid", None)
    if isinstance(pid, int):
        # Killed, not asked: asked, it would exit the slow way, freeing the model and every
        # module object by object (~1 s); it holds nothing to save. Its time still counts.
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    stop()
    _server_started_with = None


def _die_with_parent(scanner: int) -> None:
    """Ask Linux to kill this worker when the fork server it came from dies, even by kill -9.

    A worker stuck in a parser would otherwise outlive a killed scanner (or Dask worker) and
    spin forever. The fork server leaves as soon as the scanner that started it is gone, and
    the signal follows from there. If the scanner died before the request was made, leave now.
    """
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the EOF on the pipe is the only signal
        return
    try:
        os.kill(scanner, 0)
    except ProcessLookupError:
        os._exit(1)


def _let_the_server_go() -> None:
    """Close this worker's copy of the fork server's "alive" pipe.

    The server leaves when every holder of that pipe's write end has closed it: the scanner
    and, as multiprocessing hands it on, each forked child. A worker stuck in a parser would
    hold it open, keep the server up after the scanner died, and never get its death signal.
    Workers start no processes from the server themselves, so they need no copy.
    """
    from multiprocessing import forkserver

    server = forkserver._forkserver
    fd = getattr(server, "_forkserver_alive_fd", None)
    if isinstance(fd, int):
        os.close(fd)
        setattr(server, "_forkserver_alive_fd", None)  # noqa: B010 (not in typeshed)


def _worker_main(conn: Connection, config: ScanConfig, scanner: int) -> None:
    """Entry point of a worker process: load the detector once, then serve tasks until None.

    Its environment is the fork server's, which is the scanner's: a pool whose environment
    differs from the server's starts a new server (_context).
    """
    _die_with_parent(scanner)
    _let_the_server_go()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process decides how to stop
    # A parser's warning about one file's quirk (Pillow's "Corrupt EXIF data") would reach the
    # terminal or cron mail as a two-line traceback fragment with no file named; what matters
    # about an item reaches its row (status, error) instead.
    warnings.simplefilter("ignore")
    from detectors.registry import build_detector
    from scanner.cache import FileCache
    from scanner.privacy import Redactor, load_key
    from scanner.worker import ItemProcessor
    from sources.registry import build_sources

    try:
        sources = {s.id: s for s in build_sources(config)}
        detector = build_detector(config.detectors, store=FileCache())
        processor = ItemProcessor(config, detector, sources, Redactor(load_key(config.secret_file)))
    except Exception as e:  # e.g. the NLP model is not installed: the scan cannot run at all
        conn.send(("fatal", f"{type(e).__name__}: {e}"))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            task = conn.recv()
        except EOFError:  # the main process died (kill -9): nobody to work for, leave quietly
            break
        if task is None:
            processor.flush(conn.send)  # nothing waits at this point; kept for certainty
            break
        task_id, item = task
        try:
            # Items may wait for a model stage shared with the next task only if that task is
            # here already (conn.poll): none waits for work that has not arrived.
            processor.run(task_id, item, conn.send, more=conn.poll)
        except (BrokenPipeError, ConnectionResetError):  # the main process died mid-item
            break
    for s in sources.values():
        s.close()
    _leave()


def _leave() -> None:
    """End the worker process without the interpreter's teardown.

    Everything a worker makes has gone over the pipe and its sources are closed, yet a normal
    exit frees the model, the name lists and the memos object by object (and lets the main
    process wait for it in close()). Logs and standard streams are flushed first.
    """
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


@dataclass
class _Task:
    """A top-level item sent to a worker, and its items begun but not done."""

    id: int
    item: Item
    open: list[Item] = field(default_factory=list)  # begun, in progress: outermost first
    waiting: list[Item] = field(default_factory=list)  # extracted, detection pending: in order
    reported: int = 0  # results handed to on_result

    @property
    def extracted(self) -> bool:
        """The top-level item is read and extracted: only shared detection work is left."""
        return bool(self.waiting) and self.waiting[-1].uri == self.item.uri and not self.open


@dataclass
class _Worker:
    proc: Any
    conn: Connection
    tasks: dict[int, _Task] = field(default_factory=dict)  # sent, not finished: in order sent
    deadline: float | None = None
    ready: bool = False
    ps: psutil.Process | None = None

    @property
    def busy(self) -> bool:
        """Some item is begun and not done (in progress, or waiting for detection)."""
        return any(t.open or t.waiting for t in self.tasks.values())

    @property
    def queued(self) -> int:
        """Tasks that still need the worker's reading and extraction (the rest wait briefly)."""
        return sum(not t.extracted for t in self.tasks.values())


class WorkerPool:
    """Runs items on `size` workers; every ItemResult (incl. kills) goes to `on_result`.

    `on_result(result, top_uri)` also gets the uri of the task's top-level item, so the caller
    can keep a container and its nested items together; the top-level result comes last.
    """

    def __init__(self, config: ScanConfig, size: int, on_result: OnResult) -> None:
        self.config = config
        self.size = size
        self.on_result = on_result
        self._ctx = _context()
        self._next_id = 0
        self._retry: deque[tuple[int, Item]] = deque()
        self.workers: list[_Worker] = [self._start() for _ in range(size)]
        self.restarts = 0
        self._start_failures = 0
        self._last_mem_check = 0.0
        self._peak_rss: dict[int, int] = {}  # pid -> highest RSS seen by the memory checks

    def _start(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(
            target=_worker_main, args=(child, self.config, os.getpid()), daemon=True
        )
        proc.start()
        child.close()
        return _Worker(proc=proc, conn=parent)

    @property
    def in_flight(self) -> int:
        """Tasks submitted and not yet finished (including ones waiting for a restarted worker)."""
        return sum(len(w.tasks) for w in self.workers) + len(self._retry)

    def has_capacity(self) -> bool:
        """True when a new task can be accepted without piling up.

        A task whose items all wait for a shared model stage does not count: the worker goes
        on with the next task, and its items finish with that one's (scanner.worker.ModelBatch,
        which bounds how many wait).
        """
        return not self._retry and any(w.queued < QUEUE_DEPTH for w in self.workers)

    @property
    def peak_rss_mb(self) -> list[int]:
        """Highest RSS of each worker process so far (MB, sampled every 0.5 s), largest first."""
        return sorted((round(b / 2**20) for b in self._peak_rss.values()), reverse=True)

    def submit(self, item: Item) -> None:
        """Queue an item on the least busy worker."""
        self._next_id += 1
        self._dispatch((self._next_id, item))

    def _dispatch(self, task: tuple[int, Item]) -> None:
        worker = min(self.workers, key=lambda w: w.queued)
        worker.tasks[task[0]] = _Task(*task)
        worker.conn.send(task)

    def poll(self, timeout: float = 0.2) -> None:
        """Handle worker messages for up to `timeout` seconds, then enforce deadlines and memory."""
        while self._retry and any(w.queued < QUEUE_DEPTH for w in self.workers):
            self._dispatch(self._retry.popleft())
        conns = {w.conn: w for w in self.workers}
        for conn in wait(list(conns), timeout):
            worker = conns[conn]  # type: ignore[index]
            try:
                while worker.conn.poll():
                    self._handle(worker, worker.conn.recv())
            except (EOFError, OSError):
                self._replace(worker, Status.ERROR, None)
        self._enforce()

    def _handle(self, worker: _Worker, msg: tuple[Any, ...]) -> None:
        kind = msg[0]
        if kind == "fatal":
            raise WorkerStartError(f"a worker process could not start: {msg[1]}")
        if kind == "ready":
            worker.ready = True
            worker.ps = psutil.Process(msg[1])
            self._sample(worker)
        elif kind == "begin":
            worker.tasks[msg[1]].open.append(msg[2])
            worker.deadline = time.monotonic() + self.config.limits.item_timeout_s
        elif kind == "waiting":  # the worker moves on; the item finishes with a later batch
            task = worker.tasks[msg[1]]
            item = _pop(task.open, msg[2])
            if item is not None:
                task.waiting.append(item)
            worker.deadline = time.monotonic() + self.config.limits.item_timeout_s
        elif kind == "done":
            result: ItemResult = msg[2]
            task = worker.tasks[msg[1]]
            # A task's waiting items finish first and in order (scanner/worker.py); otherwise
            # the item done is the innermost in progress.
            _pop(task.waiting or task.open, result.item.uri)
            task.reported += 1
            if not (task.open or task.waiting):  # the top-level item is done: never requeued
                del worker.tasks[task.id]
            busy = worker.busy
            worker.deadline = time.monotonic() + self.config.limits.item_timeout_s if busy else None
            self.on_result(result, task.item.uri)

    def _enforce(self) -> None:
        now = time.monotonic()
        check_mem = now - self._last_mem_check > 0.5
        if check_mem:
            self._last_mem_check = now
        limits = self.config.limits
        limit = limits.worker_memory_mb * 1024 * 1024
        for worker in list(self.workers):
            # Memory first: an item that blows up memory on a slow machine may also pass its
            # deadline, and "out of memory" is the truer reason to record.
            rss = self._sample(worker) if check_mem else None
            if worker.busy and rss is not None and rss > limit:
                self._replace(
                    worker,
                    Status.ERROR,
                    f"worker memory passed limits.worker_memory_mb "
                    f"({limits.worker_memory_mb}); the worker was stopped",
                )
            elif worker.deadline is not None and now > worker.deadline:
                self._replace(
                    worker,
                    Status.TIMEOUT,
                    f"took longer than limits.item_timeout_s ({limits.item_timeout_s:g} s); "
                    "the worker was stopped",
                )
            elif not worker.proc.is_alive():
                self._replace(worker, Status.ERROR, None)

    def _sample(self, worker: _Worker) -> int | None:
        """The worker's RSS now (None if it cannot be read), folded into its peak."""
        if worker.ps is None:
            return None
        try:
            rss: int = worker.ps.memory_info().rss
        except psutil.Error:
            return None
        self._peak_rss[worker.ps.pid] = max(self._peak_rss.get(worker.ps.pid, 0), rss)
        return rss

    def _replace(self, worker: _Worker, status: Status, message: str | None) -> None:
        """Kill a worker, record what it was doing, requeue what it had not begun, start another.

        `message` None means the worker died by itself; its exit status is read after the join.
        """
        worker.proc.kill()
        worker.proc.join(5)
        message = message or _death_message(worker)
        try:
            while worker.conn.poll():  # results it finished before dying are real: keep them
                self._handle(worker, worker.conn.recv())
        except (EOFError, OSError):
            pass
        if worker.busy:
            self._record_killed(worker, status, message)
        elif not worker.ready:
            self._start_failures += 1
            if self._start_failures >= 3:
                raise WorkerStartError(
                    "worker processes keep dying before they are ready; see the messages above"
                )
        self._retry.extend((t.id, t.item) for t in worker.tasks.values())  # never begun
        worker.conn.close()
        self.workers[self.workers.index(worker)] = self._start()
        self.restarts += 1

    def _record_killed(self, worker: _Worker, status: Status, message: str) -> None:
        """Record every item the killed worker had begun; its tasks are then accounted for.

        The item in progress is the one that was stuck (`status`), its containers did not
        finish. Items that only waited for the shared model stage were not at fault: a task of
        which nothing was reported yet is left in worker.tasks to run again elsewhere; the
        waiting items of the stuck item's task, or of a task partly reported, become error rows
        (read again by the next --incremental scan). When nothing was in progress, the shared
        model stage itself was stuck, and every waiting item gets `status`.
        """
        current = next((t for t in worker.tasks.values() if t.open), None)
        if current is None:
            shared = sum(len(t.waiting) for t in worker.tasks.values())
            why = f"{message} (in the detection stage shared by {shared} item(s))"
            for task in list(worker.tasks.values()):
                for item in task.waiting:
                    self.on_result(ItemResult(item=item, status=status, message=why), task.item.uri)
                if task.waiting:  # the others were not begun
                    del worker.tasks[task.id]
            return
        stuck = current.open[-1]
        why = (
            f"not finished: the worker was stopped while this item waited for detection "
            f"(item {stuck.uri}: {status})"
        )
        for task in list(worker.tasks.values()):
            if task is not current and not task.reported:
                continue  # nothing of it reported: it runs again on another worker
            for item in task.waiting:  # a task's top-level item, last, closes its group
                row = ItemResult(item=item, status=Status.ERROR, message=why)
                self.on_result(row, task.item.uri)
            if task.waiting and task is not current:
                del worker.tasks[task.id]
        top = current.item.uri
        self.on_result(ItemResult(item=stuck, status=status, message=message), top)
        for outer in reversed(current.open[:-1]):
            why = f"not finished: nested item {stuck.uri} failed ({status})"
            self.on_result(ItemResult(item=outer, status=Status.ERROR, message=why), top)
        del worker.tasks[current.id]

    def close(self) -> None:
        """Ask workers to finish and wait for them."""
        for w in self.workers:
            self._sample(w)  # a short scan may end between two memory checks
            try:
                w.conn.send(None)
            except OSError:
                pass
        for w in self.workers:
            w.proc.join(10)
            if w.proc.is_alive():
                w.proc.kill()

    def terminate(self) -> None:
        """Stop now (Ctrl-C): in-flight items are simply not recorded."""
        for w in self.workers:
            w.proc.kill()
        for w in self.workers:
            w.proc.join(5)


def _pop(items: list[Item], uri: str) -> Item | None:
    """Remove and return the item with this uri (the last if several have it), if there is one."""
    for i in range(len(items) - 1, -1, -1):
        if items[i].uri == uri:
            return items.pop(i)
    return None


def _death_message(worker: _Worker) -> str:
    code = worker.proc.exitcode
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = str(-code)
        return f"the parser crashed the worker process ({name}); the worker was restarted"
    if code == _NO_STATUS:
        return (
            "the worker process was lost with the fork server it came from (killed, or out "
            "of memory?); the worker was restarted"
        )
    return f"the worker process exited unexpectedly (exit code {code}); the worker was restarted"


# What multiprocessing reports as the exit code of a process from a fork server that died
# before it could pass the process's own status on (popen_forkserver).
_NO_STATUS = 255
