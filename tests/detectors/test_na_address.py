"""US, Canadian and Australian street addresses: the layouts, the tails, and the traps."""

import pytest

from tests.detectors.helpers import check

ADDRESSES = [
    # A street line and a town, state and postcode on the same line or the next.
    (
        "70512 Williams Parkway Apt. 285, East Hannah, WA 41440",
        ["70512 Williams Parkway Apt. 285, East Hannah, WA 41440"],
    ),
    (
        "2328 Figueroa Skyway\nKimberlyview, NJ 78456-1234",
        ["2328 Figueroa Skyway\nKimberlyview, NJ 78456-1234"],
    ),
    (
        "715 Robert Drive Suite 466\nNorth Cassidyton, NS Y4L 1X5",
        ["715 Robert Drive Suite 466\nNorth Cassidyton, NS Y4L 1X5"],
    ),
    ("66/9 Maynard Copse\nConnorberg, WA, 2674", ["66/9 Maynard Copse\nConnorberg, WA, 2674"]),
    # Australia Post road types beyond the USPS list.
    (
        "Unit 65 82 Tracey Amble, Port Jeffrey, QLD, 2678",
        ["82 Tracey Amble, Port Jeffrey, QLD, 2678"],
    ),
    (
        "229/0 Nancy Frontage\nWarnerchester, ACT, 2926",
        ["229/0 Nancy Frontage\nWarnerchester, ACT, 2926"],
    ),
    ("Follow these 3 Easy Steps", []),  # an everyday type word alone is no address
    # US military mail: no street, the APO/FPO/DPO line is the address.
    ("PSC 2105, Box 0176\nAPO AP 67239", ["PSC 2105, Box 0176\nAPO AP 67239"]),
    ("Unit 3956 Box 9465, DPO AE 87602", ["Unit 3956 Box 9465, DPO AE 87602"]),
    ("USNS Lopez\nFPO AE 04531", ["USNS Lopez\nFPO AE 04531"]),
    ("The APO AP 67239 code alone", []),
    ("1600 Pennsylvania Ave. NW", []),  # a street line alone needs a cue
    ("Ship to: 1600 Pennsylvania Ave.", ["1600 Pennsylvania Ave."]),
    # New Zealand: the town and a four-digit postcode, no state; a year is no postcode.
    (
        "142 Whakapuketahi Street, Rohewhanga 6012",
        ["142 Whakapuketahi Street, Rohewhanga 6012"],
    ),
    ("95 Rohemanawa Street\nHorowharetoa 5795", ["95 Rohemanawa Street\nHorowharetoa 5795"]),
    ("We met at 12 Baker Street, London 2019.", []),
    # Rural delivery before the town; a post-office box with its town and postcode.
    (
        "95 Rohemanawa Street\nRD 1 Horowharetoa 5795",
        ["95 Rohemanawa Street\nRD 1 Horowharetoa 5795"],
    ),
    ("my new address is PO Box 86, Terepo 9852.", ["PO Box 86, Terepo 9852"]),
    (
        "Jackson and Bartlett\nP.O. Box 581\nRohengaurutau 9545",
        ["P.O. Box 581\nRohengaurutau 9545"],
    ),
    ("GPO Box 12, Sydney NSW 2001", ["GPO Box 12, Sydney NSW 2001"]),
    ("Private Bag 4, Matawai 2683", ["Private Bag 4, Matawai 2683"]),
    ("See Box 4 in the 2019 report", []),
    # A Canadian postal code after the town, no province.
    ("403 Early Avenue, Kernersville Z8Z 3S5", ["403 Early Avenue, Kernersville Z8Z 3S5"]),
    ("1358 Lorne Avenue\nMokena P0Z 7R5", ["1358 Lorne Avenue\nMokena P0Z 7R5"]),
    ("PO Box 12 was emptied on 3 May 2020", []),  # a box alone, no town and postcode
    ("Our PO Box 12, since 2019", []),
    # Names in any script: CRMs write this layout for customers of every country.
    (
        "669 Бранков Wells Suite 102\nМиленковview, TX 57669",
        ["669 Бранков Wells Suite 102\nМиленковview, TX 57669"],
    ),
    ("8695 Ambrasas Junction Apt. 492", ["8695 Ambrasas Junction Apt. 492"]),
    # Traps: numbers before capitalised words that end in a street-type word.
    ("We met at 4 Park Lane.", []),
    ("Order 12 Items Total", []),
    ("The 3 Wise Men Run", []),
    ("Rated 5 Stars, Great View", []),
]


@pytest.mark.parametrize(("text", "values"), ADDRESSES)
def test_na_address(detector, text, values):
    check(detector, text, "ADDRESS", values)


def test_tail_reason(detector):
    from scanner.extract.base import TextSegment

    seg = TextSegment("body", "Mailing address: 12 Oak Street, Springfield, IL 62704")
    (d,) = detector.detect([seg])
    assert d.reason.startswith("NorthAmericanAddressRecognizer: shape street+state+postcode")
