"""PERSON in posts, chat and comments: names written without regard to case, handles."""

import pytest

from detectors.gazetteer import is_word
from detectors.listed_names import handle_is_person, hashtag_is_person
from detectors.name_shapes import name_evidence, trim
from detectors.names import lower_case_name
from detectors.true_case import mostly_foreign, true_case
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
        ("sailing", False),  # an English word, though `Sai` + `ling` would read as a name
    ],
)
def test_handle_is_person(handle, person):
    assert handle_is_person(handle) is person


@pytest.mark.parametrize(
    ("tag", "person"),
    [
        ("magdalenakowalczyk", True),
        ("MartaNowak", True),
        ("RobinHood", False),  # a forename and a surname, both English words: a legend
        ("Summertime", False),
        ("Oyelaran", False),  # one word: a topic as often as a person
        ("nottingham", False),  # a place, though `Nott` + `ingham` would read as a name
        ("sailing", False),  # an English word: `Sai` + `ling`
    ],
)
def test_hashtag_is_person(tag, person):
    assert hashtag_is_person(tag) is person


@pytest.mark.parametrize(
    ("value", "score"),
    [
        ("Oyelaran Qureshi", 0.85),  # an unlisted name-shaped word, then a listed surname
        ("Come Dine", 0.0),  # two English words
        ("Sleepy Qureshi", 0.0),  # `sleepy` is a word: no evidence from the surname alone
        ("Scotland- Glasgow", 0.0),
    ],
)
def test_name_evidence_without_a_listed_forename(value, score):
    assert name_evidence(value) == score


def test_a_lone_surname_that_is_a_word_opening_a_sentence_is_the_word():
    assert name_evidence("Gear", opening=True) == 0.0
    assert name_evidence("Qureshi", opening=True) == 0.6


def test_an_english_word_before_a_name_is_trimmed_off():
    text = "Unlucky Tobias Brenner, he nearly scored."
    start, end, _ = trim(text, 0, len("Unlucky Tobias Brenner"))
    assert text[start:end] == "Tobias Brenner"


def test_mostly_foreign():
    assert mostly_foreign("Was für ein Abend, wir haben wieder gelacht und gegessen")
    assert not mostly_foreign("What an evening, we laughed and ate far too much")
    assert not mostly_foreign("Danke schön")  # too few words to tell


POSTS = [
    ("just bumped into priya kowalczyk at the station, she says hi", ["priya kowalczyk"]),
    ("WHY IS NOBODY TALKING ABOUT MAGDALENA NOWAK ON THE RADIO TONIGHT", ["MAGDALENA NOWAK"]),
    ("@GraceOkafor_ thanks for the lift yesterday!", ["@GraceOkafor_"]),
    ("big shout out to @LeedsNewsDaily and @MaxFashionStore for the coverage", []),
    ("so tired of waiting for the bus in this rain honestly", []),
    # A capitalised run that ends in a dictionary word that is no name is a title, not a person.
    ("We watched Jasper Returns at the cinema last night.", []),
    ("Congrats to everyone who voted #magdalenakowalczyk", ["#magdalenakowalczyk"]),
    ("Loving the new #RobinHood film and #Summertime", []),
    # A name alone takes no article: `the Moon` is the moon.
    ("We went to see the Moon last night, what a view.", []),
    # Another language's text: the English model's lone capitalised guesses are not kept.
    ("Was für ein Abend, Jonas hat wieder das ganze Essen gekocht und wir haben gelacht.", []),
    ("Unlucky Tobias Brenner, he nearly scored twice.", ["Tobias Brenner"]),
]


@pytest.mark.parametrize(("text", "values"), POSTS)
def test_names_in_posts(detector, text, values):
    check(detector, text, "PERSON", values)


def test_dictionary_words():
    assert is_word("chase") and is_word("Pixel") and not is_word("emma")
