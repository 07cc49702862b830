"""Detector speed on the quality corpus: naive per-item Presidio analyze() vs noticescan.

Run: `.venv/bin/python -m bench.detector_speed [--docs N] [--batch B]`.

Naive = one `AnalyzerEngine.analyze()` per item over the item's whole text (tables rendered as
comma-separated lines), default recognizers, full spaCy pipeline: the loop issue 8 compares
against. noticescan is timed with detect() per item and with detect_many() over batches of
items. Figures are ms per KB of extracted text, single process, model load excluded.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from bench.corpus import Document
from bench.templates import load
from detectors.registry import build_detector
from scanner.config import DetectorSettings
from scanner.extract.base import TextSegment


def flat(doc: Document) -> str:
    """Return the item's text as a naive loop would see it."""
    parts = []
    for s in doc.segments:
        if isinstance(s, TextSegment):
            parts.append(s.text)
        else:
            parts.append("\n".join(",".join(r) for r in [list(s.header), *s.rows]))
    return "\n".join(parts)


def main() -> int:
    """Print ms/KB for each way of running."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=400)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--no-naive", action="store_true")
    args = ap.parse_args()
    docs = load(args.docs)
    kb = sum(len(flat(d)) for d in docs) / 1024
    print(f"{len(docs)} items, {kb:.0f} KB")

    det: Any = build_detector(DetectorSettings())  # detect_many is beyond the protocol
    det.detect_many([[TextSegment("x", "warm up John Smith")]])
    t0 = time.perf_counter()
    for d in docs:
        list(det.detect(d.segments))
    per_item = (time.perf_counter() - t0) * 1000 / kb
    t0 = time.perf_counter()
    for i in range(0, len(docs), args.batch):
        det.detect_many([d.segments for d in docs[i : i + args.batch]])
    batched = (time.perf_counter() - t0) * 1000 / kb
    print(f"noticescan detect():        {per_item:6.2f} ms/KB")
    print(f"noticescan detect_many({args.batch}): {batched:6.2f} ms/KB")
    if not args.no_naive:
        from bench.plain import PlainPresidio

        naive = PlainPresidio(DetectorSettings()).analyzer
        naive.analyze(text="warm up", language="en")
        t0 = time.perf_counter()
        for d in docs:
            naive.analyze(text=flat(d), language="en")
        base = (time.perf_counter() - t0) * 1000 / kb
        print(f"naive analyze() per item:   {base:6.2f} ms/KB")
        print(f"speed-up: {base / per_item:.1f}x per item, {base / batched:.1f}x batched")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
