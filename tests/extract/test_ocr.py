"""OCR with the real Tesseract: every image format, multi-page TIFF, scanned PDFs, EXIF, budgets.

Pages are small crops (a letterhead and two lines) so each recognition takes a fraction of a
second; the speed and recall figures on full noisy pages live in bench/ocr.
"""

from __future__ import annotations

import io
from functools import cache
from typing import Any

import pytest

from bench.ocr_pages import photo, render, scan_like
from scanner.config import OcrSettings
from tests.extract.files import one

pytestmark = pytest.mark.skipif(
    OcrSettings().tessdata_dir() is None,
    reason="Tesseract language data missing (scripts/install-test-deps.sh installs it)",
)

NAME, NINO = "Jane Smith", "AB 12 34 56 C"


@cache
def letter() -> Any:
    lines = [f"Dear {NAME},", f"Your NI number is {NINO}."]
    return render(lines, 200).crop((0, 0, 1654, 500))


def encode(image: Any, fmt: str, **kw: Any) -> bytes:
    if fmt in ("JPEG", "WEBP", "HEIF"):
        image = image.convert("RGB")
    if fmt == "HEIF":
        import pillow_heif

        pillow_heif.register_heif_opener()
    out = io.BytesIO()
    image.save(out, fmt, **kw)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "TIFF", "BMP", "GIF", "WEBP", "HEIF"])
def test_every_image_format_is_read_by_ocr(fmt: str) -> None:
    node = one(encode(letter(), fmt), f"scan.{fmt.lower()}")
    assert (node.extractor, node.status) == ("image", "ok"), node
    text = node.texts()["page 1 (ocr)"]
    assert f"Dear {NAME}," in text and NINO in text


def test_multipage_tiff_pages_and_the_page_budget() -> None:
    second = render(["Second page: call 07700 900123"], 200).crop((0, 0, 1654, 400))
    data = encode(letter(), "TIFF", save_all=True, append_images=[second])
    node = one(data, "fax.tif")
    assert node.status == "ok"
    assert "07700 900123" in node.texts()["page 2 (ocr)"]
    settings = OcrSettings(max_pages=1)
    from scanner.config import Limits
    from scanner.extract.base import ExtractContext
    from scanner.extract.registry import by_name

    outputs: list[Any] = []
    with pytest.raises(Exception, match=r"first 1 of 2 pages .*ocr.max_pages") as caught:
        for out in by_name("image").extract(data, ExtractContext("fax.tif", 0, Limits(), settings)):
            outputs.append(out)
    assert type(caught.value).__name__ == "TooLargeError"
    assert [o.location for o in outputs] == ["page 1 (ocr)"]  # what was read is kept


def test_exif_gps_artist_and_camera_owner_become_located_text() -> None:
    from PIL import Image

    exif = Image.Exif()
    exif[0x013B] = "Jane Smith"
    exif[0x9C9D] = "Tom Baker".encode("utf-16-le") + b"\0\0"  # Explorer's XPAuthor
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 2.52), 3: "W", 4: (0.0, 7.0, 29.6)}
    exif.get_ifd(0x8769)[0xA430] = "Priya Patel"
    node = one(encode(photo(1, (400, 300)), "JPEG", exif=exif), "holiday.jpg")
    assert node.texts() == {
        "exif:Artist": "Name: Jane Smith",
        "exif:XPAuthor": "Name: Tom Baker",
        "exif:CameraOwnerName": "Name: Priya Patel",
        "exif:GPSLatitude": "GPSLatitude: 51.500700",
        "exif:GPSLongitude": "GPSLongitude: -0.124889",
    }  # and no OCR segment: the cheap test found no text in the picture


def test_photos_without_text_are_not_recognised() -> None:
    from scanner.extract import ocr

    settings = OcrSettings()
    for texture in (False, True):
        gray = ocr.prepare(photo(3, (1200, 800), texture=texture))
        assert not ocr.has_text(gray, settings)
    assert ocr.has_text(ocr.prepare(scan_like(letter(), __import__("random").Random(1))), settings)


def test_scanned_pdf_pages_are_ocred_and_text_pages_are_not() -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, "Typed page: nothing to OCR here, the text layer is read")
    pdf.image(letter(), x=10, y=40, w=190)  # an image on a page with text: not OCRed
    pdf.add_page()
    pdf.image(letter(), x=0, y=0, w=210)  # a scan: image only
    pdf.set_author("Jane Smith")
    pdf.set_title("Appraisal")
    node = one(bytes(pdf.output()), "scan.pdf")
    texts = node.texts()
    assert node.status == "ok"
    assert "page 1 (ocr)" not in texts and "Typed page" in texts["page 1"]
    assert NINO in texts["page 2 (ocr)"]
    assert texts["metadata:author"] == "Name: Jane Smith"
    assert texts["metadata:title"] == "Title: Appraisal"


def test_ocr_can_be_switched_off() -> None:
    from scanner.config import Limits
    from scanner.extract.base import ExtractContext
    from scanner.extract.registry import by_name

    ctx = ExtractContext("scan.png", 0, Limits(), OcrSettings(enabled=False))
    assert list(by_name("image").extract(encode(letter(), "PNG"), ctx)) == []


def test_broken_and_bomb_images() -> None:
    png = encode(letter(), "PNG")
    assert one(png[: len(png) // 2], "cut.png").status == "error"
    from PIL import Image

    huge = io.BytesIO()
    Image.new("1", (20000, 20000)).save(huge, "PNG")  # 400 MP of white: a few KB
    node = one(huge.getvalue(), "bomb.png")
    assert node.status == "too_large" and "decompression bomb" in node.message
