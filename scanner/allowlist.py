"""The allow-list: the organisation's own values, which are never findings.

Every letter and e-mail from the firm carries its switchboard number, office address, bank
details and directors' names; reported as personal data they would bury the real findings. This
is a filter layer between detection and output (detect-secrets keeps its filters apart from its
plugins the same way): the worker asks it about each detection after hashing and before a Finding
exists, so an allowed value never reaches findings.parquet, and only a count leaves the worker.

The values live in a file of their own (`[allowlist] file`), which every worker reads at start and
turns at once into keyed hashes with the scan's HMAC key and the findings' normalisation
(scanner/privacy.py): the raw values are never kept, copied into scan.json or written anywhere.
Values can also be given as hashes (`[allowlist] hashes`, the `value_hash` of findings.parquet,
12 or more hex digits). Numbers may be given as patterns (a DDI range: `+44 113 496 0[0-9]{3}`).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanner.errors import ConfigError
from scanner.privacy import Redactor, normalise

EMAIL_DOMAIN = "EMAIL_DOMAIN"  # allow-file key: every address at this domain or a subdomain
PATTERNS = "patterns"  # allow-file table: entity -> number patterns
_HEX = re.compile(r"[0-9a-f]{12,64}")
_SEPARATORS = re.compile(r"[\s\-./()]")
_WORD = re.compile(r"[0-9a-z]+")
_OUTWARD, _INWARD = re.compile(r"[a-z]{1,2}[0-9][a-z0-9]?"), re.compile(r"[0-9][a-z]{2}")


@dataclass(frozen=True, slots=True)
class AllowListConfig:
    """`[allowlist]` as scan.json shows it: where the values are, and values given as hashes."""

    file: Path | None = None
    hashes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AllowValues:
    """The allow file's content: raw values and number patterns per entity type (worker only)."""

    values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    patterns: dict[str, tuple[re.Pattern[str], ...]] = field(default_factory=dict)


def parse_config(table: dict[str, Any], base_dir: Path, entities: set[str]) -> AllowListConfig:
    """Validate `[allowlist]`, reading the file once so that a mistake stops the run at load."""
    for key in table:
        if key not in {"file", "hashes"}:
            raise ConfigError(f"allowlist.{key}", "is not a known setting", "use file or hashes")
    file = table.get("file")
    if file is not None and not isinstance(file, str):
        raise ConfigError("allowlist.file", f"must be a path, got {file!r}", 'write file = "..."')
    hashes = table.get("hashes", [])
    if not isinstance(hashes, list) or not all(
        isinstance(h, str) and _HEX.fullmatch(h) for h in hashes
    ):
        raise ConfigError(
            "allowlist.hashes",
            "must be a list of value hashes (12 to 64 lower-case hex digits)",
            "copy value_hash from findings.parquet or the report",
        )
    path = (base_dir / file).resolve() if file else None
    if path is not None:
        read_values(path, entities)
    return AllowListConfig(file=path, hashes=tuple(hashes))


def read_values(path: Path, entities: set[str] | None = None) -> AllowValues:
    """Read and check the allow file: `ENTITY = [values]` and `[patterns] ENTITY = [patterns]`."""
    key = f"allowlist.file ({path})"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ConfigError(key, f"cannot be read ({e.strerror})", "check the path") from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(key, f"is not valid TOML ({e})", "fix the syntax at that line") from e
    known = None if entities is None else entities | {EMAIL_DOMAIN}
    raw_patterns = data.pop(PATTERNS, {})
    if not isinstance(raw_patterns, dict):
        raise ConfigError(f"{key}: {PATTERNS}", "must be a table", "write [patterns]")
    values = {e: _strings(v, f"{key}: {e}", e, known) for e, v in data.items()}
    patterns = {
        e: tuple(
            number_pattern(p, f"{key}: {PATTERNS}.{e}")
            for p in _strings(v, f"{key}: {PATTERNS}.{e}", e, known)
        )
        for e, v in raw_patterns.items()
    }
    return AllowValues(values, patterns)


def _strings(value: Any, key: str, entity: str, known: set[str] | None) -> tuple[str, ...]:
    if known is not None and entity not in known:
        raise ConfigError(key, "is not an entity type", f"use one of: {', '.join(sorted(known))}")
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(key, "must be a list of non-empty strings", f'write {entity} = ["..."]')
    return tuple(value)


def number_pattern(text: str, key: str) -> re.Pattern[str]:
    """Compile a number pattern: digits and letters, `[0-9]` classes, `{n}` counts, `?` any one.

    Spaces, dashes, dots and brackets are ignored on both sides, and a leading `+` is literal,
    so `+44 113 496 0[0-9]{3}` reads as it is written in a letterhead.
    """
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c in "[{":
            close = text.find("]" if c == "[" else "}", i)
            body = text[i + 1 : close] if close > i else ""
            ok = re.fullmatch(r"[0-9A-Za-z-]+" if c == "[" else r"\d+(,\d*)?", body)
            if close < 0 or not ok:
                raise ConfigError(
                    key, f"pattern {text!r}: unclosed or bad {c}...", "write e.g. [0-9]{3}"
                )
            out.append(c + body.upper() + text[close])
            i = close + 1
            continue
        if c == "+" and not out:
            out.append(r"\+")
        elif c == "?":
            out.append("[0-9A-Z]")
        elif c.isalnum() and c.isascii():
            out.append(c.upper())
        elif not _SEPARATORS.fullmatch(c):
            raise ConfigError(
                key,
                f"pattern {text!r}: {c!r} is not allowed",
                "use digits, letters, [0-9], {n}, ? and separators",
            )
        i += 1
    try:
        return re.compile("".join(out))
    except re.error as e:
        raise ConfigError(key, f"pattern {text!r}: {e}", "write e.g. 0113 496 0[0-9]{3}") from e


def fingerprint(config: AllowListConfig, key: bytes) -> str:
    """Keyed digest of what the allow-list holds, so a changed list re-reads every item.

    Keyed, so that scan state and scan.json never carry a plain hash of the organisation's file.
    """
    mac = hmac.new(key, b"noticescan-allowlist\0", hashlib.sha256)
    if config.file is not None:
        mac.update(config.file.read_bytes())
    mac.update("\0".join(config.hashes).encode())
    return mac.hexdigest()[:16]


def _words(value: str) -> list[str]:
    return _WORD.findall(value.casefold())


def _runs(words: list[str]) -> Iterable[str]:
    """Every run of two or more consecutive words: the parts of an address a detector reports."""
    for i in range(len(words)):
        for j in range(i + 2, len(words) + 1):
            yield " ".join(words[i:j])


class AllowList:
    """Answers, for one detection in a worker, whether it is one of the organisation's values."""

    def __init__(self, redactor: Redactor, values: AllowValues, hashes: Iterable[str] = ()) -> None:
        self._redactor = redactor
        self._hashes: dict[str, set[str]] = {}
        self._prefixes: dict[int, set[str]] = {}
        for h in hashes:
            self._prefixes.setdefault(len(h), set()).add(h)
        self._patterns = values.patterns
        for entity, items in values.values.items():
            for value in items:
                self._add(entity, value)

    @classmethod
    def build(cls, config: AllowListConfig, redactor: Redactor) -> AllowList:
        """Read the allow file (if any) and hash it; the raw values go out of scope here."""
        values = read_values(config.file) if config.file is not None else AllowValues()
        return cls(redactor, values, config.hashes)

    def _add(self, entity: str, value: str) -> None:
        add = self._hashes.setdefault(entity, set()).add
        if entity == EMAIL_DOMAIN:
            add(self._redactor.hash(EMAIL_DOMAIN, value.lstrip("@")))
            return
        add(self._redactor.hash(entity, value))
        if entity == "ADDRESS":
            words = _words(value)
            for run in _runs(words):
                add(self._redactor.hash(entity, run))
            if len(words) >= 2 and _OUTWARD.fullmatch(words[-2]) and _INWARD.fullmatch(words[-1]):
                self._add("UK_POSTCODE", words[-2] + words[-1])

    def __bool__(self) -> bool:
        return bool(self._hashes or self._prefixes or self._patterns)

    def allows(self, entity: str, value: str, value_hash: str) -> bool:
        """Whether a detection of `entity` with this raw value and keyed hash is allowed."""
        if any(value_hash[:n] in hs for n, hs in self._prefixes.items()):
            return True
        known = self._hashes.get(entity, set())
        if value_hash in known:
            return True
        if entity == "ADDRESS" and known:
            if self._redactor.hash(entity, " ".join(_words(value))) in known:
                return True
        if entity == "EMAIL_ADDRESS" and EMAIL_DOMAIN in self._hashes:
            labels = value.rpartition("@")[2].casefold().split(".")
            domains = self._hashes[EMAIL_DOMAIN]
            for i in range(len(labels) - 1):
                if self._redactor.hash(EMAIL_DOMAIN, ".".join(labels[i:])) in domains:
                    return True
        patterns = self._patterns.get(entity, ())
        return bool(patterns) and any(
            p.fullmatch(form) for form in _forms(entity, value) for p in patterns
        )


def _forms(entity: str, value: str) -> set[str]:
    """The written forms a number pattern is tried on: normalised, and a phone's national form."""
    forms = {_SEPARATORS.sub("", normalise(entity, value)).upper()}
    if entity == "PHONE_NUMBER":
        import phonenumbers  # 0.1 s to import: not at the command line's start

        try:
            number = phonenumbers.parse(value, "GB")
        except phonenumbers.NumberParseException:
            return forms
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        forms.add(_SEPARATORS.sub("", national))
    return forms
