"""Records that run over lines and tables without a header row: read as a reader would."""

from scanner.extract.base import TableSegment, TextSegment


def _lines(*texts: str, first: int = 1) -> list[TextSegment]:
    return [TextSegment(f"line {first + i}", t) for i, t in enumerate(texts)]


def test_a_record_over_lines_keeps_its_context_and_its_lines(detector):
    segs = _lines("Osoite:", "    Koskikatu 25", "    00100 Helsinki", "Puh. 040 123 4567")
    got = {(d.entity_type, d.location, d.start, d.end) for d in detector.detect(segs)}
    # The address starts on line 2 and is located there, cut at that line's end.
    assert ("ADDRESS", "line 2", 4, 16) in got
    assert ("PHONE_NUMBER", "line 4", 5, 17) in got
    (address,) = [d for d in detector.detect(segs) if d.entity_type == "ADDRESS"]
    assert address.value == "Koskikatu 25\n    00100 Helsinki"  # hashed and masked whole


def test_a_blank_line_ends_the_record(detector):
    segs = _lines("Address:", first=1) + _lines("Mannerheimintie 5", first=3)
    assert [d.entity_type for d in detector.detect(segs)] == []  # a weak street with no cue


def test_names_are_read_line_by_line_as_before(detector):
    joined = _lines("Best regards", "Jerzy Krause", "Dörr GmbH")
    single = [TextSegment("line 2", "Jerzy Krause")]
    people = [d.value for d in detector.detect(joined) if d.entity_type == "PERSON"]
    assert people == [d.value for d in detector.detect(single) if d.entity_type == "PERSON"]


def test_a_first_row_of_data_is_read_but_a_header_is_no_name(detector):
    table = TableSegment(
        "", ("Jo Bloggs", "jo@example.com", "4539 1488 0343 6467"), [["Email", "x", "Expiry"]]
    )
    got = {(d.location, d.entity_type) for d in detector.detect([table])}
    assert ("B1", "EMAIL_ADDRESS") in got and ("C1", "CREDIT_CARD") in got
    header = TableSegment("", ("Email", "Expiry", "Name"), [["jo@example.com", "", "Jo"]])
    assert [d for d in detector.detect([header]) if d.location.endswith("1")] == []
