"""The OCR entry point's guards (the engines themselves: test_images, test_tesseract)."""

from __future__ import annotations

import pytest
from PIL import Image

from piiscan.ocr import ocr_image


@pytest.mark.parametrize("engine", ["rapidocr", "tesseract"])
def test_a_strip_too_thin_for_text_reads_as_nothing(engine):
    """rapidocr's resizing fails on a 3000x4 strip; no line of text fits in it anyway."""
    assert ocr_image(Image.new("RGB", (3000, 4), "white"), engine) == []
