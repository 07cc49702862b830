"""The text as the model should see it where its writer ignored case: names capitalised.

The small English model leans on capital letters. Posts, chat and comments are often written
all in lower case (`wow emma and kaite are so funny`) or all in capitals (`GET NICOLA OUT`),
and then it finds almost no one. Before such a text goes to the model, words the name lists
know are written as names: a listed forename that is no English word (`emma`, not `rose`),
and a listed surname that is no English word right after a forename (`emma watson`); in a
shouted text every other word goes to lower case. The model then decides from the context
whether they are people, and the usual evidence rules (detectors/name_shapes.py) still apply.

The view has exactly the text's length (one character for one), so the model's spans are
offsets into the original text. Ordinary text, with its capitals where they belong, is
returned unchanged, and so is text mostly in another language (`sillä se ei`, `pada hari`),
where short forenames of the lists are that language's common words.
"""

from __future__ import annotations

import re

from detectors.gazetteer import is_forename, is_surname, is_word
from detectors.name_shapes import NOT_NAMES

_WORD = re.compile(r"(?<![\w@#'’.\-])[^\W\d_]+(?![\w@'’\-])")  # `kick-start`, `ross's`: no
ENGLISH = 0.5  # share of its lower-case words that must be English for a text to be read so
MIN_LETTERS = 12  # fewer letters than this: too little text to say it ignores case
SHOUTED = 0.8  # share of letters in capitals from which a text is shouted


def _capitalised(word: str) -> str:
    head = word[0].upper()
    return (head if len(head) == 1 else word[0]) + _lower(word[1:])


def _lower(word: str) -> str:
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in word)


def _forename(word: str) -> bool:
    w = word.casefold()
    return len(w) > 3 and is_forename(w) and not is_word(w) and w not in NOT_NAMES


def _surname(word: str) -> bool:
    return len(word) > 2 and is_surname(word) and not is_word(word)


def mostly_foreign(text: str, min_words: int = 4) -> bool:
    """Most lower-case words of the text are no English words: another language.

    The model is English; in German, Spanish or Manx it calls any capitalised word a person
    (`Carrie ist eine`, `estou assistindo Dexter`). Too few words to tell is not foreign.
    """
    plain = [m[0] for m in _WORD.finditer(text) if len(m[0]) > 1 and m[0].islower()]
    return len(plain) >= min_words and sum(is_word(w) for w in plain) < ENGLISH * len(plain)


def true_case(text: str) -> str:
    """The text with listed names capitalised, when its writer ignored case; else unchanged."""
    letters = sum(map(str.isalpha, text))
    if letters < MIN_LETTERS:
        return text
    shouted = sum(map(str.isupper, text)) >= SHOUTED * letters
    words = list(_WORD.finditer(text))
    plain = [m[0] for m in words if len(m[0]) > 1 and (m[0].islower() or shouted)]
    if not any(_forename(w) for w in plain if len(w) > 3) and not shouted:
        return text  # nothing to capitalise (most ordinary text): the cheap answer first
    if not plain or sum(is_word(w) for w in plain) < ENGLISH * len(plain):
        return text  # no lower-case words, or another language: the lists are English-led
    out = list(text)
    after_name = False
    for m in words:
        word = m[0]
        if shouted and word.isupper() or word.islower():
            name = _forename(word) or (after_name and _surname(word))
            new = _capitalised(word) if name else (_lower(word) if shouted else word)
            out[m.start() : m.end()] = new
            after_name = name
        else:
            after_name = word[:1].isupper() and _forename(word)
    return "".join(out)
