"""PDF redaction: the values are gone from every place a reader could find them, the rest
of the page stays readable, and what piiscan cannot redact is reported.

The PDFs are made here with reportlab and pikepdf; the values are synthetic (piiscan.synth,
valid checksums)."""

from __future__ import annotations

import io
import random
import re
import time
from pathlib import Path

import pdfplumber
import pikepdf
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw, ImageFont
import reportlab
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from piiscan import synth
from piiscan.model import Blob, ExtractionError
from piiscan.redact.formats import format_module
from piiscan.redact.formats import pdf as pdf_redact

RNG = random.Random(2024)
IBAN = synth.iban(RNG, "BE")
IBAN_NL = synth.iban(RNG, "NL")
NN = synth.be_national_number(RNG)
BSN = synth.nl_bsn(RNG)
PHONE = synth.phone_be(RNG)
PHONE_NL = synth.phone_nl(RNG)
KBO = synth.be_enterprise_number(RNG)
EMAIL = synth.email(RNG, "Sofie", "Janssens")
VERA = str(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf")  # ships with reportlab
NAME = "Sofie Janssens"
OTHER_NAME = "Pieter Claes"

FILLER = [
    "De huurprijs bedraagt achthonderd euro per maand en wordt jaarlijks geindexeerd.",
    "De waarborg wordt op een geblokkeerde rekening geplaatst bij het begin van de huur.",
    "Het gebruik van de tuin en de garage is inbegrepen in de huurprijs.",
    "Kleine herstellingen en het onderhoud van de verwarming zijn ten laste van de huurder.",
    "De verhuurder zorgt voor de brandverzekering van het gebouw.",
    "Opzegging gebeurt per aangetekende brief met een termijn van drie maanden.",
    "Huisdieren zijn toegelaten na schriftelijke toestemming van de verhuurder.",
    "De plaatsbeschrijving wordt opgemaakt door een onafhankelijke deskundige.",
]


# -- helpers ----------------------------------------------------------------------------------

def blob(data: bytes, name: str = "contract.pdf") -> Blob:
    return Blob(name, len(data), lambda: io.BytesIO(data))


def make_pdf(pages: list[list[str]], draw=None, **info) -> bytes:
    """One string per line; `draw(canvas, page_index)` adds more to a page."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pageCompression=0)
    for key, value in info.items():
        getattr(c, f"set{key.capitalize()}")(value)
    for index, lines in enumerate(pages):
        y = 800
        for line in lines:
            c.drawString(72, y, line)
            y -= 18
        if draw:
            draw(c, index)
        c.showPage()
    c.save()
    return buf.getvalue()


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text).casefold()


def page_texts_pdfium(data: bytes) -> list[str]:
    doc = pdfium.PdfDocument(data)
    try:
        return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()


def page_texts_plumber(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def everything(data: bytes) -> list[str]:
    """Every way to read the copy: its raw bytes, raw_texts (pdfplumber, decompressed
    streams, strings, Info, XMP) and PDFium's page text."""
    return [data.decode("latin-1"), *pdf_redact.raw_texts(data), *page_texts_pdfium(data)]


def assert_gone(data: bytes, values) -> None:
    texts = [_norm(t) for t in everything(data)]
    streams = [data]
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    streams.append(obj.read_bytes())
                except pikepdf.PdfError:
                    streams.append(obj.read_raw_bytes())
    for value in values:
        assert not any(_norm(value) in t for t in texts), f"{value!r} still readable"
        assert not any(value.encode("utf-16-be") in s for s in streams), f"{value!r} still in UTF-16"


def assert_present(data: bytes, values) -> None:
    """The fixture really holds the values, so that their absence afterwards means something."""
    texts = [_norm(t) for t in everything(data)]
    for value in values:
        assert any(_norm(value) in t for t in texts), f"fixture lacks {value!r}"


def value_box(data: bytes, page: int, value: str) -> tuple[float, float, float, float]:
    """(x0, top, x1, bottom) of the value on the original page, top-down like an image."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        found = pdf.pages[page].search(value, regex=False)
        assert found, value
        return found[0]["x0"], found[0]["top"], found[0]["x1"], found[0]["bottom"]


def dark_fraction(data: bytes, page: int, box, scale: float = 2.0) -> float:
    doc = pdfium.PdfDocument(data)
    try:
        image = doc[page].render(scale=scale).to_pil().convert("L")
    finally:
        doc.close()
    x0, top, x1, bottom = box
    region = image.crop((int(x0 * scale) + 2, int(top * scale) + 2, int(x1 * scale) - 2, int(bottom * scale) - 2))
    histogram = region.histogram()
    return sum(histogram[:60]) / sum(histogram)


def values_logged(copy) -> set[str]:
    return {entry.replacement.value for entry in copy.log}


# -- the page text ----------------------------------------------------------------------------

CONTRACT = [
    "Huurcontract voor de woning aan de Kerkstraat",
    f"Huurder: {NAME}",
    f"IBAN: {IBAN}",
    f"Rijksregisternummer: {NN}",
    f"E-mail: {EMAIL}",
    f"Telefoon: {PHONE}",
    *FILLER,
]
CONTRACT_VALUES = [NAME, IBAN, NN, EMAIL, PHONE]


def test_format_module_is_registered():
    assert format_module(blob(b"", "x.pdf")) is pdf_redact


def test_values_are_gone_from_every_reader(redaction):
    data = make_pdf([CONTRACT], author=NAME, title=f"Contract {NAME}")
    assert_present(data, CONTRACT_VALUES)
    copy = pdf_redact.redact(blob(data), redaction)
    assert_gone(copy.data, CONTRACT_VALUES)
    assert set(CONTRACT_VALUES) <= values_logged(copy)
    assert {e.location.page for e in copy.log if e.replacement.value == IBAN} == {1}
    assert copy.not_redacted == []


def test_other_words_stay_extractable(redaction):
    pages = [[f"Pagina {i + 1}", *CONTRACT] for i in range(3)]
    data = make_pdf(pages)
    copy = pdf_redact.redact(blob(data), redaction)
    personal = {w for value in CONTRACT_VALUES for w in value.split()}

    def words(pdf_bytes):
        with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
            return [w["text"] for page in pdf.pages for w in page.extract_words()]

    before = [w for w in words(data) if w not in personal]
    after = words(copy.data)
    remaining = sum(min(before.count(w), after.count(w)) for w in set(before))
    assert remaining / len(before) >= 0.95
    # Method A: the line around a value keeps its text and its place.
    assert "IBAN:" in page_texts_plumber(copy.data)[0]
    assert FILLER[0] in page_texts_plumber(copy.data)[0]


def test_pages_keep_their_size_and_show_black_boxes(redaction):
    data = make_pdf([CONTRACT, ["Tweede pagina zonder persoonsgegevens."]])
    copy = pdf_redact.redact(blob(data), redaction)
    before, after = pdfium.PdfDocument(data), pdfium.PdfDocument(copy.data)
    try:
        assert len(after) == len(before) == 2
        for i in range(2):
            assert after[i].get_size() == before[i].get_size()
            after[i].render(scale=1)  # renders without error
    finally:
        before.close()
        after.close()
    for value in (IBAN, NAME, NN):
        assert dark_fraction(copy.data, 0, value_box(data, 0, value)) > 0.9
    # Text next to a value is not blacked out.
    x0, top, x1, bottom = value_box(data, 0, "Huurder:")
    assert dark_fraction(copy.data, 0, (x0, top, x1 - 4, bottom)) < 0.5


def test_page_without_values_is_left_alone(redaction):
    data = make_pdf([["Algemene voorwaarden", *FILLER]])
    copy = pdf_redact.redact(blob(data), redaction)
    assert copy.log == []
    assert page_texts_pdfium(copy.data) == page_texts_pdfium(data)


def test_value_found_once_is_redacted_everywhere(redaction):
    # The detector needs the context "Huurder:"; the bare name on page 2 goes too.
    data = make_pdf([[f"Huurder: {NAME}"], ["Handtekening", NAME.upper()]])
    copy = pdf_redact.redact(blob(data), redaction)
    assert_gone(copy.data, [NAME])
    assert {e.location.page for e in copy.log} == {1, 2}


# -- hidden text ------------------------------------------------------------------------------

def test_hidden_text_is_removed(redaction):
    def hide(c, _):
        c.setFillColorRGB(1, 1, 1)
        c.drawString(72, 500, f"IBAN: {IBAN}")  # white on white
        c.setFillColorRGB(0, 0, 0)
        c.drawString(72, 460, f"Rijksregisternummer: {NN}")
        c.setFillColorRGB(1, 1, 1)
        c.rect(60, 450, 400, 30, fill=1, stroke=0)  # painted over
        text = c.beginText(72, 420)
        text.setTextRenderMode(3)  # invisible, like an OCR layer
        text.textLine(f"BSN: {BSN}")
        c.drawText(text)
        c.setFillColorRGB(0, 0, 0)
        c.drawString(700, 380, f"E-mail: {EMAIL}")  # right of the page
        c.drawString(72, -50, f"Telefoon: {PHONE}")  # below it
        c.saveState()
        path = c.beginPath()
        path.rect(72, 300, 30, 20)
        c.clipPath(path, stroke=0)
        c.drawString(72, 305, f"Contactpersoon: {OTHER_NAME}")  # clipped away
        c.restoreState()

    data = make_pdf([["Bijlage bij het huurcontract", *FILLER]], draw=hide)
    values = [IBAN, NN, BSN, EMAIL, PHONE, OTHER_NAME]
    assert_present(data, values)
    copy = pdf_redact.redact(blob(data), redaction)
    assert_gone(copy.data, values)
    assert set(values) <= values_logged(copy)
    assert FILLER[1] in page_texts_plumber(copy.data)[0]


def test_metadata_is_scrubbed(redaction):
    data = make_pdf([["Dossier"]], author=NAME, title=f"Rekening {IBAN}", subject=EMAIL, keywords=PHONE)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
            xmp["dc:creator"] = [NAME]
            xmp["dc:description"] = f"Klant met BSN {BSN}"
        out = io.BytesIO()
        pdf.save(out)
        data = out.getvalue()
    assert_present(data, [NAME, IBAN, EMAIL, PHONE, BSN])
    copy = pdf_redact.redact(blob(data), redaction)
    assert_gone(copy.data, [NAME, IBAN, EMAIL, PHONE, BSN])
    with pikepdf.open(io.BytesIO(copy.data)) as pdf:
        # Descriptive entries stay, redacted; the author and dates go.
        assert {k: str(v) for k, v in pdf.docinfo.items()} == {
            "/Producer": "piiscan", "/Title": "Rekening [IBAN_CODE]", "/Subject": "[EMAIL_ADDRESS]",
            "/Keywords": "[PHONE_NUMBER]", "/Creator": "anonymous"}
        assert "/Metadata" not in pdf.Root
    assert {e.location.part for e in copy.log} == {"metadata"}
    assert {NAME, IBAN, BSN} <= values_logged(copy)


def _add_annotations(data: bytes) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        note = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Text, Rect=[300, 700, 320, 720],
            Contents=pikepdf.String(f"Bel {NAME} op {PHONE}"), T=pikepdf.String("Behandelaar")))
        popup = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Popup, Rect=[320, 600, 500, 700], Parent=note))
        note.Popup = popup
        appearance = pdf.make_stream(f"BT /Helv 10 Tf 2 5 Td (IBAN {IBAN}) Tj ET".encode(),
                                     Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form, BBox=[0, 0, 200, 20])
        free_text = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.FreeText, Rect=[72, 600, 272, 620],
            Contents=pikepdf.String(f"IBAN {IBAN}"), DA=pikepdf.String("/Helv 10 Tf 0 g"),
            AP=pikepdf.Dictionary(N=appearance)))
        link = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[72, 560, 272, 580],
            A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String(f"mailto:{EMAIL}"))))
        page.obj.Annots = pdf.make_indirect(pikepdf.Array([note, popup, free_text, link]))
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def test_annotations_are_redacted(redaction):
    data = _add_annotations(make_pdf([["Opmerkingen bij het dossier"]]))
    assert_present(data, [NAME, PHONE, IBAN, EMAIL])
    copy = pdf_redact.redact(blob(data), redaction)
    assert_gone(copy.data, [NAME, PHONE, IBAN, EMAIL])
    with pikepdf.open(io.BytesIO(copy.data)) as pdf:
        annots = list(pdf.pages[0].Annots)
        assert [str(a.Subtype) for a in annots] == ["/Text", "/Popup", "/FreeText", "/Link"]
        assert str(annots[0].Contents) == "Bel [PERSON] op [PHONE_NUMBER]"
        assert "/AP" not in annots[2]
    assert {e.location.part for e in copy.log} == {"annotation"}


def test_form_field_values_are_redacted(redaction):
    def fields(c, _):
        c.drawString(72, 700, "IBAN van de huurder:")
        c.acroForm.textfield(name="iban", value=IBAN, x=200, y=690, width=250, height=20)
        c.acroForm.textfield(name="naam", tooltip="Naam huurder", value=NAME, x=200, y=660, width=250, height=20)
        c.acroForm.textfield(name="gemeente", value="Leuven", x=200, y=630, width=250, height=20)

    data = make_pdf([["Inschrijvingsformulier"]], draw=fields)
    assert_present(data, [IBAN, NAME])
    copy = pdf_redact.redact(blob(data), redaction)
    assert_gone(copy.data, [IBAN, NAME])
    with pikepdf.open(io.BytesIO(copy.data)) as pdf:
        values = {str(f.T): str(f.V) for f in pdf.Root.AcroForm.Fields}
        assert values == {"iban": "[IBAN_CODE]", "naam": "[PERSON]", "gemeente": "Leuven"}
        iban_field = next(f for f in pdf.Root.AcroForm.Fields if str(f.T) == "iban")
        assert b"[IBAN_CODE]" in iban_field.AP.N.read_bytes()  # drawn again from the new value
    assert {e.location.part for e in copy.log} == {"form field"}


def test_attachments_scripts_outlines_labels_and_tags(redaction):
    def bookmark(c, index):
        c.bookmarkPage(f"p{index}")
        c.addOutlineEntry(f"Dossier {NAME}", f"p{index}")

    data = make_pdf([[f"Huurder: {NAME}"]], draw=bookmark)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.attachments["rekening.txt"] = pikepdf.AttachedFileSpec(pdf, f"IBAN {IBAN_NL}\n".encode(),
                                                                   description=f"Rekening {IBAN_NL}")
        script = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript,
                                                      JS=pikepdf.String(f"app.alert('BSN {BSN}');")))
        pdf.Root.Names.JavaScript = pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("init"), script]))
        pdf.Root.OpenAction = script
        pdf.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array(
            [0, pikepdf.Dictionary(S=pikepdf.Name.D, P=pikepdf.String(f"{PHONE_NL} - "))]))
        # Tagged PDF: alternative text of a figure, and a value in an application's private data.
        pdf.Root.StructTreeRoot = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.StructTreeRoot,
            K=pikepdf.Dictionary(S=pikepdf.Name.Figure, Alt=pikepdf.String(f"Pasfoto van {NAME}"))))
        pdf.pages[0].obj.PieceInfo = pikepdf.Dictionary(Editor=pikepdf.Dictionary(
            Private=pikepdf.String(f"klant {KBO}")))
        out = io.BytesIO()
        pdf.save(out)
        data = out.getvalue()
    assert_present(data, [NAME, IBAN_NL, BSN, PHONE_NL, KBO])
    copy = pdf_redact.redact(blob(data), redaction)
    assert_gone(copy.data, [NAME, IBAN_NL, BSN, PHONE_NL, KBO])
    with pikepdf.open(io.BytesIO(copy.data)) as pdf:
        assert len(pdf.attachments) == 0
        assert "/OpenAction" not in pdf.Root
        with pdf.open_outline() as outline:
            assert [item.title for item in outline.root] == ["Dossier [PERSON]"]
        assert str(pdf.Root.StructTreeRoot.K.Alt) == "Pasfoto van [PERSON]"


def _incremental_update(data: bytes, new_content: bytes) -> bytes:
    """Append a revision that replaces page 1's content stream, the way an editor saves:
    the old stream (and its value) stays in the file's first revision."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        number = pdf.pages[0].Contents.objgen[0]
        root = pdf.Root.objgen[0]
        size = int(pdf.trailer.Size)
    prev = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    offset = len(data)
    body = (f"{number} 0 obj\n<< /Length {len(new_content)} >>\nstream\n".encode() + new_content
            + b"\nendstream\nendobj\n")
    xref = len(data) + len(body)
    tail = (f"xref\n0 1\n0000000000 65535 f \n{number} 1\n{offset:010d} 00000 n \n"
            f"trailer\n<< /Size {size} /Root {root} 0 R /Prev {prev} >>\nstartxref\n{xref}\n%%EOF\n").encode()
    return data + body + tail


def test_earlier_revisions_are_dropped(redaction):
    data = make_pdf([[f"IBAN: {IBAN}"]])
    updated = _incremental_update(data, f"BT /F1 12 Tf 72 800 Td (Huurder: {NAME}) Tj ET".encode())
    assert IBAN.encode() in updated  # in the first revision's bytes
    assert IBAN not in page_texts_pdfium(updated)[0]  # but no reader shows it
    copy = pdf_redact.redact(blob(updated), redaction)
    assert_gone(copy.data, [IBAN, NAME])
    assert copy.data.count(b"%%EOF") == 1
    assert b"/Prev" not in copy.data


# -- how the text is written ------------------------------------------------------------------

def _page_with_content(content: bytes, fonts: dict) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    page = pdf.pages[0]
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(
        {f"/{name}": pdf.make_indirect(font(pdf)) for name, font in fonts.items()}))
    page.obj.Contents = pdf.make_stream(content)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _helvetica(pdf):
    # A standard font without /Widths: the widths come from the built-in metrics.
    return pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                              BaseFont=pikepdf.Name.Helvetica, Encoding=pikepdf.Name.WinAnsiEncoding)


def _identity_h(pdf):
    # A composite font with two-byte codes (code = CID = Unicode here) and a ToUnicode map.
    to_unicode = pdf.make_stream(
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /T def "
        b"1 begincodespacerange <0000> <FFFF> endcodespacerange "
        b"1 beginbfrange <0020> <007E> <0020> endbfrange endcmap CMapName currentdict /CMap defineresource pop end end")
    descendant = pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.CIDFontType2, BaseFont=pikepdf.Name.Helvetica,
        CIDSystemInfo=pikepdf.Dictionary(Registry=pikepdf.String("Adobe"), Ordering=pikepdf.String("Identity"),
                                         Supplement=0),
        DW=600, W=pikepdf.Array([32, pikepdf.Array([278])]),
        FontDescriptor=pikepdf.Dictionary(Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name.Helvetica,
                                          Flags=32, FontBBox=[-166, -225, 1000, 931], ItalicAngle=0,
                                          Ascent=718, Descent=-207, CapHeight=718, StemV=88))
    return pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0, BaseFont=pikepdf.Name.Helvetica,
                              Encoding=pikepdf.Name("/Identity-H"), DescendantFonts=[descendant],
                              ToUnicode=to_unicode)


def _utf16(text: str) -> str:
    return "<" + text.encode("utf-16-be").hex() + ">"


def test_value_split_over_operators_and_kerning(redaction):
    half = len(IBAN) // 2
    content = (
        "BT /F1 12 Tf 72 780 Td (Rekening van de huurder, IBAN: ) Tj "
        f"({IBAN[:half]}) Tj ({IBAN[half:]}) Tj (  is gekend.) Tj ET\n"
        "BT /F1 12 Tf 72 750 Td 0.5 Tc 1.5 Tw 95 Tz "
        f"[(Huurder: ) -250 ({NAME[:3]}) 120 ({NAME[3:9]}) -40 ({NAME[9:]}) 300 (, contract afgesloten.)] TJ ET\n"
        "BT /F1 12 Tf 14 TL 72 720 Td (Tweede lijn zonder gegevens.) Tj "
        f"(Rijksregisternummer: {NN} bevestigd) ' ET\n"
        "BT /F2 12 Tf 72 680 Td "
        f"[{_utf16('BSN: ')} {_utf16(BSN[:4])} -100 {_utf16(BSN[4:] + ' ok')}] TJ ET\n"
        f"BT /F1 12 Tf 1 0 0 1 72 640 Tm (E-mail: ) Tj 1 0 0 1 120 640 Tm ({EMAIL[:6]}) Tj "
        f"1 0 0 1 152 640 Tm ({EMAIL[6:]}) Tj ET\n"
    ).encode()
    data = _page_with_content(content, {"F1": _helvetica, "F2": _identity_h})
    values = [IBAN, NAME, NN, BSN, EMAIL]
    assert_present(data, values)
    copy = pdf_redact.redact(blob(data), redaction)
    assert_gone(copy.data, values)
    text = page_texts_plumber(copy.data)[0]
    for words in ("Rekening van de huurder, IBAN:", "is gekend.", "contract afgesloten.",
                  "Tweede lijn zonder gegevens.", "bevestigd", "BSN:", "ok", "E-mail:"):
        assert words in text
    # The words after a value keep their place: the dropped glyphs' advance is kept.
    before, after = value_box(data, 0, "is gekend."), value_box(copy.data, 0, "is gekend.")
    assert after == pytest.approx(before, abs=0.05)
    before, after = value_box(data, 0, "contract afgesloten."), value_box(copy.data, 0, "contract afgesloten.")
    assert after == pytest.approx(before, abs=0.05)


def test_truetype_font_and_form_xobject_shared_by_pages(redaction):
    pdfmetrics.registerFont(TTFont("Vera", VERA))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.beginForm("header")
    c.setFont("Vera", 10)
    c.drawString(72, 810, f"Dossierbeheerder: {OTHER_NAME} - Kantoor Leuven")
    c.endForm()
    for i in range(3):
        c.doForm("header")
        c.setFont("Vera", 11)
        c.drawString(72, 760, f"Pagina {i + 1} van het dossier")
        if i == 1:
            c.drawString(72, 740, f"Rekeningnummer {IBAN_NL}")
        c.showPage()
    c.save()
    data = buf.getvalue()
    copy = pdf_redact.redact(blob(data), redaction)
    assert_gone(copy.data, [OTHER_NAME, IBAN_NL])
    texts = page_texts_plumber(copy.data)
    for i, text in enumerate(texts):
        assert f"Pagina {i + 1} van het dossier" in text
        assert "Kantoor Leuven" in text
    assert {e.location.page for e in copy.log if e.replacement.value == OTHER_NAME} == {1, 2, 3}


def test_rotated_page_keeps_rotation(redaction):
    data = make_pdf([CONTRACT])
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.pages[0].Rotate = 90
        out = io.BytesIO()
        pdf.save(out)
        data = out.getvalue()
    copy = pdf_redact.redact(blob(data), redaction)
    assert_gone(copy.data, CONTRACT_VALUES)
    with pikepdf.open(io.BytesIO(copy.data)) as pdf:
        assert int(pdf.pages[0].Rotate) == 90
    assert FILLER[2] in page_texts_pdfium(copy.data)[0]


def test_actual_text_and_unused_form_are_cleaned(redaction):
    # /ActualText spells what the glyphs stand for (PDFium reads it instead of the glyphs);
    # a form XObject in the resources that nothing draws still sits in the file.
    content = (b"BT /F1 12 Tf 72 780 Td (Huurder: ) Tj /Span << /ActualText (" + NAME.encode()
               + b") >> BDC (S. J.) Tj EMC (, Leuven) Tj ET")
    data = _page_with_content(content, {"F1": _helvetica})
    with pikepdf.open(io.BytesIO(data)) as pdf:
        unused = pdf.make_stream(f"BT /F1 9 Tf 0 0 Td (Klant: {NAME}, IBAN {IBAN}) Tj ET".encode(),
                                 Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form, BBox=[0, 0, 300, 20],
                                 Resources=pdf.pages[0].Resources)
        pdf.pages[0].Resources.XObject = pikepdf.Dictionary(Fm9=unused)
        out = io.BytesIO()
        pdf.save(out)
        data = out.getvalue()
    assert NAME in page_texts_pdfium(data)[0]
    copy = pdf_redact.redact(blob(data), redaction)
    assert_gone(copy.data, [NAME])
    assert "Leuven" in page_texts_plumber(copy.data)[0]


def test_failed_verification_falls_back_to_rasterising(redaction, monkeypatch):
    # Should method A ever leave a glyph under a box, the read-back catches it.
    from piiscan.redact.formats import pdf_content
    monkeypatch.setattr(pdf_content, "glyph_hit", lambda glyph, boxes: False)
    data = make_pdf([CONTRACT, ["Tweede pagina zonder persoonsgegevens."]])
    copy = pdf_redact.redact(blob(data), redaction)
    assert_gone(copy.data, CONTRACT_VALUES)
    texts = page_texts_pdfium(copy.data)
    assert texts[0].strip() == ""  # page 1 is a picture now
    assert "Tweede pagina" in texts[1]  # page 2 had nothing to redact
    assert dark_fraction(copy.data, 0, value_box(data, 0, IBAN)) > 0.9


def test_font_piiscan_cannot_measure_falls_back_to_rasterising(redaction):
    def cjk_cmap(pdf):
        font = _identity_h(pdf)
        font.Encoding = pikepdf.Name("/UniGB-UCS2-H")  # a predefined CMap piiscan has no table for
        return font

    content = f"BT /F1 12 Tf 72 780 Td [{_utf16('IBAN: ' + IBAN)}] TJ ET".encode()
    data = _page_with_content(content, {"F1": cjk_cmap})
    if IBAN not in page_texts_pdfium(data)[0]:
        pytest.skip("PDFium does not read this font")
    copy = pdf_redact.redact(blob(data), redaction)
    assert_gone(copy.data, [IBAN])
    assert page_texts_pdfium(copy.data)[0].strip() == ""


# -- images -----------------------------------------------------------------------------------

def _images(data: bytes, page: int = 0) -> list[Image.Image]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        xobjects = pdf.pages[page].Resources.XObject.values()
        return [pikepdf.PdfImage(x).as_pil_image() for x in xobjects if x.Subtype == pikepdf.Name.Image]


def _dark(image: Image.Image, box) -> float:
    histogram = image.convert("L").crop(box).histogram()
    return sum(histogram[:60]) / sum(histogram)


def test_value_over_an_image_is_painted_into_its_pixels(redaction):
    def background(c, _):
        c.drawImage(ImageReader(_grey_image(400, 80)), 60, 640, width=400, height=80)
        c.drawString(72, 672, f"IBAN: {IBAN}")
        c.drawImage(ImageReader(_grey_image(400, 80)), 60, 400, width=400, height=80)  # the same image again

    data = make_pdf([["Overschrijvingsformulier", *FILLER[:3]]], draw=background)
    copy = pdf_redact.redact(blob(data), redaction)
    assert_gone(copy.data, [IBAN])
    assert "Overschrijvingsformulier" in page_texts_plumber(copy.data)[0]  # method A: still text
    assert "IBAN:" in page_texts_plumber(copy.data)[0]
    images = _images(copy.data)
    assert len(images) == 2  # the painted copy and the untouched original
    painted = next(im for im in images if _dark(im, (0, 0, 400, 80)) > 0)
    # The value sat at x 101-215 pt, y 669-684 pt; the image spans 60-460 x 640-720 (1 px per pt).
    x0, top, x1, bottom = value_box(data, 0, IBAN)
    image_box = (int(x0 - 60) + 1, int(top - (842 - 720)) + 1, int(x1 - 60) - 1, int(bottom - (842 - 720)) - 1)
    assert _dark(painted, image_box) > 0.95
    assert _dark(painted, (0, 0, 30, 80)) == 0  # the rest of the image is untouched
    assert dark_fraction(copy.data, 0, (x0, top, x1, bottom)) > 0.9


def test_scanned_page_with_ocr_layer(redaction):
    """A scan with an invisible text layer (what OCR software writes): the value goes from
    the text layer and from the picture; the other words stay searchable."""
    pdfmetrics.registerFont(TTFont("Vera", VERA))
    scale = 2  # pixels per point
    vera = ImageFont.truetype(VERA, 12 * scale)
    scan = Image.new("L", (595 * scale, 842 * scale), 255)
    draw = ImageDraw.Draw(scan)
    lines = ["Aanvraag tegemoetkoming", f"Huurder: {NAME}", f"Rijksregisternummer: {NN}", FILLER[0][:60]]
    value_boxes = []
    for i, line in enumerate(lines):
        baseline = 100 + 30 * i  # points from the top
        draw.text((72 * scale, baseline * scale), line, font=vera, fill=0, anchor="ls")
        for value in (NAME, NN):
            if value in line:
                start = draw.textlength(line[:line.index(value)], font=vera)
                value_boxes.append((72 * scale + start, (baseline - 10) * scale,
                                    72 * scale + start + draw.textlength(value, font=vera), (baseline + 2) * scale))

    def ocr(c, _):
        c.drawImage(ImageReader(scan.convert("RGB")), 0, 0, width=595, height=842)
        for i, line in enumerate(lines):
            text = c.beginText(72, 842 - 100 - 30 * i)
            text.setFont("Vera", 12)
            text.setTextRenderMode(3)
            text.textLine(line)
            c.drawText(text)

    data = make_pdf([[]], draw=ocr)
    copy = pdf_redact.redact(blob(data), redaction)
    assert_gone(copy.data, [NAME, NN])
    text = page_texts_plumber(copy.data)[0]
    assert "Aanvraag tegemoetkoming" in text and "Rijksregisternummer:" in text
    (picture,) = _images(copy.data)
    for box in value_boxes:
        assert _dark(picture, tuple(int(v) for v in box)) > 0.95
    assert _dark(picture, (72 * scale, 90 * scale, 300 * scale, 102 * scale)) < 0.3  # "Aanvraag..." still drawn
    assert copy.not_redacted == ["page 1: images not checked (text in images is not read yet)"]


# -- what method A cannot do ------------------------------------------------------------------

def _grey_image(width: int, height: int) -> Image.Image:
    return Image.new("RGB", (width, height), (225, 225, 225))


def test_value_over_an_inline_image_falls_back_to_rasterising(redaction):
    def background(c, _):
        c.drawInlineImage(_grey_image(200, 40), 60, 640, width=400, height=40)
        c.drawString(72, 655, f"IBAN: {IBAN}")

    data = make_pdf([["Overschrijvingsformulier", *FILLER[:3]]], draw=background)
    copy = pdf_redact.redact(blob(data), redaction)
    # An inline image cannot be swapped for a painted copy: the page is a picture now.
    assert_gone(copy.data, [IBAN])
    assert page_texts_pdfium(copy.data)[0].strip() == ""
    assert dark_fraction(copy.data, 0, value_box(data, 0, IBAN)) > 0.9
    x0, top, x1, bottom = value_box(data, 0, "Overschrijvingsformulier")
    assert dark_fraction(copy.data, 0, (x0, top, x1, bottom)) < 0.3  # the rest is still drawn, not blacked
    before, after = pdfium.PdfDocument(data), pdfium.PdfDocument(copy.data)
    assert after[0].get_size() == before[0].get_size()
    assert [e.replacement.value for e in copy.log] == [IBAN]
    assert copy.not_redacted == ["page 1: images not checked (text in images is not read yet)"]


def test_scanned_page_is_reported(redaction):
    scan = Image.new("L", (600, 200), 255)
    ImageDraw.Draw(scan).text((20, 80), f"IBAN {IBAN}", fill=0)

    def draw(c, index):
        if index == 1:
            c.drawInlineImage(scan.convert("RGB"), 0, 0, width=595, height=842)

    data = make_pdf([[f"Huurder: {NAME}"], []], draw=draw)
    copy = pdf_redact.redact(blob(data), redaction)
    assert copy.not_redacted == ["page 2: no text layer (scanned), not redacted"]
    assert_gone(copy.data, [NAME])


def test_encrypted_pdf_is_an_error(redaction):
    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt=StandardEncryption("gebruiker", ownerPassword="eigenaar"))
    c.drawString(72, 800, f"Huurder: {NAME}")
    c.showPage()
    c.save()
    with pytest.raises(ExtractionError) as err:
        pdf_redact.redact(blob(buf.getvalue()), redaction)
    assert err.value.kind == "encrypted"


def test_owner_password_only_is_redacted_and_decrypted(redaction):
    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt=StandardEncryption("", ownerPassword="eigenaar", canPrint=0))
    c.drawString(72, 800, f"Huurder: {NAME}")
    c.showPage()
    c.save()
    copy = pdf_redact.redact(blob(buf.getvalue()), redaction)
    assert_gone(copy.data, [NAME])
    with pikepdf.open(io.BytesIO(copy.data)) as pdf:
        assert not pdf.is_encrypted


@pytest.mark.parametrize("data", [b"%PDF-1.4\nthis is no pdf at all", b""])
def test_broken_pdf_is_corrupt(redaction, data):
    with pytest.raises(ExtractionError) as err:
        pdf_redact.redact(blob(data), redaction)
    assert err.value.kind == "corrupt"


def test_pseudonym_style_also_blacks_out(pseudonymise):
    data = make_pdf([CONTRACT])
    copy = pdf_redact.redact(blob(data), pseudonymise)
    assert_gone(copy.data, CONTRACT_VALUES)


def test_ten_pages_in_reasonable_time(redaction):
    pages = [[f"Pagina {i + 1}", *CONTRACT, *FILLER, *FILLER] for i in range(10)]
    data = make_pdf(pages)
    start = time.perf_counter()
    copy = pdf_redact.redact(blob(data), redaction)
    elapsed = time.perf_counter() - start
    assert_gone(copy.data, CONTRACT_VALUES)
    assert elapsed < 20, f"{10 / elapsed:.1f} pages/s"
