import pytest

from detectors.address import postcode_ok
from tests.detectors.helpers import check

POSTCODE = [
    ("Postcode: SW1A 1AA", ["SW1A 1AA"]),
    ("Leeds LS1 4AP, UK", ["LS1 4AP"]),
    ("post code m1 1ae is lower case", []),
    ("Postcode: EC1A1BB", ["EC1A1BB"]),
    ("Ref EC1A1BB without a cue", []),
    # Shape right, area wrong (no QA, XR, PN areas): product codes.
    ("Model QA1 2BC and XR7 2LT", []),
    ("Part PN4 4AB", []),
    # Inward letters never include C I K M O V.
    ("Postcode SW1A 1AC", []),
]


@pytest.mark.parametrize(("text", "values"), POSTCODE)
def test_postcode(detector, text, values):
    check(detector, text, "UK_POSTCODE", values)


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("SW1A 1AA", True),
        ("M1 1AE", True),
        ("B33 8TH", True),
        ("CR2 6XH", True),
        ("DN55 1PT", True),
        ("LD4Y 9EP", True),
        ("B2T 4PD", True),
        ("B2I 4PD", False),
        ("LD4C 9EP", False),
        ("QQ1 1AA", False),
        ("W1A 0AX", True),
    ],
)
def test_postcode_rules(value, ok):
    assert postcode_ok(value) is ok


ADDRESS = [
    ("Address: 14 Mill Lane, Newtown, Kent TN1 2AB", ["14 Mill Lane, Newtown, Kent TN1 2AB"]),
    ("Flat 3, 221B Baker Street, London NW1 6XE.", ["Flat 3, 221B Baker Street, London NW1 6XE"]),
    (
        "12 Station Road\nStratford-upon-Avon\nCV37 6PQ\n",
        ["12 Station Road\nStratford-upon-Avon\nCV37 6PQ"],
    ),
    (
        "7 Kirk Close Helensburgh Argyll and Bute G84 7AB",
        ["7 Kirk Close Helensburgh Argyll and Bute G84 7AB"],
    ),
    # Street line alone without an address cue: a meeting-room note, not reported.
    ("Meet at 4 Park Lane for the Q3 review", []),
    # Street line with an invalid postcode tail.
    ("14 Mill Lane, Newtown QQ1 2AB", []),
    # A glyph table row: no separator before what would be an Eircode.
    ("U+2500 SF100000             1.12 (Sans Mono)", []),
    ("12 Main Street, Dublin D02 X285", ["12 Main Street, Dublin D02 X285"]),
]


@pytest.mark.parametrize(("text", "values"), ADDRESS)
def test_address(detector, text, values):
    check(detector, text, "ADDRESS", values)


def test_postcode_inside_address_is_also_reported(detector):
    from tests.detectors.helpers import found

    entities = {e for e, _, _ in found(detector, "Address: 14 Mill Lane, Newtown TN1 2AB")}
    assert entities == {"ADDRESS", "UK_POSTCODE"}
