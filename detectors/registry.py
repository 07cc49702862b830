"""Builds the detector the pipeline uses (one per worker process)."""

from __future__ import annotations

from detectors.base import Detector
from detectors.engine import PresidioDetector
from scanner.config import DetectorSettings


def build_detector(settings: DetectorSettings) -> Detector:
    """The configured detector; loads the NLP model, so call once per process."""
    return PresidioDetector(settings)
