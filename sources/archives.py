"""Mail archives given directly: PST/OST, mbox, Maildir, .eml and .msg, one Item per message.

A local folder scan meets archives as plain files and hands them to extraction whole; this
source is for archives named on purpose (an exported mailbox, a leaver's PST) where each
message should be its own item with its own sender, recipients and received date, so that the
retention check sees a 2009 message in a 2024 archive as what it is.

Listing reads only headers: mbox is scanned once for `From ` separators and each message is
located by byte range; Maildir by key; PST by the libpff locator of scanner/extract/pst.py.
Workers re-open the file and read one message (a PST is kept open per process). PST and .msg
messages are rebuilt as RFC 822, so every message goes through the same eml extractor and its
attachments become nested items there.

URIs start with the archive's path as the local source writes it: `/a/b.mbox#3` (1-based),
`/a/Maildir#<key>` (a Maildir++ sub-folder is its own directory: `/a/Maildir/.Sent#<key>`),
`/a/b.pst#/Top%20of%20Personal%20Folders/Inbox/2`, and the file's own path for .eml and .msg.
"""

from __future__ import annotations

import mailbox
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from scanner.config import ScanConfig, SourceConfig
from scanner.errors import ConfigError, SourceError, TooLargeError
from scanner.extract import pst as pstfile
from scanner.extract.msg import msg_to_rfc822
from scanner.extras import install_hint, installed
from scanner.mailparts import HEADER_PEEK_BYTES, header_date, message_metadata, parse_headers
from scanner.models import Item, ItemResult, Status
from scanner.options import Opt
from sources.local import display
from sources.options import read_options

OPTIONS = {"id": Opt(str, ""), "path": Opt(str, fix='add path = "exports/mailbox.pst"')}
PST_SUFFIXES = {".pst", ".ost"}
MBOX_SUFFIXES = {".mbox", ".mbx"}


def _uri(path: Path) -> str:
    """The same URI the local source gives the archive file, so message URIs line up."""
    return display(str(path))


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)


def is_maildir(path: Path) -> bool:
    """Tell whether `path` is a Maildir: a directory with cur/, new/ and tmp/."""
    return all((path / sub).is_dir() for sub in ("cur", "new", "tmp"))


def _is_mbox(path: Path) -> bool:
    if path.suffix.lower() in MBOX_SUFFIXES:
        return True
    if path.suffix:
        return False
    # Thunderbird and mutt keep mbox files without a suffix (`Inbox`, `Sent`).
    with path.open("rb") as f:
        return f.read(5) == b"From "


def iter_mbox(path: Path) -> Iterator[tuple[int, int, bytes]]:
    """(start, end, header bytes) of each message, reading the file once, line by line.

    start is the offset just after the `From ` separator line; end is where the next separator
    starts. The header bytes are at most HEADER_PEEK_BYTES of the message's start.
    """
    with path.open("rb") as f:
        start: int | None = None
        head = bytearray()
        in_header = False
        offset = 0
        previous_blank = True
        for line in f:
            if line.startswith(b"From ") and previous_blank:
                if start is not None:
                    yield start, offset, bytes(head)
                start = offset + len(line)
                head.clear()
                in_header = True
            elif in_header:
                if line in (b"\n", b"\r\n") or len(head) >= HEADER_PEEK_BYTES:
                    in_header = False
                else:
                    head += line
            previous_blank = line in (b"\n", b"\r\n")
            offset += len(line)
        if start is not None:
            yield start, offset, bytes(head)


def read_mbox_message(path: Path, start: int, end: int) -> bytes:
    """One mbox message; the blank line that separates it from the next is not part of it."""
    with path.open("rb") as f:
        f.seek(start)
        data = f.read(end - start)
    if data.endswith(b"\r\n\r\n"):
        return data[:-2]
    if data.endswith(b"\n\n"):
        return data[:-1]
    return data


class ArchiveSource:
    """One `[[source]] type = "archive"`: a mail archive file or a folder holding archives."""

    type: ClassVar[str] = "archive"

    def __init__(self, config: SourceConfig, scan: ScanConfig) -> None:
        """Validate `path` (relative to the config file's folder)."""
        self.config = config
        self.id = config.id
        self.limits = scan.limits
        raw = read_options(config, OPTIONS)["path"]
        if not raw:
            raise ConfigError(config.key("path"), "is empty", 'write path = "exports/mailbox.pst"')
        self.path = (scan.base_dir / raw).resolve()
        self.root_uri = _uri(self.path)
        if self.path.suffix.lower() in PST_SUFFIXES and not installed("pypff"):
            raise ConfigError(
                config.key("path"), "reading PST/OST files needs libpff-python, which is not "
                "installed", install_hint("pst"),
            )  # fmt: skip
        self._open_pst: tuple[Path, Any] | None = None

    # -- listing ------------------------------------------------------------------------------

    def walk(self) -> Iterator[Item | ItemResult]:
        """Yield one Item per message in every archive under `path`.

        A missing path is an unreachable source, not a bad config: an archive on a share that
        is not mounted tonight must not stop the scan of every other source.
        """
        if not self.path.exists():
            raise SourceError(
                f"archive source {self.id}: {self.root_uri} does not exist; check the path "
                f"({self.config.key('path')}) or the mount it is on"
            )
        if self.path.is_file():
            yield from self._walk_file(self.path)
            return
        for root, dirs, files in os.walk(self.path, onerror=None):
            here = Path(root)
            dirs.sort()
            if is_maildir(here):
                yield from self._guard(here, self._walk_maildir(here))
                # Maildir++ keeps sub-folders as dot-directories beside cur/new/tmp.
                dirs[:] = [d for d in dirs if d not in {"cur", "new", "tmp"}]
            for name in sorted(files):
                yield from self._walk_file(here / name)

    def _walk_file(self, path: Path) -> Iterator[Item | ItemResult]:
        suffix = path.suffix.lower()
        if suffix in PST_SUFFIXES:
            yield from self._guard(path, self._walk_pst(path))
        elif suffix == ".eml":
            yield from self._guard(path, self._walk_eml(path))
        elif suffix == ".msg":
            yield from self._guard(path, self._walk_msg(path))
        elif _is_mbox(path):
            yield from self._guard(path, self._walk_mbox(path))

    def _guard(self, path: Path, items: Iterator[Item]) -> Iterator[Item | ItemResult]:
        """Turn an archive that cannot be listed (corrupt, unreadable) into an error row."""
        try:
            yield from items
        except Exception as e:  # any failure of one archive becomes that archive's row
            item = self._item(_uri(path), path.name, path, None, {})
            yield ItemResult(
                item=item,
                status=Status.ERROR,
                message=f"archive cannot be read: {type(e).__name__}: {e}",
            )

    def _item(
        self, uri: str, name: str, path: Path, received: datetime | None,
        metadata: dict[str, str], size: int | None = None, ref: Any = None,
    ) -> Item:  # fmt: skip
        return Item(
            uri=uri,
            source=self.id,
            store=self.config.store,
            name=name,
            parent_uri=_uri(path) if "#" in uri else None,
            size=size,
            modified=received or _mtime(path),
            location=self.config.location,
            metadata={"archive": str(path), **metadata},
            ref=ref,
        )

    def _walk_mbox(self, path: Path) -> Iterator[Item]:
        for n, (start, end, head) in enumerate(iter_mbox(path), 1):
            headers = parse_headers(head)
            yield self._item(
                f"{_uri(path)}#{n}", f"{n}.eml", path, header_date(headers),
                message_metadata(headers), end - start, ("mbox", str(path), start, end),
            )  # fmt: skip

    def _walk_maildir(self, path: Path) -> Iterator[Item]:
        box = mailbox.Maildir(path, factory=None, create=False)
        for key in sorted(box.iterkeys()):
            with box.get_file(key) as f:
                headers = parse_headers(f.read(HEADER_PEEK_BYTES))
                f.seek(0, os.SEEK_END)
                size = f.tell()
            yield self._item(
                f"{_uri(path)}#{key}", f"{key}.eml", path, header_date(headers),
                message_metadata(headers), size, ("maildir", str(path), key),
            )  # fmt: skip

    def _walk_eml(self, path: Path) -> Iterator[Item]:
        with path.open("rb") as f:
            headers = parse_headers(f.read(HEADER_PEEK_BYTES))
        yield self._item(
            _uri(path), path.name, path, header_date(headers), message_metadata(headers),
            path.stat().st_size, ("file", str(path)),
        )  # fmt: skip

    def _walk_msg(self, path: Path) -> Iterator[Item]:
        _raw, metadata, received = msg_to_rfc822(path)
        yield self._item(
            _uri(path), path.stem + ".eml", path, received, metadata, path.stat().st_size,
            ("msg", str(path)),
        )  # fmt: skip

    def _walk_pst(self, path: Path) -> Iterator[Item]:
        pst = pstfile.open_pst(path)
        try:
            for entry in pstfile.iter_pst_entries(pst):
                yield self._item(
                    _uri(path) + entry.suffix, entry.name, path, entry.received,
                    entry.metadata, None, ("pst", str(path), entry.locator),
                )  # fmt: skip
        finally:
            pst.close()

    # -- reading ------------------------------------------------------------------------------

    def read(self, item: Item) -> bytes:
        """Return one message as RFC 822 bytes."""
        if item.data is not None:
            return item.data
        if item.size is not None and item.size > self.limits.max_file_bytes:
            raise TooLargeError(f"message is {item.size} bytes, over limits.max_file_mb")
        kind, path, *rest = item.ref
        if kind == "mbox":
            return read_mbox_message(Path(path), rest[0], rest[1])
        if kind == "maildir":
            return mailbox.Maildir(path, factory=None, create=False).get_bytes(rest[0])
        if kind == "msg":
            return msg_to_rfc822(Path(path))[0]
        if kind == "pst":
            return pstfile.read_pst_message(self._pst(Path(path)), rest[0])
        return Path(path).read_bytes()

    def _pst(self, path: Path) -> Any:
        """Return this worker's open PST; one at a time, as messages arrive archive by archive."""
        if self._open_pst is None or self._open_pst[0] != path:
            self.close()
            self._open_pst = (path, pstfile.open_pst(path))
        return self._open_pst[1]

    def close(self) -> None:
        """Close the PST this process has open, if any."""
        if self._open_pst is not None:
            self._open_pst[1].close()
            self._open_pst = None
