"""OCR speed and recall on rendered pages with planted values: clean, scan-like noise, rotated.

Run: `.venv/bin/python -m bench.ocr` (`--quick` for a smoke run, `--dpi-sweep` to compare the
rasterising resolutions, `--compare` to time pytesseract on the same pages).

Figures, all from one process (Tesseract single-threaded, so CPU seconds are per core):
- pages/s per core: pages / CPU seconds of the whole OCR path (cheap test + recognition);
- text recall: planted values found verbatim (spaces ignored) in the OCR text;
- detected recall: planted values the real detectors report, with the right entity type, on the
  `page N (ocr)` segments (what a scan would record); the target is >= 0.9 on the noisy set;
- photos without text: the cheap test's cost, whether it skipped them, and what full
  recognition would have cost.
Pages are drawn by bench/ocr_pages.py (DejaVu Sans, 11 pt; noise, specks, blur, JPEG, 1-3 deg skew).
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable
from typing import Any

from bench.ocr_pages import Page, pages, photo
from scanner.config import OcrSettings
from scanner.extract import ocr
from scanner.extract.base import TextSegment

SETTINGS = OcrSettings()


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", s).upper()


def _cpu(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.process_time()
    value = fn()
    return value, time.process_time() - start


def measure(kind: str, count: int, dpi: int, detector: Any) -> dict[str, float]:
    """OCR `count` pages of `kind`; CPU time, text recall and detected recall."""
    found_text = found_detected = total = 0
    cpu = 0.0
    for n, page in enumerate(pages(kind, count, seed=11, dpi=dpi), 1):
        segment, took = _cpu(lambda p=page, n=n: ocr.ocr_page(p.image, n, SETTINGS))
        cpu += took
        text = _norm(segment.text) if segment else ""
        detected = _detections(detector, segment)
        for entity, value in page.planted:
            total += 1
            found_text += _norm(value) in text
            found_detected += (entity, _norm(value)) in detected
    return {
        "pages": count,
        "cpu_s": cpu,
        "pages_per_s": count / cpu if cpu else 0.0,
        "text_recall": found_text / total,
        "detected_recall": found_detected / total,
    }


def _detections(detector: Any, segment: TextSegment | None) -> set[tuple[str, str]]:
    if detector is None or segment is None:
        return set()
    return {(d.entity_type, _norm(d.value)) for d in detector.detect([segment])}


def photos(count: int) -> None:
    """The cheap test on pictures without text, against full recognition of them."""
    print("\nphotos without text (3000x2000): cheap test vs full recognition, CPU s per image")
    for texture in (False, True):
        probe = full = 0.0
        skipped = 0
        for seed in range(count):
            image = photo(seed, texture=texture)
            gray, prep = _cpu(lambda i=image: ocr.prepare(i))
            has, took = _cpu(lambda g=gray: ocr.has_text(g, SETTINGS))
            probe += prep + took
            skipped += not has
            _, took = _cpu(lambda g=gray: ocr.recognise(g, SETTINGS))
            full += prep + took
        label = "fine texture" if texture else "smooth shapes"
        print(
            f"  {label:14} skipped {skipped}/{count}  cheap test {probe / count:.3f} s  "
            f"full OCR would cost {full / count:.3f} s"
        )


def compare_pytesseract(kind: str, count: int) -> None:
    """Pytesseract (a tesseract process per page) on the same pages, for the binding choice."""
    import resource

    import pytesseract

    batch: list[Page] = pages(kind, count, seed=11)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.process_time()
    for page in batch:
        pytesseract.image_to_string(ocr.prepare(page.image))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    child = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    cpu = child + time.process_time() - start
    print(f"  pytesseract {kind}: {count / cpu:.2f} pages/s per core ({cpu:.1f} CPU s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20, help="pages per kind")
    parser.add_argument("--quick", action="store_true", help="3 pages per kind, no photos")
    parser.add_argument("--dpi-sweep", action="store_true", help="also 150 and 300 dpi")
    parser.add_argument("--compare", action="store_true", help="also time pytesseract")
    parser.add_argument("--no-detect", action="store_true", help="text recall only (no model)")
    args = parser.parse_args()
    count = 3 if args.quick else args.pages
    detector = None
    if not args.no_detect:
        from detectors.registry import build_detector
        from scanner.config import DetectorSettings

        detector = build_detector(DetectorSettings())
    folder = SETTINGS.tessdata_dir()
    print(
        f"tesseract data: {folder} ({', '.join(ocr.tessdata_languages(folder) if folder else [])})"
    )
    print(f"{'kind':8} {'dpi':>4} {'pages':>5} {'CPU s':>6} {'pages/s/core':>12} "
          f"{'text recall':>11} {'detected recall':>15}")  # fmt: skip
    for dpi in (150, 200, 300) if args.dpi_sweep else (200,):
        for kind in ("clean", "noisy", "rotated"):
            r = measure(kind, count, dpi, detector)
            print(
                f"{kind:8} {dpi:4} {r['pages']:5.0f} {r['cpu_s']:6.1f} {r['pages_per_s']:12.2f} "
                f"{r['text_recall']:11.3f} {r['detected_recall']:15.3f}"
            )
    if not args.quick:
        photos(3)
    if args.compare:
        print("\nbinding comparison (same pages, tesserocr figures above):")
        compare_pytesseract("noisy", min(count, 4))


if __name__ == "__main__":
    main()
