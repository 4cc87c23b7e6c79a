"""Drawing on the copy: the KOPIE watermark, then the masks.

The watermark, as the Dutch government's KopieID app makes it: "KOPIE – <purpose> –
<recipient> – <date>" in rows across the whole image, turned 30 degrees, dark ink at 35%
opacity on a thin light halo (45%, never over dark print) that keeps the letters legible on
a busy ground, so the fields under it stay readable and no crop of the document escapes it. The letters are sized on the
documents (a card on an A4 scan gets letters a card can hold).

Masks are solid black areas (rectangles, turned with the document) drawn after the watermark: never a blur (which can be
undone), and a black area a pixel check can verify.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

ANGLE = 30.0  # degrees, counter-clockwise: the text rises left to right
OPACITY = 0.35
HALO_OPACITY = 0.45
INK = (25, 25, 35)
_FONTS = (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
          Path("/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"))


def watermark_text(purpose: str, recipient: str | None, date: str) -> str:
    parts = ["KOPIE", purpose.strip()]
    if recipient and recipient.strip():
        parts.append(recipient.strip())
    parts.append(date)
    return " – ".join(parts)


@lru_cache(maxsize=16)
def font(size: int):
    from PIL import ImageFont

    for path in _FONTS:
        if path.exists():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)  # scalable since Pillow 10.1


def font_size(document_sizes: list[tuple[int, int]]) -> int:
    """A twenty-fourth of the smallest document's short side, 20 to 48 pixels: large enough
    to read at a glance, small enough that "KOPIE" comes back many times on every side."""
    short = min(min(w, h) for w, h in document_sizes) if document_sizes else 600
    return max(20, min(48, round(short / 24)))


def add_watermark(image, text: str, size: int, opacity: float = OPACITY):
    """The image (RGB or L) with the watermark rows over all of it."""
    from PIL import Image, ImageChops, ImageDraw

    width, height = image.size
    diagonal = int(math.hypot(width, height)) + 4 * size
    letters = Image.new("L", (diagonal, diagonal), 0)
    halo = Image.new("L", (diagonal, diagonal), 0)
    draw, draw_halo = ImageDraw.Draw(letters), ImageDraw.Draw(halo)
    face = font(size)
    unit = text + "     "
    step = draw.textlength(unit, font=face)
    stroke = max(1, round(size / 12))
    for n, y in enumerate(range(0, diagonal, _row(size))):
        x = -(n % 3) * step / 3  # rows staggered, so the words do not line up in columns
        while x < diagonal:
            draw.text((x, y), unit, font=face, fill=255)
            draw_halo.text((x, y), unit, font=face, fill=255, stroke_width=stroke, stroke_fill=255)
            x += step
    left, top = (diagonal - width) // 2, (diagonal - height) // 2

    def alpha(layer, opacity):
        layer = layer.rotate(ANGLE, resample=Image.BICUBIC)
        return layer.crop((left, top, left + width, top + height)).point(lambda v: round(v * opacity))

    grey = image.mode != "RGB"
    out = image.copy()
    # A light halo around the letters keeps them legible over a busy ground; it never
    # lightens dark print (that would wear away the name under it). Then the ink.
    halo_alpha = ImageChops.multiply(alpha(halo, HALO_OPACITY), image.convert("L").point(_light_ground))
    out.paste(Image.new(image.mode, image.size, 255 if grey else (255, 255, 255)), (0, 0), halo_alpha)
    out.paste(Image.new(image.mode, image.size, round(sum(INK) / 3) if grey else INK), (0, 0), alpha(letters, opacity))
    return out


def _light_ground(value: int) -> int:
    """How much of the halo a pixel of this grey level takes: none on dark print, all of it
    on a light ground."""
    return max(0, min(255, round((value - 90) * 255 / 90)))


def _row(size: int) -> int:
    return round(size * 2.8)


def kopie_spots(image, text: str, size: int) -> list[tuple]:
    """Every place the watermark's first word ("KOPIE") was drawn that lies wholly on the
    image, cut out of the image turned level (OCR does not follow text at 30 degrees): what
    verification reads to check that the watermark can be read. Each spot comes with the
    mask of where its letters are (L image, 255 on the letters)."""
    from PIL import Image, ImageDraw

    width, height = image.size
    diagonal = int(math.hypot(width, height)) + 4 * size
    face = font(size)
    first = text.split(" ")[0]
    measure = ImageDraw.Draw(Image.new("L", (1, 1)))
    step = measure.textlength(text + "     ", font=face)
    word = measure.textlength(first, font=face)
    fill = (255, 255, 255) if image.mode == "RGB" else 255
    level = image.rotate(-ANGLE, resample=Image.BICUBIC, expand=True, fillcolor=fill)
    cos, sin = math.cos(math.radians(ANGLE)), math.sin(math.radians(ANGLE))

    def on_image(x: float, y: float) -> bool:
        # a point of the level image, turned back onto the original
        dx, dy = x - level.width / 2, y - level.height / 2
        ox, oy = width / 2 + dx * cos + dy * sin, height / 2 - dx * sin + dy * cos
        return 0 <= ox < width and 0 <= oy < height

    spots = []
    for n, y in enumerate(range(0, diagonal, _row(size))):
        x = -(n % 3) * step / 3
        while x < diagonal:
            origin_x, origin_y = level.width / 2 + (x - diagonal / 2), level.height / 2 + (y - diagonal / 2)
            left, top = round(origin_x - 0.3 * size), round(origin_y - 0.3 * size)
            right, bottom = round(origin_x + word + 0.3 * size), round(origin_y + 1.3 * size)
            if all(on_image(px, py) for px in (left, right) for py in (top, bottom)):
                letters = Image.new("L", (right - left, bottom - top), 0)
                ImageDraw.Draw(letters).text((origin_x - left, origin_y - top), first, font=face, fill=255)
                spots.append((level.crop((left, top, right, bottom)), letters))
            x += step
    return spots


def watermark_rows(image, size: int) -> list:
    """Strips of the image along each watermark row that crosses it wholly, turned level."""
    from PIL import Image

    width, height = image.size
    diagonal = int(math.hypot(width, height)) + 4 * size
    fill = (255, 255, 255) if image.mode == "RGB" else 255
    level = image.rotate(-ANGLE, resample=Image.BICUBIC, expand=True, fillcolor=fill)
    rows = []
    for y in range(0, diagonal, _row(size)):
        top = level.height / 2 + (y - diagonal / 2)
        upper, lower = round(top - 0.4 * size), round(top + 1.6 * size)
        if upper >= 0 and lower <= level.height:
            rows.append(level.crop((0, upper, level.width, lower)))
    return rows


def black_out(image, areas) -> None:
    """Solid black, in place: each area a quadrilateral (four corners) or a box."""
    from PIL import ImageDraw

    draw = ImageDraw.Draw(image)
    fill = (0, 0, 0) if image.mode == "RGB" else 0
    for area in areas:
        if len(area) == 4 and not isinstance(area[0], tuple):
            x0, y0, x1, y1 = area
            if x1 > x0 and y1 > y0:
                draw.rectangle((x0, y0, x1 - 1, y1 - 1), fill=fill)
        else:
            draw.polygon([tuple(p) for p in area], fill=fill)
