import pytest

from scanner.dates import parse_date
from tests.detectors.helpers import check

DOB = [
    ("Date of birth: 12/03/1985", ["12/03/1985"]),
    ("DOB 1985-03-12.", ["1985-03-12"]),
    ("D.O.B.: 3 March 1979", ["3 March 1979"]),
    ("She was born on 3rd of March 1979 in Leeds", ["3rd of March 1979"]),
    ("Birthday March 3, 1979", ["March 3, 1979"]),
    ("DOB: 12.03.85, start date: 01/09/2020", ["12.03.85"]),
    # Not birthdays.
    ("Start date 01/09/2020", []),
    ("Invoice date 12/03/1985", []),
    ("The meeting is on 1 June.", []),
    ("Payment within 45 days.", []),
    ("Date of birth: 31/02/1985", []),
    ("Date of birth: 12/03/2199", []),
    # File metadata: a file's birth time is not a person's birthday.
    ("birthtime: Mon, 10 Oct 2011 23:24:11 GMT", []),
    ("birthtimeMs: 1318289051000.1, birthtime: 10 Oct 2011", []),
    # EU labels.
    ("Geburtsdatum: 12.03.1985", ["12.03.1985"]),
    ("Date de naissance : 03/11/1979", ["03/11/1979"]),
    ('{"dateOfBirth": "1985-03-12"}', ["1985-03-12"]),
]


@pytest.mark.parametrize(("text", "values"), DOB)
def test_dob(detector, text, values):
    check(detector, text, "DATE_OF_BIRTH", values)


def test_parse_date():
    assert str(parse_date("3rd of March 1979")) == "1979-03-03"
    assert str(parse_date("12.03.85")) == "1985-03-12"
    assert parse_date("31/02/1985") is None
