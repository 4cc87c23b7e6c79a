import codecs

import pytest

from piiscan.extract import extract
from piiscan.extract.text import CHUNK_SIZE, MAX_CARRY, SAMPLE_SIZE, detect_encoding, extract_text
from piiscan.model import ExtractionError, Location


def test_utf8_text_is_one_segment_starting_on_line_1(write_bytes):
    blob = write_bytes("notitie.txt", "Klant: Sanne de Wit\nIBAN: NL91ABNA0417164300\n".encode())
    segments = list(extract_text(blob))
    assert [(s.text, s.location) for s in segments] == [
        ("Klant: Sanne de Wit\nIBAN: NL91ABNA0417164300\n", Location(line=1))
    ]


def test_cp1252_french_accents_decode(write_bytes):
    text = "Dossier de François Dupré, né à Liège le 3 février 1985.\nRemarque: élève très motivé, déjà inscrit.\n"
    blob = write_bytes("dossier.txt", text.encode("cp1252"))
    assert "".join(s.text for s in extract_text(blob)) == text


def test_cp1252_dutch_and_euro_sign(write_bytes):
    text = "Naam: Zoë Vriënds, Ieper\nBedrag: € 120,50 – betaald\n"
    blob = write_bytes("betaling.txt", text.encode("cp1252"))
    assert "".join(s.text for s in extract_text(blob)) == text


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig"])
def test_bom_encodings_decode_and_keep_crlf(write_bytes, codec):
    text = "Naam: Lotte Claes\r\nRijksregisternummer: 85.07.30-033.28\r\n"
    data = text.encode(codec)
    if codec == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    blob = write_bytes("export.txt", data)
    segments = list(extract_text(blob))
    assert "".join(s.text[s.overlap:] for s in segments) == text
    assert segments[0].location.line == 1


def test_nul_bytes_without_bom_are_binary(write_bytes):
    blob = write_bytes("programma.log", b"MZ\x90\x00\x03\x00\x00\x00 not text at all")
    with pytest.raises(ExtractionError) as err:
        list(extract_text(blob))
    assert err.value.kind == "binary"
    with pytest.raises(ExtractionError) as err:
        list(extract(blob))
    assert err.value.kind == "binary"


def test_nul_after_probe_window_is_not_binary(write_bytes):
    data = b"a" * 9000 + b"\x00" + b"\nJan\n"
    assert "Jan" in "".join(s.text for s in extract_text(write_bytes("x.txt", data)))


def test_large_log_chunks_on_line_boundaries_with_correct_line_numbers(write_bytes):
    lines = [f"2024-03-01T10:00:00 line={i} user=gebruiker{i}@voorbeeld.be ok\r\n" for i in range(1, 60001)]
    original = "".join(lines)
    assert len(original) > 3 * CHUNK_SIZE
    segments = list(extract_text(write_bytes("app.log", original.encode())))
    assert len(segments) >= 3
    # Without the repeated lines at each cut, the pieces are the file, in order.
    assert "".join(s.text[s.overlap:] for s in segments) == original
    assert segments[0].overlap == 0 and all(0 < s.overlap <= 300 for s in segments[1:])
    line = 1
    for segment in segments:
        new_text = segment.text[segment.overlap:]
        assert segment.location.line + segment.text[:segment.overlap].count("\n") == line
        assert segment.text.startswith(f"2024-03-01T10:00:00 line={segment.location.line} ")
        assert new_text.startswith(f"2024-03-01T10:00:00 line={line} ")
        assert segment.text.endswith("\r\n")
        line += new_text.count("\n")


def test_multibyte_characters_across_sample_and_chunk_boundaries(write_bytes):
    # "é" is two bytes in UTF-8; put one across the sample boundary and one across a read boundary.
    text = "x" * (SAMPLE_SIZE - 1) + "é\n" + "y" * (CHUNK_SIZE - 3) + "é\nAnneke Jansen\n"
    segments = list(extract_text(write_bytes("grens.txt", text.encode())))
    assert "".join(s.text[s.overlap:] for s in segments) == text
    assert "\ufffd" not in "".join(s.text for s in segments)


def test_line_without_newline_is_cut_to_bound_memory(write_bytes):
    text = "a" * (MAX_CARRY + CHUNK_SIZE)
    segments = list(extract_text(write_bytes("een_regel.txt", text.encode())))
    assert len(segments) == 2
    assert all(s.location.line == 1 for s in segments)
    assert max(len(s.text) for s in segments) <= MAX_CARRY + CHUNK_SIZE
    assert "".join(s.text[s.overlap:] for s in segments) == text


def test_utf8_file_with_later_cp1252_line_keeps_accents(write_bytes):
    data = ("Eerste regel zonder accenten\n" * 3000).encode() + "Opmerking van Hélène\n".encode("cp1252")
    assert len(data) > SAMPLE_SIZE
    text = "".join(s.text for s in extract_text(write_bytes("gemengd.log", data)))
    assert text.endswith("Opmerking van Hélène\n")


def test_detect_encoding_order():
    assert detect_encoding(codecs.BOM_UTF32_LE + "a".encode("utf-32-le"))[0] == "utf-32"
    assert detect_encoding(codecs.BOM_UTF16_LE + "a".encode("utf-16-le"))[0] == "utf-16"
    assert detect_encoding("Brussel".encode())[0] == "utf-8"
    assert detect_encoding("Liège à Mons".encode("cp1252"))[0] == "cp1252"
    assert detect_encoding("Liège".encode("cp1252"), hint="iso-8859-15")[0] == "iso8859-15"


def test_cyrillic_legacy_encoding_left_to_charset_normalizer(write_bytes):
    text = "Клиент: Иван Петров, проживает в Антверпене. Телефон записан в карточке.\n" * 5
    blob = write_bytes("klant.txt", text.encode("cp1251"))
    assert "".join(s.text for s in extract_text(blob)) == text


def test_empty_file_yields_nothing(write_bytes):
    assert list(extract_text(write_bytes("leeg.txt", b""))) == []
