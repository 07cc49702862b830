"""Zip archives: every member becomes a Child (`#path/in/zip`) that is extracted in its turn.

Archives are where scans die: a 42 KB zip can declare petabytes, headers can lie about sizes,
and a zip of zips can nest without end. So the limits are checked twice: first on what the
central directory declares (member count, total size, compression ratio) before anything is
inflated, then on the bytes actually produced while inflating, because a hostile archive's
declared sizes cannot be trusted. Any breach ends the archive as `too_large`; nothing is
silently dropped. Encrypted members are reported as `encrypted` after the readable ones.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import IO, ClassVar

from scanner.config import Limits
from scanner.errors import EncryptedError, TooLargeError
from scanner.extract import sniff
from scanner.extract.base import Child, ExtractContext, Extractor, Output
from scanner.extract.odf import OdpExtractor, OdtExtractor
from scanner.extract.sheets import OdsExtractor, XlsxExtractor
from scanner.extract.slides import PptxExtractor
from scanner.extract.word import DocxExtractor

CHUNK = 1 << 20
# Below this size a high ratio is normal (a page of spaces, an empty sheet template); bombs need
# megabytes of output to matter, so the ratio limit starts here.
RATIO_FLOOR = 1 << 20


def _modified(info: zipfile.ZipInfo) -> datetime | None:
    try:
        return datetime(*info.date_time, tzinfo=UTC)
    except ValueError:
        return None


def too_large(name: str, problem: str, key: str) -> TooLargeError:
    """The error every archive limit raises: names the archive, the breach and the key to raise."""
    return TooLargeError(
        f"{name}: {problem}; raise limits.{key} if the archive is trusted, or extract it by hand"
    )


def is_bomb(size: int, compressed: int, limits: Limits) -> bool:
    """Tell whether `size` output bytes from `compressed` input bytes breaks the ratio limit."""
    return size > RATIO_FLOOR and size > limits.archive_ratio * max(compressed, 1)


def check_declared(infos: list[zipfile.ZipInfo], limits: Limits, name: str) -> None:
    """Refuse before inflating anything when the central directory already breaks a limit."""
    check_declared_sizes([(i.filename, i.file_size, i.compress_size) for i in infos], limits, name)


def check_declared_sizes(members: list[tuple[str, int, int]], limits: Limits, name: str) -> None:
    """Member count, total size and ratio from (name, declared size, compressed size) triples."""
    if len(members) > limits.archive_members:
        problem = f"holds {len(members)} members, over the limit of {limits.archive_members}"
        raise too_large(name, problem, "archive_members")
    total_limit = int(limits.archive_total_mb * 1024 * 1024)
    declared = sum(size for _, size, _ in members)
    if declared > total_limit:
        problem = f"declares {declared} uncompressed bytes, over {total_limit}"
        raise too_large(name, problem, "archive_total_mb")
    compressed = sum(c for _, _, c in members)
    bombs = [m for m, size, c in members if is_bomb(size, c, limits)]
    if bombs or is_bomb(declared, compressed, limits):
        where = f"member {bombs[0]!r}" if bombs else "the archive"
        problem = f"{where} declares a compression ratio over {limits.archive_ratio:.0f}:1 (bomb?)"
        raise too_large(name, problem, "archive_ratio")


def read_limited(
    stream: IO[bytes], budget: int, compressed: int, limits: Limits, name: str, member: str
) -> bytes:
    """Read a decompressing stream to the end, counting the bytes as they come out.

    `budget` is what the archive has left of limits.archive_total_mb, `compressed` the input
    size the ratio is judged against. Declared sizes cannot be trusted, so this is the check
    that holds whatever the headers say.
    """
    buf = bytearray()
    while chunk := stream.read(CHUNK):
        buf += chunk
        if len(buf) > budget:
            problem = "inflates past its total size limit (headers understated the size)"
            raise too_large(name, problem, "archive_total_mb")
        if len(buf) > limits.max_file_bytes:
            problem = f"member {member!r} inflates past the file size limit"
            raise too_large(name, problem, "max_file_mb")
        if is_bomb(len(buf), compressed, limits):
            problem = f"member {member!r} inflates past {limits.archive_ratio:.0f}:1"
            raise too_large(name, problem, "archive_ratio")
    return bytes(buf)


def check_depth(ctx: ExtractContext) -> None:
    """Refuse an archive nested as deep as limits.archive_depth (a zip quine never ends)."""
    if ctx.depth >= ctx.limits.archive_depth:
        problem = f"is nested {ctx.depth} archives deep, the limit"
        raise too_large(ctx.name, problem, "archive_depth")


# The office formats that are zips: this module reads them itself when the head did not show
# what they are (imported directly, like ole.py's readers: an extractor never asks the registry).
_PACKAGES: dict[str, type[Extractor]] = {
    "docx": DocxExtractor,
    "xlsx": XlsxExtractor,
    "pptx": PptxExtractor,
    "odt": OdtExtractor,
    "ods": OdsExtractor,
    "odp": OdpExtractor,
}


def _package_extractor(archive: zipfile.ZipFile, names: list[str]) -> Extractor | None:
    """Find the office extractor for a package whose telling parts lie beyond the sniffed head.

    Streaming writers (openpyxl write-only, LibreOffice) can put a large part first, so the head
    shows no package marker; the central directory always lists every part.
    """
    kind = sniff.package_kind(names)
    if kind in _PACKAGES:
        return _PACKAGES[kind]()
    if "mimetype" in names:
        mime = archive.read("mimetype")[:100].decode("ascii", "replace")
        for ext in ("text", "spreadsheet", "presentation"):
            if mime.startswith(f"application/vnd.oasis.opendocument.{ext}"):
                return _PACKAGES[
                    {"text": "odt", "spreadsheet": "ods", "presentation": "odp"}[ext]
                ]()
    return None


class ZipExtractor:
    """Zip files (and zip-based formats nothing more specific claimed: .jar, .epub, ...)."""

    name: ClassVar[str] = "zip"

    def sniff(self, head: bytes, filename: str) -> bool:
        """Claim any zip (registered after OOXML and ODF, which are zips too)."""
        return sniff.is_zip(head)

    def extract(self, data: bytes, ctx: ExtractContext) -> Iterator[Output]:
        """Members in archive order as children, within the archive limits."""
        limits = ctx.limits
        check_depth(ctx)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = [i for i in archive.infolist() if not i.is_dir()]
            package = _package_extractor(archive, [i.filename for i in infos])
            if package is not None:
                yield from package.extract(data, ctx)
                return
            check_declared(infos, limits, ctx.name)
            encrypted = [i.filename for i in infos if i.flag_bits & 0x1]
            if encrypted and len(encrypted) == len(infos):
                raise EncryptedError(
                    f"{ctx.name}: every member of the zip is password-protected; scan a "
                    "decrypted copy or record it as unscanned"
                )
            budget = int(limits.archive_total_mb * 1024 * 1024)
            for info in infos:
                if info.flag_bits & 0x1:
                    continue
                with archive.open(info) as member:
                    args = (budget, info.compress_size, limits, ctx.name, info.filename)
                    content = read_limited(member, *args)
                budget -= len(content)
                base = info.filename.rstrip("/").rsplit("/", 1)[-1]
                yield Child(f"#{info.filename}", base or info.filename, content, _modified(info))
            if encrypted:
                shown = ", ".join(encrypted[:5]) + (", ..." if len(encrypted) > 5 else "")
                raise EncryptedError(
                    f"{ctx.name}: {len(encrypted)} of {len(infos)} zip members are "
                    f"password-protected ({shown}); the others were scanned"
                )
