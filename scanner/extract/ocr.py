"""Tesseract OCR for images and PDF pages without a text layer, in the worker process.

tesserocr (Tesseract's C++ API through Cython) was chosen over pytesseract by measurement: on the
same noisy 200 dpi A4 pages bench/ocr reads 1.59 pages/s per core against pytesseract's 0.76
(which starts a process, reloads the model and passes an image file per page), and a blank
probe costs 10 ms instead of 150 ms. It runs in-process, so the pool's per-item deadline and
memory watch apply to it like to any other parser: a page that hangs Tesseract gets the worker
killed and the item marked `timeout`. One engine per (tessdata, languages) is kept for the life
of the worker, because loading the language model costs more than recognising a small page.

Photos without text must cost little, so every image first goes through `has_text`: Tesseract's
layout analysis alone, on a copy shrunk to at most PROBE_PX on its longer side, looking for
text-line-shaped regions. bench/ocr measures it on 6 MP photos: 0.07 s (smooth) and 0.16 s
(fine texture) against 0.19 s and 2.0 s for full recognition, and it stops none of the rendered
document pages.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from scanner.config import OcrSettings
from scanner.errors import UnsupportedError
from scanner.extract.base import TextSegment
from scanner.extras import require

# Tesseract built with OpenMP would start one thread per core in every worker; the pool already
# runs one worker per core.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

PROBE_PX = 1024
# Text lines in the probe: at PROBE_PX a 6-80 px high region much wider than high. Smaller is
# noise or print too small to read at this size anyway; larger is a shape, not a line.
LINE_HEIGHT = (5, 80)
LINE_ASPECT = 2.5
# Longest side recognised: about 360 dpi for A4. Beyond this Tesseract only gets slower.
MAX_SIDE_PX = 4200
MIN_SIDE_PX = 24

_ENGINES: dict[tuple[str, str], Any] = {}
_O_BY_DIGIT = re.compile(r"(?<=\d)[Oo]|[Oo](?=\d)")


def location(page: int) -> str:
    """The location of OCR text: the page, and the fact that the text came from OCR."""
    return f"page {page} (ocr)"


def engine(settings: OcrSettings) -> Any:
    """The worker's Tesseract engine for these settings (created once, then reused)."""
    folder = settings.tessdata_dir()
    if folder is None:
        raise UnsupportedError(
            "OCR needs Tesseract's language data, which is not installed: install the Debian "
            f"packages tesseract-ocr and tesseract-ocr-{settings.languages[0]}, set ocr.tessdata, "
            "or set ocr.enabled = false to record images without reading them"
        )
    key = (str(folder), "+".join(settings.languages))
    if key not in _ENGINES:
        # tesserocr is the `ocr` extra: without it the item is `unsupported`, naming it.
        tesserocr = require("tesserocr", "OCR (ocr.enabled)")
        _ENGINES[key] = tesserocr.PyTessBaseAPI(path=str(folder) + os.sep, lang=key[1])
    return _ENGINES[key]


def prepare(image: Any) -> Any:
    """Grayscale, bounded in size; transparency flattened onto white (as it is printed)."""
    from PIL import Image

    if image.mode in ("RGBA", "LA", "P"):
        rgba = image.convert("RGBA")
        flat = Image.new("RGBA", rgba.size, "white")
        flat.alpha_composite(rgba)
        image = flat
    gray = image.convert("L")
    longest = max(gray.size)
    if longest > MAX_SIDE_PX:
        scale = MAX_SIDE_PX / longest
        gray = gray.resize((round(gray.width * scale), round(gray.height * scale)))
    return gray


def has_text(gray: Any, settings: OcrSettings) -> bool:
    """Cheap test: tell whether layout analysis finds anything shaped like a line of text."""
    from tesserocr import PSM, RIL

    if min(gray.size) < MIN_SIDE_PX:
        return False
    probe = gray.copy()
    probe.thumbnail((PROBE_PX, PROBE_PX))
    api = engine(settings)
    api.SetPageSegMode(PSM.AUTO_ONLY)
    api.SetImage(probe)
    layout = api.AnalyseLayout()
    if layout is None:
        return False
    low, high = LINE_HEIGHT
    while True:
        box = layout.BoundingBox(RIL.TEXTLINE)
        if box is not None:
            width, height = box[2] - box[0], box[3] - box[1]
            if low <= height <= high and width >= LINE_ASPECT * height:
                return True
        if not layout.Next(RIL.TEXTLINE):
            return False


def recognise(gray: Any, settings: OcrSettings) -> str:
    """Full recognition of one prepared page (automatic page segmentation)."""
    from tesserocr import PSM

    api = engine(settings)
    api.SetPageSegMode(PSM.AUTO)
    api.SetImage(gray)
    text: str = api.GetUTF8Text()
    api.Clear()
    return text


def repair(text: str) -> str:
    """The one correction applied to OCR text: a letter O touching a digit is a zero.

    Tesseract's English model prefers letters, so `GB06` comes out `GBO6` in sans-serif fonts
    whose zero and O differ only in width; identifiers are exactly where that matters, and in
    prose an O next to a digit is rare (bench/ocr: +1.7 points of recall on noisy pages).
    """
    return _O_BY_DIGIT.sub("0", text)


def ocr_page(image: Any, page: int, settings: OcrSettings) -> TextSegment | None:
    """OCR one page image when the cheap test sees text; None for a page with none."""
    gray = prepare(image)
    if not has_text(gray, settings):
        return None
    text = "\n".join(line.rstrip() for line in repair(recognise(gray, settings)).splitlines())
    return TextSegment(location(page), text.strip()) if text.strip() else None


def tessdata_languages(folder: Path) -> list[str]:
    """Languages installed in a tessdata folder (for messages and the benchmark)."""
    return sorted(p.stem for p in folder.glob("*.traineddata") if p.stem != "osd")


def budget_exceeded(done: int, total: int, settings: OcrSettings, name: str) -> Exception:
    """The error when an item has more pages to OCR than ocr.max_pages."""
    from scanner.errors import TooLargeError

    return TooLargeError(
        f"{name}: OCR read the first {done} of {total} pages without a text layer "
        f"(ocr.max_pages = {settings.max_pages}); raise ocr.max_pages to read the rest"
    )


def pages(images: Iterator[tuple[int, Any]], settings: OcrSettings) -> Iterator[TextSegment]:
    """OCR (page number, image) pairs in order, yielding the pages that hold text."""
    for page, image in images:
        segment = ocr_page(image, page, settings)
        if segment is not None:
            yield segment
