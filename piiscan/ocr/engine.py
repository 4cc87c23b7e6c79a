"""The OCR engines behind `ocr_image`."""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# One thread per process: the runner already runs one process per core, and onnxruntime or
# Tesseract with their own thread pools on top are several times slower (FACTS.md).
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")


@dataclass(frozen=True)
class OcrLine:
    text: str
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels of the image given
    confidence: float  # 0..1


@lru_cache(maxsize=1)
def _rapidocr():
    from rapidocr import RapidOCR

    # use_cls=False: the angle classifier turns "<<<<" MRZ lines upside down (FACTS.md).
    return RapidOCR(params={"Global.use_cls": False, "Global.log_level": "error"})


def ocr_image(image) -> list[OcrLine]:
    """The lines of text on a PIL image, top to bottom."""
    import numpy as np

    result = _rapidocr()(np.asarray(image.convert("RGB")))
    if result.txts is None:
        return []
    lines = []
    for text, box, score in zip(result.txts, result.boxes, result.scores):
        xs, ys = [p[0] for p in box], [p[1] for p in box]
        bounds = (float(min(xs)), float(min(ys)), float(max(xs)), float(max(ys)))
        lines.append(OcrLine(unicodedata.normalize("NFKC", text), bounds, float(score)))
    return sorted(lines, key=lambda line: (round(line.box[1] / 10), line.box[0]))
