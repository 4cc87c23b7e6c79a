"""Redacted copies of e-mail: .eml, Maildir messages and mbox files.

The messages are synthetic Belgian/Dutch GDPR requests built here with the email package;
every name, number and address is invented (piiscan.synth makes valid check digits). Each
copy is checked three ways: what the scan found in the original is gone (read back with the
module's own raw_texts AND with piiscan's extractor + detector), the structure a mail client
relies on is intact (parsed with email.policy.default), and the rest of the text remains.
"""

from __future__ import annotations

import email
import email.policy
import mailbox
import random
import re
from email.message import EmailMessage
from html.parser import HTMLParser

import pytest

from piiscan import synth
from piiscan.model import Blob
from piiscan.redact.formats import format_module, mail
from piiscan.redact.styles import Replacer
from piiscan.redact.text import TextRedaction
from piiscan.run.worker import scan_blob
from piiscan.sources.blob import memory_blob

RNG = random.Random(20240312)
IBAN = synth.iban(RNG, "BE", spaced=True)
NN = synth.be_national_number(RNG)
BSN = synth.nl_bsn(RNG)
PHONE = synth.phone_be(RNG, style="spaced")
EMAIL = "sophie.peeters@example.be"
NAME = "Sophie Péeters"
ENCODED_NAME = b"=?utf-8?q?Sophie_P=C3=A9eters?="
IP = "81.82.83.84"
MESSAGE_ID = "<inzage-17@example.be>"
DATE = "Tue, 12 Mar 2024 09:14:00 +0100"

PLAIN = (
    f"Geachte heer of mevrouw,\n\n"
    f"Op grond van artikel 15 van de AVG vraag ik inzage in mijn persoonsgegevens.\n"
    f"Mijn rijksregisternummer is {NN} en mijn rekeningnummer is {IBAN}.\n"
    f"U kunt mij bereiken op {PHONE} of via {EMAIL}.\n\n"
    f"Met vriendelijke groeten,\n{NAME}\n"
)
HTML = (
    "<html><head><title>Inzageverzoek</title></head><body>"
    "<p>Geachte heer of mevrouw,</p>"
    "<p>Op grond van artikel 15 van de AVG vraag ik inzage in mijn persoonsgegevens.</p>"
    f"<p>Mijn rijksregisternummer is <b>{NN}</b> &amp; mijn rekeningnummer is {IBAN}.</p>"
    f'<p>U kunt mij bereiken op {PHONE} of via <a href="mailto:{EMAIL}">{EMAIL}</a>.</p>'
    f"<p>Met vriendelijke groeten,<br>{NAME}</p></body></html>"
)
CSV = f"naam;rijksregisternummer;telefoon\n{NAME};{NN};{PHONE}\n".encode()


def forwarded() -> EmailMessage:
    inner = EmailMessage()
    inner["From"] = "Jan Jansen <jan.jansen@example.nl>"
    inner["To"] = "klantenservice@zonnewende.be"
    inner["Subject"] = "Verzoek om verwijdering"
    inner["Date"] = "Mon, 11 Mar 2024 17:02:00 +0100"
    inner["Message-ID"] = "<verwijder-3@example.nl>"
    # A base64 UTF-8 body.
    inner.set_content(f"Beste klantenservice,\n\nVerwijder mijn gegevens. Mijn BSN is {BSN}.\nGroet, Jan Jansen — Utrecht\n", cte="base64")
    return inner


def gdpr_mail(csv_name: str = "klanten.csv") -> bytes:
    message = EmailMessage()
    message["From"] = f"PLACEHOLDER <{EMAIL}>"
    message["To"] = "Privacy Zonnewende <privacy@zonnewende.be>"
    message["Subject"] = f"Inzageverzoek AVG — {NAME}"
    message["Date"] = DATE
    message["Message-ID"] = MESSAGE_ID
    message["Received"] = f"from mail.example.be ([{IP}]) by mx.zonnewende.be with ESMTPS id 4TvX9; {DATE}"
    message.set_content(PLAIN, cte="quoted-printable")
    message.add_alternative(HTML, subtype="html", cte="base64")
    message.add_attachment(CSV, maintype="text", subtype="csv", filename=csv_name)
    message.add_attachment(f"Notitie bij het verzoek van {NAME}: IBAN {IBAN}.\n".encode(), maintype="text", subtype="plain", filename="notitie.txt")
    message.add_attachment(b"\xff\xd8\xff\xe0 no real jpeg", maintype="image", subtype="jpeg", filename=f"id-kaart {NAME}.jpg")
    message.add_attachment(forwarded())
    data = message.as_bytes()
    # An RFC 2047 encoded display name, exactly as many clients write it.
    return data.replace(b"PLACEHOLDER", ENCODED_NAME, 1)


@pytest.fixture
def style(detector):
    def make(name: str) -> TextRedaction:
        return TextRedaction(detector, Replacer(name, b"redaction-test-key-0123456789abc"))
    return make


def parse(data: bytes):
    return email.message_from_bytes(data, policy=email.policy.default)


def shape(message) -> list[tuple[str, str | None]]:
    return [(part.get_content_type(), part.get_filename()) for part in message.walk()]


def original_values(blob: Blob, detector) -> set[str]:
    result = scan_blob(blob, detector)
    assert result.error is None
    return {f.value for f in result.findings}


def assert_values_gone(copy_blob: Blob, values: set[str], detector) -> None:
    texts = "\n".join(mail.raw_texts(copy_blob.open().read()))
    assert not [v for v in values if v in texts]
    again = scan_blob(copy_blob, detector)
    assert again.error is None
    assert not values & {f.value for f in again.findings}


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_endtag(self, tag):
        self.tags.append("/" + tag)


def tags(html: str) -> list[str]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


def test_every_value_the_scan_finds_is_gone(style, detector):
    data = gdpr_mail()
    values = original_values(memory_blob("mail/inzage.eml", data), detector)
    assert {NN, IBAN, BSN, EMAIL, NAME, PHONE} <= values
    copy = mail.redact(memory_blob("mail/inzage.eml", data), style("label"))
    assert_values_gone(memory_blob("mail/inzage.eml", copy.data), values, detector)
    # Beyond what the scan reads: Received headers and a forwarded message's headers.
    texts = "\n".join(mail.raw_texts(copy.data))
    assert IP not in texts and "jan.jansen@example.nl" not in texts and "Jan Jansen" not in texts


def test_structure_is_kept_and_the_copy_parses(style):
    data = gdpr_mail()
    original = parse(data)
    copy = parse(mail.redact(memory_blob("mail/inzage.eml", data), style("label")).data)
    assert [t for t, _ in shape(copy)] == [t for t, _ in shape(original)]
    assert [f for _, f in shape(copy)] == [None, None, None, None, "klanten.csv", "notitie.txt", "id-kaart [PERSON].jpg", None, None]
    assert all(not part.defects for part in copy.walk())
    # Multipart boundaries, identifiers and dates stay; the transfer encodings too.
    assert [p.get_boundary() for p in copy.walk() if p.is_multipart()] == [p.get_boundary() for p in original.walk() if p.is_multipart()]
    assert copy["Message-ID"] == MESSAGE_ID and copy["Date"] == DATE
    assert [p["Content-Transfer-Encoding"] for p in copy.walk()] == [p["Content-Transfer-Encoding"] for p in original.walk()]
    received = copy["Received"]
    assert IP not in received and "[IP_ADDRESS]" in received and received.startswith("from mail.example.be")


def test_headers_are_redacted_and_encoded_words_decoded(style):
    data = gdpr_mail()
    assert ENCODED_NAME in data
    copy = mail.redact(memory_blob("mail/inzage.eml", data), style("label"))
    assert copy.data.isascii()  # everything non-ASCII went back into encoded words / encodings
    message = parse(copy.data)
    assert message["From"].addresses[0].display_name == "[PERSON]"
    assert message["From"].addresses[0].addr_spec == "EMAIL_ADDRESS@redacted.invalid"  # still an address
    assert message["To"].addresses[0].display_name == "Privacy Zonnewende"
    assert message["Subject"] == "Inzageverzoek AVG — [PERSON]"
    assert b"=?utf-8?" in copy.data.split(b"\n\n", 1)[0]  # the subject keeps its em dash, encoded
    where = {e.location.part for e in copy.log if e.member == ""}
    assert {"from", "to", "subject", "received", "body"} <= where
    by_part = {e.location.part: e.location for e in copy.log if e.member == ""}
    assert by_part["body"].message_id == MESSAGE_ID and by_part["body"].date == DATE


def test_bodies_keep_their_encodings_and_markup(style):
    data = gdpr_mail()
    original = parse(data)
    copy = parse(mail.redact(memory_blob("mail/inzage.eml", data), style("label")).data)
    plain = copy.get_body(("plain",))
    assert plain["Content-Transfer-Encoding"] == "quoted-printable"
    text = plain.get_content()
    assert "Mijn rijksregisternummer is [BE_NATIONAL_NUMBER] en mijn rekeningnummer is [IBAN_CODE]." in text
    html_part = copy.get_body(("html",))
    assert html_part["Content-Transfer-Encoding"] == "base64"
    html = html_part.get_content()
    assert tags(html) == tags(original.get_body(("html",)).get_content())
    assert '<a href="mailto:[EMAIL_ADDRESS]">[EMAIL_ADDRESS]</a>' in html
    assert "<b>[BE_NATIONAL_NUMBER]</b> &amp; mijn" in html
    # Forwarded message: its headers and its base64 UTF-8 body.
    inner = next(p for p in copy.walk() if p.get_content_type() == "message/rfc822").get_content()
    assert inner["From"].addresses[0].display_name == "[PERSON]" and inner["Subject"] == "Verzoek om verwijdering"
    assert inner["Content-Transfer-Encoding"] == "base64"
    assert "Mijn BSN is [NL_BSN]." in inner.get_content() and "Utrecht" in inner.get_content()


def test_non_personal_words_remain(style, detector):
    data = gdpr_mail()
    values = original_values(memory_blob("mail/inzage.eml", data), detector)
    personal = {w for v in values for w in words(v)}
    before = [w for w in words(PLAIN + HTML) if w not in personal and not w.isdigit()]
    copy = mail.redact(memory_blob("mail/inzage.eml", data), style("pseudonym"))
    after = set(words("\n".join(mail.raw_texts(copy.data))))
    kept = sum(w in after for w in before)
    assert kept / len(before) >= 0.95


def test_pseudonyms_are_consistent_across_parts(style):
    copy = mail.redact(memory_blob("mail/inzage.eml", gdpr_mail()), style("pseudonym"))
    by_value: dict[str, set[str]] = {}
    for entry in copy.log:
        by_value.setdefault(entry.replacement.value, set()).add(entry.replacement.replacement)
    assert all(len(replacements) == 1 for replacements in by_value.values()), by_value
    stand_in = by_value[EMAIL].pop()
    message = parse(copy.data)
    assert message["From"].addresses[0].addr_spec == stand_in
    assert f'href="mailto:{stand_in}"' in message.get_body(("html",)).get_content()
    assert stand_in in message.get_body(("plain",)).get_content()
    nn = by_value[NN].pop()
    csv = next(p for p in message.walk() if p.get_filename() == "klanten.csv").get_content()
    assert nn in csv and nn in message.get_body(("plain",)).get_content()
    # The name in the image's file name is found in the body: it gets the same stand-in.
    person = by_value[NAME].pop()
    assert f"id-kaart {person}.jpg" in [p.get_filename() for p in message.walk()]


def test_attachments_go_through_the_registry_with_the_scan_paths(style, detector):
    data = gdpr_mail()
    scan = scan_blob(memory_blob("mail/inzage.eml", data), detector)
    scanned = {f.path.removeprefix("mail/inzage.eml").removeprefix("!/") for f in scan.findings}
    copy = mail.redact(memory_blob("mail/inzage.eml", data), style("label"))
    members = {e.member for e in copy.log}
    assert scanned <= members
    assert {"attachments/klanten.csv", "attachments/notitie.txt"} <= members
    assert format_module(memory_blob("x.csv", b"")) is not None  # the CSV went through formats.tabular
    csv = next(p for p in parse(copy.data).walk() if p.get_filename() == "klanten.csv")
    assert csv.get_content().splitlines() == ["naam;rijksregisternummer;telefoon", "[PERSON];[BE_NATIONAL_NUMBER];[PHONE_NUMBER]"]
    # The image cannot be checked: listed, and kept byte for byte.
    assert copy.not_redacted == [f"attachments/id-kaart {NAME}.jpg: image not redacted"]
    image = next(p for p in parse(copy.data).walk() if p.get_content_type() == "image/jpeg")
    assert image.get_content() == b"\xff\xd8\xff\xe0 no real jpeg"


def test_an_attachment_that_fails_to_redact_is_listed_and_kept(style):
    message = EmailMessage()
    message["From"] = f"{NAME} <{EMAIL}>"
    message["Subject"] = "Bijlage"
    message.set_content("Zie bijlage.\n")
    message.add_attachment(b"PK\x03\x04 not really a docx", maintype="application", subtype="octet-stream", filename="kapot.docx")
    copy = mail.redact(memory_blob("m.eml", message.as_bytes()), style("label"))
    assert len(copy.not_redacted) == 1 and copy.not_redacted[0].startswith("attachments/kapot.docx: not redacted (")
    part = next(p for p in parse(copy.data).walk() if p.get_filename() == "kapot.docx")
    assert part.get_content() == b"PK\x03\x04 not really a docx"


def test_charset_switches_to_utf8_when_a_replacement_does_not_fit(detector):
    redaction = TextRedaction(detector, lambda entity, value, canonical: "Żaneta Łukasiewicz" if entity == "PERSON" else f"[{entity}]")
    message = EmailMessage()
    message["From"] = "Sophie Peeters <sophie@example.be>"
    message["Subject"] = "Demande d'accès"
    message.set_content("Née à Liège, je suis Sophie Peeters.\n", charset="iso-8859-1")
    message.add_alternative("Bonjour, je suis Sophie Peeters.\n", subtype="plain", charset="us-ascii")
    original = parse(message.as_bytes())
    copy = parse(mail.redact(memory_blob("m.eml", message.as_bytes()), redaction).data)
    latin, ascii_part = [p for p in copy.walk() if not p.is_multipart()]
    assert latin.get_content_charset() == "utf-8" and latin.get_content() == "Née à Liège, je suis Żaneta Łukasiewicz.\n"
    assert ascii_part.get_content_charset() == "utf-8" and ascii_part.get_content() == "Bonjour, je suis Żaneta Łukasiewicz.\n"
    assert ascii_part["Content-Transfer-Encoding"] == "quoted-printable"  # 7bit cannot carry it
    assert latin["Content-Transfer-Encoding"] == original.get_payload()[0]["Content-Transfer-Encoding"]
    assert copy["From"].addresses[0].display_name == "Żaneta Łukasiewicz"


def test_latin1_body_keeps_its_charset_when_the_replacement_fits(style):
    message = EmailMessage()
    message["From"] = "a@example.be"
    message.set_content(f"Née à Liège. Rijksregisternummer {NN}.\n", charset="iso-8859-1", cte="8bit")
    copy = parse(mail.redact(memory_blob("m.eml", message.as_bytes()), style("label")).data)
    assert copy.get_content_charset() == "iso-8859-1" and copy["Content-Transfer-Encoding"] == "8bit"
    assert copy.get_content() == "Née à Liège. Rijksregisternummer [BE_NATIONAL_NUMBER].\n"


def test_a_message_without_findings_is_unchanged_and_crlf_is_kept(style):
    quiet = b"From: Klantendienst Zonnewende\r\nSubject: Openingsuren\r\n\r\nWij zijn open van negen tot vijf.\r\n"
    assert mail.redact(memory_blob("q.eml", quiet), style("label")).data == quiet
    loud = quiet.replace(b"negen tot vijf", b"negen tot vijf. Bel " + PHONE.encode())
    copy = mail.redact(memory_blob("q.eml", loud), style("label")).data
    assert copy == quiet.replace(b"negen tot vijf", b"negen tot vijf. Bel [PHONE_NUMBER]")


def test_not_a_message_is_corrupt(style):
    from piiscan.model import ExtractionError

    with pytest.raises(ExtractionError) as raised:
        mail.redact(memory_blob("x.eml", b"\x00\x01binary"), style("label"))
    assert raised.value.kind == "corrupt"


def test_maildir_message(style):
    blob = memory_blob("Maildir/cur/1700000000.M1P2.server:2,S", gdpr_mail())
    blob = Blob(path=blob.path, size=blob.size, open=blob.open, kind="mail-file")
    copy = mail.redact(blob, style("label"))
    assert "attachments/klanten.csv" in {e.member for e in copy.log}
    assert NN.encode() not in copy.data


def mbox_of(messages: list[bytes]) -> bytes:
    return b"".join(
        f"From {EMAIL} Tue Mar 12 09:14:00 2024\n".encode() + m.replace(b"\nFrom ", b"\n>From ") + b"\n"
        for m in messages
    )


QUIET = b"Subject: leeg\nMessage-ID: <leeg@zonnewende.be>\n\nGeen persoonsgegevens.\n>From the archive.\n"


def test_mbox_every_message_redacted_and_numbered_as_the_scan(style, detector, tmp_path):
    data = mbox_of([gdpr_mail(), gdpr_mail("tweede.csv"), QUIET])
    scan = scan_blob(memory_blob("mail/inbox.mbox", data), detector)
    values = {f.value for f in scan.findings}
    copy = mail.redact(memory_blob("mail/inbox.mbox", data), style("label"))
    assert_values_gone(memory_blob("mail/inbox.mbox", copy.data), values, detector)

    scanned = {f.path.removeprefix("mail/inbox.mbox!/") for f in scan.findings}
    members = {e.member for e in copy.log}
    assert scanned <= members
    assert {"00001", "00001/attachments/klanten.csv", "00002/attachments/tweede.csv"} <= members
    # The envelope sender is redacted on every From_ line; the third message has nothing else.
    separators = [line for line in copy.data.split(b"\n") if line.startswith(b"From ")]
    assert separators == [b"From [EMAIL_ADDRESS] Tue Mar 12 09:14:00 2024"] * 3
    assert {e.location.part for e in copy.log if e.member == "00003"} == {"envelope"}
    # ">From " quoting is preserved and the quiet message is kept byte for byte.
    assert copy.data.endswith(b"\nFrom [EMAIL_ADDRESS] Tue Mar 12 09:14:00 2024\n" + QUIET + b"\n")
    path = tmp_path / "copy.mbox"
    path.write_bytes(copy.data)
    box = mailbox.mbox(str(path))
    parsed = [parse(m.as_bytes()) for m in box]
    assert len(parsed) == 3
    for message, csv_name in zip(parsed, ("klanten.csv", "tweede.csv")):
        assert [f for _, f in shape(message)] == [None, None, None, None, csv_name, "notitie.txt", "id-kaart [PERSON].jpg", None, None]
        assert [t for t, _ in shape(message)] == [t for t, _ in shape(parse(gdpr_mail()))]
    assert parsed[2].get_content() == "Geen persoonsgegevens.\n>From the archive.\n"  # mailbox does not unquote


def test_mbox_from_lines_in_bodies_stay_quoted(style):
    body = f"Subject: doorgestuurd\n\nHieronder het verzoek.\n>From: {NAME}\nFrom the start, rijksregisternummer {NN}.\n".encode()
    data = b"From MAILER-DAEMON Tue Mar 12 09:14:00 2024\n" + body.replace(b"\nFrom ", b"\n>From ") + b"\n"
    copy = mail.redact(memory_blob("box.mbox", data), style("label")).data
    assert copy.count(b"\nFrom ") == 0 and copy.startswith(b"From MAILER-DAEMON ")
    assert b"\n>From the start, rijksregisternummer [BE_NATIONAL_NUMBER].\n" in copy


def test_raw_texts_reads_every_part_independently():
    texts = "\n".join(mail.raw_texts(gdpr_mail()))
    for value in (NAME, NN, IBAN, BSN, EMAIL, IP, "Jan Jansen", f"id-kaart {NAME}.jpg", "Notitie bij het verzoek"):
        assert value in texts


def test_docx_attachment_goes_through_formats_docx(style):
    import io

    from docx import Document

    document = Document()
    document.add_paragraph(f"Verzoek van {NAME}, rijksregisternummer {NN}.")
    buffer = io.BytesIO()
    document.save(buffer)
    message = EmailMessage()
    message["Subject"] = "Bijlage"
    message.set_content("Zie bijlage.\n")
    message.add_attachment(buffer.getvalue(), maintype="application",
                           subtype="vnd.openxmlformats-officedocument.wordprocessingml.document", filename="verzoek.docx")
    copy = mail.redact(memory_blob("m.eml", message.as_bytes()), style("label"))
    assert {(e.member, e.replacement.value) for e in copy.log} == {("attachments/verzoek.docx", NAME), ("attachments/verzoek.docx", NN)}
    attachment = next(p for p in parse(copy.data).walk() if p.get_filename() == "verzoek.docx").get_content()
    assert Document(io.BytesIO(attachment)).paragraphs[0].text == "Verzoek van [PERSON], rijksregisternummer [BE_NATIONAL_NUMBER]."


def test_a_value_found_in_one_message_is_replaced_in_every_message(style):
    # The detector knows "Wendelien Dorgelo" for a name only after "mevrouw" (message 2); the
    # copy is verified as one file, so message 1's subject must lose it too.
    first = b"Subject: Verslag Wendelien Dorgelo\nMessage-ID: <a@zonnewende.be>\n\nZie verslag.\n"
    second = b"Subject: Verzoek\nMessage-ID: <b@zonnewende.be>\n\nIk schrijf namens mevrouw Wendelien Dorgelo.\n"
    data = b"".join(b"From MAILER-DAEMON Tue Mar 12 09:14:00 2024\n" + m + b"\n" for m in (first, second))
    copy = mail.redact(memory_blob("box.mbox", data), style("label"))
    assert b"Dorgelo" not in copy.data
    assert b"Subject: Verslag [PERSON]\n" in copy.data
    assert {(e.member, e.location.part) for e in copy.log} == {("00001", "subject"), ("00002", "body")}


EDGE = (
    "From: =?iso-8859-1?q?St=E9phanie_Lecomte?= <stephanie.lecomte@exemple.be>\r\n"
    "To: Undisclosed recipients:;\r\n"
    "Cc: jan@example.nl,\r\n Anna de Vries <anna@example.nl>\r\n"
    "Return-Path: <stephanie.lecomte@exemple.be>\r\n"
    "X-Originating-IP: [81.82.83.84]\r\n"
    "MIME-Version: 1.0\r\n"
    'Content-Type: multipart/alternative; boundary="b1"\r\n\r\n'
    "Preamble by Sophie Peeters\r\n"
    "--b1\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    "N\xe9e le 3 mars 1979 \xe0 Li\xe8ge.\r\n"
    "--b1\r\nContent-Type: text/html; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
    '<p class=3Dintro>Je suis St&eacute;phanie Lecomte, <img src=3D"cid:logo@exemple.be" alt=3D"photo de St=E9phanie=\r\n'
    ' Lecomte"></p><!-- auteur: St=E9phanie Lecomte -->\r\n'
    "--b1--\r\n"
).encode("latin-1")


def test_odd_but_valid_messages(style):
    copy = mail.redact(memory_blob("m.eml", EDGE), style("label"))
    assert copy.data.count(b"\n") == copy.data.count(b"\r\n")  # CRLF kept throughout
    message = parse(copy.data)
    assert all(not part.defects for part in message.walk())
    assert message["To"] == "Undisclosed recipients:;"  # a group with nothing to redact stays
    assert message["Return-Path"] == "<EMAIL_ADDRESS@redacted.invalid>"  # brackets kept
    assert [a.addr_spec for a in message["Cc"].addresses] == ["EMAIL_ADDRESS@redacted.invalid"] * 2
    assert message["X-Originating-IP"] == "[[IP_ADDRESS]]"
    assert message.preamble.strip() == "Preamble by [PERSON]"
    plain, html_part = message.get_payload()
    assert plain["Content-Transfer-Encoding"] == "8bit" and plain.get_content_charset() == "iso-8859-1"
    assert plain.get_content() == "Née le [DATE_OF_BIRTH] à Liège."  # the CRLF before "--b1" is the boundary's
    html = html_part.get_content()
    assert '<p class=intro>Je suis [PERSON], <img src="cid:logo@exemple.be" alt="photo de [PERSON]"></p><!-- auteur: [PERSON] -->' in html
    assert {e.location.part for e in copy.log} >= {"from", "cc", "return-path", "x-originating-ip", "preamble", "body", "html-attribute", "html-comment"}


def test_pgp_encrypted_body_is_listed(style):
    armored = "-----BEGIN PGP MESSAGE-----\n\nhQEMA8xyz\n-----END PGP MESSAGE-----\n"
    message = EmailMessage()
    message["From"] = f"{NAME} <{EMAIL}>"
    message.set_content(armored)
    copy = mail.redact(memory_blob("m.eml", message.as_bytes()), style("label"))
    assert copy.not_redacted == ["body: PGP-encrypted text not redacted"]
