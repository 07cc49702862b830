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
  (`part`, `serial`, `invoice`, `version` ...) on the match's own line subtracts `DAMP`;
  words around the match outrank the column header, which counts when the cell itself has
  no cue.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

from presidio_analyzer import EntityRecognizer, RecognizerResult

from detectors.prefilter import Traits, gates, least_digits, least_run, traits

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

_NON_ALNUM = re.compile(r"[\W_]+")  # letters of every script count: `jméno`, `straße`
# recognition_metadata key of a result's explanation (Detection.reason, findings `reason`).
REASON_KEY = "reason"


def normalise_context(text: str) -> str:
    """Casefold, non-alphanumerics to single spaces, padded: `' date of birth '`."""
    return " " + _NON_ALNUM.sub(" ", text.casefold()).strip() + " "


# Every recognizer's skip test normalises the whole text; the engine hands each recognizer the
# same string object, so a two-entry cache turns a dozen passes over it into one.
_normalised_text = lru_cache(maxsize=2)(normalise_context)


def norm_words(words: Sequence[str]) -> tuple[str, ...]:
    """Normalise cue words like the windows they are looked for in (` date of birth`).

    The leading space anchors a word at a word start: ` phone` finds `phones`.
    """
    return tuple(" " + _NON_ALNUM.sub(" ", w.casefold()).strip() for w in words)


def date_shaped(number: str) -> bool:
    """Eight digits that are a calendar date, year first: `20200704`, `20141220`.

    Release tags, build numbers and changelogs write dates this way; a random eight-digit
    number is one about one time in 1,400, so an account number or a phone number of this
    shape needs more than its cue (banking.py, phone.py).
    """
    if len(number) != 8 or not number.isdigit():
        return False
    try:
        day = datetime.date(int(number[:4]), int(number[4:6]), int(number[6:8]))
    except ValueError:
        return False
    return 1900 <= day.year <= 2099


def has_word(window: str, words: tuple[str, ...], whole: bool = False) -> bool:
    """Tell whether a normalised window has one of the words at a word start."""
    return bool(first_word(window, words, whole))


def first_word(window: str, words: tuple[str, ...], whole: bool = False) -> str:
    """The first of `words` the normalised window holds (stripped), or ""."""
    for w in words:
        if (w + " " if whole else w) in window:
            return w.strip()
    return ""


def probes(words: tuple[str, ...], whole: bool) -> tuple[tuple[str, str], ...]:
    """(what to look for, the word) for each normalised word, as nearest() looks for it.

    Short words (`t`, `ip`, `po`) only as whole words, or ` t` would match `the`.
    """
    return tuple((w + " " if whole or len(w) <= 4 else w, w.strip()) for w in words)


def nearest(
    before: str, after: str, words: tuple[tuple[str, str], ...], after_penalty: int
) -> tuple[int, str] | None:
    """(distance in normalised characters, word) of the nearest of `words` to a match.

    `before` and `after` are the normalised windows either side of it. On a tie the earlier
    word wins, and a word before the match.
    """
    best: tuple[int, str] | None = None
    for probe, word in words:
        i = before.rfind(probe)
        if i >= 0 and (best is None or len(before) - i - len(probe) - 1 < best[0]):
            best = (len(before) - i - len(probe) - 1, word)
        # A label usually precedes its value, so a cue after the match counts as further.
        j = after.find(probe)
        if j >= 0 and (best is None or j + after_penalty < best[0]):
            best = (j + after_penalty, word)
    return best


@dataclass(frozen=True, slots=True)
class Cue:
    """The cue that decided a match's score: +1 context word, -1 damping word, 0 none.

    `word` comes from the recognizer's own word lists, never from the text, so it may be
    written into a finding's `reason` without leaking anything.
    """

    verdict: int
    word: str = ""
    in_header: bool = False

    def describe(self, boost: float, damp: float) -> str:
        """`cue 'iban' +0.10`, `header cue 'phone' +0.35`, `damped by 'invoice' -0.50`."""
        if not self.verdict:
            return ""
        where = "header " if self.in_header else ""
        if self.verdict > 0:
            return f"{where}cue '{self.word}' +{boost:.2f}"
        return f"{where}damped by '{self.word}' -{damp:.2f}"


NO_CUE = Cue(0)


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
    # Context words match at a word start (`phone` finds `phones`) unless this is set
    # (`birth` must not find `birthtime`).
    CONTEXT_WHOLE: ClassVar[bool] = False
    # The validation a match passed, named in its reason (`mod-97`, `Luhn`); "" = shape only.
    CHECK: ClassVar[str] = ""
    # What adjust() does when it changes a score, named in the reason.
    ADJUST_NOTE: ClassVar[str] = "recognizer rule"
    # Damping words count only this close (chars either side); None = the context window.
    DAMP_RADIUS: ClassVar[int | None] = None
    # The prefilter, cheap tests run before any regex: when one fails, the recognizer is
    # skipped (keyword prefilter, as trufflehog does). MIN_DIGITS is the fewest digits a match
    # holds, MIN_RUN the longest run of consecutive digits every match holds; the engine
    # finds both for a text once and calls only the recognizers that fit (detectors/prefilter.py).
    # None = read off SHAPES, which is exact for the shapes candidates() matches; a class whose
    # candidates() finds matches another way sets them (0 = none needed). PREFILTER is a regex
    # the text must hold; None = always run.
    MIN_DIGITS: ClassVar[int | None] = None
    MIN_RUN: ClassVar[int | None] = None
    # A class whose candidates() overrides ours but only drops, cuts or rescores the shapes'
    # matches (adds none) sets this: the bounds read off SHAPES still hold for it.
    FROM_SHAPES: ClassVar[bool] = False
    PREFILTER: ClassVar[re.Pattern[str] | None] = None
    # The regexes every candidate comes from: a text none of them can match has no candidate,
    # and the engine's scout (detectors/scout.py) does not call the recognizer on it. None =
    # the shapes' regexes when candidates() is ours or FROM_SHAPES, else unknown (always
    # called).
    SCOUTS: ClassVar[tuple[re.Pattern[str], ...] | None] = None
    # Column headers under which every cell is read, even one the prefilter and the scout
    # would skip: the header is the cue a bare value lacks (a `Straße` column of `Lindenweg`).
    HEADERS: ClassVar[tuple[str, ...]] = ()

    def __init__(self) -> None:
        super().__init__(
            supported_entities=[self.ENTITY],
            name=type(self).__name__,
            supported_language="en",
            context=list(self.CONTEXT),
        )
        self._shapes = [(s, re.compile(s.regex, s.flags)) for s in self.SHAPES]
        self._context = norm_words(self.CONTEXT)
        self._damping = norm_words(self.DAMPING)
        self._ctx_probes = probes(self._context, self.CONTEXT_WHOLE)
        self._damp_probes = probes(self._damping, self.DAMP_WHOLE)
        self._ceiling = max(s.score for s in self.SHAPES)
        # Read off the regexes every candidate comes from; a recognizer that finds matches
        # another way has none (no bound known) unless the class says.
        shapes = list(self.scouts())
        self.min_digits = least_digits(shapes) if self.MIN_DIGITS is None else self.MIN_DIGITS
        self.min_run = least_run(shapes) if self.MIN_RUN is None else self.MIN_RUN
        self._gates = gates(self.PREFILTER) if self.PREFILTER is not None else None
        self._headers = norm_words(self.HEADERS)
        # The normalised column header analyze() was last given, for candidates() that read it
        # (a `Street` or `Telefon` column labels every cell below it).
        self._header = ""

    def scouts(self) -> tuple[re.Pattern[str], ...]:
        """The regexes every candidate comes from (SCOUTS); () when unknown."""
        if self.SCOUTS is not None:
            return self.SCOUTS
        own = type(self).candidates is ShapeRecognizer.candidates or self.FROM_SHAPES
        return tuple(rx for _, rx in self._shapes) if own else ()

    def reads_column(self, header: str) -> bool:
        """Whether a table column under this (normalised) header is read whatever it holds."""
        return bool(header and self._headers) and has_word(header, self._headers)

    def fits(self, known: Traits) -> bool:
        """Whether a text with these traits could hold a match (the digit prefilter)."""
        return known.digits >= self.min_digits and known.run >= self.min_run

    def prefilter(self, text: str, known: Traits | None) -> bool:
        """Whether the text passes PREFILTER, answered without the regex where its Gates can."""
        if self.PREFILTER is None or self._gates is None:
            return True
        if any(s in text for s in self._gates.plain):
            return True
        if self._gates.rules_out(text, known or traits(text)):
            return False
        return bool(self.PREFILTER.search(text))

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

    def cue(self, text: str, start: int, end: int, header: str, line_bound: bool) -> Cue:
        """The nearest cue: a context word (+1) or a damping word (-1), and which word.

        The nearest cue wins because business text mixes them: in `Invoice INV-1 paid by
        card 4111…` the card cue is nearer than the invoice one. Words around the match
        outrank the column header; the header decides only when the cell itself says nothing.
        """
        near_ctx = near_damp = None
        if self._ctx_probes:
            bounds = self._bounds(text, start, end, line_bound, None)
            windows = self._windows(text, start, end, bounds)
            near_ctx = nearest(*windows, self._ctx_probes, self.AFTER_PENALTY)
        # A damping word labels its own line's value: `Reference: A66` above `ID number: 170388-
        # 895Y`, or `"order_no"` under `"national_id"`, says nothing about the id.
        if self._damp_probes:
            damp_bounds = self._bounds(text, start, end, True, self.DAMP_RADIUS)
            if not self._ctx_probes or damp_bounds != bounds:
                windows = self._windows(text, start, end, damp_bounds)
            near_damp = nearest(*windows, self._damp_probes, self.AFTER_PENALTY)
        if near_ctx is not None or near_damp is not None:
            if near_damp is None or (near_ctx is not None and near_ctx[0] <= near_damp[0]):
                assert near_ctx is not None
                return Cue(1, near_ctx[1])
            return Cue(-1, near_damp[1])
        if header:
            damp = first_word(header, self._damping, self.DAMP_WHOLE)
            if damp:
                return Cue(-1, damp, True)
            ctx = first_word(header, self._context, self.CONTEXT_WHOLE)
            if ctx:
                return Cue(1, ctx, True)
        return NO_CUE

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

    def _bounds(
        self, text: str, start: int, end: int, line_bound: bool, radius: int | None
    ) -> tuple[int, int]:
        """bounds() with this recognizer's window, or `radius` either side."""
        before_n = self.BEFORE if radius is None else radius
        after_n = self.AFTER if radius is None else radius
        return self.bounds(text, start, end, line_bound, before_n, after_n)

    @staticmethod
    def _windows(text: str, start: int, end: int, bounds: tuple[int, int]) -> tuple[str, str]:
        """The normalised text before and after a match, within bounds, for nearest()."""
        return normalise_context(text[bounds[0] : start]), normalise_context(text[end : bounds[1]])

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: Any = None,
        header: str = "",
        line_bound: bool = False,
        floor: float = 0.0,
        known: Traits | None = None,
    ) -> list[RecognizerResult]:
        """Presidio's recognizer entry point, plus our table context (`header`, `line_bound`).

        `header` is the normalised column header (normalise_context); `floor` is the score the
        caller will keep, so a recognizer whose shapes cannot reach it without context skips the
        text outright when no context word occurs anywhere in it. `known` is the text's
        traits() when the caller has them (the engine finds them once for every recognizer).
        """
        self._header = header
        if entities and self.ENTITY not in entities:
            return []
        if known is None and (self.min_digits or self.min_run or self._gates is not None):
            known = traits(text)  # once, for the digit bounds and the prefilter's gates alike
        if (self.min_digits or self.min_run) and known is not None and not self.fits(known):
            return []
        if (
            self.PREFILTER is not None
            and not self.prefilter(text, known)
            and not self.reads_column(header)
        ):
            return []
        if self._ceiling < floor and not self._context_anywhere(text, header):
            return []
        out: list[RecognizerResult] = []
        seen: set[tuple[int, int]] = set()
        for start, end, score, shape in self.candidates(text):
            if (start, end) in seen or not self.validate(text[start:end]):
                continue
            seen.add((start, end))
            cue = self.cue(text, start, end, header, line_bound)
            if cue.verdict > 0:
                score = min(1.0, score + self.BOOST)
            elif cue.verdict < 0:
                score = max(0.0, score - self.DAMP)
            adjusted = self.adjust(text, start, end, score)
            if adjusted > 0:
                reason = self.explain(shape, cue, adjusted - score)
                out.append(self.result(start, end, adjusted, shape, reason))
        return out

    def check_note(self, shape: str) -> str:
        """What a match of this shape was checked by, for its reason ("" = the shape alone)."""
        return f"{self.CHECK} ok" if self.CHECK else ""

    def explain(self, shape: str, cue: Cue, adjusted: float) -> str:
        """Why a match scored what it did: `IbanCodeRecognizer: shape iban, mod-97 ok, ...`.

        Built only from our own names and word lists (never from the text), like Presidio's
        AnalysisExplanation, so it is safe to write next to masked evidence.
        """
        parts = [f"shape {shape}"]
        checked = self.check_note(shape)
        if checked:
            parts.append(checked)
        said = cue.describe(self.BOOST, self.DAMP)
        if said:
            parts.append(said)
        if abs(adjusted) >= 0.005:
            parts.append(f"{self.ADJUST_NOTE} {adjusted:+.2f}")
        return f"{self.name}: " + ", ".join(parts)

    def _context_anywhere(self, text: str, header: str) -> bool:
        """Whether any context word occurs in the text or header (the skip test)."""
        whole = self.CONTEXT_WHOLE
        return has_word(header, self._context, whole) or has_word(
            _normalised_text(text), self._context, whole
        )

    def result(
        self, start: int, end: int, score: float, shape: str, reason: str = ""
    ) -> RecognizerResult:
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
                REASON_KEY: reason or f"{self.name}: shape {shape}",
            },
        )


def digits(value: str) -> str:
    """Only the digits of a value (separators dropped) for checksums."""
    return "".join(c for c in value if c.isdigit())
