"""Images: EXIF and text-chunk metadata, then the text in the picture by OCR (ocr.py).

A scanned contract, a photographed passport, a faxed invoice: on an old share these are images
with no text layer. Every frame of a multi-page TIFF is a page (`page 3 (ocr)`); an animated GIF
or WebP is read at its first frame only, as the others repeat one picture. Pillow reads PNG,
JPEG, TIFF, BMP, GIF and WebP; pillow-heif adds HEIC/HEIF (iPhone photos) and AVIF.

EXIF is read before any OCR because it is where a photo keeps personal data outright: where it
was taken (GPS), whose camera took it (CameraOwnerName, Artist, the body's serial number), and the
Windows Explorer author and comment fields. GPS positions are given in decimal degrees.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any, ClassVar

from scanner.errors import TooLargeError
from scanner.extract import ocr
from scanner.extract.base import ExtractContext, Output, TextSegment, limit_chars
from scanner.extract.metadata import segments
from scanner.extras import require

# (tag id, key) in the main IFD; XP* are UTF-16LE byte strings written by Windows Explorer.
_MAIN = {
    0x010E: "ImageDescription",
    0x013B: "Artist",
    0x8298: "Copyright",
    0x9C9B: "XPTitle",
    0x9C9C: "XPComment",
    0x9C9D: "XPAuthor",
    0x9C9E: "XPKeywords",
    0x9C9F: "XPSubject",
}
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_EXIF = {0x9286: "UserComment", 0xA430: "CameraOwnerName", 0xA431: "BodySerialNumber"}
_PERSON = {"Artist", "XPAuthor", "CameraOwnerName"}
_INFO = ("Author", "Comment", "comment", "Description", "Title")  # PNG/GIF text chunks

_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif")


def is_image(head: bytes) -> bool:
    """PNG, JPEG, TIFF, BMP, GIF, WebP, HEIC/HEIF/AVIF by signature."""
    return (
        head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*"))
        or head.startswith((b"GIF87a", b"GIF89a"))
        or (head[:2] == b"BM" and len(head) >= 26 and head[6:10] == b"\0\0\0\0")
        or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
        or (head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS)
    )


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        if value[:8] in (b"ASCII\0\0\0", b"UNICODE\0", b"\0" * 8):  # UserComment's charset prefix
            body = value[8:]
            return body.decode("utf-16-le" if value[:7] == b"UNICODE" else "latin-1", "replace")
        return value.decode("utf-16-le", "replace") if b"\0" in value else value.decode("latin-1")
    return str(value)


def _degrees(dms: Any, ref: Any) -> float | None:
    try:
        d, m, s = (float(x) for x in dms)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    value = d + m / 60 + s / 3600
    return -value if str(ref).strip("\0").upper() in ("S", "W") else value


def exif_segments(image: Any) -> Iterator[TextSegment]:
    """EXIF personal fields and GPS position, located `exif:<Tag>`; PNG/GIF text as metadata."""
    exif = image.getexif()
    pairs: list[tuple[str, str]] = [(_MAIN[t], _text(v)) for t, v in exif.items() if t in _MAIN]
    sub = exif.get_ifd(_EXIF_IFD)
    pairs += [(_EXIF[t], _text(v)) for t, v in sub.items() if t in _EXIF]
    gps = exif.get_ifd(_GPS_IFD)
    lat, lon = _degrees(gps.get(2), gps.get(1)), _degrees(gps.get(4), gps.get(3))
    if lat is not None and lon is not None:
        pairs += [("GPSLatitude", f"{lat:.6f}"), ("GPSLongitude", f"{lon:.6f}")]
    for key, value in pairs:
        value = value.strip("\0 ").strip()
        if value:
            label = "Name" if key in _PERSON else key
            yield TextSegment(f"exif:{key}", f"{label}: {value}")
    info = [(k.lower(), str(image.info[k])) for k in _INFO if isinstance(image.info.get(k), str)]
    yield from segments(("author" if k == "author" else k, v) for k, v in info)


def open_image(data: bytes, name: str) -> Any:
    """Pillow image (HEIF opener registered); a decompression bomb becomes TooLargeError."""
    from PIL import Image

    if data[4:8] == b"ftyp":  # HEIF/HEIC: pillow-heif is part of the `ocr` extra
        require("pillow_heif", "Reading HEIC/HEIF images").register_heif_opener()
    try:
        return Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as e:
        raise TooLargeError(
            f"{name}: {e}; an image this large is refused as a decompression bomb"
        ) from e


class ImageExtractor:
    """Raster images: metadata, then OCR of every page (TIFF) or the picture."""

    name: ClassVar[str] = "image"

    def sniff(self, head: bytes, filename: str) -> bool:
        """Claim the image signatures in `is_image`."""
        return is_image(head)

    def extract(self, data: bytes, ctx: ExtractContext) -> Iterator[Output]:
        """EXIF first; then `page N (ocr)` per page with text, within ocr.max_pages."""
        image = open_image(data, ctx.name)
        yield from exif_segments(image)
        if not ctx.ocr.enabled:
            return
        frames = getattr(image, "n_frames", 1) if image.format in ("TIFF", "MPO") else 1
        budget = ctx.ocr.max_pages

        def pages() -> Iterator[tuple[int, Any]]:
            for index in range(min(frames, budget)):
                image.seek(index)
                image.load()
                yield index + 1, image

        yield from limit_chars(ocr.pages(pages(), ctx.ocr), ctx.limits.max_chars)
        if frames > budget:
            raise ocr.budget_exceeded(budget, frames, ctx.ocr, ctx.name)
