"""Phone numbers: GB always, EU national forms with a country or a label, international forms."""

import pytest

from tests.detectors.helpers import check, found, table

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


EU_PHONE = [
    # International forms need no cue.
    ("Rufen Sie an: +49 30 12345678", ["+49 30 12345678"]),
    ("Bureau +33 (0)1 42 68 53 00.", ["+33 (0)1 42 68 53 00"]),
    ("0045 33 12 34 56 is the Copenhagen desk", ["0045 33 12 34 56"]),
    # National forms after a label, in any EU language.
    ("Telefon: 030 12345678", ["030 12345678"]),
    ("Tel. 030/1234567", ["030/1234567"]),
    ("Telefon: 06-1/234 5678", ["06-1/234 5678"]),  # Hungary: trunk 06, area code, slash
    ("Ref. 01-12/345 6789", []),  # not after a label: a reference
    ("Téléphone : 01 42 68 53 00", ["01 42 68 53 00"]),
    ("puh. 040 123 4567", ["040 123 4567"]),
    ("Tlf. 33 12 34 56", ["33 12 34 56"]),
    ("tfn 08-123 456 78", ["08-123 456 78"]),
    ("Móvil: 612 345 678", ["612 345 678"]),
    ("telemóvel 912 345 678", ["912 345 678"]),
    ("Cellulare 347 123 4567", ["347 123 4567"]),
    ("Rufnummer: 030 1234567\nFestnetz: 030 7654321", ["030 1234567", "030 7654321"]),
    ("Matkapuhelin: 040 1234567", ["040 1234567"]),
    ("Τηλέφωνο: 210 1234567", ["210 1234567"]),
    ("Телефон: 02 123 4567", ["02 123 4567"]),
    ('{"phone": "0612345678"}', ["0612345678"]),
    # A signature's one-letter label before a national number that GB could only call possible:
    # the labelled national reading wins (it used to lose to the GB guess of the same digits).
    ("Kyllian Tison\nM: 0765211763", ["0765211763"]),
    ("Ankama\nT 0649532393", ["0649532393"]),
    ("Order 0765211763 shipped", []),
    # National forms in a text that names its country or city.
    ("Unser Büro in Berlin erreichen Sie unter 030 12345678.", ["030 12345678"]),
    ("Kontor i København: 33 12 34 56", ["33 12 34 56"]),
    # Traps: the same digits without a label or a country, and things that are not numbers.
    ("Artikel 030 12345678 ist lieferbar", []),
    ("Tel. 12.03.2024", []),
    ("Telefon: 1234", []),
    ("call 9fceb02d0ae598e95dc970b74767f19372d61af8", []),
    ("commit 7c2d4e1 0123456789 files changed", []),
    ("uuid 123e4567-e89b-12d3-a456-426614174000", []),
    ("Version 1.2.3 build 20240312 1530", []),
    # A clock time, a decimal number, a percentage: git dates, benchmark tables, PostScript.
    ("Author: Tiago Vignatti (Curitiba, Brazil)\nDate:   Mon Aug 20 18:58:44 2007 -0300", []),
    ("Author: P Zanoni <paulo@intel.com.br>\nDate:   Sun Jun 20 20:50:06 2010 -0700", []),
    ("over_n_8_8 =  L1:  62.00  L2:  55.17  M: 40.29 ( 80.23%)", []),
    ("Praha: 10 624.078979 458 24 re", []),
    ("Kontakt w Warszawie: 22 123.456789", []),
    ("    M      9.4   0.00     42.4   0.02    100.00%    +351.7%", []),
    ("+ correct location of call to _nc_keypad() from 20011215 changes (København)", []),
    ("Ring mig på 20 01 12 15 (København)", ["20 01 12 15"]),
    ("Unser Büro in Berlin: Mo-Fr 09:00, Tel. 030 12345678", ["030 12345678"]),
    # A row of prices in a newsletter's table, after a place whose name is a label word
    ("FGT, Mobile Bay 6.23 -349 9.72\nKoch, Mobile Bay 6.24 -349 9.73", []),
    # France writes its ten digits in dotted pairs too; `Tél.` is its label
    ("Mobile : 06.12.34.56.78", ["06.12.34.56.78"]),
    ("Tél. : 01 42 68 53 00", ["01 42 68 53 00"]),
    ("Version 01.02.03.04.05 du logiciel", []),
    # A country named only by an e-mail domain: bare digits need a phone word (a changelog's
    # changeset id after the author), written as numbers are written they need none
    ("2016-02-05 Timo Sirainen <timo.sirainen@dovecot.fi> (0432583673)", []),
    ("Timo Sirainen <timo.sirainen@dovecot.fi>, call me on 0432583673", ["0432583673"]),
    ("Timo Sirainen <timo.sirainen@dovecot.fi> 043 258 3673", ["043 258 3673"]),
]


@pytest.mark.parametrize(
    ("text", "region"),
    [
        # The reason names the region that writes the number so: Ireland would group these
        # digits `01 426 8530`, and Luxembourg takes any ten digits but is not North America.
        ("Tél. : 01 42 68 53 00", "labelled FR"),
        ("Tel: 01 426 8530", "labelled IE"),
        ("Phone: (713) 853-6715", "labelled NANP"),
        ("contact Joe Wyzik at 713-420-4258.", "labelled NANP"),
    ],
)
def test_the_reason_names_the_region_the_layout_belongs_to(detector, text, region):
    from scanner.extract.base import TextSegment

    (d,) = [
        d for d in detector.detect([TextSegment("body", text)]) if d.entity_type == "PHONE_NUMBER"
    ]
    assert d.reason.startswith(f"PhoneNumberRecognizer: shape {region},"), d.reason


@pytest.mark.parametrize(("text", "values"), EU_PHONE)
def test_eu_phone(detector, text, values):
    check(detector, text, "PHONE_NUMBER", values)


def test_phone_column_header_is_a_label(detector):
    got = table(detector, ("Name", "Telefon"), [["A", "030 12345678"], ["B", "08-123 456 78"]])
    assert [(loc, v) for loc, e, v in got if e == "PHONE_NUMBER"] == [
        ("Sheet1!B2", "030 12345678"),
        ("Sheet1!B3", "08-123 456 78"),
    ]


def test_same_digits_in_an_order_column_are_no_phone(detector):
    got = table(detector, ("Order", "Amount"), [["030 12345678", "12.00"]])
    assert [e for _, e, _ in got if e == "PHONE_NUMBER"] == []


def test_a_name_like_a_label_is_no_label(detector):
    text = "Copyright Calle Rosenquist, 2016-2018; Tell 0612345678 nobody"
    assert [e for e, _, _ in found(detector, text) if e == "PHONE_NUMBER"] == []


# North American layout after a label (pass 4): valid or not, dots and extensions allowed.
NANP_PHONE = [
    ("Tel: 546.575.3239", ["546.575.3239"]),
    ("Phone: (677)831-2502x0535", ["(677)831-2502"]),
    ("Mobile: 863-454-8585 ext. 307", ["863-454-8585"]),
    ('"telephone": "1-726-325-4192x679",', ["1-726-325-4192"]),
    # Traps: no label, or not the layout (an exchange starting 0/1, a date, a version).
    ("Release 546.575.3239 is out", []),
    ("Invoice: 546-575-3239", []),
    ("Tel: 546.075.3239", []),
    ("Tel: 2015.06.2020", []),
    ("version 1.2.3 released 123.456.7890", []),
]


@pytest.mark.parametrize(("text", "values"), NANP_PHONE)
def test_nanp_phone(detector, text, values):
    check(detector, text, "PHONE_NUMBER", values)


def test_nanp_phone_column_and_reason(detector):
    got = table(detector, ("Name", "Telephone"), [["A", "941-443-8146x32076"]])
    assert [(loc, v) for loc, e, v in got if e == "PHONE_NUMBER"] == [("Sheet1!B2", "941-443-8146")]
    from scanner.extract.base import TextSegment

    (d,) = detector.detect([TextSegment("body", "Tel: 374.642.3138")])
    assert d.reason == "PhoneNumberRecognizer: shape labelled NANP, layout only, cue 'tel' +0.35"
