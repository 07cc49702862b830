"""Checks for a `[[source]]` table's own options, shared by the source types.

Each raises ConfigError naming the key (`source[N].name`), the problem and the fix, so a bad
config stops the scan with one actionable line.
"""

from __future__ import annotations

import os
from typing import Any, overload

from scanner import options
from scanner.config import SourceConfig
from scanner.errors import ConfigError


def check_keys(config: SourceConfig, allowed: set[str]) -> None:
    """Reject options the source type does not know (a typo would otherwise be ignored)."""
    options.check_keys(config.options, allowed, config.key, f"a setting of {config.type} sources")


def option(
    config: SourceConfig, key: str, kind: type | tuple[type, ...], default: Any = ..., fix: str = ""
) -> Any:
    """Return the option checked against `kind`; a `default` of ... means required."""
    return options.value(config.options, key, kind, config.key(key), default, fix)


def str_list(config: SourceConfig, key: str, default: list[str] | None) -> list[str]:
    """Return a non-empty list of non-empty strings; a `default` of None means required."""
    value = options.strings(config.options, key, config.key(key), default or options.REQUIRED)
    if not value or not all(value):
        raise ConfigError(
            config.key(key),
            f"must be a non-empty list of strings, got {value!r}",
            f'write {key} = ["*"]',
        )
    return list(value)


def globs(config: SourceConfig, key: str) -> tuple[str, ...]:
    """Glob patterns (`include`, `exclude`): a list of strings, none by default."""
    return tuple(
        options.strings(config.options, key, config.key(key), [], f'write {key} = ["*.tmp"]')
    )


@overload
def env_value(config: SourceConfig, key: str) -> str: ...
@overload
def env_value(config: SourceConfig, key: str, required: bool) -> str | None: ...
def env_value(config: SourceConfig, key: str, required: bool = True) -> str | None:
    """Return the secret in the environment variable named by option `key` (not in the file).

    With required=False an absent option gives None (e.g. SMB falls back to Kerberos), but an
    option naming an unset variable is still an error: that is a mistake, not a choice.
    """
    name = option(config, key, str, ... if required else None)
    if name is None:
        return None
    value = os.environ.get(name)
    if not value:
        raise ConfigError(
            config.key(key),
            f"names environment variable {name}, which is not set",
            f"export {name}=... before the scan (secrets never go in the config file)",
        )
    return str(value)
