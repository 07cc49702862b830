"""Indian addresses: a locality line, a town and a six-digit PIN, and the traps."""

import pytest

from tests.detectors.helpers import check

ADDRESSES = [
    ("H.No. 17, Sodhi Chowk\nBhagalpur-706690", ["H.No. 17, Sodhi Chowk\nBhagalpur-706690"]),
    ("39/150\nBal Nagar, Eluru-608377", ["39/150\nBal Nagar, Eluru-608377"]),
    ("Send it to 93, Banik Road, Gwalior-121910.", ["93, Banik Road, Gwalior-121910"]),
    ("Lal Path Mehsana 918429", ["Lal Path Mehsana 918429"]),
    ("Ray Ganj New Delhi 336297", ["Ray Ganj New Delhi 336297"]),
    # Traps: six digits after a town are no PIN without a locality line, nor a year and month.
    ("Order 123456 for Ram Nagar", []),
    ("Release Path, Build 202401", []),
    ("Delhi 110001", []),
    ("Main Road, Pune 4110011", []),  # seven digits: no PIN
]


@pytest.mark.parametrize(("text", "values"), ADDRESSES)
def test_in_address(detector, text, values):
    check(detector, text, "ADDRESS", values)
