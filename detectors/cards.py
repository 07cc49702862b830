"""Payment card numbers (PAN): Luhn check plus the issuer's prefix and length.

Issuer ranges from ISO/IEC 7812 as published by the schemes: Visa 4 (13/16/19), Mastercard
51-55 and 2221-2720 (16), American Express 34/37 (15), Discover 6011/644-649/65 (16-19),
Diners 36/38/300-305 (14-19), JCB 3528-3589 (16-19) and 1800/2131 (15), Maestro 50/56-69
(12-19).
A random 16-digit string passes Luhn one time in ten, so the issuer table and damping words
(`serial`, `asset`, `part`) are what keep part numbers out.

A Luhn-valid number outside the table but in the payment industries' first digits (2-6 of
ISO/IEC 7812's major industry identifier: a range the table does not list yet, a test
generator's `3507…` "JCB") is still reported where a card cue stands near (`Card number:`,
`Tarjeta`, a `card` column): its score is 0.35 lower, which without a cue falls under the
threshold, and its reason says only the Luhn check held. Airline, health, national and
other industries' numbers (first digit 0, 1, 7, 8, 9) never are.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from detectors.pattern import Shape, ShapeRecognizer, digits

# (prefix range low, high, allowed lengths)
_ISSUERS: tuple[tuple[int, int, tuple[int, ...]], ...] = (
    (4, 4, (13, 16, 19)),
    (51, 55, (16,)),
    (2221, 2720, (16,)),
    (34, 34, (15,)),
    (37, 37, (15,)),
    (6011, 6011, (16, 17, 18, 19)),
    (644, 649, (16, 17, 18, 19)),
    (65, 65, (16, 17, 18, 19)),
    (36, 36, (14, 15, 16, 17, 18, 19)),
    (38, 38, (14, 15, 16, 17, 18, 19)),
    (300, 305, (14, 15, 16, 17, 18, 19)),
    (3528, 3589, (16, 17, 18, 19)),
    (1800, 1800, (15,)),  # JCB's older 15-digit ranges
    (2131, 2131, (15,)),
    (50, 50, (12, 13, 14, 15, 16, 17, 18, 19)),
    (56, 69, (12, 13, 14, 15, 16, 17, 18, 19)),
)


# ISO/IEC 7812 major industry identifiers of payment cards: 2 and 5 banking (Mastercard), 3
# travel and entertainment (Amex, JCB, Diners), 4 banking (Visa), 6 merchandising and banking.
_PAYMENT_INDUSTRIES = frozenset("23456")


def luhn_ok(number: str) -> bool:
    """ISO/IEC 7812-1 Luhn check over a digit string."""
    total = 0
    for i, c in enumerate(reversed(number)):
        d = int(c)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def issuer_ok(number: str) -> bool:
    """Check that the prefix belongs to a scheme issuing cards of this length."""
    for low, high, lengths in _ISSUERS:
        width = len(str(low))
        if low <= int(number[:width]) <= high and len(number) in lengths:
            return True
    return False


class PaymentCardRecognizer(ShapeRecognizer):
    """Card numbers printed contiguous or in groups (spaces or dashes, one separator kind).

    Four groups inside a longer run of four-digit groups (a table of figures, PostScript's
    coordinates: `5428 5462 5496 5531 5565`) are no card: a group may neither precede nor
    follow them.
    """

    ENTITY = "CREDIT_CARD"
    SHAPES = (
        Shape(
            "grouped",
            r"(?<![\w\-/.])(?<!\d{4}[ -])\d{4}([ -])\d{4}\1\d{4}\1\d{1,7}(?![\w\-/]|\.\w|[ -]\d)",
            0.8,
        ),
        Shape("amex", r"(?<![\w\-/.])3[47]\d{2}([ -])\d{6}\1\d{5}(?![\w\-/]|\.\w|[ -]\d)", 0.8),
        Shape("plain", r"(?<![\w\-/.])\d{12,19}(?![\w\-/]|\.\w)", 0.7),
    )
    CONTEXT = (
        "card",
        "visa",
        "mastercard",
        "amex",
        "american express",
        "credit",
        "debit",
        "pan",
        "expiry",
        "cvv",
        "payment",
        # The word for a card in the languages the notice's customers write
        "tarjeta",
        "karte",
        "carte",
        "cartão",
        "carta",
        "kaart",
        "kortti",
        "karta",
        "kártya",
        "kortnummer",
    )
    BOOST = 0.2
    DAMP = 0.6
    CHECK = "Luhn and issuer range"
    PREFILTER = re.compile(r"\d{4}")
    # What a Luhn-valid number outside the issuer table loses: a cue lifts it back over 0.5.
    UNKNOWN_ISSUER = 0.35
    FROM_SHAPES = True  # candidates() only rescores or drops the shapes' matches

    def candidates(self, text: str) -> Iterator[tuple[int, int, float, str]]:
        """The shapes' matches; a Luhn-valid one outside the issuer table scores lower."""
        for start, end, score, shape in super().candidates(text):
            d = digits(text[start:end])
            if issuer_ok(d):
                yield start, end, score, shape
            elif d[:1] in _PAYMENT_INDUSTRIES:
                yield start, end, score - self.UNKNOWN_ISSUER, f"{shape}, issuer unknown"

    def check_note(self, shape: str) -> str:
        """Say when only the Luhn check held (the shape's name already says `issuer unknown`)."""
        return "Luhn ok" if shape.endswith("issuer unknown") else self.CHECK + " ok"

    def validate(self, value: str) -> bool:
        """Luhn over 12-19 digits (the issuer range decides the score); never all-same digits."""
        d = digits(value)
        return 12 <= len(d) <= 19 and len(set(d)) > 2 and luhn_ok(d)
