"""The local worker pool against a local Dask cluster: same corpus, same number of processes.

Run: `.venv/bin/python -m bench.cluster [--size-mb 10] [--workers 2] [--repeat 3]`.

Each run is `noticescan scan CORPUS -w N` (the local pool) or the same with `--cluster local:N`
(a LocalCluster of N single-threaded Dask workers, each with its one parser process), as a
subprocess timed end to end. CPU is the process tree's (user + system of the scan and every
process it started, as the kernel counts them when they are reaped: parsers, Dask workers,
nannies; the LocalCluster's scheduler runs inside the scanning process). Runs alternate local /
cluster so that the noise of a shared machine falls on both; the spread (min..max) is printed.

Then a model of throughput against workers, for the README. From items.parquet, the work that
scales is the per-item cost (read_s + extract_s + detect_s, every item, nested ones included);
what does not is the rest of the wall time (start-up, model loading, walk, scope, report) and the
scanning process's own CPU per item (rows, state, result handling: the ceiling of a cluster).
Fitted on runs at 1 and N workers, it predicts the wall time and MB/s at more workers.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil
import pyarrow.parquet as pq

from bench import throughput_corpus
from bench.throughput import CACHE

REPO = Path(__file__).resolve().parent.parent
BUDGET = 0.15  # the bar: the cluster costs at most 15% more than the local pool


def run(root: Path, out: Path, workers: int, cluster: bool) -> dict[str, Any]:
    """One scan; its wall time, the process tree's CPU seconds, the scanner's own CPU, outputs."""
    env = dict(os.environ, NOTICESCAN_HMAC_KEY="bench-cluster-key-0123456789abcdef")
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    cmd = [sys.executable, "-m", "scanner.cli", "scan", str(root), "--out", str(out), "-q"]
    cmd += ["--workers", str(workers)] + (["--cluster", f"local:{workers}"] if cluster else [])
    log = out.with_suffix(".log")
    out.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as fh:  # a file, not a pipe: nothing can block while wait4 waits
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=fh, stderr=subprocess.STDOUT)
        own = _OwnCpu(proc.pid)
        own.start()
        _, status, usage = os.wait4(proc.pid, 0)  # the tree's CPU, as the kernel counted it
        wall = time.perf_counter() - t0
    own.stop.set()
    text = log.read_text()
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code  # reaped by wait4 above
    if code not in (0, 1):
        raise SystemExit(f"scan failed ({code}): {text[-2000:]}")
    scan_dir = Path(re.search(r"output: (.+)", text).group(1))  # type: ignore[union-attr]
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "own_cpu": own.cpu,
        "dir": scan_dir,
    }


class _OwnCpu(threading.Thread):
    """The scanning process's own CPU seconds, sampled until it exits (the last sample counts)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.ps = psutil.Process(pid)
        self.stop = threading.Event()
        self.cpu = 0.0

    def run(self) -> None:
        while not self.stop.wait(0.2):
            try:
                t = self.ps.cpu_times()
            except psutil.Error:
                return
            self.cpu = t.user + t.system


def costs(scan_dir: Path, root: Path) -> dict[str, float]:
    """Per-item cost totals from items.parquet, the items, and the corpus's bytes on disk."""
    t = pq.read_table(scan_dir / "items.parquet", columns=["read_s", "extract_s", "detect_s"])
    totals = {c: float(sum(v for v in t.column(c).to_pylist() if v)) for c in t.column_names}
    doc = json.loads((scan_dir / "scan.json").read_text())
    size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    return {**totals, "items": doc["counts"]["items"], "bytes": size}


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):7.1f} ({min(values):.1f}..{max(values):.1f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=10, help="corpus size (default 10)")
    parser.add_argument("--workers", type=int, default=2, help="processes each side (default 2)")
    parser.add_argument("--repeat", type=int, default=3, help="runs each side (default 3)")
    parser.add_argument("--no-model", action="store_true", help="skip the 1-worker runs")
    parser.add_argument("--cache", type=Path, default=CACHE, help="where corpora are kept")
    args = parser.parse_args()
    root, _ = throughput_corpus.ensure(args.size_mb, args.cache)
    n = args.workers
    runs: dict[str, list[dict[str, Any]]] = {"local": [], "cluster": []}
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp:
        for i in range(args.repeat):
            for side in ("local", "cluster"):
                r = run(root, Path(tmp) / f"{side}-{i}", n, side == "cluster")
                runs[side].append(r)
                print(f"  run {i + 1} {side:7}: wall {r['wall']:6.1f} s  cpu {r['cpu']:6.1f} s")
        report(runs, n, args.size_mb)
        if not args.no_model:
            one = run(root, Path(tmp) / "cluster-1", 1, True)
            print(f"  1 worker cluster: wall {one['wall']:6.1f} s  cpu {one['cpu']:6.1f} s")
            small_root, _ = throughput_corpus.ensure(args.size_mb / 5, args.cache)
            small = run(small_root, Path(tmp) / "small", n, True)
            small_items = costs(small["dir"], small_root)["items"]
            print(f"  {args.size_mb / 5:g} MB corpus, cluster: own cpu {small['own_cpu']:.1f} s")
            model(one, runs["cluster"], n, root, (small_items, small["own_cpu"]))


def report(runs: dict[str, list[dict[str, Any]]], n: int, size_mb: float) -> None:
    print(f"\n{size_mb:g} MB corpus, {n} worker processes each side, median (min..max):")
    print(f"{'':10} {'wall s':>22} {'cpu s (tree)':>22}")
    for side, rs in runs.items():
        print(
            f"{side:10} {spread([r['wall'] for r in rs]):>22} {spread([r['cpu'] for r in rs]):>22}"
        )
    for what in ("wall", "cpu"):
        local = statistics.median(r[what] for r in runs["local"])
        dask = statistics.median(r[what] for r in runs["cluster"])
        over = dask / local - 1
        verdict = "ok" if over <= BUDGET else "OVER"
        print(f"cluster overhead, {what}: {over:+.1%} (budget +{BUDGET:.0%}: {verdict})")
    for what in ("wall", "cpu"):  # pairs ran back to back: the load of the moment is shared
        both = zip(runs["local"], runs["cluster"], strict=True)
        pairs = [c[what] / lo[what] - 1 for lo, c in both]
        print(
            f"  per run pair, {what}: median {statistics.median(pairs):+.1%} "
            f"({', '.join(f'{p:+.1%}' for p in pairs)})"
        )


def model(
    one: dict[str, Any],
    many: list[dict[str, Any]],
    n: int,
    root: Path,
    small: tuple[float, float],
) -> None:
    """Wall(w) = fixed + max(work / w, scanner): the scanning process must keep pace.

    `work` is the per-item cost from items.parquet; `fixed` is fitted on the 1- and n-worker
    runs; the scanning process's per-item CPU is the slope of its own CPU between the small
    corpus and this one (start-up, scope and report are in `fixed`, not in the slope).
    """
    c = costs(one["dir"], root)
    work = c["read_s"] + c["extract_s"] + c["detect_s"]
    wall_n = statistics.median(r["wall"] for r in many)
    fixed = statistics.mean([one["wall"] - work, wall_n - work / n])
    own = statistics.median(r["own_cpu"] for r in many)
    per_item = max(1e-6, (own - small[1]) / (c["items"] - small[0]))
    scanner = per_item * c["items"]
    mb = c["bytes"] / 2**20
    print(
        f"\nper-item cost ({c['items']:,.0f} items, {mb:.1f} MB): read {c['read_s']:.1f} s, "
        f"extract {c['extract_s']:.1f} s, detect {c['detect_s']:.1f} s = {work:.1f} s of work "
        f"({work / c['items'] * 1000:.0f} ms an item); fixed {fixed:.1f} s a scan; the scanning "
        f"process's own CPU {per_item * 1000:.1f} ms an item (scheduler included)"
    )
    print(f"{'workers':>8} {'wall s':>8} {'MB/s':>7} {'items/s':>8}  (measured: 1 and {n})")
    for w in (1, n, 4, 8, 16, 32, 64):
        wall = fixed + max(work / w, scanner)
        tag = f" measured {one['wall'] if w == 1 else wall_n:.1f} s" if w in (1, n) else ""
        print(f"{w:>8} {wall:>8.1f} {mb / wall:>7.2f} {c['items'] / wall:>8.1f}{tag}")
    print(
        f"at scale (fixed part negligible): {mb / work:.3f} MB/s per worker process, up to the "
        f"scanning process's ceiling of {1 / per_item:,.0f} items/s "
        f"({1 / per_item * mb / c['items']:.1f} MB/s of this corpus)"
    )


if __name__ == "__main__":
    main()
