"""Word and PowerPoint 97-2003 files written by LibreOffice (tests/fixtures/make_legacy.py)."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import pytest

from tests.extract.files import one

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "legacy"
PERSON = "Zoë Müller"


def fixture(name: str) -> bytes:
    return gzip.decompress((FIXTURES / f"{name}.gz").read_bytes())


def test_doc_every_story_and_the_people_in_it() -> None:
    node = one(fixture("letter.doc"), "letter.doc")
    assert (node.extractor, node.status) == ("doc", "ok"), node
    texts = node.texts()
    assert texts["paragraph 2"] == f"Tenant: {PERSON}, NI number AB 12 34 56 C"
    assert texts["paragraph 4"] == "Ann Smith\t07700 900123"  # a table row
    assert texts["header/footer paragraph 1"] == "Confidential - Personnel"
    assert texts["header/footer paragraph 2"] == "Direct line 020 7946 0018"
    assert texts["comment 1"] == "Check the NI number QQ123456C"
    assert texts["metadata:comment_author"] == "Name: Tom Baker"
    assert texts["metadata:author"] == "Name: Jane Smith"
    assert texts["metadata:last_modified_by"] == "Name: Priya Patel"
    assert texts["metadata:title"] == f"Title: Tenancy for {PERSON}"  # UTF-8 code page


def test_ppt_slides_notes_and_properties() -> None:
    node = one(fixture("deck.ppt"), "deck.ppt")
    assert (node.extractor, node.status) == ("ppt", "ok"), node
    texts = node.texts()
    assert texts["slide 1"] == "Quarterly review\nAgenda"
    assert texts["slide 2"] == f"Team\nLead: {PERSON}"
    assert texts["slide 2 notes"] == "Zoë is on sick leave (do not say)"
    assert texts["metadata:author"] == "Name: Jane Smith"


def test_misnamed_legacy_files_are_sniffed_by_content() -> None:
    assert one(fixture("letter.doc"), "letter.xls").extractor == "doc"
    # This deck's OLE directory lies past the sniffed head (a thumbnail comes first): the OLE
    # dispatcher finds the PowerPoint stream and reads it all the same.
    renamed = one(fixture("deck.ppt"), "deck.dat")
    assert renamed.texts()["slide 2 notes"] == "Zoë is on sick leave (do not say)"


def test_encrypted_doc_stays_encrypted() -> None:
    """The FIB's fEncrypted bit, as Word sets it for a password-protected file."""
    data = bytearray(fixture("letter.doc"))
    # The FIB starts the WordDocument stream, on a sector boundary, with wIdent 0xA5EC.
    at = next(i for i in range(512, len(data), 512) if data[i : i + 2] == b"\xec\xa5")
    flags = struct.unpack_from("<H", data, at + 10)[0]
    struct.pack_into("<H", data, at + 10, flags | 0x0100)
    node = one(bytes(data), "locked.doc")
    assert node.status == "encrypted" and "locked.doc" in node.message


@pytest.mark.parametrize("name", ["letter.doc", "deck.ppt"])
def test_truncated_legacy_files_are_errors(name: str) -> None:
    data = fixture(name)
    assert one(data[: len(data) // 3], name).status == "error"
