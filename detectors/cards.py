"""Payment card numbers (PAN): Luhn check plus the issuer's prefix and length.

Issuer ranges from ISO/IEC 7812 as published by the schemes: Visa 4 (13/16/19), Mastercard
51-55 and 2221-2720 (16), American Express 34/37 (15), Discover 6011/644-649/65 (16-19),
Diners 36/38/300-305 (14-19), JCB 3528-3589 (16-19) and 1800/2131 (15), Maestro 50/56-69
(12-19).
A random 16-digit string passes Luhn one time in ten, so the issuer table and damping words
(`serial`, `asset`, `part`) are what keep part numbers out.
"""

from __future__ import annotations

import re

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
    """Card numbers printed contiguous or in groups (spaces or dashes, one separator kind)."""

    ENTITY = "CREDIT_CARD"
    SHAPES = (
        Shape(
            "grouped", r"(?<![\w\-/.])\d{4}([ -])\d{4}\1\d{4}\1\d{1,7}(?![\w\-/]|\.\w|[ -]\d)", 0.8
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
    )
    BOOST = 0.2
    DAMP = 0.6
    CHECK = "Luhn and issuer range"
    PREFILTER = re.compile(r"\d{4}")

    def validate(self, value: str) -> bool:
        """Luhn and issuer range/length; all-same digits are never a card."""
        d = digits(value)
        return 12 <= len(d) <= 19 and len(set(d)) > 2 and luhn_ok(d) and issuer_ok(d)
