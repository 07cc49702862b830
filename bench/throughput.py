"""noticescan against the naive Presidio loop, on the same files with the same number of processes.

Run: `.venv/bin/python -m bench.throughput [--size-mb 200] [--workers N] [--quick]`.

(a) The naive loop most Presidio users write: extract each file's text (our extractors, so both
sides read the same text), `AnalyzerEngine.analyze(text)` per item with Presidio's default
recognizers and the same spaCy model, in a multiprocessing.Pool of N processes each loading the
engine once. At ~0.02 MB/s it would take hours on the whole corpus, so it runs on a SAMPLE:
files drawn at random (fixed seed) from each kind of file in proportion to that kind's bytes.
Its rate is extrapolated per kind: the corpus time is the sum over kinds of (kind's bytes /
sampled rate of that kind), assuming perfect scaling over N processes (generous to the loop).
(b) `noticescan scan` on the whole corpus, timed end to end as a user runs it (start-up, model
loading, scope and report included).

Recall: a planted value counts as found when the tool reports, in the same top-level file (or
anything nested in it), a finding of the same notice category whose text equals the value or
contains it (at most twice as long), after case, space and punctuation are normalised. The naive
loop's entities are mapped to categories generously (DATE_TIME counts as a date of birth,
LOCATION as an address). noticescan's findings hold no raw values, so the benchmark re-extracts
the files (synthetic data) and reads each finding's span back from its location.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import psutil

from bench.throughput_corpus import ensure
from scanner.config import Limits
from scanner.extract.base import Child, ExtractContext, TableSegment, TextSegment
from scanner.extract.registry import HEAD_BYTES, choose

CACHE = Path(__file__).resolve().parent / ".cache"
NAIVE_CHUNK = 100_000  # spaCy refuses texts over nlp.max_length; a naive loop splits long ones
NAIVE_CATEGORY = {
    "PERSON": "name",
    "EMAIL_ADDRESS": "contact",
    "PHONE_NUMBER": "contact",
    "LOCATION": "address",
    "UK_POSTCODE": "address",
    "IBAN_CODE": "billing",
    "US_BANK_NUMBER": "billing",
    "CREDIT_CARD": "payment_card",
    "UK_NHS": "government_id",
    "UK_NINO": "government_id",
    "US_SSN": "government_id",
    "US_PASSPORT": "government_id",
    "US_DRIVER_LICENSE": "government_id",
    "US_ITIN": "government_id",
    "DATE_TIME": "date_of_birth",
    "IP_ADDRESS": "online_identifier",
    "URL": "online_identifier",
}
Found = dict[str, list[tuple[str, str]]]  # top-level file -> [(category, value)]


# --- extraction, shared by both sides ---------------------------------------------------------


def walk_item(data: bytes, name: str, suffix: str = "", depth: int = 0) -> Any:
    """Yield (suffix, segments) for an item and, depth first, everything nested in it."""
    extractor = choose(data[:HEAD_BYTES], name)
    if extractor is None:
        return
    segments: list[TextSegment | TableSegment] = []
    for out in extractor.extract(data, ExtractContext(name, depth, Limits())):
        if isinstance(out, Child):
            if depth < Limits().archive_depth:
                yield from walk_item(out.data, out.name, suffix + out.suffix, depth + 1)
        else:
            segments.append(out)
    yield suffix, segments


def located_text(path: Path) -> dict[tuple[str, str], str]:
    """(nested suffix, location) -> text, table cells by their cell location."""
    index: dict[tuple[str, str], str] = {}
    for suffix, segments in walk_item(path.read_bytes(), path.name):
        for seg in segments:
            if isinstance(seg, TextSegment):
                index[(suffix, seg.location)] = seg.text
                continue
            for r, row in enumerate(seg.rows):
                for c, cell in enumerate(row):
                    index[(suffix, seg.cell_location(r, c))] = cell
    return index


# --- (a) the naive loop -----------------------------------------------------------------------

_ANALYZER: Any = None


def _naive_init() -> None:
    global _ANALYZER
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    from detectors.engine import SPACY_MODEL
    from scanner.offline import force_offline

    force_offline()
    conf = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": SPACY_MODEL}]}
    engine = NlpEngineProvider(nlp_configuration=conf).create_engine()
    _ANALYZER = AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])


def _naive_text(segments: list[TextSegment | TableSegment]) -> str:
    parts = []
    for seg in segments:
        if isinstance(seg, TextSegment):
            parts.append(seg.text)
        else:
            parts += [", ".join(seg.header)] + [", ".join(row) for row in seg.rows]
    return "\n".join(parts)


def _chunks(text: str) -> list[str]:
    out, start = [], 0
    while start < len(text):
        end = start + NAIVE_CHUNK
        if end < len(text):
            end = text.rfind("\n", start, end) + 1 or end
        out.append(text[start:end])
        start = end
    return out


def _naive_file(path: str) -> tuple[str, float, int, list[tuple[str, str]], int]:
    """Analyse one file the naive way; (path, seconds, items, [(category, value)], peak RSS KB)."""
    t0 = time.perf_counter()
    found, items = [], 0
    p = Path(path)
    for _suffix, segments in walk_item(p.read_bytes(), p.name):
        items += 1
        for chunk in _chunks(_naive_text(segments)):
            for r in _ANALYZER.analyze(text=chunk, language="en"):
                category = NAIVE_CATEGORY.get(r.entity_type)
                if category:
                    found.append((category, chunk[r.start : r.end]))
    took = time.perf_counter() - t0
    return path, took, items, found, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run_naive(root: Path, files: list[str], workers: int) -> dict[str, Any]:
    """Naive loop over `files`; per-file busy time, so worker start-up is not counted."""
    busy: dict[str, float] = {}
    found: Found = {}
    items, peak = 0, 0.0
    t0 = time.perf_counter()
    with mp.get_context("spawn").Pool(workers, initializer=_naive_init) as pool:
        paths = [str(root / f) for f in files]
        for path, took, n, values, rss in pool.imap_unordered(_naive_file, paths, chunksize=1):
            rel = str(Path(path).relative_to(root))
            busy[rel], found[rel] = took, values
            items += n
            peak = max(peak, rss)
    return {
        "busy": busy,
        "found": found,
        "items": items,
        "peak_rss_mb": peak / 1024,
        "wall": time.perf_counter() - t0,
    }


# --- (b) noticescan ---------------------------------------------------------------------------


class RssWatch(threading.Thread):
    """Peak RSS of each child of a process, polled every 0.2 s."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.stop = pid, threading.Event()
        self.peak: defaultdict[int, int] = defaultdict(int)

    def run(self) -> None:
        """Poll until stopped."""
        try:
            parent = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self.stop.wait(0.2):
            try:
                children = parent.children(recursive=True)
            except psutil.Error:
                return
            for child in children:
                try:
                    self.peak[child.pid] = max(self.peak[child.pid], child.memory_info().rss)
                except psutil.Error:
                    pass


def run_noticescan(root: Path, out: Path, workers: int) -> dict[str, Any]:
    """`noticescan scan ROOT -w N` in a subprocess; wall time, worker RSS, the scan folder."""
    env = dict(os.environ, NOTICESCAN_HMAC_KEY="bench-throughput-key-0123456789")
    repo = Path(__file__).resolve().parent.parent
    env["PYTHONPATH"] = str(repo) + os.pathsep + env.get("PYTHONPATH", "")
    cmd = [sys.executable, "-m", "scanner.cli", "scan", str(root), "--out", str(out)]
    cmd += ["--workers", str(workers), "--quiet"]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    watch = RssWatch(proc.pid)
    watch.start()
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - t0
    watch.stop.set()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"noticescan scan failed ({proc.returncode}): {stderr.decode()[-2000:]}")
    scan_dir = Path(re.search(rb"output: (.+)", stdout).group(1).decode())  # type: ignore[union-attr]
    doc = json.loads((scan_dir / "scan.json").read_text())
    # The workers are the children with the model loaded: the largest N of them.
    worker_rss = sorted(watch.peak.values(), reverse=True)[:workers]
    return {"wall": wall, "dir": scan_dir, "counts": doc["counts"], "worker_rss": worker_rss}


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


# --- recall -----------------------------------------------------------------------------------

_EDGE = " .,;:()<>\"'"


def norm(value: str) -> str:
    """Case, spacing and surrounding punctuation removed; separators dropped from numbers."""
    v = " ".join(value.casefold().split()).strip(_EDGE)
    digits = sum(c.isdigit() for c in v)
    if digits * 2 >= len(v.replace(" ", "")) and digits:
        return re.sub(r"[\s\-./]", "", v)
    return v


def recall(manifest: list[dict[str, Any]], files: set[str], found: Found) -> tuple[int, int]:
    """(found, planted) over `files`."""
    hit = total = 0
    for entry in manifest:
        if entry["file"] not in files or not entry["planted"]:
            continue
        mine: dict[str, list[str]] = defaultdict(list)
        for category, value in found.get(entry["file"], []):
            mine[category].append(norm(value))
        exact = {c: set(vs) for c, vs in mine.items()}
        for _entity, category, value in entry["planted"]:
            total += 1
            p = norm(value)
            if p in exact.get(category, ()) or any(
                p in f and len(f) <= 2 * len(p) + 4 for f in mine.get(category, ())
            ):
                hit += 1
    return hit, total


# --- the run ----------------------------------------------------------------------------------


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


def main() -> None:
    """Generate (once) the corpus, run both sides, print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=200, help="corpus size (default 200)")
    parser.add_argument("--sample-mb", type=float, default=3, help="naive loop's sample size")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--quick", action="store_true", help="smoke run: 10 MB, 0.5 MB sample")
    parser.add_argument("--no-naive", action="store_true", help="noticescan only")
    parser.add_argument("--cache", type=Path, default=CACHE, help="where corpora are kept")
    args = parser.parse_args()
    if args.quick:
        args.size_mb, args.sample_mb = 10, 0.5
    root, manifest = ensure(args.size_mb, args.cache)
    by_file = {e["file"]: e for e in manifest}
    corpus_bytes = sum(e["bytes"] for e in manifest)
    planted_files = {e["file"] for e in manifest if e["planted"]}
    picked = sample(manifest, args.sample_mb * 1e6)
    picked_set = set(picked)
    n = args.workers
    print(
        f"corpus: {corpus_bytes / 1e6:.1f} MB in {len(manifest)} files, "
        f"{sum(len(e['planted']) for e in manifest)} planted values; {n} processes each side"
    )

    with tempfile.TemporaryDirectory(prefix="noticescan-bench-") as tmp:
        ns = run_noticescan(root, Path(tmp), n)
        ns_found = noticescan_found(ns["dir"], root, planted_files)
    ns_rate = corpus_bytes / ns["wall"] / 1e6
    ns_items = ns["counts"]["items"] / ns["wall"]
    ns_rss = max(ns["worker_rss"], default=0) / 2**20
    ns_full = recall(manifest, set(by_file), ns_found)
    ns_sample = recall(manifest, picked_set, ns_found)

    rows: list[tuple[str, float, float, float, tuple[int, int], tuple[int, int] | None]] = []
    if not args.no_naive:
        sample_bytes = sum(by_file[f]["bytes"] for f in picked)
        print(
            f"naive loop: sample of {len(picked)} files, {sample_bytes / 1e6:.2f} MB, drawn per "
            "kind in proportion to its bytes (seed 7); corpus time extrapolated per kind"
        )
        nv = run_naive(root, picked, n)
        est = 0.0  # estimated seconds for the whole corpus on n processes
        for kind in {e["kind"] for e in manifest}:
            k_bytes = sum(e["bytes"] for e in manifest if e["kind"] == kind)
            k_files = [f for f in picked if by_file[f]["kind"] == kind]
            k_busy = sum(nv["busy"][f] for f in k_files)
            k_sampled = sum(by_file[f]["bytes"] for f in k_files)
            est += k_bytes / k_sampled * k_busy / n
        nv_items = nv["items"] / (sum(nv["busy"].values()) / n)
        nv_sample = recall(manifest, picked_set, nv["found"])
        rows.append(("naive Presidio (sampled)", corpus_bytes / est / 1e6, nv_items,
                     nv["peak_rss_mb"], nv_sample, None))  # fmt: skip
    rows.append(("noticescan scan", ns_rate, ns_items, ns_rss, ns_sample, ns_full))

    print(f"\n{'':26}{'MB/s':>8}{'items/s':>9}{'peak RSS/worker':>17}{'recall sample':>15}"
          f"{'recall full':>13}")  # fmt: skip
    for name, rate, items, rss, rs, rf in rows:
        full = f"{rf[0] / rf[1]:.1%}" if rf else "-"
        print(f"{name:26}{rate:8.3f}{items:9.1f}{rss:14.0f} MB{rs[0] / rs[1]:15.1%}{full:>13}")
    print(
        f"\nnoticescan: {ns['wall']:.1f} s wall for {ns['counts']['items']} items "
        f"({ns['counts'].get('by_status')}); worker peak RSS MB: "
        f"{[round(r / 2**20) for r in ns['worker_rss']]}"
    )
    if len(rows) == 2:
        print(f"ratio noticescan / naive: {ns_rate / rows[0][1]:.1f}x")


if __name__ == "__main__":
    main()
