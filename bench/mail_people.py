"""PERSON in real company mail (the Enron PST), noticescan vs plain Presidio: labels made here.

Run: `.venv/bin/python -m bench.mail_people [--pst PATH] [--show N]` (or `make bench-mail`).

Issue 12's bar is also checked on real company e-mail that is not in this repository, and the
human-labelled corpora in ../shared/corpora hold no mail. This benchmark reads the one real
mailbox we have, `tests/fixtures/files/enron.pst` (71 messages of the Enron EDRM data set, which
`scripts/install-test-deps.sh` fetches for the PST reader's tests), through the scanner's own
extractors, so both systems see the segments a scan would: `header:From`, `header:To`, ...,
`subject`, `body`.

The labels (`bench/data/enron_people.json`) were made here, by an annotation pass that read the
text only, following `bench/data/enron_people_guide.md`, without any detector's output. The
text is independent; the labels are not human-labelled, so this is a check, reported apart from
the human-labelled corpora, and the rules tuned while reading its misses make it a development
set too. Each label is a name and the whole-word occurrences of it in its segment that are
people.

Scoring is bench.independent's: a gold span is found when a PERSON finding overlaps it, a
finding is right when it overlaps a gold span. noticescan gets each message's segments as one
item (detect_many, as a scan worker does: a name in the header helps in the body); plain
Presidio analyses each segment's text.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from bench.independent import MARGIN, MIN_PRECISION, Score

REPO = Path(__file__).resolve().parents[1]
DEFAULT_PST = REPO / "tests" / "fixtures" / "files" / "enron.pst"
LABELS = REPO / "bench" / "data" / "enron_people.json"
Spans = list[tuple[int, int]]


def segments(pst: Path) -> Iterator[tuple[str, str]]:
    """(`NNNN/location`, text) of every text segment of every message, in PST order."""
    from scanner.extract.base import TextSegment
    from scanner.extract.mail import eml_outputs
    from scanner.extract.pst import iter_pst_messages

    for n, (_suffix, _name, raw, _received) in enumerate(iter_pst_messages(pst), 1):
        for out in eml_outputs(raw):
            if isinstance(out, TextSegment):
                yield f"{n:04d}/{out.location}", out.text


def occurrences(text: str, name: str) -> Spans:
    """Every occurrence of `name` in `text` (case-sensitive), whole words only."""
    spans = []
    for m in re.finditer(re.escape(name), text):
        a, b = m.span()
        if (a and text[a - 1].isalnum()) or (b < len(text) and text[b].isalnum()):
            continue  # `Kim` inside `Kimberly`
        spans.append((a, b))
    return spans


def gold_spans(text: str, names: list[str | list[object]]) -> Spans:
    """The labelled spans of one segment, overlapping ones merged (`Kim Watson` and `Kim`)."""
    spans: Spans = []
    for entry in names:
        if isinstance(entry, str):
            spans += occurrences(text, entry)
        else:
            name, picked = str(entry[0]), entry[1]
            every = [m.span() for m in re.finditer(re.escape(name), text)]
            spans += [every[i] for i in picked if isinstance(i, int) and i < len(every)]
    merged: Spans = []
    for a, b in sorted(spans):
        if merged and a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def load(pst: Path) -> tuple[list[tuple[str, str, Spans]], list[str]]:
    """(id, text, gold) per labelled segment, and the ids whose text no longer matches."""
    labels = json.loads(LABELS.read_text(encoding="utf-8"))["segments"]
    rows, drifted = [], []
    for key, text in segments(pst):
        entry = labels.get(key)
        if entry is None:
            continue
        if hashlib.sha256(text.encode()).hexdigest()[:16] != entry["sha256"]:
            drifted.append(key)
        rows.append((key, text, gold_spans(text, entry["names"])))
    missing = sorted(set(labels) - {key for key, _, _ in rows})
    return rows, drifted + missing


def noticescan(rows: list[tuple[str, str, Spans]]) -> dict[str, Spans]:
    """The scanner's detector, one item per message."""
    from bench.offline import force_offline
    from detectors.registry import build_detector
    from scanner.config import DetectorSettings
    from scanner.extract.base import TextSegment

    force_offline()
    det = build_detector(DetectorSettings())
    messages: dict[str, list[tuple[str, str]]] = {}
    for key, text, _ in rows:
        number, location = key.split("/", 1)
        messages.setdefault(number, []).append((location, text))
    numbers = sorted(messages)
    items = [[TextSegment(loc, text) for loc, text in messages[n]] for n in numbers]
    out: dict[str, Spans] = {key: [] for key, _, _ in rows}
    for number, found in zip(numbers, det.detect_many(items), strict=True):
        for d in found:
            if d.entity_type == "PERSON":
                out[f"{number}/{d.location}"].append((d.start, d.end))
    return out


def plain(rows: list[tuple[str, str, Spans]]) -> dict[str, Spans]:
    """Plain Presidio (bench/plain.py), PERSON over its threshold, segment by segment."""
    from bench.plain import PlainPresidio
    from scanner.config import DetectorSettings

    presidio = PlainPresidio(DetectorSettings())
    out: dict[str, Spans] = {}
    for key, text, _ in rows:
        found = presidio.analyzer.analyze(text=text, language="en", entities=["PERSON"])
        out[key] = [(r.start, r.end) for r in found if r.score >= presidio.threshold]
    return out


def score(rows: list[tuple[str, str, Spans]], preds: dict[str, Spans]) -> Score:
    """bench.independent's overlap counts over all segments."""
    s = Score()
    for key, _, gold in rows:
        s.add(gold, preds[key])
    return s


def show(rows: list[tuple[str, str, Spans]], preds: dict[str, Spans], n: int) -> None:
    """Print up to n misses and n wrong findings with some context."""
    misses, wrong = [], []
    for key, text, gold in rows:
        p = preds[key]
        misses += [(key, text, a, b) for a, b in gold if not any(a < y and x < b for x, y in p)]
        wrong += [(key, text, a, b) for a, b in p if not any(a < y and x < b for x, y in gold)]
    for label, found in (("missed", misses), ("wrong", wrong)):
        for key, text, a, b in found[:n]:
            ctx = text[max(0, a - 40) : b + 40].replace("\r", " ").replace("\n", " ")
            print(f"  {label:6} {key:22} {text[a:b]!r:30} … {ctx}")


def main(argv: Iterable[str] | None = None) -> int:
    """Score both systems and print one row each, with the bar issue 12 sets."""
    parser = argparse.ArgumentParser(prog="python -m bench.mail_people", description=__doc__)
    parser.add_argument("--pst", type=Path, default=DEFAULT_PST, help="the Enron PST")
    parser.add_argument("--show", type=int, default=0, help="print N misses and N wrong findings")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if not args.pst.is_file():
        print(
            f"bench.mail_people: {args.pst} is missing; `make test` fetches it "
            "(scripts/install-test-deps.sh). Nothing scored."
        )
        return 0
    rows, drifted = load(args.pst)
    if drifted:
        print(
            f"bench.mail_people: {len(drifted)} labelled segments no longer match the extracted "
            f"text (first: {drifted[0]}); the extractor changed, so relabel them. Nothing scored."
        )
        return 1
    ours, theirs = noticescan(rows), plain(rows)
    print(f"real company mail: {args.pst.name}, {len(rows)} segments (labels made here)")
    print("system        gold  found   pred  right      P      R     F1     F2")
    scores = {}
    for name, preds in (("noticescan", ours), ("presidio", theirs)):
        s = scores[name] = score(rows, preds)
        p, r, f1, f2 = s.prf()
        print(
            f"{name:12} {s.gold:5} {s.found:6} {s.pred:6} {s.right:6} "
            f"{p:6.3f} {r:6.3f} {f1:6.3f} {f2:6.3f}"
        )
    p, _, _, f2 = scores["noticescan"].prf()
    margin = f2 - scores["presidio"].prf()[3]
    ok = margin >= MARGIN and p >= MIN_PRECISION
    print(f"dF2 {margin:+.3f}, P {p:.3f}: {'PASS' if ok else 'FAIL'} (bar: +{MARGIN}, P >= 0.85)")
    if args.show:
        show(rows, ours, args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
