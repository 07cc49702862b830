"""The one explicit list of built-in recognizers, and the factory the pipeline calls.

Adding a detector = one module + its test + one line in RECOGNIZERS (docs/extending.md).
A test checks that every recognizer class in detectors/ is listed here and documented in
docs/detectors.md, so the list cannot drift.
"""

from __future__ import annotations

from typing import Any

from detectors.address import PostcodeRecognizer, StreetAddressRecognizer
from detectors.banking import (
    IbanCodeRecognizer,
    SortCodeRecognizer,
    UkBankAccountRecognizer,
    VatRecognizer,
)
from detectors.base import Detector
from detectors.cards import PaymentCardRecognizer
from detectors.categories import CATEGORY_OF
from detectors.contact import EmailAddressRecognizer, IpAddressRecognizer
from detectors.custom import configured_recognizer
from detectors.dob import DateOfBirthRecognizer
from detectors.eu_address import EuStreetAddressRecognizer
from detectors.eu_ids import (
    BelgianNationalNumberRecognizer,
    BsnRecognizer,
    CodiceFiscaleRecognizer,
    NirRecognizer,
    PeselRecognizer,
    PpsRecognizer,
    SpanishDniRecognizer,
    SteuerIdRecognizer,
)
from detectors.health import HealthRecognizer
from detectors.listed_names import ListedNameRecognizer
from detectors.mail_names import AddressListRecognizer
from detectors.names import CuedNameRecognizer, SpacyPersonRecognizer
from detectors.nordic_ids import (
    CprRecognizer,
    FodselsnummerRecognizer,
    HetuRecognizer,
    PersonnummerRecognizer,
)
from detectors.phone import PhoneNumberRecognizer
from detectors.uk_ids import (
    DvlaLicenceRecognizer,
    NhsNumberRecognizer,
    NinoRecognizer,
    UkPassportNumberRecognizer,
)
from scanner.config import DetectorSettings

RECOGNIZERS: tuple[type[Any], ...] = (
    SpacyPersonRecognizer,
    CuedNameRecognizer,
    ListedNameRecognizer,
    AddressListRecognizer,
    StreetAddressRecognizer,
    EuStreetAddressRecognizer,
    PostcodeRecognizer,
    EmailAddressRecognizer,
    PhoneNumberRecognizer,
    IpAddressRecognizer,
    IbanCodeRecognizer,
    SortCodeRecognizer,
    UkBankAccountRecognizer,
    VatRecognizer,
    PaymentCardRecognizer,
    NinoRecognizer,
    NhsNumberRecognizer,
    UkPassportNumberRecognizer,
    DvlaLicenceRecognizer,
    SteuerIdRecognizer,
    NirRecognizer,
    SpanishDniRecognizer,
    CodiceFiscaleRecognizer,
    BsnRecognizer,
    PpsRecognizer,
    PeselRecognizer,
    BelgianNationalNumberRecognizer,
    PersonnummerRecognizer,
    CprRecognizer,
    HetuRecognizer,
    FodselsnummerRecognizer,
    DateOfBirthRecognizer,
    HealthRecognizer,
)

ENTITIES: tuple[str, ...] = tuple(CATEGORY_OF)


def build_recognizers(settings: DetectorSettings) -> list[Any]:
    """One instance of every built-in recognizer, then of every custom one, not disabled.

    Custom recognizers (`[[detectors.custom]]`, detectors/custom.py) are ShapeRecognizers like
    the built-in ones, so the engine treats them alike.
    """
    settings.validate()
    built_in = [cls() for cls in RECOGNIZERS if cls.ENTITY not in settings.disabled]
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

    from detectors.engine import SPACY_MODEL

    settings = settings or DetectorSettings()
    nlp_engine = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "en", "model_name": SPACY_MODEL}],
            "ner_model_configuration": {
                "model_to_presidio_entity_mapping": {"PERSON": "PERSON", "PER": "PERSON"},
                "labels_to_ignore": [],
            },
        }
    ).create_engine()
    registry = RecognizerRegistry(
        recognizers=build_recognizers(settings), supported_languages=["en"]
    )
    return AnalyzerEngine(
        registry=registry,
        nlp_engine=nlp_engine,
        supported_languages=["en"],
        default_score_threshold=settings.threshold,
    )


def build_detector(settings: DetectorSettings, nlp: Any = None) -> Detector:
    """Build the Detector a worker keeps (loads spaCy unless PERSON is disabled)."""
    from detectors.engine import PresidioDetector

    return PresidioDetector(settings, build_recognizers(settings), nlp=nlp)
