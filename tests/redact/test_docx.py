"""Word copies: every value the scan finds is gone from every part, everything else stays.

The document is built here with python-docx (plus the raw XML python-docx cannot write:
footnotes, a text box, tracked changes, a field), with synthetic people and identifiers.
The copy is read back with zipfile/ElementTree (raw_texts) and with the scan's extractor.
"""

import io
import random
import re
import zipfile
from collections import Counter

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.parser import parse_xml
from PIL import Image

from piiscan import synth
from piiscan.extract import extract
from piiscan.model import Location
from piiscan.redact.formats import docx as docx_redactor
from piiscan.redact.formats import format_module
from piiscan.sources.blob import memory_blob

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
V = "urn:schemas-microsoft-com:vml"

RNG = random.Random(20240611)
IBAN = synth.iban(RNG, "BE")
NN = synth.be_national_number(RNG)
BSN = synth.nl_bsn(RNG)
PHONE = synth.phone_be(RNG)
CLIENT = ("Sophie", "Peeters")
EMAIL = synth.email(RNG, *CLIENT, locale="nl_BE")
AUTHOR = ("Ilse", "Goossens")
AUTHOR_EMAIL = synth.email(RNG, *AUTHOR, domain="voorbeeld.be")
EDITOR = "Verbruggen"  # a family name alone: found only as a name field
TABLE_PEOPLE = [synth.person(RNG, "nl_BE") for _ in range(3)]
TABLE_NN = [synth.be_national_number(RNG) for _ in range(3)]
TABLE_PHONES = [synth.phone_be(RNG) for _ in range(3)]
NESTED_IBAN = synth.iban(RNG, "NL")
TEXTBOX_PHONE = synth.phone_nl(RNG)
DELETED_BSN = synth.nl_bsn(RNG)
FOOTNOTE_PERSON = ("Noor", "Claes")
FIELD_EMAIL = synth.email(RNG, "Lotte", "Jacobs", locale="nl_BE")
# In parts the extractor does not read: in the log, not in the inventory.
NOT_SCANNED = {TEXTBOX_PHONE, DELETED_BSN, NESTED_IBAN, FIELD_EMAIL, EMAIL, AUTHOR_EMAIL, " ".join(AUTHOR),
               " ".join(CLIENT)}

FILLER = [
    "Het huisbezoek vond plaats in de voormiddag en verliep in een rustige sfeer.",
    "De woning is goed onderhouden en er zijn geen dringende herstellingen nodig.",
    "We bespraken de planning voor de komende maanden en de ondersteuning die nodig blijft.",
    "Het dossier wordt over drie maanden opnieuw geëvalueerd door het team.",
    "Alle afspraken worden schriftelijk bevestigd en aan het dossier toegevoegd.",
    "Bij vragen kan de dienst tijdens de kantooruren gecontacteerd worden.",
    "Besluit: de begeleiding loopt verder volgens het bestaande plan, met een maandelijks "
    "gesprek op het kantoor en een korte telefonische opvolging tussen de gesprekken in.",
]


def _hyperlink(paragraph, url: str, text: str) -> None:
    r_id = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    paragraph._p.append(parse_xml(
        f'<w:hyperlink xmlns:w="{W}" xmlns:r="{R}" r:id="{r_id}"><w:r><w:rPr><w:u w:val="single"/></w:rPr>'
        f"<w:t>{text}</w:t></w:r></w:hyperlink>"))


def _textbox(paragraph, text: str) -> None:
    paragraph._p.append(parse_xml(
        f'<w:r xmlns:w="{W}" xmlns:v="{V}"><w:pict><v:shape style="width:200pt;height:40pt"><v:textbox>'
        f"<w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent>"
        "</v:textbox></v:shape></w:pict></w:r>"))


def _tracked_changes(paragraph, editor: str) -> None:
    """An insertion and a deletion, as Word records them with track changes on."""
    paragraph._p.append(parse_xml(
        f'<w:ins xmlns:w="{W}" w:id="901" w:author="{editor}" w:date="2024-05-02T10:00:00Z">'
        "<w:r><w:t xml:space=\"preserve\"> (nieuw nummer volgt)</w:t></w:r></w:ins>"))
    paragraph._p.append(parse_xml(
        f'<w:del xmlns:w="{W}" w:id="902" w:author="{editor}" w:date="2024-05-02T10:00:00Z">'
        f"<w:r><w:delText xml:space=\"preserve\"> oud BSN {DELETED_BSN}</w:delText></w:r></w:del>"))


def _field(paragraph, email: str) -> None:
    """A complex field: code in w:instrText, result in the runs after 'separate'."""
    for xml in ('<w:fldChar w:fldCharType="begin"/>',
                f'<w:instrText xml:space="preserve"> HYPERLINK "mailto:{email}" </w:instrText>',
                '<w:fldChar w:fldCharType="separate"/>',
                "<w:t>mail de dossierbeheerder</w:t>",
                '<w:fldChar w:fldCharType="end"/>'):
        paragraph._p.append(parse_xml(f'<w:r xmlns:w="{W}">{xml}</w:r>'))


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, "PNG")
    return out.getvalue()


FOOTNOTES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes xmlns:w="{W}">
<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>
<w:footnote w:id="1"><w:p><w:r><w:t xml:space="preserve">Bron: gesprek met mevrouw </w:t></w:r><w:r><w:t>{" ".join(FOOTNOTE_PERSON)}</w:t></w:r></w:p></w:footnote>
</w:footnotes>"""


PEOPLE = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w15:people xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml">
<w15:person w15:author="{" ".join(AUTHOR)}"><w15:presenceInfo w15:providerId="AD" w15:userId="S::{AUTHOR_EMAIL}::4f1c"/></w15:person>
</w15:people>"""


def _add_parts(data: bytes) -> bytes:
    """Parts python-docx cannot write, added the way Word stores them: footnotes, and the
    list of comment authors Word keeps in word/people.xml."""
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        members = {name: zin.read(name) for name in zin.namelist()}
    for name, xml, content_type, reltype in (
        ("footnotes.xml", FOOTNOTES, "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
         "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"),
        ("people.xml", PEOPLE, "application/vnd.openxmlformats-officedocument.wordprocessingml.people+xml",
         "http://schemas.microsoft.com/office/2011/relationships/people"),
    ):
        members[f"word/{name}"] = xml.encode()
        members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
            b"</Types>", f'<Override PartName="/word/{name}" ContentType="{content_type}"/></Types>'.encode())
        members["word/_rels/document.xml.rels"] = members["word/_rels/document.xml.rels"].replace(
            b"</Relationships>",
            f'<Relationship Id="rId{name[:4]}" Type="{reltype}" Target="{name}"/></Relationships>'.encode())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, content in members.items():
            zout.writestr(name, content)
    return out.getvalue()


def build_dossier(tmp_path) -> bytes:
    document = docx.Document()
    props = document.core_properties
    props.author = " ".join(AUTHOR)
    props.last_modified_by = EDITOR
    props.title = f"Dossier mevrouw {' '.join(CLIENT)}"
    props.keywords = f"huisbezoek, BSN {BSN}"
    props.comments = "Verslag voor het team"

    document.add_heading("Verslag huisbezoek", level=1)
    document.add_paragraph(FILLER[0])
    document.add_paragraph(f"Naam: {' '.join(CLIENT)}")
    # The IBAN as Word often stores it: cut over three runs of different formatting, the
    # cuts inside the value and in the middle of the surrounding words.
    cut1, cut2 = 7, 14
    split = document.add_paragraph()
    split.add_run(f"Rekeningnummer: {IBAN[:cut1]}")
    split.add_run(IBAN[cut1:cut2]).bold = True
    split.add_run(f"{IBAN[cut2:]} – zichtrekening.").italic = True
    document.add_paragraph(f"Rijksregisternummer {NN}, telefoon {PHONE}.")
    mail = document.add_paragraph("E-mail: ")
    _hyperlink(mail, f"mailto:{EMAIL}", EMAIL)
    document.add_paragraph(FILLER[1])
    changed = document.add_paragraph(f"Contact via {PHONE}")
    _tracked_changes(changed, " ".join(AUTHOR))
    _textbox(document.add_paragraph(FILLER[2]), f"Noodnummer {TEXTBOX_PHONE}")
    _field(document.add_paragraph("Vragen? "), FIELD_EMAIL)
    picture = document.add_picture(io.BytesIO(_png()))
    picture._inline.docPr.set("descr", f"Foto van mevrouw {' '.join(CLIENT)}")  # alt text
    document.add_paragraph(FILLER[3])

    table = document.add_table(rows=4, cols=4)
    rows = [("Naam", "Rijksregisternummer", "Telefoon", "Woonplaats")]
    rows += [(f"{first} {last}", nn, phone, "Gent")
             for (first, last), nn, phone in zip(TABLE_PEOPLE, TABLE_NN, TABLE_PHONES)]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    table.cell(0, 0).paragraphs[0].runs[0].bold = True
    nested = table.cell(1, 3).add_table(rows=1, cols=2)
    nested.cell(0, 0).text = "Rekening"
    nested.cell(0, 1).text = f"IBAN {NESTED_IBAN}"
    document.add_paragraph(FILLER[4])
    document.add_paragraph(FILLER[6])

    comment_on = document.add_paragraph(FILLER[5])
    document.add_comment(comment_on.runs, text=f"Controleer rekening {IBAN}", author=" ".join(AUTHOR), initials="IG")

    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    section.different_first_page_header_footer = True
    section.header.paragraphs[0].text = f"Vertrouwelijk – dossier mevrouw {' '.join(CLIENT)}"
    section.first_page_header.paragraphs[0].text = f"Contact: {EMAIL}"
    section.footer.paragraphs[0].text = f"Opgesteld door {' '.join(AUTHOR)}"
    section.even_page_footer.paragraphs[0].text = f"Dossierbeheer: {PHONE}"
    appendix = document.add_section()
    appendix.header.is_linked_to_previous = False
    appendix.header.paragraphs[0].text = f"Bijlage – BSN {BSN}"
    out = io.BytesIO()
    document.save(out)
    data = _add_parts(out.getvalue())
    (tmp_path / "dossier.docx").write_bytes(data)
    return data


@pytest.fixture
def original(tmp_path):
    return build_dossier(tmp_path)


@pytest.fixture
def copy(original, redaction):
    return docx_redactor.redact(memory_blob("share/dossier.docx", original), redaction)


def scan(data: bytes, detector):
    segments = list(extract(memory_blob("share/dossier.docx", data)))
    return segments, detector.findings("share/dossier.docx", segments)


def test_registered_for_docx():
    assert format_module(memory_blob("a/b.docx", b"")) is docx_redactor


def test_every_value_the_scan_finds_is_gone(original, copy, redaction):
    _, findings = scan(original, redaction.detector)
    values = {f.value for f in findings}
    # The test means something only if the scan finds the document's identifiers.
    assert {IBAN, NN, BSN, PHONE, TABLE_NN[0], " ".join(CLIENT), " ".join(FOOTNOTE_PERSON)} <= values
    raw = "\n".join(docx_redactor.raw_texts(copy.data))
    assert [v for v in values if v in raw] == []
    _, again = scan(copy.data, redaction.detector)
    assert [f.value for f in again if f.value in values] == []


def test_parts_the_scan_does_not_read_are_redacted_too(copy):
    raw = "\n".join(docx_redactor.raw_texts(copy.data))
    for value in (TEXTBOX_PHONE, DELETED_BSN, NESTED_IBAN, FIELD_EMAIL, EMAIL, EDITOR, " ".join(AUTHOR), AUTHOR_EMAIL):
        assert value not in raw, value
    # The hyperlink still points somewhere, its address redacted.
    rels = zipfile.ZipFile(io.BytesIO(copy.data)).read("word/_rels/document.xml.rels").decode()
    assert 'Target="mailto:%5BEMAIL_ADDRESS%5D"' in rels
    assert "(nieuw nummer volgt)" in raw and "Noodnummer [PHONE_NUMBER]" in raw
    assert "Foto van mevrouw [PERSON]" in raw


def words_outside_findings(segments, redaction) -> Counter:
    """The words of the segments, less those inside what the scan finds."""
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
    assert sum(before.values()) > 100
    kept = sum(min(n, after[w]) for w, n in before.items())
    assert kept / sum(before.values()) >= 0.95


def _runs(document):
    return [[(run.text, run.bold, run.italic, run.underline) for run in p.runs] for p in document.paragraphs]


def _table_shapes(document):
    return [(len(t.rows), len(t.columns)) for t in document.tables]


def _links(document):
    return [s.header.is_linked_to_previous for s in document.sections]


def test_structure_and_formatting_remain(original, copy):
    before, after = docx.Document(io.BytesIO(original)), docx.Document(io.BytesIO(copy.data))
    assert len(after.paragraphs) == len(before.paragraphs)
    assert [p.style.name for p in after.paragraphs] == [p.style.name for p in before.paragraphs]
    assert _table_shapes(after) == _table_shapes(before)
    assert len(after.tables[0].cell(1, 3).tables) == 1
    assert after.tables[0].cell(0, 0).paragraphs[0].runs[0].bold
    assert len(after.sections) == len(before.sections)
    assert after.sections[0].different_first_page_header_footer
    assert _links(after) == _links(before)
    assert len(after.inline_shapes) == len(before.inline_shapes) == 1
    # Paragraphs without findings are untouched, run for run; the others keep their runs'
    # formatting, only the texts changed.
    for runs_before, runs_after in zip(_runs(before), _runs(after)):
        assert [r[1:] for r in runs_after] == [r[1:] for r in runs_before]
        if not any(v in "".join(r[0] for r in runs_before) for v in (IBAN, NN, PHONE, EMAIL, " ".join(CLIENT))):
            assert runs_after == runs_before


def test_value_split_over_runs(copy):
    document = docx.Document(io.BytesIO(copy.data))
    split = next(p for p in document.paragraphs if p.text.startswith("Rekeningnummer"))
    assert [(r.text, r.bold, r.italic) for r in split.runs] == [
        ("Rekeningnummer: [IBAN_CODE]", None, None),
        ("", True, None),
        (" – zichtrekening.", None, True),
    ]
    entry = next(e for e in copy.log if e.replacement.value == IBAN and e.location.part == "body")
    assert entry.location == Location(part="body", line=4)


def test_headers_footers_comments_footnotes(copy):
    document = docx.Document(io.BytesIO(copy.data))
    first, appendix = document.sections
    assert first.header.paragraphs[0].text == "Vertrouwelijk – dossier mevrouw [PERSON]"
    assert first.first_page_header.paragraphs[0].text == "Contact: [EMAIL_ADDRESS]"
    assert first.footer.paragraphs[0].text == "Opgesteld door [PERSON]"
    assert first.even_page_footer.paragraphs[0].text == "Dossierbeheer: [PHONE_NUMBER]"
    assert appendix.header.paragraphs[0].text == "Bijlage – BSN [NL_BSN]"
    comment = next(iter(document.comments))
    assert comment.text == "Controleer rekening [IBAN_CODE]"
    assert comment.author == "[PERSON]" and comment.initials is None
    assert "Bron: gesprek met mevrouw [PERSON]\n" in "\n".join(docx_redactor.raw_texts(copy.data))


def test_document_properties(copy):
    props = docx.Document(io.BytesIO(copy.data)).core_properties
    assert props.author == "[PERSON]"
    assert props.last_modified_by == "[PERSON]"  # a family name alone, read as a name field
    assert props.title == "Dossier mevrouw [PERSON]"
    assert props.keywords == "huisbezoek, BSN [NL_BSN]"
    assert props.comments == "Verslag voor het team"


def test_images_are_listed_as_not_redacted(copy):
    assert copy.not_redacted == ["word/media/image1.png: image not redacted (OCR not available)"]
    # The thumbnail, a picture of the first page, is not carried over.
    assert not any("thumbnail" in name for name in zipfile.ZipFile(io.BytesIO(copy.data)).namelist())


def test_pseudonyms_are_the_same_for_the_same_value(original, pseudonymise):
    copy = docx_redactor.redact(memory_blob("share/dossier.docx", original), pseudonymise)
    ibans = {e.replacement.replacement for e in copy.log if e.replacement.value == IBAN}
    assert len(ibans) == 1 and IBAN not in ibans
    pseudonym = ibans.pop()
    document = docx.Document(io.BytesIO(copy.data))
    assert pseudonym in next(p.text for p in document.paragraphs if p.text.startswith("Rekeningnummer"))
    assert pseudonym in next(iter(document.comments)).text
    client = {e.replacement.replacement for e in copy.log if e.replacement.value == " ".join(CLIENT)}
    assert len(client) == 1


def test_log_locations_match_the_inventory(original, copy, redaction):
    _, findings = scan(original, redaction.detector)
    inventory = {(f.entity_type, f.value, f.location) for f in findings}
    logged = {(e.replacement.entity_type, e.replacement.value, e.location) for e in copy.log}
    assert inventory <= logged
    # What the log has beyond the inventory comes from the parts the extractor does not read.
    assert {value for _, value, _ in logged - inventory} <= NOT_SCANNED | {EDITOR}
    assert all(e.member == "" for e in copy.log)


def test_raw_texts_reads_xml_without_python_docx(original):
    texts = list(docx_redactor.raw_texts(original))
    document_xml = next(t for t in texts if "Rekeningnummer" in t)
    assert f"Rekeningnummer: {IBAN} – zichtrekening." in document_xml  # runs joined
    assert any(" ".join(AUTHOR) in t for t in texts)  # attributes: w:author
    assert any(f"mailto:{EMAIL}" in t for t in texts)  # relationship targets


def test_unchanged_document_keeps_its_text(tmp_path, redaction):
    document = docx.Document()
    for sentence in FILLER:
        document.add_paragraph(sentence)
    out = io.BytesIO()
    document.save(out)
    copy = docx_redactor.redact(memory_blob("a.docx", out.getvalue()), redaction)
    assert copy.log == []
    assert [p.text for p in docx.Document(io.BytesIO(copy.data)).paragraphs] == FILLER
