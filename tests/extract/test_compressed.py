"""gzip, bzip2, xz, tar and 7z (stdlib, py7zr): read as what they hold, bombs stopped."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import tarfile
from collections.abc import Callable

import pytest

from scanner.config import Limits
from tests.extract import files
from tests.extract.files import PERSON, one, walk

TEXT = f"Dear {PERSON},\ncall 07700 900123\n".encode()


def tar_file(members: dict[str, bytes], mode: str = "w") -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode=mode) as tar:  # type: ignore[call-overload]
        folder = tarfile.TarInfo("folder")
        folder.type = tarfile.DIRTYPE  # a directory entry is skipped
        tar.addfile(folder)
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), 1_700_000_000
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def seven_zip(
    members: dict[str, bytes], password: str | None = None, header: bool = False
) -> bytes:
    import py7zr

    out = io.BytesIO()
    with py7zr.SevenZipFile(out, "w", password=password, header_encryption=header) as z:
        for name, data in members.items():
            z.writestr(data, name)
    return out.getvalue()


@pytest.mark.parametrize(
    ("compress", "name", "extractor"),
    [(gzip.compress, "notes.txt.gz", "gzip"), (bz2.compress, "notes.txt.bz2", "bzip2"),
     (lzma.compress, "notes.txt.xz", "xz")],
)  # fmt: skip
def test_compressed_text_is_read_as_the_text(
    compress: Callable[[bytes], bytes], name: str, extractor: str
) -> None:
    nodes = walk(compress(TEXT), name)
    assert len(nodes) == 1  # an encoding, not a container: no child row
    assert (nodes[0].extractor, nodes[0].status) == (extractor, "ok")
    assert nodes[0].texts() == {"line 1": f"Dear {PERSON},", "line 2": "call 07700 900123"}


def test_gzip_of_a_docx_and_of_nothing() -> None:
    node = one(gzip.compress(files.docx_file()), "contract.docx.gz")
    assert node.texts()["paragraph 2"] == f"Tenant: {PERSON}"
    assert one(gzip.compress(b""), "empty.log.gz").status == "ok"


@pytest.mark.parametrize(
    ("mode", "name"), [("w", "a.tar"), ("w:gz", "a.tgz"), ("w:bz2", "a.tar.bz2"), ("w:xz", "a.txz")]
)
def test_tar_members_become_children(mode: str, name: str) -> None:
    data = tar_file({"hr/letter.txt": TEXT, "hr/staff.xlsx": files.xlsx_file()}, mode)
    nodes = {n.path: n for n in walk(data, name)}
    assert set(nodes) == {"", "#hr/letter.txt", "#hr/staff.xlsx"}
    assert nodes[""].status == "ok"
    assert nodes["#hr/letter.txt"].texts()["line 1"] == f"Dear {PERSON},"
    assert nodes["#hr/staff.xlsx"].cells()["Staff!B3"] == PERSON


def test_seven_zip_members_and_encryption() -> None:
    data = seven_zip({"a/letter.txt": TEXT, "contract.docx": files.docx_file()})
    nodes = {n.path: n for n in walk(data, "share.7z")}
    assert nodes[""].extractor == "7z" and nodes[""].status == "ok"
    assert nodes["#a/letter.txt"].texts()["line 1"] == f"Dear {PERSON},"
    assert nodes["#contract.docx"].texts()["paragraph 2"] == f"Tenant: {PERSON}"
    for header in (False, True):
        locked = one(seven_zip({"s.txt": TEXT}, "pw", header), "locked.7z")
        assert locked.status == "encrypted" and "locked.7z" in locked.message


def test_seven_zip_stops_reading_when_abandoned() -> None:
    """Closing the generator early ends the reader thread instead of leaving it blocked."""
    import threading

    from scanner.extract.base import ExtractContext
    from scanner.extract.registry import by_name

    data = seven_zip({f"f{n}.txt": TEXT for n in range(20)})
    gen = by_name("7z").extract(data, ExtractContext("x.7z", 0, Limits()))
    next(gen)
    gen.close()
    assert not any(t.name == "7z-reader" and t.is_alive() for t in threading.enumerate())


@pytest.mark.parametrize(
    ("make", "name"),
    [(lambda d: gzip.compress(d), "bomb.gz"), (lambda d: bz2.compress(d), "bomb.bz2"),
     (lambda d: lzma.compress(d), "bomb.xz"), (lambda d: tar_file({"z.bin": d}, "w:gz"), "b.tgz"),
     (lambda d: seven_zip({"z.bin": d}), "bomb.7z")],
)  # fmt: skip
def test_bombs_are_too_large(make: Callable[[bytes], bytes], name: str) -> None:
    data = make(b"\0" * (30 * 1024 * 1024))
    assert len(data) < 200_000
    node = one(data, name)
    assert node.status == "too_large", node
    assert "archive_ratio" in node.message


def test_gzip_lying_about_its_size_is_caught_while_inflating() -> None:
    data = bytearray(gzip.compress(b"\0" * (30 * 1024 * 1024)))
    data[-4:] = (100).to_bytes(4, "little")  # ISIZE says 100 bytes
    node = one(bytes(data), "liar.gz")
    assert node.status == "too_large" and "inflates past" in node.message


def test_tar_limits_members_total_and_depth() -> None:
    many = tar_file({f"f{n}.txt": b"x" for n in range(30)})
    assert "archive_members" in one(many, "many.tar", Limits(archive_members=10)).message
    big = tar_file({f"f{n}.bin": bytes(range(256)) * 8192 for n in range(4)})
    assert "archive_total_mb" in one(big, "big.tar", Limits(archive_total_mb=5)).message
    doll = TEXT
    for _ in range(8):
        doll = gzip.compress(doll)
    nodes = walk(doll, "doll.txt" + ".gz" * 8, Limits(archive_depth=3))
    assert nodes[0].status == "too_large" and "archive_depth" in nodes[0].message


def test_truncated_compressed_files_are_errors() -> None:
    for data, name in ((gzip.compress(TEXT * 100), "a.gz"), (seven_zip({"a": TEXT}), "a.7z")):
        node = one(data[: len(data) // 2], name)
        assert node.status == "error", node


def test_not_documents_are_skipped_with_a_reason_and_empty_is_ok() -> None:
    elf = b"\x7fELF\x02\x01\x01" + b"\0" * 200
    pe = b"MZ\x90\x00" + b"\0" * 56 + (64).to_bytes(4, "little") + b"PE\0\0" + b"\0" * 100
    woff = b"wOFF\x00\x01\x00\x00" + b"\0" * 100
    mp4 = b"\0\0\0\x18ftypmp42" + b"\0" * 100
    for data, reason in ((elf, "executable"), (pe, "executable"), (woff, "font"),
                         (mp4, "audio/video")):  # fmt: skip
        node = one(data, "thing.bin")
        assert node.status == "skipped", node
        assert node.message.startswith(f"not a document: {reason}")
    empty = one(b"", "empty.docx")
    assert (empty.status, empty.outputs) == ("ok", [])
