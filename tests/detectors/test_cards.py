import pytest

from detectors.cards import issuer_ok, luhn_ok
from tests.detectors.helpers import check

CARDS = [
    ("Card 4929 1234 5678 9012? no: 4539 1488 0343 6467", ["4539 1488 0343 6467"]),
    ("Paid by Visa 4539148803436467.", ["4539148803436467"]),
    ("Mastercard 5500-0055-5555-5559 exp 12/27", ["5500-0055-5555-5559"]),
    ("Amex 3782 822463 10005", ["3782 822463 10005"]),
    ("2-series 2221000000000009 on file", ["2221000000000009"]),
    # Luhn fails.
    ("Card 4539 1488 0343 6468", []),
    # Luhn passes, but it is a serial / asset tag / part number.
    ("Serial number 4539148803436467", []),
    ("Asset 4539 1488 0343 6467 returned", []),
    ("Part PN-4411-2093-77 and PN 4539148803436467", []),
    # Luhn-valid but no issuer starts with 1 or 9.
    ("Card 1234 5678 9012 3452", []),
    # Four groups inside a longer run of groups: figures (PostScript coordinates), no card.
    ("  5226 5259 5293 5326 5360 5394 5428 5462 5496 5531 \n  5565 5600 5635", []),
    ("totals 1200 5428 5462 5496 5531", []),
    ("Card 5428 5462 5496 5531, thanks", ["5428 5462 5496 5531"]),
    # Spaced IBAN digits.
    ("GB82 WEST 1234 5698 7654 32", []),
    # Luhn-valid in a payment industry's range the issuer table does not hold (a test
    # generator's "JCB" 3507...): only with a card cue (in English or the customer's language).
    ("Card on file: 3512932989203772", ["3512932989203772"]),
    ("Tarjeta: 3522152656618925", ["3522152656618925"]),
    ("charged to my card 3590 6746 8135 3290 twice", ["3590 6746 8135 3290"]),
    ("Order 3512932989203772 shipped", []),
    ("Serial number 3512932989203772", []),
    # Luhn-valid, first digit of an airline or national range: never, even after `Card`.
    ("Card 8512932989203771", []),
]


def test_unknown_issuer_says_only_luhn_held(detector):
    from scanner.extract.base import TextSegment

    (d,) = detector.detect([TextSegment("body", "Card on file: 3512932989203772")])
    assert "issuer unknown, Luhn ok," in d.reason
    assert "issuer range" not in d.reason  # said once, by the shape: not `... range unknown`
    (d,) = detector.detect([TextSegment("body", "Visa 4539148803436467")])
    assert "Luhn and issuer range ok" in d.reason


@pytest.mark.parametrize(("text", "values"), CARDS)
def test_cards(detector, text, values):
    check(detector, text, "CREDIT_CARD", values)


def test_card_helpers():
    assert luhn_ok("4539148803436467") and not luhn_ok("4539148803436468")
    assert issuer_ok("378282246310005") and not issuer_ok("37828224631000")
    assert not issuer_ok("1234567890123452")
