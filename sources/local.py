"""Local folders (and single files): the simplest Source, and the model for the others.

The walk is an explicit stack over os.scandir so it streams (no list of the tree) and reuses the
stat data the directory listing already returned. File names are bytes on Linux; a name that is
not valid UTF-8 keeps its real path in `ref` (surrogate-escaped) and shows as a readable,
backslash-escaped string in the uri, because Parquet strings must be UTF-8.

Only regular files are read. A symlink is never followed (it may loop, or lead out of the
source into anything on the machine), and FIFOs, sockets and devices are not files (reading a
FIFO blocks forever, a device never ends): each gets a `skipped` row saying what it is, so the
output shows it exists and why it was not read.
"""

from __future__ import annotations

import fnmatch
import os
import pwd
import stat
from collections.abc import Iterator
from functools import lru_cache
from operator import attrgetter
from pathlib import Path
from typing import ClassVar

from scanner.config import ScanConfig, SourceConfig
from scanner.errors import ConfigError, ItemError, SourceError, TooLargeError
from scanner.models import Item, ItemResult, Status
from scanner.options import Opt
from sources.base import Folder, WalkStep
from sources.listing import CHUNK, Listing
from sources.options import read_options

WALK_CHUNK = 256  # files per step of walk(): the workers get the first items at once
SKIPPED = Status.SKIPPED


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


_by_name = attrgetter("name")

# What a non-regular entry is, and why it is not read (the `error` of its skipped row).
_SPECIAL = (
    (stat.S_ISLNK, "symbolic link: not followed (it may loop or lead outside the source)"),
    (stat.S_ISFIFO, "named pipe (FIFO): not a file, not read"),
    (stat.S_ISSOCK, "socket: not a file, not read"),
    (stat.S_ISCHR, "character device: not a file, not read"),
    (stat.S_ISBLK, "block device: not a file, not read"),
)


def special_kind(mode: int) -> str:
    """Why an entry that is not a regular file or a folder is skipped."""
    return next((why for test, why in _SPECIAL if test(mode)), "not a regular file, not read")


OPTIONS = {
    "id": Opt(str, ""),
    "path": Opt(str, fix='add path = "/srv/share"'),
    "include": Opt(list, [], fix='write include = ["*.docx"]', strings=True),
    "exclude": Opt(list, [], fix='write exclude = ["*.tmp"]', strings=True),
    "max_depth": Opt(int, -1, fix="use -1 for unlimited"),
}


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
        opts = read_options(config, OPTIONS)
        raw = opts["path"]
        if not raw:
            raise ConfigError(config.key("path"), "is empty", 'write path = "/srv/share"')
        self.root = (scan.base_dir / raw).resolve() if not os.path.isabs(raw) else Path(raw)
        self.root_uri = display(str(self.root))
        self.include = tuple(opts["include"])
        self.exclude = tuple(opts["exclude"])
        self.max_depth = opts["max_depth"]

    def _row(self, path: str, problem: str, status: Status = Status.ERROR) -> ItemResult:
        item = Item(
            uri=display(path),
            source=self.id,
            store=self.store,
            name=display(os.path.basename(path)),
            location=self.location,
        )
        return ItemResult(item=item, status=status, message=problem)

    def walk(self) -> Iterator[Item | ItemResult]:
        """Depth-first walk; unreadable folders become error rows, special files skipped rows."""
        for chunk in self.listing(WALK_CHUNK):
            yield from chunk.rows()
            for i in range(len(chunk)):
                yield chunk.item(i)

    def listing(self, chunk: int = CHUNK) -> Iterator[Listing]:
        """The walk as columns, `chunk` files at a time (see sources.listing).

        An explicit stack over os.scandir, so it streams (no list of the tree) and reuses the
        stat data the directory listing already returned.
        """
        st = self._root()
        if stat.S_ISREG(st.st_mode):
            yield self._single(st)
            return
        yield from self._list_from([(str(self.root), 0)], chunk)

    def walk_step(self, folders: list[Folder] | None, files: int) -> WalkStep:
        """One part of a split walk (sources.base.SplitWalk): a chunk, and the folders left."""
        if folders is None:  # the root: a single file, or the first folders of the tree
            st = self._root()
            if stat.S_ISREG(st.st_mode):
                return WalkStep(self._single(st), [])
            folders = [Folder(str(self.root), 0, self.root_uri)]
        stack = [(f.ref, f.depth) for f in folders]
        # The generator suspends right after a full chunk, between two folders: what is still
        # on the stack then is exactly what it has not listed.
        found = next(self._list_from(stack, files), None) or self._listing()
        return WalkStep(found, [Folder(path, depth, display(path)) for path, depth in stack])

    def _root(self) -> os.stat_result:
        try:
            return os.stat(self.root)
        except OSError as e:
            raise SourceError(
                f"local source {self.id}: {display(str(self.root))} cannot be read "
                f"({e.strerror}); check the path"
            ) from e

    def _single(self, st: os.stat_result) -> Listing:
        """The listing of a source that is one file."""
        out = self._listing()
        self._add(out, str(self.root), self.root.name, st)
        return out

    def _list_from(self, stack: list[tuple[str, int]], chunk: int) -> Iterator[Listing]:
        """Depth-first from `stack` (folder, depth), which it consumes; `chunk` files a step."""
        out = self._listing()
        cut = len(os.path.join(str(self.root), ""))  # entry paths start with root + "/"
        while stack:
            folder, depth = stack.pop()
            try:
                with os.scandir(folder) as it:
                    entries = sorted(it, key=_by_name, reverse=True)
            except OSError as e:
                out.errors.append(self._row(folder, f"folder cannot be listed: {e.strerror}"))
                continue
            for entry in entries:
                if self.exclude and matches(entry.path[cut:], entry.name, self.exclude):
                    continue
                try:
                    if entry.is_dir(follow_symlinks=False):
                        if self.max_depth < 0 or depth < self.max_depth:
                            stack.append((entry.path, depth + 1))
                        continue
                    if self.include and not matches(entry.path[cut:], entry.name, self.include):
                        continue
                    st = entry.stat(follow_symlinks=False)
                except OSError as e:
                    out.errors.append(self._row(entry.path, f"cannot be examined: {e.strerror}"))
                    continue
                if not stat.S_ISREG(st.st_mode):  # symlinks, pipes, sockets, devices
                    out.skipped.append(self._row(entry.path, special_kind(st.st_mode), SKIPPED))
                    continue
                # Inline, not self._add(): this loop runs once per file of the estate.
                path, name = entry.path, entry.name
                out.uris.append(path if path.isascii() else display(path))
                out.names.append(name if name.isascii() else display(name))
                out.sizes.append(st.st_size)
                out.mtimes.append(st.st_mtime)
                out.owners.append(_owner(st.st_uid))
                out.refs.append(path)
            if len(out.uris) >= chunk:
                yield out
                out = self._listing()
        if out.uris or out.rows():
            yield out

    def _listing(self) -> Listing:
        return Listing(self.id, self.store, self.location)

    @staticmethod
    def _add(out: Listing, path: str, name: str, st: os.stat_result) -> None:
        out.uris.append(display(path))
        out.names.append(display(name))
        out.sizes.append(st.st_size)
        out.mtimes.append(st.st_mtime)
        out.owners.append(_owner(st.st_uid))
        out.refs.append(path)

    def read(self, item: Item) -> bytes:
        """Read the whole file, refusing (unread) one over limits.max_file_bytes.

        The size is checked on the open file before reading: a file that grew past the limit
        since it was listed is refused without reading its first bytes. O_NONBLOCK: a file
        swapped for a FIFO since the listing must not block the worker (fstat then refuses it).
        """
        limit = self.limits.max_file_bytes
        fd = os.open(item.ref, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
        with open(fd, "rb") as fh:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise ItemError(f"{special_kind(st.st_mode)} (it was a file when listed)")
            if st.st_size > limit:
                raise TooLargeError(
                    f"{st.st_size:,} bytes is over limits.max_file_mb "
                    f"({self.limits.max_file_mb:g} MB): not read"
                )
            # Sized by fstat: read(limit + 1) would allocate the whole limit for every small
            # file. A file that grew since fstat is read on to the limit.
            data = fh.read(st.st_size + 1)
            if len(data) > st.st_size:
                data += fh.read(limit + 1 - len(data))
        if len(data) > limit:  # grew while being read
            raise TooLargeError(
                f"file is larger than limits.max_file_mb ({self.limits.max_file_mb:g} MB)"
            )
        return data

    def close(self) -> None:
        """Nothing to release."""
