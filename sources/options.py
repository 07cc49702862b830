"""A `[[source]]` table's own options, read against what its source type declares.

Each raises ConfigError naming the key (`source[N].name`), the problem and the fix, so a bad
config stops the scan with one actionable line.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, overload

from scanner import options
from scanner.config import SourceConfig
from scanner.errors import ConfigError


def read_options(config: SourceConfig, schema: Mapping[str, options.Opt]) -> dict[str, Any]:
    """Every option the source type declares, checked, with its defaults; unknown keys refused."""
    return options.read(config.options, schema, config.key, f"a setting of {config.type} sources")


def option(
    config: SourceConfig, key: str, kind: type | tuple[type, ...], default: Any = ..., fix: str = ""
) -> Any:
    """Return the option checked against `kind`; a `default` of ... means required."""
    return options.value(config.options, key, kind, config.key(key), default, fix)


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
