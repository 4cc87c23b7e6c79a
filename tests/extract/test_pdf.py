import pytest
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

from piiscan.extract import extract
from piiscan.extract.pdf import extract_pdf
from piiscan.model import ExtractionError, Location


def make_pdf(path, pages, encrypt=None, author="", title=""):
    pdf = canvas.Canvas(str(path), encrypt=encrypt)
    pdf.setAuthor(author)
    pdf.setTitle(title)
    for lines in pages:
        y = 800
        for line in lines:
            pdf.drawString(72, y, line)
            y -= 20
        pdf.showPage()
    pdf.save()
    return path


def test_two_pages_with_page_numbers_and_metadata(tmp_path, blob_from_path):
    path = make_pdf(
        tmp_path / "contract.pdf",
        [["Huurcontract", "Huurder: Bram Vermeulen"], ["IBAN: BE71 0961 2345 6769", "Handtekening"]],
        author="Ilse Goossens",
        title="Contract Vermeulen",
    )
    segments = list(extract(blob_from_path(path)))
    metadata = [s for s in segments if s.location.part == "metadata"]
    assert {("author", "Ilse Goossens"), ("title", "Contract Vermeulen")} <= {(s.context, s.text) for s in metadata}
    pages = [s for s in segments if s.location.page is not None]
    assert [s.location for s in pages] == [Location(page=1), Location(page=2)]
    assert "Huurder: Bram Vermeulen" in pages[0].text
    assert "BE71 0961 2345 6769" in pages[1].text
    assert "Bram" not in pages[1].text


def test_pdf_needing_a_password_is_encrypted(tmp_path, blob_from_path):
    path = make_pdf(tmp_path / "geheim.pdf", [["Loonfiche Sofie Janssens"]],
                    encrypt=StandardEncryption("gebruiker", ownerPassword="eigenaar"))
    with pytest.raises(ExtractionError) as err:
        list(extract(blob_from_path(path)))
    assert err.value.kind == "encrypted"


def test_owner_password_only_still_reads(tmp_path, blob_from_path):
    # Restrictions without a user password: any reader opens it, so must we.
    path = make_pdf(tmp_path / "beperkt.pdf", [["Loonfiche Sofie Janssens"]],
                    encrypt=StandardEncryption("", ownerPassword="eigenaar", canPrint=0))
    pages = [s for s in extract_pdf(blob_from_path(path)) if s.location.page]
    assert "Sofie Janssens" in pages[0].text


@pytest.mark.parametrize("data", [b"%PDF-1.4\nthis is no pdf at all", b"", b"\x00\x01\x02garbage"])
def test_broken_pdf_is_corrupt(write_bytes, data):
    with pytest.raises(ExtractionError) as err:
        list(extract(write_bytes("kapot.pdf", data)))
    assert err.value.kind == "corrupt"


def test_page_without_text_yields_no_segment(tmp_path, blob_from_path):
    path = make_pdf(tmp_path / "scan.pdf", [[], ["Tweede pagina: Kim De Smet"]])
    segments = list(extract_pdf(blob_from_path(path)))
    assert [s.location.page for s in segments if s.location.part != "metadata"] == [2]
