"""Legacy binary Office: Word 97-2003 (.doc) and PowerPoint 97-2003 (.ppt), parsed in Python.

Chosen by measurement against the Debian tools on the same LibreOffice-written files:
antiword reads a .doc's body but drops its headers, footers and comments; catdoc printed the
headers and comments but lost the paragraph a comment was anchored to; catppt printed nothing at
all from a LibreOffice .ppt. Both are also extra processes to police. Reading the formats'
own structures with olefile (MS-DOC's piece table, MS-PPT's record tree) gets every story, in
process, under the worker's deadline and memory limit like every other parser.

.doc: the FIB gives the length of each story (body, footnotes, headers/footers, comments,
endnotes, text boxes) and the piece table (CLX) where their characters lie, as cp1252 bytes or
UTF-16. Field codes (`HYPERLINK "..."`) are dropped and their results kept. Comment authors and
tracked-change authors come from their string tables. Deleted tracked text stays in the body
(MS-DOC marks it in character properties, which are not parsed): it is scanned, not labelled.
.ppt: every text atom of every slide and notes page; slide numbers follow the slide list.
Both: summary properties (author, last saved by, company) as `metadata:<key>`; Packager
objects embedded in the file (an .rtf or .pdf dropped into a document) become children.
Word 6/95 files (a different FIB) are `unsupported` with a message saying so.
"""

from __future__ import annotations

import io
import re
import struct
from collections.abc import Iterator
from typing import Any, ClassVar

from scanner.errors import EncryptedError, UnsupportedError
from scanner.extract import sniff
from scanner.extract.base import Child, ExtractContext, Output, TextSegment, limit_chars
from scanner.extract.metadata import ole_summary, segments
from scanner.extract.ole_crypto import ensure_not_encrypted
from scanner.extract.text import paragraphs

WORD97_NFIB = 0x00C1
# Stories in FibRgLw97 order after ccpText (index 3): (index, location label, the mark that
# starts each entry: footnotes and endnotes begin with \x02, comments with \x05).
_STORIES = ((4, "footnote", "\x02"), (5, "header/footer paragraph", ""), (7, "comment", "\x05"),
            (8, "endnote", "\x02"), (9, "text box paragraph", ""),
            (10, "header text box paragraph", ""))  # fmt: skip
_CLX, _ATN_OWNERS, _RMARK = 33, 36, 51  # FibRgFcLcb97 pair indexes
_FIELD = re.compile(r"\x13[^\x13\x14\x15]*\x14?|\x15")  # a field's code part and its end mark
_CONTROL = str.maketrans({"\x07": "\t", "\x0b": "\n", "\x0c": "\n", "\x1e": "-", "\x1f": "",
                          "\x01": "", "\x08": "", "\x02": "", "\x05": ""})  # fmt: skip


def _open(data: bytes) -> Any:
    import olefile

    return olefile.OleFileIO(io.BytesIO(data))


def _drop_fields(text: str) -> str:
    """Remove field codes (nested ones too), keeping the fields' displayed results."""
    previous = None
    while previous != text:
        previous, text = text, _FIELD.sub("", text)
    return text


def _pieces(table: bytes, fc_clx: int, lcb_clx: int, word: bytes) -> str:
    """The document's characters in CP order, from the CLX piece table."""
    pos, end = fc_clx, fc_clx + lcb_clx
    while pos < end and table[pos] == 0x01:  # Prc: formatting, skipped
        pos += 3 + struct.unpack_from("<H", table, pos + 1)[0]
    if pos >= end or table[pos] != 0x02:
        raise ValueError("the piece table (CLX) is damaged")
    lcb = struct.unpack_from("<I", table, pos + 1)[0]
    plc = table[pos + 5 : pos + 5 + lcb]
    n = (len(plc) - 4) // 12
    cps = struct.unpack_from(f"<{n + 1}I", plc, 0)
    out = []
    for i in range(n):
        fc = struct.unpack_from("<I", plc, 4 * (n + 1) + 8 * i + 2)[0]
        count = cps[i + 1] - cps[i]
        if fc & 0x40000000:
            start = (fc & ~0x40000000) // 2
            out.append(word[start : start + count].decode("cp1252", "replace"))
        else:
            out.append(word[fc : fc + 2 * count].decode("utf-16-le", "replace"))
    return "".join(out)


def _xsts(table: bytes, fc: int, lcb: int, sttb: bool) -> list[str]:
    """UTF-16 strings of an Xst group (comment owners) or an extended Sttb (revision authors)."""
    blob, pos = table[fc : fc + lcb], 0
    names: list[str] = []
    if sttb:
        if len(blob) < 6 or blob[:2] != b"\xff\xff":
            return []
        count, extra = struct.unpack_from("<HH", blob, 2)
        pos = 6
    else:
        count, extra = 1 << 16, 0
    while pos + 2 <= len(blob) and len(names) < count:
        cch = struct.unpack_from("<H", blob, pos)[0]
        names.append(blob[pos + 2 : pos + 2 + 2 * cch].decode("utf-16-le", "replace"))
        pos += 2 + 2 * cch + extra
    return names


def doc_stories(data: bytes, name: str) -> Iterator[TextSegment]:
    """Every story of a Word 97-2003 document as located text, then comment/revision authors."""
    with _open(data) as ole:
        word = ole.openstream("WordDocument").read()
        nfib, flags = struct.unpack_from("<H", word, 2)[0], struct.unpack_from("<H", word, 10)[0]
        if flags & 0x0100:
            raise EncryptedError(
                f"{name}: password-protected Word document; scan a decrypted copy or record it "
                "as unscanned"
            )
        if nfib < WORD97_NFIB:
            raise UnsupportedError(
                f"{name}: Word 6/95 document (format version {nfib}) is not read; open and save "
                "it as .docx to scan it"
            )
        table = ole.openstream("1Table" if flags & 0x0200 else "0Table").read()
        csw = struct.unpack_from("<H", word, 0x20)[0]
        lw_at = 0x22 + 2 * csw
        cslw = struct.unpack_from("<H", word, lw_at)[0]
        lw = struct.unpack_from(f"<{cslw}I", word, lw_at + 2)
        fc_at = lw_at + 2 + 4 * cslw + 2
        pairs = struct.unpack_from(f"<{2 * 52}I", word, fc_at)
        text = _pieces(table, pairs[2 * _CLX], pairs[2 * _CLX + 1], word)
        yield from _story(text[: lw[3]], "paragraph")
        cp = lw[3]
        for index, label, mark in _STORIES:
            length = lw[index] if index < len(lw) else 0
            yield from _story(text[cp : cp + length], label, mark)
            cp += length
        owners = _xsts(table, pairs[2 * _ATN_OWNERS], pairs[2 * _ATN_OWNERS + 1], sttb=False)
        revisers = _xsts(table, pairs[2 * _RMARK], pairs[2 * _RMARK + 1], sttb=True)
        people = [("comment_author", o) for o in owners]
        people += [("revision_author", r) for r in revisers if r != "Unknown"]
        yield from segments(people)


def _story(text: str, label: str, mark: str = "") -> Iterator[TextSegment]:
    """Paragraphs of a story (`label N`), or its entries when each starts with `mark`."""
    text = _drop_fields(text).replace("\x07\x07", "\r")  # a table row's end mark
    if mark:
        entries = [e.translate(_CONTROL).replace("\r", "\n").strip() for e in text.split(mark)]
        for n, entry in enumerate((e for e in entries if e), 1):
            yield TextSegment(f"{label} {n}", entry)
        return
    clean = text.translate(_CONTROL)
    yield from paragraphs("\n\n".join(p for p in clean.split("\r") if p.strip()), label)


# MS-PPT record types.
_SLIDE, _NOTES, _NOTES_ATOM, _SLIDE_LIST, _SLIDE_PERSIST = 0x03EE, 0x03F0, 0x03F1, 0x0FF0, 0x03F3
_TEXT_CHARS, _TEXT_BYTES = 0x0FA0, 0x0FA8
_MASTER_PLACEHOLDER = "*"  # date/number/footer fields of placeholders show as a lone asterisk


def _records(buf: bytes, pos: int, end: int) -> Iterator[tuple[int, int, int, int]]:
    """(type, instance, body start, body end) of the records in buf[pos:end]."""
    while pos + 8 <= end:
        verinst, kind, length = struct.unpack_from("<HHI", buf, pos)
        body = pos + 8
        yield kind, verinst >> 4, body, min(body + length, end)
        pos = body + length


def _texts(buf: bytes, pos: int, end: int) -> Iterator[str]:
    """Every text atom in a container, depth first."""
    for kind, _, body, stop in _records(buf, pos, end):
        if kind == _TEXT_CHARS:
            yield buf[body:stop].decode("utf-16-le", "replace")
        elif kind == _TEXT_BYTES:
            yield buf[body:stop].decode("cp1252", "replace")
        elif buf[body - 8] & 0x0F == 0x0F:  # a container
            yield from _texts(buf, body, stop)


def ppt_slides(data: bytes) -> Iterator[TextSegment]:
    """`slide N` and `slide N notes` text of a PowerPoint 97-2003 deck."""
    with _open(data) as ole:
        stream = ole.openstream("PowerPoint Document").read()
    slide_ids: list[int] = []  # presentation order, from the slide list's persist atoms
    outline: dict[int, list[str]] = {}  # text PowerPoint keeps in the slide list, per slide
    slides: list[list[str]] = []
    notes: list[tuple[int, list[str]]] = []

    def visit(pos: int, end: int) -> None:
        for kind, instance, body, stop in _records(stream, pos, end):
            if kind == _SLIDE_LIST and instance == 0:
                for sub, _, at, until in _records(stream, body, stop):
                    if sub == _SLIDE_PERSIST and until - at >= 16:
                        slide_ids.append(struct.unpack_from("<I", stream, at + 12)[0])
                    elif sub in (_TEXT_CHARS, _TEXT_BYTES) and slide_ids:
                        outline.setdefault(len(slide_ids), []).extend(_texts(stream, at - 8, until))
            elif kind == _SLIDE:
                slides.append(list(_texts(stream, body, stop)))
            elif kind == _NOTES:
                ref = next(
                    (struct.unpack_from("<I", stream, a)[0]
                     for k, _, a, _ in _records(stream, body, stop) if k == _NOTES_ATOM),
                    0,
                )  # fmt: skip
                notes.append((ref, list(_texts(stream, body, stop))))
            elif stream[body - 8] & 0x0F == 0x0F and kind not in (0x03F8,):  # not a master
                visit(body, stop)

    visit(0, len(stream))
    for n, texts in enumerate(slides, 1):
        texts = outline.get(n, []) + texts
        if text := _join(texts):
            yield TextSegment(f"slide {n}", text)
    for ref, texts in notes:
        if ref in slide_ids and (text := _join(texts)):
            yield TextSegment(f"slide {slide_ids.index(ref) + 1} notes", text)


def _join(texts: list[str]) -> str:
    lines = [t.replace("\r", "\n").replace("\x0b", "\n").strip() for t in texts]
    return "\n".join(t for t in lines if t and t != _MASTER_PLACEHOLDER)


def embedded_packages(data: bytes) -> Iterator[Child]:
    """Files dropped into an Office document as Packager objects (Ole10Native streams)."""
    with _open(data) as ole:
        for path in ole.listdir(streams=True, storages=False):
            if path[-1] != "\x01Ole10Native":
                continue
            raw = ole.openstream(path).read()
            parsed = _ole10native(raw)
            if parsed is not None:
                label, content = parsed
                yield Child(f"/embedded/{'/'.join(path[:-1])}/{label}", label, content)


def _ole10native(raw: bytes) -> tuple[str, bytes] | None:
    """(label, file bytes) of a Packager object: size, flags, label, path, ..., size, data."""
    try:
        pos = 6
        label_end = raw.index(b"\0", pos)
        label = raw[pos:label_end].decode("cp1252", "replace")
        pos = raw.index(b"\0", label_end + 1) + 1  # original path
        pos += 4  # reserved / unknown
        path_len = struct.unpack_from("<I", raw, pos)[0]
        pos += 4 + path_len  # temporary path
        size = struct.unpack_from("<I", raw, pos)[0]
        return label or "embedded", raw[pos + 4 : pos + 4 + size]
    except (ValueError, struct.error):
        return None


class DocExtractor:
    """Word 97-2003 .doc/.dot: every story, authors, summary properties, embedded files."""

    name: ClassVar[str] = "doc"

    def sniff(self, head: bytes, filename: str) -> bool:
        """OLE with a WordDocument stream (or named .doc/.dot when the directory is further in)."""
        if not sniff.is_ole(head) or sniff.has_ole_stream(head, "EncryptionInfo"):
            return False
        named = sniff.suffix(filename) in {"doc", "dot"}
        return sniff.has_ole_stream(head, "WordDocument") or named

    def extract(self, data: bytes, ctx: ExtractContext) -> Iterator[Output]:
        """Properties, body paragraphs, the other stories, then embedded files as children."""
        ensure_not_encrypted(data, ctx.name)
        yield from ole_summary(data)
        yield from limit_chars(doc_stories(data, ctx.name), ctx.limits.max_chars)
        yield from embedded_packages(data)


class PptExtractor:
    """PowerPoint 97-2003 .ppt/.pps/.pot: slides, notes, summary properties, embedded files."""

    name: ClassVar[str] = "ppt"

    def sniff(self, head: bytes, filename: str) -> bool:
        """OLE with a `PowerPoint Document` stream (or named .ppt/.pps/.pot)."""
        if not sniff.is_ole(head) or sniff.has_ole_stream(head, "EncryptionInfo"):
            return False
        named = sniff.suffix(filename) in {"ppt", "pps", "pot"}
        return sniff.has_ole_stream(head, "PowerPoint Document") or named

    def extract(self, data: bytes, ctx: ExtractContext) -> Iterator[Output]:
        """Properties, `slide N` and `slide N notes`, then embedded files as children."""
        ensure_not_encrypted(data, ctx.name)
        yield from ole_summary(data)
        yield from limit_chars(ppt_slides(data), ctx.limits.max_chars)
        yield from embedded_packages(data)
