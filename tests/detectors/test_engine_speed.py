"""The engine's speed devices keep results.

NER windows cover every possible name and only those (the gate is asserted through the
detector's `model_texts` counter, never through time); clustered overlap resolution chooses
exactly what the all-pairs greedy choice does.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from presidio_analyzer import RecognizerResult

from detectors.engine import _Known, _settle, could_name, name_windows
from detectors.gazetteer import common_words, forenames, surnames
from detectors.name_shapes import name_evidence, plausible_name
from scanner.extract.base import TextSegment

FILLER = "The quarterly review approved the budget for the next phase of pump work. " * 4


def windows(text: str) -> list[str]:
    return [text[a:b] for a, b in name_windows(text, 0, len(text))]


@pytest.mark.parametrize(
    "name_text",
    [
        "Please call Jane Roe on 0113 496 0123.",
        "Dear Tom, thanks for the quote.",
        "Priya will visit the site next week.",
        "Invoice approved by Mr Okonkwo-Bennett yesterday.",
        "the contract was signed by o'neill and Siobhan O'Neill.",
    ],
)
def test_every_possible_name_is_inside_a_window(name_text: str) -> None:
    text = FILLER + name_text + " " + FILLER
    start = text.index(name_text)
    spans = list(name_windows(text, 0, len(text)))
    assert any(a <= start and start + len(name_text.split(" ")[2]) <= b for a, b in spans)
    assert sum(b - a for a, b in spans) < len(text) / 2  # the filler around it is not analysed


@pytest.mark.parametrize(
    "text",
    [
        FILLER,
        "Order 4471-22: 12 units at 30.00 each. " * 5,
        "The review is due in March. We meet on Tuesday. Thanks for the notes. " * 3,
    ],
)
def test_prose_without_name_candidates_skips_the_model(text: str) -> None:
    assert windows(text) == []


def test_windows_are_disjoint_ordered_and_within_the_run() -> None:
    text = FILLER + "Ann Lee met Bob Cray. " + FILLER + "Carla Dunn called. " + FILLER
    lo, hi = 10, len(text) - 10
    spans = list(name_windows(text, lo, hi))
    assert len(spans) == 2
    assert all(lo <= a < b <= hi for a, b in spans)
    assert spans[0][1] < spans[1][0]


def test_clustered_resolution_equals_all_pairs_greedy() -> None:
    from detectors.engine import PresidioDetector
    from scanner.config import DetectorSettings

    det = PresidioDetector(DetectorSettings(), recognizers=[])
    rng = random.Random(3)
    kinds = ["PHONE_NUMBER", "ADDRESS", "UK_POSTCODE", "PERSON"]
    for _ in range(200):
        results = []
        for _ in range(rng.randrange(1, 30)):
            start = rng.randrange(0, 300)
            score = rng.choice([0.5, 0.6, 0.85, 0.9])
            results.append(
                RecognizerResult(rng.choice(kinds), start, start + rng.randrange(1, 40), score)
            )
        kept = [r for r in results if r.score >= det.floor(r.entity_type)]
        got = sorted((r.entity_type, r.start, r.end) for r in det.resolve(list(results)))
        want = sorted(
            (r.entity_type, r.start, r.end) for r in _settle(kept)
        )  # one cluster = all pairs
        assert got == want
    assert _settle([]) == []


def _model_texts(detector: Any, text: str) -> tuple[list[str], int]:
    """PERSON values found in `text`, and how many texts the detector sent to the model."""
    before = detector.model_texts
    names = [
        d.value for d in detector.detect([TextSegment("body", text)]) if d.entity_type == "PERSON"
    ]
    return names, detector.model_texts - before


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("The report was checked by Nakamura before the audit.", "Nakamura"),
        ("Please pass the file to Kowalczyk in accounts.", "Kowalczyk"),
        ("Copy to: Jones, Mary", "Jones"),
    ],
)
def test_a_name_only_the_model_finds_still_reaches_it(detector: Any, text: str, name: str) -> None:
    names, sent = _model_texts(detector, text)
    assert name in names
    assert sent == 1


def test_a_company_suffix_on_the_next_line_does_not_hide_a_name(detector: Any) -> None:
    """`Bank account` below `Name: Tirza Hanegraaff` (a text file's lines) is no `Bank` suffix."""
    lines = ["Name: Tirza Hanegraaff", "Bank account (IBAN): NL27KMWI9640968582"]
    segments = [TextSegment(f"line {i}", t) for i, t in enumerate(lines, 1)]
    before = detector.model_texts
    found = [(d.entity_type, d.value) for d in detector.detect(segments)]
    assert ("PERSON", "Tirza Hanegraaff") in found
    assert detector.model_texts > before


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("The van was driven by Sandra Whitfield-Okoro on Friday.", "Sandra Whitfield-Okoro"),
        ("Refund agreed with Mrs Okafor on the phone.", "Okafor"),
        ("SIGNED: MARY JONES", "MARY JONES"),
        ("Receipt for Zbigniew Brzęczyszczykiewicz, paid in cash.", "Zbigniew Brzęczyszczykiewicz"),
    ],
)
def test_a_name_the_patterns_found_needs_no_model(detector: Any, text: str, name: str) -> None:
    names, sent = _model_texts(detector, text)
    assert names == [name]
    assert sent == 0


@pytest.mark.parametrize(
    "text",
    [
        "Chamberlain Cleaning Services Limited confirmed the delivery schedule.",
        "Payment is due to Thistle Joinery & Co within 30 days.",
        "Unit 6, Terence Grove, South Ann PL22 8BJ",
        FILLER + "The Quarterly Review Board met on Tuesday.",
    ],
)
def test_text_without_an_unexplained_name_word_skips_the_model(detector: Any, text: str) -> None:
    names, sent = _model_texts(detector, text)
    assert (names, sent) == ([], 0)


def test_the_gate_lets_through_every_span_name_evidence_would_keep() -> None:
    """could_name mirrors name_evidence: a kept span always holds a word that opens a window."""
    rng = random.Random(5)
    pools = [
        sorted(forenames())[::97],
        sorted(surnames())[::151],
        sorted(common_words())[::7],
        ["Harbour", "Query", "Invoice", "Meridian", "Kx", "J.", "A.", "Zorblat"],
    ]
    kept = 0
    for _ in range(3000):
        words = [rng.choice(rng.choice(pools)) for _ in range(rng.randrange(1, 4))]
        words = [w if w.endswith(".") else w[:1].upper() + w[1:] for w in words]
        value = " ".join(words)
        if plausible_name(value) and name_evidence(value) > 0:
            kept += 1
            initial = any(w.endswith(".") for w in words[:-1])
            assert initial or any(could_name(w) for w in words), words
    assert kept > 300  # the sample exercises the evidence rules


def test_a_name_word_alone_is_a_later_mention_but_next_to_a_capital_it_reaches_the_model() -> None:
    """`Player` alone is left to later_mentions; `Ben Player` may be a longer name."""
    known = _Known([], {"Ben", "Player"})
    alone = FILLER + "Yesterday the coach said Player had trained hard. " + FILLER
    assert list(name_windows(alone, 0, len(alone), known)) == []
    full = FILLER + "The title went to Ben Player, one of two riders. " + FILLER
    (a, b), *_ = name_windows(full, 0, len(full), known)
    assert a <= full.index("Ben Player") and full.index("Ben Player") + 10 <= b


def test_a_repeated_text_is_read_by_the_model_once(detector: Any) -> None:
    """The sampled cells of a column, a letterhead in every file: one model read serves all."""
    text = "The report was checked by Nakamura before the audit and filed."
    before = detector.model_reads
    found = detector.detect_many([[TextSegment("body", text)]] * 3)
    assert detector.model_reads - before == 1
    names = [[d.value for d in ds if d.entity_type == "PERSON"] for ds in found]
    assert names == [["Nakamura"]] * 3
    # A later item with the same text is remembered too, and finds the same.
    again = detector.detect_many([[TextSegment("body", text)]])
    assert detector.model_reads - before == 1
    assert again == found[:1]


def test_the_model_memo_is_bounded_and_skips_long_texts(
    detector: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import detectors.engine as engine

    monkeypatch.setattr(engine, "MEMO_TEXTS", 2)
    monkeypatch.setattr(engine, "MEMO_CHARS", 60)
    detector._memo.clear()
    short = [f"Report checked by Okafor{n} today." for n in range(4)]
    long = "Report checked by Okafor today. " + "The pump budget was approved again. " * 3
    detector.docs([*short, long, long])
    assert list(detector._memo) == short[2:]  # the two most recent short texts, not the long one
    before = detector.model_reads
    detector.docs([short[3], long])
    assert detector.model_reads - before == 1  # the long text is read again
