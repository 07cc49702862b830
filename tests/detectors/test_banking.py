import pytest

from tests.detectors.helpers import check

IBAN = [
    ("IBAN GB82 WEST 1234 5698 7654 32", ["GB82 WEST 1234 5698 7654 32"]),
    ("Pay GB82WEST12345698765432 today", ["GB82WEST12345698765432"]),
    ("IBAN: DE89 3704 0044 0532 0130 00  BIC COBADEFFXXX", ["DE89 3704 0044 0532 0130 00"]),
    ("FR1420041010050500013M02606", ["FR1420041010050500013M02606"]),
    # Check digits wrong.
    ("IBAN GB83 WEST 1234 5698 7654 32", []),
    ("Version GB12 ABCD 1234", []),
]


@pytest.mark.parametrize(("text", "values"), IBAN)
def test_iban(detector, text, values):
    check(detector, text, "IBAN_CODE", values)


def test_spaced_iban_fragments_are_not_card_or_phone(detector):
    from tests.detectors.helpers import found

    text = "Transfer to GB82 WEST 1234 5698 7654 32 please"
    assert [e for e, _, _ in found(detector, text)] == ["IBAN_CODE"]


SORT = [
    ("Sort code: 20-00-00", ["20-00-00"]),
    ("sort 40 47 84, account 12345678", ["40 47 84"]),
    ("Bank: Barclays 20-32-06", ["20-32-06"]),
    # A date, not a sort code.
    ("Meeting on 12-03-24 in the office", []),
    ("Part 12-34-56-78", []),
]


@pytest.mark.parametrize(("text", "values"), SORT)
def test_sort_code(detector, text, values):
    check(detector, text, "UK_SORT_CODE", values)


ACCOUNT = [
    ("Account number: 55779911", ["55779911"]),
    ("sort code 20-00-00 acc no 31926819.", ["31926819"]),
    ("bank 40-47-84 12345678 thanks", ["12345678"]),
    ("Invoice 55779911 is overdue", []),
    ("Order number 55779911", []),
    ("Account number 5577991 (7 digits)", []),
]


@pytest.mark.parametrize(("text", "values"), ACCOUNT)
def test_bank_account(detector, text, values):
    check(detector, text, "UK_BANK_ACCOUNT", values)


VAT = [
    ("VAT registration GB 980 7806 84", ["GB 980 7806 84"]),
    ("VAT: GB980780684.", ["GB980780684"]),
    ("Our VAT number is 980 7806 84", ["980 7806 84"]),
    ("USt-IdNr DE136695976", ["DE136695976"]),
    ("BTW NL004495445B01", ["NL004495445B01"]),
    # Check digits wrong.
    ("VAT GB 980 7806 85", []),
    # Nine digits without a VAT cue.
    ("Order 980780684 shipped", []),
]


@pytest.mark.parametrize(("text", "values"), VAT)
def test_vat(detector, text, values):
    check(detector, text, "VAT_NUMBER", values)
