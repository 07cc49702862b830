"""The one list of built-in source types, by name: a source's module is imported on first use.

Adding a source = one module + its test + one line here (docs/extending.md). Entries name
"module:Class" instead of importing the classes, so that `noticescan --help` and a scan of local
folders never import an SMB, Exchange or Microsoft 365 client library (and a missing optional
one is a one-line error naming the pip extra, only when that source type is configured).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from scanner.config import ScanConfig, SourceConfig
from scanner.errors import ConfigError
from scanner.extras import absent, config_error, missing

if TYPE_CHECKING:
    from sources.base import Source

SOURCE_TYPES: dict[str, str] = {
    "local": "sources.local:LocalSource",
    "graph": "sources.graph:GraphSource",
    "graph_files": "sources.graph_files:GraphFilesSource",
    "ews": "sources.ews:EwsSource",
    "smb": "sources.smb:SmbSource",
    "imap": "sources.imap:ImapSource",
    "archive": "sources.archives:ArchiveSource",
}
# The pip extra each source type needs (scanner/extras.py); the others need only the core.
SOURCE_EXTRAS: dict[str, str] = {
    "smb": "smb",
    "ews": "exchange",
    "graph": "o365",
    "graph_files": "o365",
}


def source_class(sc: SourceConfig) -> type[Source]:
    """The class of a configured source's type, imported now."""
    spec = SOURCE_TYPES.get(sc.type)
    if spec is None:
        raise ConfigError(
            sc.key("type"),
            f"unknown source type {sc.type!r}",
            f"use one of: {', '.join(sorted(SOURCE_TYPES))}",
        )
    needed_by = f"the {sc.type} source"
    # Checked before the import, because some clients are imported only when first used.
    gap = absent(SOURCE_EXTRAS[sc.type]) if sc.type in SOURCE_EXTRAS else None
    if gap:
        raise config_error(gap, sc.key("type"), needed_by)
    module, _, name = spec.partition(":")
    try:
        cls: type[Source] = getattr(import_module(module), name)
    except ModuleNotFoundError as e:
        if e.name is None or missing(e) is None:
            raise
        raise config_error(e.name, sc.key("type"), needed_by) from e
    return cls


def build_sources(scan: ScanConfig) -> list[Source]:
    """Construct (and so validate) every configured source."""
    return [source_class(sc)(sc, scan) for sc in scan.sources]
