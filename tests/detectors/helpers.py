"""Assertion helpers for detector tests: run the full detector, compare spans."""

from __future__ import annotations

from detectors.base import Detector
from scanner.extract.base import TableSegment, TextSegment


def found(detector: Detector, text: str, entity: str | None = None) -> list[tuple[str, int, int]]:
    """(entity, start, end) of every detection in a prose text, optionally one entity only."""
    return [
        (d.entity_type, d.start, d.end)
        for d in detector.detect([TextSegment("body", text)])
        if entity is None or d.entity_type == entity
    ]


def span(text: str, entity: str, value: str) -> tuple[str, int, int]:
    """Return the expected (entity, start, end) of `value` inside `text`."""
    start = text.index(value)
    return (entity, start, start + len(value))


def check(detector: Detector, text: str, entity: str, values: list[str]) -> None:
    """Exactly these values (by span) are reported as `entity`."""
    assert sorted(found(detector, text, entity)) == sorted(span(text, entity, v) for v in values)


def table(
    detector: Detector, header: tuple[str, ...], rows: list[list[str]]
) -> list[tuple[str, str, str]]:
    """(cell location, entity, value) of every detection in a table."""
    seg = TableSegment("Sheet1", header, rows)
    return [(d.location, d.entity_type, d.value) for d in detector.detect([seg])]
