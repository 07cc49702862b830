"""The engine's two speed devices keep results.

NER windows cover every possible name; clustered overlap resolution chooses exactly what the
all-pairs greedy choice does.
"""

from __future__ import annotations

import random

import pytest
from presidio_analyzer import RecognizerResult

from detectors.engine import _settle, name_windows

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
