"""Faces on an ID-document image: the portrait and the small ghost image.

OpenCV's Haar cascades (frontal face "default" and "alt2", shipped with opencv-python < 5;
FACTS.md) run on the grey image (global histogram equalisation loses faces on light cards;
local contrast, CLAHE, is a second look, which finds faded ghost images). A detection counts when both cascades agree, or
when one of them is sure of it (many neighbours); the ghost image is faint and small, so the
image is searched down to faces of 16 pixels (at 800 pixels wide). Each face box is then widened to the portrait
around it (hair, ears, neck and shoulders: a passport photo is about twice as wide as the
face and three times as high), but not over the printed text next to it: OCR line boxes
stop the widening. A "face" with text inside it (a "F/F" sex field, a chip) is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from piiscan.redact.idcard_text import Box, overlap

CASCADES = ("haarcascade_frontalface_default.xml", "haarcascade_frontalface_alt2.xml")
MIN_FACE = 16  # pixels, on the image scaled to MAX_SIDE
MAX_SIDE = 800  # faces are searched on the image scaled down to this


@dataclass(frozen=True)
class Face:
    box: Box  # the face as detected
    portrait: Box  # the photo around it, to be masked
    ghost: bool  # a second, smaller face (the ghost image)


@lru_cache(maxsize=None)
def _cascade(name: str):
    import cv2

    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + name)
    if cascade.empty():  # opencv-python >= 5 ships no cascades
        raise RuntimeError(f"OpenCV cascade {name} not found: install opencv-python-headless<5")
    return cascade


def find_faces(image, text_boxes=()) -> list[Face]:
    """Faces on a PIL image, largest first; smaller ones flagged as ghost images.
    `text_boxes`: where OCR read text (pixels of the same image)."""
    import cv2
    import numpy as np

    grey = np.asarray(image.convert("L"))
    scale = min(1.0, MAX_SIDE / max(grey.shape))
    if scale < 1.0:
        grey = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    # As it is, and with local contrast (CLAHE): a dark or washed-out scan, and a faded ghost
    # image, show their faces only after it (global equalisation loses them on a light card).
    plain = _detect(grey, scale)
    local = _detect(cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8)).apply(grey), scale)
    found = [plain[0] + local[0], plain[1] + local[1]]
    text_boxes = list(text_boxes)
    boxes = [b for b in _agreed(found) if not _holds_text(b, text_boxes)]
    boxes.sort(key=lambda b: -(b[2] - b[0]) * (b[3] - b[1]))
    faces = []
    for box in boxes:
        if any(overlap(box, f.box) > 0.3 for f in faces):
            continue
        ghost = bool(faces) and (box[2] - box[0]) < 0.6 * (faces[0].box[2] - faces[0].box[0])
        faces.append(Face(box, portrait_box(box, image.size, text_boxes), ghost))
    return faces


def _detect(grey, scale: float) -> list[list[tuple[Box, float]]]:
    import numpy as np

    found = []
    for name in CASCADES:
        rects, _levels, weights = _cascade(name).detectMultiScale3(
            grey, scaleFactor=1.1, minNeighbors=3, minSize=(MIN_FACE, MIN_FACE), outputRejectLevels=True)
        found.append([((x / scale, y / scale, (x + w) / scale, (y + h) / scale), float(wt))
                      for (x, y, w, h), wt in zip(rects, np.ravel(weights) if len(rects) else [])])
    return found


def _agreed(found: list[list[tuple[Box, float]]]) -> list[Box]:
    """Boxes both cascades found (averaged), plus the ones a single cascade is sure of."""
    first, second = found
    out: list[Box] = []
    matched = set()
    for box, weight in first:
        partner = next((j for j, (other, _) in enumerate(second) if j not in matched and overlap(box, other) > 0.5), None)
        if partner is not None:
            matched.add(partner)
            other = second[partner][0]
            out.append(tuple((a + b) / 2 for a, b in zip(box, other)))
        elif weight > 4.0:
            out.append(box)
    out.extend(box for j, (box, weight) in enumerate(second) if j not in matched and weight > 4.0)
    return out


def _holds_text(face: Box, text_boxes: list[Box]) -> bool:
    """Print, not a face: a line of text is centred inside it, or lines of text cover a
    quarter of it."""
    area = (face[2] - face[0]) * (face[3] - face[1])
    covered = 0.0
    for box in text_boxes:
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        if face[0] < cx < face[2] and face[1] < cy < face[3]:
            return True
        w = min(face[2], box[2]) - max(face[0], box[0])
        h = min(face[3], box[3]) - max(face[1], box[1])
        if w > 0 and h > 0:
            covered += w * h
    return covered > 0.25 * area


def portrait_box(face: Box, size: tuple[int, int], text_boxes=()) -> Box:
    """The photo around a face: up to 0.6 face widths to each side, 0.8 face heights above
    (hair) and 1.3 below (chin, neck, shoulders), clipped to the image and stopped by text
    beside, above or below the face; but never less than 0.5 heights above and 0.9 below
    (text that close is printed over the photo, or OCR merged two rows into one line; text
    beside the face is not merged with it and always stops the widening)."""
    x0, y0, x1, y1 = face
    w, h = x1 - x0, y1 - y0
    width, height = float(size[0]), float(size[1])
    box = (max(0.0, x0 - 0.6 * w), max(0.0, y0 - 0.8 * h), min(width, x1 + 0.6 * w), min(height, y1 + 1.3 * h))
    least = (x0, max(0.0, y0 - 0.5 * h), x1, min(height, y1 + 0.9 * h))
    clipped = clip_by_text(box, face, text_boxes)
    return (min(clipped[0], least[0]), min(clipped[1], least[1]), max(clipped[2], least[2]), max(clipped[3], least[3]))


def clip_by_text(box: Box, core: Box, text_boxes) -> Box:
    """`box` grown around `core`, shrunk so that text lines outside `core` stay out of it:
    each line that intrudes is cut off on the side that loses the least area."""
    x0, y0, x1, y1 = box
    gap = 6.0
    for t in text_boxes:
        if overlap(t, core) > 0.2:
            continue  # text printed over the photo itself
        if not (t[0] < x1 and t[2] > x0 and t[1] < y1 and t[3] > y0):
            continue
        cuts = []
        if t[0] >= core[2] - gap:
            cuts.append(("x1", (x1 - (t[0] - gap)) * (y1 - y0)))
        if t[2] <= core[0] + gap:
            cuts.append(("x0", ((t[2] + gap) - x0) * (y1 - y0)))
        if t[3] <= core[1] + gap:
            cuts.append(("y0", ((t[3] + gap) - y0) * (x1 - x0)))
        if t[1] >= core[3] - gap:
            cuts.append(("y1", (y1 - (t[1] - gap)) * (x1 - x0)))
        if not cuts:
            continue
        side = min(cuts, key=lambda c: c[1])[0]
        if side == "x1":
            x1 = t[0] - gap
        elif side == "x0":
            x0 = t[2] + gap
        elif side == "y0":
            y0 = t[3] + gap
        else:
            y1 = t[1] - gap
    return (x0, y0, x1, y1)
