"""PDF text via PDFium (pypdfium2): fast, text only, no character boxes; scanned pages OCR'd.

A page with a text layer gives that text. A page without one (no text, or a few stray
characters over a full-page image) but with images is a scan: it is rendered at
PDF_OCR_DPI and OCR'd (piiscan/ocr/), as Location(page=n, part="ocr"), within a budget of
pages and seconds per file (piiscan/ocr/page.py); past the budget an error record says
which pages were left unread.
"""

from __future__ import annotations

import threading
from typing import Iterator

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from piiscan.model import Blob, ErrorRecord, ExtractionError, Location, Segment

METADATA_KEYS = ("Author", "Title", "Subject", "Keywords", "Creator")

# PDFium is not thread-safe; one document at a time per process.
_PDFIUM_LOCK = threading.Lock()

# A page with fewer characters than this in its text layer, and an image over at least
# SCAN_COVER of its area, is treated as a scan as well (a scanner's stamped page number).
MIN_TEXT_CHARS = 16
SCAN_COVER = 0.4


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise ExtractionError("encrypted", "PDF needs a password") from exc
        raise ExtractionError("corrupt", f"pypdfium2: {exc}") from exc


def _image_cover(page: pdfium.PdfPage) -> float:
    """The largest share of the page's area one image covers (0 when it has none)."""
    width, height = page.get_size()
    area = max(width * height, 1.0)
    best = 0.0
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=3):
        # get_bounds() in pypdfium2 5, get_pos() in 4.
        bounds = obj.get_bounds if hasattr(obj, "get_bounds") else obj.get_pos
        left, bottom, right, top = bounds()
        best = max(best, min(1.0, max(0.0, right - left) * max(0.0, top - bottom) / area))
        if best >= 1.0:
            break
    return best


def _needs_ocr(text: str, page: pdfium.PdfPage) -> bool:
    chars = len(text.strip())
    if chars >= MIN_TEXT_CHARS:
        return False
    cover = _image_cover(page)
    return cover > 0 if chars == 0 else cover >= SCAN_COVER


def _read(pdf: pdfium.PdfDocument) -> tuple[list[Segment], list[tuple[int, Segment | None, bool]]]:
    """Metadata segments, and per page (index, text segment or None, needs OCR)."""
    metadata = []
    for key in METADATA_KEYS:
        value = pdf.get_metadata_value(key).strip()
        if value:
            metadata.append(Segment(value, Location(part="metadata"), context=key.lower()))
    pages = []
    for index in range(len(pdf)):
        page = pdf[index]
        try:
            textpage = page.get_textpage()
            try:
                text = textpage.get_text_range()
            finally:
                textpage.close()
            scan = _needs_ocr(text, page)
        finally:
            page.close()
        pages.append((index, Segment(text, Location(page=index + 1)) if text.strip() else None, scan))
    return metadata, pages


def _render(pdf: pdfium.PdfDocument, index: int):
    """Page `index` as a greyscale PIL image at PDF_OCR_DPI, at most MAX_OCR_SIDE long."""
    from piiscan.ocr.page import MAX_OCR_SIDE, PDF_OCR_DPI

    page = pdf[index]
    try:
        width, height = page.get_size()
        scale = min(PDF_OCR_DPI / 72, MAX_OCR_SIDE / max(width, height, 1.0))
        bitmap = page.render(scale=scale, grayscale=True)
        try:
            return bitmap.to_pil().copy()
        finally:
            bitmap.close()
    finally:
        page.close()


def extract_pdf(blob: Blob) -> Iterator[Segment | ErrorRecord]:
    """Metadata fields (part "metadata", context = field name), then per page its text
    layer, or its OCR text for a scanned page."""
    with blob.open() as stream:
        data = stream.read()
    # Read under the lock and yield outside it: a lock held across a yield would block
    # every other PDF for as long as the consumer dawdles. Scanned pages are rendered one
    # at a time under the lock and OCR'd outside it.
    with _PDFIUM_LOCK:
        pdf = _open(data)
        try:
            metadata, pages = _read(pdf)
        except BaseException:
            pdf.close()
            raise
    try:
        yield from metadata
        budget = None
        stopped = None
        for index, segment, scan in pages:
            if segment is not None:
                yield segment
            if not scan or stopped:
                continue
            from piiscan.ocr.page import Budget, page_text

            budget = budget or Budget()
            stopped = budget.exhausted()
            if stopped:
                left = [str(i + 1) for i, _, s in pages[index:] if s]
                yield ErrorRecord(blob.path, "too_large", f"{stopped}: scanned pages {', '.join(left[:20])}{'...' if len(left) > 20 else ''} not read")
                continue
            with _PDFIUM_LOCK:
                image = _render(pdf, index)
            budget.spend()
            text = page_text(image)
            if text.strip():
                yield Segment(text, Location(page=index + 1, part="ocr"))
    finally:
        with _PDFIUM_LOCK:
            pdf.close()
