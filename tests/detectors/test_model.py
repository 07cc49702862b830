"""The NER model the detector loads: which one, loaded quietly, and without its string table."""

import warnings

import spacy

from detectors.engine import SPACY_MODEL, built_for_spacy_37, load_nlp

TEXTS = [
    "Anar Vizirov joined the Baku office in March.",
    "Please pass the file to Kowalczyk in accounts before Friday.",
    "Refund agreed with Mrs Nakamura; Siobhan O'Neill will call her back.",
    "gabe and kishan are coming over later",
]


def test_the_model_is_the_medium_english_one_and_loads_without_a_warning() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        nlp = load_nlp()
    assert (nlp.meta["name"], nlp.meta["version"]) == ("core_web_md", "3.7.1")
    assert nlp.pipe_names == ["ner"]
    assert [str(w.message) for w in caught if "W095" in str(w.message)] == []


def test_leaving_out_the_string_table_changes_no_entity() -> None:
    """load_nlp skips the vocabulary's 776k strings (1.3 s, ~130 MB); entities are keyed by hash."""
    lean = load_nlp()
    assert len(lean.vocab.strings) < 10_000
    with built_for_spacy_37():
        full = spacy.load(SPACY_MODEL, exclude=["tagger", "parser", "lemmatizer", "senter"])
    assert len(full.vocab.strings) > 500_000

    def ents(nlp: spacy.language.Language) -> list[list[tuple[int, int, str]]]:
        return [[(e.start_char, e.end_char, e.label_) for e in d.ents] for d in nlp.pipe(TEXTS)]

    assert ents(lean) == ents(full)
    assert any(label == "PERSON" for doc in ents(lean) for *_, label in doc)
