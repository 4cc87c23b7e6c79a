"""Helpers for the OCR tests: small rendered text images, and image files as Blobs.

Images are kept small (OCR costs about a second per full page); every name and number here
is invented (piiscan.synth makes the numbers, with valid check digits)."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw, ImageFont

from piiscan.model import Blob


def font(size: int, mono: bool = False):
    try:
        return ImageFont.truetype("DejaVuSansMono.ttf" if mono else "DejaVuSans.ttf", size)
    except OSError:
        return ImageFont.load_default(size=size)


def text_image(lines: list[str], size: int = 28, mono: bool = False, width: int | None = None) -> Image.Image:
    """Black text on white, one line per entry, a margin around it."""
    face = font(size, mono)
    step = round(size * 1.6)
    longest = max(face.getlength(line) for line in lines)
    image = Image.new("RGB", (width or int(longest) + 2 * size, step * len(lines) + 2 * size), "white")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((size, size + i * step), line, fill="black", font=face)
    return image


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def memory_blob(name: str, data: bytes) -> Blob:
    return Blob(path=f"share/{name}", size=len(data), open=lambda: io.BytesIO(data))


@pytest.fixture
def ocr_engine(request, monkeypatch):
    """Parametrize with an engine name: PIISCAN_OCR is set to it for the test."""
    monkeypatch.setenv("PIISCAN_OCR", request.param)
    return request.param
