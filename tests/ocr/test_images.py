"""Images through the scan: OCR text as Segments per page, then the detector."""

from __future__ import annotations

import datetime
import random
import struct
import zlib

import pytest
from PIL import Image

from piiscan.detect.engine import Detector
from piiscan.extract import EXTRACTORS, extract, extractor_for
from piiscan.extract import image as image_extractor
from piiscan.model import ErrorRecord, ExtractionError, Location, Segment
from piiscan.ocr.engine import available_engines
from piiscan.run.worker import scan_blob
from piiscan import synth

from tests.ocr.conftest import encode, memory_blob, text_image

_rng = random.Random(6)
IBAN = synth.iban(_rng, "BE")
PHONE = synth.phone_be(_rng, "spaced", "mobile")
NATIONAL = synth.be_national_number(_rng, datetime.date(1985, 7, 30), "dotted")
LETTER = ["Klant: Jan Peeters", f"IBAN: {IBAN}", f"GSM: {PHONE}", f"Rijksregisternummer: {NATIONAL}"]


@pytest.fixture(scope="module")
def detector():
    return Detector()


def canonical(detector, text: str) -> dict[str, str]:
    """entity type -> canonical value the detector gives for plain text (OCR may drop a
    space inside a number; the canonical value stays the same)."""
    return {f.entity_type: f.canonical for f in detector.findings("t.txt", [Segment(text)])}


EXPECTED_TYPES = ("IBAN_CODE", "PHONE_NUMBER", "BE_NATIONAL_NUMBER")


def test_image_suffixes_are_registered():
    assert {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".webp", ".gif"} <= EXTRACTORS
    assert extractor_for(memory_blob("scan.PNG", b"")) is image_extractor.extract_image


@pytest.mark.parametrize("ocr_engine", available_engines(), indirect=True)
def test_png_text_is_found_with_its_page(detector, ocr_engine):
    data = encode(text_image(LETTER), "PNG")
    segments = list(extract(memory_blob("brief.png", data)))
    assert [s.location for s in segments] == [Location(page=1, part="ocr")]
    assert "Peeters" in segments[0].text
    findings = detector.findings("share/brief.png", segments)
    got = {f.entity_type: f.canonical for f in findings}
    expected = canonical(detector, "\n".join(LETTER))
    for entity in EXPECTED_TYPES:
        assert got.get(entity) == expected[entity], (ocr_engine, segments[0].text)
    assert all(f.location.page == 1 for f in findings)
    # A page with no MRZ and no document keywords is not an ID copy.
    assert "ID_DOCUMENT" not in got


def test_every_tiff_frame_is_a_page(detector):
    pages = [text_image([f"IBAN: {IBAN}"]), text_image([f"Tel. {PHONE}"])]
    data = encode(pages[0], "TIFF", save_all=True, append_images=pages[1:], compression="tiff_deflate")
    segments = list(extract(memory_blob("scan.tiff", data)))
    assert [s.location.page for s in segments] == [1, 2]
    by_page = {f.location.page: f.entity_type for f in detector.findings("scan.tiff", segments)}
    assert by_page == {1: "IBAN_CODE", 2: "PHONE_NUMBER"}


def test_exif_orientation_is_applied_before_ocr(detector):
    upright = text_image([f"IBAN: {IBAN}"])
    # Stored turned a quarter to the left, with EXIF orientation 6 ("turn right to view"),
    # as a phone held sideways writes it.
    stored = upright.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    data = encode(stored, "JPEG", quality=92, exif=exif)
    segments = list(extract(memory_blob("foto.jpg", data)))
    assert [f.entity_type for f in detector.findings("foto.jpg", segments)] == ["IBAN_CODE"]


def test_scan_blob_reports_image_findings_with_the_page(detector, tmp_path):
    from piiscan.sources.blob import file_blob

    path = tmp_path / "kopie.png"
    path.write_bytes(encode(text_image([f"IBAN: {IBAN}"]), "PNG"))
    result = scan_blob(file_blob(path, "share/kopie.png"), detector)
    assert result.error is None and result.skipped is None
    assert [(f.entity_type, f.location.page) for f in result.findings] == [("IBAN_CODE", 1)]


# Frame handling, formats and limits, without the cost of OCR: page_text replaced by a stub
# that describes the image it was given.


@pytest.fixture
def described(monkeypatch):
    def describe(image, engine=None):
        return f"{image.width}x{image.height} {image.convert('L').getpixel((0, 0))}"

    monkeypatch.setattr(image_extractor, "page_text", describe)


def _pages(name: str, data: bytes) -> list[str]:
    return [s.text for s in extract(memory_blob(name, data))]


def test_formats_each_give_one_page(described):
    image = Image.new("RGB", (40, 30), (200, 200, 200))
    for fmt, suffix in (("BMP", "bmp"), ("WEBP", "webp"), ("GIF", "gif"), ("PNG", "png"), ("JPEG", "jpeg")):
        assert len(_pages(f"x.{suffix}", encode(image, fmt))) == 1, fmt


def test_animated_gif_gives_its_first_frame_only(described):
    frames = [Image.new("L", (40, 30), shade) for shade in (0, 128, 255)]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:])
    assert _pages("anim.gif", data) == ["40x30 0"]


def test_transparency_is_flattened_on_white(monkeypatch):
    seen = []
    monkeypatch.setattr("piiscan.ocr.page.read_lines", lambda image, engine=None: (seen.append(image) or [], 0.0))
    clear = Image.new("RGBA", (40, 30), (0, 0, 0, 0))
    list(extract(memory_blob("logo.png", encode(clear, "PNG"))))
    assert seen[0].mode == "RGB" and seen[0].getpixel((0, 0)) == (255, 255, 255)


def test_large_images_are_brought_down_for_ocr(monkeypatch):
    from piiscan.ocr import page

    seen = []
    monkeypatch.setattr(page, "read_lines", lambda image, engine=None: (seen.append(image.size) or [], 0.0))
    big = Image.new("L", (page.MAX_OCR_SIDE * 2, 300), 255)
    list(extract(memory_blob("poster.png", encode(big, "PNG"))))
    assert seen == [(page.MAX_OCR_SIDE, 150)]


@pytest.mark.parametrize("data", [b"", b"\x89PNG\r\n\x1a\nnot really", b"GIF89a\x00garbage"])
def test_corrupt_image_is_an_error(data):
    with pytest.raises(ExtractionError) as err:
        list(extract(memory_blob("kapot.png", data)))
    assert err.value.kind == "corrupt"


def test_truncated_image_is_corrupt(described):
    data = encode(Image.new("RGB", (200, 200), "white"), "PNG")
    with pytest.raises(ExtractionError) as err:
        list(extract(memory_blob("half.png", data[: len(data) // 2])))
    assert err.value.kind == "corrupt"


def _png_header(width: int, height: int) -> bytes:
    """A PNG that claims to be width x height: a few bytes that would decode to gigabytes."""

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(b"IEND", b"")


def test_decompression_bomb_is_too_large():
    with pytest.raises(ExtractionError) as err:
        list(extract(memory_blob("bom.png", _png_header(40_000, 40_000))))
    assert err.value.kind == "too_large"


def test_page_budget_ends_with_an_error_record(described, monkeypatch):
    monkeypatch.setattr("piiscan.ocr.page.MAX_OCR_PAGES", 2)
    frames = [Image.new("L", (40, 30), shade) for shade in (0, 100, 200)]
    data = encode(frames[0], "TIFF", save_all=True, append_images=frames[1:])
    items = list(extract(memory_blob("lang.tif", data)))
    assert [i.location.page for i in items if isinstance(i, Segment)] == [1, 2]
    errors = [i for i in items if isinstance(i, ErrorRecord)]
    assert len(errors) == 1 and errors[0].kind == "too_large" and "3-3" in errors[0].message
