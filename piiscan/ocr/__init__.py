"""OCR: the text of an image and where each line stands on it, offline.

`ocr_image(image)` returns OcrLines (text NFKC-normalised, box in pixels, confidence). The
engine is rapidocr (Apache-2.0, its models ship inside the wheel, nothing is downloaded);
Tesseract is used instead when it is installed (faster; see engine.py). Callers never see
which one ran.
"""

from piiscan.ocr.engine import OcrLine, ocr_image

__all__ = ["OcrLine", "ocr_image"]
