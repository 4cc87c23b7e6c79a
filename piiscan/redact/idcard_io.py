"""Reading pages from, and writing copies back to, image files and PDFs.

Images: every frame (multi-page TIFF), EXIF orientation applied first, so the copy has the
pixel dimensions and orientation the original is displayed with; saved in the same format
from a fresh image object, so no EXIF, XMP, GPS, ICC profile or text chunk is carried over.
PDFs: each page rendered (pypdfium2, 200 dpi, at most 3000 pixels on the long side) and
written back as one JPEG image per page on a page of the same size in points, in a new
PDF (pikepdf) without text layer, metadata or anything else of the original.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".webp", ".heic", ".heif")
PDF_SUFFIXES = (".pdf",)
PDF_DPI = 200
PDF_MAX_SIDE = 3000
JPEG_QUALITY = 90
# Pillow format name per suffix
_FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".tif": "TIFF", ".tiff": "TIFF", ".bmp": "BMP", ".webp": "WEBP",
            # No permissive HEIC encoder exists (piiscan/extract/heif.py): those copies are JPEG.
            ".heic": "JPEG", ".heif": "JPEG"}
WRITTEN_AS = {".heic": ".jpg", ".heif": ".jpg"}  # the copy's suffix, when it is not the input's


def copy_name(relative: str) -> str:
    """Where the copy of `relative` goes: the same name, plus ".jpg" for a HEIC photo."""
    suffix = relative[relative.rfind("."):].lower() if "." in relative else ""
    return relative + WRITTEN_AS[suffix] if suffix in WRITTEN_AS else relative


class NotReadable(Exception):
    pass


@dataclass
class Pages:
    """The pages of one input, as RGB (or L) PIL images, and how to write them back."""

    images: list
    suffix: str
    modes: list[str] = field(default_factory=list)  # the mode each page is written in
    page_sizes: list[tuple[float, float]] = field(default_factory=list)  # PDF: points
    scales: list[float] = field(default_factory=list)  # PDF: pixels per point


def handles(suffix: str) -> bool:
    return suffix in IMAGE_SUFFIXES or suffix in PDF_SUFFIXES


def read_pages(data: bytes, suffix: str) -> Pages:
    if suffix in PDF_SUFFIXES:
        return _read_pdf(data)
    return _read_image(data, suffix)


def _read_image(data: bytes, suffix: str) -> Pages:
    from PIL import Image, ImageOps, UnidentifiedImageError

    from piiscan.extract.heif import INSTALL_HINT, SUFFIXES as HEIF_SUFFIXES, heif_available

    if suffix in HEIF_SUFFIXES and not heif_available():
        raise NotReadable(INSTALL_HINT)

    try:
        source = Image.open(io.BytesIO(data))
        frames = []
        # A HEIC's further images are bursts or depth maps, not pages (and JPEG has one page).
        for index in range(1 if suffix in HEIF_SUFFIXES else getattr(source, "n_frames", 1)):
            source.seek(index)
            frames.append(ImageOps.exif_transpose(source.copy()) if index == 0 else source.copy())
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise NotReadable(f"not a readable image: {exc}") from exc
    pages = Pages([], suffix)
    for frame in frames:
        mode = "L" if frame.mode in ("L", "1", "I;16", "I") else "RGB"
        if frame.mode in ("RGBA", "LA", "PA") or (frame.mode == "P" and "transparency" in frame.info):
            background = Image.new("RGBA", frame.size, (255, 255, 255, 255))
            frame = Image.alpha_composite(background, frame.convert("RGBA"))
        page = frame.convert("RGB")
        page.info = {}
        pages.images.append(page)
        pages.modes.append(mode)
    return pages


def _read_pdf(data: bytes) -> Pages:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise NotReadable(f"not a readable PDF: {exc}") from exc
    pages = Pages([], ".pdf")
    try:
        for page in document:
            width, height = page.get_size()
            scale = min(PDF_DPI / 72, PDF_MAX_SIDE / max(width, height, 1))
            image = page.render(scale=scale).to_pil().convert("RGB")
            pages.images.append(image)
            pages.modes.append("RGB")
            pages.page_sizes.append((width, height))
            pages.scales.append(scale)
            page.close()
    finally:
        document.close()
    return pages


def write_pages(pages: Pages, images: list) -> bytes:
    """The copy's bytes: `images` (one per page, same sizes) in the input's format."""
    if pages.suffix in PDF_SUFFIXES:
        return _write_pdf(pages, images)
    from PIL import Image

    fmt = _FORMATS[pages.suffix]
    clean = []
    for image, mode in zip(images, pages.modes):
        # A fresh image: nothing of the original's info (EXIF, XMP, ICC, text) comes along.
        fresh = Image.frombytes(image.mode, image.size, image.tobytes())
        clean.append(fresh.convert(mode) if fresh.mode != mode else fresh)
    options = {"JPEG": {"quality": JPEG_QUALITY}, "WEBP": {"quality": JPEG_QUALITY}, "TIFF": {"compression": "tiff_deflate"}}.get(fmt, {})
    out = io.BytesIO()
    if len(clean) > 1:
        clean[0].save(out, fmt, save_all=True, append_images=clean[1:], **options)
    else:
        clean[0].save(out, fmt, **options)
    return out.getvalue()


def _write_pdf(pages: Pages, images: list) -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    for image, (width, height) in zip(images, pages.page_sizes):
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, "JPEG", quality=JPEG_QUALITY)
        xobject = pikepdf.Stream(pdf, buffer.getvalue())
        xobject.Type = pikepdf.Name.XObject
        xobject.Subtype = pikepdf.Name.Image
        xobject.Width, xobject.Height = image.size
        xobject.ColorSpace = pikepdf.Name.DeviceRGB
        xobject.BitsPerComponent = 8
        xobject.Filter = pikepdf.Name.DCTDecode
        content = f"q {width:.4f} 0 0 {height:.4f} 0 0 cm /Im0 Do Q".encode()
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, width, height],
            Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=xobject)),
            Contents=pikepdf.Stream(pdf, content),
        )
        pdf.pages.append(pikepdf.Page(page))
    out = io.BytesIO()
    pdf.save(out, fix_metadata_version=False)
    return out.getvalue()


def render_copy(data: bytes, pages: Pages) -> list:
    """The copy's pages as the recipient will see them (decoded from its bytes), at the
    original pages' pixel sizes, for verification."""
    if pages.suffix in PDF_SUFFIXES:
        import pypdfium2 as pdfium

        document = pdfium.PdfDocument(data)
        try:
            out = []
            for page, scale, original in zip(document, pages.scales, pages.images):
                image = page.render(scale=scale).to_pil().convert("RGB")
                if image.size != original.size:
                    image = image.resize(original.size)
                out.append(image)
                page.close()
            return out
        finally:
            document.close()
    copy = _read_image(data, pages.suffix)
    return copy.images


def text_layer(data: bytes) -> str:
    """The text a PDF reader extracts from the copy (it must be empty)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        parts = []
        for page in document:
            textpage = page.get_textpage()
            parts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return "".join(parts)
    finally:
        document.close()
