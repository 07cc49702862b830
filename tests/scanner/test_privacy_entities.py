"""normalise()/mask() for the UK entities: equal values hash alike, evidence hides the value."""

import pytest

from scanner.privacy import Redactor, mask, normalise


@pytest.mark.parametrize(
    ("entity", "a", "b"),
    [
        ("UK_POSTCODE", "SW1A 1AA", "sw1a1aa"),
        ("UK_NINO", "AB 12 34 56 C", "AB123456C"),
        ("DATE_OF_BIRTH", "12/03/1985", "1985-03-12"),
        ("DATE_OF_BIRTH", "12 March 1985", "12.03.1985"),
        ("IBAN_CODE", "GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432"),
        ("VAT_NUMBER", "GB 980 7806 84", "GB980780684"),
        ("UK_SORT_CODE", "20-00-00", "200000"),
        ("PHONE_NUMBER", "020 7946 0123", "+44 20 7946 0123"),
    ],
)
def test_same_value_hashes_alike(entity, a, b):
    r = Redactor(b"k" * 32)
    assert r.hash(entity, a) == r.hash(entity, b)


def test_different_dates_of_birth_differ():
    assert normalise("DATE_OF_BIRTH", "12/03/1985") != normalise("DATE_OF_BIRTH", "13/03/1985")


@pytest.mark.parametrize(
    ("entity", "value", "masked"),
    [
        ("UK_NINO", "AB 12 34 56 C", "** ** ** ** *"),
        ("DATE_OF_BIRTH", "12/03/1985", "**/**/****"),
        ("CREDIT_CARD", "4539 1488 0343 6467", "**** **** **** 6467"),
        ("HEALTH", "type 2 diabetes", "t*** 2 d*******"),
    ],
)
def test_mask(entity, value, masked):
    assert mask(entity, value) == masked
