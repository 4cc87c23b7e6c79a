"""Checking a redacted ID copy before it is kept: read it again as a recipient would.

On the copy's decoded pages (after JPEG compression, as written):
- OCR of every document view (same crop, angle and scale as for locating), by every OCR
  engine installed (two readings miss less than one): no line may read like an MRZ line
  (20 characters or more of the MRZ alphabet with filler or digits) or hold ten characters
  of the document's MRZ in a row, and no masked value (document number, national number,
  BSN: up to two OCR edits) may be read;
- "KOPIE" must be read somewhere; the watermark runs at 30 degrees, which OCR does not
  always follow, so when the views' reading has not found it, the places where the word was
  drawn that the least print crosses are cut out, turned level, and read;
- the photo masks must be black: at least 98% of the pixels inside each (a two-pixel
  border left out for JPEG ringing) darker than 48.
What is still readable is returned with where it was read, so the caller can mask it and
check again; a copy with problems left is never written.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from piiscan.redact.idcard_draw import kopie_spots, watermark_rows
from piiscan.redact.idcard_mrz import is_mrz_like, mrz_text
from piiscan.redact.idcard_text import Quad, alnum_index, approx_find, char_box, longest_common_run, plain

BLACK_LEVEL = 48
BLACK_SHARE = 0.98
PHOTO_LABELS = ("PHOTO", "GHOST_PHOTO")
WATERMARK_READ_HEIGHT = 36  # the watermark strips are scaled so that its letters are this high


@dataclass
class Check:
    problems: list[str]
    leaks: list[tuple[str, Quad]]  # what could still be read: (label, area in page pixels)
    lines: list  # per view, the OCR lines the first reader read


def default_ocr(image, engine=None):
    from piiscan.ocr import ocr_image

    return ocr_image(image, engine)


def engines() -> tuple[str, list[str]]:
    """The OCR engine that locates (rapidocr: it reads MRZ lines and small print far better
    than Tesseract on the specimens, see bench/bench_idcard.py) and the ones that verify
    (every engine installed). PIISCAN_OCR forces one engine for both."""
    from piiscan.ocr.engine import ENV_VAR, available_engines, default_engine

    if os.environ.get(ENV_VAR, "").strip():
        forced = default_engine()
        return forced, [forced]
    return "rapidocr", available_engines()


def _edits(length: int) -> int:
    return 0 if length < 6 else 1 if length < 9 else 2


def verify_page(image, views, regions, secrets, readers, watermark: tuple[str, int]) -> Check:
    """What can still be read on one redacted page (PIL image, decoded from the copy).
    `readers`: OCR functions (PIL image -> OcrLines); each reads every view. `watermark`:
    its text and letter size."""
    problems: list[str] = []
    leaks: list[tuple[str, Quad]] = []
    lines_read = []
    values = [(entity, alnum_index(value)[0]) for entity, value in secrets if entity != "MRZ"]
    values = [(entity, value) for entity, value in values if len(value) >= 6]
    mrz_lines = [value for entity, value in secrets if entity == "MRZ"]
    kopie = False
    for n, reader in enumerate(readers):
        for view in views:
            seen = view.of(image)
            lines = reader(seen)
            if n == 0:
                lines_read.append(lines)
            for line in lines:
                kopie = kopie or _has_kopie(line.text)
                height = line.box[3] - line.box[1]
                if is_mrz_like(line.text) or _mrz_fragment(line.text, mrz_lines):
                    problems.append("an MRZ line is still readable" if is_mrz_like(line.text) else "part of an MRZ line is still readable")
                    band = (0, line.box[1] - 0.5 * height, seen.width, line.box[3] + 0.5 * height)
                    leaks.append(("MRZ", view.to_page_quad(band)))
                folded, offsets = alnum_index(line.text)
                for entity, value in values:
                    for start, end in approx_find(folded, value, _edits(len(value))):
                        problems.append(f"{entity} still readable")
                        box = (char_box(line.box, len(line.text), offsets[start], offsets[end - 1] + 1, margin=1.0)
                               if line.box[2] - line.box[0] > height else line.box)  # text on its side: all of it
                        leaks.append((entity, view.to_page_quad(box)))
    if not kopie and not watermark_readable(image, watermark[0], watermark[1], readers):
        problems.append('the "KOPIE" watermark is not readable')
    for region in regions:
        if region.label in PHOTO_LABELS and not is_black(image, region.quad):
            problems.append(f"{region.label.lower()} mask is not solid black")
    return Check(list(dict.fromkeys(problems)), leaks, lines_read)


FRAGMENT = 10  # characters of an MRZ line read together that make a leak


def _mrz_fragment(text: str, mrz_lines: list[str]) -> bool:
    """Ten characters or more of one of the document's MRZ lines read in a row, holding
    three digits or a filler between letters (a printed name alone is no MRZ fragment)."""
    reading = mrz_text(text).upper()
    if len(reading) < FRAGMENT:
        return False
    for line in mrz_lines:
        run = longest_common_run(reading, line)
        if len(run) >= FRAGMENT and (sum(c.isdigit() for c in run) >= 3 or re.search("[A-Z0-9]<+[A-Z0-9]", run)):
            return True
    return False


def _has_kopie(text: str) -> bool:
    word = plain(text).replace(" ", "")
    return "kopie" in word or bool(approx_find(word.upper(), "KOPIE", 1)) and "kop" in word


def watermark_readable(image, text: str, size: int, readers, tries: int = 6) -> bool:
    """Whether OCR reads "KOPIE" where the watermark put it. The places it was drawn are
    ranked by how well the letters stand out from the ground around them (what a reader
    needs), the best `tries` are turned level, scaled to letters WATERMARK_READ_HEIGHT
    pixels high and read one by one, as they are and with only the watermark's mid-grey
    tone kept; then whole rows of the watermark, stacked."""
    scale = max(1.0, WATERMARK_READ_HEIGHT / size)
    spots = sorted(kopie_spots(image, text, size), key=lambda spot: -_contrast(*spot))
    for spot, _letters in spots[:tries]:
        for attempt in (_stack([spot], scale), _stack([_mid_grey(spot, size)], scale)):
            for reader in readers:
                if any(_has_kopie(line.text) for line in reader(attempt)):
                    return True
    rows = watermark_rows(image, size)
    if rows:
        for attempt in (_stack(rows, scale), _stack([_mid_grey(r, size) for r in rows], scale)):
            for reader in readers:
                if any(_has_kopie(line.text) for line in reader(attempt)):
                    return True
    return False


def _contrast(spot, letters) -> float:
    """Grey level around the letters minus on them; nothing when masks cover the spot."""
    import numpy as np

    grey = np.asarray(spot.convert("L"), dtype=np.float32)
    on = np.asarray(letters) > 128
    if not on.any() or (grey < 30).mean() > 0.2:
        return -255.0
    return float(np.median(grey[~on]) - np.median(grey[on]))


def _stack(images, scale: float = 1.0):
    """The images one under the other on white, with a margin of half their height."""
    from PIL import Image

    if scale != 1.0:
        images = [im.resize((round(im.width * scale), round(im.height * scale)), Image.LANCZOS) for im in images]
    margin = max(im.height for im in images) // 2
    width = max(im.width for im in images) + 2 * margin
    out = Image.new("L", (width, sum(im.height + margin for im in images) + margin), 255)
    y = margin
    for im in images:
        out.paste(im.convert("L"), (margin, y))
        y += im.height + margin
    return out


def _mid_grey(image, size: int):
    import cv2
    import numpy as np
    from PIL import Image

    grey = np.asarray(image.convert("L"))
    keep = ((grey >= 110) & (grey <= 215)).astype(np.uint8)
    kernel = np.ones((max(2, round(size / 10)),) * 2, np.uint8)
    keep = cv2.morphologyEx(cv2.morphologyEx(keep, cv2.MORPH_OPEN, kernel), cv2.MORPH_CLOSE, kernel)
    return Image.fromarray(np.where(keep > 0, 0, 255).astype(np.uint8))


def is_black(image, quad) -> bool:
    """At least BLACK_SHARE of the pixels inside the quadrilateral (or box), two pixels in
    from its edges, are darker than BLACK_LEVEL."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter

    if len(quad) == 4 and not isinstance(quad[0], tuple):
        x0, y0, x1, y1 = quad
        quad = ((x0, y0), (x1, y0), (x1, y1), (x0, y1))
    inside = Image.new("L", image.size, 0)
    ImageDraw.Draw(inside).polygon([tuple(p) for p in quad], fill=255)
    inside = np.asarray(inside.filter(ImageFilter.MinFilter(5))) > 0
    if not inside.any():
        return True
    pixels = np.asarray(image.convert("L"))[inside]
    return float((pixels < BLACK_LEVEL).mean()) >= BLACK_SHARE
