"""Compressed files and tar archives: gzip, bzip2, xz (.gz/.bz2/.xz, .tgz/.tbz2/.txz) and tar.

A single compressed stream is an encoding, not a container: `notes.txt.gz` is scanned as the
text file it holds (its findings sit on the `.gz` item, located as the text's lines), by handing
the decompressed bytes to the extractor their content calls for. A tar (bare or compressed) is
a container: every regular member becomes a Child (`#path/in/tar`), read one at a time from the
decompressing stream, so a 2 GB `.tar.gz` never sits in memory whole.

The zip bomb limits hold here too (archive.py): what a tar header declares is checked before a
member is read, and the bytes actually coming out are counted against the total, the per-file
size and the compression ratio, because a hostile header can lie. A bare gzip/bzip2/xz stream is
judged on its output alone: gzip's trailer size is modulo 4 GiB and sits after the data, so a
truncated file would show garbage there. Every layer of
compression counts as one level of nesting, so a gzip quine ends at limits.archive_depth.
"""

from __future__ import annotations

import bz2
import dataclasses
import gzip
import io
import lzma
import struct
import tarfile
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import IO, ClassVar

from scanner.errors import UnsupportedError
from scanner.extract.archive import (
    check_depth,
    is_bomb,
    read_limited,
    too_large,
)
from scanner.extract.base import Child, ExtractContext, Output

TAR_MAGIC_AT = 257
# Compressed-name suffixes and what the decompressed file is called.
INNER_SUFFIX = {"tgz": "tar", "tbz2": "tar", "tbz": "tar", "txz": "tar", "svgz": "svg"}


def is_tar(head: bytes) -> bool:
    """POSIX/GNU tar by the `ustar` magic of the first header, or a v7 header whose checksum holds.

    v7 tars (no magic) are rare but still written by old backup scripts; the header checksum
    makes the test exact enough not to claim random binaries.
    """
    if head[TAR_MAGIC_AT : TAR_MAGIC_AT + 5] == b"ustar":
        return True
    if len(head) < 512 or not head[:1].strip(b"\0"):
        return False
    try:
        stored = int(head[148:156].replace(b"\0", b" ").strip() or b"-1", 8)
    except ValueError:
        return False
    header = head[:148] + b" " * 8 + head[156:512]
    return stored == sum(header)


def gzip_name(data: bytes) -> str:
    """The original file name a gzip header carries (FNAME, RFC 1952), or ''."""
    if len(data) < 10 or not data[3] & 0x08:
        return ""
    pos = 10
    if data[3] & 0x04:  # FEXTRA comes before the name
        pos += 2 + struct.unpack_from("<H", data, pos)[0]
    end = data.find(b"\0", pos, pos + 1024)
    return data[pos:end].decode("latin-1").rsplit("/", 1)[-1] if end > 0 else ""


def inner_name(name: str, data: bytes, kind: str) -> str:
    """What the decompressed file is called: the gzip FNAME, else the name less its suffix."""
    stored = gzip_name(data) if kind == "gzip" else ""
    if stored:
        return stored
    stem, dot, ext = name.rpartition(".")
    if not dot:
        return name
    return f"{stem}.{INNER_SUFFIX[ext.lower()]}" if ext.lower() in INNER_SUFFIX else stem


def tar_members(stream: IO[bytes], compressed: int, ctx: ExtractContext) -> Iterator[Child]:
    """Regular members of a tar read front to back (tarfile's stream mode: no seeking)."""
    limits, name = ctx.limits, ctx.name
    budget = int(limits.archive_total_mb * 1024 * 1024)
    produced = members = 0
    with tarfile.open(fileobj=stream, mode="r|") as tar:
        for info in tar:
            members += 1
            if members > limits.archive_members:
                problem = f"holds more than {limits.archive_members} members"
                raise too_large(name, problem, "archive_members")
            if not info.isfile():
                continue  # directories, links, devices: nothing to read
            if info.size > budget - produced:
                problem = f"member {info.name!r} declares {info.size} bytes, past the total limit"
                raise too_large(name, problem, "archive_total_mb")
            member = tar.extractfile(info)
            if member is None:
                continue
            args = (budget - produced, compressed, limits, name, info.name)
            content = read_limited(member, *args)
            produced += len(content)
            if is_bomb(produced, compressed, limits):
                problem = f"the archive inflates past {limits.archive_ratio:.0f}:1"
                raise too_large(name, problem, "archive_ratio")
            modified = datetime.fromtimestamp(info.mtime, UTC) if info.mtime > 0 else None
            base = info.name.rstrip("/").rsplit("/", 1)[-1] or info.name
            yield Child(f"#{info.name}", base, content, modified)


class TarExtractor:
    """Uncompressed tar: members as children."""

    name: ClassVar[str] = "tar"

    def sniff(self, head: bytes, filename: str) -> bool:
        """The tar header magic (or a valid v7 header checksum)."""
        return is_tar(head)

    def extract(self, data: bytes, ctx: ExtractContext) -> Iterator[Output]:
        """Members in archive order, within the archive limits."""
        check_depth(ctx)
        yield from tar_members(io.BytesIO(data), len(data), ctx)


class _Stream:
    """One compression format: its magic test and its decompressing reader (stdlib)."""

    name: ClassVar[str]

    def sniff(self, head: bytes, filename: str) -> bool:  # pragma: no cover - overridden
        """Overridden by each format."""
        raise NotImplementedError

    def reader(self, raw: IO[bytes]) -> IO[bytes]:  # pragma: no cover - overridden
        """A file object giving the decompressed bytes of `raw`."""
        raise NotImplementedError

    def extract(self, data: bytes, ctx: ExtractContext) -> Iterator[Output]:
        """A tar inside is streamed member by member; anything else is read as what it is."""
        check_depth(ctx)
        with self.reader(io.BytesIO(data)) as stream:
            head = stream.read(512)
        if is_tar(head):
            with self.reader(io.BytesIO(data)) as stream:
                yield from tar_members(stream, len(data), ctx)
            return
        inner = inner_name(ctx.name, data, self.name)
        with self.reader(io.BytesIO(data)) as stream:
            budget = int(ctx.limits.archive_total_mb * 1024 * 1024)
            content = read_limited(stream, budget, len(data), ctx.limits, ctx.name, inner)
        if ctx.choose is None:
            raise UnsupportedError(
                f"{ctx.name}: decompressed ({self.name}), but this run gave no extractor "
                "registry to read the content with (ExtractContext.choose)"
            )
        extractor = ctx.choose(content, inner)
        if extractor is None:
            raise UnsupportedError(
                f"{ctx.name}: decompressed ({self.name}), but no extractor recognises the "
                f"content of {inner!r}"
            )
        yield from extractor.extract(
            content, dataclasses.replace(ctx, name=inner, depth=ctx.depth + 1)
        )


class GzipExtractor(_Stream):
    """gzip (.gz, .tgz, .svgz): RFC 1952."""

    name: ClassVar[str] = "gzip"

    def reader(self, raw: IO[bytes]) -> IO[bytes]:
        """Multi-member gzip files are read to the end, as gunzip does."""
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]

    def sniff(self, head: bytes, filename: str) -> bool:
        """Magic 1f 8b and the deflate method byte."""
        return head[:3] == b"\x1f\x8b\x08"


class Bzip2Extractor(_Stream):
    """bzip2 (.bz2, .tbz2)."""

    name: ClassVar[str] = "bzip2"

    def reader(self, raw: IO[bytes]) -> IO[bytes]:
        """Concatenated bzip2 streams (pbzip2) are read to the end."""
        return bz2.BZ2File(raw, mode="rb")

    def sniff(self, head: bytes, filename: str) -> bool:
        """`BZh1`..`BZh9` followed by a block or end-of-stream magic."""
        return (
            head[:3] == b"BZh"
            and head[3:4].isdigit()
            and head[4:10] in (b"1AY&SY", b"\x17rE8P\x90")
        )


class XzExtractor(_Stream):
    """xz (.xz, .txz)."""

    name: ClassVar[str] = "xz"

    def reader(self, raw: IO[bytes]) -> IO[bytes]:
        """Any xz check type; the container format only (not raw .lzma)."""
        return lzma.LZMAFile(raw, mode="rb")

    def sniff(self, head: bytes, filename: str) -> bool:
        """The xz stream header magic."""
        return head[:6] == b"\xfd7zXZ\x00"
