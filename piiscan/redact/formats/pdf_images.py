"""Painting redaction boxes into an image's pixels.

A black rectangle drawn over an image hides a value from the eye, not from anyone who
extracts the image: a scanned page with an OCR text layer keeps the value in its picture.
So an image XObject under a box is replaced by a copy whose pixels under the box are
black (and opaque, when it has a soft mask). Images piiscan cannot decode and encode again
(stencil masks, JBIG2 without a decoder, unusual colour spaces) raise `Unsupported`, and
the page is rasterised instead.
"""

from __future__ import annotations

import io
import math
import zlib

import pikepdf
from PIL import ImageDraw

from piiscan.redact.formats.pdf_fonts import Unsupported

Rect = tuple[float, float, float, float]
Matrix = tuple[float, float, float, float, float, float]

_PAD = 0.5  # points, as the drawn boxes
# PIL mode -> (mode to paint in, PDF colour space, bits per component, black)
_MODES = {
    "1": ("1", "/DeviceGray", 1, 0),
    "L": ("L", "/DeviceGray", 8, 0),
    "RGB": ("RGB", "/DeviceRGB", 8, (0, 0, 0)),
    "CMYK": ("CMYK", "/DeviceCMYK", 8, (0, 0, 0, 255)),
}


def _invert(m: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    det = a * d - b * c
    if abs(det) < 1e-12:
        raise Unsupported("image drawn with a singular matrix")
    return (d / det, -b / det, -c / det, a / det, (c * f - d * e) / det, (b * e - a * f) / det)


def _pixel_regions(ctm: Matrix, boxes: list[Rect], width: int, height: int) -> list[tuple[int, int, int, int]]:
    """The boxes in the image's pixel grid. An image fills the unit square of its CTM, its
    first row at the top; a box on a rotated or skewed image becomes the bounding
    rectangle of its corners: more pixels than needed, never fewer."""
    inverse = _invert(ctm)
    a, b, c, d, e, f = inverse
    regions = []
    for x0, y0, x1, y1 in boxes:
        corners = [(x, y) for x in (x0 - _PAD, x1 + _PAD) for y in (y0 - _PAD, y1 + _PAD)]
        us = [a * x + c * y + e for x, y in corners]
        vs = [b * x + d * y + f for x, y in corners]
        if max(us) <= 0 or min(us) >= 1 or max(vs) <= 0 or min(vs) >= 1:
            continue
        left, right = math.floor(max(min(us), 0) * width), math.ceil(min(max(us), 1) * width)
        top, bottom = math.floor((1 - min(max(vs), 1)) * height), math.ceil((1 - max(min(vs), 0)) * height)
        regions.append((left, top, right, bottom))
    return regions


def _painted(pdf: pikepdf.Pdf, image: pikepdf.Stream, ctm: Matrix, boxes: list[Rect],
             fill=None) -> pikepdf.Stream | None:
    width, height = int(image.get("/Width", 0)), int(image.get("/Height", 0))
    if width <= 0 or height <= 0:
        raise Unsupported("image without a size")
    regions = _pixel_regions(ctm, boxes, width, height)
    if not regions:
        return None
    if image.get("/ImageMask", False):
        raise Unsupported("stencil mask under a redaction box")
    try:
        picture = pikepdf.PdfImage(image).as_pil_image()
    except Exception as exc:  # noqa: BLE001 - any decoding failure means "cannot paint"
        raise Unsupported(f"image not decodable: {exc}") from exc
    if picture.mode not in _MODES:
        picture = picture.convert("RGB")
    mode, colorspace, bpc, black = _MODES[picture.mode]
    if picture.size != (width, height):
        raise Unsupported("image decoded to an unexpected size")
    draw = ImageDraw.Draw(picture)
    for left, top, right, bottom in regions:
        draw.rectangle([left, top, right - 1, bottom - 1], fill=black if fill is None else fill)
    # Scans stay JPEG (size); everything else, and bilevel images, lossless.
    filters = image.get("/Filter")
    was_jpeg = filters == pikepdf.Name.DCTDecode or (isinstance(filters, pikepdf.Array)
                                                     and pikepdf.Name.DCTDecode in list(filters))
    if was_jpeg and mode in ("L", "RGB"):
        buffer = io.BytesIO()
        picture.save(buffer, format="JPEG", quality=90)
        data, codec = buffer.getvalue(), pikepdf.Name.DCTDecode
    else:
        data, codec = zlib.compress(picture.tobytes()), pikepdf.Name.FlateDecode
    copy = pdf.make_stream(data, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image, Width=width,
                           Height=height, ColorSpace=pikepdf.Name(colorspace), BitsPerComponent=bpc, Filter=codec)
    for key in ("/Interpolate", "/Intent", "/OC", "/Matte"):
        if key in image:
            copy[key] = image[key]
    mask = image.get("/Mask")
    if isinstance(mask, pikepdf.Stream):  # a stencil mask stays; a colour-key array no longer fits
        copy.Mask = mask
    soft = image.get("/SMask")
    if isinstance(soft, pikepdf.Stream):
        # Opaque where painted, or the black could be transparent and the mask keep the shape.
        copy.SMask = _painted(pdf, soft, ctm, boxes, fill=255) or soft
    return copy


def painted_copy(pdf: pikepdf.Pdf, image: pikepdf.Stream, ctm: Matrix, boxes: list[Rect]) -> pikepdf.Stream | None:
    """A copy of `image` (drawn with `ctm`) black under the boxes, or None when no box
    touches it. The original is left alone: other pages may draw it too."""
    return _painted(pdf, image, ctm, boxes)
