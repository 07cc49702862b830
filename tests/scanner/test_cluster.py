"""Scans on a real Dask cluster (issue 19): a `dask scheduler` and two `dask worker` processes.

One cluster serves the module. The estate is the demo estate plus items a test can catch in
flight (SLOW!: 1.5 s each) and one that hangs (HANG!), through the test hooks
(tests/fixtures/hooks), which the workers load like every process of a local scan does. Each
scan runs the real CLI as its own process, as cron would.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from tests.conftest import REPO, cli_env, make_estate, run_cli
from tests.fixtures.dask_cluster import DaskCluster, dask_worker_of

pytestmark = pytest.mark.slow

HOOKS = REPO / "tests" / "fixtures" / "hooks"
TIMING = {"read_s", "extract_s", "detect_s"}  # how long, not what: differs between any two runs
SLOW = [f"slow{i}.txt" for i in range(2)]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The estate, its config (the example config's stores), and the hooks' environment."""
    root = tmp_path_factory.mktemp("cluster")
    make_estate(root / "estate")
    hr = root / "estate" / "hr"
    for i, name in enumerate(SLOW):
        (hr / name).write_text(f"SLOW! Call Eleanor Whitfield on 07700 900{460 + i}.\n")
    (hr / "stuck.dat").write_bytes(b"HANG! a parser that never returns")
    text = (REPO / "config.example.toml").read_text()
    text = text.replace('path = "examples/estate/', 'path = "estate/')
    text = text.replace("item_timeout_s = 120.0", "item_timeout_s = 3.0")
    assert 'path = "estate/hr"' in text and "item_timeout_s = 3.0" in text
    (root / "noticescan.toml").write_text(text)
    reads = root / "reads.log"
    env = {
        "PYTHONPATH": os.pathsep.join([str(HOOKS), str(REPO)]),
        "NOTICESCAN_TEST_BAD_EXTRACTOR": "1",
        "NOTICESCAN_TEST_LOG_READS": str(reads),
    }
    return {"root": root, "config": root / "noticescan.toml", "env": env, "reads": reads}


@pytest.fixture(scope="module")
def cluster(site: dict[str, Any]) -> Iterator[DaskCluster]:
    c = DaskCluster(site["root"] / "dask-logs", cli_env(**site["env"]))
    c.start()
    yield c
    c.stop()


@pytest.fixture(scope="module")
def local_result(site: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """The same estate scanned by the local pool: what every cluster scan must equal."""
    r = scan(site, site["root"] / "local", "--workers", "2")
    return r.returncode, outputs(site["root"] / "local" / "latest")


def scan(site: dict[str, Any], out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(
        "scan", "--config", str(site["config"]), "--out", str(out), "-q", *args,
        cwd=site["root"], timeout=300, **site["env"],
    )  # fmt: skip


def start_scan(site: dict[str, Any], out: Path, cluster: DaskCluster) -> subprocess.Popen[str]:
    """A cluster scan running in the background, to be interfered with."""
    return subprocess.Popen(
        [sys.executable, "-m", "scanner.cli", "scan", "--config", str(site["config"]),
         "--out", str(out), "-q", "--cluster", cluster.address],
        cwd=site["root"], env=cli_env(**site["env"]), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def outputs(scan_dir: Path) -> dict[str, Any]:
    """Items and findings as comparable rows (timings aside), and the item uris in order."""
    items = pq.read_table(scan_dir / "items.parquet").to_pylist()
    findings = pq.read_table(scan_dir / "findings.parquet").to_pylist()

    def row(r: dict[str, Any]) -> str:
        return json.dumps({k: v for k, v in r.items() if k not in TIMING}, default=str)

    return {
        "items": sorted(map(row, items)),
        "findings": sorted(map(row, findings)),
        "uris": [r["uri"] for r in items],
        "status": {r["name"]: r["status"] for r in items},
    }


def test_a_cluster_scan_equals_the_local_scan(
    site: dict[str, Any], cluster: DaskCluster, local_result: tuple[int, dict[str, Any]]
) -> None:
    code, local = local_result
    r = scan(site, site["root"] / "dask", "--cluster", cluster.address)
    assert r.returncode == code == 1, r.stderr  # the demo estate breaks its notice
    got = outputs(site["root"] / "dask" / "latest")
    assert len(got["items"]) > 30 and len(got["findings"]) > 100
    assert got["items"] == local["items"]
    assert got["findings"] == local["findings"]
    assert len(got["uris"]) == len(set(got["uris"]))
    # the per-item deadline holds on the workers: the hung parser was killed, the item recorded
    assert got["status"]["stuck.dat"] == "timeout"
    assert {got["status"][n] for n in SLOW} == {"ok"}
    facts = json.loads((site["root"] / "dask" / "latest" / "scan.json").read_text())
    assert facts["config"]["cluster"] == cluster.address
    assert facts["counts"]["worker_restarts"] >= 1  # the hung parser's replacement
    # the state it left serves --incremental as a local scan's does: nothing changed, nothing read
    site["reads"].write_text("")
    r = scan(site, site["root"] / "dask", "--cluster", cluster.address, "--incremental")
    assert r.returncode == code, r.stderr
    again = outputs(site["root"] / "dask" / "latest")
    assert again["items"] == local["items"] and again["findings"] == local["findings"]
    assert site["reads"].read_text() == ""
    facts = json.loads((site["root"] / "dask" / "latest" / "scan.json").read_text())
    assert facts["mode"] == "incremental" and facts["counts"]["carried"] == len(local["items"])


def test_a_worker_killed_mid_scan_loses_and_duplicates_nothing(
    site: dict[str, Any], cluster: DaskCluster, local_result: tuple[int, dict[str, Any]]
) -> None:
    code, local = local_result
    site["reads"].write_text("")
    out = site["root"] / "killed"
    proc = start_scan(site, out, cluster)
    victim = wait_for_read(site["reads"], "slow", proc)
    worker = dask_worker_of(victim)
    os.kill(worker.pid, signal.SIGKILL)  # the Dask worker process, mid-batch
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == code, stderr
    got = outputs(out / "latest")
    assert len(got["uris"]) == len(set(got["uris"])), "an item was written twice"
    assert got["items"] == local["items"]
    assert got["findings"] == local["findings"]
    # the killed worker's batch really ran again elsewhere: its slow item was read twice
    reads = [line.split(maxsplit=1) for line in site["reads"].read_text().splitlines()]
    slow_by: dict[str, set[int]] = {}
    for pid, path in reads:
        slow_by.setdefault(path, set()).add(int(pid))
    assert any(len(pids) > 1 for path, pids in slow_by.items() if "slow" in path)
    cluster.wait_for_workers(2)  # the nanny restarted it, for the next test


def test_a_lost_scheduler_is_exit_2_and_resume_completes(
    site: dict[str, Any], cluster: DaskCluster, local_result: tuple[int, dict[str, Any]]
) -> None:
    code, local = local_result
    site["reads"].write_text("")
    out = site["root"] / "lost"
    proc = start_scan(site, out, cluster)
    wait_for_read(site["reads"], "slow", proc)
    cluster.kill_scheduler()
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 2, stderr
    line = stderr.strip().splitlines()[-1]
    assert line.startswith("noticescan: lost the Dask scheduler at " + cluster.address), stderr
    assert "--resume" in line and "Traceback" not in stderr
    assert not (out / "latest").exists()  # nothing published as if it were a scan

    cluster.stop()  # what systemd's Restart= does: the scheduler and the workers come back
    cluster.start()
    r = scan(site, out, "--cluster", cluster.address, "--resume")
    assert r.returncode == code, r.stderr
    facts = json.loads((out / "latest" / "scan.json").read_text())
    assert facts["resumed"] is True and facts["status"] == "complete"
    got = outputs(out / "latest")
    assert got["items"] == local["items"]
    assert got["findings"] == local["findings"]


def test_a_worker_with_another_hmac_key_fails_the_scan(
    site: dict[str, Any], cluster: DaskCluster
) -> None:
    """The scanner hashes with one key, the workers (their key file) with another: exit 2."""
    env = {**site["env"], "NOTICESCAN_HMAC_KEY": "another key, 32 characters long!"}
    r = run_cli(
        "scan", "--config", str(site["config"]), "--out", str(site["root"] / "key"), "-q",
        "--cluster", cluster.address, cwd=site["root"], **env,
    )  # fmt: skip
    assert r.returncode == 2, r.stderr
    line = r.stderr.strip().splitlines()[-1]
    assert "would hash with another HMAC key" in line and "NOTICESCAN_HMAC_KEY" in line, line
    assert "Traceback" not in r.stderr


def wait_for_read(reads: Path, part: str, proc: subprocess.Popen[str]) -> int:
    """The pid of the first parser process that read an item whose path contains `part`."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        for line in reads.read_text().splitlines() if reads.exists() else []:
            pid, path = line.split(maxsplit=1)
            if part in Path(path).name:
                return int(pid)
        if proc.poll() is not None:
            raise AssertionError(f"the scan ended first: {proc.communicate()}")
        time.sleep(0.05)
    raise AssertionError(f"no item like {part!r} was read")


def test_local_n_starts_a_cluster_here_and_walks_on_it(tmp_path: Path) -> None:
    """`--cluster local:1`: a LocalCluster, split walks on its worker, stopped at the end.

    Every file is over limits.max_file_mb, so the listing alone decides (no model is loaded):
    what is tested is the walk on the worker and the cluster's start and stop.
    """
    root = tmp_path / "tree"
    for i in range(30):
        (root / f"d{i % 3}" / f"e{i % 2}").mkdir(parents=True, exist_ok=True)
        (root / f"d{i % 3}" / f"e{i % 2}" / f"n{i}.txt").write_text(f"note {i} " * 8)
    config = tmp_path / "c.toml"
    config.write_text(
        f'[scan]\nout = "{tmp_path / "out"}"\n[limits]\nmax_file_mb = 0.00001\n'
        f'[[source]]\ntype = "local"\nid = "notes"\npath = "{root}"\n'
    )
    local = run_cli("scan", "--config", str(config), "-q", cwd=tmp_path)
    here = run_cli("scan", "--config", str(config), "-q", "--cluster", "local:1", cwd=tmp_path)
    assert local.returncode == here.returncode == 0, here.stderr
    scans = sorted(p for p in (tmp_path / "out").iterdir() if p.name[0].isdigit())
    a, b = (outputs(s) for s in scans)
    assert len(a["items"]) == 30 and a["items"] == b["items"]
    assert {s for s in a["status"].values()} == {"too_large"}


def test_a_worker_with_other_detection_code_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check a worker runs when the scan's plugin arrives (ScanPlugin.setup), in-process.

    A worker left on an older install would find other things in the same file and the state
    would carry them under the scanner's analysis key; it is refused with a line saying so.
    """
    from scanner import allowlist
    from scanner import config as config_mod
    from scanner.cluster_worker import ScanPlugin
    from scanner.errors import ClusterError
    from scanner.incremental import code_digest
    from scanner.privacy import key_fingerprint, load_key

    monkeypatch.setenv("NOTICESCAN_HMAC_KEY", "the scan's key, 32 characters long")
    cfg = config_mod.for_paths([tmp_path], tmp_path / "out")
    key = load_key(None, create=False)
    fingerprint, allowed = key_fingerprint(key), allowlist.fingerprint(cfg.allowlist, key)

    class Worker:
        address = "tcp://127.0.0.1:1"

    same = ScanPlugin(cfg, fingerprint, allowed, code_digest())
    same.setup(Worker())  # the same code: accepted
    same.teardown(Worker())
    other = ScanPlugin(cfg, fingerprint, allowed, "0" * 16)
    with pytest.raises(ClusterError, match="runs other detection code than the scanner"):
        other.setup(Worker())
