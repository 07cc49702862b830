"""Rendered pages with planted personal data, for bench/ocr and the OCR tests.

A page is drawn with Pillow in a real TrueType font (Debian's fonts-dejavu) at a given resolution,
as a letter or form would print: a heading, sentences carrying a name, NI number, IBAN, phone
number and postcode, and filler prose. `scan_like` then makes it look like a 200 dpi office scan:
a grey, uneven paper tone, sensor noise, dust specks, slight blur, a small skew and JPEG
compression. Everything is seeded, so two runs measure the same pages.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.corpus import Gen

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu")
FILLER = (
    "We write further to our letter regarding the account held with us.",
    "Please keep this notice with your records and tell us of any change.",
    "The payment will be taken on the first working day of each month.",
    "If you have any questions please call the number shown above.",
)


def font_path(bold: bool = False) -> Path:
    """DejaVu Sans (Debian fonts-dejavu-core), which every test machine installs with fontconfig."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_DIRS:
        if (Path(folder) / name).is_file():
            return Path(folder) / name
    raise FileNotFoundError(f"{name} not found in {FONT_DIRS}: apt-get install fonts-dejavu-core")


@dataclass
class Page:
    """One rendered page and the values planted on it, by entity type."""

    image: Any
    planted: list[tuple[str, str]] = field(default_factory=list)


def planted_lines(gen: Gen) -> tuple[list[str], list[tuple[str, str]]]:
    """Lines of a letter with one value of each planted kind, and (entity, value) pairs."""
    name, nino, iban = gen.name(), gen.nino(), gen.f.iban()
    iban = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    phone, postcode = f"07700 900{gen.r.randint(0, 999):03d}", gen.postcode()
    planted = [("PERSON", name), ("UK_NINO", nino), ("IBAN_CODE", iban),
               ("PHONE_NUMBER", phone), ("UK_POSTCODE", postcode)]  # fmt: skip
    lines = [
        f"Dear {name},",
        "",
        gen.r.choice(FILLER),
        f"Your National Insurance number is {nino}.",
        f"Payments go to IBAN {iban}.",
        f"Telephone: {phone}",
        f"Postcode: {postcode}",
        "",
        *(gen.r.choice(FILLER) for _ in range(14)),  # a full page of prose around the values
    ]
    return lines, planted


def render(lines: list[str], dpi: int = 200, point: float = 11.0) -> Any:
    """An A4 page at `dpi` with `lines` set in DejaVu Sans at `point` size, black on white."""
    from PIL import Image, ImageDraw, ImageFont

    width, height = round(8.27 * dpi), round(11.69 * dpi)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(font_path()), round(point * dpi / 72))
    head = ImageFont.truetype(str(font_path(bold=True)), round(point * 1.4 * dpi / 72))
    y = dpi  # one-inch margins
    draw.text((dpi, y), "Northwind Estates Ltd", font=head, fill=0)
    y += round(point * 3 * dpi / 72)
    for line in lines:
        draw.text((dpi, y), line, font=font, fill=0)
        y += round(point * 1.6 * dpi / 72)
    return page


def scan_like(page: Any, rng: random.Random, angle: float = 0.0) -> Any:
    """Make a clean page look scanned: paper tone, noise, specks, blur, skew, JPEG artefacts."""
    import numpy as np
    from PIL import Image, ImageFilter

    seed = rng.randrange(2**32)
    noise = np.random.default_rng(seed)
    pixels = np.asarray(page, dtype=np.float32)
    tone = 235 + 10 * np.linspace(-1, 1, pixels.shape[1])[None, :]  # uneven paper
    pixels = np.where(pixels > 128, tone, 35.0) + noise.normal(0, 14, pixels.shape)
    specks = noise.random(pixels.shape) < 0.0015
    pixels[specks] = noise.uniform(0, 90, int(specks.sum()))
    image = Image.fromarray(pixels.clip(0, 255).astype(np.uint8)).filter(
        ImageFilter.GaussianBlur(0.6)
    )
    if angle:
        image = image.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=235)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=60)
    return Image.open(io.BytesIO(out.getvalue()))


def pages(kind: str, count: int, seed: int = 7, dpi: int = 200) -> list[Page]:
    """`count` pages of a kind: `clean`, `noisy` (scan-like) or `rotated` (noisy, 1-3 deg skew)."""
    gen = Gen(seed)
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        lines, planted = planted_lines(gen)
        image = render(lines, dpi)
        if kind == "noisy":
            image = scan_like(image, rng)
        elif kind == "rotated":
            image = scan_like(image, rng, angle=rng.choice([-1, 1]) * rng.uniform(1.0, 3.0))
        out.append(Page(image, planted))
    return out


def photo(seed: int, size: tuple[int, int] = (3000, 2000), texture: bool = False) -> Any:
    """A picture without text: smooth shapes and shading (or fine texture, like grass or gravel)."""
    import numpy as np
    from PIL import Image, ImageFilter

    noise = np.random.default_rng(seed)
    width, height = size
    if texture:
        grain = Image.fromarray((noise.random((height, width)) * 255).astype(np.uint8))
        grain = grain.filter(ImageFilter.GaussianBlur(1.2))
        return Image.merge(
            "RGB", (grain, grain.point(lambda v: v * 0.8), grain.point(lambda v: v // 2))
        )
    coarse = (noise.random((height // 50, width // 50, 3)) * 255).astype(np.uint8)
    image = Image.fromarray(coarse).resize(size, Image.BICUBIC)
    return image.filter(ImageFilter.GaussianBlur(3))
