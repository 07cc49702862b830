"""Forename, surname and common-word lists: evidence that a capitalised word is part of a name.

The small spaCy model both misses names (`Janka M. Szász` in a signature) and invents them
(`Career`, `Everton`, `Linkin Park`). A name list decides both ways: a span whose words are
known forenames or surnames is kept even where the shape filters would drop it, and a lone
capitalised word that is neither is dropped even though the model said PERSON.

The lists (detectors/namedata/, built by scripts/build_name_lists.py) hold ~21k forenames and
~39k surnames of the Latin-script countries Faker covers plus the US census, and ~32k place
names from GeoNames (which vetoes `Santa Clara` and `Zandvoort`), casefolded here; and ~64k
English dictionary words (SCOWL), which tell a name that is also a word (`Rose`, `Chase`) from
one that is not (`Emma`).
A forename that is also a common English word (`Will`, `May`, `Hope`) is weaker evidence:
`is_forename()` is False for it, `known()` still True. Loading costs 0.1-0.2 s once per process.
"""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache
from importlib import import_module

# Words that open a surname and are written in lower case (`van der Berg`, `de la Cruz`).
PARTICLES = frozenset(
    "van von der den de del della di da das do dos du la le st st. bin ibn al el te ten ter".split()
)


def _load(name: str) -> frozenset[str]:
    """One list of detectors/namedata (a module holding a string: data, not a file read).

    Each entry also under its unaccented spelling: `Andres`, `Gaetan`, `Jurgen` as typed on
    keyboards without accents.
    """
    text: str = import_module(f"detectors.namedata.{name}").NAMES
    words = {w.strip().casefold() for w in text.splitlines() if w.strip()}
    return frozenset(words | {_plain(w) for w in words if not w.isascii()})


@cache
def forenames() -> frozenset[str]:
    """Casefolded forenames."""
    return _load("forenames")


@cache
def surnames() -> frozenset[str]:
    """Casefolded surnames."""
    return _load("surnames")


@cache
def places() -> frozenset[str]:
    """Casefolded place names: countries, US states, cities of 15,000+."""
    return _load("places")


def is_place(value: str) -> bool:
    """The whole value is a known place name (`Santa Clara`, `Zandvoort`).

    `Saint`, `St.` and `St` are one word here: the lists hold `St. Louis` and `Saint Lucia`,
    and a letter may write either.
    """
    folded = fold(value)
    if folded in places():
        return True
    head, _, rest = folded.partition(" ")
    return head in _SAINTS and bool(rest) and any(f"{s} {rest}" in places() for s in _SAINTS)


_SAINTS = ("saint", "st.", "st")


# The same few thousand words are looked up again in every text; these lookups are pure, so
# each keeps a bounded memo (a cache hit costs less than the strip/replace/casefold it skips).
WORD_MEMO = 1 << 16


@cache
def common_words() -> frozenset[str]:
    """Casefolded frequent English words (stop words and the lorem list)."""
    return _load("common_words")


@cache
def english_words() -> frozenset[str]:
    """Lower-case English dictionary words (SCOWL): `rose`, `chase`, `pixel`; never `emma`."""
    return _load("english_words")


@lru_cache(maxsize=WORD_MEMO)
def is_word(word: str) -> bool:
    """An English dictionary word, in any case.

    A forename that is one (`Rose`, `Chase`) is weak evidence where case says nothing
    (lower-case posts, handles); a run that ends in one that is no surname (`Winter Classic`)
    names a thing, not a person.
    """
    w = fold(word)
    return w in english_words() or w in common_words()


@lru_cache(maxsize=WORD_MEMO)
def fold(word: str) -> str:
    """Casefold and drop a possessive and trailing dots: `O'Neil's` -> `o'neil`."""
    word = word.strip('.,;:!?"()[]').replace("’", "'")
    if word.endswith("'s") or word.endswith("'S"):
        word = word[:-2]
    return word.casefold()


def preload() -> None:
    """Load every list now (~0.25 s): in the fork server, once, not in each worker it forks."""
    for words in (forenames, surnames, places, common_words, english_words):
        words()


def _plain(word: str) -> str:
    """Without accents, for lists that spell `Szasz` where the text has `Szász`."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def _in(words: frozenset[str], word: str) -> bool:
    """The folded word, or its unaccented spelling, is in the list."""
    w = fold(word)
    return w in words or (not w.isascii() and _plain(w) in words)


@lru_cache(maxsize=WORD_MEMO)
def is_forename(word: str) -> bool:
    """A known forename that is not also a common English word.

    A hyphenated forename is two names (`Anne-Marie`, `Jean-Pierre`); `Al-Fatihah` is not.
    """
    w = fold(word)
    if "-" in w and not _in(forenames(), w):
        w, rest = w.split("-", 1)
        if not all(known(part) for part in rest.split("-")):
            return False
    return w not in common_words() and _in(forenames(), w)


@lru_cache(maxsize=WORD_MEMO)
def is_surname(word: str) -> bool:
    """A known surname (many are also common words: `Church`, `Black`)."""
    return _in(surnames(), word)


@lru_cache(maxsize=WORD_MEMO)
def known(word: str) -> bool:
    """Any list knows the word as a name (common-word homographs included)."""
    return _in(forenames(), word) or _in(surnames(), word)


def is_common(word: str) -> bool:
    """A frequent English word (`The`, `Will`, `Street`)."""
    return fold(word) in common_words()
