"""Detector CPU on the ordinary documents, and a fingerprint of what it found.

Run: `.venv/bin/python -m bench.detect_cpu [--repeat 3] [--per-recognizer]`.

The ordinary-documents corpus (bench/ordinary_corpus.py, generated into bench/.cache on first
use) is extracted once, as the scan's workers extract it (tables stay tables, nested mail
parts are items of their own); then `detect_many([item])` runs over every item, as a worker
calls it, and the best of `--repeat` CPU times is printed with the number of findings and a
hash of them all (type, location, offsets, score). A speed change to the detectors should
keep the hash; when it does not, the change altered findings and needs the quality benches
(bench.independent, bench.records). Single process, model loading excluded: this isolates
the detectors from extraction and the pool, which bench.throughput measures as a whole.

It flatters memos and the shared model stage: passes after the first find every memo warm, and
each item's model stage runs alone here while a scan's workers batch it. Use it to check that
findings are unchanged; judge speed with whole scans (bench.alternate, bench.throughput).
"""

from __future__ import annotations

import argparse
import hashlib
import time
from collections.abc import Sequence
from typing import Any

from bench.corpus import CACHE
from bench.located import Segments, walk_item
from bench.offline import force_offline


def items() -> list[Segments]:
    """Every item's segments, nested ones as items of their own (as a worker sees them)."""
    from bench import ordinary_corpus

    root, _ = ordinary_corpus.ensure(CACHE)
    out = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix != ".json"):
        out += [segments for _, segments in walk_item(path.read_bytes(), path.name)]
    return out


def fingerprint(found: Sequence[Sequence[Any]]) -> tuple[int, str]:
    """(findings, short hash of every finding's type, location, offsets and score)."""
    h, n = hashlib.sha256(), 0
    for detections in found:
        for d in detections:
            n += 1
            key = (d.entity_type, d.location, d.start, d.end, round(d.score, 3))
            h.update(repr(key).encode())
    return n, h.hexdigest()[:16]


def per_recognizer(det: Any, work: list[Segments]) -> None:
    """Seconds in each pattern recognizer's analyze() over the corpus (wall, one pass)."""
    spent: dict[str, float] = {}
    for rec in det.shapes:
        inner = rec.analyze

        def timed(*a: Any, _inner: Any = inner, _name: str = rec.name, **k: Any) -> Any:
            t = time.perf_counter()
            try:
                return _inner(*a, **k)
            finally:
                spent[_name] = spent.get(_name, 0.0) + time.perf_counter() - t

        rec.analyze = timed
    for segments in work:
        det.detect_many([segments])
    for name, s in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"  {name:36s} {s:6.3f} s")
    print(f"  {'all pattern recognizers':36s} {sum(spent.values()):6.3f} s")


def main() -> None:
    """Print best-of-N CPU seconds, findings and their hash."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--per-recognizer", action="store_true", help="time each pattern recognizer")
    args = ap.parse_args()
    force_offline()
    from detectors.engine import PresidioDetector
    from detectors.registry import build_detector
    from scanner.config import DetectorSettings

    det = build_detector(DetectorSettings())
    assert isinstance(det, PresidioDetector)
    work = items()
    det.detect_many(work[:3])  # first calls load lazy tables (phone metadata)
    best, found = float("inf"), []
    for _ in range(args.repeat):
        t = time.process_time()
        found = [det.detect_many([segments])[0] for segments in work]
        best = min(best, time.process_time() - t)
    n, digest = fingerprint(found)
    chars = sum(len(getattr(s, "text", "")) for segs in work for s in segs)
    print(f"items {len(work)}, text segments' characters {chars:,}")
    print(f"detector CPU, best of {args.repeat}: {best:.2f} s; findings {n}, hash {digest}")
    if args.per_recognizer:
        per_recognizer(det, work)


if __name__ == "__main__":
    main()
