"""Reading a config table's options: the one reader behind the config file and every source.

A TOML table (`[scan]`, `[limits]`, a `[[source]]`) is checked key by key against what its
reader declares: an unknown key is a typo to report, a missing required key is named, a value
of the wrong type or outside its choices says what it should be. A source declares its options
as a table of `Opt` (kind, default, choices, how to write it) and reads them all with read();
config sections read theirs with value(). Every problem is one `ConfigError(key, problem, fix)`
line, worded the same wherever the table sits, so a bad config reads alike in every section.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from scanner.errors import ConfigError

REQUIRED: Any = ...  # the default of an option that must be given

_KIND_NAMES = {int: "int", float: "float", str: "string", bool: "boolean", list: "list"}


@dataclass(frozen=True, slots=True)
class Opt:
    """One declared option: its kind, its default (REQUIRED: none), its choices, how to write it."""

    kind: type | tuple[type, ...]
    default: Any = REQUIRED
    choices: tuple[Any, ...] = ()
    fix: str = ""
    strings: bool = False  # a list whose items must be strings
    nonempty: bool = False  # a list that must name something, each name non-empty


def read(
    table: dict[str, Any], schema: Mapping[str, Opt], key_of: Callable[[str], str], what: str
) -> dict[str, Any]:
    """Every option `schema` declares, checked, with defaults filled in; unknown keys refused."""
    check_keys(table, schema, key_of, what)
    out = {}
    for key, opt in schema.items():
        path = key_of(key)
        if opt.strings:
            found = strings(table, key, path, opt.default, opt.fix)
        else:
            found = value(table, key, opt.kind, path, opt.default, opt.fix)
        if opt.nonempty and (not found or not all(found)):
            raise ConfigError(
                path,
                f"must be a non-empty list of non-empty strings, got {found!r}",
                opt.fix or f'write {key} = ["*"]',
            )
        if opt.choices and found is not opt.default and found not in opt.choices:
            names = [str(c) for c in opt.choices]
            listed = f"{', '.join(names[:-1])} or {names[-1]}" if len(names) > 1 else names[0]
            raise ConfigError(path, f"must be {listed}, got {found!r}", opt.fix or "correct it")
        out[key] = found
    return out


def check_keys(
    table: dict[str, Any],
    allowed: Iterable[str],
    key_of: Callable[[str], str],
    what: str = "a known setting",
) -> None:
    """Reject keys the table's reader does not know (a typo would otherwise be ignored)."""
    known = sorted(allowed)
    for key in table:
        if key not in known:
            raise ConfigError(
                key_of(key), f"is not {what}", f"remove it or use one of: {', '.join(known)}"
            )


def value(
    table: dict[str, Any],
    key: str,
    kind: type | tuple[type, ...],
    path: str,
    default: Any = REQUIRED,
    fix: str = "",
) -> Any:
    """The option `key` of `table` checked against `kind` (a float may be written as an int).

    `path` is the key as the user knows it (`scan.workers`, `source[2].retries`); a `default`
    of REQUIRED means the option must be given; `fix` says how to write it, when the generic
    advice would not do.
    """
    if key not in table:
        if default is REQUIRED:
            raise ConfigError(path, "is required", fix or f"add `{key} = ...`")
        return default
    found = table[key]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if float in kinds and isinstance(found, int) and not isinstance(found, bool):
        found = float(found)
    if not isinstance(found, kinds) or (isinstance(found, bool) and bool not in kinds):
        names = " or ".join(_KIND_NAMES.get(k, k.__name__) for k in kinds)
        raise ConfigError(
            path,
            f"must be a {names}, got {type(found).__name__} {found!r}",
            fix or "correct its type",
        )
    return found


def strings(
    table: dict[str, Any], key: str, path: str, default: Any = REQUIRED, fix: str = ""
) -> Any:
    """A list of strings (globs, folder names, addresses); `default` as for value()."""
    found = value(table, key, list, path, default, fix)
    if found is not default and not all(isinstance(v, str) for v in found):
        raise ConfigError(
            path, f"must be a list of strings, got {found!r}", fix or f'write {key} = ["a", "b"]'
        )
    return found
