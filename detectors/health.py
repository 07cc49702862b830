"""Special-category health data: a curated lexicon of conditions and treatments with context.

Health data is the costliest category to miss and the most embarrassing to over-report, so
the score policy is tiered (see detectors/health_terms.py): a STRONG term scores 0.6 alone, an
AMBIGUOUS one 0.3; a health cue in the sentence adds 0.35; a non-health reading (`Cancer
Research UK`, `market depression`, `stress test`) subtracts 0.5. One alternation regex over
the whole lexicon keeps it a single pass over the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from detectors.health_terms import AMBIGUOUS, CUES, NOT_HEALTH, STRONG
from detectors.pattern import Shape, ShapeRecognizer


def _alternation(terms: tuple[str, ...]) -> str:
    """The terms as one case-insensitive regex, factored as a trie of their characters.

    A flat alternation of hundreds of terms makes the regex engine try each term at every
    position of the text; the trie tries one branch per character. Optional tails are greedy,
    so the longest term still wins (`type 2 diabetes` over `type 2`). A space matches any run
    of white space, an apostrophe either kind.
    """
    trie: dict[str, Any] = {}
    for term in terms:
        node = trie
        for ch in term.lower():
            node = node.setdefault(ch, {})
        node[""] = {}
    return _branch(trie)


def _branch(node: dict[str, Any]) -> str:
    alts = [
        (r"\s+" if ch == " " else "['’]" if ch == "'" else re.escape(ch)) + _branch(rest)
        for ch, rest in sorted(node.items())
        if ch
    ]
    if not alts:
        return ""
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    return f"(?:{body})?" if "" in node else body


# Besides lower case, IGNORECASE pairs dotless `ı` with `i` and long `ſ` with `s`.
_CASE_PAIRS = str.maketrans({"ı": "i", "ſ": "s"})
# Strong terms that are abbreviations, written in capitals in medical use.
_ABBREVIATIONS = frozenset(t for t in STRONG if t in ("hiv", "copd", "ptsd", "adhd", "ivf", "mnd"))


class HealthRecognizer(ShapeRecognizer):
    """Conditions and treatments from the lexicon, case-insensitive, whole words."""

    ENTITY = "HEALTH"
    SHAPES = (
        Shape("strong", rf"(?<![\w\-])(?:{_alternation(STRONG)})(?![\w\-])", 0.6, re.IGNORECASE),
        Shape(
            "ambiguous", rf"(?<![\w\-])(?:{_alternation(AMBIGUOUS)})(?![\w\-])", 0.3, re.IGNORECASE
        ),
    )
    CONTEXT = CUES
    DAMPING = NOT_HEALTH
    BOOST = 0.35
    DAMP = 0.5
    DAMP_RADIUS = 12
    BEFORE = 80
    AFTER = 60
    FROM_SHAPES = True  # candidates() finds the shapes' own matches, on the lower-cased text

    def __init__(self) -> None:
        super().__init__()
        # The lexicon is lower case: matched case-sensitively against lower-cased text, the
        # same regexes run twice as fast as with IGNORECASE, which folds every character.
        self._folded = [(s, re.compile(s.regex, s.flags & ~re.IGNORECASE)) for s in self.SHAPES]

    def candidates(self, text: str) -> Iterator[tuple[int, int, float, str]]:
        """The shapes' matches, found in the lower-cased text where offsets carry over."""
        folded = text.lower()
        if len(folded) != len(text):  # `İ` lowers to two characters: offsets would shift
            yield from super().candidates(text)
            return
        if not folded.isascii() and ("ı" in folded or "ſ" in folded):
            folded = folded.translate(_CASE_PAIRS)
        for shape, rx in self._folded:
            for m in rx.finditer(folded):
                yield m.start(shape.group), m.end(shape.group), shape.score, shape.name

    def adjust(self, text: str, start: int, end: int, score: float) -> float:
        """Drop a lower-case `aids` (hearing aids, visual aids); only `AIDS` is the condition.

        The other abbreviations (`HIV`, `IVF`, `COPD`) written in lower case are as often a
        file format, a domain or an identifier (`ivf header`, a public suffix list's `hiv`):
        so written, they count only with a health cue near them.
        """
        value = text[start:end]
        if value.casefold() == "aids" and value != "AIDS":
            return 0.0
        if value.islower() and value in _ABBREVIATIONS and score <= self.SHAPES[0].score:
            return 0.0
        return score
