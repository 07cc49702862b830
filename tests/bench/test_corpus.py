"""The quality corpus is deterministic and its labels point at real values."""

from bench.corpus import Document
from bench.heldout import HELDOUT, Gen
from bench.templates import PROSE, TABLES, generate
from scanner.extract.base import TableSegment, TextSegment


def _value(doc: Document, location: str, start: int, end: int) -> str:
    for seg in doc.segments:
        if isinstance(seg, TextSegment) and seg.location == location:
            return seg.text[start:end]
        if isinstance(seg, TableSegment):
            for r, row in enumerate(seg.rows):
                for c, cell in enumerate(row):
                    if seg.cell_location(r, c) == location:
                        return cell[start:end]
    raise AssertionError(f"{doc.id}: no segment at {location}")


def test_generation_is_deterministic():
    a, b = generate(32, seed=3), generate(32, seed=3)
    assert [(d.segments, d.gold) for d in a] == [(d.segments, d.gold) for d in b]
    assert generate(32, seed=4)[0].segments != a[0].segments


def test_every_template_is_used_and_every_label_spans_a_trimmed_value():
    docs = generate(7 * len(PROSE) + 5 * len(TABLES), seed=5)  # one full cycle of kinds
    assert {d.kind for d in docs} == set(PROSE) | set(TABLES)
    for doc in docs:
        for g in doc.gold:
            value = _value(doc, g.location, g.start, g.end)
            assert value and value == value.strip(), (doc.kind, g)


def test_heldout_templates_label_real_values():
    g = Gen(9)
    for kind, fn in HELDOUT.items():
        doc = Document(id=kind, kind=kind, fmt="mixed")
        fn(g, doc)
        assert doc.gold
        assert all(_value(doc, x.location, x.start, x.end) for x in doc.gold)
