"""Where the pool's worker processes come from: a fork server that loaded the detector once.

Real processes throughout: the pool's fork server, its forked workers, and psutil reading them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

import scanner.incremental
from scanner import config as config_mod
from scanner.models import Item, ItemResult, Status
from scanner.pool import WorkerPool
from tests.conftest import REPO, cli_env

pytestmark = pytest.mark.slow
HOOKS = REPO / "tests" / "fixtures" / "hooks"


def ready(pool: WorkerPool) -> list[psutil.Process]:
    """The pool's worker processes once every one has loaded its detector."""
    deadline = time.monotonic() + 120
    while not all(w.ready for w in pool.workers):
        assert time.monotonic() < deadline, "the workers never became ready"
        pool.poll(0.2)
    return [w.ps for w in pool.workers if w.ps is not None]


@pytest.fixture
def pools(tmp_path: Path) -> Iterator[list[WorkerPool]]:
    """Pools made by a test, closed after it."""
    made: list[WorkerPool] = []
    yield made
    for pool in made:
        pool.close()


def new_pool(pools: list[WorkerPool], tmp_path: Path, size: int = 1) -> WorkerPool:
    cfg = config_mod.for_paths([tmp_path], tmp_path / "out")
    pools.append(WorkerPool(cfg, size, lambda r, top: None))
    return pools[-1]


def is_fork_server(process: psutil.Process) -> bool:
    return "multiprocessing.forkserver" in " ".join(process.cmdline())


def server_of(worker: psutil.Process) -> psutil.Process:
    server = worker.parent()
    assert server is not None and server.pid != os.getpid() and is_fork_server(server)
    return server


def test_workers_are_forked_from_one_server_that_loaded_the_model(
    pools: list[WorkerPool], tmp_path: Path
) -> None:
    a, b = ready(new_pool(pools, tmp_path, size=2))
    assert server_of(a).pid == server_of(b).pid
    # The model and the libraries are the server's pages, shared: what a worker holds alone is
    # a small part of what it maps (a spawned worker, loading its own model, holds ~80%).
    for worker in (a, b):
        memory = worker.memory_full_info()
        assert memory.uss < memory.rss / 2, memory


def test_a_changed_environment_or_code_gets_a_new_server(
    pools: list[WorkerPool], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker must be what a fresh process would be: the server is not kept across changes."""
    first = server_of(ready(new_pool(pools, tmp_path))[0])
    monkeypatch.setenv("NOTICESCAN_TEST_SOMETHING_NEW", "1")
    second = server_of(ready(new_pool(pools, tmp_path))[0])
    assert second.pid != first.pid and not first.is_running()
    monkeypatch.setattr(scanner.incremental, "code_digest", lambda: "an upgrade in place")
    third = server_of(ready(new_pool(pools, tmp_path))[0])
    assert third.pid != second.pid and not second.is_running()
    again = server_of(ready(new_pool(pools, tmp_path))[0])
    assert again.pid == third.pid  # nothing changed: the same server


def test_a_killed_server_takes_its_workers_and_is_started_again(
    pools: list[WorkerPool], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The item a worker was on when its server died is an error row that says so."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(HOOKS), str(REPO)]))
    monkeypatch.setenv("NOTICESCAN_TEST_BAD_EXTRACTOR", "1")  # SLOW!: 1.5 s in the parser
    results: list[ItemResult] = []
    pool = new_pool(pools, tmp_path)
    pool.on_result = lambda r, top: results.append(r)
    (worker,) = ready(pool)
    server = server_of(worker)
    slow = Item(uri="/t/slow.txt", source="s", store="x", name="slow.txt", data=b"SLOW! Ann")
    pool.submit(slow)
    while not pool.workers[0].busy:
        pool.poll(0.05)
    server.kill()
    worker.wait(30)  # it dies with the server (PR_SET_PDEATHSIG), not left running alone
    deadline = time.monotonic() + 60
    while pool.in_flight:
        assert time.monotonic() < deadline, "the lost item was never recorded"
        pool.poll(0.2)
    assert [(r.item.uri, r.status) for r in results] == [("/t/slow.txt", Status.ERROR)]
    assert "lost with the fork server" in (results[0].message or "")
    assert pool.restarts == 1
    (replacement,) = ready(pool)
    assert server_of(replacement).pid != server.pid


def test_a_worker_stuck_in_a_parser_dies_with_a_killed_scanner(tmp_path: Path) -> None:
    """The scanner killed (-9) while its worker spins in a parser: the worker goes too.

    The worker never returns to its pipe, so only the kernel can stop it: the server leaves
    when the scanner is gone (its "alive" pipe closes) and the worker's death signal follows.
    """
    root = tmp_path / "tree"
    root.mkdir()
    (root / "stuck.dat").write_bytes(b"HANG! a parser that never returns")
    reads = tmp_path / "reads.log"
    env = cli_env(
        PYTHONPATH=os.pathsep.join([str(HOOKS), str(REPO)]),
        NOTICESCAN_TEST_BAD_EXTRACTOR="1",
        NOTICESCAN_TEST_LOG_READS=str(reads),
    )
    cmd = [sys.executable, "-m", "scanner.cli", "scan", str(root), "--out", str(tmp_path / "o")]
    proc = subprocess.Popen([*cmd, "-q", "-w", "1"], env=env, cwd=tmp_path)
    deadline = time.monotonic() + 120
    while not (reads.exists() and reads.read_text()):
        assert proc.poll() is None and time.monotonic() < deadline, "the item was never read"
        time.sleep(0.05)
    worker = psutil.Process(int(reads.read_text().split()[0]))
    time.sleep(0.5)  # well into the parser's endless loop
    assert worker.status() != psutil.STATUS_ZOMBIE
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    worker.wait(15)  # raises psutil.TimeoutExpired if it is still spinning


def test_a_scan_ends_its_fork_server_and_counts_its_workers_time(tmp_path: Path) -> None:
    """After a scan no process of it runs, and the scanner waited for them all.

    Waited for, the fork server's CPU time (its imports, the model, and every worker it
    forked and reaped) is the scanner's children's, which `time`, process accounting and
    bench/runs.py read; a server left to exit alone would take it nowhere.
    """
    import resource

    from scanner.pipeline import run_scan

    root = tmp_path / "tree"
    root.mkdir()
    (root / "letter.txt").write_text("Dear Ms Carter, call me on 0113 496 0123.\n")
    cfg = config_mod.from_dict(
        {
            "scan": {"out": str(tmp_path / "out"), "workers": 1},
            "source": [{"type": "local", "path": str(root), "id": "tree"}],
        },
        tmp_path,
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run_scan(cfg)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert not [p for p in psutil.Process().children() if p.is_running() and is_fork_server(p)]
    # The server's imports and model load alone are seconds of CPU; unwaited, this is ~0.
    assert after.ru_utime - before.ru_utime > 1.0
