"""vCard: a card a text of labelled lines, structured fields put together in reading order."""

from __future__ import annotations

from tests.extract.files import PERSON, detections, one

CARDS = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Oddgeirsdóttir;Sigrún;;;\r\nFN:Sigrún Oddgeirsdóttir\r\n"
    "ADR;TYPE=HOME:;;Paulsenspranget 14;Brønshøj;;2700;Denmark\r\n"
    "TEL;TYPE=CELL:+45 32 45 67 89\r\nitem1.EMAIL;TYPE=INTERNET:sigrun.o@example.dk\r\n"
    "NOTE:Met at the fair\\, Hall 3\\nprefers\r\n  mail\r\nPHOTO;ENCODING=b:QUJD\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;Zo=C3=AB\r\n"
    "ADR;HOME;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:;;Lindenweg 14;M=C3=BCn=\r\nchen;;80331;\r\n"
    "END:VCARD\r\n"
)


def test_each_card_is_labelled_lines_at_its_begin_line() -> None:
    node = one(CARDS.encode(), "contacts.dat")
    assert node.extractor == "vcard"
    assert node.texts() == {
        "line 1": (
            "name: Sigrún Oddgeirsdóttir\naddress: Paulsenspranget 14, 2700 Brønshøj, Denmark\n"
            "phone: +45 32 45 67 89\nemail: sigrun.o@example.dk\n"
            "note: Met at the fair, Hall 3, prefers mail"
        ),
        "line 12": f"name: {PERSON}\naddress: Lindenweg 14, 80331 München",
    }


def test_the_detectors_find_the_address_the_semicolons_hid(detector) -> None:  # noqa: ANN001
    found = detections(detector, CARDS.encode(), "contacts.vcf")
    assert {("line 1", "ADDRESS"), ("line 12", "ADDRESS"), ("line 12", "PERSON")} <= found
    assert {("line 1", "PERSON"), ("line 1", "PHONE_NUMBER"), ("line 1", "EMAIL_ADDRESS")} <= found
