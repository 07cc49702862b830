"""Hostile and nested real files through the real pipeline (worker pool, Parquet rows)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import duckdb
import pytest

from scanner import config as config_mod
from scanner.pipeline import run_scan
from tests.extract import files
from tests.extract.files import zip_file


@pytest.mark.slow
def test_statuses_and_nested_rows_from_a_real_scan(tmp_path: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    root = tmp_path / "share"
    root.mkdir()
    locked = io.BytesIO()
    OOXMLFile(io.BytesIO(files.docx_file())).encrypt("pw", locked)
    (root / "locked.docx").write_bytes(locked.getvalue())
    (root / "locked.pdf").write_bytes(files.pdf_file(pages=1, user_password="pw"))
    (root / "bomb.zip").write_bytes(zip_file({"zeros.bin": b"\0" * (20 * 1024 * 1024)}))
    (root / "broken.docx").write_bytes(files.docx_file()[:3000])
    doll = b"deep"
    for level in range(4):
        doll = zip_file({f"l{level}.zip" if level else "deep.txt": doll})
    (root / "doll.zip").write_bytes(doll)
    # A name with markup and a raw Latin-1 byte (not UTF-8), as old Samba shares hold them.
    evil = os.fsdecode(b"caf\xe9 <script>alert(1)<\\script>.eml")
    (root / evil).write_bytes(files.eml_message().as_bytes())
    cfg = config_mod.from_dict(
        {
            "scan": {"out": str(tmp_path / "out"), "workers": 2},
            "limits": {"archive_depth": 2},
            "source": [{"type": "local", "path": str(root), "id": "share"}],
        },
        tmp_path,
    )
    out = run_scan(cfg).out_dir
    rows = duckdb.connect().execute(f"select uri, status, extractor from '{out}/items.parquet'")
    got = {uri.removeprefix(str(root)): (status, ex) for uri, status, ex in rows.fetchall()}
    assert got["/locked.docx"][0] == "encrypted"
    assert got["/locked.pdf"] == ("encrypted", "pdf")
    assert got["/bomb.zip"] == ("too_large", "zip")
    assert got["/broken.docx"][0] == "error"
    assert got["/doll.zip"] == ("ok", "zip")
    assert got["/doll.zip#l3.zip"] == ("ok", "zip")
    assert got["/doll.zip#l3.zip#l2.zip"][0] == "too_large"  # depth 3 > archive_depth 2
    (mail,) = [u for u in got if "<script>" in u and "/attachments/" not in u]
    assert got[mail] == ("ok", "eml")
    mail.encode("utf-8")
    assert got[mail + "/attachments/cv.txt"] == ("ok", "text")


@pytest.mark.slow
def test_an_old_file_server_through_the_real_pipeline(tmp_path: Path) -> None:
    """Compressed, archived, legacy, scanned and non-document files: statuses and findings."""
    import gzip
    import tarfile

    from tests.extract.test_compressed import seven_zip
    from tests.extract.test_legacy import fixture
    from tests.extract.test_ocr import encode, letter

    root = tmp_path / "share"
    root.mkdir()
    (root / "notes.txt.gz").write_bytes(gzip.compress(b"Dear Ms Kaur,\ncall 07700 900123\n"))
    tgz = io.BytesIO()
    with tarfile.open(fileobj=tgz, mode="w:gz") as tar:
        body = files.docx_file()
        info = tarfile.TarInfo("hr/contract.docx")
        info.size = len(body)
        tar.addfile(info, io.BytesIO(body))
    (root / "backup.tgz").write_bytes(tgz.getvalue())
    (root / "locked.7z").write_bytes(seven_zip({"a.txt": b"secret"}, "pw"))
    (root / "letter.doc").write_bytes(fixture("letter.doc"))
    (root / "deck.ppt").write_bytes(fixture("deck.ppt"))
    (root / "scan.png").write_bytes(encode(letter(), "PNG"))
    (root / "setup.exe").write_bytes(
        b"MZ\x90\x00" + b"\0" * 56 + (64).to_bytes(4, "little") + b"PE\0\0"
    )
    (root / "empty.docx").write_bytes(b"")
    cfg = config_mod.from_dict(
        {
            "scan": {"out": str(tmp_path / "out"), "workers": 2},
            "source": [{"type": "local", "path": str(root), "id": "share"}],
        },
        tmp_path,
    )
    out = run_scan(cfg).out_dir
    db = duckdb.connect()
    rows = db.execute(f"select uri, status, extractor, error from '{out}/items.parquet'")
    got = {u.removeprefix(str(root)): (s, e, m) for u, s, e, m in rows.fetchall()}
    assert got["/notes.txt.gz"][:2] == ("ok", "gzip")
    assert got["/backup.tgz#hr/contract.docx"][:2] == ("ok", "docx")
    assert got["/locked.7z"][:2] == ("encrypted", "7z")
    assert got["/letter.doc"][:2] == ("ok", "doc")
    assert got["/deck.ppt"][0] == "ok"
    assert got["/scan.png"][:2] == ("ok", "image")
    assert got["/setup.exe"][0] == "skipped" and got["/setup.exe"][2].startswith(
        "not a document: executable"
    )
    assert got["/empty.docx"][:2] == ("ok", "empty")
    found = db.execute(
        f"select item_uri, location, entity_type from '{out}/findings.parquet'"
    ).fetchall()
    where = {(u.removeprefix(str(root)), loc, e) for u, loc, e in found}
    assert ("/notes.txt.gz", "line 2", "PHONE_NUMBER") in where
    assert ("/scan.png", "page 1 (ocr)", "UK_NINO") in where
    assert ("/letter.doc", "metadata:author", "PERSON") in where
    assert ("/letter.doc", "paragraph 2", "UK_NINO") in where
    assert ("/deck.ppt", "metadata:author", "PERSON") in where
