"""The Source contract: list items cheaply, read one item's bytes on demand.

A source never extracts or detects. `walk()` runs in the main process and must stream (a
generator; never a list of the whole tree) and use listing metadata rather than a round trip
per item. `read()` runs in worker processes: each worker builds its own Source objects from the
config, so connections are opened lazily, per process. A folder that cannot be listed is yielded
as an ItemResult with status `error` (recorded, never fatal); `read()` raises an ItemError
subclass (or any exception) for a failed item.

Register a new source type in `sources/registry.py` (one line) and document its keys in
config.example.toml and docs/sources.md.

A source may also implement an optional capability (a Protocol below, checked with isinstance,
never by probing attributes): `ChangeTracking` (list only what changed since the last complete
scan), `NamesPrincipals` (say how it turned SIDs into names, for scan.json) and `SplitWalk` (walk
in parts, a folder stack at a time, so that a Dask cluster's workers can share the listing).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, runtime_checkable

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

    def walk(self) -> Iterator[Item | ItemResult | Changes]:
        """Yield every item (or an error row for what could not be listed), streaming.

        Only a ChangeTracking source that was given a saved state yields Changes.
        """
        ...

    def read(self, item: Item) -> bytes:
        """Return the item's content; raise TooLargeError past limits.max_file_bytes."""
        ...

    def close(self) -> None:
        """Release connections; called once per process at the end."""
        ...


@dataclass(frozen=True, slots=True)
class Changes:
    """The end of one container's listing that held only what changed since the saved state.

    A ChangeTracking source yields it after the container's new and changed items (a mail
    folder, a drive). Every item of the container has a uri of the form `prefix` + a name
    without "/" (a sub-folder's items, deeper below the prefix, are not the container's). The
    items it did not list are unchanged and are carried forward from the state, except
    `removed` (uris the listing says are gone). A container listed in full yields no Changes:
    what it did not list is gone, as for any other source.
    """

    source: str
    prefix: str
    removed: tuple[str, ...] = ()


@runtime_checkable
class ChangeTracking(Protocol):
    """A source whose server can list changes since a sync point (delta links, UIDs, SyncState).

    The pipeline calls `start_from` before an `--incremental` walk with the state the last
    complete scan saved (under the same analysis settings); the walk then yields Changes for the
    containers it listed as changes only. After a complete scan it saves `sync_state()`, keyed by
    container prefix (the Changes prefixes): a container whose items could not all be read
    this time is left out, so the next scan lists it in full and reads them again.
    """

    def start_from(self, saved: Mapping[str, str]) -> None:
        """Take the saved sync state (container prefix -> the source's own opaque value)."""
        ...

    def sync_state(self) -> dict[str, str]:
        """After walk(): the state to resume from next time, for the containers it reached."""
        ...


@dataclass(slots=True)
class PrincipalLookups:
    """How a source turned SIDs into names: unnamed principals must be visible, not silent."""

    method: str  # e.g. "lsa", "lsa+ldap", "off"
    resolved: int = 0
    unresolved: list[str] = field(default_factory=list)  # SIDs no lookup could name
    errors: list[str] = field(default_factory=list)  # lookups that failed (then not retried)


@dataclass(frozen=True, slots=True)
class NameFacts:
    """The SIDs a walk (or a part of it, on another machine) named and could not name."""

    resolved: frozenset[str] = frozenset()
    unresolved: frozenset[str] = frozenset()
    errors: tuple[str, ...] = ()


@runtime_checkable
class NamesPrincipals(Protocol):
    """A source that names the principals (SIDs) in its items' owner and readers."""

    def principal_lookups(self) -> PrincipalLookups:
        """What the walk resolved and what stayed a SID."""

    def absorb(self, facts: NameFacts) -> None:
        """Add what a part of the walk that ran elsewhere (a Dask worker) named."""


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


@dataclass(frozen=True, slots=True)
class Folder:
    """A folder a split walk has still to list: the source's own reference to it, and its depth."""

    ref: Any  # picklable: a path (local), a share-relative path (smb)
    depth: int
    uri: str  # what an error row names if the folder cannot be listed


@dataclass(slots=True)
class WalkStep:
    """What one part of a split walk found, and the folders it found and did not list."""

    found: list[Item | ItemResult] | Listing
    rest: list[Folder]
    # A source that names principals: what its walks on that machine named so far.
    principals: NameFacts | None = None


@runtime_checkable
class SplitWalk(Protocol):
    """A source whose walk can be cut at folder boundaries and run in parts, anywhere.

    On a Dask cluster (docs/cluster.md) each part is a task on a worker, so listing ten million
    files is not the scanning machine's job: the first part lists from the root, and every part
    hands back the folders it did not reach, which become parts of their own. The parts together
    yield exactly what walk() yields (in another order). A part is listed in the worker's own
    process with the worker's own credentials.
    """

    def walk_step(self, folders: list[Folder] | None, files: int) -> WalkStep:
        """List `folders` (None: from the root) until at least `files` files were found.

        Stops only between folders, never in the middle of one, so nothing is lost.
        """
        ...
