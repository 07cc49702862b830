"""The digit part of a recognizer's prefilter: what digits any match needs, and a text has.

Most shapes are numbers: a sort code needs six digits, a phone number eight, an NHS number ten.
Half the texts the engine sees (a line of prose, a name cell, a subject) hold no digit at all,
yet every recognizer was called on each and ran its own regex over it. The engine now counts a
text's digits once and calls only the recognizers whose matches could fit in that many
(ShapeRecognizer.MIN_DIGITS, PresidioDetector.shape_results).

The same goes for the longest run of consecutive digits: a PESEL is eleven in a row, a Danish
CPR number six then four, and ordinary documents rarely hold more than a few in a row (amounts
and dates are split by separators), so a text's longest run skips those recognizers on most
texts that have digits at all (ShapeRecognizer.MIN_RUN).

Both bounds are read off the shapes' regexes themselves rather than written by
hand, so it cannot drift from them and a custom detector's pattern (`[[detectors.custom]]`)
is gated too. The reading is conservative: any construct it does not know counts as needing
no digit, which can only make the gate let more through, never drop a match.

A recognizer's PREFILTER regex is read the same way (Gates): an alternative that is a plain
string (`:`) is a substring test, and the others need a digit run or a character (`.`, `/`)
that a text without it cannot match; such texts are answered without a regex pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# The regex parser of the standard library (the one `re.compile` uses). Private, so everything
# below treats an unknown node as "no digit needed".
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any, NamedTuple

_DIGITS = "0123456789"
_ZERO, _NINE = ord("0"), ord("9")
# What `\d` matches in a str pattern: Unicode decimal digits (str.isdecimal), not only 0-9.
_DECIMAL = re.compile(r"\d")
_RUN = re.compile(r"\d+")


class Traits(NamedTuple):
    """What the prefilter knows of a text: its digits, and its longest run of them."""

    digits: int
    run: int


def traits(text: str) -> Traits:
    """Count a text's digits and find its longest run (no run to look for without digits)."""
    n = count_digits(text)
    return Traits(n, longest_run(text) if n else 0)


def count_digits(text: str) -> int:
    """The number of characters in text that a regex digit matches (str.isdecimal).

    ASCII texts, most of them, take ten C-level counts instead of a regex pass.
    """
    if text.isascii():
        return sum(map(text.count, _DIGITS))
    return len(_DECIMAL.findall(text))


def longest_run(text: str) -> int:
    """The length of the longest run of consecutive digits in text."""
    return max(map(len, _RUN.findall(text)), default=0)


def least_digits(patterns: Iterable[re.Pattern[str]]) -> int:
    """The fewest digits a match of any of the patterns can hold (0 if one needs none)."""
    return min((_least(sre_parse.parse(p.pattern, p.flags)) for p in patterns), default=0)


def _least(nodes: Any) -> int:
    return sum(_node(op, av) for op, av in nodes)


def _node(op: Any, av: Any) -> int:
    if op is sre.LITERAL:
        return 1 if _ZERO <= av <= _NINE else 0
    if op is sre.IN:
        return 1 if av and all(_digit_item(i_op, i_av) for i_op, i_av in av) else 0
    if op is sre.SUBPATTERN:
        return _least(av[-1])
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, _, body = av
        return low * _least(body)
    if op is sre.BRANCH:
        return min(_least(alt) for alt in av[1])
    if op is sre.ATOMIC_GROUP:
        return _least(av)
    if op is sre.GROUPREF_EXISTS:
        _, yes, no = av
        return min(_least(yes), _least(no) if no else 0)
    # Lookarounds and anchors match no character of the span; ANY, NOT_LITERAL and back
    # references may match a digit or not. Anything else: unknown, so none.
    return 0


def _digit_item(op: Any, av: Any) -> bool:
    """Whether one member of a character class matches digits only."""
    if op is sre.LITERAL:
        return bool(_ZERO <= av <= _NINE)
    if op is sre.RANGE:
        return bool(_ZERO <= av[0] and av[1] <= _NINE)
    if op is sre.CATEGORY:
        return av in (sre.CATEGORY_DIGIT, sre.CATEGORY_UNI_DIGIT)
    return False  # NEGATE, other categories, charsets


def least_run(patterns: Iterable[re.Pattern[str]]) -> int:
    """The longest run of consecutive digits every match of one of the patterns must hold.

    A lower bound: only runs the regex spells out in one sequence count (`[0-9]{6}-?[0-9]{4}` is
    six, though most of its matches hold ten); a group, an alternation or any other character
    breaks a run.
    """
    return min((_run(sre_parse.parse(p.pattern, p.flags)) for p in patterns), default=0)


_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT)


def _run(nodes: Any) -> int:
    best = run = 0
    for op, av in nodes:
        if op in (sre.ASSERT, sre.ASSERT_NOT, sre.AT):
            continue  # consumes nothing: digits either side stay consecutive
        if _single_digit(op, av):
            run += 1
        elif op in _REPEATS and len(av[2]) == 1 and _single_digit(*av[2][0]):
            run += av[0]  # however many it takes, the digits before and after it adjoin
        else:
            inner = _run(av[-1]) if op is sre.SUBPATTERN else 0
            if op is sre.BRANCH:
                inner = min(_run(alt) for alt in av[1])
            best, run = max(best, run, inner), 0
            continue
        best = max(best, run)
    return best


def _single_digit(op: Any, av: Any) -> bool:
    """Whether a node matches exactly one character, always a digit."""
    return _node(op, av) == 1 and op in (sre.LITERAL, sre.IN)


class Gates(NamedTuple):
    """A prefilter regex read as a cheap test of whether it can match at all.

    `plain`: alternatives that are a plain string (`:`): the regex matches if one is in the
    text, no regex pass needed. `branches`: for every other alternative, the longest digit run
    and the characters (`.`, `/`) every match of it holds; a text that has neither for any
    alternative cannot match, again without a regex pass. Both read off the regex, like the
    digit bounds, so they cannot drift from it.
    """

    plain: tuple[str, ...]
    branches: tuple[tuple[int, frozenset[str]], ...]

    def rules_out(self, text: str, known: Traits) -> bool:
        """Whether no alternative can match a text with these traits (the plain ones failed)."""
        return not any(
            known.run >= run and all(c in text for c in chars) for run, chars in self.branches
        )


def gates(pattern: re.Pattern[str]) -> Gates:
    """The Gates of a prefilter regex (conservative: unknown constructs require nothing)."""
    nodes = sre_parse.parse(pattern.pattern, pattern.flags)
    alternatives = [nodes]
    if len(nodes) == 1 and nodes[0][0] is sre.BRANCH:
        alternatives = nodes[0][1][1]
    caseless = bool(pattern.flags & re.IGNORECASE)
    plain: list[str] = []
    branches: list[tuple[int, frozenset[str]]] = []
    for alt in alternatives:
        literal = "".join(chr(av) for op, av in alt if op is sre.LITERAL)
        if (
            len(literal) == len(alt)
            and literal
            and not (caseless and literal.lower() != literal.upper())
        ):
            plain.append(literal)
            continue
        chars = frozenset(
            chr(av)
            for op, av in alt
            if op is sre.LITERAL and not chr(av).isalnum() and not chr(av).isspace()
        )
        branches.append((_run(alt), chars))
    return Gates(tuple(plain), tuple(branches))
