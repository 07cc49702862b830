"""The registry is the one list of recognizers; each is documented; settings are validated."""

import inspect
import pkgutil
from importlib import import_module
from pathlib import Path

import pytest
from presidio_analyzer import EntityRecognizer

import detectors
from detectors.custom import ConfiguredRecognizer
from detectors.pattern import ShapeRecognizer
from detectors.registry import build_detector, recognizer_classes
from scanner.categories import CATEGORY_OF
from scanner.config import DetectorSettings
from scanner.errors import ConfigError

DOCS = Path(__file__).resolve().parents[2] / "docs" / "detectors.md"


def _recognizer_classes() -> set[type]:
    found = set()
    for mod in pkgutil.iter_modules(detectors.__path__):
        module = import_module(f"detectors.{mod.name}")
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, EntityRecognizer) and obj.__module__ == module.__name__:
                found.add(obj)
    # Bases: ShapeRecognizer for every pattern family, ConfiguredRecognizer for config-made ones.
    return found - {ShapeRecognizer, ConfiguredRecognizer}


def test_every_recognizer_is_registered():
    assert _recognizer_classes() == set(recognizer_classes())


def test_every_recognizer_is_documented():
    text = DOCS.read_text()
    missing = [cls.__name__ for cls in recognizer_classes() if f"`{cls.__name__}`" not in text]
    assert not missing, f"add these to docs/detectors.md: {missing}"


def test_every_entity_has_a_recognizer_and_a_category():
    assert {cls.ENTITY for cls in recognizer_classes()} == set(CATEGORY_OF)


def test_no_name_clash_with_presidio_predefined_recognizers():
    # Presidio's registry loader finds predefined recognizers by class name among *all*
    # EntityRecognizer subclasses: a clash makes a plain AnalyzerEngine build ours instead.
    import presidio_analyzer.predefined_recognizers as predefined

    assert not {cls.__name__ for cls in recognizer_classes()} & set(predefined.__all__)


@pytest.mark.parametrize(
    ("settings", "key"),
    [
        (DetectorSettings(disabled=("US_SSN",)), "detectors.disabled"),
        (DetectorSettings(thresholds={"PHONE": 0.5}), "detectors.thresholds.PHONE"),
        (DetectorSettings(thresholds={"PERSON": 1.5}), "detectors.thresholds.PERSON"),
        (DetectorSettings(threshold=-0.1), "detectors.threshold"),
    ],
)
def test_bad_settings_name_the_key(settings, key):
    with pytest.raises(ConfigError) as err:
        settings.validate()
    assert err.value.key == key
    with pytest.raises(ConfigError):
        build_detector(settings)


def test_presidio_analyzer_with_our_recognizers():
    from detectors.registry import build_analyzer

    analyzer = build_analyzer(DetectorSettings())
    names = {r.name for r in analyzer.registry.recognizers}
    assert names == {cls.__name__ for cls in recognizer_classes()}
    text = "NI number AB 12 34 56 C; order PO 123456789 in Q3"
    got = [
        (r.entity_type, text[r.start : r.end]) for r in analyzer.analyze(text=text, language="en")
    ]
    assert got == [("UK_NINO", "AB 12 34 56 C")]
