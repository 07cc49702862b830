import pytest

from detectors.name_shapes import plausible_name
from tests.detectors.helpers import check

NAMES = [
    ("Dear Mrs Sarah Thompson,\nThank you.", ["Sarah Thompson"]),
    ("Please ring Oliver Bennett about the renewal.", ["Oliver Bennett"]),
    ("Name: Priya Patel\nDept: Finance", ["Priya Patel"]),
    ("Hi Elaine,\nthe file is attached.", ["Elaine"]),
    ("Signed by Dr Amir Khan yesterday.", ["Amir Khan"]),
    # Companies that look like people, places, quarters.
    ("The Johnson Matthey renewal is due in Q3.", []),
    ("We met Marks and Spencer in Manchester.", []),
    ("Orders from Taylor Brown Ltd rose; Taylor Brown will invoice.", []),
    ("Harrison LLP sent the contract.", []),
    ("Shipment from Rotterdam reached Leeds on Monday.", []),
    ("VAT GB 980 7806 84 applies", []),
    # Every word also used in lower case in the same text: common words, not a name.
    ("Reporting Bugs\nPlease report bugs to the list.", []),
]


@pytest.mark.parametrize(("text", "values"), NAMES)
def test_names(detector, text, values):
    check(detector, text, "PERSON", values)


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("Jane Doe", True),
        ("Manchester", False),
        ("Q3", False),
        ("Harrison LLP", False),
        ("VAT GB", False),
        ("john smith", False),
        ("A1 Supplies", False),
        ("Anne-Marie O'Neil", True),
    ],
)
def test_plausible_name(value, ok):
    assert plausible_name(value) is ok
