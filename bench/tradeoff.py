"""Speed and quality in one report: what a speed change bought, and that it cost no quality.

Run: `.venv/bin/python -m bench.tradeoff [--baseline DIR] [--size-mb 53] [--quick]`
(or `make bench-tradeoff`).

One run prints, for noticescan against plain Presidio:
- speed per kind of document (bench/throughput.py, both generated corpora: ordinary small
  business documents and the table-heavy mix): CPU ratio, MB/s per core, file x category
  recall on the planted values;
- PERSON precision / recall / F2 on the human-labelled corpora nobody here wrote
  (bench/independent.py, /work/shared/corpora): the quality bar;
- file x category F2 on the international records (bench/records.py; our own generator, a
  smoke measure, not the bar), and on the same records with the people written by a second
  generator (`--generator mimesis`, where the checkout's bench.records has it).

`--baseline DIR` measures another checkout (say a `git worktree` of main) the same way in the
same run, and prints both side by side: the before/after of a change. Each checkout is
measured in its own processes with its own code on the path (throughput scans, and a child
process for the quality benches), with this checkout's venv.
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve()


def quality(args: argparse.Namespace) -> dict[str, Any]:
    """PERSON scores per independent corpus and the records' F2, for both systems.

    Runs in the checkout whose code is first on sys.path: it only calls functions that
    bench.independent and bench.records have had since they were written.
    """
    from bench import independent, records

    out: dict[str, Any] = {"independent": {}, "records": {}}
    root = Path(args.corpora)
    if root.is_dir():
        systems = {"noticescan": independent.noticescan_system()}
        systems["presidio"] = independent.presidio_system()
        for c in independent.CORPORA:
            if not independent.folder(root, c):
                continue
            docs = independent.load(root, c)
            out["independent"][c.name] = {
                n: list(independent.score(s, docs)[0].prf()) for n, s in systems.items()
            }
    from bench.plain import PlainPresidio
    from detectors.registry import build_detector
    from scanner.categories import category_of
    from scanner.config import DetectorSettings

    detector, plain_det = build_detector(DetectorSettings()), PlainPresidio(DetectorSettings())
    generators = ["faker"]
    # The second generator (stop 26): only where this checkout's bench.records has it and
    # mimesis is installed (a baseline checkout may predate it).
    if "generator" in inspect.signature(records.load).parameters and importlib.util.find_spec(
        "mimesis"
    ):
        generators.append("mimesis")
    for generator in generators:
        key = "records" if generator == "faker" else f"records_{generator}"
        extra = {} if generator == "faker" else {"generator": generator}
        _, files = records.load(args.records, 11, **extra)
        segments = records.extract(files)
        ours, _ = records.run(segments, detector.detect, category_of)
        plain, _ = records.run(segments, plain_det.detect, records.PLAIN_CATEGORY.get)
        out[key] = {}
        for name, found in (("noticescan", ours), ("presidio", plain)):
            out[key][name] = list(records.prf(records.total(records.score(files, found))))
    return out


def measure(checkout: Path, args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    """Throughput and quality figures of one checkout, each in processes of its own."""
    label = checkout.name
    speed_json = tmp / f"speed-{label}.json"
    cmd = [sys.executable, "-m", "bench.throughput", "--json", str(speed_json)]
    cmd += ["--code", str(checkout)]
    cmd += ["--size-mb", str(args.size_mb), "--workers", str(args.workers)]
    cmd += ["--cache", str(args.cache), "--repeat", str(args.repeat)]
    if args.quick:
        cmd.append("--quick")
    for c in args.corpus or []:
        cmd += ["--corpus", c]
    print(f"[{label}] throughput: {' '.join(cmd[1:])}", flush=True)
    subprocess.run(cmd, cwd=REPO, check=True)  # this checkout's method, `--code`'s scanner
    env = dict(os.environ, PYTHONPATH=str(checkout))
    quality_json = tmp / f"quality-{label}.json"
    print(f"[{label}] quality: bench.independent and bench.records", flush=True)
    code = (
        "import runpy, sys; sys.argv = sys.argv[1:]; "
        f"runpy.run_path({str(HERE)!r}, run_name='__main__')"
    )
    child = [sys.executable, "-c", code, "tradeoff", "--quality-only", str(quality_json)]
    child += ["--records", str(args.records), "--corpora", str(args.corpora)]
    subprocess.run(child, cwd=checkout, env=env, check=True)
    speed = json.loads(speed_json.read_text())
    return {"speed": speed["kinds"], **json.loads(quality_json.read_text())}


def _totals(kinds: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Per corpus: CPU both sides, bytes, file x category hits (the kinds, not the one scan)."""
    from bench.throughput import WHOLE

    out: dict[str, dict[str, float]] = {}
    for k in kinds:
        if k["kind"] == WHOLE:
            continue
        t = out.setdefault(k["corpus"], dict.fromkeys(("ns", "nv", "bytes", "fh", "fn"), 0.0))
        t["ns"] += k["ns_cpu"]
        t["nv"] += k["nv_cpu"]
        t["bytes"] += k["bytes"]
        hits = k["recall"].get("ns_file_category")
        if hits:
            t["fh"] += hits[0]
            t["fn"] += hits[1]
    return out


def report(results: dict[str, dict[str, Any]]) -> None:
    """One table per measure, one column group per checkout."""
    names = list(results)
    print("\n== speed: CPU s net of start-up, noticescan vs plain Presidio (bench.throughput)")
    print(f"{'corpus':10}{'kind':14}" + "".join(
        f" | {n[:14]:>14} {'ratio':>6} {'MB/s/c':>7} {'fxc':>5}" for n in names))  # fmt: skip
    rows: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
    for n in names:
        for k in results[n]["speed"]:
            rows.setdefault((k["corpus"], k["kind"]), {})[n] = k
    for (corpus, kind), by in rows.items():
        cells = ""
        for n in names:
            k = by.get(n)
            if k is None:
                cells += f" | {'-':>14} {'':6} {'':7} {'':5}"
                continue
            hits = k["recall"].get("ns_file_category")
            fxc = f"{hits[0] / hits[1]:.2f}" if hits and hits[1] else "-"
            ratio = k["nv_cpu"] / k["ns_cpu"] if k["ns_cpu"] > 0 else 0
            mbs = k["bytes"] / 1e6 / k["ns_cpu"] if k["ns_cpu"] > 0 else 0
            cells += f" | {k['ns_cpu']:10.1f} CPU {ratio:5.1f}x {mbs:7.2f} {fxc:>5}"
        print(f"{corpus:10}{kind:14}{cells}")
    totals = {n: _totals(results[n]["speed"]) for n in names}
    for corpus in totals[names[0]]:
        cells = ""
        for n in names:
            t = totals[n].get(corpus)
            if not t or t["ns"] <= 0:
                cells += f" | {'-':>14} {'':6} {'':7} {'':5}"
                continue
            fxc = f"{t['fh'] / t['fn']:.2f}" if t["fn"] else "-"
            cells += (f" | {t['ns']:10.1f} CPU {t['nv'] / t['ns']:5.1f}x "
                      f"{t['bytes'] / 1e6 / t['ns']:7.2f} {fxc:>5}")  # fmt: skip
        print(f"{corpus:10}{'sum of kinds':14}{cells}")
    print("\n== PERSON on human-labelled corpora (bench.independent): P / R / F2")
    print(f"{'corpus':14}" + "".join(f" | {n[:12]:>12} {'presidio':>20}" for n in names))
    corpora = {c for n in names for c in results[n]["independent"]}
    for c in sorted(corpora):
        cells = ""
        for n in names:
            s = results[n]["independent"].get(c)
            if not s:
                cells += f" | {'-':>12} {'-':>20}"
                continue
            ns, pr = s["noticescan"], s["presidio"]
            cells += f" | {ns[0]:.3f} {ns[1]:.3f} {ns[3]:.3f} {pr[0]:.3f} {pr[1]:.3f} {pr[3]:.3f}"
        print(f"{c:14}{cells}")
    _report_records(results, names)


def _report_records(results: dict[str, dict[str, Any]], names: list[str]) -> None:
    """The records' file x category figures, per generator present, per checkout."""
    titles = {
        "records": "bench.records, our generator (Faker): smoke",
        "records_mimesis": "bench.records --generator mimesis, a second generator",
    }
    for key, title in titles.items():
        if not any(key in results[n] for n in names):
            continue
        print(f"\n== records, file x category ({title}): P / R / F2")
        for n in names:
            if key not in results[n]:
                print(f"{n:14} -")
                continue
            o, p = results[n][key]["noticescan"], results[n][key]["presidio"]
            print(f"{n:14} noticescan {o[0]:.3f} {o[1]:.3f} {o[3]:.3f}   "
                  f"presidio {p[0]:.3f} {p[1]:.3f} {p[3]:.3f}")  # fmt: skip


def main() -> int:
    """Measure this checkout (and --baseline), then print speed and quality side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, help="another checkout to measure alongside")
    parser.add_argument("--corpus", action="append", help="throughput corpora (default both)")
    parser.add_argument("--size-mb", type=float, default=53, help="table-heavy corpus size")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--records", type=int, default=1500, help="bench.records corpus size")
    parser.add_argument("--corpora", type=Path, help="human-labelled corpora folder")
    parser.add_argument("--cache", type=Path, default=REPO / "bench" / ".cache")
    parser.add_argument("--quick", action="store_true", help="smoke run: small corpora")
    parser.add_argument(
        "--repeat", type=int, default=3, help="throughput rounds on the ordinary corpus (median)"
    )
    parser.add_argument("--json", type=Path, help="also write every figure here")
    parser.add_argument("--quality-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quality_only:
        args.quality_only.write_text(json.dumps(quality(args)))
        return 0
    from bench import independent

    # Resolved here, not in each checkout: `../shared/corpora` beside a baseline is elsewhere.
    args.corpora = (
        args.corpora or Path(os.environ.get(independent.ENV) or independent.DEFAULT_CORPORA)
    ).resolve()
    if not args.corpora.is_dir():
        raise SystemExit(
            f"bench.tradeoff: no human-labelled corpora at {args.corpora}: the quality bar cannot "
            f"be measured (give --corpora DIR or set {independent.ENV})"
        )
    checkouts = [c.resolve() for c in (args.baseline,) if c] + [REPO]
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="noticescan-tradeoff-") as t:
        for checkout in checkouts:
            name = "this checkout" if checkout == REPO else f"baseline {checkout.name}"
            results[name] = measure(checkout, args, Path(t))
    report(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
