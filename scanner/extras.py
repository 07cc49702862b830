"""Optional backends: which pip extra brings which module, and the error when one is missing.

The core install reads local folders and mail files and detects; each heavy client library is an
extra (pyproject.toml `[project.optional-dependencies]`), as presidio-analyzer ships its
transformers and stanza engines. A source or feature that needs a missing one says which extra
to install in one line, instead of a traceback from deep inside an import.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

from scanner.errors import ConfigError, UnsupportedError

# extra -> the top-level modules it installs (keep in step with pyproject.toml)
EXTRAS: dict[str, tuple[str, ...]] = {
    "smb": ("smbclient", "smbprotocol", "impacket", "ldap3"),
    "exchange": ("exchangelib",),
    "o365": ("msal", "requests"),
    "pst": ("pypff",),
    "ocr": ("tesserocr", "pillow_heif"),
    "cluster": ("dask", "distributed"),
}
# module -> its distribution's name on PyPI, where they differ
DISTRIBUTION = {"smbclient": "smbprotocol", "pypff": "libpff-python", "pillow_heif": "pillow-heif"}


def extra_of(module: str) -> str | None:
    """The extra that installs `module` (or its top-level package), or None for core ones."""
    top = module.split(".")[0]
    return next((extra for extra, mods in EXTRAS.items() if top in mods), None)


def install_hint(extra: str) -> str:
    """The one command that fixes it."""
    return f"pip install 'noticescan[{extra}]'"


def missing(error: ModuleNotFoundError) -> tuple[str, str] | None:
    """(distribution, extra) when `error` is an optional backend's absence, else None."""
    name = error.name or ""
    extra = extra_of(name)
    if extra is None:
        return None
    top = name.split(".")[0]
    return DISTRIBUTION.get(top, top), extra


def absent(extra: str) -> str | None:
    """The first module of `extra` that is not installed, or None when all are."""
    return next((m for m in EXTRAS[extra] if not installed(m)), None)


def config_error(module: str, key: str, needed_by: str) -> ConfigError:
    """The ConfigError for an optional `module` that is not installed: names the extra."""
    found = missing(ModuleNotFoundError(name=module))
    if found is None:
        raise ValueError(f"{module} is not an optional backend")
    dist, extra = found
    problem = f"{needed_by} needs {dist}, which is not installed"
    return ConfigError(key, problem, install_hint(extra))


def require(module: str, needed_by: str) -> ModuleType:
    """Import an optional module inside a worker; its absence is the item's `unsupported` row."""
    try:
        return import_module(module)
    except ModuleNotFoundError as e:
        found = missing(e)
        if found is None:
            raise
        dist, extra = found
        raise UnsupportedError(
            f"{needed_by} needs {dist}, which is not installed: {install_hint(extra)}"
        ) from e


def installed(module: str) -> bool:
    """Whether `module` can be imported, without importing it."""
    try:
        return find_spec(module) is not None
    except (ImportError, ValueError):
        return False
