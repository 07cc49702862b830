"""Tables: the header is context for every cell, never a neighbour cell; names by column."""

import pytest

from detectors.registry import build_detector
from scanner.config import DetectorSettings
from scanner.extract.base import TableSegment, TextSegment
from tests.detectors.helpers import table


def test_dob_header_makes_dates_dates_of_birth(detector):
    got = table(detector, ("Name", "DOB", "Start date"), [["Jane Doe", "03/04/1979", "01/09/2020"]])
    assert ("Sheet1!B2", "DATE_OF_BIRTH", "03/04/1979") in got
    assert not any(loc == "Sheet1!C2" for loc, _, _ in got)


def test_serial_header_damps_card_lookalikes(detector):
    rows = [["4539148803436467", "4539148803436467"]]
    got = table(detector, ("Asset serial", "Card number"), rows)
    assert got == [("Sheet1!B2", "CREDIT_CARD", "4539148803436467")]


def test_street_column_with_the_house_number_in_a_column_of_its_own(detector):
    """A bare street name is an address under a street header; `Ort` and a non-street are not.

    Neither the prefilter nor the scout lets a cell with no digit through (`Lindenweg`): the
    header is what makes the street recognizer read it (ShapeRecognizer.HEADERS).
    """
    rows = [["Lindenweg", "14", "München"], ["Rue des Lilas", "3", "Lyon"], ["Unbekannt", "", ""]]
    got = table(detector, ("Straße", "Hausnummer", "Ort"), rows)
    addresses = [(loc, v) for loc, e, v in got if e == "ADDRESS"]
    assert addresses == [("Sheet1!A2", "Lindenweg"), ("Sheet1!A3", "Rue des Lilas")]
    assert not any(e == "ADDRESS" for _, e, _ in table(detector, ("Notes",), [["Lindenweg"]]))


def test_neighbour_cell_is_not_context(detector):
    # Without line-bound windows `Passport` in A2 would boost the digits in A3.
    got = table(detector, ("Notes",), [["Passport checked"], ["123456789"]])
    assert not any(e == "UK_PASSPORT" for _, e, _ in got)


def test_header_context_for_weak_shapes(detector):
    got = table(
        detector,
        ("Sort code", "Account number", "Passport"),
        [["20-00-00", "55779911", "502135326"]],
    )
    assert sorted(e for _, e, _ in got) == ["UK_BANK_ACCOUNT", "UK_PASSPORT", "UK_SORT_CODE"]


def test_date_shaped_account_under_an_account_header(detector):
    # In prose a year-first date is no account number; under an Account header it is one.
    got = table(
        detector, ("Sort code", "Account", "Release"), [["33-92-10", "19671023", "20200704"]]
    )
    assert [(loc, e) for loc, e, _ in got if e == "UK_BANK_ACCOUNT"] == [
        ("Sheet1!B2", "UK_BANK_ACCOUNT")
    ]


def test_name_column_by_header_and_by_sample(detector):
    named = table(detector, ("Employee",), [["SMITH, John"], ["Priya Patel"], ["Tom Jones"]])
    assert ("Sheet1!A3", "PERSON", "Priya Patel") in named
    unnamed = table(
        detector, ("Col1",), [["Oliver Bennett"], ["Sarah Thompson"], ["Amir Khan"], ["Jane Doe"]]
    )
    assert {loc for loc, e, _ in unnamed if e == "PERSON"} >= {"Sheet1!A2", "Sheet1!A5"}


@pytest.mark.parametrize("header", ["Navn", "Nombre", "Imię i nazwisko", "Kunde", "Jméno"])
def test_name_column_headed_in_the_customers_language(detector, header):
    """Names on no list (a second generator's) are names because the column says so."""
    rows = [["Hawarth Halberg", "+45 76 36 65 14"], ["Fastulf Weiss", ""]]
    named = table(detector, (header, "Telefon"), rows)
    assert ("Sheet1!A2", "PERSON", "Hawarth Halberg") in named
    assert ("Sheet1!A3", "PERSON", "Fastulf Weiss") in named
    assert not any(e == "PERSON" for _, e, _ in table(detector, ("Code", "Telefon"), rows))


def test_name_cells_in_central_european_letters_and_with_particles(detector):
    rows = [["Jaromił Makowiecka"], ["Faya van Lueten"], ["Jan Šmejkal"], ["Yaro Van den Bossche"]]
    named = {v for _, e, v in table(detector, ("Customer",), rows) if e == "PERSON"}
    assert named == {"Jaromił Makowiecka", "Faya van Lueten", "Jan Šmejkal", "Yaro Van den Bossche"}


def test_company_and_city_columns_hold_no_people(detector):
    rows = [
        ["Johnson Matthey", "Manchester"],
        ["Harrison Ltd", "Leeds"],
        ["Lee-Roberts", "Bristol"],
        ["Thompson-Baldwin", "York"],
    ]
    assert table(detector, ("Supplier", "City"), rows) == []


def test_prose_column_gets_ner_in_every_cell(detector):
    rows = [
        ["Spoke to Oliver Bennett about the rota today"],
        ["Absent - asthma, GP letter on file"],
    ]
    got = table(detector, ("Notes",), rows)
    assert ("Sheet1!A2", "PERSON", "Oliver Bennett") in got
    assert ("Sheet1!A3", "HEALTH", "asthma") in got


def test_plans_sharing_one_model_stage_match_detect_alone(detector):
    items = [
        [TextSegment("body", "Tel: 020 7946 0123")],
        [TextSegment("line 1", "Dear Margaret Ellison,"), TextSegment("line 2", "NI AB123456C")],
        [TextSegment("body", "Meeting with Sanderson and Nakamura about the lease on Tuesday.")],
        [TextSegment("body", "I met Dr Okonkwo and Hannah at the depot.")],
        [TableSegment("Sheet1", ("Notes",), [["Spoke to Oliver Bennett about the rota"]])],
    ]
    plans = [detector.plan(segments) for segments in items]
    assert [p.model_chars > 0 for p in plans] == [False, False, True, True, True]
    detector.run_model(plans)
    together = [list(p.finish()) for p in plans]
    assert together == [list(detector.detect(segments)) for segments in items]
    assert detector.detect_many(items) == together
    model = [d.value for found in together for d in found if d.detector == "SpacyPersonRecognizer"]
    assert {"Sanderson", "Nakamura", "Hannah"} <= set(model)


def test_disabled_entity_and_threshold():
    det = build_detector(
        DetectorSettings(disabled=("PERSON",), thresholds={"PHONE_NUMBER": 0.99}), nlp=None
    )
    seg = TextSegment("body", "Dear Mr John Smith, call 020 7946 0123 or mail js@example.com")
    assert [d.entity_type for d in det.detect([seg])] == ["EMAIL_ADDRESS"]


def test_cell_offsets_map_back_to_cells(detector):
    seg = TableSegment("", ("Phone",), [["x"], ["Tel 020 7946 0123"]])
    (d,) = list(detector.detect([seg]))
    assert (d.location, d.start, d.end, d.value) == ("A3", 4, 17, "020 7946 0123")


def test_a_record_in_an_html_table_is_found_cell_by_cell(detector):
    """An HTML customer list, read by the real extractor: name, address and phone, each in its cell.

    Before html tables became tables, the row was one line of words and only the phone was found.
    """
    from tests.extract.files import detections

    page = (
        "<html><body><h1>Kunden</h1><table><tr><th>Name</th><th>Adresse</th><th>Telefon</th>"
        "</tr><tr><td>Sigrún Oddgeirsdóttir</td><td>Paulsenspranget 14, 2700 Brønshøj</td>"
        "<td>+45 32 45 67 89</td></tr></table></body></html>"
    ).encode()
    assert detections(detector, page, "kunden.html") == {
        ("paragraph table 1!A2", "PERSON"),
        ("paragraph table 1!B2", "ADDRESS"),
        ("paragraph table 1!C2", "PHONE_NUMBER"),
    }


def test_a_name_column_of_things_is_no_list_of_people(detector):
    """`Name` heads error codes and products too: English words that are no names are none."""
    rows = [["Protocol Error", "1"], ["Enhance Your Calm", "11"], ["Rose Baker", "12"]]
    got = table(detector, ("Name", "Code"), rows)
    assert [(loc, e) for loc, e, _ in got if e == "PERSON"] == [("Sheet1!A4", "PERSON")]
