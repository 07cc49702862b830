"""The Enron mail check's labels: aligned with what the extractors give, and read as documented."""

import pytest

from bench.mail_people import DEFAULT_PST, gold_spans, load, occurrences


def test_occurrences_are_whole_words():
    text = "Kim, Kimberly and Kim's desk; ask kim"
    assert [text[a:b] for a, b in occurrences(text, "Kim")] == ["Kim", "Kim"]


def test_gold_spans_pick_occurrences_and_merge_overlaps():
    text = "Kase and Company: Cynthia Kase. Write to Kase."
    spans = gold_spans(text, ["Cynthia Kase", ["Kase", [2]]])
    assert [text[a:b] for a, b in spans] == ["Cynthia Kase", "Kase"]
    assert spans[1][0] == text.rindex("Kase")
    text = "Kim Watson (Kim)"
    assert [text[a:b] for a, b in gold_spans(text, ["Kim Watson", "Kim"])] == [
        "Kim Watson",
        "Kim",
    ]


@pytest.mark.skipif(not DEFAULT_PST.is_file(), reason="make test fetches enron.pst")
def test_every_labelled_segment_is_still_extracted_the_same():
    """A change to the mail or PST extractors that moves the text shows up here, not as a score."""
    rows, drifted = load(DEFAULT_PST)
    assert drifted == []
    assert len(rows) == 300
    assert sum(len(gold) for _, _, gold in rows) == 378
