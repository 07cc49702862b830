"""The detection contract the pipeline calls.

A Detector takes the located segments of one item and yields Detections. A Detection still holds
the raw value, so it must never leave the worker process: the pipeline masks and hashes it into a
Finding (scanner/privacy.py) straight away.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from scanner.extract.base import TableSegment, TextSegment


@dataclass(frozen=True, slots=True)
class Detection:
    """One detected value with its location, the recognizer that found it, and why.

    `reason` explains the score (recognizer, shape or model, validation passed, the cue that
    raised or lowered it) from our own names and word lists only, never from the text, so it
    may leave the worker beside the masked evidence.
    """

    location: str
    entity_type: str
    start: int
    end: int
    score: float
    detector: str
    value: str = field(repr=False)
    reason: str = ""


class Plan(Protocol):
    """One item's detection with only the model stage and the finishing left.

    Splitting detection lets a worker run the model stage of several small items in one call
    (spaCy's cost per call is fixed, and most of a small item's model time): plan each item,
    `Detector.run_model` over all the plans, then `finish` each.
    """

    @property
    def model_chars(self) -> int:
        """Characters this item gives the model stage (0: it needs no model)."""
        ...

    def finish(self) -> Iterator[Detection]:
        """Yield the item's detections (after run_model has seen this plan)."""
        ...


@dataclass(frozen=True, slots=True)
class Ready:
    """A plan whose detections are known already: nothing for a model stage to do."""

    detections: tuple[Detection, ...]
    model_chars: int = 0

    def finish(self) -> Iterator[Detection]:
        """Yield the detections found when planning."""
        yield from self.detections


class Detector(Protocol):
    """Built once per worker (model loading is expensive), then called for every item.

    `detect` does one item whole. A detector with a model stage worth sharing also overrides
    `plan` and `run_model`; the defaults here detect while planning, for detectors without one.

    A detector made of several recognizers may keep going when one of them fails on a text:
    it then appends a one-line cause to a `faults` list attribute, and the worker, which takes
    the list after every call (`take_faults`), marks the item an error that kept the other
    recognizers' findings. A detector without the attribute fails the item whole instead.
    """

    def detect(self, segments: Sequence[TextSegment | TableSegment]) -> Iterator[Detection]:
        """Yield detections for all segments of one item."""
        ...

    def plan(self, segments: Sequence[TextSegment | TableSegment]) -> Plan:
        """Everything of one item's detection that needs no model; `finish` yields the rest."""
        return Ready(tuple(self.detect(segments)))

    def run_model(self, plans: Sequence[Plan]) -> None:
        """Run the model stage of all these plans together (each from this detector's plan)."""
        del plans  # the default plan() detected already: there is no model stage to share


def take_faults(detector: Any) -> list[str]:
    """The recognizer failures `detector` recorded since last asked, emptied (see Detector)."""
    faults: list[str] | None = getattr(detector, "faults", None)
    if not faults:
        return []
    taken = list(faults)
    faults.clear()
    return taken
