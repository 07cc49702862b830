import pytest

from tests.detectors.helpers import check

EMAIL = [
    ("Mail sarah.thompson@example.co.uk today", ["sarah.thompson@example.co.uk"]),
    ("<o'brien+hr@nhs.net>", ["o'brien+hr@nhs.net"]),
    ("user=jo@x.io src=1.2.3.4", ["jo@x.io"]),
    ("not an address: foo@bar, @handle, a..b@x.com", []),
]


@pytest.mark.parametrize(("text", "values"), EMAIL)
def test_email(detector, text, values):
    check(detector, text, "EMAIL_ADDRESS", values)


PHONE = [
    ("Tel: 020 7946 0123", ["020 7946 0123"]),
    ("Mobile 07700 900123.", ["07700 900123"]),
    ("ring +44 (0)161 496 0000 tomorrow", ["+44 (0)161 496 0000"]),
    ("Switchboard 0161 496 0000", ["0161 496 0000"]),
    ("t: 0114 4960109 | jo@x.io", ["0114 4960109"]),
    ("Paris office: +33 1 42 68 53 00", ["+33 1 42 68 53 00"]),
    ("Our Dublin office 01 437 0000", ["01 437 0000"]),
    # Traps.
    ("Part PN-4411-2093-77 in stock", []),
    ("Invoice INV-2024-000123", []),
    ("Version 10.2.14.3 released", []),
    ("IBAN GB82 WEST 1234 5698 7654 32", []),
    ("Serial 0161 496 0000", []),
    ("PO 0207946012 raised in Q3", []),
    ("51 Franklin Street, Boston, MA 02110-1301, USA", []),
    ("Copyright 2015 12 authors; see 1895.22/1013", []),
]


@pytest.mark.parametrize(("text", "values"), PHONE)
def test_phone(detector, text, values):
    check(detector, text, "PHONE_NUMBER", values)


IP = [
    ("Login from 192.168.1.20.", ["192.168.1.20"]),
    ("src=81.2.69.142 dst=10.0.0.1", ["81.2.69.142", "10.0.0.1"]),
    ("client 2001:db8:85a3::8a2e:370:7334 connected", ["2001:db8:85a3::8a2e:370:7334"]),
    ("Upgrade to version 10.2.14.3 now", []),
    ("firmware 4.7.28.2", []),
    ("v10.2.14.3", []),
    ("Section 1.2.3.4 of the contract", []),
    ("Meeting at 12:30:45", []),
    ("std::vector and a::b", []),
    ("Not an address 999.1.1.1", []),
]


@pytest.mark.parametrize(("text", "values"), IP)
def test_ip(detector, text, values):
    check(detector, text, "IP_ADDRESS", values)
