"""The one list of built-in source types.

Adding a source = one module + its test + one line here (docs/extending.md).
"""

from __future__ import annotations

from scanner.config import ScanConfig
from scanner.errors import ConfigError
from sources.archives import ArchiveSource
from sources.base import Source
from sources.ews import EwsSource
from sources.graph import GraphSource
from sources.graph_files import GraphFilesSource
from sources.imap import ImapSource
from sources.local import LocalSource
from sources.smb import SmbSource

SOURCE_TYPES: dict[str, type[Source]] = {
    "local": LocalSource,
    "graph": GraphSource,
    "graph_files": GraphFilesSource,
    "ews": EwsSource,
    "smb": SmbSource,
    "imap": ImapSource,
    "archive": ArchiveSource,
}


def build_sources(scan: ScanConfig) -> list[Source]:
    """Construct (and so validate) every configured source."""
    built: list[Source] = []
    for sc in scan.sources:
        cls = SOURCE_TYPES.get(sc.type)
        if cls is None:
            raise ConfigError(
                sc.key("type"),
                f"unknown source type {sc.type!r}",
                f"use one of: {', '.join(sorted(SOURCE_TYPES))}",
            )
        built.append(cls(sc, scan))
    return built
