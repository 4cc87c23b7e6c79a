"""Redacting HTML files (.html, .htm) in their own source: values are found in the text the
scan sees (a name split by tags, character references decoded) and in attribute values (a
mailto: href); everything outside the findings stays byte for byte, and the copy still parses.
"""

from __future__ import annotations

import io
import random
import zipfile
from html.parser import HTMLParser

import pytest

from piiscan import synth
from piiscan.extract.html import html_to_text
from piiscan.extract.text import SAMPLE_SIZE
from piiscan.model import ExtractionError
from piiscan.redact.formats import archive, format_module
from piiscan.redact.formats import html as html_redactor
from piiscan.redact.verify import verify_bytes
from piiscan.run.worker import scan_blob
from piiscan.sources.blob import memory_blob

RNG = random.Random(20240312)
IBAN = synth.iban(RNG, "BE", spaced=True)
# The IBAN with its first two letters written as character references: "&#66;&#69;70 ...".
IBAN_REFS = "".join(f"&#{ord(char)};" for char in IBAN[:2]) + IBAN[2:]
EMAIL = "sophie.peeters@example.be"

# {name}, {iban}, {email}: where the values go; everything else must come back unchanged.
TEMPLATE = (
    '<!DOCTYPE html>\r\n<html lang="nl"><head><meta charset="{charset}">\r\n'
    "<title>Dossier {title}</title>\r\n"
    "<style>p.intro {{ color: #333 }}</style></head>\r\n"
    "<body>\r\n"
    "<!-- opgemaakt door de klantendienst -->\r\n"
    "<p class=intro>Geachte mevrouw {name},</p>\r\n"
    "<p>Uw rekeningnummer: <span   data-x='1'>{iban}</span> &amp; uw café-kaart.</p>\r\n"
    '<p>Vragen? <a href="mailto:{email}" TITLE="Mail ons">Mail ons</a>.</p>\r\n'
    "<script>var x = '<b>niet</b>';</script>\r\n"
    "</body></html>\r\n"
)
ORIGINAL = TEMPLATE.format(charset="{charset}", title="Sophie Peeters", name="<b>Sophie</b> Peeters", iban=IBAN_REFS, email=EMAIL)
# The value split by tags: the label goes where it starts, the rest is removed from the next node.
EXPECTED = TEMPLATE.format(charset="{charset}", title="[PERSON]", name="<b>[PERSON]</b>", iban="[IBAN_CODE]", email="[EMAIL_ADDRESS]")


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, [name for name, _ in attrs]))

    def handle_endtag(self, tag):
        self.tags.append((f"/{tag}", []))


def tags(source: str) -> list[tuple[str, list]]:
    parser = Tags()
    parser.feed(source)
    parser.close()
    return parser.tags


def document(charset: str = "utf-8") -> bytes:
    data = ORIGINAL.replace("{charset}", charset)
    return data.encode("utf-8-sig" if charset == "utf-8" else charset)


def scan_values(data: bytes, name: str, detector) -> set[str]:
    result = scan_blob(memory_blob(name, data), detector)
    assert result.error is None
    return {f.value for f in result.findings}


@pytest.mark.parametrize("suffix", [".html", ".htm", ".HTML"])
def test_html_files_have_their_own_redactor(suffix):
    assert format_module(memory_blob(f"site/index{suffix}", b"")) is html_redactor


def test_scan_reads_the_values_this_test_hides():
    # The premises: the scan's text joins the split name and decodes character references.
    visible = html_to_text(ORIGINAL)
    assert "Geachte mevrouw Sophie Peeters," in visible
    assert IBAN in visible


@pytest.mark.parametrize("charset", ["utf-8", "windows-1252"])
def test_only_the_findings_change(charset, redaction):
    data = document(charset)
    copy = html_redactor.redact(memory_blob("brief.html", data), redaction)
    # Byte for byte: BOM, CRLF line ends, the charset of "café", quoting, comments, script.
    expected = EXPECTED.replace("{charset}", charset)
    assert copy.data == expected.encode("utf-8-sig" if charset == "utf-8" else charset)


def test_name_split_over_tags(redaction, detector):
    copy = html_redactor.redact(memory_blob("brief.html", document()), redaction)
    text = copy.data.decode("utf-8-sig")
    assert "<b>[PERSON]</b>," in text and "Peeters" not in text and "Sophie" not in text
    body = [e for e in copy.log if e.location.part == "body" and e.replacement.entity_type == "PERSON"]
    assert [e.replacement.value for e in body] == ["Sophie Peeters"]
    assert {e.location.part for e in copy.log} >= {"title", "body", "html-attribute"}


def test_mailto_href(redaction):
    copy = html_redactor.redact(memory_blob("brief.html", document()), redaction)
    assert b'<a href="mailto:[EMAIL_ADDRESS]" TITLE="Mail ons">Mail ons</a>' in copy.data
    [entry] = [e for e in copy.log if e.replacement.entity_type == "EMAIL_ADDRESS"]
    assert entry.replacement.value == EMAIL and entry.location.part == "html-attribute"


def test_value_written_with_character_references(redaction):
    copy = html_redactor.redact(memory_blob("brief.html", document()), redaction)
    text = copy.data.decode("utf-8-sig")
    [entry] = [e for e in copy.log if e.replacement.entity_type == "IBAN_CODE"]
    assert entry.replacement.value == IBAN
    # Replaced whole, references included; "&amp;" next to it is not part of the value.
    assert "<span   data-x='1'>[IBAN_CODE]</span> &amp; uw" in text
    assert "&#66;" not in text and IBAN[5:] not in text
    assert IBAN in "\n".join(html_redactor.raw_texts(document()))  # verification would see it


@pytest.mark.parametrize("charset", ["utf-8", "windows-1252"])
def test_copy_parses_and_verifies(charset, redaction, detector):
    data = document(charset)
    assert scan_values(data, "brief.html", detector) >= {"Sophie Peeters", IBAN}
    copy = html_redactor.redact(memory_blob("brief.html", data), redaction)
    assert tags(copy.data.decode(charset)) == tags(data.decode(charset))
    assert not scan_values(copy.data, "brief.html", detector) - {"[PERSON]", "[IBAN_CODE]", "[EMAIL_ADDRESS]"}
    # The redact command's own check: the scan again, and every original value in raw_texts.
    assert verify_bytes("brief.html", copy.data, [e.replacement for e in copy.log], detector, html_redactor) == []


def test_a_value_found_in_the_text_is_replaced_in_attributes_too(redaction):
    # "Peeters" alone is no name to the detector; after "Mevrouw" in the text it is.
    data = b'<p>Mevrouw Peeters woont hier.</p><img src="pasfoto.jpg" alt="Peeters">\n'
    copy = html_redactor.redact(memory_blob("brief.html", data), redaction)
    assert copy.data == b'<p>Mevrouw [PERSON] woont hier.</p><img src="pasfoto.jpg" alt="[PERSON]">\n'


def test_nothing_found_gives_the_same_bytes(redaction):
    data = "<p>Geen persoonsgegevens, alleen een café.</p>\n".encode("cp1252")
    copy = html_redactor.redact(memory_blob("leeg.htm", data), redaction)
    assert copy.data == data and copy.log == [] and copy.not_redacted == []


def test_mixed_encodings_are_refused(redaction):
    # UTF-8 as far as the encoding is sniffed, a cp1252 byte after: no codec gives these bytes back.
    data = "<p>café</p>".encode("utf-8") + b"<p>" + b"x" * SAMPLE_SIZE + "crème</p>".encode("cp1252")
    with pytest.raises(ExtractionError) as caught:
        html_redactor.redact(memory_blob("gemengd.html", data), redaction)
    assert caught.value.kind == "corrupt"


def test_html_member_of_an_archive(redaction):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        target.writestr("site/brief.html", document())
    copy = archive.redact(memory_blob("site.zip", buffer.getvalue()), redaction)
    with zipfile.ZipFile(io.BytesIO(copy.data)) as result:
        member = result.read("site/brief.html")
    assert member == EXPECTED.replace("{charset}", "utf-8").encode("utf-8-sig")
    assert {e.member for e in copy.log} == {"site/brief.html"}
