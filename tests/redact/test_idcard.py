"""`piiscan redact-id`: ID-document copies with photo, MRZ, numbers and signature masked and
a KOPIE watermark, checked on the synthetic documents of tests/fixtures/id_documents.py.

OCR is slow (a second or two per call), so each document is redacted once per module and
the assertions share the result; rapidocr is used throughout (Tesseract may or may not be
installed where the tests run). The verification's own re-OCR of the copy (IdResult.
verification_lines) is what the "gone" and "still readable" assertions read.
"""

from __future__ import annotations

import io
import json
import stat
from functools import partial

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from piiscan.cli import main
from piiscan.detect.engine import Detector
from piiscan.redact import idcard
from piiscan.redact.idcard import IdOptions, redact_id_bytes
from piiscan.redact.idcard_command import ENTITIES, LOG_NAME
from piiscan.redact.idcard_draw import watermark_text
from piiscan.redact.idcard_geometry import make_view
from piiscan.redact.idcard_mrz import find_mrz_blocks, is_mrz_like
from piiscan.redact.idcard_text import alnum_index, approx_find
from piiscan.redact.idcard_verify import default_ocr, is_black, watermark_readable
from tests.fixtures.id_documents import make_document

RAPID = partial(default_ocr, engine="rapidocr")
OPTIONS = IdOptions(purpose="Huurcontract", recipient="Woonstad Rotterdam", date="2026-11-22")


@pytest.fixture(scope="module")
def id_detector():
    return Detector(entities=ENTITIES)


def _png(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _redact(doc, detector, suffix=".png", data=None, options=OPTIONS):
    data = data if data is not None else _png(doc.image)
    return redact_id_bytes(data, suffix, options, detector, ocr=RAPID, verify_ocrs=[RAPID])


CASES = {
    "be_front_clean": ("be_eid", "front", "clean"),
    "be_back_scan": ("be_eid", "back", "scan"),
    "nl_card_a4": ("nl_id_card", "both", "scan"),
    "nl_passport_scan": ("nl_passport", "front", "scan"),
}


@pytest.fixture(scope="module")
def redacted(id_detector):
    """name -> (document, copy bytes, result, decoded copy)."""
    out = {}
    for name, (kind, side, variant) in CASES.items():
        doc = make_document(kind, seed=3, side=side, variant=variant)
        copy, result = _redact(doc, id_detector)
        decoded = Image.open(io.BytesIO(copy)).convert("RGB") if copy else None
        out[name] = (doc, copy, result, decoded)
    return out


def _read(result) -> list[str]:
    return [line.text for views in result.verification_lines for lines in views for line in lines]


def _readable(texts: list[str], value: str, edits: int = 1) -> bool:
    target = alnum_index(value)[0]
    return any(approx_find(alnum_index(text)[0], target, edits) for text in texts)


def _black_share(image, box) -> float:
    return float((np.asarray(image.convert("L").crop(box)) < 48).mean())


@pytest.mark.parametrize("name", list(CASES))
def test_copy_is_verified_and_keeps_the_size(redacted, name):
    doc, copy, result, decoded = redacted[name]
    assert copy is not None, result.error
    assert result.status == "redacted", result.review
    assert decoded.size == doc.image.size
    assert result.kind == {"be_eid": "BE eID", "nl_id_card": "NL ID card", "nl_passport": "NL passport"}[doc.kind]


@pytest.mark.parametrize("name", list(CASES))
def test_photo_and_ghost_are_black(redacted, name):
    doc, _copy, _result, decoded = redacted[name]
    for region in ("photo", "ghost_photo"):
        if region in doc.boxes:
            assert _black_share(decoded, doc.boxes[region]) > 0.95, region


@pytest.mark.parametrize("name", list(CASES))
def test_mrz_and_numbers_are_gone(redacted, name):
    doc, _copy, result, decoded = redacted[name]
    texts = _read(result)
    assert not any(is_mrz_like(text) for text in texts)
    for region in ("mrz", "document_number", "national_number"):
        if region in doc.boxes:
            assert _black_share(decoded, doc.boxes[region]) > 0.9, region
    if "document_number" in doc.boxes or "mrz" in doc.boxes:
        assert not _readable(texts, doc.truth["document_number_compact"], 2)
    if "national_number" in doc.boxes or "mrz" in doc.boxes:
        assert not _readable(texts, doc.truth["national_number_compact"], 2)


@pytest.mark.parametrize("name", ["be_front_clean", "nl_card_a4", "nl_passport_scan"])
def test_name_birth_date_and_watermark_stay_readable(redacted, name):
    doc, _copy, result, decoded = redacted[name]
    texts = _read(result)
    for region, value, edits in (("name", doc.truth["surname"].replace(" ", ""), 1), ("birth_date", doc.texts["birth_date"], 2)):
        # read on the page; where the watermark crosses the field, on the field itself
        if not _readable(texts, value, edits):
            x0, y0, x1, y1 = doc.boxes[region]
            field = " ".join(line.text for line in RAPID(decoded.crop((x0 - 2, y0 - 4, x1 + 20, y1 + 4))))
            assert _readable([field], value, edits) or all(_readable([field], token, 1) for token in value.split()), region
        assert _black_share(decoded, doc.boxes[region]) < 0.5
    assert watermark_readable(decoded, OPTIONS.watermark, result.pages[0].watermark_size, [RAPID]) or any(
        "KOPIE" in t.upper() for t in texts)


def test_signature_is_masked(redacted):
    for name in ("be_front_clean", "nl_card_a4", "nl_passport_scan"):
        doc, _copy, _result, decoded = redacted[name]
        assert _black_share(decoded, doc.boxes["signature"]) > 0.9, name


def test_log_records_hold_masked_values_only(redacted):
    doc, _copy, result, _decoded = redacted["be_back_scan"]
    records = idcard.log_records(result, b"k" * 32)
    text = json.dumps(records)
    assert doc.truth["national_number_compact"] not in text and doc.truth["national_number"] not in text
    labels = {r["entity_type"] for r in records}
    assert {"MRZ", "BE_NATIONAL_NUMBER"} <= labels
    assert all("hash" in r for r in records if "masked" in r)


def test_pdf_stays_a_pdf_with_the_same_page_size_and_no_text(id_detector):
    import pypdfium2 as pdfium

    doc = make_document("nl_passport", seed=4)
    buffer = io.BytesIO()
    doc.image.save(buffer, "PDF", resolution=254)
    original = pdfium.PdfDocument(buffer.getvalue())
    size = original[0].get_size()
    copy, result = _redact(doc, id_detector, ".pdf", buffer.getvalue())
    assert copy is not None and copy.startswith(b"%PDF"), result.error
    out = pdfium.PdfDocument(copy)
    assert len(out) == 1
    assert out[0].get_size() == pytest.approx(size, abs=0.01)
    assert out[0].get_textpage().get_text_range().strip() == ""
    page = out[0].render(scale=result.pages[0].image.width / size[0]).to_pil()
    photo = tuple(round(v * page.width / doc.image.width) for v in doc.boxes["photo"])
    assert _black_share(page, photo) > 0.95
    assert doc.truth["document_number"].encode() not in copy


def test_non_id_image_gets_no_copy_unless_asked(id_detector):
    """Decision: an image that does not look like an ID document gets no copy (and exit code
    3), unless --non-id asks for one."""
    from skimage import data

    photo = Image.fromarray(data.coffee())
    copy, result = _redact(None, id_detector, data=_png(photo))
    assert copy is None and result.status == "not an ID document"
    # asked for: watermark and faces masked, nothing else (the astronaut ships with scikit-image)
    portrait = Image.fromarray(data.astronaut())
    options = IdOptions(purpose="Test", date="2026-11-22", non_id=True)
    copy, result = _redact(None, id_detector, data=_png(portrait), options=options)
    assert copy is not None and result.status == "redacted"
    assert {m.label for m in result.pages[0].masks} == {"PHOTO"}
    out = Image.open(io.BytesIO(copy))
    assert out.size == portrait.size
    assert _black_share(out, (177, 66, 272, 161)) > 0.95  # where OpenCV finds the face


def test_failed_verification_writes_nothing(tmp_path, monkeypatch):
    """Masks that are not drawn leave the MRZ readable: no copy, exit code 3."""
    monkeypatch.setenv("PIISCAN_OCR", "rapidocr")
    monkeypatch.setattr(idcard, "black_out", lambda image, boxes: None)
    monkeypatch.setattr(idcard, "MAX_ROUNDS", 1)
    src = tmp_path / "in"
    src.mkdir()
    make_document("nl_id_card", seed=5, side="back").image.save(src / "back.png")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["redact-id", str(src), "--out", str(out), "--purpose", "Test",
                                       "--workers", "1", "--no-progress"])
    assert result.exit_code == 3, result.output
    assert not (out / "back.png").exists()
    assert "MRZ line is still readable" in result.stderr


def test_cli_strips_exif_keeps_orientation_and_writes_privately(tmp_path, monkeypatch):
    monkeypatch.setenv("PIISCAN_OCR", "rapidocr")
    doc = make_document("be_eid", seed=6, side="front", variant="scan")
    src = tmp_path / "in"
    src.mkdir()
    # stored turned a quarter, EXIF orientation 6 says to turn it back; GPS and a camera model
    exif = Image.Exif()
    exif[0x0112], exif[0x0110] = 6, "PhoneCam 3000"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (50.0, 51.0, 12.5), 3: "E", 4: (4.0, 21.0, 3.0)})
    doc.image.transpose(Image.Transpose.ROTATE_90).save(src / "kaart.jpg", exif=exif.tobytes(), quality=92)
    (src / "notes.txt").write_text("geen ID")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["redact-id", str(src), "--out", str(out), "--purpose", "Huur",
                                       "--recipient", "Woonstad", "--date", "2026-11-22", "--workers", "1", "--no-progress"])
    assert result.exit_code == 3, result.output  # notes.txt: not an image or PDF
    assert "notes.txt: not handled" in result.stderr and "1 redacted" in result.stderr
    copy = Image.open(out / "kaart.jpg")
    assert copy.size == doc.image.size  # displayed orientation, no EXIF needed to show it
    assert not copy.getexif() and "exif" not in copy.info and "icc_profile" not in copy.info
    assert b"PhoneCam" not in (out / "kaart.jpg").read_bytes()
    assert _black_share(copy, doc.boxes["photo"]) > 0.95
    assert stat.S_IMODE((out / "kaart.jpg").stat().st_mode) == 0o600
    log = (out / LOG_NAME).read_text()
    assert doc.truth["document_number"] not in log and doc.truth["document_number_compact"] not in log
    assert any(json.loads(line).get("status") == "redacted" for line in log.splitlines())


# Small parts, no OCR.

def test_watermark_text():
    assert watermark_text("Huur", "Woonstad", "2026-11-22") == "KOPIE – Huur – Woonstad – 2026-11-22"
    assert watermark_text("Huur", None, "2026-11-22") == "KOPIE – Huur – 2026-11-22"


def test_mrz_blocks_from_ocr_lines():
    from piiscan.ocr.engine import OcrLine

    lines = [
        OcrLine("PASPOORT", (10, 10, 100, 30), 0.99),
        OcrLine("P<NLDJANSEN<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<<<", (10, 200, 900, 230), 0.9),
        OcrLine("TIJPFWV119NLD8509303F2611295778996670<<<<<78", (10, 240, 900, 270), 0.9),
    ]
    blocks, used = find_mrz_blocks(lines)
    assert used == [1, 2] and len(blocks) == 1
    block = blocks[0]
    assert block.format == "TD3" and block.valid and block.document_number == "TIJPFWV11"
    assert block.personal_numbers == ["778996670"]
    assert block.holder == ("JANSEN", ["ANNA", "MARIA"])
    assert not is_mrz_like("IDENTITEITSKAART « CARTE D'IDENTITÉ - PERSONALAUSWEIS")


def test_a_swedish_personnummer_is_also_looked_for_as_printed():
    """YYYYMMDDNNNN in the MRZ's optional data, YYMMDD-NNNN on the card."""
    from piiscan.ocr.engine import OcrLine

    rows = ["I<SWE59000002<8198703142391<<<", "8703145M1701027SWE<<<<<<<<<<<8", "SPECIMEN<<SVEN<<<<<<<<<<<<<<<<"]
    blocks, _used = find_mrz_blocks([OcrLine(row, (10, 300 + 40 * i, 700, 330 + 40 * i), 0.95) for i, row in enumerate(rows)])
    assert blocks[0].valid
    assert blocks[0].personal_numbers == ["198703142391", "8703142391"]
    assert blocks[0].holder == ("SPECIMEN", ["SVEN"])


def test_signature_found_where_ocr_reads_the_holder_signing():
    from piiscan.ocr.engine import OcrLine
    from piiscan.redact.idcard_signature import signed_names

    lines = [OcrLine("ERIKSSON, ANNA MARIA", (10, 10, 300, 40), 0.98),  # the printed field: capitals
             OcrLine("Loes Albertine", (10, 50, 300, 80), 0.98),  # given names printed in mixed case
             OcrLine("Anna Maria Erikson", (10, 200, 320, 250), 0.91),  # the signature, one slip
             OcrLine("Eriksson", (10, 300, 200, 330), 0.9)]  # the surname alone: a field
    boxes = signed_names(lines, set(), "ERIKSSON", ["ANNA", "MARIA"])
    assert len(boxes) == 1
    # a specimen whose surname and given name are one word: one word is not a signature
    assert signed_names([OcrLine("3 Specimen", (10, 10, 300, 40), 0.98)], set(), "SPECIMEN", ["SPECIMEN"]) == []
    x0, y0, x1, y1 = boxes[0]
    assert x0 < 10 and y0 < 200 and x1 > 320 and y1 > 250


def test_a_printed_date_under_a_signature_label_is_not_taken_for_the_signature():
    from piiscan.ocr.engine import OcrLine
    from piiscan.redact.idcard_signature import signature_areas
    from piiscan.redact.idcard_text import overlap

    label = OcrLine("Signature du titulaire", (200, 140, 420, 170), 0.97)
    date = OcrLine("5: 01/01/1999", (205, 180, 360, 210), 0.98)  # the birth date field, printed
    cursive = OcrLine("Anna Maria Eriksson", (205, 180, 430, 215), 0.95)  # a neat signature OCR reads
    other = OcrLine("Sexe: F", (450, 180, 520, 210), 0.9)
    width, height = 700, 950
    (area_date, _how), = signature_areas([label, date, other], set(), [], [], width, height)
    assert overlap(area_date, date.box) == 0  # the date stays readable
    (area_cursive, _how), = signature_areas([label, cursive, other], set(), [], [], width, height)
    assert overlap(area_cursive, cursive.box) == 1.0  # the written name is masked


def test_approximate_match_tolerates_ocr_errors():
    assert approx_find(alnum_index("TUPFWV11")[0], alnum_index("TIJPFWV11")[0], 2)
    assert approx_find(alnum_index("64.03.02-673.50")[0], alnum_index("64030267350")[0], 0)
    assert not approx_find(alnum_index("02.03.1964")[0], alnum_index("64030267350")[0], 2)


def test_views_map_boxes_back_to_the_page():
    doc = make_document("be_eid", seed=1, side="front", variant="scan")
    view = make_view(doc.image, (0, 0) + doc.image.size)
    assert view.angle != 0
    box = view.to_page((0, 0, view.image.width, view.image.height))
    assert box[0] <= 0 and box[1] <= 0 and box[2] >= doc.image.width - 1 and box[3] >= doc.image.height - 1


def test_pixel_check():
    image = Image.new("RGB", (100, 100), (255, 255, 255))
    image.paste((0, 0, 0), (10, 10, 60, 60))
    assert is_black(image, (10, 10, 60, 60)) and not is_black(image, (10, 10, 90, 90))


def test_fallbacks_mask_conservatively_and_ask_for_review():
    """An ID front (keyword, no MRZ) on which no face is found: the left 40% is masked as its
    photo and the lower third as its MRZ, and the copy is flagged for review."""
    from piiscan.ocr.engine import OcrLine
    from piiscan.redact.idcard_locate import ViewText, locate

    page = Image.new("RGB", (1000, 630), (240, 240, 240))
    view = make_view(page, (0, 0, 1000, 630), angle=0.0, scale=1.0)
    lines = [OcrLine("KONINKRIJK DER NEDERLANDEN", (30, 20, 500, 50), 0.95),
             OcrLine("IDENTITEITSKAART", (30, 60, 300, 80), 0.95),
             OcrLine("JANSEN", (340, 120, 480, 150), 0.95)]
    located = locate([ViewText(view, lines, [])])
    assert located.is_id and located.kind == "NL ID card"
    masks = {(r.label, r.how): r.box for r in located.regions}
    assert masks[("PHOTO", "fallback")] == (0, 0, 400, 630)
    assert masks[("MRZ", "fallback")] == (0, 420, 1000, 630)
    assert len(located.review) == 2


def test_exit_codes_follow_the_worst_result():
    from piiscan.redact.idcard import IdResult
    from piiscan.redact.idcard_command import IdSummary

    summary = IdSummary()
    summary.add(IdResult(path="a.jpg", output="out/a.jpg", status="redacted", kind="BE eID"))
    assert summary.exit_code == 0
    summary.add(IdResult(path="b.jpg", output="out/b.jpg", status="review", kind="BE eID", review=["no face found"]))
    assert summary.exit_code == 1 and "b.jpg: no face found" in summary.render()
    summary.add(IdResult(path="c.png", status="not an ID document"))
    assert summary.exit_code == 3 and "c.png: not an ID document" in summary.render()


def test_a_watermark_that_does_not_read_back_is_drawn_stronger(id_detector, monkeypatch):
    """A small, busy image can hide the watermark from OCR: the copy is made again with a
    darker one in another size before giving up."""
    sizes = []
    real = idcard.verify_page

    def first_time_unreadable(image, views, regions, secrets, readers, watermark):
        sizes.append(watermark[1])
        check = real(image, views, regions, secrets, readers, watermark)
        if len(sizes) == 1:
            check.problems.append('the "KOPIE" watermark is not readable')
        return check

    monkeypatch.setattr(idcard, "verify_page", first_time_unreadable)
    doc = make_document("be_eid", seed=5, side="front")
    copy, result = _redact(doc, id_detector)
    assert copy is not None and result.status == "redacted", result.error
    assert len(sizes) == 2 and sizes[1] != sizes[0]
    assert result.pages[0].watermark_size == sizes[1]


def test_a_faded_ghost_image_is_still_found():
    """The ghost image is printed faint; on a light scan only local contrast shows its face."""
    from piiscan.redact.idcard_faces import find_faces
    from piiscan.redact.idcard_text import overlap

    doc = make_document("nl_passport", seed=2)
    image, box = doc.image.copy(), doc.boxes["ghost_photo"]
    ghost = image.crop(box)
    image.paste(Image.blend(ghost, Image.new("RGB", ghost.size, (235, 235, 235)), 0.7), box[:2])
    faces = find_faces(image)
    assert len(faces) == 2
    assert any(f.ghost and overlap(f.box, box) > 0.5 for f in faces)
