"""Where the documents are on an image, and the straightened, readable views of them.

An image may be one card filling the frame, or an A4 photocopy with the front and the back
side each a few degrees askew. Each document on it becomes a View: cropped, straightened
(a card askew by 1–3 degrees makes OCR merge neighbouring lines and misread the MRZ) and
scaled up when small (OCR misses 12-pixel text). OCR and face detection run on views; masks
are drawn on the original image as the turned rectangles (quadrilaterals) the view's boxes
cover there, so a tall photo mask does not spill sideways over the name beside it.

The skew is the angle at which the rows of thin dark strokes line up best (the variance of
their horizontal projection is highest). Documents are the large blobs that differ from the
background colour along the image border.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from piiscan.redact.idcard_text import Box, Quad, bounds, overlap

MAX_SKEW = 5.0  # degrees searched either way
MIN_SKEW = 0.3  # smaller angles are left alone
MIN_VIEW_WIDTH = 1000  # views narrower than this are scaled up for OCR...
MAX_UPSCALE = 2.5  # ...by at most this
_ANALYSIS_SIDE = 900  # skew and documents are measured on the image scaled down to this
_MIN_DOCUMENT = 0.02  # a blob smaller than this share of the image is not a document
_WHOLE = 0.6  # documents covering this share of the image: the image is one view


@dataclass(frozen=True)
class View:
    """A document on the page: `box` (page pixels) cropped, turned by `angle` degrees
    counter-clockwise (canvas expanded, white fill), scaled by `scale`."""

    image: object  # the PIL image OCR and face detection see
    box: tuple[int, int, int, int]
    angle: float
    scale: float

    def to_page_quad(self, box: Box) -> Quad:
        """A box on the view as the four corners it covers on the page."""
        x0, y0, x1, y1 = (v / self.scale for v in box)
        corners = ((x0, y0), (x1, y0), (x1, y1), (x0, y1))
        left, top = self.box[0], self.box[1]
        if not self.angle:
            return tuple((x + left, y + top) for x, y in corners)
        w, h = self.box[2] - self.box[0], self.box[3] - self.box[1]
        nw, nh = self.image.size[0] / self.scale, self.image.size[1] / self.scale
        c, s = math.cos(math.radians(self.angle)), math.sin(math.radians(self.angle))
        out = []
        for x, y in corners:
            dx, dy = x - nw / 2, y - nh / 2
            out.append((w / 2 + dx * c - dy * s + left, h / 2 + dx * s + dy * c + top))  # inverse of PIL's rotation
        return tuple(out)

    def to_page(self, box: Box) -> Box:
        """A box on the view as a box on the page (bounds of its turned corners)."""
        return bounds(self.to_page_quad(box))

    def of(self, page):
        """The same view of another image of the page's size (the redacted copy)."""
        return make_view(page, self.box, self.angle, self.scale).image


def make_view(page, box, angle: float | None = None, scale: float | None = None) -> View:
    from PIL import Image

    image = page.crop(box) if tuple(box) != (0, 0) + page.size else page
    angle = skew_angle(image) if angle is None else angle
    if angle:
        fill = (255, 255, 255) if image.mode == "RGB" else 255
        image = image.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=fill)
    if scale is None:
        scale = min(MAX_UPSCALE, MIN_VIEW_WIDTH / image.width) if image.width < MIN_VIEW_WIDTH else 1.0
    if scale != 1.0:
        image = image.resize((round(image.width * scale), round(image.height * scale)), Image.LANCZOS)
    return View(image, tuple(box), angle, scale)


def views(page) -> list[View]:
    """One view per document on the page (RGB PIL image), top to bottom."""
    return [make_view(page, box) for box in document_boxes(page)]


def _small(image, side: int = _ANALYSIS_SIDE):
    import numpy as np

    grey = image.convert("L")
    scale = min(1.0, side / max(grey.size))
    if scale < 1.0:
        grey = grey.resize((max(1, round(grey.width * scale)), max(1, round(grey.height * scale))))
    return np.asarray(grey), scale


def document_boxes(page) -> list[tuple[int, int, int, int]]:
    """The documents on the page, or the whole page when they fill most of it."""
    import cv2
    import numpy as np

    arr, scale = _small(page)
    h, w = arr.shape
    whole = [(0, 0) + page.size]
    blurred = cv2.GaussianBlur(arr, (5, 5), 0)
    border = np.concatenate([blurred[0], blurred[-1], blurred[:, 0], blurred[:, -1]])
    background = float(np.median(border))
    if np.mean(np.abs(border.astype(np.float32) - background) > 10) > 0.2:
        return whole  # no even background around the document (a photo of a card on a table)
    foreground = (np.abs(blurred.astype(np.int16) - background) > 10).astype(np.uint8)
    k = max(3, int(0.02 * max(h, w)))
    foreground = cv2.morphologyEx(foreground, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    foreground = cv2.morphologyEx(foreground, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    count, _labels, stats, _ = cv2.connectedComponentsWithStats(foreground)
    blobs = [(int(x), int(y), int(x + bw), int(y + bh)) for x, y, bw, bh, _area in stats[1:count]
             if bw * bh >= _MIN_DOCUMENT * w * h]
    blobs.sort(key=lambda b: -(b[2] - b[0]) * (b[3] - b[1]))
    documents: list[tuple[int, int, int, int]] = []
    for blob in blobs:  # a card's outline holds the text blobs inside it
        if not any(overlap(blob, d) > 0.8 for d in documents):
            documents.append(blob)
    if not documents or sum((b[2] - b[0]) * (b[3] - b[1]) for b in documents) >= _WHOLE * w * h:
        return whole
    pad = 0.01 * max(h, w)
    out = []
    for x0, y0, x1, y1 in sorted(documents, key=lambda b: (b[1], b[0])):
        out.append((max(0, int((x0 - pad) / scale)), max(0, int((y0 - pad) / scale)),
                    min(page.width, math.ceil((x1 + pad) / scale)), min(page.height, math.ceil((y1 + pad) / scale))))
    return out


def skew_angle(image) -> float:
    """The rotation (degrees, counter-clockwise) that makes the image's text rows level."""
    import cv2
    import numpy as np

    arr, _ = _small(image)
    # Thin dark strokes on a lighter ground (text, lines), not dark areas (a photo): the
    # black-hat transform keeps what is darker than its closing with a letter-sized kernel.
    strokes = cv2.morphologyEx(arr, cv2.MORPH_BLACKHAT, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9)))
    ys, xs = np.nonzero(strokes > max(40, int(strokes.max()) // 3))
    if len(xs) < 200:
        return 0.0
    if len(xs) > 150_000:
        pick = np.random.default_rng(0).choice(len(xs), 150_000, replace=False)
        xs, ys = xs[pick], ys[pick]
    xs = xs.astype(np.float32) - arr.shape[1] / 2
    ys = ys.astype(np.float32) - arr.shape[0] / 2

    def sharpness(angle: float) -> float:
        t = math.radians(angle)
        # the row of each stroke pixel once the image is turned by `angle` counter-clockwise
        rows = np.floor(ys * math.cos(t) - xs * math.sin(t)).astype(np.int64)
        counts = np.bincount(rows - rows.min())
        return float((counts.astype(np.float64) ** 2).sum())

    best = max((a / 2 for a in range(int(-2 * MAX_SKEW), int(2 * MAX_SKEW) + 1)), key=sharpness)
    best = max((best + d / 10 for d in range(-5, 6)), key=sharpness)
    return round(best, 2) if abs(best) >= MIN_SKEW else 0.0
