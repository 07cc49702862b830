"""The Source contract: list items cheaply, read one item's bytes on demand.

A source never extracts or detects. `walk()` runs in the main process and must stream (a
generator; never a list of the whole tree) and use listing metadata rather than a round trip
per item. `read()` runs in worker processes: each worker builds its own Source objects from the
config, so connections are opened lazily, per process. A folder that cannot be listed is yielded
as an ItemResult with status `error` (recorded, never fatal); `read()` raises an ItemError
subclass (or any exception) for a failed item.

Register a new source type in `sources/registry.py` (one line) and document its keys in
config.example.toml and docs/sources.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar, Protocol, runtime_checkable

from scanner.config import ScanConfig, SourceConfig
from scanner.models import Item, ItemResult
from sources.listing import Listing


class Source(Protocol):
    """One configured `[[source]]`."""

    type: ClassVar[str]
    id: str

    def __init__(self, config: SourceConfig, scan: ScanConfig) -> None:
        """Validate `config.options`, raising ConfigError naming the key, problem and fix."""
        ...

    def walk(self) -> Iterator[Item | ItemResult]:
        """Yield every item (or an error row for what could not be listed), streaming."""
        ...

    def read(self, item: Item) -> bytes:
        """Return the item's content; raise TooLargeError past limits.max_file_bytes."""
        ...

    def close(self) -> None:
        """Release connections; called once per process at the end."""
        ...


@runtime_checkable
class Rooted(Protocol):
    """A source one uri names whole (a folder, a share, a mail server): what an outage names."""

    root_uri: str


@runtime_checkable
class Listed(Protocol):
    """A source whose walk is a plain file listing, offered as columns (sources.listing)."""

    def listing(self, chunk: int = ...) -> Iterator[Listing]:
        """The walk as Listing chunks."""
        ...
