import zipfile

import docx
import pytest

from piiscan.extract import extract
from piiscan.extract.docx import OLE_MAGIC, extract_docx
from piiscan.model import ExtractionError, Location

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FOOTNOTES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes xmlns:w="{W}">
<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>
<w:footnote w:id="1"><w:p><w:r><w:t xml:space="preserve">Bron: gesprek met </w:t></w:r><w:r><w:t>Noor Claes</w:t></w:r></w:p></w:footnote>
</w:footnotes>"""


def build_report(path):
    document = docx.Document()
    document.core_properties.author = "Ilse Goossens"
    document.core_properties.title = "Dossier Karel Mertens"
    document.add_paragraph("Verslag huisbezoek")
    document.add_paragraph("")
    split = document.add_paragraph("Rekening: ")
    split.add_run("BE71 0961")
    split.add_run(" 2345 6769").bold = True
    document.add_comment(split.runs, text="Controleer IBAN van Karel Mertens", author="Ilse Goossens", initials="IG")

    table = document.add_table(rows=3, cols=3)
    for row, values in enumerate([("Naam", "BSN", "Woonplaats"),
                                  ("Karel Mertens", "123456782", "Utrecht"),
                                  ("Fien Bosman", "", "Gouda")]):
        for col, value in enumerate(values):
            table.cell(row, col).text = value

    section = document.sections[0]
    section.header.paragraphs[0].text = "Vertrouwelijk – dossier Karel Mertens"
    section.footer.paragraphs[0].text = "Opgesteld door Ilse Goossens"
    document.add_section()  # linked to the first section's header and footer
    appendix = document.add_section()
    appendix.header.is_linked_to_previous = False
    appendix.header.paragraphs[0].text = "Bijlage – medisch"
    document.save(path)
    return path


def add_footnotes(path):
    """python-docx cannot write footnotes; add the part the way Word stores it."""
    with zipfile.ZipFile(path) as zin:
        members = {name: zin.read(name) for name in zin.namelist()}
    members["word/footnotes.xml"] = FOOTNOTES.encode()
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/word/footnotes.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>')
    members["word/_rels/document.xml.rels"] = members["word/_rels/document.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdFn1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/footnotes" Target="footnotes.xml"/></Relationships>')
    with zipfile.ZipFile(path, "w") as zout:
        for name, data in members.items():
            zout.writestr(name, data)
    return path


@pytest.fixture
def report(tmp_path, blob_from_path):
    path = add_footnotes(build_report(tmp_path / "verslag.docx"))
    return list(extract(blob_from_path(path)))


def part(segments, name):
    return [s for s in segments if s.location.part == name]


def test_body_paragraphs_merge_runs_and_keep_indices(report):
    body = part(report, "body")
    assert [(s.text, s.location.line) for s in body] == [
        ("Verslag huisbezoek", 1),
        ("Rekening: BE71 0961 2345 6769", 3),
    ]


def test_table_cells_with_header_context(report):
    cells = {s.location.cell: s for s in part(report, "table")}
    assert set(cells) == {"R1C1", "R1C2", "R1C3", "R2C1", "R2C2", "R2C3", "R3C1", "R3C3"}
    assert cells["R2C2"].text == "123456782"
    assert cells["R2C2"].context == "BSN"
    assert cells["R2C2"].location == Location(part="table", line=1, cell="R2C2")
    assert cells["R1C2"].context == ""


def test_headers_and_footers_once_each(report):
    assert [s.text for s in part(report, "header")] == ["Vertrouwelijk – dossier Karel Mertens", "Bijlage – medisch"]
    assert [s.text for s in part(report, "footer")] == ["Opgesteld door Ilse Goossens"]


def test_comment_text_and_author(report):
    comments = part(report, "comment")
    assert ("Controleer IBAN van Karel Mertens", "") in [(s.text, s.context) for s in comments]
    assert ("Ilse Goossens", "comment author") in [(s.text, s.context) for s in comments]


def test_footnotes(report):
    assert [(s.text, s.location.line) for s in part(report, "footnote")] == [("Bron: gesprek met Noor Claes", 1)]


def test_core_properties(report):
    metadata = {s.context: s.text for s in part(report, "metadata")}
    assert metadata["author"] == "Ilse Goossens"
    assert metadata["title"] == "Dossier Karel Mertens"


def test_merged_cells_appear_once(tmp_path, blob_from_path):
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).text, table.cell(0, 2).text = "Naam", "Telefoon"
    merged = table.cell(1, 0).merge(table.cell(1, 1))
    merged.text = "Joris van Dam"
    table.cell(1, 2).text = "+31 6 12345678"
    document.save(tmp_path / "samengevoegd.docx")
    cells = [(s.location.cell, s.text) for s in extract_docx(blob_from_path(tmp_path / "samengevoegd.docx"))
             if s.location.part == "table"]
    assert cells == [("R1C1", "Naam"), ("R1C3", "Telefoon"), ("R2C1", "Joris van Dam"), ("R2C3", "+31 6 12345678")]


def test_password_protected_docx_is_encrypted(write_bytes):
    # Word stores a protected .docx as an OLE compound file whose directory names the
    # "EncryptionInfo" and "EncryptedPackage" streams (UTF-16LE); this mimics that layout.
    data = OLE_MAGIC + b"\x00" * 1016 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 64
    with pytest.raises(ExtractionError) as err:
        list(extract(write_bytes("beveiligd.docx", data)))
    assert err.value.kind == "encrypted"


def test_legacy_doc_renamed_is_corrupt(write_bytes):
    data = OLE_MAGIC + b"\x00" * 1016 + "WordDocument".encode("utf-16-le")
    with pytest.raises(ExtractionError) as err:
        list(extract(write_bytes("oud.docx", data)))
    assert err.value.kind == "corrupt"


@pytest.mark.parametrize("name, members", [
    ("geen_zip.docx", None),
    ("andere_zip.docx", {"readme.txt": "hallo"}),
    ("kapotte_xml.docx", "broken-xml"),
])
def test_not_a_docx_is_corrupt(tmp_path, blob_from_path, name, members):
    path = tmp_path / name
    if members is None:
        path.write_bytes(b"Dit is geen Word-document")
    elif members == "broken-xml":
        build_report(path)
        with zipfile.ZipFile(path) as zin:
            content = {n: zin.read(n) for n in zin.namelist()}
        content["word/document.xml"] = content["word/document.xml"][:200]
        with zipfile.ZipFile(path, "w") as zout:
            for n, data in content.items():
                zout.writestr(n, data)
    else:
        with zipfile.ZipFile(path, "w") as zout:
            for n, data in members.items():
                zout.writestr(n, data)
    with pytest.raises(ExtractionError) as err:
        list(extract(blob_from_path(path)))
    assert err.value.kind == "corrupt"
    assert err.value.message.startswith("python-docx: ")
