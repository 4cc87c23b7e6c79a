import pytest

from piiscan.extract import extract
from piiscan.extract.tabular import column_letters, extract_csv, looks_like_header, sniff_delimiter
from piiscan.model import ExtractionError, Location


def by_cell(segments):
    return {s.location.cell: s for s in segments}


def test_semicolon_export_with_header_context_and_cell_addresses(write_bytes):
    data = (
        "Naam;Rijksregisternummer;Bedrag;E-mail\r\n"
        "Jan Peeters;85.07.30-033.28;12,50;jan.peeters@voorbeeld.be\r\n"
        "Marie Dubois;;7,00;marie.dubois@voorbeeld.be\r\n"
    )
    segments = list(extract(write_bytes("export.csv", data.encode("utf-8-sig"))))
    cells = by_cell(segments)
    assert set(cells) == {"A1", "B1", "C1", "D1", "A2", "B2", "C2", "D2", "A3", "C3", "D3"}
    assert cells["A1"].text == "Naam" and cells["A1"].context == ""
    assert cells["B2"].text == "85.07.30-033.28"
    assert cells["B2"].context == "Rijksregisternummer"
    assert cells["B2"].location == Location(line=2, cell="B2")
    assert cells["C3"].text == "7,00" and cells["C3"].context == "Bedrag"
    assert cells["D3"].location.line == 3


def test_first_row_of_data_is_not_a_header(write_bytes):
    data = "Jan Peeters,jan.peeters@voorbeeld.be\nMarie Dubois,marie.dubois@voorbeeld.be\n"
    segments = list(extract_csv(write_bytes("lijst.csv", data.encode())))
    assert [s.context for s in segments] == ["", "", "", ""]
    assert [s.location.cell for s in segments] == ["A1", "B1", "A2", "B2"]


def test_multiline_field_keeps_physical_line_and_record_row(write_bytes):
    data = 'Naam,Opmerking,Postcode\nAnnelies Smet,"woont op\nKerkstraat 3",9000\nTom Jacobs,geen,2000\n'
    cells = by_cell(extract_csv(write_bytes("notities.csv", data.encode())))
    assert cells["B2"].text == "woont op\nKerkstraat 3"
    assert cells["B2"].location == Location(line=2, cell="B2")
    assert cells["A3"].location == Location(line=4, cell="A3")  # record 3 starts on line 4
    assert cells["C3"].context == "Postcode"


def test_blank_lines_count_as_rows_like_excel(write_bytes):
    data = "Naam\n\nLies Wouters\n"
    cells = by_cell(extract_csv(write_bytes("gaten.csv", data.encode())))
    assert cells["A3"].text == "Lies Wouters"
    assert cells["A3"].location.line == 3
    assert cells["A3"].context == "Naam"


def test_tsv_cp1252(write_bytes):
    data = "Nom\tVille\r\nFrançoise Lambert\tLiège\r\n".encode("cp1252")
    cells = by_cell(extract(write_bytes("clients.TSV", data)))
    assert cells["A2"].text == "Françoise Lambert"
    assert cells["B2"].text == "Liège" and cells["B2"].context == "Ville"


def test_binary_csv_is_binary(write_bytes):
    with pytest.raises(ExtractionError) as err:
        list(extract(write_bytes("data.csv", b"PK\x03\x04\x00\x00binary")))
    assert err.value.kind == "binary"


def test_sniff_delimiter():
    assert sniff_delimiter("a;b;c\n1;2,5;3\n", ",") == ";"
    assert sniff_delimiter("a,b,c\n1,2,3\n", ",") == ","
    assert sniff_delimiter("a\tb\n1\t2\n", "\t") == "\t"
    assert sniff_delimiter("alleen een kolom\n", ",") == ","


def test_column_letters():
    assert [column_letters(n) for n in (1, 2, 26, 27, 52, 703)] == ["A", "B", "Z", "AA", "AZ", "AAA"]


def test_looks_like_header():
    assert looks_like_header(["Naam", "BSN", "Geboortedatum", ""])
    assert looks_like_header(["Omzet 2023", "Adres 2"])
    assert not looks_like_header(["Naam", "123456782"])
    assert not looks_like_header(["Jan", "jan@voorbeeld.nl"])
    assert not looks_like_header(["Rekening", "NL91ABNA0417164300"])
    assert not looks_like_header(["Naam", 42])
    assert not looks_like_header(["", None])
