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
