"""Detection quality on the labelled corpus: noticescan vs plain Presidio, per entity and category.

Run: `.venv/bin/python -m bench.quality [--docs N] [--seed S] [--no-plain]`.

Matching rule (span level): a prediction and a label match when they are in the same item and
location, have the same entity (or category, for the category table), and their overlap covers
at least half of each (so `Mr John Smith` matches `John Smith`, a street line alone does not
match the full address). Precision = matched predictions / predictions; recall = matched labels
/ labels; F2 weighs recall four times as much as precision (a miss costs more than a false hit).

Plain Presidio = `AnalyzerEngine` with its default recognizers on the same spaCy model, tables
analysed a column at a time with the header as context (the spine detector this replaces),
score threshold 0.5. Its entity names are mapped to ours where one is the only way it could
report that kind of data: DATE_TIME -> DATE_OF_BIRTH, LOCATION -> ADDRESS, US_PASSPORT ->
UK_PASSPORT, US_DRIVER_LICENSE -> UK_DRIVING_LICENCE, US_BANK_NUMBER -> UK_BANK_ACCOUNT,
US_SSN/US_ITIN/MEDICAL_LICENSE -> UK_NINO; URL, NRP and the rest count as false positives
("other").
"""

from __future__ import annotations

import argparse
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from bench.corpus import Document
from bench.templates import load
from detectors.base import Detection
from scanner.categories import category_of
from scanner.config import DetectorSettings
from scanner.extract.base import TextSegment

PLAIN_MAP = {
    "DATE_TIME": "DATE_OF_BIRTH",
    "LOCATION": "ADDRESS",
    "US_PASSPORT": "UK_PASSPORT",
    "US_DRIVER_LICENSE": "UK_DRIVING_LICENCE",
    "US_BANK_NUMBER": "UK_BANK_ACCOUNT",
    "US_SSN": "UK_NINO",
    "US_ITIN": "UK_NINO",
    "MEDICAL_LICENSE": "UK_NINO",
}
VALIDATED = (
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "IBAN_CODE",
    "VAT_NUMBER",
    "CREDIT_CARD",
    "UK_NINO",
    "UK_NHS",
    "UK_POSTCODE",
    "UK_DRIVING_LICENCE",
    "IP_ADDRESS",
)
TARGETS = {**{e: 0.90 for e in VALIDATED}, "PERSON": 0.80, "ADDRESS": 0.80}
OVERALL_MARGIN = 0.10

Span = tuple[str, str, int, int, str]  # doc, location, start, end, label


def _overlaps(a: Span, b: Span) -> bool:
    inter = min(a[3], b[3]) - max(a[2], b[2])
    return inter > 0 and inter * 2 >= a[3] - a[2] and inter * 2 >= b[3] - b[2]


def score(gold: list[Span], pred: list[Span]) -> dict[str, Counter[str]]:
    """Per label: labels, predictions, matched labels (tp_r), matched predictions (tp_p)."""
    out: dict[str, Counter[str]] = defaultdict(Counter)
    index: dict[tuple[str, str, str], list[Span]] = defaultdict(list)
    for g in gold:
        index[(g[0], g[1], g[4])].append(g)
        out[g[4]]["gold"] += 1
    pindex: dict[tuple[str, str, str], list[Span]] = defaultdict(list)
    for p in pred:
        pindex[(p[0], p[1], p[4])].append(p)
        out[p[4]]["pred"] += 1
        if any(_overlaps(p, g) for g in index[(p[0], p[1], p[4])]):
            out[p[4]]["tp_p"] += 1
    for g in gold:
        if any(_overlaps(g, p) for p in pindex[(g[0], g[1], g[4])]):
            out[g[4]]["tp_r"] += 1
    return out


def prf(c: Counter[str]) -> tuple[float, float, float]:
    """Precision, recall, F2."""
    p = c["tp_p"] / c["pred"] if c["pred"] else (1.0 if not c["gold"] else 0.0)
    r = c["tp_r"] / c["gold"] if c["gold"] else (1.0 if not c["pred"] else 0.0)
    f2 = 5 * p * r / (4 * p + r) if p + r else 0.0
    return p, r, f2


def total(counts: dict[str, Counter[str]]) -> Counter[str]:
    """Micro-average over every label."""
    t: Counter[str] = Counter()
    for c in counts.values():
        t.update(c)
    return t


def run(
    docs: list[Document], detect: Callable[[Document], Iterable[Detection]], mapping: dict[str, str]
) -> tuple[list[Span], float]:
    """Predictions (entity spans) of one system over the corpus, and seconds taken."""
    spans: list[Span] = []
    t0 = time.perf_counter()
    for d in docs:
        for x in detect(d):
            entity = mapping.get(x.entity_type, x.entity_type)
            spans.append(
                (d.id, x.location, x.start, x.end, entity if category_of(entity) else "other")
            )
    return spans, time.perf_counter() - t0


def _cat(spans: Iterable[Span]) -> list[Span]:
    return [(a, b, s, e, category_of(lab) or "other") for a, b, s, e, lab in spans]


def _gold(docs: list[Document]) -> list[Span]:
    return [(g.doc, g.location, g.start, g.end, g.entity) for d in docs for g in d.gold]


def table(
    title: str,
    ours: dict[str, Counter[str]],
    plain: dict[str, Counter[str]] | None,
    targets: dict[str, float],
) -> list[bool]:
    """Print one comparison table; return PASS/FAIL of every target row."""
    print(f"\n{title}")
    head = f"{'':22} {'gold':>5} | {'ours P':>7} {'R':>6} {'F2':>6} |"
    head += f" {'plain P':>7} {'R':>6} {'F2':>6} |" if plain is not None else ""
    print(head + f" {'target':>6}")
    results = []
    labels = sorted(set(ours) | set(plain or {}), key=lambda k: (k == "other", k))
    for label in labels:
        mine = ours.get(label, Counter())
        line = f"{label:22} {mine['gold']:5d} | {_cells(mine, 7)} |"
        if plain is not None:
            line += f" {_cells(plain.get(label, Counter()), 7)} |"
        if label in targets:
            ok = prf(mine)[2] >= targets[label]
            results.append(ok)
            line += f" >={targets[label]:.2f} {'PASS' if ok else 'FAIL'}"
        print(line)
    return results


def evaluate(
    title: str, docs: list[Document], ours_det: Any, plain_det: Any, targets: bool
) -> list[bool]:
    """Run both systems on one corpus and print its tables; return target checks."""
    gold = _gold(docs)
    kb = sum(_size(s) for d in docs for s in d.segments) / 1024
    print(f"\n=== {title}: {len(docs)} documents, {len(gold)} labels, {kb:.0f} KB of text ===")
    ours, ours_s = run(docs, lambda d: ours_det.detect(d.segments), {})
    print(f"noticescan: {ours_s:.1f} s ({ours_s * 1000 / kb:.2f} ms/KB)")
    plain = None
    if plain_det is not None:
        plain, plain_s = run(docs, lambda d: plain_det.detect(d.segments), PLAIN_MAP)
        print(f"plain Presidio: {plain_s:.1f} s ({plain_s * 1000 / kb:.2f} ms/KB)")
    ents = score(gold, ours)
    pents = score(gold, plain) if plain is not None else None
    heading = "Per entity (F2 targets: >=0.90 validated, >=0.80 names/addresses)"
    checks = table(heading, ents, pents, TARGETS if targets else {})
    pcats = score(_cat(gold), _cat(plain)) if plain is not None else None
    table("Per category", score(_cat(gold), _cat(ours)), pcats, {})
    o = prf(total(ents))
    print(f"\nOverall (micro, entity level): ours P={o[0]:.3f} R={o[1]:.3f} F2={o[2]:.3f}")
    if pents is not None:
        p = prf(total(pents))
        print(f"Overall plain Presidio:        P={p[0]:.3f} R={p[1]:.3f} F2={p[2]:.3f}")
        if targets:
            ok = o[2] >= p[2] + OVERALL_MARGIN
            checks.append(ok)
            need = p[2] + OVERALL_MARGIN
            print(
                f"Target overall F2 >= plain + {OVERALL_MARGIN:.2f} ({need:.3f}): "
                + ("PASS" if ok else "FAIL")
            )
    return checks


def _size(seg: Any) -> int:
    if isinstance(seg, TextSegment):
        return len(seg.text)
    return sum(len(c) + 1 for r in seg.rows for c in r)


def _cells(c: Counter[str], width: int) -> str:
    """P, R, F2 columns; dashes when a system has neither labels nor predictions here."""
    if not c["gold"] and not c["pred"]:
        return f"{'-':>{width}} {'-':>6} {'-':>6}"
    p, r, f2 = prf(c)
    return f"{p:{width}.3f} {r:6.3f} {f2:6.3f}"


def main() -> int:
    """Generate/load the corpora, run both systems, print tables and targets."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=400)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--heldout", type=int, default=120, help="held-out documents (0 = skip)")
    ap.add_argument("--no-plain", action="store_true", help="skip plain Presidio (faster)")
    args = ap.parse_args()

    from detectors.registry import build_detector

    t0 = time.perf_counter()
    ours_det = build_detector(DetectorSettings())
    print(f"noticescan model load {time.perf_counter() - t0:.1f} s")
    plain_det = None
    if not args.no_plain:
        from bench.plain import PlainPresidio

        plain_det = PlainPresidio(DetectorSettings())
    checks = evaluate(
        "Main corpus (in-sample: used while tuning)",
        load(args.docs, args.seed),
        ours_det,
        plain_det,
        targets=True,
    )
    print(f"\nTargets (main corpus): {sum(checks)}/{len(checks)} PASS")
    if args.heldout:
        from bench.heldout import load_heldout

        evaluate(
            "Held-out templates (never tuned on; no targets)",
            load_heldout(args.heldout),
            ours_det,
            plain_det,
            targets=False,
        )
    return 0 if all(checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
