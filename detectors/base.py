"""The detection contract the pipeline calls.

A Detector takes the located segments of one item and yields Detections. A Detection still holds
the raw value, so it must never leave the worker process: the pipeline masks and hashes it into a
Finding (scanner/privacy.py) straight away.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

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


class Detector(Protocol):
    """Built once per worker (model loading is expensive), then called for every item."""

    def detect(self, segments: Sequence[TextSegment | TableSegment]) -> Iterator[Detection]:
        """Yield detections for all segments of one item."""
        ...
