"""Reading machine-readable zones out of OCR text: the usual OCR mistakes are forgiven, but a
reading counts only when every check digit holds."""

from __future__ import annotations

import datetime
import random

from piiscan import synth
from piiscan.ocr.mrz_read import clean, find_mrz, repair_lines

_rng = random.Random(11)
BE_TD1 = synth.mrz_td1(_rng, "Peeters", "Jan Karel", birth=datetime.date(1982, 12, 10), country="BEL")
NL_TD3 = synth.mrz_td3(_rng, "de Vries", "Anna", birth=datetime.date(1983, 4, 4), country="NLD")
NL_TD1 = synth.mrz_td1(_rng, "Jansen", "Piet", country="NLD", optional="123456782")
TD2 = synth.mrz_td2(_rng, "Dubois", "Marie", country="FRA")


def test_clean_reads_fillers_and_drops_spaces_and_accents():
    assert clean("P<NLD DE«VRIES  ‹‹ANNA") == "P<NLDDE<<VRIES<<ANNA"
    assert clean("PEÉTERS") == "PEETERS"


def test_exact_lines_are_read_with_their_format():
    reads = find_mrz(["Achterkant", *BE_TD1, "", *NL_TD3])
    assert [(r.first, r.format, list(r.lines)) for r in reads] == [(1, "TD1", BE_TD1), (5, "TD3", NL_TD3)]
    assert reads[0].document_code == "ID" and reads[0].issuing_state == "BEL"


def test_belgian_card_number_overflow_gives_the_whole_number():
    read = find_mrz(BE_TD1)[0]
    assert BE_TD1[0][14] == "<"  # the overflow: no check digit in its place
    assert len(read.document_number) == 12 and read.document_number.isdigit()
    assert read.document_number.startswith(BE_TD1[0][5:14])


def _o_for_zero(line: str) -> str:
    return line.replace("0", "O")


def test_letter_o_in_numeric_fields_is_read_as_zero():
    ocr = [BE_TD1[0], _o_for_zero(BE_TD1[1]), BE_TD1[2]]
    assert ocr != BE_TD1
    assert [list(r.lines) for r in find_mrz(ocr)] == [BE_TD1]


def test_spaces_guillemets_and_lost_trailing_fillers():
    line1, line2 = NL_TD3
    ocr = [line1.rstrip("<").replace("<<", "«") + "<<", " ".join([line2[:10], line2[10:30], line2[30:]])]
    assert [list(r.lines) for r in find_mrz(ocr)] == [NL_TD3]


def test_digits_in_names_and_o_in_a_document_number():
    td3 = synth.mrz_td3(_rng, "Jansen", "Piet", country="NLD", doc_number="XR0C4P201")
    ocr = [td3[0].replace("S", "5"), td3[1].replace("0", "O")]
    assert [list(r.lines) for r in find_mrz(ocr)] == [td3]
    assert find_mrz(ocr)[0].document_number == "XR0C4P201"


def test_td2():
    assert [r.format for r in find_mrz(TD2)] == ["TD2"]


def test_a_wrong_digit_is_not_repaired_into_a_reading():
    line2 = BE_TD1[1]
    wrong = line2[:3] + str((int(line2[3]) + 1) % 10) + line2[4:]  # birth date off by one digit
    assert find_mrz([BE_TD1[0], wrong, BE_TD1[2]]) == []
    assert repair_lines([BE_TD1[0], wrong, BE_TD1[2]]) == [BE_TD1[0], wrong, BE_TD1[2]]


def test_lines_that_only_look_like_an_mrz_are_left_alone():
    text = ["REF<<2024<<0001<<<<<<<<<<<<<<<", "ORDER<<<<<<<<<<<<<<<<<<<<<<<<<", "<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<"]
    assert find_mrz(text) == []


def test_repair_lines_puts_the_valid_reading_in_place():
    ocr = ["Geboorteplaats: Antwerpen", BE_TD1[0].replace("<", " <", 1), _o_for_zero(BE_TD1[1]), BE_TD1[2]]
    assert repair_lines(ocr) == ["Geboorteplaats: Antwerpen", *BE_TD1]
