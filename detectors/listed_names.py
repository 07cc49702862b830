"""Names the model misses, found by shape and the name lists; and later mentions of a name.

`ListedNameRecognizer` reads runs of capitalised words and reports the part that starts with
a known forename (`Shannon Leto`, `Nikita Mikhalkov`) or is an initial and a surname
(`J. Cole`, `First M. Last`). It runs on all text, model or not, like any pattern recognizer.
It also reads social-media handles that are built from a forename (`@kyliegillies`,
`@Matt_Levinson`): a person's handle identifies them as surely as their name.

`later_mentions()` adds the bare surname or forename where a text repeats part of a name it
already gave in full (`Howard Sattler ... Sattler said`), which is how news and mail refer back.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence

from presidio_analyzer import RecognizerResult

from detectors.gazetteer import is_common, is_forename, is_place, is_surname, is_word, known
from detectors.name_shapes import (
    NON_NAME_HEADS,
    NOT_NAMES,
    PLACES,
    TITLE_WORDS,
    forename_surname,
    lone_forename,
    looks_like_company,
    name_like_word,
    plausible_name,
    word_kind,
)
from detectors.pattern import Shape, ShapeRecognizer

# Capitals a name may start with: Latin, Greek and Cyrillic (Greece, Cyprus, Bulgaria are in
# the EU; the name lists hold all three scripts).
UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĒĖĘĚĞĢĪĮİĶĹĻĽŁŃŅŇŌŐŒŔŘŚŞŠŢŤŪŮŰŲŹŻŽΆΈ-ΊΌΎ-ΏΑ-ΡΣ-ΫЀ-Я"
# A capitalised word, or an initial with its full stop (a full stop after a word ends the run).
_WORD = rf"(?:[{UPPER}]\.|[{UPPER}][\w'’\-]*(?<![\-'’]))"
_PARTICLE = r"(?:van|von|der|den|de|del|della|di|da|du|la|le|bin|ibn|al|ter|ten)"
# A run of up to five capitalised words on one line (particles allowed between them). A dash
# before it is a sign-off's (`-Jim Lokay`), unless it joins a word (`Smith-Jones`).
_RUN = re.compile(
    rf"(?<![\w@#.'’])(?<![\w'’]-){_WORD}(?:[ \t]+(?:{_PARTICLE}[ \t]+){{0,2}}{_WORD}){{0,4}}"
)
# Single capitalised words listed with commas and a last `and` or `&`: `Tanya, Vasant and
# Krishna`, `Jay & Trish`. Forenames coordinated this way are people (ListedNameRecognizer).
_COORD_WORD = rf"[{UPPER}][a-z'’\-]+"
_COORD = re.compile(
    rf"(?<![\w@#.'’\-]){_COORD_WORD}(?:,[ \t]+{_COORD_WORD}){{0,6}},?[ \t]+(?:and|&)[ \t]+"
    rf"{_COORD_WORD}(?![\w'’\-])"
)
_COORD_ITEM = re.compile(_COORD_WORD)
_COORD_BEFORE = re.compile(rf"{_COORD_WORD}[ \t]+$")
_COORD_AFTER = re.compile(rf"[ \t]+[{UPPER}]")
_UNDERLINE = re.compile(r"[ \t]*([=\-~^*#])\1+[ \t]*\r?(?:\n|$)")
_HANDLE = re.compile(r"(?<![\w.@])@([A-Za-z][A-Za-z0-9_]{2,14})\b(?![@.]\w)")
_HASHTAG = re.compile(r"(?<![\w#&])#([A-Za-z][A-Za-z]{5,29})\b")
_HANDLE_PART = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")


def _first_name_at(words: Sequence[str]) -> int:
    """Index where a name starts inside a run of capitalised words (`Yesterday Nicola ...`)."""
    for i, w in enumerate(words):
        kind = word_kind(w)
        if kind == "initial" and i + 1 < len(words) and word_kind(words[i + 1]) == "name":
            return i
        if kind == "name" and is_forename(w):
            return i
    return -1


@functools.lru_cache(maxsize=8192)
def name_in_run(words: tuple[str, ...]) -> tuple[int, int] | None:
    """Word range [i, j) of the name inside a capitalised run, or None.

    Memoised (the answer depends on the words alone): headings, labels and the names
    themselves recur, and on the ordinary documents one run in six is new.

    The name must end the run, its middle words must be names or initials, and nothing but
    titles, labels and common words may precede it: a run that goes on (`Victoria Skating
    Rink`, `Eddy Duchin Story`) or starts earlier (`Hyatt Regency Santa Clara`) is the name
    of a place, a work or an organisation.
    """
    while len(words) > 2 and word_kind(words[-1]) == "initial":
        words = words[:-1]  # `Klaus Faust B.Sc.`: a degree, not a middle initial
    i = _first_name_at(words)
    if i < 0 or len(words) - i > 4 or len(words) - i < 2:
        return None
    if any(not is_common(w) and w.casefold().strip(".") not in TITLE_WORDS for w in words[:i]):
        return None
    name = words[i:]
    core = [w for w in name if word_kind(w) in ("name", "caps")]
    if not core or word_kind(name[-1]) == "initial":
        return None
    first, last = core[0], core[-1]
    if is_place(" ".join(name)) or (
        last.casefold() in NON_NAME_HEADS and not forename_surname(core)
    ):
        return None
    if is_common(last) and not forename_surname(core):
        return None  # `Christian Faith`, `Emmy-winning Apple`
    if is_word(last) and not known(last) and (is_word(first) or len(core) > 2):
        return None  # `Winter Classic`, `Bridget Jones Diary`: ends in an English word, no name
    if not is_surname(last) and (last.endswith("s") or (is_place(first) and len(core) == 2)):
        return None  # `Boston Bruins`, `Texas Longhorns`, `Santa Barbara`
    if any(w.endswith(("'s", "’s")) for w in name[:-1]):
        return None  # `Columbia's Tow Center`, `London King's Cross`
    if any(not known(w) for w in core[1:-1]):
        return None  # `Victoria Skating Rink`: a middle word that is no name
    if word_kind(name[0]) == "initial":
        # `J. Cole` needs its full stop and a listed surname: `I Love`, `C Min` are not names.
        if not name[0].endswith(".") or not is_surname(last) or is_common(last):
            return None
    elif len(core) < 2:
        return None
    if any(w.casefold().strip(".,") in NOT_NAMES for w in name):
        return None
    return i, len(words)


# Words that make a handle an organisation's, a show's or a place's (`@SkySports`,
# `@EssexFashionWk`, `@ChrisMoylesShow`): a forename first is not enough for those.
_HANDLE_ORG_WORDS = frozenset(
    "fashion fc show radio media records rocks charity police shop store design photography "
    "fans daily weekly magazine blog cafe bakery salon events studios tickets travel news "
    "sport sports club team".split()
)


def _alone_on_line(text: str, start: int, end: int) -> bool:
    """The word is all its line holds, but for a sign-off's dash (`Vince`, `-Vince`).

    Not a heading underlined on the next line (`Cyrus` over `=====`).
    """
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    before = text[line_start:start].strip(" \t-")
    after = text[end : len(text) if line_end == -1 else line_end].strip()
    if before or after:
        return False
    return line_end == -1 or not _UNDERLINE.match(text, line_end + 1)


def _opens_sentence(text: str, start: int) -> bool:
    """Nothing but a sentence's or a line's end stands before `start`."""
    before = text[max(0, start - 3) : start].rstrip(" \t")
    return not before or before[-1] in ".!?\n"


def handle_is_person(handle: str) -> bool:
    """A handle built from a forename: `kyliegillies`, `Matt_Levinson`, `SharonBirdMP`.

    Organisations, shows and places name their handles the same way (`@SkySports`,
    `@EssexFashionWk`, `@Nottingham`), so no part after the first may be an organisation word,
    nor the whole a well-known place. Trailing digits and underscores are decoration
    (`@andy_carey151`).
    """
    body = handle.rstrip("_0123456789")
    parts = _HANDLE_PART.findall(body)
    words = [p.casefold() for p in parts]
    if _place_or_word("".join(words)) or any(w in _HANDLE_ORG_WORDS for w in words[1:]):
        return False
    if len(parts) > 1:
        return len(parts[0]) > 2 and is_forename(parts[0])
    lowered = body.casefold()
    for cut in range(len(lowered) - 3, 2, -1):  # the longest forename prefix, then a rest
        first, rest = lowered[:cut], lowered[cut:]
        if not is_forename(first):
            continue
        if is_surname(rest) or cut > 3:
            # Also `petapixel`, `crystalski` (a brand): refusing a word after the forename lost
            # more people's handles than brands on BTC (stop 37: F2 -0.004 to -0.006 on b, f, g, h).
            return True
    return False


def hashtag_is_person(tag: str) -> bool:
    """A hashtag that is a full name: `#dianaokonkwo`, `#MartaKowalska`; never one word.

    Stricter than a handle: a hashtag is more often a topic than a person, so it must be a
    forename then a listed surname, neither an English word (`#RobinHood`, `#JackDaniels`
    are a legend and a drink), with nothing after.
    """
    parts = _HANDLE_PART.findall(tag)
    if _place_or_word(tag.casefold()):
        return False  # `#nottingham` is not Nott Ingham, `#sailing` not Sai Ling
    if len(parts) == 2 and "".join(parts) == tag:
        first, last = parts
        return _full_name_parts(first, last)
    if len(parts) != 1 or not tag.islower():
        return False
    return any(_full_name_parts(tag[:cut], tag[cut:]) for cut in range(len(tag) - 3, 2, -1))


def _place_or_word(joined: str) -> bool:
    """A handle's or hashtag's letters, run together, spell a place or an English word."""
    return joined in PLACES or is_word(joined)


def _full_name_parts(first: str, last: str) -> bool:
    return (
        len(first) > 2
        and len(last) > 2
        and is_forename(first)
        and is_surname(last)
        and not is_word(first)
        and not is_word(last)
    )


class ListedNameRecognizer(ShapeRecognizer):
    """Capitalised runs that start with a listed forename; handles built from a forename."""

    ENTITY = "PERSON"
    SHAPES = (
        Shape("listed", _RUN.pattern, 0.85),
        Shape("handle", _HANDLE.pattern, 0.6),
        Shape("hashtag", _HASHTAG.pattern, 0.6),
        Shape("coordinated", _COORD.pattern, 0.85),
    )
    CONTEXT = ()
    DAMPING = ()
    BOOST = 0.0
    SCOUTS = (_RUN, _HANDLE, _HASHTAG, _COORD)

    def candidates(self, text: str) -> Iterator[tuple[int, int, float, str]]:
        """Name spans inside capitalised runs, lists of forenames, and person handles."""
        yield from self._runs(text)
        if "and" in text or "&" in text:
            yield from self._coordinated(text)
        if "@" in text:
            for m in _HANDLE.finditer(text):
                if handle_is_person(m[1]):
                    yield m.start(), m.end(), 0.6, "handle"
        if "#" in text:
            for m in _HASHTAG.finditer(text):
                if hashtag_is_person(m[1]):
                    yield m.start(), m.end(), 0.6, "hashtag"

    @staticmethod
    def _runs(text: str) -> Iterator[tuple[int, int, float, str]]:
        """The name that ends a capitalised run; a lone forename that is all its line holds."""
        for m in _RUN.finditer(text):
            words = m[0].split()
            found = name_in_run(tuple(words))
            if found is None and len(words) > 2 and _opens_sentence(text, m.start()):
                # `Ieri Giulia Bellini ha pagato`: a sentence's first word, capitalised for
                # that alone, in a language whose common words the lists do not hold
                first = words[0]
                rest = None if known(first) or is_word(first) else name_in_run(tuple(words[1:]))
                found = (rest[0] + 1, rest[1] + 1) if rest else None
            if found is None:
                if len(words) == 1 and _alone_on_line(text, m.start(), m.end()):
                    if lone_forename(words[0]):
                        yield m.start(), m.end(), 0.85, "alone on a line"
                continue
            pos = m.start()
            starts = []
            for w in words:
                pos = text.index(w, pos)
                starts.append(pos)
                pos += len(w)
            i, j = found
            end = starts[j - 1] + len(words[j - 1].rstrip("."))
            if word_kind(words[j - 1]) == "initial":
                end += 1
            yield starts[i], end, 0.85, "listed"

    @staticmethod
    def _coordinated(text: str) -> Iterator[tuple[int, int, float, str]]:
        """The names of a list that holds two lone forenames or more (`Jay & Trish`)."""
        for m in _COORD.finditer(text):
            if _COORD_AFTER.match(text, m.end()) or _COORD_BEFORE.search(
                text, max(0, m.start() - 40), m.start()
            ):
                continue  # `Santa Clara and Santa Clara Convention Center`: longer names
            items = list(_COORD_ITEM.finditer(m[0]))
            if sum(lone_forename(w[0]) for w in items) < 2:
                continue  # `Research and Development`, `Simon & Schuster`
            if all(is_surname(w[0]) for w in items):
                continue  # `Edwards, Barnett and Oliver`: a firm's partners by surname
            for w in items:
                if name_like_word(w[0]):  # the forenames and `Luda` among them
                    yield m.start() + w.start(), m.start() + w.end(), 0.85, "coordinated"

    def validate(self, value: str) -> bool:
        """Shape filter, except for handles (which are not written as names)."""
        return value.startswith(("@", "#")) or plausible_name(value)

    def adjust(self, text: str, start: int, end: int, score: float) -> float:
        """Company evidence drops the span."""
        if text[start] in "@#":
            return score
        return 0.0 if looks_like_company(text, start, end) else score


_MENTION = r"(?<![\w@#'’\-]){}(?:['’]s)?(?![\w'’\-])"
_TOKEN = re.compile(r"(?<![\w@#'’\-])[\w'’\-]+")
_DOTTED = re.compile(r"\.\w")
_DOTTED_BEFORE = re.compile(r"\w\.$")
# A mention that is part of a longer proper noun or a noun phrase is not the person.
_IN_LONGER_NAME = re.compile(rf"(?:\b[Tt]he|[{UPPER}][\w'’\-]*)[ \t]+$")
_BEFORE_LONGER_NAME = re.compile(rf"[ \t]+(?:[{UPPER}][\w'’\-]*|family|brand|company|group)\b")


def name_parts(text: str, people: list[RecognizerResult]) -> set[str]:
    """First and last words of full names found in a text (`Howard`, `Sattler`)."""
    parts: set[str] = set()
    for r in people:
        value = text[r.start : r.end].replace(",", " ")
        words = [w for w in value.split() if word_kind(w) == "name"]
        if len(words) < 2 or not (is_forename(words[0]) or is_forename(words[-1])):
            continue  # `Sattler, Howard` from an address list has the forename last
        for w in (words[0], words[-1]):
            if len(w) > 2 and not is_common(w) and w.casefold() not in PLACES:
                parts.add(w)
    return parts


def _mentions(text: str, parts: set[str]) -> Iterator[tuple[int, int]]:
    """Spans where a part stands as a whole word (possessive included), like `_MENTION`.

    Matching every word of the text against the set costs no regex compilation; an item's
    parts are a new set each time, and compiling their alternation was most of this step.
    Parts with other characters (`St.`) keep the regex.
    """
    if any(_TOKEN.fullmatch(p) is None for p in parts):
        rx = re.compile(
            "|".join(_MENTION.format(re.escape(p)) for p in sorted(parts, key=len)[::-1])
        )
        yield from (m.span() for m in rx.finditer(text))
        return
    for m in _TOKEN.finditer(text):
        word = m[0]
        if word in parts or (word[-2:] in ("'s", "’s") and word[:-2] in parts):
            yield m.span()


def later_mentions(
    text: str, people: list[RecognizerResult], parts: set[str]
) -> list[RecognizerResult]:
    """Other mentions of name parts (from this text or others of the same item) not yet found.

    The parts of an item's names are shared across its segments, so a mail whose header names
    `Vince Kaminski` has `Vince` in the body found too.
    """
    if not parts:
        return []
    taken = [(r.start, r.end) for r in people]
    out: list[RecognizerResult] = []
    for start, end in _mentions(text, parts):
        if text[end - 2 : end] in ("'s", "’s"):
            end -= 2
        if any(a < end and start < b for a, b in taken) or looks_like_company(text, start, end):
            continue
        if _DOTTED.match(text, end) or _DOTTED_BEFORE.search(text, max(0, start - 2), start):
            continue  # `Michelle.xls`, `Dennis.Lee@enron.com`: a file or an address
        if _IN_LONGER_NAME.search(text, max(0, start - 40), start) or _BEFORE_LONGER_NAME.match(
            text, end
        ):
            continue  # `Dave Matthews Band`, `the Caloi family`, `Circuit Zandvoort`
        out.append(
            RecognizerResult(
                "PERSON",
                start,
                end,
                0.7,
                recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: "LaterMention"},
            )
        )
    return out
