"""Images: OCR text, one Segment per page (every frame of a TIFF, the first of a GIF or WebP).

EXIF orientation is applied first, so a phone photo taken sideways is read upright. Segments
carry Location(page=n, part="ocr"): "ocr" tells the detector (and a reader of the inventory)
that the text is a machine reading of an image, which is where an identity-document copy
can be (piiscan/detect/id_copy.py).
"""

from __future__ import annotations

import io
import warnings
from typing import Iterator

from piiscan.extract.heif import INSTALL_HINT, heif_available
from piiscan.extract.heif import SUFFIXES as HEIF_SUFFIXES
from piiscan.model import Blob, ErrorRecord, ExtractionError, Location, Segment
from piiscan.ocr.page import MAX_IMAGE_PIXELS, Budget, page_text

SUFFIXES = (".jpg", ".jpeg", ".jpe", ".png", ".tif", ".tiff", ".bmp", ".webp", ".gif", ".heic", ".heif")
# Formats whose further frames are not pages (animation frames).
_FIRST_FRAME_ONLY = ("GIF", "WEBP", "PNG", "HEIF")  # HEIF: further images are bursts or depth maps
# Bytes read at most: a larger image file is not a scan.
MAX_IMAGE_BYTES = 256 * 1024 * 1024
OCR_PART = "ocr"


def _open(data: bytes, suffix: str = ""):
    from PIL import Image

    if suffix in HEIF_SUFFIXES and not heif_available():
        raise ExtractionError("unsupported", INSTALL_HINT)

    try:
        with warnings.catch_warnings():
            # Pillow warns (then raises) past its own bomb limit; piiscan checks its own.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        raise ExtractionError("too_large", f"image: {exc}") from exc
    except Exception as exc:  # UnidentifiedImageError, struct errors, ...
        raise ExtractionError("corrupt", f"not a readable image: {type(exc).__name__}: {str(exc)[:200]}") from exc
    return image


def _check_size(image, page: int) -> None:
    pixels = image.width * image.height
    if pixels > MAX_IMAGE_PIXELS:
        raise ExtractionError("too_large", f"page {page}: {image.width}x{image.height} pixels, more than {MAX_IMAGE_PIXELS} (decompression bomb?)")


def _frame(image, page: int):
    """The current frame, decoded, upright (EXIF orientation applied)."""
    from PIL import Image, ImageOps

    _check_size(image, page)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image.load()
            return ImageOps.exif_transpose(image.copy())
    except Image.DecompressionBombError as exc:
        raise ExtractionError("too_large", f"page {page}: {exc}") from exc
    except ExtractionError:
        raise
    except Exception as exc:  # truncated data, bad compression, ...
        raise ExtractionError("corrupt", f"page {page}: {type(exc).__name__}: {str(exc)[:200]}") from exc


def extract_image(blob: Blob) -> Iterator[Segment | ErrorRecord]:
    """One Segment per page with its OCR text (pages with no text give none)."""
    if blob.size > MAX_IMAGE_BYTES:
        raise ExtractionError("too_large", f"image file of {blob.size} bytes, more than {MAX_IMAGE_BYTES}")
    with blob.open() as stream:
        data = stream.read(MAX_IMAGE_BYTES + 1)
    if len(data) > MAX_IMAGE_BYTES:
        raise ExtractionError("too_large", f"image file of more than {MAX_IMAGE_BYTES} bytes")
    image = _open(data, blob.suffix)
    frames = 1 if image.format in _FIRST_FRAME_ONLY else getattr(image, "n_frames", 1)
    budget = Budget()
    for index in range(frames):
        why = budget.exhausted()
        if why is not None:
            yield ErrorRecord(blob.path, "too_large", f"{why}: pages {index + 1}-{frames} not read")
            return
        if index:
            try:
                image.seek(index)
            except Exception as exc:
                raise ExtractionError("corrupt", f"page {index + 1}: {type(exc).__name__}: {str(exc)[:200]}") from exc
        page = _frame(image, index + 1)
        budget.spend()
        text = page_text(page)
        if text.strip():
            yield Segment(text, Location(page=index + 1, part=OCR_PART))
