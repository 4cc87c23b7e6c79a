"""The OCR engines behind `ocr_image`: Tesseract when installed, else rapidocr.

rapidocr (pip, models inside the wheel) always works. Tesseract is a system package; when its
binary is on PATH with the nld, fra and eng languages it is used instead, being about three
times faster on a page (FACTS.md). `PIISCAN_OCR=rapidocr|tesseract` forces one.
"""

from __future__ import annotations

import math
import os
import statistics
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

ENGINES = ("rapidocr", "tesseract")
LANGUAGES = ("nld", "fra", "eng")  # what Tesseract must have to be used
ENV_VAR = "PIISCAN_OCR"


@dataclass(frozen=True)
class OcrLine:
    text: str
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels of the image given
    confidence: float  # 0..1


@lru_cache(maxsize=1)
def _rapidocr():
    # One thread per process: the runner already runs one process per core, and onnxruntime
    # with its own thread pool on top is slower on a busy machine (FACTS.md). Set here, not
    # at import: the detector imports this package for MRZ reading only.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from rapidocr import RapidOCR

    # use_cls=False: the angle classifier turns "<<<<" MRZ lines upside down (FACTS.md).
    # One onnxruntime thread: one worker process per core is how piiscan uses the cores.
    threads = {"intra_op_num_threads": 1, "inter_op_num_threads": 1}
    params = {"Global.use_cls": False, "Global.log_level": "error"}
    params.update({f"EngineConfig.onnxruntime.{k}": v for k, v in threads.items()})
    return RapidOCR(params=params)


def default_engine() -> str:
    """The engine `ocr_image` uses: $PIISCAN_OCR if set, else Tesseract when it is installed
    with nld+fra+eng, else rapidocr."""
    forced = os.environ.get(ENV_VAR, "").strip().lower()
    if forced:
        if forced not in ENGINES:
            raise ValueError(f"{ENV_VAR} must be one of {', '.join(ENGINES)}, not {forced!r}")
        if forced == "tesseract":
            from piiscan.ocr.tesseract import available

            if not available():
                raise ValueError(f"{ENV_VAR}=tesseract, but tesseract with {'+'.join(LANGUAGES)} is not installed")
        return forced
    from piiscan.ocr.tesseract import available

    return "tesseract" if available() else "rapidocr"


MIN_SIDE = 8  # pixels: a thinner image holds no readable text


def available_engines() -> list[str]:
    from piiscan.ocr.tesseract import available

    return ["rapidocr", *(["tesseract"] if available() else [])]


def _ocr_rapidocr(image) -> tuple[list[OcrLine], float]:
    import numpy as np

    result = _rapidocr()(np.asarray(image.convert("RGB")))
    if result.txts is None:
        return [], 0.0
    lines, angles = [], []
    for text, box, score in zip(result.txts, result.boxes, result.scores):
        xs, ys = [p[0] for p in box], [p[1] for p in box]
        bounds = (float(min(xs)), float(min(ys)), float(max(xs)), float(max(ys)))
        lines.append(OcrLine(unicodedata.normalize("NFKC", text), bounds, float(score)))
        # The quadrilateral's top edge (top-left to top-right) gives the text's slant.
        (x0, y0), (x1, y1) = box[0], box[1]
        if x1 - x0 > bounds[3] - bounds[1] and len(text) >= 4:
            angles.append(math.atan2(y1 - y0, x1 - x0))
    lines.sort(key=lambda line: (round(line.box[1] / 10), line.box[0]))
    return lines, (statistics.median(angles) if angles else 0.0)


def read_lines(image, engine: str | None = None) -> tuple[list[OcrLine], float | None]:
    """ocr_image, plus the skew of the text in radians (positive: lines fall to the right),
    from rapidocr's slanted box quadrilaterals; None for Tesseract, whose lines are whole
    lines in reading order already."""
    engine = engine or default_engine()
    if min(image.size) < MIN_SIDE:
        return [], None  # no line of text fits (and rapidocr's resizing fails on such a strip)
    if engine == "tesseract":
        from piiscan.ocr.tesseract import TesseractError, ocr_tesseract

        try:
            return ocr_tesseract(image), None
        except TesseractError:
            # A page Tesseract fails on (or times out on) is still read.
            return _ocr_rapidocr(image)
    if engine == "rapidocr":
        return _ocr_rapidocr(image)
    raise ValueError(f"unknown OCR engine {engine!r}")


def ocr_image(image, engine: str | None = None) -> list[OcrLine]:
    """The lines of text on a PIL image, top to bottom; text NFKC-normalised.

    `engine` ("rapidocr" or "tesseract") overrides the default choice (default_engine())."""
    return read_lines(image, engine)[0]
