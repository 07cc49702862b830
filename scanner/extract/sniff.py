"""Cheap content sniffing shared by the extractors: magic bytes, zip member names, OLE streams.

Everything here reads only the head of an item (registry.HEAD_BYTES), because sniffing runs for
every item and must cost microseconds. A file's extension is never trusted on its own: files on
old shares are renamed, mis-saved and copied with the wrong suffix, so the content decides and the
name only breaks ties (a zip that is neither OOXML nor ODF, a text file that is really a csv).
"""

from __future__ import annotations

import struct
from pathlib import PurePosixPath

PK_LOCAL = b"PK\x03\x04"
PK_EMPTY = b"PK\x05\x06"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PDF_MAGIC = b"%PDF-"


def suffix(filename: str) -> str:
    """Lower-case extension without the dot ('' when none); archive paths use '/' separators."""
    return PurePosixPath(filename.replace("\\", "/")).suffix.lower().lstrip(".")


def opening(head: bytes, size: int) -> bytes:
    """The first `size` bytes of a text without the BOM and whitespace some writers put first."""
    return head[:size].lstrip(b"\xef\xbb\xbf \t\r\n")


def is_zip(head: bytes) -> bool:
    """Tell whether `head` starts a zip container (including an empty one)."""
    return head.startswith(PK_LOCAL) or head.startswith(PK_EMPTY)


def zip_names(head: bytes, limit: int = 64) -> list[str]:
    """Member names from the local file headers that fit in `head`.

    OOXML and ODF writers put `[Content_Types].xml` / `mimetype` first, so the first few local
    headers are enough to tell the formats apart without reading the central directory at the
    end of the file.
    """
    names: list[str] = []
    pos = 0
    while len(names) < limit and head.startswith(PK_LOCAL, pos) and pos + 30 <= len(head):
        flags, _method = struct.unpack_from("<HH", head, pos + 6)
        csize = struct.unpack_from("<I", head, pos + 18)[0]
        nlen, xlen = struct.unpack_from("<HH", head, pos + 26)
        raw = head[pos + 30 : pos + 30 + nlen]
        names.append(raw.decode("utf-8" if flags & 0x800 else "cp437", "replace"))
        if flags & 0x08:
            # Sizes follow the data (streamed writer): the next header cannot be located
            # without decompressing, so search for the next signature instead.
            nxt = head.find(PK_LOCAL, pos + 30 + nlen + xlen)
            if nxt < 0:
                break
            pos = nxt
        else:
            pos += 30 + nlen + xlen + csize
    return names


def odf_mimetype(head: bytes) -> str:
    """Return the ODF `mimetype` member (stored uncompressed first by the spec); '' if absent."""
    if not head.startswith(PK_LOCAL) or head[30:38] != b"mimetype":
        return ""
    csize = struct.unpack_from("<I", head, 18)[0]
    xlen = struct.unpack_from("<H", head, 28)[0]
    start = 38 + xlen
    return head[start : start + min(csize, 100)].decode("ascii", "replace")


def ooxml_kind(head: bytes) -> str:
    """Return 'docx', 'xlsx', 'pptx' for an OOXML package, 'ooxml' if unsure which, else ''."""
    return package_kind(zip_names(head))


def package_kind(names: list[str]) -> str:
    """Judge OOXML by part names; writers order parts differently, so any package marker will do."""
    markers = ("[Content_Types].xml", "_rels/", "docProps/")
    if not any(n.startswith(markers) for n in names):
        return ""
    for prefix, kind in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
        if any(n.startswith(prefix) for n in names):
            return kind
    return "ooxml"


def is_ole(head: bytes) -> bool:
    """Tell whether `head` starts an OLE compound file (legacy Office, .msg, encrypted OOXML)."""
    return head.startswith(OLE_MAGIC)


def has_ole_stream(head: bytes, name: str) -> bool:
    """Tell whether an OLE directory entry named `name` lies within `head` (UTF-16LE names)."""
    return name.encode("utf-16-le") in head


# Where the zero bytes of mostly-Latin text fall in each wide encoding (offsets in a unit), and
# the offset that holds the character. UTF-32 first: its zeros would also fit UTF-16.
_WIDE = (
    ("utf-32-le", 4, (1, 2, 3), 0),
    ("utf-32-be", 4, (0, 1, 2), 3),
    ("utf-16-le", 2, (1,), 0),
    ("utf-16-be", 2, (0,), 1),
)
WIDE_SAMPLE = 4096


def wide_encoding(head: bytes) -> str | None:
    """UTF-16 or UTF-32 text without a BOM, told by where its zero bytes fall; else None.

    Windows writes UTF-16 without a BOM more often than one would hope (exports, PowerShell
    redirections); read as bytes it is "binary", so its names and numbers were never scanned.
    Latin text in a wide encoding has a zero in every high byte and almost none in the low one;
    the sample must then decode cleanly to printable text.
    """
    n = min(len(head), WIDE_SAMPLE)
    n -= n % 4
    if n < 16:
        return None
    sample = head[:n]
    for codec, unit, zero_at, char_at in _WIDE:
        units = n // unit
        if sample[char_at::unit].count(0) > units // 20:
            continue
        if any(sample[i::unit].count(0) < units * 6 // 10 for i in zero_at):
            continue
        try:
            text = sample.decode(codec)
        except UnicodeDecodeError:
            continue
        printable = sum(c.isprintable() or c in "\t\r\n\f" for c in text)
        if printable * 100 >= len(text) * 95:
            return codec
    return None


def sprinkled_nuls(head: bytes) -> bool:
    """A few NUL bytes in what is otherwise text (a crashed writer's padding, a bad export).

    Compressed and binary formats hold a NUL in about every 256 bytes; this allows one in 2,000,
    so they are still turned away before charset-normalizer runs.
    """
    return head.count(0) <= max(8, len(head) // 2000)


def looks_textual(head: bytes) -> bool:
    """Tell whether `head` is text: a BOM, UTF-16/32 without one, UTF-8, or a single-byte charset.

    NUL bytes mean binary unless they are those of a wide encoding or a few stray ones; that
    cheap test rejects almost every binary format before charset-normalizer runs.
    """
    if not head:
        return False
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return True
    if b"\x00" in head:
        if wide_encoding(head):
            return True
        if not sprinkled_nuls(head):
            return False
        head = head.replace(b"\x00", b"")
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError as e:
        # A multi-byte character cut at the end of the head is still UTF-8.
        if e.start >= len(head) - 3 and e.reason.startswith("unexpected end"):
            return True
    from charset_normalizer import is_binary

    return not is_binary(head)
