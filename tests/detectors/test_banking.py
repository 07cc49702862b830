import pytest

from scanner.extract.base import TextSegment
from tests.detectors.helpers import check, found, span

IBAN = [
    ("IBAN GB82 WEST 1234 5698 7654 32", ["GB82 WEST 1234 5698 7654 32"]),
    ("Pay GB82WEST12345698765432 today", ["GB82WEST12345698765432"]),
    ("IBAN: DE89 3704 0044 0532 0130 00  BIC COBADEFFXXX", ["DE89 3704 0044 0532 0130 00"]),
    ("FR1420041010050500013M02606", ["FR1420041010050500013M02606"]),
    # Check digits wrong.
    ("IBAN GB83 WEST 1234 5698 7654 32", []),
    ("Version GB12 ABCD 1234", []),
]
# Every SEPA layout the mod-97 check and country lengths cover (ISO 13616 registry examples).
SEPA = [
    "NO9386011117947",
    "MT84MALT011000012345MTLCAST001S",
    "PL61109010140000071219812874",
    "PT50000201231234567890154",
    "SE4550000000058398257466",
    "CH9300762011623852957",
    "FI2112345600000785",
    "LI21088100002324013AA",
    "AT611904300234573201",
    "IS140159260076545510730339",
    "IE29AIBK93115212345678",
    "BE71096123456769",
    "LU280019400644750000",
    "ES9121000418450200051332",
    "IT60X0542811101000000123456",
    "DK5000400440116243",
    "GI75NWBK000000007099453",
    "MC5811222000010123456789030",
    "SM86U0322509800000000270100",
]
IBAN += [(f"IBAN {v}", [v]) for v in SEPA]
IBAN += [
    (
        f"IBAN: {' '.join(SEPA[1][i : i + 4] for i in range(0, len(SEPA[1]), 4))}",
        [" ".join(SEPA[1][i : i + 4] for i in range(0, len(SEPA[1]), 4))],
    )
]


@pytest.mark.parametrize(("text", "values"), IBAN)
def test_iban(detector, text, values):
    check(detector, text, "IBAN_CODE", values)


def _with_check_digits(country: str, bban: str) -> str:
    """An IBAN-shaped code whose check digits are right for its account part (ISO 13616)."""
    digits = "".join(str(int(c, 36)) for c in bban + country) + "00"
    return f"{country}{98 - int(digits) % 97:02d}{bban}"


# Right check digits, but a country the IBAN registry does not list (Colombia) or a length it
# does not allow for the country (21 characters for GB, which has 22): a new member of the
# scheme, a changed national format or a padded export. Still a bank account.
UNREGISTERED = [
    _with_check_digits("CO", "SRHS1454981741040"),
    _with_check_digits("GB", "SRHS145498174104"),
]


@pytest.mark.parametrize("value", UNREGISTERED)
def test_unregistered_iban_with_right_check_digits_needs_an_account_cue(detector, value):
    from stdnum import iban

    assert not iban.is_valid(value)  # the registry's answer: what this reading is for
    check(detector, f"IBAN: {value}", "IBAN_CODE", [value])
    check(detector, f"Cuenta {value}", "IBAN_CODE", [value])
    check(detector, f"Shipped as {value} on Monday", "IBAN_CODE", [])
    wrong = value[:2] + f"{(int(value[2:4]) + 1) % 100:02d}" + value[4:]
    check(detector, f"IBAN: {wrong}", "IBAN_CODE", [])


def test_unregistered_iban_says_so_and_keeps_its_groups_from_the_address_recognizer(detector):
    value = " ".join(UNREGISTERED[0][i : i + 4] for i in range(0, len(UNREGISTERED[0]), 4))
    text = f"Numer konta: {value}"
    assert found(detector, text) == [span(text, "IBAN_CODE", value)]
    (d,) = detector.detect([TextSegment("body", text)])
    assert "not in the IBAN registry" in d.reason


def test_unregistered_iban_rules_out_unissued_check_digits(detector):
    """Check digits 99 pass mod 97 where 02 does, but are never issued."""
    from detectors.banking import unregistered_iban

    bban = next(
        b for b in (f"SRHS{n:013d}" for n in range(500)) if _with_check_digits("CO", b)[2:4] == "02"
    )
    assert unregistered_iban(f"CO02{bban}")
    assert not unregistered_iban(f"CO99{bban}")
    assert not unregistered_iban("ZZ" + _with_check_digits("CO", bban)[2:])  # no such country


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
    # Dates written year first, and an ISO date's tail, are no account and no sort code.
    ('libvorbis 1.3.7 (2020-07-04) -- "Xiph.Org libVorbis I 20200704"', []),
    ("improve the sed script used in 20141220 to account for wide-char builds", []),
    ('since the 2009-12-09 "Speed up insert" commit, 62458291, it was', []),
    ("Account number: 19870312", []),
    ("sort code 20-00-00 account 20141220", ["20141220"]),
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
    ("UID: ATU13585627", ["ATU13585627"]),
    ("NIF-IVA ESB58378431", ["ESB58378431"]),
    ("TVA intracom. FR 61 954 506 077", ["FR 61 954 506 077"]),
    ("P.IVA IT00743110157", ["IT00743110157"]),
    ("NIP PL8567346215", ["PL8567346215"]),
    ("Momsreg.nr SE556188840401", ["SE556188840401"]),
    ("VAT BE0403170701, DK13585628, FI20774740", ["BE0403170701", "DK13585628", "FI20774740"]),
    ("VAT IE6433435F PT501964843 CZ25123891", ["IE6433435F", "PT501964843", "CZ25123891"]),
    # Ireland's old layout has the fewest digits of any EU number (the Vat prefilter's six).
    ("VAT: IE 8Z49289F", ["IE 8Z49289F"]),
    ("VAT EL094259216 LU15027442 HU12892312", ["EL094259216", "LU15027442", "HU12892312"]),
    ("VAT SK2022749619 SI50223054 HR33392005961", ["SK2022749619", "SI50223054", "HR33392005961"]),
    ("VAT RO18547290 BG175074752 CY10259033P", ["RO18547290", "BG175074752", "CY10259033P"]),
    ("VAT EE100931558 LV40003521600 LT119511515", ["EE100931558", "LV40003521600", "LT119511515"]),
    ("VAT MT11679112", ["MT11679112"]),
    ("Ref ESB58378432", []),
    # Check digits wrong.
    ("VAT GB 980 7806 85", []),
    # Nine digits without a VAT cue.
    ("Order 980780684 shipped", []),
]


@pytest.mark.parametrize(("text", "values"), VAT)
def test_vat(detector, text, values):
    check(detector, text, "VAT_NUMBER", values)
