"""Tesseract: its TSV turned into lines (tested on recorded output, so it runs without
Tesseract), the choice of engine, and a real run when the binary is installed."""

from __future__ import annotations

import shutil

import pytest

from piiscan.ocr import engine, tesseract
from piiscan.ocr.engine import OcrLine

# Recorded: `tesseract page.png stdout -l nld+fra+eng tsv` (Tesseract 5.3) on a rendered
# page of three lines; the third line is in a paragraph of its own.
RECORDED_TSV = "\n".join("\t".join(row) for row in [
    "level page_num block_num par_num line_num word_num left top width height conf text".split(),
    ["1", "1", "0", "0", "0", "0", "0", "0", "900", "260", "-1", ""],
    ["2", "1", "1", "0", "0", "0", "30", "25", "578", "194", "-1", ""],
    ["3", "1", "1", "1", "0", "0", "33", "25", "260", "29", "-1", ""],
    ["4", "1", "1", "1", "1", "0", "33", "25", "260", "29", "-1", ""],
    ["5", "1", "1", "1", "1", "1", "33", "25", "81", "23", "95.446800", "Klant:"],
    ["5", "1", "1", "1", "1", "2", "125", "26", "46", "28", "95.679382", "Jan"],
    ["5", "1", "1", "1", "1", "3", "186", "26", "107", "22", "96.141731", "Peeters"],
    ["3", "1", "1", "2", "0", "0", "33", "81", "422", "22", "-1", ""],
    ["4", "1", "1", "2", "1", "0", "33", "81", "422", "22", "-1", ""],
    ["5", "1", "1", "2", "1", "1", "33", "81", "76", "22", "92.674896", "IBAN:"],
    ["5", "1", "1", "2", "1", "2", "125", "81", "73", "22", "91.573479", "BE68"],
    ["5", "1", "1", "2", "1", "3", "211", "81", "73", "22", "95.979187", "5390"],
    ["5", "1", "1", "2", "1", "4", "297", "81", "72", "22", "94.798744", "0754"],
    ["5", "1", "1", "2", "1", "5", "383", "81", "72", "22", "94.798744", "7034"],
    ["3", "1", "1", "3", "0", "0", "30", "135", "578", "84", "-1", ""],
    ["4", "1", "1", "3", "1", "0", "30", "135", "277", "23", "-1", ""],
    ["5", "1", "1", "3", "1", "1", "30", "135", "47", "23", "96.416367", "Rĳksregister:"],
    ["5", "1", "1", "3", "1", "2", "92", "136", "72", "22", "-1", " "],
]) + "\n"


def test_tsv_words_become_lines_with_union_boxes():
    lines = tesseract.parse_tsv(RECORDED_TSV)
    assert [line.text for line in lines] == ["Klant: Jan Peeters", "IBAN: BE68 5390 0754 7034", "Rijksregister:"]
    assert lines[0].box == (33.0, 25.0, 293.0, 54.0)
    assert lines[1].box == (33.0, 81.0, 455.0, 103.0)
    assert lines[0].confidence == pytest.approx((95.4468 + 95.679382 + 96.141731) / 300)
    assert all(isinstance(line, OcrLine) for line in lines)


def test_tsv_without_words_gives_no_lines():
    assert tesseract.parse_tsv("\n".join(RECORDED_TSV.splitlines()[:4])) == []
    assert tesseract.parse_tsv("") == []


def test_output_that_is_not_tsv_is_an_error():
    with pytest.raises(tesseract.TesseractError):
        tesseract.parse_tsv("Tesseract Open Source OCR Engine v5\n")


@pytest.fixture
def fresh_availability():
    tesseract.available.cache_clear()
    yield
    tesseract.available.cache_clear()


def test_not_available_without_the_binary(monkeypatch, fresh_availability):
    monkeypatch.setattr(tesseract.shutil, "which", lambda name: None)
    monkeypatch.delenv("PIISCAN_OCR", raising=False)
    assert not tesseract.available()
    assert engine.default_engine() == "rapidocr"
    assert engine.available_engines() == ["rapidocr"]


def test_environment_forces_an_engine(monkeypatch):
    monkeypatch.setenv("PIISCAN_OCR", "rapidocr")
    assert engine.default_engine() == "rapidocr"
    monkeypatch.setenv("PIISCAN_OCR", "easyocr")
    with pytest.raises(ValueError):
        engine.default_engine()


def test_forcing_tesseract_without_it_is_an_error(monkeypatch, fresh_availability):
    monkeypatch.setattr(tesseract.shutil, "which", lambda name: None)
    monkeypatch.setenv("PIISCAN_OCR", "tesseract")
    with pytest.raises(ValueError, match="not installed"):
        engine.default_engine()


def test_a_failing_tesseract_falls_back_to_rapidocr(monkeypatch):
    def broken(image):
        raise tesseract.TesseractError("tesseract failed")

    monkeypatch.setattr(tesseract, "ocr_tesseract", broken)
    monkeypatch.setattr(engine, "_ocr_rapidocr", lambda image: ([OcrLine("rapid", (0, 0, 1, 1), 1.0)], 0.0))
    from PIL import Image

    assert [line.text for line in engine.ocr_image(Image.new("RGB", (200, 60), "white"), "tesseract")] == ["rapid"]


HAS_TESSERACT = shutil.which("tesseract") is not None


@pytest.mark.skipif(not HAS_TESSERACT, reason="the tesseract binary is not installed (apt-get install tesseract-ocr tesseract-ocr-nld tesseract-ocr-fra)")
def test_real_tesseract_reads_a_rendered_line(fresh_availability):
    from tests.ocr.conftest import text_image

    assert tesseract.available(), "tesseract is installed but without nld, fra and eng"
    lines = tesseract.ocr_tesseract(text_image(["Rijksregisternummer 85.07.30-033.28"]))
    assert [line.text for line in lines] == ["Rijksregisternummer 85.07.30-033.28"]
    assert lines[0].box[0] < lines[0].box[2] and lines[0].confidence > 0.5


def test_tesseract_mrz_zones_are_read_again_by_rapidocr(monkeypatch):
    """Tesseract reads OCR-B poorly and lists a zone's lines out of order: the zone's band
    is read again by rapidocr and its valid lines take the place of the rows in the band."""
    from PIL import Image

    from piiscan.ocr import page
    from tests.ocr.test_mrz_read import NL_TD3

    tesseract_rows = [
        OcrLine("Naam / Surname", (10, 10, 200, 30), 0.9),
        OcrLine(NL_TD3[1][:30].replace("<", "c") + "<<cc", (10, 240, 590, 262), 0.4),  # line 2, garbled
        OcrLine("Handtekening", (10, 100, 150, 120), 0.9),
        OcrLine("P<NLDDE", (10, 205, 120, 225), 0.3),  # a piece of line 1
        OcrLine("P<NLDDEcVRIES<<ANNAcccccccc", (130, 205, 590, 226), 0.3),
    ]
    calls = []

    def fake_read_lines(image, engine=None):
        calls.append((engine, image.size))
        if engine == "tesseract":
            return tesseract_rows, None
        return [OcrLine(NL_TD3[0], (5, 40, 590, 60), 0.99), OcrLine(NL_TD3[1], (5, 75, 590, 95), 0.99)], 0.0

    monkeypatch.setattr(page, "read_lines", fake_read_lines)
    text = page.page_text(Image.new("L", (600, 300), 255), "tesseract")
    assert text.splitlines() == ["Naam / Surname", *NL_TD3, "Handtekening"]
    # One second reading, of a full-width strip around the zone.
    assert [c[0] for c in calls] == ["tesseract", "rapidocr"] and calls[1][1][0] == 600


def test_no_second_reading_for_ordinary_text(monkeypatch):
    from PIL import Image

    from piiscan.ocr import page

    lines = [OcrLine("Rekeningnummer (IBAN): BE68 5390 0754 7034", (10, 10, 500, 30), 0.9),
             OcrLine("Ref. <<ABC>> 2024/118", (10, 40, 300, 60), 0.9)]
    engines = []
    monkeypatch.setattr(page, "read_lines", lambda image, engine=None: (engines.append(engine) or lines, None))
    assert page.page_text(Image.new("L", (600, 100), 255), "tesseract").splitlines() == [line.text for line in lines]
    assert engines == ["tesseract"]
