"""Street addresses in the Indian layout: a locality line, then a town and its six-digit PIN.

`H.No. 17, Sodhi Chowk` / `Bhagalpur-706690`; `93, Banik Road, Gwalior-121910`; `39/150` /
`Bal Nagar, Eluru-608377`; `Lal Path Mehsana 918429`. A UK firm's suppliers and staff write
these (outsourcing, family abroad), and the pieces are what makes one: a name ending in a
locality word (`Nagar`, `Marg`, `Chowk`, `Road`, `Ganj`), then a town and a PIN code joined by a
hyphen or a space, on the same line or the next, after an optional house number (`H.No. 704`,
`80/993`). Without the locality word, a town and six digits are an order number as often as an
address, so they are not reported; the whole layout scores 0.85.
"""

from __future__ import annotations

import re

from detectors.pattern import Shape, ShapeRecognizer

_CAP = r"[A-Z][a-z]+(?:['’\-][A-Za-z]+)*"
# Locality and street words of Indian addresses (India Post's own usage and common practice).
_TYPES = (
    "Nagar|Marg|Path|Chowk|Road|Rd|Street|St|Ganj|Zila|Circle|Colony|Bazar|Bazaar|Gali|Lane|"
    "Layout|Cross|Puram|Vihar|Enclave|Sector|Block|Extension|Bagh|Mohalla|Peth|Wadi|Palya|"
    "Salai|Veedhi"
)
_HOUSE = (
    r"(?:(?:H\.?[ \t]?No|House[ \t]No|Flat[ \t]No|Plot[ \t]No|Door[ \t]No)\.?[ \t]?)?"
    r"\d{1,5}[A-Za-z]?(?:/\d{1,5}[A-Za-z]?)?"
)
_BREAK = r"(?:,[ \t]*\n?|[ \t]*\n|[ \t]+)[ \t]*"
# A six-digit PIN, not a year and month (`202401`) and not part of a longer number.
_PIN = r"(?!(?:19|20)\d\d(?:0[1-9]|1[0-2])(?!\d))\d{6}(?!\d|[\-/.,]\d)"
_ADDRESS = re.compile(
    rf"(?<![\w/\-.])(?:{_HOUSE},?(?:[ \t]*\n|[ \t]+)[ \t]*)?"
    rf"{_CAP}(?:[ \t]+{_CAP}){{0,2}}[ \t]+(?:{_TYPES})\.?"
    rf"{_BREAK}{_CAP}(?:[ \t]+{_CAP}){{0,2}}(?:[ \t]*-[ \t]*|[ \t]+){_PIN}"
)


class IndianAddressRecognizer(ShapeRecognizer):
    """A locality line, a town and a PIN code (see the module docstring)."""

    ENTITY = "ADDRESS"
    SHAPES = (Shape("locality+town+pin", _ADDRESS.pattern, 0.85),)
    CONTEXT = ("address", "residing", "resides", "home", "correspondence", "deliver")
    DAMPING = ()
    BOOST = 0.1
    CHECK = "PIN code shape"
