"""Items that hold no text to scan: empty files, programs, fonts, audio and video.

An old file server is full of installers, DLLs, fonts and phone videos. Calling them `error` or
`unsupported` buries the real failures (a corrupt contract) under thousands of rows nobody needs
to act on, so they are `skipped` with a stable reason phrase (docs/extraction.md lists them),
and an empty file is simply `ok`: there is nothing in it, which is a complete answer.
The magic numbers are the formats' own signatures; the name is never needed.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import ClassVar

from scanner.errors import SkippedError
from scanner.extract.base import ExtractContext, Output

EXECUTABLE = "not a document: executable"
FONT = "not a document: font"
MEDIA = "not a document: audio/video"

_PREFIXES: tuple[tuple[bytes, str, str], ...] = (
    (b"\x7fELF", EXECUTABLE, "ELF"),
    (b"\xfe\xed\xfa\xce", EXECUTABLE, "Mach-O"),
    (b"\xfe\xed\xfa\xcf", EXECUTABLE, "Mach-O"),
    (b"\xce\xfa\xed\xfe", EXECUTABLE, "Mach-O"),
    (b"\xcf\xfa\xed\xfe", EXECUTABLE, "Mach-O"),
    (b"\xca\xfe\xba\xbe", EXECUTABLE, "Mach-O universal or Java class"),
    (b"\x00asm", EXECUTABLE, "WebAssembly"),
    (b"OTTO", FONT, "OpenType"),
    (b"ttcf", FONT, "TrueType collection"),
    (b"wOFF", FONT, "WOFF"),
    (b"wOF2", FONT, "WOFF2"),
    (b"ID3", MEDIA, "MP3"),
    (b"fLaC", MEDIA, "FLAC"),
    (b"OggS", MEDIA, "Ogg"),
    (b"MThd", MEDIA, "MIDI"),
    (b"\x1a\x45\xdf\xa3", MEDIA, "Matroska/WebM"),
    (b"FLV\x01", MEDIA, "Flash video"),
    (b"0&\xb2u\x8ef\xcf\x11", MEDIA, "Windows Media"),
)
_RIFF = {b"WAVE": "WAV", b"AVI ": "AVI"}
# ISO base media brands that are video or audio (HEIC/AVIF images use others: images.py).
_VIDEO_BRANDS = (b"isom", b"iso2", b"mp41", b"mp42", b"M4A ", b"M4V ", b"qt  ", b"3gp", b"avc1")


def kind_of(head: bytes) -> tuple[str, str] | None:
    """(reason phrase, format) when `head` starts a file that is not a document; else None."""
    for prefix, reason, fmt in _PREFIXES:
        if head.startswith(prefix):
            return reason, fmt
    if head[:2] == b"MZ" and len(head) >= 64:
        pe = struct.unpack_from("<I", head, 60)[0]
        if head[pe : pe + 4] == b"PE\0\0" or b"\0" in head[2:64]:
            return EXECUTABLE, "Windows PE/DOS"
    if head[:4] == b"\x00\x01\x00\x00" and any(t in head[:512] for t in (b"glyf", b"cmap")):
        return FONT, "TrueType"
    if head[:4] == b"RIFF" and head[8:12] in _RIFF:
        return MEDIA, _RIFF[head[8:12]]
    if head[4:8] == b"ftyp" and head[8:12].startswith(_VIDEO_BRANDS):
        return MEDIA, "MP4/QuickTime"
    return None


class EmptyExtractor:
    """A zero-byte item: `ok`, with no text (before any other extractor is asked)."""

    name: ClassVar[str] = "empty"

    def sniff(self, head: bytes, filename: str) -> bool:
        """Claim only empty content."""
        return not head

    def extract(self, data: bytes, ctx: ExtractContext) -> Iterator[Output]:
        """Nothing to yield."""
        yield from ()


class NotADocumentExtractor:
    """Executables, fonts, audio and video: `skipped`, with the reason phrase and the format."""

    name: ClassVar[str] = "not_a_document"

    def sniff(self, head: bytes, filename: str) -> bool:
        """Claim the signatures in `kind_of`."""
        return kind_of(head) is not None

    def extract(self, data: bytes, ctx: ExtractContext) -> Iterator[Output]:
        """Raise SkippedError naming what the item is."""
        found = kind_of(data[:4096])
        reason, fmt = found if found is not None else ("not a document", "unknown")
        raise SkippedError(f"{reason} ({fmt}); it holds no text to scan")
        yield  # pragma: no cover - makes this a generator like every extractor
