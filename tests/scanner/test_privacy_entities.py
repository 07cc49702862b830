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
        ("IBAN_CODE", "de89 3704 0044 0532 0130 00", "DE89370400440532013000"),
        ("VAT_NUMBER", "980 7806 84", "GB980780684"),
        ("VAT_NUMBER", "DE 136 695 976", "de136695976"),
        ("DE_TAX_ID", "36 574 261 809", "36/574/261/809"),
        ("FR_NIR", "1 85 05 78 006 084 91", "185057800608491"),
        ("ES_NIF", "X-1234567-L", "x1234567l"),
        ("ES_NIF", "12.345.678-Z", "12345678Z"),
        ("IT_FISCAL_CODE", "rssmra85t10a562s", "RSSMRA85T10A562S"),
        ("NL_BSN", "1112.22.333", "111222333"),
        ("IE_PPS", "1234567 TW", "1234567TW"),
        ("BE_NATIONAL_NUMBER", "85.07.30-033.28", "85073003328"),
        ("SE_PERSONNUMMER", "19811228-9874", "811228-9874"),
        ("DK_CPR", "211062-5629", "2110625629"),
        ("FI_HETU", "131052-308t", "131052-308T"),
    ],
)
def test_same_value_hashes_alike(entity, a, b):
    r = Redactor(b"k" * 32)
    assert r.hash(entity, a) == r.hash(entity, b)


def test_hetu_century_sign_is_kept():
    assert normalise("FI_HETU", "010150-123A") != normalise("FI_HETU", "010150+123A")


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
