"""PERSON in posts, chat and comments: names written without regard to case, handles."""

import pytest

from detectors.gazetteer import is_word
from detectors.listed_names import handle_is_person
from detectors.names import lower_case_name
from detectors.true_case import true_case
from tests.detectors.helpers import check


@pytest.mark.parametrize(
    ("text", "view"),
    [
        # Lower case: listed forenames that are no English word, and a surname after one.
        (
            "just bumped into priya kowalczyk at the station, she says hi",
            "just bumped into Priya Kowalczyk at the station, she says hi",
        ),
        # Shouted: everything else to lower case, names capitalised.
        (
            "WHY IS NOBODY TALKING ABOUT MAGDALENA NOWAK ON THE RADIO TONIGHT",
            "why is nobody talking about Magdalena Nowak on the radio tonight",
        ),
        # Forenames that are English words stay words: `rose`, `chase`.
        (
            "the rose garden is lovely and the chase was fun",
            "the rose garden is lovely and the chase was fun",
        ),
        # Ordinary text is left as written.
        ("Priya Kowalczyk met the auditors today.", "Priya Kowalczyk met the auditors today."),
        # Another language: its short words are forenames of the lists (`ibu`, `adik`...).
        (
            "kemarin saya pergi ke pasar dengan ibu dan adik",
            "kemarin saya pergi ke pasar dengan ibu dan adik",
        ),
        # Hyphenated words and handles are not name words.
        ("time to kick-start it with @siobhanb", "time to kick-start it with @siobhanb"),
    ],
)
def test_true_case(text, view):
    assert true_case(text) == view
    assert len(true_case(text)) == len(text)


@pytest.mark.parametrize(
    ("value", "score"),
    [
        ("priya kowalczyk", 0.85),
        ("siobhan", 0.6),
        ("rose", 0.0),  # an English word
        ("ibu", 0.0),  # too short to tell from another language's words
        ("the station", 0.0),
    ],
)
def test_lower_case_name(value, score):
    assert lower_case_name(value) == score


@pytest.mark.parametrize(
    ("handle", "person"),
    [
        ("GraceOkafor_", True),
        ("tomaszwilk88", True),
        ("LeedsNewsDaily", False),
        ("MaxFashionStore", False),  # a forename first, then an organisation's words
        ("Liverpool", False),
    ],
)
def test_handle_is_person(handle, person):
    assert handle_is_person(handle) is person


POSTS = [
    ("just bumped into priya kowalczyk at the station, she says hi", ["priya kowalczyk"]),
    ("WHY IS NOBODY TALKING ABOUT MAGDALENA NOWAK ON THE RADIO TONIGHT", ["MAGDALENA NOWAK"]),
    ("@GraceOkafor_ thanks for the lift yesterday!", ["@GraceOkafor_"]),
    ("big shout out to @LeedsNewsDaily and @MaxFashionStore for the coverage", []),
    ("so tired of waiting for the bus in this rain honestly", []),
    # A capitalised run that ends in a dictionary word that is no name is a title, not a person.
    ("We watched Jasper Returns at the cinema last night.", []),
]


@pytest.mark.parametrize(("text", "values"), POSTS)
def test_names_in_posts(detector, text, values):
    check(detector, text, "PERSON", values)


def test_dictionary_words():
    assert is_word("chase") and is_word("Pixel") and not is_word("emma")
