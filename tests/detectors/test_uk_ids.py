import pytest

from detectors.uk_ids import NhsNumberRecognizer
from tests.detectors.helpers import check

NINO = [
    ("NI number: AB 12 34 56 C", ["AB 12 34 56 C"]),
    ("National Insurance AB123456C.", ["AB123456C"]),
    ("nino JG103759A and later", ["JG103759A"]),
    ("Bare CE 31 41 59 D still has the prefix rules", ["CE 31 41 59 D"]),
    ("Not issued: GB123456A, BG 12 34 56 A, ZZ123456B", []),
    ("Bad letters: DA123456A QQ123456C AO123456B", []),
    ("Suffix E is invalid: AB123456E", []),
    ("Part AB1234567C and PN-4411-2093-77", []),
    ("Model code PT536597D", []),
    ("commonly used MC146818A-compatible (x86) hardware clock", []),
    ("NI number: AB123456C-", ["AB123456C"]),
    ("Employee ref PT536597D", ["PT536597D"]),
]


@pytest.mark.parametrize(("text", "values"), NINO)
def test_nino(detector, text, values):
    check(detector, text, "UK_NINO", values)


NHS = [
    ("NHS number: 943 476 5919", ["943 476 5919"]),
    ("Patient NHS No 9434765919.", ["9434765919"]),
    ("NHS: 401-023-2137", ["401-023-2137"]),
    # Fails mod 11.
    ("NHS number: 943 476 5918", []),
    # Valid mod 11 but no NHS cue: a US phone shares the 3-3-4 grouping.
    ("Call our US office on (415) 555-0132 or 943 476 5919", []),
    ("Phone +1 943 476 5919 (New York)", []),
    ("Serial 943 476 5919", []),
]


@pytest.mark.parametrize(("text", "values"), NHS)
def test_nhs(detector, text, values):
    check(detector, text, "UK_NHS", values)


@pytest.mark.parametrize(
    ("number", "ok"),
    [("9434765919", True), ("4010232137", True), ("9434765918", False), ("0000000000", False)],
)
def test_nhs_mod11(number, ok):
    assert NhsNumberRecognizer().validate(number) is ok


PASSPORT = [
    ("Passport number: 123456789", ["123456789"]),
    ("passport no. 502135326 expires 2031", ["502135326"]),
    ("Order 123456789 shipped", []),
    ("Reference 123456789", []),
    ("Passport 12345678 (eight digits)", []),
]


@pytest.mark.parametrize(("text", "values"), PASSPORT)
def test_passport(detector, text, values):
    check(detector, text, "UK_PASSPORT", values)


LICENCE = [
    ("Driving licence MORGA753116SM9IJ", ["MORGA753116SM9IJ"]),
    ("DVLA: SMITH 861214 JA9AB 24", ["SMITH 861214 JA9AB 24"]),
    ("Licence number LEE99 562153 J99XY", ["LEE99 562153 J99XY"]),
    # Month 13 and day 00 are not dates of birth.
    ("Driving licence MORGA713116SM9IJ", []),
    ("Driving licence MORGA750016SM9IJ", []),
    # 9-padding must come after the letters.
    ("Driving licence MO9GA753116SM9IJ", []),
]


@pytest.mark.parametrize(("text", "values"), LICENCE)
def test_driving_licence(detector, text, values):
    check(detector, text, "UK_DRIVING_LICENCE", values)
