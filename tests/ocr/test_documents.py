"""OCR end to end: MRZ images become ID_DOCUMENT findings, scanned PDF pages are read."""

from __future__ import annotations

import datetime
import io
import random

import pytest
from PIL import Image

from piiscan import synth
from piiscan.detect.engine import Detector
from piiscan.extract import extract
from piiscan.model import ErrorRecord, Location, Segment
from piiscan.ocr.page import page_text

from tests.ocr.conftest import encode, memory_blob, text_image

_rng = random.Random(33)
BE_TD1 = synth.mrz_td1(_rng, "Peeters", "Jan", birth=datetime.date(1985, 7, 30), country="BEL")
NL_TD3 = synth.mrz_td3(_rng, "de Vries", "Anna", country="NLD")
IBAN = synth.iban(_rng, "NL")


@pytest.fixture(scope="module")
def detector():
    return Detector()


def _ocr_findings(detector, name: str, image: Image.Image):
    segments = list(extract(memory_blob(name, encode(image, "PNG"))))
    return segments, detector.findings(name, segments)


def test_belgian_eid_mrz_with_card_number_overflow(detector):
    assert BE_TD1[0][14] == "<"  # the overflow
    image = text_image(["Achterzijde identiteitskaart", *BE_TD1], size=30, mono=True)
    segments, findings = _ocr_findings(detector, "eid_achterkant.png", image)
    copies = [f for f in findings if f.entity_type == "ID_DOCUMENT"]
    assert [(f.recognizer, f.location) for f in copies] == [("id_document_copy:BE eID", Location(page=1, part="ocr", line=1))]
    assert [f.value for f in findings if f.entity_type == "MRZ"] == ["\n".join(BE_TD1)]
    # The same image read again gives the same text: OCR is deterministic.
    assert page_text(image) == segments[0].text


def test_dutch_passport_mrz(detector):
    image = text_image(NL_TD3, size=26, mono=True)
    _, findings = _ocr_findings(detector, "paspoort.png", image)
    assert [f.recognizer for f in findings if f.entity_type == "ID_DOCUMENT"] == ["id_document_copy:NL passport"]


def test_both_sides_of_an_eid_photocopied_on_a4(detector):
    from tests.fixtures.id_documents import make_document

    doc = make_document("be_eid", side="both", variant="scan", seed=2)
    _, findings = _ocr_findings(detector, "kopie_eid.jpg", doc.image)
    types = {f.entity_type: f for f in findings}
    assert types["ID_DOCUMENT"].recognizer == "id_document_copy:BE eID"
    assert types["BE_NATIONAL_NUMBER"].canonical == doc.truth["national_number_compact"]
    assert types["MRZ"].value == "\n".join(doc.truth["mrz"])


def _pdf_with_a_scanned_page(image: Image.Image) -> bytes:
    """Page 1 has a text layer; page 2 is only an image (a scan), 300 x 150 pt."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(300, 150))
    pdf.drawString(20, 100, "Begeleidende brief: zie de scan hierna.")
    pdf.showPage()
    pdf.drawImage(ImageReader(image), 0, 0, width=300, height=150)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def test_scanned_pdf_page_is_ocrd_and_text_pages_stay_as_they_are(detector):
    scan = text_image(["Terugbetaling op rekening", f"IBAN {IBAN}"], size=34, width=900)
    data = _pdf_with_a_scanned_page(scan.resize((900, 450)))
    segments = list(extract(memory_blob("brief_met_scan.pdf", data)))
    pages = [(s.location, s.text) for s in segments if s.location.page]
    assert pages[0] == (Location(page=1), "Begeleidende brief: zie de scan hierna.")
    assert [loc for loc, _ in pages[1:]] == [Location(page=2, part="ocr")]
    [iban] = [f for f in detector.findings("brief_met_scan.pdf", segments) if f.entity_type == "IBAN_CODE"]
    assert iban.canonical == IBAN.replace(" ", "") and iban.location.page == 2


def test_scanned_pages_stop_at_the_budget(monkeypatch):
    from piiscan.ocr import page

    monkeypatch.setattr(page, "page_text", lambda image, engine=None: "OCR")
    monkeypatch.setattr(page, "MAX_OCR_PAGES", 1)
    blank = Image.new("L", (60, 30), 200)
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(60, 30))
    for _ in range(3):
        pdf.drawImage(ImageReader(blank), 0, 0, width=60, height=30)
        pdf.showPage()
    pdf.save()
    items = list(extract(memory_blob("drie_scans.pdf", buffer.getvalue())))
    assert [(i.location.page, i.text) for i in items if isinstance(i, Segment) and i.location.page] == [(1, "OCR")]
    [error] = [i for i in items if isinstance(i, ErrorRecord)]
    assert error.kind == "too_large" and "2, 3" in error.message
