"""The shape of every pattern recognizer: regex shapes + validation + context, one score policy.

Each family module subclasses `ShapeRecognizer` with class attributes only (entity, shapes,
context words, damping words) and, where the identifier has one, a `validate()` checksum. The
class is a Presidio `EntityRecognizer`, so it plugs into a Presidio `RecognizerRegistry` as well
as into our own engine.

Why we score context ourselves instead of Presidio's `ContextAwareEnhancer`: Presidio's enhancer
matches lemmas, so it needs spaCy's tagger, attribute ruler and lemmatizer on every text
(shared/notes/presidio-facts.md: without them context stops working). A casefolded look at the
characters around a match costs microseconds, works on text we never send to spaCy (tables,
numeric runs) and lets a table column's header count as context for every cell below it.

Score policy (the same for every shape recognizer, documented in docs/detectors.md):
- a match starts at its shape's score (how telling the shape is on its own);
- `validate()` False drops it (checksum or range failed);
- the nearest cue decides: a context word adds `BOOST` (capped at 1.0), a damping word
  (`part`, `serial`, `invoice`, `version` ...) subtracts `DAMP`; words around the match
  outrank the column header, which counts when the cell itself has no cue.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from presidio_analyzer import EntityRecognizer, RecognizerResult

# Words near a number that say "this is a product/document identifier, not a person's".
DAMPING_WORDS: tuple[str, ...] = (
    "part",
    "pn",
    "p/n",
    "serial",
    "s/n",
    "sn",
    "asset",
    "sku",
    "model",
    "invoice",
    "inv",
    "order",
    "po",
    "purchase order",
    "ref",
    "reference",
    "ticket",
    "tracking",
    "batch",
    "lot",
    "version",
    "build",
    "release",
    "firmware",
    "imei",
    "barcode",
    "ean",
    "isbn",
    "catalogue",
    "item",
)

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def normalise_context(text: str) -> str:
    """Casefold, non-alphanumerics to single spaces, padded: `' date of birth '`."""
    return " " + _NON_ALNUM.sub(" ", text.casefold()).strip() + " "


def _norm_words(words: Sequence[str]) -> tuple[str, ...]:
    # A context word matches at the start of a word in the window: ` phone` finds `phones`.
    return tuple(" " + _NON_ALNUM.sub(" ", w.casefold()).strip() for w in words)


def has_word(window: str, words: tuple[str, ...], whole: bool = False) -> bool:
    """Tell whether a normalised window has one of the words at a word start."""
    if whole:
        return any(w + " " in window for w in words)
    return any(w in window for w in words)


@dataclass(frozen=True, slots=True)
class Shape:
    """One regex a recognizer tries; `group` picks the value out of a match with guards."""

    name: str
    regex: str
    score: float
    flags: int = 0
    group: int = 0


class ShapeRecognizer(EntityRecognizer):
    """Regex shapes + validation + context scoring. Subclasses set the class attributes."""

    name: str  # set by EntityRecognizer.__init__ (the class name)
    ENTITY: ClassVar[str]
    SHAPES: ClassVar[tuple[Shape, ...]]
    CONTEXT: ClassVar[tuple[str, ...]] = ()
    DAMPING: ClassVar[tuple[str, ...]] = DAMPING_WORDS
    BOOST: ClassVar[float] = 0.35
    DAMP: ClassVar[float] = 0.5
    # Characters looked at before/after a match for context; before matters more (`Tel: 0207…`).
    BEFORE: ClassVar[int] = 48
    AFTER: ClassVar[int] = 16
    AFTER_PENALTY: ClassVar[int] = 8
    # Damping words are matched as whole words (`po` must not damp `postcode`).
    DAMP_WHOLE: ClassVar[bool] = True
    # Damping words count only this close (chars either side); None = the context window.
    DAMP_RADIUS: ClassVar[int | None] = None
    # A cheap test run before any regex: when it fails, the recognizer is skipped (keyword
    # prefilter, as trufflehog does). None = always run.
    PREFILTER: ClassVar[re.Pattern[str] | None] = None

    def __init__(self) -> None:
        super().__init__(
            supported_entities=[self.ENTITY],
            name=type(self).__name__,
            supported_language="en",
            context=list(self.CONTEXT),
        )
        self._shapes = [(s, re.compile(s.regex, s.flags)) for s in self.SHAPES]
        self._context = _norm_words(self.CONTEXT)
        self._damping = _norm_words(self.DAMPING)
        self._ceiling = max(s.score for s in self.SHAPES)

    def load(self) -> None:
        """Nothing to load: shapes are compiled in __init__."""

    def validate(self, value: str) -> bool:
        """Checksum/range check of a candidate; the default accepts every shape match."""
        return True

    def adjust(self, text: str, start: int, end: int, score: float) -> float:
        """Recognizer-specific score tweaks after context; default none."""
        return score

    def candidates(self, text: str) -> Iterator[tuple[int, int, float, str]]:
        """(start, end, shape score, shape name) for every shape match."""
        for shape, rx in self._shapes:
            for m in rx.finditer(text):
                yield m.start(shape.group), m.end(shape.group), shape.score, shape.name

    def cue(self, text: str, start: int, end: int, header: str, line_bound: bool) -> int:
        """+1 when a context word is the nearest cue, -1 when a damping word is, else 0.

        The nearest cue wins because business text mixes them: in `Invoice INV-1 paid by
        card 4111…` the card cue is nearer than the invoice one. Words around the match
        outrank the column header; the header decides only when the cell itself says nothing.
        """
        near_ctx = self._nearest(text, start, end, line_bound, self._context, False, None)
        near_damp = self._nearest(
            text, start, end, line_bound, self._damping, self.DAMP_WHOLE, self.DAMP_RADIUS
        )
        if near_ctx is not None or near_damp is not None:
            if near_damp is None or (near_ctx is not None and near_ctx <= near_damp):
                return 1
            return -1
        if header and has_word(header, self._damping, self.DAMP_WHOLE):
            return -1
        if header and has_word(header, self._context):
            return 1
        return 0

    def bounds(
        self, text: str, start: int, end: int, line_bound: bool, before: int, after: int
    ) -> tuple[int, int]:
        """Return the slice of text around a match that may hold its cues."""
        lo, hi = max(0, start - before), min(len(text), end + after)
        if line_bound:  # table cells joined by newlines: never borrow a neighbour cell's words
            lo = max(lo, text.rfind("\n", 0, start) + 1)
            nl = text.find("\n", end)
            hi = min(hi, nl if nl >= 0 else hi)
        return lo, hi

    def _nearest(
        self,
        text: str,
        start: int,
        end: int,
        line_bound: bool,
        words: tuple[str, ...],
        whole: bool,
        radius: int | None,
    ) -> int | None:
        """Distance in normalised characters from the match to the nearest of `words`."""
        if not words:
            return None
        before_n = self.BEFORE if radius is None else radius
        after_n = self.AFTER if radius is None else radius
        lo, hi = self.bounds(text, start, end, line_bound, before_n, after_n)
        before = normalise_context(text[lo:start])
        after = normalise_context(text[end:hi])
        best: int | None = None
        for w in words:
            # Short words (`t`, `ip`, `po`) only as whole words, or ` t` would match `the`.
            probe = w + " " if whole or len(w) <= 3 else w
            i = before.rfind(probe)
            if i >= 0 and (best is None or len(before) - i - len(probe) - 1 < best):
                best = len(before) - i - len(probe) - 1
            # A label usually precedes its value, so a cue after the match counts as further.
            j = after.find(probe)
            if j >= 0 and (best is None or j + self.AFTER_PENALTY < best):
                best = j + self.AFTER_PENALTY
        return best

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: Any = None,
        header: str = "",
        line_bound: bool = False,
        floor: float = 0.0,
    ) -> list[RecognizerResult]:
        """Presidio's recognizer entry point, plus our table context (`header`, `line_bound`).

        `header` is the normalised column header (normalise_context); `floor` is the score the
        caller will keep, so a recognizer whose shapes cannot reach it without context skips the
        text outright when no context word occurs anywhere in it.
        """
        if entities and self.ENTITY not in entities:
            return []
        if self.PREFILTER is not None and not self.PREFILTER.search(text):
            return []
        if self._ceiling < floor and not self._context_anywhere(text, header):
            return []
        out: list[RecognizerResult] = []
        seen: set[tuple[int, int]] = set()
        for start, end, score, shape in self.candidates(text):
            if (start, end) in seen or not self.validate(text[start:end]):
                continue
            seen.add((start, end))
            verdict = self.cue(text, start, end, header, line_bound)
            if verdict > 0:
                score = min(1.0, score + self.BOOST)
            elif verdict < 0:
                score = max(0.0, score - self.DAMP)
            score = self.adjust(text, start, end, score)
            if score > 0:
                out.append(self.result(start, end, score, shape))
        return out

    def _context_anywhere(self, text: str, header: str) -> bool:
        """Whether any context word occurs in the text or header (the skip test)."""
        return has_word(header, self._context) or has_word(normalise_context(text), self._context)

    def result(self, start: int, end: int, score: float, shape: str) -> RecognizerResult:
        """Build a RecognizerResult marked as context-scored (Presidio will not re-score)."""
        return RecognizerResult(
            entity_type=self.ENTITY,
            start=start,
            end=end,
            score=round(score, 3),
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY: True,
                "shape": shape,
            },
        )


def digits(value: str) -> str:
    """Only the digits of a value (separators dropped) for checksums."""
    return "".join(c for c in value if c.isdigit())
