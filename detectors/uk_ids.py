"""UK government identifiers: National Insurance number, NHS number, passport, driving licence.

Sources for the formats: HMRC NIM39110 (NINO prefixes), NHS Data Dictionary "NHS number"
(modulus 11), DVLA licence number layout (surname, birth date, initials, check characters).
"""

from __future__ import annotations

import re

from detectors.pattern import DAMPING_WORDS, Shape, ShapeRecognizer, digits

# First letter never D F I Q U V; second never D F I O Q U V; and these pairs are not issued.
_NINO = (
    r"(?<![A-Za-z0-9])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
    # Not joined by a hyphen to a word: `MC146818A-compatible` is a chip.
    r" ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![A-Za-z0-9]|-[A-Za-z])"
)


class NinoRecognizer(ShapeRecognizer):
    """UK National Insurance number: prefix rules make the shape telling without context."""

    ENTITY = "UK_NINO"
    SHAPES = (Shape("nino", _NINO, 0.8),)
    CONTEXT = ("national insurance", "ni number", "ni no", "nino", "nat ins", "insurance number")
    BOOST = 0.2
    CHECK = "HMRC prefix rules"
    # `Ref`/`Reference` label NINOs as often as anything else (`Employee ref`), so they do not
    # damp; `Model`, `Part`, `Serial` do.
    DAMPING = tuple(w for w in DAMPING_WORDS if w not in ("ref", "reference"))


class NhsNumberRecognizer(ShapeRecognizer):
    """NHS number: 10 digits, modulus 11.

    One random 10-digit number in 11 passes the check, so context decides: `NHS`/`patient`
    near the number (or in the column header) reports it; a phone cue (US numbers share the
    3-3-4 grouping) damps it.
    """

    ENTITY = "UK_NHS"
    SHAPES = (
        Shape("nhs", r"(?<![\d+\-/.(])(?<!\+1 )\d{3}([ -]?)\d{3}\1\d{4}(?![\d\-/]|\.\d)", 0.4),
    )
    CONTEXT = ("nhs", "patient", "health service", "chi number")
    BOOST = 0.5
    CHECK = "mod-11"
    DAMPING = DAMPING_WORDS + ("phone", "tel", "telephone", "mobile", "fax", "call", "usa", "us")
    PREFILTER = re.compile(r"\d{3}[ -]?\d{3}[ -]?\d{4}")

    def validate(self, value: str) -> bool:
        """NHS modulus 11: weights 10..2 over the first nine digits; 10 is never issued."""
        d = digits(value)
        if len(d) != 10 or len(set(d)) == 1:
            return False
        check = 11 - sum(int(c) * w for c, w in zip(d[:9], range(10, 1, -1), strict=True)) % 11
        check = 0 if check == 11 else check
        return check != 10 and check == int(d[9])


class UkPassportNumberRecognizer(ShapeRecognizer):
    """UK passport number: nine digits, reported only with a `passport` cue.

    Nine digits are indistinguishable from any other nine digits; the cue may be near the
    number or in the column header.
    """

    ENTITY = "UK_PASSPORT"
    SHAPES = (Shape("passport", r"(?<![\w\-/.])\d{9}(?![\w\-/]|\.\w)", 0.1),)
    CONTEXT = ("passport", "travel document")
    BOOST = 0.75
    BEFORE = 40


_DL = r"(?<![A-Za-z0-9])[A-Z9]{5} ?\d{6} ?[A-Z9]{2}\d[A-Z]{2}(?: ?\d{2})?(?![A-Za-z0-9])"


class DvlaLicenceRecognizer(ShapeRecognizer):
    """DVLA driving licence number.

    Layout: surname (padded with 9), decade, month (+50 for women), day, year, initials,
    a digit, two check letters, optional two-digit issue number.
    """

    ENTITY = "UK_DRIVING_LICENCE"
    SHAPES = (Shape("dvla", _DL, 0.75),)
    CONTEXT = ("driving", "driver", "licence", "license", "dvla")
    BOOST = 0.25
    CHECK = "DVLA layout"

    def validate(self, value: str) -> bool:
        """Surname block is letters then 9-padding; month 01-12 or 51-62; day 01-31."""
        v = value.replace(" ", "")
        surname, birth, initials = v[:5], v[5:11], v[11:13]
        if not re.fullmatch(r"[A-Z]+9*", surname) or not initials[0].isalpha():
            return False
        month, day = int(birth[1:3]), int(birth[3:5])
        return (1 <= month <= 12 or 51 <= month <= 62) and 1 <= day <= 31
