"""Document metadata as located text: authors, editors, titles, companies, comments' authors.

Metadata is personal data too: a letter's `Author` and `Last modified by` name real people, and a
file's properties outlive every edit of its body. Each property becomes a TextSegment located
`metadata:<key>` (`metadata:author`, `metadata:last_modified_by`) so a finding says where it was.

Text shape: a property holding a person is written `Name: <value>`, the label the name cue in
detectors/names.py (CuedNameRecognizer, `name:` label) recognises with no help from the
language model, which misses bare names without context. Other properties are written
`<Label>: <value>` (`Title: Appraisal for Jane Smith`) so prose detectors see a short sentence.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any

from scanner.extract.base import TextSegment

# Properties that name a person, whichever format they come from.
PERSON_KEYS = frozenset(
    {"author", "last_modified_by", "manager", "creator", "artist", "camera_owner", "comment_author",
     "revision_author"}
)  # fmt: skip

_SAFE = {"resolve_entities": False, "no_network": True, "huge_tree": False}


def segment(key: str, value: str, prefix: str = "metadata") -> TextSegment | None:
    """One property as located text, or None when it is empty."""
    value = " ".join(value.split()) if "\n" not in value else value.strip()
    if not value:
        return None
    label = "Name" if key in PERSON_KEYS else key.replace("_", " ").capitalize()
    return TextSegment(f"{prefix}:{key}", f"{label}: {value}")


def segments(pairs: Iterable[tuple[str, str]], prefix: str = "metadata") -> Iterator[TextSegment]:
    """Segments for (key, value) pairs; repeated identical pairs are given once."""
    seen: set[tuple[str, str]] = set()
    for key, value in pairs:
        if (key, value) in seen:
            continue
        seen.add((key, value))
        if (seg := segment(key, value, prefix)) is not None:
            yield seg


def parse_xml(raw: bytes) -> Any:
    """Parse an XML part with entities off (no XML bombs, no external entities)."""
    from lxml import etree

    return etree.fromstring(raw, parser=etree.XMLParser(**_SAFE))


# OOXML docProps: core.xml (Dublin Core + cp:) and app.xml (extended properties).
_CORE = {
    "creator": "author",
    "lastModifiedBy": "last_modified_by",
    "title": "title",
    "subject": "subject",
    "keywords": "keywords",
    "description": "description",
    "category": "category",
}
_APP = {"Company": "company", "Manager": "manager"}


def ooxml_properties(archive: zipfile.ZipFile) -> Iterator[TextSegment]:
    """docProps/core.xml and app.xml of a Word, Excel or PowerPoint package."""
    pairs: list[tuple[str, str]] = []
    names = set(archive.namelist())
    for part, table in (("docProps/core.xml", _CORE), ("docProps/app.xml", _APP)):
        if part not in names:
            continue
        root = parse_xml(archive.read(part))
        for el in root:
            local = str(el.tag).rsplit("}", 1)[-1]
            if local in table and el.text:
                pairs.append((table[local], el.text))
    yield from segments(pairs)


def resolve_target(folder: str, target: str) -> str:
    """A relationship target as a part name: absolute (`/xl/a.xml`) or relative to `folder`."""
    import posixpath

    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(folder, target))


# OLE SummaryInformation / DocumentSummaryInformation (legacy .doc, .xls, .ppt), via olefile.
_OLE = {
    "author": "author",
    "last_saved_by": "last_modified_by",
    "title": "title",
    "subject": "subject",
    "keywords": "keywords",
    "comments": "description",
    "company": "company",
    "manager": "manager",
    "category": "category",
}


def ole_properties(ole: Any) -> Iterator[TextSegment]:
    """Summary properties of an open olefile.OleFileIO, decoded with the file's code page."""
    meta = ole.get_metadata()
    pairs: list[tuple[str, str]] = []
    for attr, key in _OLE.items():
        value: Any = getattr(meta, attr, None)
        if isinstance(value, bytes):
            # olefile reads the code page property as a signed 16-bit value: UTF-8 is -535.
            codepage = (getattr(meta, "codepage", None) or 1252) & 0xFFFF
            try:
                value = value.decode(f"cp{codepage}" if codepage != 65001 else "utf-8")
            except (LookupError, UnicodeDecodeError):
                value = value.decode("cp1252", "replace")
        if isinstance(value, str):
            pairs.append((key, value.rstrip("\0")))
    yield from segments(pairs)


def ole_summary(data: bytes) -> Iterator[TextSegment]:
    """ole_properties of an OLE file given as bytes (legacy .doc, .xls, .ppt)."""
    import olefile

    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        yield from ole_properties(ole)


# XMP (Adobe's RDF metadata) in PDFs and images. The XMP spec asks writers to leave the packet
# uncompressed and wrapped in <?xpacket?> markers precisely so that it can be found by scanning
# the bytes; a packet inside a compressed stream is not found (docs/extraction.md says so).
_XMP_START, _XMP_END = b"<x:xmpmeta", b"</x:xmpmeta>"
_XMP = {
    "creator": "creator",
    "title": "title",
    "description": "description",
    "subject": "keywords",
    "Keywords": "keywords",
    "Author": "author",
    "AuthorsPosition": "job_title",
    "CaptionWriter": "creator",
    "Owner": "camera_owner",
}
XMP_SCAN_BYTES = 8 << 20  # packets sit near the start or the end; a whole 200 MB PDF is not read


def xmp_segments(data: bytes) -> Iterator[TextSegment]:
    """Personal fields of the first XMP packet found in `data`, located `xmp:<key>`."""
    window = (
        data if len(data) <= 2 * XMP_SCAN_BYTES else data[:XMP_SCAN_BYTES] + data[-XMP_SCAN_BYTES:]
    )
    start = window.find(_XMP_START)
    end = window.find(_XMP_END, start)
    if start < 0 or end < 0:
        return
    try:
        root = parse_xml(window[start : end + len(_XMP_END)])
    except Exception:  # noqa: BLE001 - damaged metadata must not cost the document its text
        return
    pairs: list[tuple[str, str]] = []
    for el in root.iter():
        local = str(el.tag).rsplit("}", 1)[-1]
        if local not in _XMP:
            continue
        # Values are either text or rdf:Seq/Bag/Alt of rdf:li items (one per author, language).
        items = [li.text for li in el.iter() if str(li.tag).endswith("}li") and li.text]
        for value in items or ([el.text] if el.text and el.text.strip() else []):
            pairs.append((_XMP[local], value))
    yield from segments(pairs, prefix="xmp")


def xlsx_metadata(data: bytes) -> Iterator[TextSegment]:
    """Workbook properties, then cell comments (`Sheet1!B2 comment`) and their authors."""
    import posixpath

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        yield from ooxml_properties(archive)
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
            return
        rid = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
        book_rels = {
            r.get("Id"): r.get("Target", "")
            for r in parse_xml(archive.read("xl/_rels/workbook.xml.rels"))
        }
        authors: list[tuple[str, str]] = []
        for sheet in parse_xml(archive.read("xl/workbook.xml")).iter(f"{_SSML}sheet"):
            part = resolve_target("xl", book_rels.get(sheet.get(rid), ""))
            folder, base = posixpath.split(part)
            rels_part = f"{folder}/_rels/{base}.rels"
            if rels_part not in names:
                continue
            for rel in parse_xml(archive.read(rels_part)):
                comments = resolve_target(folder, rel.get("Target", ""))
                if "comments" not in comments or comments not in names:
                    continue
                root = parse_xml(archive.read(comments))
                people = [a.text or "" for a in root.iter(f"{_SSML}author")]
                for comment in root.iter(f"{_SSML}comment"):
                    text = "".join(t.text or "" for t in comment.iter(f"{_SSML}t")).strip()
                    if text:
                        yield TextSegment(f"{sheet.get('name')}!{comment.get('ref')} comment", text)
                    index = int(comment.get("authorId", "-1"))
                    if 0 <= index < len(people):
                        authors.append(("comment_author", people[index]))
        yield from segments(authors)


_SSML = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ODF_META = {"initial-creator": "author", "creator": "last_modified_by", "title": "title",
             "subject": "subject", "keyword": "keywords", "description": "description"}  # fmt: skip


def odf_properties(data: bytes) -> Iterator[TextSegment]:
    """meta.xml of an OpenDocument file: who created it, who saved it last, title, keywords."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if "meta.xml" not in archive.namelist():
            return
        root = parse_xml(archive.read("meta.xml"))
    pairs = [(_ODF_META[str(el.tag).rsplit("}", 1)[-1]], el.text or "") for el in root.iter()
             if str(el.tag).rsplit("}", 1)[-1] in _ODF_META]  # fmt: skip
    yield from segments(pairs)
