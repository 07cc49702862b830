"""The one explicit list of built-in recognizers, and the factory the pipeline calls.

Adding a detector = one module + its test + one line in RECOGNIZERS (docs/extending.md). Entries
name "module:Class" and are imported on first use, so the command line never loads Presidio.
A test checks that every recognizer class in detectors/ is listed here and documented in
docs/detectors.md, so the list cannot drift.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from typing import Any

from detectors.base import Detector
from detectors.scout import Store
from scanner.config import DetectorSettings

# "module:Class", imported when a detector is built (in a worker), not when the CLI starts.
RECOGNIZERS: tuple[str, ...] = (
    "detectors.names:SpacyPersonRecognizer",
    "detectors.names:CuedNameRecognizer",
    "detectors.listed_names:ListedNameRecognizer",
    "detectors.mail_names:AddressListRecognizer",
    "detectors.address:StreetAddressRecognizer",
    "detectors.eu_address:EuStreetAddressRecognizer",
    "detectors.na_address:NorthAmericanAddressRecognizer",
    "detectors.in_address:IndianAddressRecognizer",
    "detectors.address:PostcodeRecognizer",
    "detectors.contact:EmailAddressRecognizer",
    "detectors.phone:PhoneNumberRecognizer",
    "detectors.contact:IpAddressRecognizer",
    "detectors.banking:IbanCodeRecognizer",
    "detectors.banking:SortCodeRecognizer",
    "detectors.banking:UkBankAccountRecognizer",
    "detectors.banking:VatRecognizer",
    "detectors.cards:PaymentCardRecognizer",
    "detectors.uk_ids:NinoRecognizer",
    "detectors.uk_ids:NhsNumberRecognizer",
    "detectors.uk_ids:UkPassportNumberRecognizer",
    "detectors.uk_ids:DvlaLicenceRecognizer",
    "detectors.eu_ids:SteuerIdRecognizer",
    "detectors.eu_ids:NirRecognizer",
    "detectors.eu_ids:SpanishDniRecognizer",
    "detectors.eu_ids:CodiceFiscaleRecognizer",
    "detectors.eu_ids:BsnRecognizer",
    "detectors.eu_ids:PpsRecognizer",
    "detectors.eu_ids:PeselRecognizer",
    "detectors.eu_ids:BelgianNationalNumberRecognizer",
    "detectors.nordic_ids:PersonnummerRecognizer",
    "detectors.nordic_ids:CprRecognizer",
    "detectors.nordic_ids:HetuRecognizer",
    "detectors.nordic_ids:FodselsnummerRecognizer",
    "detectors.dob:DateOfBirthRecognizer",
    "detectors.health:HealthRecognizer",
)


@cache
def recognizer_classes() -> tuple[type[Any], ...]:
    """The classes RECOGNIZERS names, imported on first use."""
    out = []
    for spec in RECOGNIZERS:
        module, _, name = spec.partition(":")
        out.append(getattr(import_module(module), name))
    return tuple(out)


def preload() -> None:
    """Import Presidio and every recognizer, load the model and the name lists, before forking.

    Run once by the fork server of scanner/pool.py (scanner/preload.py): these were ~2.5 s of
    CPU of a worker's ~3 s start, and the name lists ~0.25 s of its first item, paid again by
    every worker and every restart; forked from a process that has them, a worker only builds
    its detector (~0.4 s).
    """
    recognizer_classes()
    from detectors import gazetteer
    from detectors.engine import preload_nlp

    preload_nlp()
    gazetteer.preload()


def build_recognizers(settings: DetectorSettings) -> list[Any]:
    """One instance of every built-in recognizer, then of every custom one, not disabled.

    Custom recognizers (`[[detectors.custom]]`, detectors/custom.py) are ShapeRecognizers like
    the built-in ones, so the engine treats them alike.
    """
    settings.validate()
    from detectors.custom import configured_recognizer

    built_in = [cls() for cls in recognizer_classes() if cls.ENTITY not in settings.disabled]
    return built_in + [
        configured_recognizer(c.entity, c.patterns, c.score, c.context, c.validator)
        for c in settings.custom
        if c.entity not in settings.disabled
    ]


def build_analyzer(settings: DetectorSettings | None = None) -> Any:
    """Build a Presidio AnalyzerEngine with our recognizers instead of Presidio's defaults.

    For people who want Presidio's API (`analyze()`, anonymizer, batch engine) with the UK
    recognizers; the scanner itself uses build_detector(), which is faster (NER only on prose,
    tables by column). Our recognizers score context themselves and mark their results as
    context-scored, so Presidio's lemma-based enhancer leaves them alone.
    """
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    from detectors.engine import SPACY_MODEL, built_for_spacy_37

    settings = settings or DetectorSettings()
    provider = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "en", "model_name": SPACY_MODEL}],
            "ner_model_configuration": {
                "model_to_presidio_entity_mapping": {"PERSON": "PERSON", "PER": "PERSON"},
                "labels_to_ignore": [],
            },
        }
    )
    with built_for_spacy_37():
        nlp_engine = provider.create_engine()
    registry = RecognizerRegistry(
        recognizers=build_recognizers(settings), supported_languages=["en"]
    )
    return AnalyzerEngine(
        registry=registry,
        nlp_engine=nlp_engine,
        supported_languages=["en"],
        default_score_threshold=settings.threshold,
    )


def build_detector(
    settings: DetectorSettings, nlp: Any = None, store: Store | None = None
) -> Detector:
    """Build the Detector a worker keeps (loads spaCy unless PERSON is disabled).

    `store` keeps the pattern scout's compiled database between processes (a scan's workers
    pass scanner.cache.FileCache); without one each process compiles it once.
    """
    from detectors.engine import PresidioDetector

    return PresidioDetector(settings, build_recognizers(settings), nlp=nlp, store=store)
