"""Local folders (and single files): the simplest Source, and the model for the others.

The walk is an explicit stack over os.scandir so it streams (no list of the tree) and reuses the
stat data the directory listing already returned. File names are bytes on Linux; a name that is
not valid UTF-8 keeps its real path in `ref` (surrogate-escaped) and shows as a readable,
backslash-escaped string in the uri, because Parquet strings must be UTF-8.
"""

from __future__ import annotations

import fnmatch
import os
import pwd
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import ClassVar

from scanner.config import ScanConfig, SourceConfig
from scanner.errors import ConfigError, SourceError, TooLargeError
from scanner.models import Item, ItemResult, Status


def display(path: str) -> str:
    r"""A UTF-8-safe rendering of a filesystem path (undecodable bytes as \\xNN)."""
    if path.isascii():  # the common case, and the walk calls this twice per file
        return path
    return os.fsencode(path).decode("utf-8", "backslashreplace")


@lru_cache(maxsize=1024)
def _owner(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def _globs(config: SourceConfig, key: str) -> tuple[str, ...]:
    value = config.options.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(
            config.key(key),
            f"must be a list of glob strings, got {value!r}",
            f'write {key} = ["*.tmp"]',
        )
    return tuple(value)


def matches(rel: str, name: str, patterns: tuple[str, ...]) -> bool:
    """True when a glob matches the path relative to the root or the bare name."""
    return any(fnmatch.fnmatchcase(rel, p) or fnmatch.fnmatchcase(name, p) for p in patterns)


class LocalSource:
    """`type = "local"`: a folder or file here. Keys: path, include, exclude, max_depth."""

    type: ClassVar[str] = "local"

    def __init__(self, config: SourceConfig, scan: ScanConfig) -> None:
        self.id = config.id
        self.store = config.store
        self.location = config.location
        self.limits = scan.limits
        raw = config.options.get("path")
        if not isinstance(raw, str) or not raw:
            raise ConfigError(
                config.key("path"), "is required for a local source", 'add path = "/srv/share"'
            )
        self.root = (scan.base_dir / raw).resolve() if not os.path.isabs(raw) else Path(raw)
        self.include = _globs(config, "include")
        self.exclude = _globs(config, "exclude")
        depth = config.options.get("max_depth", -1)
        if not isinstance(depth, int) or isinstance(depth, bool):
            raise ConfigError(
                config.key("max_depth"),
                f"must be an integer, got {depth!r}",
                "use -1 for unlimited",
            )
        self.max_depth = depth
        unknown = set(config.options) - {"id", "path", "include", "exclude", "max_depth"}
        if unknown:
            key = sorted(unknown)[0]
            raise ConfigError(
                config.key(key),
                "is not a setting of local sources",
                "remove it; see docs/sources.md",
            )

    def _item(self, path: str, st: os.stat_result, name: str | None = None) -> Item:
        return Item(
            uri=display(path),
            source=self.id,
            store=self.store,
            name=display(name if name is not None else os.path.basename(path)),
            size=st.st_size,
            modified=datetime.fromtimestamp(st.st_mtime, UTC),
            owner=_owner(st.st_uid),
            location=self.location,
            ref=path,
        )

    def _error(self, path: str, problem: str) -> ItemResult:
        item = Item(
            uri=display(path),
            source=self.id,
            store=self.store,
            name=display(os.path.basename(path)),
            location=self.location,
        )
        return ItemResult(item=item, status=Status.ERROR, message=problem)

    def walk(self) -> Iterator[Item | ItemResult]:
        """Depth-first walk; unreadable folders become error rows, symlinks are not followed."""
        root = str(self.root)
        try:
            st = os.stat(root)
        except OSError as e:
            raise SourceError(
                f"local source {self.id}: {display(root)} cannot be read ({e.strerror}); "
                "check the path"
            ) from e
        if stat.S_ISREG(st.st_mode):
            yield self._item(root, st)
            return
        stack: list[tuple[str, int]] = [(root, 0)]
        cut = len(os.path.join(root, ""))  # entry paths start with root + "/": slice, no relpath
        while stack:
            folder, depth = stack.pop()
            try:
                with os.scandir(folder) as it:
                    entries = sorted(it, key=lambda e: e.name, reverse=True)
            except OSError as e:
                yield self._error(folder, f"folder cannot be listed: {e.strerror}")
                continue
            for entry in entries:
                rel = entry.path[cut:]
                if self.exclude and matches(rel, entry.name, self.exclude):
                    continue
                try:
                    if entry.is_dir(follow_symlinks=False):
                        if self.max_depth < 0 or depth < self.max_depth:
                            stack.append((entry.path, depth + 1))
                        continue
                    if not entry.is_file(follow_symlinks=False):
                        continue  # symlinks, sockets, devices: never followed or read
                    if self.include and not matches(rel, entry.name, self.include):
                        continue
                    yield self._item(entry.path, entry.stat(follow_symlinks=False), entry.name)
                except OSError as e:
                    yield self._error(entry.path, f"cannot be examined: {e.strerror}")

    def read(self, item: Item) -> bytes:
        """Read the whole file, refusing past limits.max_file_bytes."""
        limit = self.limits.max_file_bytes
        with open(item.ref, "rb") as fh:
            data = fh.read(limit + 1)
        if len(data) > limit:
            raise TooLargeError(
                f"file is larger than limits.max_file_mb ({self.limits.max_file_mb:g} MB)"
            )
        return data

    def close(self) -> None:
        """Nothing to release."""
