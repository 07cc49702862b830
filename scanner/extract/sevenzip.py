"""7-Zip archives (.7z) with py7zr: members as children, the zip bomb limits, encryption.

py7zr decompresses a whole archive in one call (solid archives can only be read front to back)
and hands each member to a writer object. To yield members one at a time instead of holding the
archive's whole content, the decompression runs in a helper thread whose writers pass each
finished member through a one-place queue: at most the member being written and the member being
scanned are in memory. A password-protected archive (content or header encryption) is
`encrypted`; the limits are checked on the sizes the header declares and on the bytes coming out.
"""

from __future__ import annotations

import io
import queue
import threading
from collections.abc import Iterator
from typing import Any, ClassVar

from scanner.config import Limits
from scanner.errors import EncryptedError
from scanner.extract.archive import check_declared_sizes, check_depth, is_bomb, too_large
from scanner.extract.base import Child, ExtractContext, Output

MAGIC = b"7z\xbc\xaf\x27\x1c"
_DONE = object()


class _StopError(Exception):
    """Raised inside py7zr's writer when the reader has gone (generator closed early)."""


class _Meter:
    """The archive-wide count of bytes out, shared by every member's writer."""

    def __init__(self, limits: Limits, name: str, compressed: int) -> None:
        self.limits, self.name, self.compressed = limits, name, compressed
        self.budget = int(limits.archive_total_mb * 1024 * 1024)
        self.produced = 0
        self.stop = threading.Event()

    def add(self, member: str, size: int, count: int) -> None:
        if self.stop.is_set():
            raise _StopError
        self.produced += count
        if self.produced > self.budget:
            problem = "inflates past its total size limit (headers understated the size)"
            raise too_large(self.name, problem, "archive_total_mb")
        if size > self.limits.max_file_bytes:
            problem = f"member {member!r} inflates past the file size limit"
            raise too_large(self.name, problem, "max_file_mb")
        if is_bomb(self.produced, self.compressed, self.limits):
            problem = f"the archive inflates past {self.limits.archive_ratio:.0f}:1"
            raise too_large(self.name, problem, "archive_ratio")


def _factory(meter: _Meter, out: queue.Queue[Any]) -> Any:
    """A py7zr WriterFactory whose writers count bytes and queue each member when it closes."""
    from py7zr.io import Py7zIO, WriterFactory

    class Writer(Py7zIO):
        def __init__(self, filename: str) -> None:
            self.filename = filename
            self.buf = bytearray()

        def write(self, s: bytes | bytearray) -> int:
            meter.add(self.filename, len(self.buf) + len(s), len(s))
            self.buf += s
            return len(s)

        def read(self, size: int | None = None) -> bytes:
            return b""

        def seek(self, offset: int, whence: int = 0) -> int:
            return 0

        def flush(self) -> None:
            return None

        def size(self) -> int:
            return len(self.buf)

        def close(self) -> None:
            while not meter.stop.is_set():
                try:
                    out.put((self.filename, bytes(self.buf)), timeout=0.1)
                    return
                except queue.Full:
                    continue
            raise _StopError

    class Factory(WriterFactory):
        def create(self, filename: str) -> Py7zIO:
            return Writer(filename)

    return Factory()


class SevenZipExtractor:
    """7z archives by their signature."""

    name: ClassVar[str] = "7z"

    def sniff(self, head: bytes, filename: str) -> bool:
        """The 6-byte 7z signature."""
        return head.startswith(MAGIC)

    def extract(self, data: bytes, ctx: ExtractContext) -> Iterator[Output]:
        """Members in archive order; EncryptedError when a password is needed."""
        import py7zr
        from py7zr.exceptions import PasswordRequired

        check_depth(ctx)
        locked = EncryptedError(
            f"{ctx.name}: password-protected 7z archive; scan a decrypted copy or record it "
            "as unscanned"
        )
        try:
            archive = py7zr.SevenZipFile(io.BytesIO(data), mode="r")
        except PasswordRequired as e:  # the header itself is encrypted
            raise locked from e
        with archive:
            if archive.needs_password():
                raise locked
            infos = [i for i in archive.list() if not i.is_directory]
            declared = [(i.filename, i.uncompressed or 0, i.compressed or 0) for i in infos]
            # Solid archives leave per-member compressed sizes unset: judge the archive whole.
            check_declared_sizes(
                [(n, s, c) for n, s, c in declared if c] or [("", 0, 0)], ctx.limits, ctx.name
            )
            check_declared_sizes(
                [(ctx.name, sum(s for _, s, _ in declared), len(data))], ctx.limits, ctx.name
            )
            if len(infos) > ctx.limits.archive_members:
                problem = f"holds {len(infos)} members, over the limit"
                raise too_large(ctx.name, problem, "archive_members")
            modified = {i.filename: i.creationtime for i in infos}
            yield from self._members(archive, data, ctx, modified)

    def _members(
        self, archive: Any, data: bytes, ctx: ExtractContext, modified: dict[str, Any]
    ) -> Iterator[Output]:
        meter = _Meter(ctx.limits, ctx.name, len(data))
        out: queue.Queue[Any] = queue.Queue(maxsize=1)

        def run() -> None:
            try:
                archive.extract(factory=_factory(meter, out))
                result: Any = _DONE
            except _StopError:
                return
            except BaseException as e:  # noqa: BLE001 - handed to the reading side
                result = e
            while not meter.stop.is_set():
                try:
                    out.put(result, timeout=0.1)
                    return
                except queue.Full:
                    continue

        thread = threading.Thread(target=run, name="7z-reader", daemon=True)
        thread.start()
        try:
            while (got := out.get()) is not _DONE:
                if isinstance(got, BaseException):
                    raise got
                path, content = got
                base = path.rstrip("/").rsplit("/", 1)[-1] or path
                yield Child(f"#{path}", base, content, modified.get(path))
        finally:
            meter.stop.set()
            thread.join(timeout=5)
