"""XML: each element holding values becomes labelled lines; what is not XML we read stays text."""

from __future__ import annotations

from scanner.config import Limits
from tests.extract.files import PERSON, detections, one

CUSTOMERS = f"""<?xml version="1.0" encoding="UTF-8"?>
<crm:customers xmlns:crm="urn:example:crm">
  <crm:customer id="17">
    <firstName>Sigrún</firstName>
    <lastName>Oddgeirsdóttir</lastName>
    <address>
      <street>Paulsenspranget</street>
      <houseNumber>14</houseNumber>
      <postal_code>2700</postal_code>
    </address>
    <phone type="mobile">+45 32 45 67 89</phone>
  </crm:customer>
  <contact name="{PERSON}" email="zoe@example.com"/>
</crm:customers>
"""


def test_records_are_labelled_lines_located_at_their_first_value() -> None:
    node = one(CUSTOMERS.encode(), "export.dat")
    assert node.extractor == "xml" and node.status == "ok"
    assert node.texts() == {
        "line 7": "street: Paulsenspranget\nhouse number: 14\npostal code: 2700",
        "line 3": (
            "id: 17\nfirst name: Sigrún\nlast name: Oddgeirsdóttir\n"
            "phone: +45 32 45 67 89\ntype: mobile"
        ),
        "line 13": f"contact name: {PERSON}\nemail: zoe@example.com",
    }


def test_the_detectors_read_the_fields_as_a_form(detector) -> None:  # noqa: ANN001
    """As plain text the tags hid the labels: no name and no address were found in this file."""
    found = detections(detector, CUSTOMERS.encode(), "export.xml")
    assert {("line 3", "PERSON"), ("line 7", "ADDRESS"), ("line 3", "PHONE_NUMBER")} <= found
    assert {("line 13", "PERSON"), ("line 13", "EMAIL_ADDRESS")} <= found


def test_mixed_content_is_one_value_its_words_in_order() -> None:
    data = (
        b"<contact><email>jo@x.io</email><!-- added by Ann Lee -->"
        b"<note>Call <b>Jane Roe</b> on <i>020 7946 0018</i>.</note></contact>"
    )
    assert one(data, "notes.xml").texts() == {
        "line 1": (
            "email: jo@x.io\ncomment: added by Ann Lee\nnote: Call Jane Roe on 020 7946 0018 ."
        )
    }


def test_xml_that_names_no_personal_field_stays_plain_text() -> None:
    """Configuration and reference data (iso-codes, the mime database) read as before.

    As labelled lines, `<iso_639_3_entry name="Algerian Saharan Arabic"/>` and `comment: Vala
    source code` were names to the model: PERSON findings on 250 such files went 1,395 -> 2,619.
    """
    entry = b'<entry id="arq" name="Algerian Saharan Arabic"/>'
    data = b'<?xml version="1.0"?>\n<codes>\n' + entry + b"\n</codes>"
    node = one(data, "iso_639_3.xml")
    assert node.extractor == "xml"
    assert node.texts()["line 3"] == entry.decode()


def test_a_bare_name_is_a_persons_only_on_a_persons_element() -> None:
    data = b'<shop><customer name="Jane Roe" email="j@x.io"/><product name="Blue Widget"/></shop>'
    assert one(data, "shop.xml").texts() == {
        "line 1": "customer name: Jane Roe\nemail: j@x.io\nproduct: Blue Widget"
    }


def test_what_is_not_well_formed_is_read_as_plain_text() -> None:
    data = b"<?xml version='1.0'?>\n<people>\n<name>Jane Roe</name>\n<name>Bob & Co</people>\n"
    node = one(data, "broken.xml")
    assert node.status == "ok"
    assert node.texts()["line 3"] == "<name>Jane Roe</name>"  # nothing lost


def test_declared_entities_are_never_expanded() -> None:
    """A billion-laughs file: read as its own text, never expanded (10**9 `lol`s otherwise)."""
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "lol"}">' for i in range(10))
    data = f'<?xml version="1.0"?><!DOCTYPE d [{lol}]>\n<d>&l9;</d>\n'.encode()
    node = one(data, "lol.xml")
    assert node.texts()["line 2"] == "<d>&l9;</d>"


def test_the_declared_encoding_is_used() -> None:
    data = f'<?xml version="1.0" encoding="windows-1252"?><surname>{PERSON}</surname>'
    assert one(data.encode("cp1252"), "n.xml").texts() == {"line 1": f"surname: {PERSON}"}


def test_the_character_limit_stops_a_huge_file_and_says_so() -> None:
    rows = "".join(f"<row><email>p{i}@example.com</email></row>\n" for i in range(20000))
    node = one(f"<rows>\n{rows}</rows>".encode(), "big.xml", Limits(max_chars=5_000))
    assert node.status == "too_large"
    assert 5_000 <= sum(len(t) for t in node.texts().values()) < 6_000


def test_html_is_not_claimed_and_an_xml_suffix_is() -> None:
    xhtml = b'<?xml version="1.0"?>\n<!DOCTYPE html>\n<html><body><p>Hi</p></body></html>'
    assert one(xhtml, "page.dat").extractor != "xml"
    assert one(b"<a><b>1</b></a>", "plain.xml").extractor == "xml"
    assert one(b"<a><b>1</b></a>", "plain.txt").extractor == "text"
