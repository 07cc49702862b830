"""Text, html and csv: charsets detected, locations by line / paragraph / cell."""

from __future__ import annotations

import gzip

import pytest

from scanner.config import Limits
from scanner.extract.base import output_chars
from tests.extract.files import PERSON, one


def test_plain_text_located_by_line() -> None:
    data = b"Dear customer\nthanks\n\nSigned\nJane Roe\n\n\nPS only\n"
    node = one(data, "letter.txt")
    assert node.extractor == "text"
    assert [(o.location, o.text) for o in node.outputs] == [
        ("line 1", "Dear customer"), ("line 2", "thanks"), ("line 4", "Signed"),
        ("line 5", "Jane Roe"), ("line 8", "PS only"),
    ]  # fmt: skip


def test_charsets_are_detected_not_assumed() -> None:
    text = f"Kundin: {PERSON}, Straße 5, Köln. Telefon 0221 123456. Grüße aus Düsseldorf.\n" * 3
    for encoding in ("cp1252", "utf-16", "utf-8-sig"):
        node = one(text.encode(encoding), f"notes-{encoding}.txt")
        assert node.extractor == "text", encoding
        assert PERSON in node.texts()["line 3"], encoding


def test_one_huge_line_is_cut_but_keeps_its_line_number() -> None:
    data = b"header\n" + b"x" * 9000 + b"\n"
    node = one(data, "min.json")
    locations = [o.location for o in node.outputs]
    assert locations == ["line 1", "line 2", "line 2", "line 2"]
    # Windows overlap (a value across a cut stays whole); each character is owned once.
    assert sum(output_chars(o) for o in node.outputs) == 6 + 9000


def test_max_chars_stops_a_long_log_early() -> None:
    data = b"".join(b"event %d user jane@example.com\n" % i for i in range(100000))
    node = one(data, "app.log", Limits(max_chars=10_000))
    assert 10_000 <= sum(len(o.text) for o in node.outputs) < 10_100  # not 3 MB
    assert node.status == "too_large"  # and never silently: the rest was not read


def test_html_visible_text_only() -> None:
    page = b"""<!DOCTYPE html><html><head><title>t</title><style>p{color:red}</style></head>
    <body><h1>Staff</h1><p>Call <b>Jane</b> on 020&nbsp;7946 0018</p>
    <script>var secret = "not text";</script>
    <table><tr><td>A</td><td>B</td></tr></table></body></html>"""
    node = one(page, "page.dat")
    assert node.extractor == "html"
    texts = list(node.texts().values())
    assert "Call Jane on 020 7946 0018" in texts  # nbsp normalised
    assert not any("secret" in t or "color" in t for t in texts)


def test_html_tables_of_data_keep_their_cells_apart() -> None:
    """A record in a table is a table (`paragraph table N`), a two-column form labelled lines.

    Merged into one line (as before), `Jane Roe Paulsenspranget 14, 2700 Brønshøj +45 …` was a
    run of words in which no detector found the name or the address.
    """
    page = f"""<html><body><p>Customers</p>
    <table><tr><th>Name</th><th>Address</th><th>Phone</th></tr>
    <tr><td>{PERSON}</td><td>Paulsenspranget 14,<br> 2700 Brønshøj</td><td>+45 32 45 67 89</td></tr>
    <tr><td>Jane Roe</td><td></td><td>020 7946 0018</td></tr></table>
    <table><tr><td>Name:</td><td>Ola Nordmann</td></tr><tr><td>Phone</td><td>22 22 22 22</td></tr>
    </table>
    <table><tr><td><p>A page laid out in a table.</p><p>Its second paragraph.</p></td>
    <td>Side</td></tr><tr><td>Foot</td></tr></table>
    <table><tr><td>lonely</td><td>row</td></tr></table></body></html>""".encode()
    node = one(page, "customers.html")
    assert node.cells() == {
        "paragraph table 1!A2": PERSON,
        "paragraph table 1!B2": "Paulsenspranget 14, 2700 Brønshøj",
        "paragraph table 1!C2": "+45 32 45 67 89",
        "paragraph table 1!A3": "Jane Roe",
        "paragraph table 1!C3": "020 7946 0018",
    }
    assert node.outputs[-1].header == ("Name", "Address", "Phone")
    assert list(node.texts().values()) == [
        "Customers",
        "Name: Ola Nordmann\nPhone: 22 22 22 22",
        "A page laid out in a table.",
        "Its second paragraph.",
        "Side",
        "Foot",
        "lonely\nrow",
    ]


def test_csv_semicolon_cp1252_with_cell_locations() -> None:
    data = f"Name;Email;Phone\n{PERSON};zoe@example.com;07700 900123\nBob;;\n".encode("cp1252")
    node = one(data, "export.csv")
    assert node.extractor == "csv"
    assert node.cells() == {
        "A2": PERSON,
        "B2": "zoe@example.com",
        "C2": "07700 900123",
        "A3": "Bob",
    }
    assert node.outputs[0].header == ("Name", "Email", "Phone")


def test_csv_semicolons_with_decimal_commas_split_on_the_semicolon() -> None:
    """European Excel: `;` between fields, `,` in amounts; both split every row evenly.

    The stdlib sniffer then prefers the comma and ran each row's person into one cell.
    """
    rows = [
        "902,11 EUR;Mare Põdra;PO-824601",
        "2886,31 EUR;Aivar Vaino;",
        "686,20 EUR;Andrus Sarv;4808851142035460",
    ]
    node = one(("\n".join(rows) + "\n").encode(), "orders.csv")
    assert node.outputs[0].header == ("902,11 EUR", "Mare Põdra", "PO-824601")
    assert node.cells() == {
        "A2": "2886,31 EUR",
        "B2": "Aivar Vaino",
        "A3": "686,20 EUR",
        "B3": "Andrus Sarv",
        "C3": "4808851142035460",
    }


def test_one_row_csv_splits_on_the_semicolon_too() -> None:
    data = b"Lily Dercks;Ten Cate;6,29 EUR;+31 6 75900011;07.04.2019\n"
    node = one(data, "row.csv")
    assert node.outputs[0].header == (
        "Lily Dercks",
        "Ten Cate",
        "6,29 EUR",
        "+31 6 75900011",
        "07.04.2019",
    )


def test_csv_keeps_the_comma_when_it_gives_more_fields() -> None:
    """A `;` inside one column on every row must not make the file a `;` file."""
    data = b"name,amount,tags\nAnn,3,a;b\nBob,4,c;d\n"
    node = one(data, "tags.csv")
    assert node.outputs[0].header == ("name", "amount", "tags")
    assert node.cells()["C2"] == "a;b"


def test_tsv_and_big_csv_chunks() -> None:
    rows = "".join(f"{i}\tp{i}@example.com\n" for i in range(7000))
    node = one(("id\temail\n" + rows).encode(), "big.tsv")
    assert [(len(t.rows), t.first_row) for t in node.outputs] == [(5000, 2), (2000, 5002)]
    assert node.outputs[1].cell_location(1999, 1) == "B7001"


def test_same_text_without_csv_suffix_is_plain_text() -> None:
    node = one(b"a,b\n1,2\n", "notes.txt")
    assert node.extractor == "text"


WIDE_TEXT = f"Kunde: {PERSON}, Telefon 07700 900461, Straße 5\r\nZweite Zeile: Grüße\r\n" * 40


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_wide_text_without_a_bom_is_text(codec: str) -> None:
    """Issue 13: UTF-16 without a BOM was `unsupported`, so its data was never scanned."""
    data = WIDE_TEXT.encode(codec)
    assert not data.startswith((b"\xff\xfe", b"\xfe\xff"))
    node = one(data, "export.txt")
    assert (node.extractor, node.status) == ("text", "ok"), node.message
    assert node.texts()["line 1"] == f"Kunde: {PERSON}, Telefon 07700 900461, Straße 5"


def test_wide_csv_without_a_bom_is_a_table() -> None:
    data = "Name;Mobile\r\nHarriet Oakley;07700 900461\r\n".encode("utf-16-le")
    node = one(data, "contacts.csv")
    assert (node.extractor, node.status) == ("csv", "ok")
    assert node.cells() == {"A2": "Harriet Oakley", "B2": "07700 900461"}


def test_text_with_a_few_nul_bytes_is_text() -> None:
    """Issue 13: a few stray NUL bytes (a crashed writer's padding) made a log `unsupported`."""
    lines = [f"2024-03-0{d} login ok user=harriet.oakley@example.co.uk" for d in range(1, 10)]
    data = ("\n".join(lines) + "\n").encode()
    data = data[:100] + b"\x00\x00\x00" + data[100:300] + b"\x00" + data[300:]
    node = one(data, "app.log")
    assert (node.extractor, node.status) == ("text", "ok"), node.message
    assert all("\x00" not in t for t in node.texts().values())
    assert node.texts()["line 9"] == lines[8]


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 64,  # every byte value: a NUL in every 256
        b"\x00" * 4096,
    ],
    ids=["all-bytes", "zeros"],
)
def test_binary_is_still_not_text(data: bytes) -> None:
    assert one(data, "blob.txt").status == "unsupported"


def test_gzip_named_txt_is_read_through_gzip_not_as_text() -> None:
    """The NUL-tolerant text sniff must not claim compressed bytes: gzip reads them."""
    node = one(gzip.compress(b"Harriet Oakley 07700 900461\n" * 2000), "blob.txt")
    assert (node.extractor, node.status) == ("gzip", "ok")
