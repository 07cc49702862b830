"""Checks for a `[[source]]` table's own options, shared by the source types.

Each raises ConfigError naming the key (`source[N].name`), the problem and the fix, so a bad
config stops the scan with one actionable line.
"""

from __future__ import annotations

import os
from typing import Any, overload

from scanner.config import SourceConfig
from scanner.errors import ConfigError


def check_keys(config: SourceConfig, allowed: set[str]) -> None:
    """Reject options the source type does not know (a typo would otherwise be ignored)."""
    for key in config.options:
        if key not in allowed:
            raise ConfigError(
                config.key(key),
                f"is not a setting of {config.type} sources",
                f"use one of: {', '.join(sorted(allowed))}",
            )


def option(
    config: SourceConfig, key: str, kind: type | tuple[type, ...], default: Any = ...
) -> Any:
    """Return the option checked against `kind`; a `default` of ... means required."""
    value = config.options.get(key, default)
    if value is ...:
        raise ConfigError(
            config.key(key), "is required", f"add `{key} = ...` to the {config.type} source"
        )
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise ConfigError(config.key(key), f"has the wrong type ({value!r})", "correct its type")
    return value


def str_list(config: SourceConfig, key: str, default: list[str] | None) -> list[str]:
    """Return a non-empty list of non-empty strings; a `default` of None means required."""
    value = config.options.get(key, default)
    if value is None:
        raise ConfigError(config.key(key), "is required", f'add `{key} = ["user@example.com"]`')
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(
            config.key(key),
            f"must be a non-empty list of strings, got {value!r}",
            f'write {key} = ["*"]',
        )
    return value


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
