"""ID_DOCUMENT: an OCR'd page that is a copy of an identity document, with its kind."""

from __future__ import annotations

import datetime
import random

import pytest

from piiscan import synth
from piiscan.detect.engine import Detector
from piiscan.model import Location, Segment

_rng = random.Random(21)
BE_TD1 = synth.mrz_td1(_rng, "Peeters", "Jan", birth=datetime.date(1985, 7, 30), country="BEL")
NL_TD1 = synth.mrz_td1(_rng, "Jansen", "Piet", country="NLD")
NL_TD3 = synth.mrz_td3(_rng, "de Vries", "Anna", country="NLD")
BE_TD3 = synth.mrz_td3(_rng, "Dubois", "Marie", country="BEL")
UTO_TD3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]
UTO_TD2 = ["I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6"]

OCR = Location(page=1, part="ocr")


@pytest.fixture(scope="module")
def detector():
    return Detector()


def copies(detector, text: str, location: Location = OCR):
    return [f for f in detector.findings("scan.png", [Segment(text, location)]) if f.entity_type == "ID_DOCUMENT"]


@pytest.mark.parametrize(
    "mrz, kind",
    [(BE_TD1, "BE eID"), (NL_TD1, "NL ID card"), (NL_TD3, "NL passport"), (BE_TD3, "BE passport"),
     (UTO_TD3, "ICAO TD3"), (UTO_TD2, "ICAO TD2")],
)
def test_kind_from_a_valid_mrz(detector, mrz, kind):
    found = copies(detector, "Handtekening\n" + "\n".join(mrz))
    assert [(f.recognizer, f.score) for f in found] == [(f"id_document_copy:{kind}", 0.99)]
    # About the page, not a piece of it: an empty value at the page's start, so the MRZ
    # itself is still reported as an MRZ.
    assert (found[0].start, found[0].end, found[0].value, found[0].location.page) == (0, 0, "", 1)
    assert found[0].canonical.startswith(kind)
    types = {f.entity_type for f in detector.findings("scan.png", [Segment("Handtekening\n" + "\n".join(mrz), OCR)])}
    assert "MRZ" in types


def test_belgian_overflow_card_number_is_in_the_canonical_value(detector):
    [found] = copies(detector, "\n".join(BE_TD1))
    assert found.canonical.split()[-1] == BE_TD1[0][5:14] + BE_TD1[0][15:18]


def test_ocr_mistakes_in_the_mrz_are_forgiven(detector):
    ocr = [BE_TD1[0].replace("<", " <", 2), BE_TD1[1].replace("0", "O"), BE_TD1[2].replace("<<", "«")]
    assert [f.recognizer for f in copies(detector, "\n".join(ocr))] == ["id_document_copy:BE eID"]


def test_an_mrz_with_a_wrong_check_digit_is_no_evidence(detector):
    line2 = NL_TD3[1][:-1] + str((int(NL_TD3[1][-1]) + 1) % 10)
    assert copies(detector, "\n".join([NL_TD3[0], line2])) == []


def test_two_documents_on_one_page(detector):
    text = "\n".join([*BE_TD1, "", "Kopie paspoort", *NL_TD3])
    assert sorted(f.recognizer for f in copies(detector, text)) == ["id_document_copy:BE eID", "id_document_copy:NL passport"]


BE_FRONT = """BELGIË BELGIQUE BELGIEN BELGIUM
IDENTITEITSKAART CARTE D'IDENTITE PERSONALAUSWEIS IDENTITY CARD
Naam / Nom / Name
PEETERS
Voornamen / Prénoms / Vornamen / Given names
JAN
Geslacht / Sexe / Sex Nationaliteit / Nationality
M BEL
Geboortedatum / Date de naissance / Date of birth
30.07.1985
Geldig tot / Valable jusqu'au / Expiry
04.12.2030"""

NL_PASSPORT_PAGE = """KONINKRIJK DER NEDERLANDEN KINGDOM OF THE NETHERLANDS
PASPOORT PASSPORT PASSEPORT
Naam / Surname
DE VRIES
Voornamen / Given names
ANNA
Nationaliteit / Nationality
Nederlandse
Geboortedatum / Date of birth
04 APR/APR 1983"""


@pytest.mark.parametrize("text, kind", [(BE_FRONT, "BE eID"), (NL_PASSPORT_PAGE, "NL passport"), (BE_FRONT.replace("BELGIË BELGIQUE BELGIEN BELGIUM", "REPUBLIC OF UTOPIA"), "ID document")])
def test_kind_from_keywords(detector, text, kind):
    assert [(f.recognizer, f.score) for f in copies(detector, text)] == [(f"id_document_copy:{kind}", 0.8)]


def test_accents_lost_by_ocr_still_match(detector):
    assert [f.recognizer for f in copies(detector, BE_FRONT.replace("Ë", "E").replace("é", "e"))] == ["id_document_copy:BE eID"]


LETTER = """Geachte heer Peeters,
Hierbij vragen wij u een kopie van uw paspoort of identiteitskaart te bezorgen,
zodat wij uw inzageverzoek kunnen behandelen. Uw naam en geboortedatum volstaan niet.
Met vriendelijke groeten,
De privacydienst, België"""


def test_a_letter_about_an_id_card_is_not_an_id_copy(detector):
    assert copies(detector, LETTER) == []


def test_a_page_without_mrz_or_keywords_is_not_an_id_copy(detector):
    assert copies(detector, "Factuur 2024-0118\nIBAN BE68 5390 0754 7034\nTotaal 120,00 EUR") == []


def test_a_long_page_is_not_an_id_copy_by_keywords(detector):
    assert copies(detector, BE_FRONT + "\n" + "Algemene voorwaarden. " * 150) == []


def test_only_ocr_text_counts(detector):
    # A text file that quotes an MRZ (a transcription, sample_data/en/id_card_copies.txt) is
    # reported as MRZ, not as an ID copy.
    text = "Machine-readable zone:\n" + "\n".join(BE_TD1)
    assert copies(detector, text, Location()) == []
    assert copies(detector, text, Location(page=2)) == []
    assert copies(detector, BE_FRONT, Location(page=1)) == []
