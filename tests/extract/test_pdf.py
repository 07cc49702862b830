"""PDF by page via pypdfium2, with encryption and damage as statuses."""

from __future__ import annotations

from tests.extract import files
from tests.extract.files import one


def test_pages_are_located() -> None:
    node = one(files.pdf_file(pages=3), "scan.pdf")
    assert (node.extractor, node.status) == ("pdf", "ok")
    texts = node.texts()
    assert sorted(texts) == ["page 1", "page 2", "page 3"]
    assert "patient Jane Roe 2" in texts["page 2"]


def test_user_password_is_encrypted() -> None:
    node = one(files.pdf_file(user_password="s3cret"), "locked.pdf")
    assert node.status == "encrypted"
    assert "locked.pdf" in node.message and "password" in node.message


def test_owner_password_only_is_readable() -> None:
    node = one(files.pdf_file(pages=1, owner_password="boss"), "restricted.pdf")
    assert node.status == "ok"
    assert "Jane Roe 1" in node.texts()["page 1"]


def test_truncated_and_garbage_pdfs_are_errors() -> None:
    data = files.pdf_file(pages=2)
    for blob in (data[:200], b"%PDF-1.7\n" + bytes(range(256)) * 40):
        node = one(blob, "broken.pdf")
        assert (node.extractor, node.status) == ("pdf", "error"), node
