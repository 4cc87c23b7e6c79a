import datetime as dt

import openpyxl
import pytest

from piiscan.extract import extract
from piiscan.extract.docx import OLE_MAGIC
from piiscan.extract.xlsx import extract_xlsx, render
from piiscan.model import ExtractionError, Location


def build_workbook(path):
    workbook = openpyxl.Workbook()
    clients = workbook.active
    clients.title = "Klanten"
    clients.append(["Naam", "BSN", "Geboortedatum", "Saldo", "E-mail"])
    clients.append(["Daan Visser", 123456782, dt.datetime(1985, 2, 3), 1250.75, "daan.visser@voorbeeld.nl"])
    clients.append(["Eva Smits", 111222333.0, dt.date(1990, 12, 31), 0, None])
    clients["B4"] = 12345672
    clients["B4"].number_format = "000000000"
    clients["A4"] = "Ruud Mol"

    staff = workbook.create_sheet("Personeel 2024")
    staff["B3"] = "Rijksregisternummer"
    staff["C3"] = "Bediende"
    staff["B4"] = "85.07.30-033.28"
    staff["C4"] = "Hanne Wuyts"
    staff["A6"] = "=1+1"  # a formula never calculated: no cached value, nothing to read
    workbook.save(path)
    return path


@pytest.fixture
def cells(tmp_path, blob_from_path):
    segments = list(extract(blob_from_path(build_workbook(tmp_path / "klanten.xlsx"))))
    return {(s.location.sheet, s.location.cell): s for s in segments}


def test_numbers_render_like_identifiers(cells):
    assert cells["Klanten", "B2"].text == "123456782"
    assert cells["Klanten", "B3"].text == "111222333"
    assert cells["Klanten", "B4"].text == "012345672"  # zero-padded number format
    assert cells["Klanten", "D2"].text == "1250.75"
    assert cells["Klanten", "D3"].text == "0"


def test_dates_are_iso(cells):
    assert cells["Klanten", "C2"].text == "1985-02-03"
    assert cells["Klanten", "C3"].text == "1990-12-31"


def test_locations_and_header_context(cells):
    bsn = cells["Klanten", "B2"]
    assert bsn.location == Location(sheet="Klanten", cell="B2", line=2)
    assert bsn.context == "BSN"
    assert cells["Klanten", "E2"].context == "E-mail"
    assert cells["Klanten", "A1"].context == ""
    assert ("Klanten", "E3") not in cells


def test_second_sheet_header_below_blank_rows(cells):
    rrn = cells["Personeel 2024", "B4"]
    assert rrn.text == "85.07.30-033.28"
    assert rrn.context == "Rijksregisternummer"
    assert rrn.location == Location(sheet="Personeel 2024", cell="B4", line=4)
    assert cells["Personeel 2024", "C4"].context == "Bediende"
    assert ("Personeel 2024", "A6") not in cells


def test_data_in_first_row_gives_no_context(tmp_path, blob_from_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["Sem de Boer", 123456782])
    workbook.active.append(["Lisa Bakker", 987654321])
    workbook.save(tmp_path / "zonder_kop.xlsm")
    segments = list(extract(blob_from_path(tmp_path / "zonder_kop.xlsm")))
    assert [(s.location.cell, s.text, s.context) for s in segments] == [
        ("A1", "Sem de Boer", ""), ("B1", "123456782", ""), ("A2", "Lisa Bakker", ""), ("B2", "987654321", ""),
    ]


def test_render():
    assert render(123456782.0) == "123456782"
    assert render(-5.0) == "-5"
    assert render(0.1) == "0.1"
    assert render(True) == "TRUE"
    assert render(dt.datetime(2024, 5, 6, 14, 30)) == "2024-05-06 14:30:00"
    assert render(dt.time(8, 15)) == "08:15:00"
    assert render(42, "000000") == "000042"
    assert render(42, "0.00") == "42"


def test_password_protected_xlsx_is_encrypted(write_bytes):
    data = OLE_MAGIC + b"\x00" * 2040 + "EncryptionInfo".encode("utf-16-le")
    with pytest.raises(ExtractionError) as err:
        list(extract(write_bytes("salarissen.xlsx", data)))
    assert err.value.kind == "encrypted"


def test_not_a_zip_is_corrupt(write_bytes):
    with pytest.raises(ExtractionError) as err:
        list(extract(write_bytes("kapot.xlsx", b"Naam;BSN\nJan;123456782\n")))
    assert err.value.kind == "corrupt"
    assert err.value.message.startswith("openpyxl: ")


def test_truncated_xlsx_is_corrupt(tmp_path, write_bytes):
    data = build_workbook(tmp_path / "heel.xlsx").read_bytes()
    with pytest.raises(ExtractionError) as err:
        list(extract(write_bytes("half.xlsx", data[: len(data) // 2])))
    assert err.value.kind == "corrupt"


def test_workbook_stream_is_closed(tmp_path, blob_from_path):
    opened = []
    blob = blob_from_path(build_workbook(tmp_path / "k.xlsx"))

    def tracking_open():
        stream = blob.open()
        opened.append(stream)
        return stream

    list(extract_xlsx(type(blob)(blob.path, blob.size, tracking_open)))
    assert opened and all(stream.closed for stream in opened)


def test_wrong_dimension_does_not_hide_cells(tmp_path, blob_from_path):
    import re
    import zipfile

    path = build_workbook(tmp_path / "export.xlsx")
    with zipfile.ZipFile(path) as zin:
        members = {name: zin.read(name) for name in zin.namelist()}
    for name in members:
        if name.startswith("xl/worksheets/sheet"):
            members[name] = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>', members[name])
    with zipfile.ZipFile(path, "w") as zout:
        for name, data in members.items():
            zout.writestr(name, data)
    cells = {(s.location.sheet, s.location.cell): s.text for s in extract(blob_from_path(path))}
    assert cells["Klanten", "B2"] == "123456782"
    assert cells["Personeel 2024", "C4"] == "Hanne Wuyts"
