"""The loop most Presidio users write, as a process of its own so its CPU can be measured.

Run: `python -m bench.naive_loop --workers N --files LIST.json --out FOUND.json`.

Each file's text comes from our extractors (so both sides read the same text); every item
(nested ones too) goes to `AnalyzerEngine.analyze(text)` with Presidio's default recognizers
and the same spaCy model, in a multiprocessing.Pool of N processes that each load the engine
once. FOUND.json maps each file to its [(category, value)] and its items and peak RSS; the
caller measures the CPU of this whole process tree (bench/throughput.py).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
from pathlib import Path
from typing import Any

from bench.located import Segments, walk_item

NAIVE_CHUNK = 100_000  # spaCy refuses texts over nlp.max_length; a naive loop splits long ones
# Generous: DATE_TIME counts as a date of birth, LOCATION as an address.
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

_ANALYZER: Any = None


def _init() -> None:
    global _ANALYZER
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    from bench.offline import force_offline
    from bench.plain import PLAIN_MODEL

    force_offline()
    conf = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": PLAIN_MODEL}]}
    engine = NlpEngineProvider(nlp_configuration=conf).create_engine()
    _ANALYZER = AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])


def _text(segments: Segments) -> str:
    from scanner.extract.base import TextSegment

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


def analyse_file(path: str) -> tuple[str, int, list[tuple[str, str]], int]:
    """One file the naive way: (path, items, [(category, value)], peak RSS KB)."""
    found, items = [], 0
    p = Path(path)
    for _suffix, segments in walk_item(p.read_bytes(), p.name):
        items += 1
        for chunk in _chunks(_text(segments)):
            for r in _ANALYZER.analyze(text=chunk, language="en"):
                category = NAIVE_CATEGORY.get(r.entity_type)
                if category:
                    found.append((category, chunk[r.start : r.end]))
    return path, items, found, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> None:
    """Analyse the listed files on N processes; write what was found."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, required=True)
    parser.add_argument("--files", type=Path, required=True, help="JSON list of paths")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    paths = json.loads(args.files.read_text())
    found: dict[str, Any] = {}
    items, peak = 0, 0
    with mp.get_context("spawn").Pool(args.workers, initializer=_init) as pool:
        for path, n, values, rss in pool.imap_unordered(analyse_file, paths, chunksize=1):
            found[path] = values
            items += n
            peak = max(peak, rss)
    args.out.write_text(json.dumps({"found": found, "items": items, "peak_rss_kb": peak}))


if __name__ == "__main__":
    main()
