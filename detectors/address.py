"""UK postal addresses: the postcode alone, and a street line running to a validated postcode.

Postcode validation follows the Royal Mail PAF format rules: the area must be one of the 124
UK postcode areas (plus the Crown dependencies), the district shape one of A9, A99, A9A, AA9,
AA99, AA9A (with the letters PAF allows in the last place), and the inward unit letters never
C I K M O V. Whether a district really exists is not checked (that needs the PAF file). The
area list is what stops product codes such as `PN4 4AB` or `XR7 2LT` from passing the shape test.
"""

from __future__ import annotations

import re

from detectors.pattern import Shape, ShapeRecognizer

AREAS = frozenset(
    "AB AL B BA BB BD BF BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN "
    "DT DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L "
    "LA LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA "
    "SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS "
    "WV YO ZE".split()
)

POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2}"
_POSTCODE_FULL = re.compile(r"([A-Z]{1,2})(\d[A-Z\d]?) ?(\d)([ABD-HJLNP-UW-Z]{2})")


def postcode_ok(value: str) -> bool:
    """PAF rules: known area, district shape, inward letters (already in the regex)."""
    m = _POSTCODE_FULL.fullmatch(value.strip())
    if not m:
        return False
    area, district = m.group(1), m.group(2)
    if area not in AREAS:
        return False
    if district[-1].isalpha():  # PAF: letters allowed after the district digit
        return district[-1] in ("ABCDEFGHJKPSTUW" if len(area) == 1 else "ABEHMNPRVWXY")
    return True


class PostcodeRecognizer(ShapeRecognizer):
    """UK postcode with or without its space; the spaced form is the telling one."""

    ENTITY = "UK_POSTCODE"
    SHAPES = (
        Shape(
            "spaced",
            r"(?<![A-Za-z0-9\-])[A-Z]{1,2}\d[A-Z\d]? \d[ABD-HJLNP-UW-Z]{2}(?![A-Za-z0-9\-])",
            0.65,
        ),
        Shape(
            "tight",
            r"(?<![A-Za-z0-9\-])[A-Z]{1,2}\d[A-Z\d]?\d[ABD-HJLNP-UW-Z]{2}(?![A-Za-z0-9\-])",
            0.35,
        ),
    )
    CONTEXT = ("postcode", "post code", "postal", "address", "zip")
    BOOST = 0.3
    CHECK = "PAF format rules"
    PREFILTER = re.compile(r"[A-Z]\d")

    def validate(self, value: str) -> bool:
        """PAF format rules (see module docstring)."""
        return postcode_ok(value)


_SUFFIX = (
    "Road|Rd|Street|St|Lane|Ln|Avenue|Ave|Close|Drive|Dr|Way|Crescent|Gardens|Court|Place|"
    "Terrace|Grove|Hill|Park|Mews|Row|Square|Walk|Green|Parade|Rise|View|Vale|Wharf|Yard|"
    "Gate|Broadway|Embankment|Circus|Quay|Boulevard|Croft|Meadow|Meadows|Fields|Heights"
)
_WORD = r"[A-Z][A-Za-z'\-]*"
_PREMISES = r"(?:(?:Flat|Apartment|Apt|Unit|Suite|Studio|Room)\.? \d{1,4}[A-Z]?,?[ \n]+)?"
_STREET = rf"{_PREMISES}\d{{1,4}}[A-Za-z]?,? (?:{_WORD} ){{1,3}}(?i:{_SUFFIX})\b\.?"
# Town and county words: `Stratford-upon-Avon`, `Argyll and Bute`, `Newcastle upon Tyne`,
# `City of Edinburgh`.
_LINK = r"(?:and|upon|on|in|le|de|by|under|the|of)"
_LOCALITY = rf"(?:,? ?\n? ?{_WORD}(?:[ \-](?:{_WORD}|{_LINK}(?=[ \-][A-Z]))){{0,4}})"
# Irish Eircode: a routing key (letter + two digits, or D6W) and a four-character identifier
# from the Eircode alphabet (no B G I J L M O Q S U Z, which read like digits).
EIRCODE = r"(?:[AC-FHKNPRTV-Y]\d{2}|D6W) ?[0-9AC-FHKNPRTV-Y]{4}"
_END = rf"(?:{POSTCODE}|{EIRCODE})"
# A comma, space or line break before the postcode: `2500 SF100000` is a glyph name, no
# street and an Eircode.
_BEFORE_END = r"(?=[, \n]),? ?\n? ?"
_FULL = rf"{_STREET}{_LOCALITY}{{0,3}}{_BEFORE_END}{_END}(?![A-Za-z0-9])"
# Any street words at all, when a valid postcode closes the address (`97 Lynda Bridge`,
# `12 Bridge End`): the postcode is the evidence, not the road-type word.
_ANY_STREET = rf"{_PREMISES}\d{{1,4}}[A-Za-z]?,? (?:{_WORD} ){{0,3}}{_WORD}"
_FULL_ANY = rf"{_ANY_STREET}{_LOCALITY}{{0,3}}{_BEFORE_END}{_END}(?![A-Za-z0-9])"


_TAIL = re.compile(rf"(?:{POSTCODE}|{EIRCODE})$")
_EIRCODE_TAIL = re.compile(rf"{EIRCODE}$")


class StreetAddressRecognizer(ShapeRecognizer):
    """A street line (number, name, road-type word) up to and including a valid postcode.

    The street line alone is reported only with an address cue: without a postcode it is as
    likely a meeting-room note (`4 Park Lane`) as someone's home.
    """

    ENTITY = "ADDRESS"
    SHAPES = (
        Shape("full", rf"(?<![\w\-]){_FULL}", 0.85),
        Shape("street+postcode", rf"(?<![\w\-]){_FULL_ANY}", 0.8),
        Shape("street", rf"(?<![\w\-]){_STREET}", 0.4),
    )
    CONTEXT = ("address", "lives at", "resides", "residing", "home", "correspondence", "deliver")
    DAMPING = ()
    BOOST = 0.3
    PREFILTER = re.compile(r"\d{1,4}[A-Za-z]?,? [A-Z]")

    def validate(self, value: str) -> bool:
        """Accept a full address only when it ends in a valid postcode or an Eircode."""
        tail = _TAIL.search(value)
        if tail is None or _EIRCODE_TAIL.search(value):
            return True
        return postcode_ok(tail.group(0))
