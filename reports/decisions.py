"""The review decisions file: plain TOML beside the config, one table per decision.

A reviewer's "this is an accepted risk" or "this is not personal data" must outlive the scan it
was made on (detect-secrets keeps such verdicts in its baseline, trufflehog and OSdatascanner mark
results handled). It lives beside the config, in version control with it, so a decision has an
author, a date and a diff. Every scan of the config reads it (reports/review.py).

Two arrays of tables:
- `[[accept]]`: one violation, by its identity (kind, store, item, category);
- `[[false_positive]]`: one finding (item, category, finding = value_hash, location). It has no
  `kind`: a value that is not personal data clears every rule it alone triggered.
Both record the item's `content_hash` when decided, so a changed item asks for review again, and
`why`, `by`, `decided`, optionally `until` (an acceptance ends after that day).

Written sorted, one key per line, so that `git diff` shows exactly the decisions that changed.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from scanner.errors import ConfigError

ACCEPT, FALSE_POSITIVE = "accept", "false_positive"
_REQUIRED = {
    ACCEPT: ("kind", "store", "item", "category", "why", "by", "decided"),
    FALSE_POSITIVE: ("store", "item", "category", "finding", "location", "why", "by", "decided"),
}
# Key order in the file: what it is about first, then who decided what and when.
_ORDER = (
    "kind",
    "store",
    "item",
    "category",
    "finding",
    "location",
    "content_hash",
    "why",
    "by",
    "decided",
    "until",
)
HEADER = """\
# noticescan review decisions: written by `noticescan review`, read by every scan of the config.
# Keep it in version control beside the config. [[accept]] = an accepted violation (kind, store,
# item, category); [[false_positive]] = a finding that is not personal data (item, category,
# finding = its value_hash, location). content_hash is the item's when decided: if the item
# changes, the violation asks for review again. until = the last day an acceptance holds."""


@dataclass(frozen=True, slots=True)
class Decision:
    """One decision; `kind` for acceptances, `finding` and `location` for false positives."""

    action: str
    store: str
    item: str
    category: str
    why: str
    by: str
    decided: date
    kind: str | None = None
    finding: str | None = None
    location: str | None = None
    content_hash: str | None = None
    until: date | None = None

    @property
    def key(self) -> tuple[str | None, ...]:
        """What it decides about: a later decision on the same key replaces it."""
        if self.action == ACCEPT:
            return (ACCEPT, self.kind, self.store, self.item, self.category)
        return (FALSE_POSITIVE, self.item, self.category, self.finding, self.location)


def load(path: Path) -> list[Decision]:
    """Read the decisions file; a missing file is no decisions. ConfigError names the entry."""
    if not path.exists():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(str(path), f"cannot be read ({e})", "check the file") from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(
            str(path), f"is not valid TOML ({e})", "fix the line, or restore it from git"
        ) from e
    out: dict[tuple[str | None, ...], Decision] = {}
    for action, tables in data.items():
        if action not in _REQUIRED or not isinstance(tables, list):
            raise ConfigError(
                f"{path}: {action}",
                "is not a kind of decision",
                "use [[accept]] or [[false_positive]] tables",
            )
        for n, table in enumerate(tables, 1):
            d = _decision(action, table, f"{path}: {action}[{n}]")
            out[d.key] = d  # a later duplicate wins, as a hand edit below an old one means
    return list(out.values())


def _decision(action: str, table: Any, where: str) -> Decision:
    if not isinstance(table, dict):
        raise ConfigError(where, "must be a table", f"write it as [[{action}]]")
    names = set(_ORDER)
    for key in table:
        if key not in names:
            raise ConfigError(
                f"{where}.{key}", "is not a known key", f"use: {', '.join(sorted(names))}"
            )
    for key in _REQUIRED[action]:
        if key not in table:
            raise ConfigError(f"{where}.{key}", "is required", f"add {key} = ...")
    for key, value in table.items():
        want = date if key in ("decided", "until") else str
        if not isinstance(value, want):
            raise ConfigError(
                f"{where}.{key}",
                f"must be a {'date (YYYY-MM-DD, unquoted)' if want is date else 'string'}",
                f"correct its value {value!r}",
            )
    return Decision(action=action, **table)


def save(path: Path, decisions: list[Decision]) -> None:
    """Write all decisions, sorted and atomically (a crash leaves the old file whole)."""
    lines = [HEADER]
    for action in (ACCEPT, FALSE_POSITIVE):
        chosen = sorted(
            (d for d in decisions if d.action == action),
            key=lambda d: tuple(v or "" for v in (d.store, d.item, d.category, *d.key[1:])),
        )
        for d in chosen:
            lines.append(f"\n[[{action}]]")
            for name in _ORDER:
                value = getattr(d, name)
                if value is not None:
                    lines.append(f"{name} = {_toml(value)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _toml(value: str | date) -> str:
    if isinstance(value, date):
        return value.isoformat()
    out = ['"']
    for c in value:
        if c in '"\\':
            out.append("\\" + c)
        elif ord(c) < 0x20 or ord(c) == 0x7F:  # TOML basic strings forbid raw control chars
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return "".join(out) + '"'
