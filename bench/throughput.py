"""noticescan against the naive Presidio loop, per kind of document, side by side in one run.

Run: `.venv/bin/python -m bench.throughput [--corpus ordinary|tables|DIR ...] [--workers N]
[--size-mb 200] [--sample-mb 3] [--quick] [--code DIR]` (default: both generated corpora;
`--code` measures another checkout's scanner by this checkout's method, see bench/tradeoff.py).

Corpora:
- `ordinary` (bench/ordinary_corpus.py): ~660 small business documents, ~11 MB, ~0.75 M chars:
  letters, invoices and statements as PDF and docx, notes as txt/html/rtf, mbox/eml mail, small
  CSV/XLSX exports. Both sides scan all of it.
- `tables` (bench/throughput_corpus.py): the table-heavy mix (`--size-mb`), whose bulk is large
  ledgers and customer/payroll tables. The naive loop would need hours on it, so it runs on a
  SAMPLE (`--sample-mb`, files drawn per kind in proportion to the kind's bytes, seed 7) and its
  CPU is extrapolated per kind by bytes.
- any folder: `--corpus /srv/share/sample`: no planted truth, so speed only; kinds by file
  extension.

Each kind of a corpus is scanned on its own (a folder of hard links), by `noticescan scan -w N`
and by the naive loop (bench/naive_loop.py: our extractors, then `AnalyzerEngine.analyze()` per
item, Presidio's default recognizers, the same spaCy model, a Pool of N). The measure is CPU
seconds (user + system) of each command's whole process tree, minus that side's own run on the
kind's primer, one tiny letter per format the kind holds (start-up, model loading, the kind's
parsers: bench/primer.py); wall time is shown beside it (bench/runs.py). A corpus the naive
loop reads whole is also scanned in ONE run per side (row `one scan`, start-up subtracted once):
an estate is scanned in one go, and the sum of the kinds carries five start-up subtractions
whose noise is as large as a small kind's work.

Recall, on planted values: a value counts as found when the tool reports, in the same top-level
file (or anything nested in it), a finding of the same notice category whose text equals the
value or contains it (at most twice as long), case, space and punctuation normalised. "file x
category" recall counts each (file, category) that holds planted values once, found when one of
its values is. The naive loop's entities are mapped to categories generously (bench/naive_loop).
noticescan's findings hold no raw values, so the files (synthetic) are re-extracted and each
finding's span is read back from its location.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import runs
from bench.located import located_text
from bench.primer import write_primer

CACHE = Path(__file__).resolve().parent / ".cache"
Found = dict[str, list[tuple[str, str]]]  # top-level file -> [(category, value)]
TABLE_KINDS = {"ledger": "big_tables", "people_table": "big_tables"}
EXTENSION_KINDS = {
    "prose": {"txt", "html", "htm", "md", "rtf", "xml", "json"},
    "pdf": {"pdf"},
    "docx": {"docx", "doc", "odt", "docm"},
    "mail": {"eml", "msg", "mbox", "pst"},
    "sheets": {"csv", "tsv", "xlsx", "xls", "ods", "xlsm"},
    "slides": {"pptx", "ppt", "odp"},
    "archives": {"zip", "7z", "tar", "gz", "bz2", "xz", "tgz"},
    "images": {"png", "jpg", "jpeg", "tif", "tiff", "gif", "bmp", "webp", "heic"},
}


@dataclass
class Corpus:
    """A folder of files, each with a kind and (for generated corpora) its planted values."""

    name: str
    root: Path
    manifest: list[dict[str, Any]]
    sample_mb: float | None  # the naive loop runs on a sample of this many MB, or on everything

    @property
    def planted(self) -> bool:
        """Whether recall can be measured."""
        return any(e["planted"] for e in self.manifest)


@dataclass
class KindResult:
    """One kind of one corpus, both sides."""

    corpus: str
    kind: str
    files: int
    bytes: int
    chars: int = 0
    items: int = 0
    ns_cpu: float = 0.0
    ns_wall: float = 0.0
    nv_cpu: float = 0.0  # extrapolated to the whole kind when sampled
    nv_wall: float = 0.0
    nv_sample_bytes: int = 0
    recall: dict[str, tuple[int, int]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    startup: dict[str, float] = field(default_factory=dict)  # side -> CPU s subtracted
    # --repeat: side -> (net CPU s, net wall s, start-up CPU s) of each round
    runs: dict[str, list[tuple[float, float, float]]] = field(default_factory=dict)


# --- corpora ----------------------------------------------------------------------------------


def folder_corpus(root: Path, sample_mb: float | None) -> Corpus:
    """Any folder: kinds by extension, no planted truth."""
    manifest = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        ext = path.suffix.lower().lstrip(".")
        kind = next((k for k, exts in EXTENSION_KINDS.items() if ext in exts), "other")
        rel = str(path.relative_to(root))
        manifest.append({"file": rel, "kind": kind, "bytes": path.stat().st_size, "planted": []})
    return Corpus(root.name, root, manifest, sample_mb)


def load_corpora(args: argparse.Namespace) -> list[Corpus]:
    """The corpora named by --corpus, generated on first use."""
    from bench import ordinary_corpus, throughput_corpus

    out = []
    for name in args.corpus or ["ordinary", "tables"]:
        if name == "ordinary":
            root, manifest = ordinary_corpus.ensure(args.cache, 0.2 if args.quick else 1.0)
            out.append(Corpus("ordinary", root, manifest, args.sample_mb_ordinary))
        elif name == "tables":
            root, manifest = throughput_corpus.ensure(args.size_mb, args.cache)
            for e in manifest:
                e["kind"] = TABLE_KINDS.get(e["kind"], e["kind"])
            out.append(Corpus("tables", root, manifest, args.sample_mb))
        elif Path(name).is_dir():
            out.append(folder_corpus(Path(name).resolve(), args.sample_mb_ordinary))
        else:
            raise SystemExit(f"--corpus {name}: not 'ordinary', 'tables' or a folder")
    return out


def sample(manifest: list[dict[str, Any]], budget: float, seed: int = 7) -> list[str]:
    """Files per kind in proportion to the kind's bytes, at least one of each, about `budget` B."""
    rng = random.Random(seed)
    kinds: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in manifest:
        kinds[e["kind"]].append(e)
    total = sum(e["bytes"] for e in manifest)
    chosen = []
    for entries in kinds.values():
        share = budget * sum(e["bytes"] for e in entries) / total
        pool = entries[:]
        rng.shuffle(pool)
        pool.sort(key=lambda e: e["bytes"] > 2 * share)  # prefer files that fit the share
        got = 0
        for e in pool:
            if got and got + e["bytes"] > share:
                break
            chosen.append(e["file"])
            got += e["bytes"]
    return sorted(chosen)


# --- what each side found ---------------------------------------------------------------------


def noticescan_found(scan_dir: Path, root: Path, planted_files: set[str]) -> Found:
    """Each finding in a planted file, read back from the re-extracted text at its location."""
    import pyarrow.parquet as pq

    cols = ["item_uri", "location", "category", "start", "end"]
    table = pq.read_table(scan_dir / "findings.parquet", columns=cols).to_pylist()
    prefix = str(root.resolve()) + "/"
    by_file: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in table:
        rel, suffix = split_uri(f["item_uri"].removeprefix(prefix))
        if rel in planted_files:
            by_file[rel].append({**f, "suffix": suffix})
    found: Found = {}
    for rel, findings in by_file.items():
        index = located_text(root / rel)
        found[rel] = [
            (f["category"], index.get((f["suffix"], f["location"]), "")[f["start"] : f["end"]])
            for f in findings
        ]
    return found


def split_uri(rel_uri: str) -> tuple[str, str]:
    """'mail/1.eml/attachments/a.pdf' -> ('mail/1.eml', '/attachments/a.pdf')."""
    cuts = [i for i in (rel_uri.find("#"), rel_uri.find("/attachments/")) if i >= 0]
    cut = min(cuts, default=len(rel_uri))
    return rel_uri[:cut], rel_uri[cut:]


_EDGE = " .,;:()<>\"'"


def norm(value: str) -> str:
    """Case, spacing and surrounding punctuation removed; separators dropped from numbers."""
    v = " ".join(value.casefold().split()).strip(_EDGE)
    digits = sum(c.isdigit() for c in v)
    if digits * 2 >= len(v.replace(" ", "")) and digits:
        return re.sub(r"[\s\-./+]", "", v)
    return v


def recall(manifest: list[dict[str, Any]], files: set[str], found: Found) -> dict[str, Any]:
    """{'value': (found, planted), 'file_category': (found, planted)} over `files`."""
    value = [0, 0]
    pairs: dict[tuple[str, str], bool] = {}
    for entry in manifest:
        if entry["file"] not in files or not entry["planted"]:
            continue
        mine: dict[str, list[str]] = defaultdict(list)
        for category, v in found.get(entry["file"], []):
            mine[category].append(norm(v))
        exact = {c: set(vs) for c, vs in mine.items()}
        for _entity, category, v in entry["planted"]:
            p = norm(v)
            hit = p in exact.get(category, ()) or any(
                p in f and len(f) <= 2 * len(p) + 4 for f in mine.get(category, ())
            )
            value[0] += hit
            value[1] += 1
            key = (entry["file"], category)
            pairs[key] = pairs.get(key, False) or hit
    return {
        "value": (value[0], value[1]),
        "file_category": (sum(pairs.values()), len(pairs)),
    }


# --- the run ----------------------------------------------------------------------------------


def run_kind(
    corpus: Corpus, kind: str, view: Path, picked: set[str], tmp: Path, args: argparse.Namespace
) -> KindResult:
    """Scan one kind with both sides; CPU net of each side's start-up on this kind."""
    entries = [e for e in corpus.manifest if e["kind"] == kind]
    res = KindResult(corpus.name, kind, len(entries), sum(e["bytes"] for e in entries))
    files = {e["file"] for e in entries}
    planted = {e["file"] for e in entries if e["planted"]}
    n = args.workers
    mine = sorted(files & picked) if corpus.sample_mb else sorted(files)
    sampled = sum(e["bytes"] for e in entries if e["file"] in set(mine))
    out: dict[str, Any] = {}
    if args.repeat > 1 and not corpus.sample_mb:
        scan_dir, doc, out = run_rounds(corpus, kind, view, entries, mine, sampled, tmp, args, res)
        return finish_kind(corpus, view, files, planted, mine, scan_dir, doc, out, res, args)
    base = startup(corpus, entries, tmp / f"start-{corpus.name}-{kind}", n, not args.no_naive)
    res.startup = {side: run.cpu for side, run in base.items()}
    ns, scan_dir, doc = runs.noticescan(view, tmp / f"ns-{corpus.name}-{kind}", n)
    res.ns_cpu, res.ns_wall = ns.cpu - base["ns"].cpu, ns.wall - base["ns"].wall
    if not args.no_naive:
        nv, out = runs.naive([corpus.root / f for f in mine], tmp, n)
        scale = res.bytes / sampled
        res.nv_cpu = (nv.cpu - base["nv"].cpu) * scale
        res.nv_wall = (nv.wall - base["nv"].wall) * scale
        res.nv_sample_bytes = sampled
    return finish_kind(corpus, view, files, planted, mine, scan_dir, doc, out, res, args)


def finish_kind(
    corpus: Corpus,
    view: Path,
    files: set[str],
    planted: set[str],
    mine: list[str],
    scan_dir: Path,
    doc: dict[str, Any],
    out: dict[str, Any],
    res: KindResult,
    args: argparse.Namespace,
) -> KindResult:
    """Items, characters, timings and recall of a kind's last noticescan and naive runs."""
    import pyarrow.parquet as pq

    items = pq.read_table(scan_dir / "items.parquet", columns=["chars_extracted"])
    res.items = items.num_rows
    res.chars = sum(c or 0 for c in items.column("chars_extracted").to_pylist())
    res.timings = doc.get("timings", {})
    ns_found = noticescan_found(scan_dir, view, planted) if corpus.planted else {}
    if not args.no_naive:
        prefix = str(corpus.root) + "/"
        got_items = out["found"].items()
        nv_found = {k.removeprefix(prefix): [(c, v) for c, v in vs] for k, vs in got_items}
        if corpus.planted:
            for side, got in (("naive", nv_found), ("ns_sample", ns_found)):
                for what, hits in recall(corpus.manifest, set(mine), got).items():  # type: ignore[arg-type]
                    res.recall[f"{side}_{what}"] = hits
    if corpus.planted:
        for what, hits in recall(corpus.manifest, files, ns_found).items():
            res.recall[f"ns_{what}"] = hits
    return res


WHOLE = "one scan"


def run_whole(corpus: Corpus, picked: set[str], tmp: Path, args: argparse.Namespace) -> KindResult:
    """The whole corpus in one scan per side, start-up (one primer of every format) once.

    An estate is scanned in one go: summing the kinds counts a start-up subtraction per kind,
    each with its own noise, which on small kinds is as large as the work measured.
    """
    whole = Corpus(corpus.name, corpus.root, [{**e, "kind": WHOLE} for e in corpus.manifest], None)
    return run_kind(whole, WHOLE, corpus.root, picked, tmp, args)


def run_rounds(
    corpus: Corpus,
    kind: str,
    view: Path,
    entries: list[dict[str, Any]],
    mine: list[str],
    sampled: int,
    tmp: Path,
    args: argparse.Namespace,
    res: KindResult,
) -> tuple[Path, dict[str, Any], dict[str, Any]]:
    """`--repeat N`: N rounds of (primer, scan) per side, back to back; the median net of each.

    Fills res's CPU, wall and start-up figures; returns the last round's scan folder, scan.json
    and naive findings, for finish_kind.

    On a shared machine another tenant's load inflates CPU seconds too (caches, the sibling
    hyper-thread), and a start-up run minutes away from its scan may have met another load than
    the scan did: one pair gave ratios 1.5 apart between runs. Each round subtracts the primer
    run just before its scan, and the median of the rounds is reported.
    """
    n = args.workers
    base = tmp / f"start-{corpus.name}-{kind}"
    primer_files = write_primer(corpus.root, entries, base / "primer")
    scale = res.bytes / sampled if sampled else 1.0
    ns_nets: list[tuple[float, float, float]] = []
    nv_nets: list[tuple[float, float, float]] = []
    scan_dir = Path()
    doc: dict[str, Any] = {}
    out: dict[str, Any] = {}
    for i in range(args.repeat):
        p = runs.noticescan(base / "primer", base / f"ns-p{i}", n)[0]
        s, scan_dir, doc = runs.noticescan(view, tmp / f"ns-{corpus.name}-{kind}-{i}", n)
        ns_nets.append((s.cpu - p.cpu, s.wall - p.wall, p.cpu))
        if not args.no_naive:
            q = runs.naive(primer_files, base, n)[0]
            v, out = runs.naive([corpus.root / f for f in mine], tmp, n)
            nv_nets.append(((v.cpu - q.cpu) * scale, (v.wall - q.wall) * scale, q.cpu))
    res.runs = {"ns": ns_nets, "nv": nv_nets}
    res.ns_cpu, res.ns_wall, ns_start = (statistics.median(x) for x in zip(*ns_nets, strict=True))
    res.startup = {"ns": ns_start}
    if nv_nets:
        res.nv_cpu, res.nv_wall, nv_start = (
            statistics.median(x) for x in zip(*nv_nets, strict=True)
        )
        res.startup["nv"] = nv_start
        res.nv_sample_bytes = sampled
    return scan_dir, doc, out


def startup(
    corpus: Corpus, entries: list[dict[str, Any]], tmp: Path, n: int, naive: bool
) -> dict[str, runs.Run]:
    """Each side on the kind's primer (bench/primer.py), twice; the cheaper run is start-up."""
    files = write_primer(corpus.root, entries, tmp / "primer")
    out = {}
    ns = [runs.noticescan(tmp / "primer", tmp / f"ns-{i}", n)[0] for i in range(2)]
    out["ns"] = min(ns, key=lambda r: r.cpu)
    if naive:
        nv = [runs.naive(files, tmp, n)[0] for _ in range(2)]
        out["nv"] = min(nv, key=lambda r: r.cpu)
    return out


def _pct(hits: tuple[int, int] | None) -> str:
    return f"{hits[0] / hits[1]:.2f}" if hits and hits[1] else "-"


def report(results: list[KindResult]) -> None:
    """Print the per-kind and overall figures."""
    print("\nstart-up subtracted (CPU s of a scan of the kind's primer, noticescan / "
          "naive): " + ", ".join(f"{r.corpus} {r.kind} {r.startup.get('ns', 0):.1f} / "
                                 f"{r.startup.get('nv', 0):.1f}" for r in results))  # fmt: skip
    head = (f"{'corpus':9}{'kind':12}{'files':>6}{'MB':>7}{'kchars':>8} | {'ns CPU s':>9}"
            f"{'wall':>7}{'MB/s/core':>10} | {'naive CPU':>10}{'wall':>8} | {'ratio CPU':>9}"
            f"{'wall':>6} | {'recall fxc ns/naive':>20}{'value ns/naive':>16}")  # fmt: skip
    print(head + "\n" + "-" * len(head))
    by_corpus: dict[str, list[KindResult]] = defaultdict(list)
    for r in results:
        by_corpus[r.corpus].append(r)
    for corpus, rows in by_corpus.items():
        total = KindResult(corpus, "ALL", 0, 0)
        hits: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for r in rows:
            if r.kind == WHOLE:
                continue  # its own row, after the sum of the kinds
            for k in ("files", "bytes", "chars", "ns_cpu", "ns_wall", "nv_cpu", "nv_wall"):
                setattr(total, k, getattr(total, k) + getattr(r, k))
            for k, (a, b) in r.recall.items():
                hits[k][0] += a
                hits[k][1] += b
        total.recall = {k: (a, b) for k, (a, b) in hits.items()}
        singles = [r for r in rows if r.kind != WHOLE]
        for r in [*singles, total, *(r for r in rows if r.kind == WHOLE)]:
            print(_row(r))
    for r in results:
        if r.runs.get("ns"):
            ns = [x[0] for x in r.runs["ns"]]
            nv = [x[0] for x in r.runs.get("nv", [])]
            ratios = " ".join(f"{b / a:.1f}x" for a, b in zip(ns, nv, strict=False) if a > 0)
            print(f"rounds {r.corpus} {r.kind}: noticescan "
                  + " ".join(f"{x:.1f}" for x in ns) + " / naive "
                  + " ".join(f"{x:.1f}" for x in nv) + f" CPU s net; ratios {ratios}")  # fmt: skip
    print(
        "\nCPU s: user+system of the whole process tree, net of start-up; naive CPU of sampled "
        "kinds is extrapolated by bytes.\nrecall: 'ns' on all files; with a sample, naive (and "
        "the 'value' column's ns) on the sampled files. fxc = file x category."
    )


def _row(r: KindResult) -> str:
    ratio = r.nv_cpu / r.ns_cpu if r.ns_cpu > 0 and r.nv_cpu else 0
    wall = r.nv_wall / r.ns_wall if r.ns_wall > 0 and r.nv_wall else 0
    mbps = r.bytes / 1e6 / r.ns_cpu if r.ns_cpu > 0 else 0
    fc = f"{_pct(r.recall.get('ns_file_category'))} / {_pct(r.recall.get('naive_file_category'))}"
    ns_v = r.recall.get("ns_sample_value" if "ns_sample_value" in r.recall else "ns_value")
    val = f"{_pct(ns_v)} / {_pct(r.recall.get('naive_value'))}"
    return (f"{r.corpus:9}{r.kind:12}{r.files:6d}{r.bytes / 1e6:7.1f}{r.chars / 1e3:8.0f} | "
            f"{r.ns_cpu:9.1f}{r.ns_wall:7.1f}{mbps:10.3f} | {r.nv_cpu:10.1f}{r.nv_wall:8.1f} | "
            f"{ratio:8.1f}x{wall:5.1f}x | {fc:>20}{val:>16}")  # fmt: skip


def timings_report(results: list[KindResult]) -> None:
    """Where noticescan's wall time went, summed over the kinds of each corpus (scan.json)."""
    by_corpus: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for r in results:
        if r.kind == WHOLE:
            continue
        t = r.timings
        workers = {f"worker {k}": v for k, v in t.get("workers_s", {}).items()}
        flat = {**t.get("main_s", {}), **workers}
        flat |= {k: v for k, v in t.items() if k in ("wall_s", "outside_workers_s", "startup_s")}
        for k, v in flat.items():
            by_corpus[r.corpus][k] += v
    for corpus, t in by_corpus.items():
        print(f"\nnoticescan time breakdown, {corpus} (scan.json timings, seconds summed over "
              "its kinds): " + ", ".join(f"{k} {v:.1f}" for k, v in t.items()))  # fmt: skip


def main() -> None:
    """Generate (once) the corpora, run both sides per kind, print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", action="append", help="ordinary, tables, or a folder")
    parser.add_argument("--size-mb", type=float, default=200, help="tables corpus size")
    parser.add_argument("--sample-mb", type=float, default=3, help="naive sample of `tables`")
    parser.add_argument(
        "--sample-mb-ordinary", type=float, default=None, help="naive sample elsewhere (all)"
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--quick", action="store_true", help="smoke run: smaller corpora")
    parser.add_argument("--no-naive", action="store_true", help="noticescan only")
    parser.add_argument(
        "--whole-only",
        action="store_true",
        help="only the one-scan run of each unsampled corpus, not kind by kind",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="rounds of (primer, scan) per side, the median reported (see run_rounds); for "
        "corpora the naive loop reads whole (a sampled corpus runs once: hours per round)",
    )
    parser.add_argument(
        "--no-whole", action="store_true", help="skip the one-scan run of each unsampled corpus"
    )
    parser.add_argument("--cache", type=Path, default=CACHE, help="where corpora are kept")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--code", type=Path, help="measure the scanner of another checkout (default: this one)"
    )
    args = parser.parse_args()
    if args.code:
        runs.CODE = args.code.resolve()
    if args.quick:
        args.size_mb, args.sample_mb = 10, 0.5
    corpora = load_corpora(args)
    args.cache.mkdir(parents=True, exist_ok=True)
    results: list[KindResult] = []
    with tempfile.TemporaryDirectory(prefix="noticescan-bench-", dir=args.cache) as t:
        tmp = Path(t)
        for corpus in corpora:
            size = sum(e["bytes"] for e in corpus.manifest)
            print(f"{corpus.name}: {len(corpus.manifest)} files, {size / 1e6:.1f} MB, "
                  f"{sum(len(e['planted']) for e in corpus.manifest)} planted values; "
                  f"{args.workers} processes each side"
                  + (f"; naive on a {corpus.sample_mb:g} MB sample" if corpus.sample_mb else ""),
                  flush=True)  # fmt: skip
            budget = (corpus.sample_mb or 0) * 1e6
            picked = set(sample(corpus.manifest, budget)) if budget else set()
            views = runs.kind_views(corpus.root, corpus.manifest, tmp / f"views-{corpus.name}")
            for kind, view in views.items():
                if args.whole_only and not corpus.sample_mb and len(views) > 1:
                    break
                results.append(run_kind(corpus, kind, view, picked, tmp, args))
                print("  " + _row(results[-1]), flush=True)
            if not corpus.sample_mb and len(views) > 1 and not args.no_whole:
                results.append(run_whole(corpus, picked, tmp, args))
                print("  " + _row(results[-1]), flush=True)
    report(results)
    timings_report(results)
    if args.json:
        args.json.write_text(json.dumps(
            {"kinds": [vars(r) for r in results]}, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
