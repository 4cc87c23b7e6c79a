"""The synthetic identity documents of tests/fixtures/id_documents.py: valid values, boxes
that follow the geometry, a face where the photo box is, and text that rapidocr reads.

OCR takes about a second per image here, so only four images go through it."""

from __future__ import annotations

import inspect

import pytest
from stdnum.be import eid as be_eid
from stdnum.be import nn as be_nn
from stdnum.nl import bsn as nl_bsn
from stdnum.nl import identiteitskaartnummer as nl_idnr

from piiscan.detect.mrz import check_digit, valid_td1, valid_td3
from piiscan.synth import mrz_name
from tests.fixtures.id_documents import (A4_SIZE, CARD_SIZE, KINDS, PASSPORT_SIZE,
                                         make_document)

SIDES = {"be_eid": ("front", "back", "both"), "nl_id_card": ("front", "back", "both"),
         "nl_passport": ("front",)}
COMBOS = [(k, s, v) for k in KINDS for s in SIDES[k] for v in ("clean", "scan")]
FRONT_REGIONS = {"photo", "name", "given_names", "birth_date", "document_number", "signature"}
BACK_REGIONS = {"mrz", "mrz_1", "mrz_2", "mrz_3"}


def _inside(inner, outer, slack=0) -> bool:
    return (inner[0] >= outer[0] - slack and inner[1] >= outer[1] - slack
            and inner[2] <= outer[2] + slack and inner[3] <= outer[3] + slack)


# --------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("kind", KINDS)
def test_values_have_valid_check_digits(kind, seed):
    t = make_document(kind, seed=seed).truth
    mrz = t["mrz"]
    assert (valid_td3 if kind == "nl_passport" else valid_td1)(mrz), mrz
    assert t["mrz_format"] == ("TD3" if kind == "nl_passport" else "TD1")
    assert mrz[-1 if kind != "nl_passport" else 0].endswith(
        mrz_name(t["surname"], t["given_names"], 30 if kind != "nl_passport" else 39))
    birth = t["birth_date"]
    if kind == "be_eid":
        assert be_eid.is_valid(t["document_number"]) and len(t["document_number"]) == 14
        assert be_nn.is_valid(t["national_number"])
        assert be_nn.get_birth_date(t["national_number"]) == birth
        assert be_nn.get_gender(t["national_number"]) == t["sex"]
        assert mrz[1][18:29] == t["national_number_compact"]  # optional data of line 2
    else:
        assert nl_idnr.is_valid(t["document_number"])
        assert nl_bsn.is_valid(t["national_number_compact"])
        assert t["national_number"].replace(".", "") == t["national_number_compact"]
        if kind == "nl_id_card":
            assert mrz[0][15:24] == t["national_number_compact"]
        else:
            assert mrz[1][28:37] == t["national_number_compact"]
            assert mrz[1][0:9] == t["document_number"]
    birth_field = mrz[1][13:19] if kind == "nl_passport" else mrz[1][0:6]
    assert birth_field == f"{birth:%y%m%d}"


@pytest.mark.parametrize("seed", range(3))
def test_belgian_card_number_overflows_into_optional_data(seed):
    t = make_document("be_eid", seed=seed, side="back").truth
    line1, card = t["mrz"][0], t["document_number_compact"]
    assert line1[:5] == "IDBEL"
    assert line1[5:14] == card[:9] and line1[14] == "<"
    assert line1[15:18] == card[9:] and line1[18] == check_digit(card)
    assert line1[19:] == "<" * 11


def test_same_seed_same_document_other_seed_other_values():
    a = make_document("be_eid", seed=4, side="both", variant="scan")
    b = make_document("be_eid", seed=4, side="both", variant="scan")
    assert a.image.tobytes() == b.image.tobytes() and a.boxes == b.boxes
    c = make_document("be_eid", seed=5, side="both", variant="scan")
    assert c.truth["document_number"] != a.truth["document_number"]
    assert c.truth["surname"] != a.truth["surname"]


def test_bad_arguments():
    with pytest.raises(ValueError):
        make_document("fr_cni")
    with pytest.raises(ValueError):
        make_document("nl_passport", side="back")
    with pytest.raises(ValueError):
        make_document("be_eid", variant="photo")


# --------------------------------------------------------------------------------------------
# Geometry
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind, side, variant", COMBOS)
def test_sizes_and_boxes(kind, side, variant):
    doc = make_document(kind, side=side, variant=variant, seed=1)
    image = doc.image
    assert image.mode == "RGB" and (doc.kind, doc.side, doc.variant) == (kind, side, variant)
    size = PASSPORT_SIZE if kind == "nl_passport" else CARD_SIZE
    if variant == "clean" and side != "both":
        assert image.size == size
    if variant == "scan" and side == "both":
        assert image.size == A4_SIZE and doc.dpi == 200
    if variant == "scan" and side != "both":
        assert size[0] < image.width < size[0] * 1.3 and size[1] < image.height < size[1] * 1.4

    expected = set()
    if side in ("front", "both"):
        expected |= FRONT_REGIONS | {"front"}
    if side in ("back", "both") or kind == "nl_passport":
        expected |= BACK_REGIONS
    if kind == "be_eid" and side != "front":
        expected.add("national_number")
    if kind != "be_eid" and side != "back":
        expected.add("national_number")
    if kind == "nl_passport":
        expected = (expected - {"mrz_3"}) | {"ghost_photo"}
    assert expected <= set(doc.boxes), expected - set(doc.boxes)

    for key, (x0, y0, x1, y1) in doc.boxes.items():
        assert 0 <= x0 < x1 <= image.width and 0 <= y0 < y1 <= image.height, key
    assert set(doc.texts) <= set(doc.boxes)
    if kind == "nl_passport" or side != "back":
        front = doc.boxes["front"]
        for key in ("photo", "signature", "name", "document_number"):
            assert _inside(doc.boxes[key], front), key
    if side in ("back", "both"):
        back = doc.boxes["back"]
        for i in (1, 2, 3):
            assert _inside(doc.boxes[f"mrz_{i}"], doc.boxes["mrz"]) and _inside(doc.boxes["mrz"], back)
            assert doc.texts[f"mrz_{i}"] == doc.truth["mrz"][i - 1]


@pytest.mark.parametrize("kind, side, variant",
                         [c for c in COMBOS if c[1] != "back"])
def test_face_found_inside_photo_box(kind, side, variant):
    cv2 = pytest.importorskip("cv2")
    np = pytest.importorskip("numpy")
    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")
    doc = make_document(kind, side=side, variant=variant, seed=2)
    gray = cv2.cvtColor(np.asarray(doc.image), cv2.COLOR_RGB2GRAY)
    faces = cascade.detectMultiScale(gray, scaleFactor=1.1, minNeighbors=5, minSize=(40, 40))
    photo = doc.boxes["photo"]
    inside = [(x, y, x + w, y + h) for x, y, w, h in faces if _inside((x, y, x + w, y + h), photo, 4)]
    assert inside, (faces, photo)
    # the face fills a good part of the photo, as on a real ID photo
    x0, y0, x1, y1 = inside[0]
    assert (x1 - x0) > 0.4 * (photo[2] - photo[0])
    if kind == "nl_passport":  # the ghost image is a face too: redaction must cover it
        ghost = doc.boxes["ghost_photo"]
        assert any(_inside((x, y, x + w, y + h), ghost, 4) for x, y, w, h in faces)


# --------------------------------------------------------------------------------------------
# OCR (rapidocr)
# --------------------------------------------------------------------------------------------

def _ocr(image):
    pytest.importorskip("rapidocr")
    from piiscan.ocr.engine import ocr_image

    if "engine" in inspect.signature(ocr_image).parameters:
        return ocr_image(image, engine="rapidocr")
    return ocr_image(image)


def _norm(text: str) -> str:
    """Upper case without spaces, '«' as '<<', and O/0 and I/1 folded together."""
    text = text.upper().replace(" ", "").replace("«", "<<").replace("‹", "<")
    return text.replace("O", "0").replace("I", "1")


def _find(lines, value: str):
    """The OCR lines whose text contains ``value`` (normalised)."""
    return [line for line in lines if _norm(value) in _norm(line.text)]


def _raw_diff(a: str, b: str) -> int:
    return sum(x != y for x, y in zip(a, b)) + abs(len(a) - len(b))


@pytest.mark.parametrize("kind, side", [("be_eid", "back"), ("nl_passport", "front")])
def test_ocr_reads_mrz_and_numbers_of_clean_documents(kind, side):
    doc = make_document(kind, side=side, seed=0)
    lines = _ocr(doc.image)
    for i, expected in enumerate(doc.truth["mrz"], 1):
        hits = [line for line in lines if _norm(line.text) == _norm(expected)]
        assert hits, (expected, [line.text for line in lines])
        raw = hits[0].text.replace(" ", "")
        assert _raw_diff(raw, expected) <= 2, (raw, expected)  # at most a couple of O/0, I/1
    for key in ("national_number", "document_number"):
        if key in doc.texts:
            assert _find(lines, doc.texts[key]), (key, doc.texts[key], [line.text for line in lines])


def _overlap(a, b) -> float:
    """Intersection over the smaller area."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return w * h / smaller


@pytest.mark.parametrize("kind, side", [("nl_id_card", "front"), ("be_eid", "both")])
def test_ocr_text_lies_in_the_boxes_of_scans(kind, side):
    doc = make_document(kind, side=side, variant="scan", seed=1)
    lines = _ocr(doc.image)
    keys = ["name", "document_number", "birth_date"]
    keys += ["national_number", "mrz_1", "mrz_2", "mrz_3"] if side == "both" else ["national_number"]
    for key in keys:
        hits = _find(lines, doc.texts[key])
        assert hits, (key, doc.texts[key], [line.text for line in lines])
        box = doc.boxes[key]
        best = max(hits, key=lambda line: _overlap(line.box, box))
        cx, cy = (best.box[0] + best.box[2]) / 2, (best.box[1] + best.box[3]) / 2
        assert _overlap(best.box, box) > 0.6, (key, best.box, box)
        if best.text.replace(" ", "") == doc.texts[key].replace(" ", ""):  # not merged with a neighbour
            assert box[0] <= cx <= box[2] and box[1] <= cy <= box[3], (key, best.box, box)
