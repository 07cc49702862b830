"""Recognizers an organisation declares in its config (`[[detectors.custom]]`), not in code.

Flotech's customer account numbers or employee IDs are personal data only Flotech knows the
shape of. Rather than a code change per format (or a second detection mechanism), a config
entry becomes one more `ShapeRecognizer`: the same regex shapes, context words, damping words
and score policy as the built-in ones, so it needs nothing new in the engine (Presidio's YAML
recognizers do the same for its registry). The spec's shape is checked when the config loads
(scanner/customdetectors.py), its examples that must and must not match right after
(check_examples).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from detectors.cards import luhn_ok
from detectors.pattern import Shape, ShapeRecognizer, digits
from scanner.config import DetectorSettings
from scanner.customdetectors import CustomDetector
from scanner.errors import ConfigError

Validator = Callable[[str], bool]


def mod97_ok(value: str) -> bool:
    """ISO 7064 MOD 97-10 over the letters and digits (A=10 ... Z=35): valid when it leaves 1.

    The IBAN check without the IBAN's rearrangement, for house formats that reuse it.
    """
    chars = [c for c in value.upper() if c.isalnum()]
    if not chars or not all(c.isascii() for c in chars):
        return False
    return int("".join(str(int(c, 36)) for c in chars)) % 97 == 1


def mod11_ok(value: str) -> bool:
    """Weighted modulus 11: digits weighted n..1 from the left sum to a multiple of 11.

    This one rule is the NHS number's check (weights 10..2, check digit weight 1) and ISBN-10's;
    a final `X` stands for 10, as in ISBN-10.
    """
    body = [c for c in value.upper() if c.isdigit() or c == "X"]
    if len(body) < 2 or "X" in body[:-1]:
        return False
    values = [10 if c == "X" else int(c) for c in body]
    return sum(v * w for v, w in zip(values, range(len(values), 0, -1), strict=True)) % 11 == 0


BUILT_IN_VALIDATORS: dict[str, Validator] = {
    "luhn": lambda v: len(digits(v)) > 1 and luhn_ok(digits(v)),
    "mod97": mod97_ok,
    "mod11": mod11_ok,
}


def validator(name: str) -> Validator:
    """The check called `name`: a built-in one, or python-stdnum's `is_valid` of that module.

    `gb.vat`, `stdnum.gb.vat` and `de.idnr` name stdnum modules. Raises ValueError (the config
    loader turns it into a ConfigError naming the key) when there is no such check.
    """
    if name in BUILT_IN_VALIDATORS:
        return BUILT_IN_VALIDATORS[name]
    module_name = name if name.startswith("stdnum.") else f"stdnum.{name}"
    try:
        module: Any = importlib.import_module(module_name)
    except ImportError as e:
        raise ValueError(
            f"no validator {name!r} (and no python-stdnum module {module_name})"
        ) from e
    check = getattr(module, "is_valid", None)
    if not callable(check):
        raise ValueError(f"python-stdnum module {module_name} has no is_valid()")
    return lambda v: bool(check(v))


class ConfiguredRecognizer(ShapeRecognizer):
    """Base of the classes `configured_recognizer` makes: the validator is a class attribute."""

    VALIDATOR: Validator | None = None

    def validate(self, value: str) -> bool:
        """The configured checksum; without one every shape match stands."""
        check = type(self).VALIDATOR
        return check is None or check(value)


def configured_recognizer(
    entity: str,
    patterns: tuple[str, ...],
    score: float,
    context: tuple[str, ...] = (),
    validator_name: str | None = None,
) -> ConfiguredRecognizer:
    """Build the recognizer of one `[[detectors.custom]]` entry.

    A class per entry (not instance attributes) because ShapeRecognizer's settings are class
    attributes the engine reads (`ENTITY`) and Presidio names a recognizer after its class:
    findings show `detector = "custom:FLOTECH_ACCOUNT"`.
    """
    attrs: dict[str, Any] = {
        "ENTITY": entity,
        "SHAPES": tuple(Shape(f"pattern {i + 1}", rx, score) for i, rx in enumerate(patterns)),
        "CONTEXT": context,
        "VALIDATOR": staticmethod(validator(validator_name)) if validator_name else None,
    }
    cls = type(f"custom:{entity}", (ConfiguredRecognizer,), attrs)
    recognizer: ConfiguredRecognizer = cls()
    return recognizer


def check_examples(settings: DetectorSettings) -> None:
    """Build each custom recognizer and try its examples; ConfigError naming the failing one.

    Run by the command line right after the config loads, before any scan starts: a pattern
    that matches nothing (or everything) stops the run with the key and the example.
    """
    for n, spec in enumerate(settings.custom, 1):
        _check(spec, n, settings.thresholds.get(spec.entity, settings.threshold))


def _check(spec: CustomDetector, n: int, floor: float) -> None:
    path = f"detectors.custom[{n}]"
    try:
        rec = configured_recognizer(
            spec.entity, spec.patterns, spec.score, spec.context, spec.validator
        )
    except ValueError as e:
        raise ConfigError(
            f"{path}.validator",
            str(e),
            'use "luhn", "mod97", "mod11" or a python-stdnum module such as "gb.vat"',
        ) from e
    for i, text in enumerate(spec.must_match):
        if not _hits(rec, text, floor):
            raise ConfigError(
                f"{path}.must_match[{i + 1}]",
                f"{text!r} gives no {spec.entity} finding at score {floor:g}",
                "correct the patterns, validator, context or score, or the example",
            )
    for i, text in enumerate(spec.must_not_match):
        hits = _hits(rec, text, floor)
        if hits:
            raise ConfigError(
                f"{path}.must_not_match[{i + 1}]",
                f"{text!r} gives a {spec.entity} finding ({hits[0]!r})",
                "tighten the patterns, add a validator or damping context, or correct the example",
            )


def _hits(rec: Any, text: str, floor: float) -> list[str]:
    return [text[r.start : r.end] for r in rec.analyze(text, [], None) if r.score >= floor]
