"""How bench/throughput measures a run: CPU seconds of the whole process tree, and wall time.

CPU (user + system) of a command and every process under it comes from getrusage(CHILDREN)
around the command: every process is waited for by its parent (a scan's workers by the fork
server they came from, that server by the scanner before it exits), so their time rolls up. A shared
machine's other load inflates wall time far more than CPU time, so CPU is the headline and wall
time is reported beside it. Each side's start-up (interpreter, imports, model loading in each
worker, the parsers a kind of file needs) is measured on tiny files of the kind's formats
(bench/primer.py) and subtracted, so that small folders compare the work.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
# The checkout whose scanner and detectors are measured (bench.throughput --code): this one, or
# a baseline measured by this checkout's method (bench.tradeoff --baseline).
CODE = REPO
KEY = "bench-throughput-key-0123456789"


@dataclass(frozen=True)
class Run:
    """One command's cost."""

    cpu: float  # user + system seconds of the whole process tree
    wall: float
    stdout: str


def measure(cmd: list[str], env: dict[str, str] | None = None) -> Run:
    """Run `cmd` to the end in CODE; its process tree's CPU seconds and the wall time.

    In CODE, not here: `python -m` puts the working directory first on the path, before
    PYTHONPATH, so a baseline's scanner would otherwise be this checkout's.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=CODE, capture_output=True, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise SystemExit(
            f"{' '.join(cmd[:5])}... failed ({proc.returncode}): {proc.stderr.decode()[-2000:]}"
        )
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(cpu, wall, proc.stdout.decode())


def env() -> dict[str, str]:
    """The environment both sides run in: the repo importable, a fixed HMAC key."""
    e = dict(os.environ, NOTICESCAN_HMAC_KEY=KEY)
    e["PYTHONPATH"] = str(CODE) + os.pathsep + e.get("PYTHONPATH", "")
    return e


def noticescan(folder: Path, out: Path, workers: int) -> tuple[Run, Path, dict[str, Any]]:
    """`noticescan scan FOLDER -w N` as a user runs it; (run, scan folder, scan.json)."""
    cmd = [sys.executable, "-m", "scanner.cli", "scan", str(folder), "--out", str(out)]
    run = measure([*cmd, "--workers", str(workers), "--quiet"], env())
    found = re.search(r"output: (.+)", run.stdout)
    if found is None:
        raise SystemExit(f"noticescan printed no output folder: {run.stdout[-500:]}")
    scan_dir = Path(found.group(1))
    return run, scan_dir, json.loads((scan_dir / "scan.json").read_text())


def naive(files: list[Path], tmp: Path, workers: int) -> tuple[Run, dict[str, Any]]:
    """The naive Presidio loop over `files` (bench/naive_loop.py); (run, what it found)."""
    listing, out = tmp / "naive-files.json", tmp / "naive-found.json"
    listing.write_text(json.dumps([str(f) for f in files]))
    cmd = [sys.executable, "-m", "bench.naive_loop", "--workers", str(workers)]
    run = measure([*cmd, "--files", str(listing), "--out", str(out)], env())
    return run, json.loads(out.read_text())


def kind_views(root: Path, manifest: list[dict[str, Any]], dest: Path) -> dict[str, Path]:
    """A folder per kind holding that kind's files at their corpus paths (hard links, or copies).

    Scanning a kind alone is how its CPU is measured; keeping each file's relative path lets the
    findings be matched to the manifest.
    """
    views: dict[str, Path] = {}
    for e in manifest:
        view = views.setdefault(e["kind"], dest / e["kind"])
        target = view / e["file"]
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(root / e["file"], target)
        except OSError:  # another filesystem
            shutil.copyfile(root / e["file"], target)
    return views
