"""PDF redaction: a copy from which no redacted value can be extracted, by any reader.

The values are found the way `piiscan scan` finds them: PDFium's text of each page
(piiscan.extract.pdf), through the shared detector. Each value's characters give boxes on
the page (PDFium's loose character boxes, one rectangle per line). Then, per page:

- method A (pdf_content.py): the content stream is replayed and every glyph under a box is
  dropped from its text operator, whatever its colour, render mode (invisible OCR text),
  position (clipped, off the page) or what is painted over it; black boxes are drawn on
  top. The rest of the page stays as it was, text included.
- method B: when A cannot measure the page (an unknown font encoding, vertical writing, an
  image under a box) or the result fails verification, the page is rendered at 200 dpi,
  the boxes are painted into the pixels and the image replaces the page content. That
  page's remaining text is then no longer text.

Everything but the page content is handled by pdf_document.py: Info and XMP are replaced,
attachments, scripts and thumbnails dropped, annotations, form fields, bookmarks and every
other string redacted. The copy is written whole (no incremental update, no object
streams, unreferenced objects dropped), so earlier revisions of the file are gone.

Verification is part of redaction: the copy is read back with PDFium and pdfplumber, and a
page on which any redacted value can still be found is redone with method B. Pages without
a text layer (scans) and images are reported in `not_redacted`: they may show values that
only OCR could find.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Iterator

import pdfplumber
import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import ImageDraw

from piiscan.extract.pdf import _PDFIUM_LOCK, _open
from piiscan.model import Blob, ExtractionError, Location
from piiscan.redact.formats import LogEntry, RedactedCopy
from piiscan.redact.formats.pdf_content import ContentEditor, Rect
from piiscan.redact.formats.pdf_document import DocumentRedactor, KnownValues
from piiscan.redact.formats.pdf_fonts import Unsupported
from piiscan.redact.text import Replacement, TextRedaction

RASTER_DPI = 200
_BOX_PAD = 0.5  # points around each box when drawn, so no sliver of a glyph shows


@dataclass
class _Page:
    index: int
    text: str
    replacements: list[Replacement] = field(default_factory=list)
    boxes: list[Rect] = field(default_factory=list)
    images: int = 0


def redact(blob: Blob, redaction: TextRedaction) -> RedactedCopy:
    with blob.open() as stream:
        data = stream.read()
    # PDFium is not thread-safe: one document at a time, the scan's lock.
    with _PDFIUM_LOCK:
        return _Redactor(data, redaction).run()


def _open_pikepdf(data: bytes) -> pikepdf.Pdf:
    try:
        return pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError as exc:
        raise ExtractionError("encrypted", "PDF needs a password") from exc
    except pikepdf.PdfError as exc:
        # qpdf names the input, here an in-memory stream's repr: not worth showing.
        message = re.sub(r"^stream <[^>]*>:\s*", "", str(exc))
        raise ExtractionError("corrupt", f"pikepdf: {message}") from exc


def _save(pdf: pikepdf.Pdf) -> bytes:
    out = io.BytesIO()
    # A full rewrite: only objects reachable from the trailer are written, so earlier
    # revisions and orphaned objects are gone. Object streams are generated afresh from
    # those objects (keeping them out would make a tagged PDF five times larger); without
    # encryption (an owner password only restricts, and the copy must be readable).
    pdf.save(out, linearize=False, object_stream_mode=pikepdf.ObjectStreamMode.generate,
             compress_streams=True, encryption=False, deterministic_id=True,
             preserve_pdfa=False, fix_metadata_version=False)
    return out.getvalue()


def _line_boxes(textpage: pdfium.PdfTextPage, text: str, start: int, end: int) -> list[Rect]:
    """The rectangles covering text[start:end]: the union of the characters' loose boxes
    (full line height), one rectangle per line the value runs over."""
    boxes: list[Rect] = []
    line: list[float] | None = None
    for t in range(start, min(end, len(text))):
        if text[t].isspace():
            continue
        i = pdfium_c.FPDFText_GetCharIndexFromTextIndex(textpage, t)
        if i < 0 or pdfium_c.FPDFText_IsGenerated(textpage, i) == 1:
            continue
        x0, y0, x1, y1 = textpage.get_charbox(i, loose=True)
        if line is not None:
            mid, line_mid = (y0 + y1) / 2, (line[1] + line[3]) / 2
            if abs(mid - line_mid) <= max(line[3] - line[1], y1 - y0) / 2:
                line = [min(line[0], x0), min(line[1], y0), max(line[2], x1), max(line[3], y1)]
                continue
            boxes.append(tuple(line))
        line = [x0, y0, x1, y1]
    if line is not None:
        boxes.append(tuple(line))
    return boxes


def _box_operators(boxes: list[Rect]) -> bytes:
    rects = " ".join(f"{x0 - _BOX_PAD:.2f} {y0 - _BOX_PAD:.2f} {x1 - x0 + 2 * _BOX_PAD:.2f} "
                     f"{y1 - y0 + 2 * _BOX_PAD:.2f} re" for x0, y0, x1, y1 in boxes)
    return f"q 0 0 0 rg {rects} f Q\n".encode() if boxes else b""


def _chars_under_boxes(textpage: pdfium.PdfTextPage, boxes: list[Rect]) -> bool:
    """Whether any character PDFium still reads sits with its centre under a box."""
    for i in range(textpage.count_chars()):
        if pdfium_c.FPDFText_IsGenerated(textpage, i) == 1 or chr(pdfium_c.FPDFText_GetUnicode(textpage, i)).isspace():
            continue
        x0, y0, x1, y1 = textpage.get_charbox(i)
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        if any(b[0] + _BOX_PAD < cx < b[2] - _BOX_PAD and b[1] + _BOX_PAD < cy < b[3] - _BOX_PAD for b in boxes):
            return True
    return False


class _Redactor:
    def __init__(self, data: bytes, redaction: TextRedaction):
        self.data = data
        self.redaction = redaction
        self.known = KnownValues()
        self.log: list[LogEntry] = []
        self.not_redacted: list[str] = []

    def run(self) -> RedactedCopy:
        # PDFium first: a file the scan could not read fails here with the scan's error.
        original = _open(self.data)
        try:
            pdf = _open_pikepdf(self.data)
        except ExtractionError:
            original.close()
            raise
        try:
            if len(original) != len(pdf.pages):
                raise ExtractionError("corrupt", "PDFium and qpdf disagree on the page count")
            return self._redact(pdf, original)
        finally:
            original.close()
            pdf.close()

    def _redact(self, pdf: pikepdf.Pdf, original: pdfium.PdfDocument) -> RedactedCopy:
        document = DocumentRedactor(pdf, self.redaction, self.known, self.log)
        # The parts outside the pages first: their values are then searched on the pages too.
        document.metadata()
        document.strip()
        document.annotations()
        document.fields()
        document.outlines()
        document.page_labels()
        document.strings()
        known_outside_pages = len(self.known)

        pages = self._find(original)
        raster: set[int] = set()
        edited: set[int] = set()
        for page in pages:
            if page.boxes and self._edit(pdf, document, page):
                edited.add(page.index)
            elif page.boxes:
                raster.add(page.index)
        # Again, now that the values found on the pages are known too (an /Alt text that
        # names the person the page names).
        if len(self.known) > known_outside_pages:
            document.strings()
        try:
            pdf.remove_unreferenced_resources()
        except pikepdf.PdfError:
            pass  # unparsable content: the resources stay, the stream sweep still looks at them

        # A value still in a page's content stream: the page's marked-content properties
        # (/ActualText) may spell it; an unedited page is edited for those, then rasterised.
        flagged = document.streams(self._page_of(pdf))
        if flagged:
            for index in sorted(flagged - raster):
                if index in edited or not self._edit(pdf, document, pages[index]):
                    raster.add(index)
                edited.add(index)
            raster |= document.streams(self._page_of(pdf))

        for index in raster:
            self._rasterise(pdf, original, pages[index])
        copy = _save(pdf)
        failed = self._verify(copy, pages, edited - raster)
        if failed:
            for index in failed:
                self._rasterise(pdf, original, pages[index])
            copy = _save(pdf)
            still = self._verify(copy, pages, set())
            if still:
                raise ExtractionError("internal", f"redaction failed verification on page(s) "
                                                  f"{', '.join(str(i + 1) for i in sorted(still))}")
        self._report_images(pages)
        return RedactedCopy(copy, self.log, self.not_redacted)

    # -- finding the values ------------------------------------------------------------------

    def _find(self, original: pdfium.PdfDocument) -> list[_Page]:
        pages = []
        for index in range(len(original)):
            page = original[index]
            textpage = page.get_textpage()
            try:
                item = _Page(index, textpage.get_text_range())
            finally:
                textpage.close()
            item.images = sum(1 for _ in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,)))
            item.replacements = self.redaction.replacements(item.text)
            for r in item.replacements:
                self.known.add(r)
            pages.append(item)
            page.close()
        # Second pass: a value found on one page (or in the metadata, a comment, a field)
        # is redacted wherever else it appears, with or without the context that found it.
        for item in pages:
            item.replacements = sorted(item.replacements + self.known.find(item.text, item.replacements),
                                       key=lambda r: r.start)
            if not item.replacements:
                continue
            self.log.extend(LogEntry(r, Location(page=item.index + 1)) for r in item.replacements)
            page = original[item.index]
            textpage = page.get_textpage()
            try:
                for r in item.replacements:
                    item.boxes.extend(_line_boxes(textpage, item.text, r.start, r.end))
            finally:
                textpage.close()
                page.close()
        return pages

    # -- method A ----------------------------------------------------------------------------

    def _edit(self, pdf: pikepdf.Pdf, document: DocumentRedactor, page: _Page) -> bool:
        """Method A on one page; False when the page must be rasterised instead."""
        location = Location(page=page.index + 1, part="marked content")

        def scrub(properties: pikepdf.Dictionary) -> bool:
            changed = False
            for key, value in properties.items():
                new = document.redact_string(value, location, key[1:])
                if new is not None:
                    properties[key] = new
                    changed = True
            return changed

        editor = ContentEditor(pdf, page.boxes, scrub)
        try:
            editor.edit_page(pdf.pages[page.index], _box_operators(page.boxes))
        except (Unsupported, pikepdf.PdfError):
            return False
        return True

    # -- method B ----------------------------------------------------------------------------

    def _rasterise(self, pdf: pikepdf.Pdf, original: pdfium.PdfDocument, page: _Page) -> None:
        """Replace the page's content by a picture of the original page with the boxes
        painted into the pixels. Annotations stay (they were redacted on their own)."""
        source = original[page.index]
        try:
            source.set_rotation(0)  # the copy keeps /Rotate; the picture must not turn twice
            scale = RASTER_DPI / 72
            image = source.render(scale=scale, may_draw_forms=False, draw_annots=False).to_pil().convert("RGB")
            left, bottom, right, top = source.get_cropbox()
        finally:
            source.close()
        draw = ImageDraw.Draw(image)
        for x0, y0, x1, y1 in page.boxes:
            draw.rectangle([(x0 - left - _BOX_PAD) * scale, (top - y1 - _BOX_PAD) * scale,
                            (x1 - left + _BOX_PAD) * scale, (top - y0 + _BOX_PAD) * scale], fill=(0, 0, 0))
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=85)
        picture = pdf.make_stream(buffer.getvalue(), Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                                  Width=image.width, Height=image.height, ColorSpace=pikepdf.Name.DeviceRGB,
                                  BitsPerComponent=8, Filter=pikepdf.Name.DCTDecode)
        target = pdf.pages[page.index].obj
        target.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(PiiscanPage=picture))
        target.Contents = pdf.make_stream(
            f"q {right - left:.4f} 0 0 {top - bottom:.4f} {left:.4f} {bottom:.4f} cm /PiiscanPage Do Q\n".encode())
        if "/Group" in target:
            del target["/Group"]

    # -- verification ------------------------------------------------------------------------

    def _page_of(self, pdf: pikepdf.Pdf):
        contents: dict[tuple[int, int], int] = {}
        for index, page in enumerate(pdf.pages):
            streams = page.obj.get("/Contents")
            for stream in (streams if isinstance(streams, pikepdf.Array) else [streams]):
                if isinstance(stream, pikepdf.Stream):
                    contents[stream.objgen] = index
        return lambda obj: contents.get(obj.objgen) if obj.is_indirect else None

    def _verify(self, copy: bytes, pages: list[_Page], edited: set[int]) -> set[int]:
        """Pages of the copy on which a redacted value can still be read: by PDFium on every
        page, by pdfplumber on the edited ones, or any character left under a box."""
        failed: set[int] = set()
        if not self.known and not edited:
            return failed
        document = pdfium.PdfDocument(copy)
        try:
            for index in range(len(document)):
                page = document[index]
                textpage = page.get_textpage()
                try:
                    if self.known.find(textpage.get_text_range()):
                        failed.add(index)
                    elif index in edited and _chars_under_boxes(textpage, pages[index].boxes):
                        failed.add(index)
                finally:
                    textpage.close()
                    page.close()
        finally:
            document.close()
        if edited - failed:
            with pdfplumber.open(io.BytesIO(copy)) as plumber:
                for index in sorted(edited - failed):
                    if self.known.find(plumber.pages[index].extract_text() or ""):
                        failed.add(index)
        return failed

    def _report_images(self, pages: list[_Page]) -> None:
        with_images = []
        for page in pages:
            if page.images and not page.text.strip():
                self.not_redacted.append(f"page {page.index + 1}: no text layer (scanned), not redacted")
            elif page.images:
                with_images.append(str(page.index + 1))
        if with_images:
            # Boxes over a value found in the text are painted into the images too, but
            # text that exists only in the picture is not read until OCR.
            self.not_redacted.append(f"page {', '.join(with_images)}: images not checked "
                                     f"(text in images is not read yet)")


def raw_texts(data: bytes) -> Iterator[str]:
    """The copy as other readers see it: pdfplumber's text of every page, every stream
    decompressed (decoded latin-1; the XMP, if any, is one), every string and name of every
    object (those inside object streams too), the Info dictionary."""
    with pdfplumber.open(io.BytesIO(data)) as plumber:
        for page in plumber.pages:
            yield page.extract_text() or ""
    pdf = _open_pikepdf(data)
    try:
        info = pdf.trailer.get("/Info")
        if isinstance(info, pikepdf.Dictionary):
            yield "\n".join(f"{key}: {value}" for key, value in info.items())
        strings = []
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    yield obj.read_bytes().decode("latin-1")
                except pikepdf.PdfError:
                    yield obj.read_raw_bytes().decode("latin-1")
            if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream, pikepdf.Array)):
                strings.extend(_strings(obj))
        yield "\n".join(strings)
    finally:
        pdf.close()


def _strings(obj) -> Iterator[str]:
    """The strings and names in one object (names too: a named destination or a custom key
    can spell a value as well), nested direct objects included."""
    todo = [obj]
    while todo:
        item = todo.pop()
        if isinstance(item, (pikepdf.Dictionary, pikepdf.Stream)):
            children = []
            for key, child in item.items():
                yield key[1:]
                children.append(child)
        else:
            children = list(item)
        for child in children:
            if isinstance(child, pikepdf.String):
                try:
                    yield str(child)
                except (UnicodeDecodeError, ValueError):
                    yield bytes(child).decode("latin-1")
            elif isinstance(child, pikepdf.Name):
                yield str(child)[1:]
            elif isinstance(child, (pikepdf.Dictionary, pikepdf.Array)) and not child.is_indirect:
                todo.append(child)
