"""The ordinary-documents corpus is seeded, varied, and its truth is in its files' text."""

from pathlib import Path
from typing import Any

import pytest

from bench.located import located_text
from bench.ordinary_corpus import FILES, OrdinaryCorpus

SCALE = 0.03  # a few files of every kind


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    root = tmp_path_factory.mktemp("ordinary")
    return root, OrdinaryCorpus(root, scale=SCALE).build()


def _squash(text: str) -> str:
    return " ".join(text.split())


def test_every_planted_value_is_in_the_extracted_text_of_its_file(corpus):
    root, manifest = corpus
    assert {e["kind"] for e in manifest} == set(FILES)
    assert sum(len(e["planted"]) for e in manifest) > 50
    for entry in manifest:
        text = _squash(" ".join(located_text(root / entry["file"]).values()))
        for entity, _category, value in entry["planted"]:
            assert _squash(value) in text, (entry["file"], entity, value)


def test_same_seed_same_corpus_and_no_two_documents_alike(corpus, tmp_path: Path):
    root, manifest = corpus
    assert OrdinaryCorpus(tmp_path, scale=SCALE).build() == manifest
    texts = [(root / e["file"]).read_text() for e in manifest if e["file"].endswith(".txt")]
    # Below the letterhead and address block, no two documents share their prose.
    assert len({"\n".join(t.splitlines()[8:]) for t in texts}) == len(texts) > 1
