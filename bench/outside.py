"""The time a scan spends outside its workers, at two sizes: it must stay small and linear.

Run: `.venv/bin/python -m bench.outside [--sizes 1000 3000] [--workers N]`.

Writes N distinct small business documents (bench/ordinary_docs.py letters, memos, minutes and
forms as .txt, about 1 KB each; distinct, so no worker skips one as already seen), scans them
with `noticescan scan` and prints scan.json `timings` (docs/schema.md): the main process's
phases, the share of wall time outside the workers (walk, write, state, scope, report), and
that time per item. Issue 21 asks for under 10% at 1,000 items, and per-item cost that does
not grow with the size.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from bench import runs
from bench.ordinary_docs import Builders
from bench.ordinary_text import Cast
from scanner.timing import OUTSIDE


def write_documents(folder: Path, n: int, seed: int = 11) -> None:
    """`n` distinct small documents as text files, 100 to a folder."""
    b = Builders(Cast(seed))
    kinds = (b.letter, b.memo, b.minutes, b.hr_form)
    for i in range(n):
        text, _rows = kinds[i % len(kinds)]()
        sub = folder / f"batch{i // 100:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"doc{i:05d}.txt").write_text(text.text())


def main() -> None:
    """Scan each size once; print the breakdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="noticescan-outside-") as t:
        tmp = Path(t)
        rows = []
        for n in args.sizes:
            write_documents(tmp / f"docs-{n}", n)
            run, _scan_dir, doc = runs.noticescan(tmp / f"docs-{n}", tmp / f"out-{n}", args.workers)
            rows.append((n, run, doc["timings"]))
    head = f"{'items':>6}{'wall s':>8}{'CPU s':>8}{'outside s':>10}{'share':>7}{'ms/item':>8}"
    print(head + "  phases")
    for n, run, t in rows:
        outside = t["outside_workers_s"]
        phases = ", ".join(f"{k} {v:.2f}" for k, v in t["main_s"].items())
        print(
            f"{n:6d}{t['wall_s']:8.1f}{run.cpu:8.1f}{outside:10.2f}"
            f"{t['outside_workers_share']:7.1%}{outside / n * 1e3:8.2f}  {phases}"
        )
    print(f"\noutside the workers = {' + '.join(OUTSIDE)}; share = of scan.json wall_s")


if __name__ == "__main__":
    main()
