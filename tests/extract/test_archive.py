"""Zip archives: recursion with locations, and every hostile variant ends as a status."""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

import pytest

from scanner.config import Limits
from tests.extract import files
from tests.extract.files import PERSON, walk, zip_file


def test_members_recurse_with_locations() -> None:
    inner = zip_file({"contract.pdf": files.pdf_file(pages=2), "staff.xlsx": files.xlsx_file()})
    outer = zip_file({"notes.txt": f"call {PERSON}\n".encode(), "attachments/inner.zip": inner})
    nodes = {n.path: n for n in walk(outer, "share.zip")}
    assert nodes[""].extractor == "zip"
    assert nodes["#notes.txt"].texts() == {"line 1": f"call {PERSON}"}
    assert "Jane Roe 2" in nodes["#attachments/inner.zip#contract.pdf"].texts()["page 2"]
    assert nodes["#attachments/inner.zip#staff.xlsx"].cells()["Staff!B3"] == PERSON


def test_zip_bomb_is_too_large_before_inflating() -> None:
    bomb = zip_file({"zeros.bin": b"\0" * (50 * 1024 * 1024)})  # ~50 KB on disk
    assert len(bomb) < 100_000
    node = walk(bomb, "bomb.zip")[0]
    assert node.status == "too_large"
    assert "archive_ratio" in node.message


def test_total_size_limit() -> None:
    members = {f"part{n}.txt": bytes(range(256)) * 8192 for n in range(4)}  # 2 MiB each, low ratio
    node = walk(zip_file(members, zipfile.ZIP_STORED), "big.zip", Limits(archive_total_mb=5))[0]
    assert (node.status, "archive_total_mb" in node.message) == ("too_large", True)


def test_member_count_limit() -> None:
    data = zip_file({f"f{n}.txt": b"x" for n in range(50)})
    node = walk(data, "many.zip", Limits(archive_members=10))[0]
    assert node.status == "too_large" and "50 members" in node.message


def test_deeply_nested_zip_stops_at_depth() -> None:
    data = b"the payload"
    for level in range(12):
        data = zip_file({f"level{level}.zip" if level else "payload.txt": data})
    nodes = walk(data, "russian-doll.zip", Limits(archive_depth=5))
    statuses = [n.status for n in nodes]
    assert "too_large" in statuses
    assert max(n.path.count("#") for n in nodes) <= 6
    assert not any(n.texts() for n in nodes)  # the payload 12 levels down is never reached


def test_lying_central_directory_is_an_error() -> None:
    """Sizes in the headers that understate the data end as an error row.

    zipfile stops at the declared size and the CRC check turns the member into an error rather
    than silently truncated text.
    """
    data = bytearray(zip_file({"a.txt": b"A" * 5000}, zipfile.ZIP_STORED))
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 24 : cd + 28] = (10).to_bytes(4, "little")  # uncompressed size 5000 -> 10
    node = walk(bytes(data), "liar.zip")[0]
    assert node.status == "error"


def test_truncated_zip_is_an_error() -> None:
    data = zip_file({"a.txt": b"hello " * 1000})
    assert walk(data[:-30], "cut.zip")[0].status == "error"


def test_encrypted_zip_all_members(tmp_path: Path) -> None:
    import pyzipper

    out = io.BytesIO()
    with pyzipper.AESZipFile(
        out, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES
    ) as z:
        z.setpassword(b"secret")
        z.writestr("payroll.csv", "name,salary\nJane,1\n")
    node = walk(out.getvalue(), "locked.zip")[0]
    assert node.status == "encrypted"
    assert "locked.zip" in node.message


def test_partly_encrypted_zip_scans_the_rest_then_reports(tmp_path: Path) -> None:
    if subprocess.run(["which", "zip"], capture_output=True).returncode:
        pytest.skip("Info-ZIP `zip` not installed (scripts/install-test-deps.sh installs it)")
    (tmp_path / "open.txt").write_text(f"hello {PERSON}")
    (tmp_path / "secret.txt").write_text("classified")
    subprocess.run(["zip", "-q", "mixed.zip", "open.txt"], cwd=tmp_path, check=True)
    subprocess.run(["zip", "-q", "-P", "pw", "mixed.zip", "secret.txt"], cwd=tmp_path, check=True)
    nodes = walk((tmp_path / "mixed.zip").read_bytes(), "mixed.zip")
    assert nodes[0].status == "encrypted" and "1 of 2" in nodes[0].message
    assert nodes[1].path == "#open.txt" and nodes[1].texts() == {"line 1": f"hello {PERSON}"}


def test_hostile_member_names() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        info = zipfile.ZipInfo("<script>alert(1)</script>.txt")
        z.writestr(info, b"x")
        z.writestr(zipfile.ZipInfo("cafe.txt"), b"y")
    data = bytearray(out.getvalue())
    # Make one stored name the raw cp437 byte 0x82 (an old DOS/Windows zipper's "é") without
    # the UTF-8 flag, in both the local and the central header.
    for at in (data.find(b"cafe.txt"), data.rfind(b"cafe.txt")):
        data[at + 3] = 0x82
    nodes = walk(bytes(data), "names.zip")
    paths = [n.path for n in nodes]
    assert paths == ["", "#<script>alert(1)</script>.txt", "#caf\u00e9.txt"]
    assert [n.status for n in nodes] == ["ok", "ok", "ok"]
