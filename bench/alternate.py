"""Two checkouts' noticescan on the same corpus, alternated round by round: what a change bought.

Run: `.venv/bin/python -m bench.alternate --baseline DIR [--rounds 5] [--corpus ordinary|DIR]`
(DIR: another checkout, say `git worktree add /tmp/base <commit>`).

bench.throughput measures one checkout against the naive loop; on a shared machine its ratio
moved by 1.5 between runs of the same code, more than most changes are worth. Here each round
runs, for the baseline and then this checkout, the corpus's primer (start-up) and the corpus,
back to back, so both meet the same load; the medians of the rounds are printed: CPU seconds
of the primer, of the whole scan, and of the scan net of the primer.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
from pathlib import Path

from bench import runs
from bench.corpus import CACHE
from bench.primer import write_primer
from bench.throughput import folder_corpus


def main() -> None:
    """Print each round's and the median CPU seconds of both checkouts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, required=True, help="the other checkout")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--corpus", default="ordinary", help="ordinary, or a folder")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if args.corpus == "ordinary":
        from bench import ordinary_corpus

        root, manifest = ordinary_corpus.ensure(CACHE)
    else:
        corpus = folder_corpus(Path(args.corpus).resolve(), None)
        root, manifest = corpus.root, corpus.manifest
    checkouts = {"baseline": args.baseline.resolve(), "this": runs.REPO}
    rows: dict[str, list[tuple[float, float, float]]] = {name: [] for name in checkouts}
    with tempfile.TemporaryDirectory(prefix="noticescan-alternate-") as t:
        tmp = Path(t)
        write_primer(root, manifest, tmp / "primer")
        for i in range(args.rounds):
            for name, code in checkouts.items():
                runs.CODE = code
                primer = runs.noticescan(tmp / "primer", tmp / f"p-{name}-{i}", args.workers)[0]
                scan = runs.noticescan(root, tmp / f"s-{name}-{i}", args.workers)[0]
                rows[name].append((primer.cpu, scan.cpu, scan.cpu - primer.cpu))
                print(f"round {i + 1} {name:8s} primer {primer.cpu:6.2f}  scan {scan.cpu:6.2f}  "
                      f"net {scan.cpu - primer.cpu:6.2f} CPU s", flush=True)  # fmt: skip
                for d in (tmp / f"p-{name}-{i}", tmp / f"s-{name}-{i}"):
                    shutil.rmtree(d, ignore_errors=True)
    print("\nmedians (CPU s):        primer    scan     net")
    for name, values in rows.items():
        p, s, n = (statistics.median(col) for col in zip(*values, strict=True))
        print(f"  {name:8s} {str(checkouts[name])[:12]:12s} {p:7.2f} {s:7.2f} {n:7.2f}")


if __name__ == "__main__":
    main()
