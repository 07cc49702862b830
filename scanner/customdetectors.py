"""`[[detectors.custom]]`: an organisation's own identifier formats, checked when the config loads.

Here the entries' shape is checked (the kernel knows no recognizer); each then becomes a
recognizer (detectors/custom.py), which `noticescan` tries on its own examples right after the
config loads (detectors.custom.check_examples), as Presidio tests its YAML recognizers: every
`must_match` text must give a finding at the entity's threshold, and no `must_not_match` text
may. A regex that silently matches nothing, or
everything, is caught before a night's scan is spent on it; the error names the key and the
failing example.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from scanner.errors import ConfigError

ENTITY_NAME = re.compile(r"[A-Z][A-Z0-9_]{1,63}")
KEYS = {
    "entity",
    "category",
    "patterns",
    "validator",
    "context",
    "score",
    "must_match",
    "must_not_match",
}


@dataclass(frozen=True, slots=True)
class CustomDetector:
    """One `[[detectors.custom]]` table, as plain values (it is part of scan.json's config)."""

    entity: str
    category: str
    patterns: tuple[str, ...]
    score: float = 0.6
    validator: str | None = None
    context: tuple[str, ...] = ()
    must_match: tuple[str, ...] = ()
    must_not_match: tuple[str, ...] = ()


def _strings(table: dict[str, Any], key: str, path: str, required: bool = False) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(
            f"{path}.{key}",
            f"must be a list of non-empty strings, got {value!r}",
            f"write {key} = ['...']",
        )
    if required and not value:
        raise ConfigError(
            f"{path}.{key}", "is required", f"add {key} = ['...'] with at least one entry"
        )
    return tuple(value)


def parse_custom(
    raw: Any, categories: tuple[str, ...], builtin: set[str]
) -> tuple[CustomDetector, ...]:
    """Validate the `detectors.custom` array (its shape; check_examples tries the examples)."""
    if not isinstance(raw, list):
        raise ConfigError(
            "detectors.custom", "must be an array of tables", "write [[detectors.custom]]"
        )
    out: list[CustomDetector] = []
    for n, table in enumerate(raw, 1):
        path = f"detectors.custom[{n}]"
        if not isinstance(table, dict):
            raise ConfigError(
                path, "must be a table", "write [[detectors.custom]] with keys below it"
            )
        for key in table:
            if key not in KEYS:
                raise ConfigError(
                    f"{path}.{key}",
                    "is not a known setting",
                    f"use one of: {', '.join(sorted(KEYS))}",
                )
        entity = table.get("entity")
        if not isinstance(entity, str) or not ENTITY_NAME.fullmatch(entity):
            raise ConfigError(
                f"{path}.entity",
                f"must be an upper-case name such as FLOTECH_ACCOUNT, got {entity!r}",
                "use letters, digits and _ , starting with a letter",
            )
        if entity in builtin or any(d.entity == entity for d in out):
            raise ConfigError(
                f"{path}.entity",
                f"{entity!r} is already an entity type",
                "give it a name of its own",
            )
        category = table.get("category")
        if category not in categories:
            raise ConfigError(
                f"{path}.category",
                f"unknown category {category!r}",
                f"use one of: {', '.join(categories)}",
            )
        patterns = _strings(table, "patterns", path, required=True)
        for i, rx in enumerate(patterns):
            try:
                re.compile(rx)
            except re.error as e:
                raise ConfigError(
                    f"{path}.patterns[{i + 1}]",
                    f"is not a valid regular expression ({e})",
                    "fix the regex",
                ) from e
        score = table.get("score", 0.6)
        if isinstance(score, bool) or not isinstance(score, int | float) or not 0 < score <= 1:
            raise ConfigError(
                f"{path}.score",
                f"must be a number above 0 and at most 1, got {score!r}",
                "use e.g. 0.6",
            )
        validator = table.get("validator")
        if validator is not None and not isinstance(validator, str):
            raise ConfigError(
                f"{path}.validator", f"must be a string, got {validator!r}", 'use e.g. "luhn"'
            )
        out.append(
            CustomDetector(
                entity=entity,
                category=str(category),
                patterns=patterns,
                score=float(score),
                validator=validator,
                context=_strings(table, "context", path),
                must_match=_strings(table, "must_match", path),
                must_not_match=_strings(table, "must_not_match", path),
            )
        )
    return tuple(out)
