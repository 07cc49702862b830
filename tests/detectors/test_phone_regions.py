"""The regions a text names (detectors/phone_regions.py): fast regexes, the same answers.

`_FUSED_RX` and `_TYPE_FIRST_RX` were rewritten for speed (look-arounds that stop the regex
engine trying every letter); the plain forms they replaced are kept here as the definition, and
both must find the same matches on every string.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator

from detectors.phone_regions import (
    _FUSED,
    _FUSED_RX,
    _TYPE_FIRST,
    _type_first,
    regions_named,
)

PLAIN_FUSED = re.compile(
    r"[^\W\d_]{3,}(" + "|".join(re.escape(k) for k in _FUSED) + r")[ \t]+\d", re.IGNORECASE
)
PLAIN_TYPE_FIRST = re.compile(
    r"(?<![\w.])(" + "|".join(re.escape(k) for k in _TYPE_FIRST) + r")[ \t]+[A-ZÀ-Ž]"
)

TRICKY = [
    "Bahnhofstraße 12, 10115 Berlin",
    "HAUPTSTRASSE 3",
    "Hauptstr. 5 and Nebenstr.7",
    "Kirkegade  4 Søndergade\t52",
    "str. 5, Xstraße 4, Abstraße 9",  # fewer than three letters before the type
    "Vej 4 Strandvej 12 Strandvejen 3",
    "XRua Rua Augusta 12",  # a type inside a word, then one at a word start
    "Calle Mayor, Via Roma 3, .Via Appia, _Via Nova, 9Via Sacra, ul. Długa 5",
    "Praça da Sé, Travessa do Carmo",
    "",
]


def _random_texts(n: int) -> list[str]:
    rnd = random.Random(11)
    parts = [*_FUSED, *_TYPE_FIRST, "Haupt", "Ab", "X", "Straße", "Rua", "a", "Öster", ".", "_"]
    glue = [" ", "\t", "", "  ", ", ", "\n", "-", "."]
    tails = ["1", "12", "Roma", "Élan", "x", " 3", "Zé"]
    out = []
    for _ in range(n):
        words = [rnd.choice(parts) + rnd.choice(["", "", rnd.choice(tails)]) for _ in range(6)]
        out.append("".join(w + rnd.choice(glue) for w in words) + rnd.choice(tails))
    return out


def _spans(matches: Iterator[re.Match[str]]) -> list[tuple[tuple[int, int], str]]:
    return [(m.span(), m.group(1)) for m in matches]


def test_the_fast_regexes_find_what_the_plain_ones_do() -> None:
    found = 0
    for text in TRICKY + _random_texts(3000):
        fused = _spans(_FUSED_RX.finditer(text))
        assert fused == _spans(PLAIN_FUSED.finditer(text)), text
        first = _spans(_type_first(text))
        assert first == _spans(PLAIN_TYPE_FIRST.finditer(text)), text
        found += len(fused) + len(first)
    assert found > 300  # the strings exercise both regexes, not only their misses


def test_an_address_layout_names_its_country() -> None:
    assert regions_named("Lieferung an Bahnhofstraße 12, Berlin", 2)[0] in ("DE", "AT")
    assert regions_named("Entregar em Rua Augusta 12", 1) in (["PT"], ["BR"])


def test_a_dotless_i_names_no_region_and_breaks_nothing() -> None:
    """The regexes ignore case the Unicode way, so `ı` matches `i`; its casefold is no key.

    `@dovecot.fı` and `Mannerheimintıe 5` (Turkish keyboards, OCR) used to raise KeyError out
    of the phone recognizer, which lost every finding of the item.
    """
    assert regions_named("Timo <timo@dovecot.fı> (0432583673)", 3) == []
    assert regions_named("Mannerheimintıe 5, Helsinki", 3) == regions_named("Helsinki", 3)
    assert regions_named("Timo <timo@dovecot.fi>", 3) == ["FI"]
