"""Every code a person can meet in the report has a label, so none reaches the page raw."""

from __future__ import annotations

from reports import labels as v
from scanner.categories import CATEGORIES, CATEGORY_OF


def test_every_category_entity_and_kind_has_a_label() -> None:
    assert set(v.CATEGORY_LABELS) == set(CATEGORIES)
    assert set(v.ENTITY_LABELS) >= set(CATEGORY_OF)
    assert set(CATEGORY_OF.values()) <= set(CATEGORIES)  # every entity maps to a category
    assert v.KINDS == tuple(v.KIND_LABELS) and len(v.KINDS) == 6


def test_unknown_codes_still_read_as_words() -> None:
    assert v.status_label("not_reverified") == "Not reverified"
    assert v.in_sentence(v.category_label("government_id")) == "government IDs"
