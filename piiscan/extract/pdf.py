"""PDF text via PDFium (pypdfium2): fast, text only, no character boxes and no OCR."""

from __future__ import annotations

import threading
from typing import Iterator

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from piiscan.model import Blob, ExtractionError, Location, Segment

METADATA_KEYS = ("Author", "Title", "Subject", "Keywords", "Creator")

# PDFium is not thread-safe; one document at a time per process.
_PDFIUM_LOCK = threading.Lock()


def _open(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise ExtractionError("encrypted", "PDF needs a password") from exc
        raise ExtractionError("corrupt", f"pypdfium2: {exc}") from exc


def _read(data: bytes) -> list[Segment]:
    segments = []
    pdf = _open(data)
    try:
        for key in METADATA_KEYS:
            value = pdf.get_metadata_value(key).strip()
            if value:
                segments.append(Segment(value, Location(part="metadata"), context=key.lower()))
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                textpage = page.get_textpage()
                try:
                    text = textpage.get_text_range()
                finally:
                    textpage.close()
            finally:
                page.close()
            if text.strip():
                segments.append(Segment(text, Location(page=index + 1)))
    finally:
        pdf.close()
    return segments


def extract_pdf(blob: Blob) -> Iterator[Segment]:
    """Metadata fields (part "metadata", context = field name), then one Segment per page."""
    with blob.open() as stream:
        data = stream.read()
    # Collect under the lock and yield afterwards: a lock held across a yield would block
    # every other PDF for as long as the consumer dawdles.
    with _PDFIUM_LOCK:
        segments = _read(data)
    yield from segments
