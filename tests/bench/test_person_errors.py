"""bench.person_errors puts a miss in the category of the step that lost it."""

from bench.person_errors import miss_reason


def test_a_name_the_model_never_tagged_is_classed_by_its_written_shape():
    text = "saw magdalena at the market"
    assert miss_reason(text, 4, 13, []) == "model-missed:lower"
    text = "WHO IS MAGDALENA"
    assert miss_reason(text, 7, 16, []) == "model-missed:caps"


def test_a_name_the_model_tagged_is_classed_by_the_filter_that_dropped_it():
    text = "We met Zorblax after lunch."
    assert miss_reason(text, 7, 14, [(7, 14)]) == "filter:no-list-evidence:one"
    text = "Loving #Zorblax tonight"
    assert miss_reason(text, 8, 15, [(8, 15)]) == "filter:handle/hashtag"
