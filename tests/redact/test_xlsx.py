"""Excel copies: every value the scan finds is gone from every part, the workbook's shape stays.

The workbook is built here with openpyxl, with synthetic people and identifiers; the copy is
read back with zipfile/ElementTree (raw_texts), with the scan's extractor and with openpyxl.
"""

import datetime as dt
import io
import random
import re
import zipfile
from collections import Counter

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.drawing.image import Image as SheetImage
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from PIL import Image

from piiscan import synth
from piiscan.extract import extract
from piiscan.model import Location
from piiscan.redact.formats import format_module
from piiscan.redact.formats import xlsx as xlsx_redactor
from piiscan.sources.blob import memory_blob

RNG = random.Random(31)
PEOPLE = [synth.person(RNG, "nl_NL") for _ in range(12)]
BSNS = [int(synth.nl_bsn(RNG)) for _ in range(12)]
PHONES = [synth.phone_nl(RNG) for _ in range(12)]
IBANS = [synth.iban(RNG, "NL") for _ in range(12)]
EMAILS = [synth.email(RNG, first, last, locale="nl_NL") for first, last in PEOPLE]
BIRTHS = [synth.birth_date(RNG) for _ in range(12)]
CITIES = ["Utrecht", "Gouda", "Delft", "Zwolle"]
CLIENT = ("Sophie", "Peeters")
SHEET = f"Dossier {' '.join(CLIENT)}"
MANAGER = ("Ilse", "Goossens")
EDITOR = "Verbruggen"  # a family name alone: found only as a name field
HOTLINE = synth.phone_nl(RNG)
CONTACT_EMAIL = synth.email(RNG, "Tom", "Claes", locale="nl_NL")
HEADER = ["Naam", "Voornaam", "BSN", "Telefoon", "IBAN", "E-mail", "Geboortedatum", "Saldo", "Plaats", "Opmerking"]
REMARKS = [
    "Klant heeft de nieuwe voorwaarden ontvangen en ondertekend teruggestuurd.",
    "Betaling van de laatste factuur is vertraagd door een wijziging van bank.",
    "Vraagt om papieren facturen in plaats van elektronische facturen.",
    "Gesprek over de verlenging van het contract staat gepland in het voorjaar.",
]
NOTE = ("Dit overzicht wordt elke maand bijgewerkt door de afdeling klantenbeheer en mag niet "
        "buiten de organisatie worden gedeeld zonder toestemming van de verantwoordelijke.")


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "PNG")
    return out.getvalue()


def build_workbook() -> openpyxl.Workbook:
    workbook = openpyxl.Workbook()
    props = workbook.properties
    props.creator, props.lastModifiedBy, props.title = " ".join(MANAGER), EDITOR, "Klantenlijst 2024"

    clients = workbook.active
    clients.title = "Klanten"
    clients.append(HEADER)
    rows = zip(PEOPLE, BSNS, PHONES, IBANS, EMAILS, BIRTHS)
    for i, ((first, last), bsn, phone, iban, email, born) in enumerate(rows):
        clients.append([f"{first} {last}", first, bsn, phone, iban, email, dt.datetime.combine(born, dt.time()),
                        round(RNG.uniform(-500, 5000), 2), CITIES[i % 4], REMARKS[i % 4]])
    clients["C4"].number_format = "000000000"
    clients["H14"] = "=SUM(H2:H13)"
    for cell in clients[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEEFF")
    for column, width in zip("ABCDEFGHIJ", (24, 14, 12, 16, 24, 32, 14, 10, 12, 60)):
        clients.column_dimensions[column].width = width
    clients.freeze_panes = "B2"
    clients["F2"].hyperlink = f"mailto:{EMAILS[0]}"
    clients["F3"].comment = Comment(f"Nieuw adres doorgegeven door {' '.join(CLIENT)}", " ".join(MANAGER))
    clients.oddHeader.center.text = f"Klantenlijst – beheer {' '.join(MANAGER)}"
    clients.oddFooter.left.text = "Vertrouwelijk"
    validation = DataValidation(type="list", formula1=f'"{" ".join(MANAGER)},Tom Claes"')
    clients.add_data_validation(validation)
    validation.add("K2:K13")

    dossier = workbook.create_sheet(SHEET)
    dossier.append(["Gegeven", "Waarde"])
    dossier.append(["Rekening gezamenlijk", IBANS[0]])  # the same IBAN as Klanten!E2
    dossier.append(["Telefoon", PHONES[1]])

    summary = workbook.create_sheet("Overzicht")
    summary["A1"] = "Overzicht klantenbestand"
    summary["A1"].font = Font(bold=True, size=14)
    summary.merge_cells("A3:F5")
    summary["A3"] = NOTE
    summary["A7"], summary["B7"] = "Aantal klanten", "=COUNTA(Klanten!A2:A13)"
    summary["A8"], summary["B8"] = "Hulplijn", f'="Bel {HOTLINE}"'
    summary["A9"], summary["B9"] = "Gezamenlijke rekening", f"='{SHEET}'!B2"
    summary["A10"], summary["B10"] = "Totaal saldo", "=Saldi"
    summary.add_image(SheetImage(io.BytesIO(_png())), "H2")
    chart = BarChart()
    chart.add_data(Reference(clients, min_col=8, min_row=1, max_row=13), titles_from_data=True)
    summary.add_chart(chart, "H10")

    workbook.defined_names["Saldi"] = DefinedName("Saldi", attr_text="Klanten!$H$2:$H$13")
    workbook.defined_names["Contact"] = DefinedName("Contact", attr_text=f'"{CONTACT_EMAIL}"')
    return workbook


def _bytes(workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def original() -> bytes:
    return _bytes(build_workbook())


@pytest.fixture
def copy(original, redaction):
    return xlsx_redactor.redact(memory_blob("share/klanten.xlsx", original), redaction)


def scan(data: bytes, detector):
    segments = list(extract(memory_blob("share/klanten.xlsx", data)))
    return segments, detector.findings("share/klanten.xlsx", segments)


def test_registered_for_xlsx_and_xlsm():
    assert format_module(memory_blob("a/b.xlsx", b"")) is xlsx_redactor
    assert format_module(memory_blob("a/b.xlsm", b"")) is xlsx_redactor


def test_every_value_the_scan_finds_is_gone(original, copy, redaction):
    _, findings = scan(original, redaction.detector)
    values = {f.value for f in findings}
    assert {f"{PEOPLE[0][0]} {PEOPLE[0][1]}", str(BSNS[0]), PHONES[0], IBANS[0], EMAILS[0]} <= values
    assert f"{BSNS[2]:09d}" in values  # a number cell, read zero-padded
    raw = "\n".join(xlsx_redactor.raw_texts(copy.data))
    assert [v for v in values if v in raw] == []
    _, again = scan(copy.data, redaction.detector)
    assert [f.value for f in again if f.value in values] == []


def test_parts_beyond_the_cells_are_redacted(copy):
    raw = "\n".join(xlsx_redactor.raw_texts(copy.data))
    for value in (" ".join(CLIENT), " ".join(MANAGER), EDITOR, HOTLINE, CONTACT_EMAIL, "Tom Claes"):
        assert value not in raw, value
    workbook = openpyxl.load_workbook(io.BytesIO(copy.data))
    assert workbook.sheetnames == ["Klanten", "Dossier (PERSON)", "Overzicht"]
    clients, summary = workbook["Klanten"], workbook["Overzicht"]
    assert clients["F2"].hyperlink.target == "mailto:%5BEMAIL_ADDRESS%5D"
    assert clients["F3"].comment.text == "Nieuw adres doorgegeven door [PERSON]"
    assert clients["F3"].comment.author == "[PERSON]"
    assert clients.oddHeader.center.text == "Klantenlijst – beheer [PERSON]"
    assert clients.oddFooter.left.text == "Vertrouwelijk"
    assert clients.data_validations.dataValidation[0].formula1 == '"[PERSON],[PERSON]"'
    assert summary["B8"].value == '="Bel [PHONE_NUMBER]"'
    assert summary["B9"].value == "='Dossier (PERSON)'!B2"  # follows the renamed sheet
    assert workbook.defined_names["Contact"].attr_text == '"[EMAIL_ADDRESS]"'
    assert workbook.properties.creator == "[PERSON]"
    assert workbook.properties.lastModifiedBy == "[PERSON]"
    assert workbook.properties.title == "Klantenlijst 2024"


def test_number_cells_become_text_cells(copy):
    clients = openpyxl.load_workbook(io.BytesIO(copy.data))["Klanten"]
    assert clients["C2"].value == "[NL_BSN]" and clients["C2"].data_type == "s"
    assert clients["C4"].value == "[NL_BSN]"  # zero-padded number format
    assert clients["G2"].value == "[DATE_OF_BIRTH]"
    assert isinstance(clients["H2"].value, float)  # a balance is no identifier


def words_outside_findings(segments, redaction) -> Counter:
    """The words of the cells, less those inside what the scan finds."""
    words = Counter()
    for segment in segments:
        text = segment.text
        for f in sorted(redaction.findings(text, segment.context), key=lambda f: f.start, reverse=True):
            text = text[:f.start] + " " + text[f.end:]
        words.update(re.findall(r"[^\W\d_]{3,}", text.lower()))
    return words


def test_non_personal_words_remain(original, copy, redaction):
    before = words_outside_findings(scan(original, redaction.detector)[0], redaction)
    after = words_outside_findings(scan(copy.data, redaction.detector)[0], redaction)
    assert sum(before.values()) > 150
    kept = sum(min(n, after[w]) for w, n in before.items())
    assert kept / sum(before.values()) >= 0.95


def widths(sheet) -> dict:
    return {column: dimension.width for column, dimension in sheet.column_dimensions.items()}


def test_structure_remains(original, copy):
    before = openpyxl.load_workbook(io.BytesIO(original))
    after = openpyxl.load_workbook(io.BytesIO(copy.data))
    assert len(after.worksheets) == 3
    for old, new in zip(before.worksheets, after.worksheets):
        assert (new.max_row, new.max_column) == (old.max_row, old.max_column)
        assert [str(r) for r in new.merged_cells.ranges] == [str(r) for r in old.merged_cells.ranges]
        assert widths(new) == widths(old)
        assert new.freeze_panes == old.freeze_panes
        assert len(new._images) == len(old._images) and len(new._charts) == len(old._charts)
    clients = after["Klanten"]
    assert [c.value for c in clients[1]] == HEADER
    assert all(c.font.bold and c.fill.fgColor.rgb == "00DDEEFF" for c in clients[1])
    assert clients["H14"].value == "=SUM(H2:H13)"
    assert after["Overzicht"]["B7"].value == "=COUNTA(Klanten!A2:A13)"
    assert after["Overzicht"]["A3"].value == NOTE
    assert after["Overzicht"]["A1"].font.size == 14
    assert after.defined_names["Saldi"].attr_text == "Klanten!$H$2:$H$13"
    assert clients["J2"].value == REMARKS[0]


def test_charts_and_images_are_listed_as_not_redacted(copy):
    assert sorted(copy.not_redacted) == [
        "xl/charts/chart1.xml: chart not redacted",
        "xl/media/image1.png: image not redacted (OCR not available)",
    ]


def test_pseudonyms_are_the_same_for_the_same_value(original, pseudonymise):
    copy = xlsx_redactor.redact(memory_blob("share/klanten.xlsx", original), pseudonymise)
    workbook = openpyxl.load_workbook(io.BytesIO(copy.data))
    pseudonym = workbook["Klanten"]["E2"].value
    assert pseudonym != IBANS[0] and re.fullmatch(r"NL\d\d [A-Z]{4}( \d{4}){2} \d\d", pseudonym)
    assert workbook.worksheets[1]["B2"].value == pseudonym
    assert {e.replacement.replacement for e in copy.log if e.replacement.value == IBANS[0]} == {pseudonym}


def test_log_locations_match_the_inventory(original, copy, redaction):
    _, findings = scan(original, redaction.detector)
    inventory = {(f.entity_type, f.value, f.location) for f in findings}
    logged = {(e.replacement.entity_type, e.replacement.value, e.location) for e in copy.log}
    assert inventory <= logged
    # The rest comes from what the extractor does not read: sheet names, comments, formulas...
    assert {loc.part for _, _, loc in logged - inventory} == {
        "sheet name", "comment", "hyperlink", "header", "formula", "data validation", "defined name", "metadata"}
    assert (("NL_BSN", str(BSNS[0]), Location(sheet="Klanten", cell="C2", line=2)) in logged)


def test_whole_columns(original, redaction):
    copy = xlsx_redactor.redact(memory_blob("share/klanten.xlsx", original), redaction, whole_columns=True)
    clients = openpyxl.load_workbook(io.BytesIO(copy.data))["Klanten"]
    columns = {cell.value: [c.value for c in clients[cell.column_letter][1:13]] for cell in clients[1]}
    # A given name alone is found by no rule: the "Voornaam" header says what it is.
    assert columns["Voornaam"] == ["[PERSON]"] * 12
    for header, label in (("Naam", "[PERSON]"), ("BSN", "[NL_BSN]"), ("Telefoon", "[PHONE_NUMBER]"),
                          ("IBAN", "[IBAN_CODE]"), ("E-mail", "[EMAIL_ADDRESS]"), ("Geboortedatum", "[DATE_OF_BIRTH]")):
        assert columns[header] == [label] * 12, header
    assert columns["Opmerking"] == [REMARKS[i % 4] for i in range(12)]
    assert columns["Plaats"] == [CITIES[i % 4] for i in range(12)]
    assert all(isinstance(v, float) for v in columns["Saldo"])
    voornaam = [e for e in copy.log if e.location.sheet == "Klanten" and (e.location.cell or "").startswith("B")]
    assert [e.replacement.value for e in voornaam] == [first for first, _ in PEOPLE]


def test_xlsm_keeps_its_macros(tmp_path, redaction):
    vba = b"\xd0\xcf\x11\xe0 not a real VBA project, kept byte for byte"
    data = _with_macros(_bytes(build_workbook()), vba)
    copy = xlsx_redactor.redact(memory_blob("share/klanten.xlsm", data), redaction)
    archive = zipfile.ZipFile(io.BytesIO(copy.data))
    assert archive.read("xl/vbaProject.bin") == vba
    assert b"macroEnabled" in archive.read("[Content_Types].xml")
    assert "xl/vbaProject.bin: macros not redacted" in copy.not_redacted
    assert openpyxl.load_workbook(io.BytesIO(copy.data), keep_vba=True)["Klanten"]["A2"].value == "[PERSON]"


def _with_macros(data: bytes, vba: bytes) -> bytes:
    """An .xlsm as Excel writes it: a vbaProject.bin part, the workbook's macro-enabled type."""
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        members = {name: zin.read(name) for name in zin.namelist()}
    members["xl/vbaProject.bin"] = vba
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml").replace(
        b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    members["xl/_rels/workbook.xml.rels"] = members["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/'
        b'relationships/vbaProject" Target="vbaProject.bin"/></Relationships>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, content in members.items():
            zout.writestr(name, content)
    return out.getvalue()


def test_cached_formula_results_are_logged_and_not_kept(redaction):
    """Excel stores a formula's last result next to it; the scan reads that result."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Naam", "Contactpersoon"])
    sheet.append([" ".join(CLIENT), "=A2"])
    data = _patched(_bytes(workbook), "xl/worksheets/sheet1.xml",
                    b'<c r="B2"><f>A2</f><v></v></c>',
                    f'<c r="B2" t="str"><f>A2</f><v>{" ".join(CLIENT)}</v></c>'.encode())
    _, findings = scan(data, redaction.detector)
    assert [(f.value, f.location.cell) for f in findings] == [(" ".join(CLIENT), "A2"), (" ".join(CLIENT), "B2")]
    copy = xlsx_redactor.redact(memory_blob("share/klanten.xlsx", data), redaction)
    assert {(e.replacement.value, e.location) for e in copy.log} == {(f.value, f.location) for f in findings}
    assert " ".join(CLIENT) not in "\n".join(xlsx_redactor.raw_texts(copy.data))
    assert openpyxl.load_workbook(io.BytesIO(copy.data)).active["B2"].value == "=A2"


def _patched(data: bytes, member: str, old: bytes, new: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        members = {name: zin.read(name) for name in zin.namelist()}
    assert old in members[member]
    members[member] = members[member].replace(old, new)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, content in members.items():
            zout.writestr(name, content)
    return out.getvalue()


def test_raw_texts_reads_xml_without_openpyxl(original):
    texts = "\n".join(xlsx_redactor.raw_texts(original))
    assert f"{' '.join(PEOPLE[0])}\n" in texts  # a cell's string, on a line of its own
    assert SHEET in texts  # attributes: sheet names
    assert f'"{CONTACT_EMAIL}"' in texts  # defined names
    # Shared strings as Excel writes them: the runs of a rich-text string read as one string.
    shared = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><r><t xml:space="preserve">'
              b'Sophie </t></r><r><rPr><b/></rPr><t>Peeters</t></r></si><si><t>Gent</t></si></sst>')
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("xl/sharedStrings.xml", shared)
    assert list(xlsx_redactor.raw_texts(zipped.getvalue())) == ["Sophie Peeters\nGent\n\n"]
