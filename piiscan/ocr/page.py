"""One page image in, its text out: what the scan's extractors (images, scanned PDF pages) call.

The image is made OCR-ready (alpha flattened on white, 16-bit scaled, large scans brought down
to A4 at 300 dpi), OCR'd, its boxes put into rows read left to right, and machine-readable
zones repaired where their check digits allow (mrz_read.py). Rows are joined with newlines,
so an MRZ stays one line per MRZ line.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from piiscan.ocr.engine import OcrLine, default_engine, read_lines
from piiscan.ocr.mrz_read import ALPHABET, clean, find_mrz, repair_lines

# The longest side an image is OCR'd at: A4 at 300 dpi. Larger scans are brought down (text
# on them is large enough; OCR time grows with the pixels).
MAX_OCR_SIDE = 3508
# An image with more pixels than this is not decoded at all (a decompression bomb: a few
# KB of PNG that unpacks to gigabytes) and becomes an error record "too_large".
MAX_IMAGE_PIXELS = 120_000_000
# Per file (a multi-page TIFF, a scanned PDF): OCR stops after this many pages or seconds,
# whichever comes first, and an error record says what was left unread. The runner's
# per-file timeout (300 s by default) must stay above the time limit.
MAX_OCR_PAGES = 100
MAX_OCR_SECONDS = 150.0
# Scanned PDF pages are rendered at this resolution for OCR.
PDF_OCR_DPI = 200


def prepare(image):
    """A copy of the image that OCR engines read well: 8-bit L or RGB, transparency
    flattened on white, no longer than MAX_OCR_SIDE."""
    from PIL import Image

    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        import numpy as np

        values = np.asarray(image, dtype=np.float32)
        top = float(values.max()) or 1.0
        image = Image.fromarray((values * (255.0 / top)).clip(0, 255).astype(np.uint8), "L")
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    longest = max(image.size)
    if longest > MAX_OCR_SIDE:
        scale = MAX_OCR_SIDE / longest
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    return image


@dataclass
class Row:
    lines: list[OcrLine] = field(default_factory=list)
    top: float = 0.0
    bottom: float = 0.0

    @property
    def text(self) -> str:
        return " ".join(line.text for line in sorted(self.lines, key=lambda line: line.box[0]))

    @property
    def box(self) -> tuple[float, float, float, float]:
        boxes = [line.box for line in self.lines]
        return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def rows(lines: list[OcrLine], skew: float | None = 0.0) -> list[Row]:
    """OCR boxes grouped into rows, top to bottom: a box joins the row above it when they
    overlap vertically by at least half the smaller height ("Naam:" and "Jan Peeters",
    read as two boxes, become one row). `skew` (radians) is the slant of the text on a page
    scanned askew: heights are then compared along it, so a tilted page's rows do not run
    into each other. With skew None the lines are whole lines already (Tesseract's), one
    row each, in the order given."""
    if skew is None:
        return [Row([line], line.box[1], line.box[3]) for line in lines]
    slope = math.tan(skew)
    placed = []
    for line in lines:
        x0, y0, x1, y1 = line.box
        # The box's own height without the slant, centred on where its middle would be on
        # an upright page.
        height = max((y1 - y0) - abs(slope) * (x1 - x0), (y1 - y0) * 0.3)
        middle = (y0 + y1) / 2 - slope * (x0 + x1) / 2
        placed.append((middle - height / 2, middle + height / 2, line))
    out: list[Row] = []
    for top, bottom, line in sorted(placed, key=lambda p: (p[0] + p[1]) / 2):
        if out:
            row = out[-1]
            overlap = min(bottom, row.bottom) - max(top, row.top)
            if overlap >= 0.5 * min(bottom - top, row.bottom - row.top):
                row.lines.append(line)
                row.top, row.bottom = min(row.top, top), max(row.bottom, bottom)
                continue
        out.append(Row([line], top, bottom))
    return out


def _looks_like_mrz(text: str) -> bool:
    """A row that may be a badly read MRZ line: a filler sign itself (not a bracket read as
    one), hardly any spaces (prose has one every six characters or so), mostly MRZ
    characters once upper-cased (Tesseract reads '<' as 'c' or 'K' too)."""
    if not any(c in text for c in "<«‹") or text.count(" ") > 0.1 * len(text):
        return False
    line = clean(text)
    return len(line) >= 20 and sum(c in ALPHABET for c in line) >= 0.85 * len(line)


def _bands(found: list[Row]) -> list[list[int]]:
    """Indices of the MRZ-like rows, grouped by where they stand on the page: rows less
    than three line heights apart are one zone (Tesseract may list a zone's lines far apart
    in its reading order)."""
    suspects = sorted((i for i, row in enumerate(found) if _looks_like_mrz(row.text)), key=lambda i: found[i].box[1])
    bands: list[list[int]] = []
    bottom = 0.0
    for i in suspects:
        top, height = found[i].box[1], found[i].box[3] - found[i].box[1]
        if bands and top - bottom <= 3 * height:
            bands[-1].append(i)
        else:
            bands.append([i])
        bottom = max(bottom, found[i].box[3]) if len(bands[-1]) > 1 else found[i].box[3]
    return bands


def _in_band(row: Row, top: float, bottom: float) -> bool:
    """Whether most of the row's height lies between top and bottom."""
    height = max(row.box[3] - row.box[1], 1.0)
    return min(row.box[3], bottom) - max(row.box[1], top) >= 0.5 * height


def _second_reading(image, strip: list[Row]) -> list[str] | None:
    """The MRZ lines of a strip of rows, read by rapidocr, or None if they fail their check
    digits. Tesseract's language models read OCR-B poorly ('<7027<' as '<702/<', '<' as 'K')
    and miss lines of a small MRZ, so its MRZ strips are read again, with room for a missed
    line above and below."""
    # The full width: a line read only in part (its fillers lost) is shorter than the MRZ.
    y0 = min(r.box[1] for r in strip)
    y1 = max(r.box[3] for r in strip)
    dy = max(8.0, max(r.box[3] - r.box[1] for r in strip) * 3.5)
    crop = image.crop((0, max(0, int(y0 - dy)), image.width, min(image.height, int(y1 + dy))))
    lines, skew = read_lines(crop, "rapidocr")
    reads = find_mrz([row.text for row in rows(lines, skew)])
    # Only the machine-readable lines: the rest of the strip was read the first time.
    return [line for read in reads for line in read.lines] or None


def _reread_mrz(image, found: list[Row], texts: list[str]) -> list[str]:
    """The texts with each MRZ zone Tesseract read replaced by rapidocr's valid reading: the
    zone's rows, and any other row inside its band (pieces of the same lines), give way to
    the machine-readable lines, placed where the first of them stood."""
    placed: set[str] = set()
    replaced: dict[int, list[str]] = {}
    dropped: set[int] = set()
    for band in _bands(found):
        again = _second_reading(image, [found[i] for i in band])
        # Two bands close together can both hold the same zone in their crops.
        if again is None or placed.intersection(again):
            continue
        placed.update(again)
        top = min(found[i].box[1] for i in band)
        bottom = max(found[i].box[3] for i in band)
        members = sorted(set(band) | {i for i, row in enumerate(found) if _in_band(row, top, bottom)})
        replaced[members[0]] = again
        dropped.update(members)
    out: list[str] = []
    for i, text in enumerate(texts):
        if i in replaced:
            out.extend(replaced[i])
        elif i not in dropped:
            out.append(text)
    return out


def page_text(image, engine: str | None = None) -> str:
    """The text of one page image: rows joined by newlines, MRZ lines repaired, NFKC."""
    engine = engine or default_engine()
    image = prepare(image)
    lines, skew = read_lines(image, engine)
    found = rows(lines, skew)
    texts = [row.text for row in found]
    if engine == "tesseract":
        texts = _reread_mrz(image, found, texts)
    return "\n".join(repair_lines(texts))


class Budget:
    """How many pages of one file may still be OCR'd, and for how long."""

    def __init__(self, pages: int | None = None, seconds: float | None = None):
        self.pages = MAX_OCR_PAGES if pages is None else pages
        self.seconds = MAX_OCR_SECONDS if seconds is None else seconds
        self.used = 0
        self.started = time.monotonic()

    def exhausted(self) -> str | None:
        """Why no further page may be OCR'd, or None while pages and time remain."""
        if self.used >= self.pages:
            return f"OCR stops after {self.pages} pages per file"
        if time.monotonic() - self.started > self.seconds:
            return f"OCR stops after {self.seconds:g} s per file"
        return None

    def spend(self) -> None:
        self.used += 1
