"""Why PERSON is missed or wrong on the independent corpora: each error put in one category.

Run: `.venv/bin/python -m bench.person_errors [--only NAME ...] [--examples N]`
(corpora folder as for bench.independent). For every gold PERSON span noticescan misses, the
model is run on the whole text (no windows, no filters) and the span is classed by the first
step that lost it: the model never saw it as a person (and then by its written shape: lower
case, handle, hashtag, ...; a short text is read as the engine reads it, true-cased), or the
model found it and a filter of ours dropped it (which
one). Every wrong finding is classed by the recognizer that made it and its shape. Prints
counts per category and a few examples of each, to decide what to change; it scores nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

from bench.conll import Document
from bench.independent import (
    CORPORA,
    DEFAULT_CORPORA,
    ENV,
    FOUND_BY,
    folder,
    load,
    noticescan_system,
)


def _overlaps(a: int, b: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(a < d and c < b for c, d in spans)


def _shape(value: str) -> str:
    """The written shape of a span: how a reader would see it."""
    words = value.split()
    if value.startswith("@"):
        return "handle"
    if value.startswith("#"):
        return "hashtag"
    if value.islower():
        return "lower"
    if value.isupper() and len(value) > 1:
        return "caps"
    if len(words) == 1:
        return "one-word"
    return "multi-word"


def miss_reason(text: str, a: int, b: int, raw: list[tuple[int, int]]) -> str:
    """The first step that lost gold span text[a:b] (raw = model spans on the whole text)."""
    from detectors.engine import SHORT_TEXT, name_windows, prose_runs
    from detectors.name_shapes import (
        looks_like_company,
        name_evidence,
        plausible_name,
        trim,
        used_in_lower_case,
    )
    from detectors.names import _LOWER_WORD

    hit = [(c, d) for c, d in raw if c < b and a < d]
    if not hit:
        return f"model-missed:{_shape(text[a:b])}"
    if len(text) > SHORT_TEXT:
        windows = [w for r in prose_runs(text) for w in name_windows(text, *r)]
        if not any(c <= a and b <= d for c, d in windows):
            return "not-in-window"
    c, d = hit[0]
    s, e, title = trim(text, c, d)
    value = text[s:e]
    if s >= e:
        return "trimmed-away"
    if text[s - 1 : s] in ("#", "@"):
        return "filter:handle/hashtag"
    if not plausible_name(value):
        return f"filter:shape:{_shape(value)}"
    if not (name_evidence(value) or title):
        return f"filter:no-list-evidence:{'one' if len(value.split()) == 1 else 'multi'}"
    if looks_like_company(text, s, e):
        return "filter:company"
    if used_in_lower_case(value, set(_LOWER_WORD.findall(text))):
        return "filter:lower-case-elsewhere"
    return "lost-elsewhere(windows?)"


def main(argv: Iterable[str] | None = None) -> int:
    """Categorise misses and wrong findings per corpus."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=None)
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--examples", type=int, default=4)
    args = parser.parse_args(list(argv) if argv is not None else None)
    root = args.corpora or Path(os.environ.get(ENV) or DEFAULT_CORPORA)
    from detectors.engine import SHORT_TEXT, load_nlp
    from detectors.true_case import true_case

    nlp = load_nlp()
    ours = noticescan_system()
    for c in CORPORA:
        if (args.only and c.name not in args.only) or not folder(root, c):
            continue
        docs: list[Document] = load(root, c)
        preds = ours(docs)
        # What the model reads of a short text: the true-cased view (detectors/engine.py).
        views = [true_case(d.text) if len(d.text) <= SHORT_TEXT else d.text for d in docs]
        raws = [
            [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PERSON"]
            for doc in nlp.pipe(views, batch_size=256)
        ]
        counts: Counter[str] = Counter()
        examples: dict[str, list[str]] = defaultdict(list)
        for d, p, raw, view in zip(docs, preds, raws, views, strict=True):
            for a, b in d.gold:
                if _overlaps(a, b, p):
                    continue
                why = "miss " + miss_reason(view, a, b, raw)
                counts[why] += 1
                examples[why].append(f"{d.text[a:b]!r} … {d.text[max(0, a - 30) : b + 30]!r}")
            for a, b in p:
                if _overlaps(a, b, d.gold):
                    continue
                by = FOUND_BY.get((d.id, a, b), "?")
                why = f"wrong {by}:{_shape(d.text[a:b])}"
                counts[why] += 1
                examples[why].append(f"{d.text[a:b]!r} … {d.text[max(0, a - 30) : b + 30]!r}")
        gold = sum(len(d.gold) for d in docs)
        print(f"\n== {c.name}: {len(docs)} docs, {gold} gold")
        for why, n in counts.most_common():
            print(f"{n:5}  {why}")
            for ex in examples[why][: args.examples]:
                print(f"         {ex}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
