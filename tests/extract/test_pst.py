"""The PST reader (piiscan.extract.outlook.extract_pst) on synthetic stores written by
tests/fixtures/pst.py: mail without transport headers, contacts and appointments, attachment
names, a password-protected store, orphan items and an item libpff cannot read.
All people, numbers and addresses are invented (piiscan.synth, example.be / example.nl)."""

from __future__ import annotations

import json
import random
import struct
from email import message_from_bytes
from email.policy import default

import pypff
import pytest

from piiscan import synth
from piiscan.extract import extract
from piiscan.extract.outlook import extract_pst
from piiscan.model import Blob, ErrorRecord, Segment
from piiscan.run.worker import scan_blob
from piiscan.sources.blob import memory_blob
from tests.fixtures.pst import Appointment, Attachment, Contact, Message, Recipient, build_pst

RNG = random.Random(2024)


def _someone(locale: str, domain: str) -> tuple[str, str]:
    first, last = synth.person(RNG, locale)
    return f"{first} {last}", synth.email(RNG, first, last, domain)


SOPHIE, SOPHIE_MAIL = _someone("nl_BE", "example.be")
JAN, JAN_MAIL = _someone("nl_NL", "example.nl")
LOTTE, LOTTE_MAIL = _someone("nl_NL", "example.nl")
AMELIE, AMELIE_MAIL = _someone("fr_BE", "example.be")
DESK, DESK_MAIL = "Privacydienst Zonnewende", "privacy@zonnewende.example.be"
NN = synth.be_national_number(RNG)
BSN = synth.nl_bsn(RNG)
IBAN = synth.iban(RNG, "BE")
MOBILE = synth.phone_be(RNG, "intl", "mobile")
STREET, CITY = synth.address(RNG, "nl_BE")

TOP = "Top of Personal Folders"

# Sent items and drafts have no transport headers: sender and recipients are properties only.
SENT = Message(
    subject="Antwoord op uw inzageverzoek",
    sender_name=DESK, sender_address=DESK_MAIL,
    recipients=[Recipient(SOPHIE, SOPHIE_MAIL), Recipient(JAN, JAN_MAIL, kind=2),
                Recipient(LOTTE, LOTTE_MAIL, kind=3), Recipient(SOPHIE, SOPHIE_MAIL)],  # Sophie twice
    body=f"Geachte mevrouw,\r\n\r\nUw rijksregisternummer {NN} staat in ons klantenbestand.\r\n",
    headers="",
)
# Headers that name the sender only: To and Cc come from the recipient table.
PARTIAL = Message(
    subject="Doorgestuurd", sender_name=JAN, sender_address=JAN_MAIL,
    recipients=[Recipient(DESK, DESK_MAIL), Recipient(AMELIE, AMELIE_MAIL, kind=2)],
    body="Zie bijlage.", message_id="<partial@example.nl>",
    headers=f"From: {JAN} <{JAN_MAIL}>\r\nMessage-ID: <partial@example.nl>\r\nSubject: Doorgestuurd\r\n\r\n",
)
# Full transport headers: they stay as they are, the recipient table adds nothing.
RECEIVED = Message(
    subject="Inzageverzoek", sender_name=SOPHIE, sender_address=SOPHIE_MAIL,
    recipients=[Recipient(DESK, DESK_MAIL)], body="Graag inzage.", message_id="<inzage@example.be>",
)
CONTACT = Contact(SOPHIE, email=SOPHIE_MAIL, phone="+32 2 555 01 23", mobile=MOBILE, company="Zonnewende bv")
APPOINTMENT = Appointment(
    subject=f"Gesprek met {JAN}", location=f"{STREET}, {CITY}",
    body=f"Dossier van {JAN}, BSN {BSN}. Meebrengen: identiteitsbewijs.",
    attendees=[Recipient(JAN, JAN_MAIL), Recipient(DESK, DESK_MAIL, kind=2)],
    attachments=[Attachment("dossier.csv", f"naam;bsn\n{JAN};{BSN}\n".encode(), "text/csv")],
)


def _store(folders, **options) -> Blob:
    return memory_blob("mail/archief.pst", build_pst(folders, **options))


def _children(blob: Blob) -> dict[str, object]:
    return {child.path.split("!/", 1)[1]: child for child in extract_pst(blob)}


def _mail(child: Blob):
    assert child.kind == "message"
    with child.open() as stream:
        return message_from_bytes(stream.read(), policy=default)


def _found(blob: Blob, detector) -> dict[tuple[str, str, str], str]:
    """(path inside the store, entity type, value) -> part, for the findings of a scan."""
    result = scan_blob(blob, detector)
    assert result.error is None
    return {(f.path.split("!/", 1)[1], f.entity_type, f.value): f.location.part for f in result.findings}


# ---------------------------------------------------------------------------- 1. sender and recipients


def test_a_mail_without_transport_headers_gets_sender_and_recipients_from_its_properties():
    children = _children(_store({"Verzonden items": [SENT]}))
    mail = _mail(children[f"{TOP}/Verzonden items/00001"])
    assert str(mail["From"]) == f"{DESK} <{DESK_MAIL}>"
    assert str(mail["To"]) == f"{SOPHIE} <{SOPHIE_MAIL}>"  # listed twice in the table, once here
    assert str(mail["Cc"]) == f"{JAN} <{JAN_MAIL}>"
    assert str(mail["Bcc"]) == f"{LOTTE} <{LOTTE_MAIL}>"
    assert mail["Message-ID"] is None and mail["Date"] is None


def test_recipients_complete_headers_that_lack_them_and_never_repeat_them():
    children = _children(_store({"Postvak IN": [PARTIAL, RECEIVED]}))
    partial = _mail(children[f"{TOP}/Postvak IN/00001"])
    assert partial.get_all("From") == [f"{JAN} <{JAN_MAIL}>"]  # from the headers, not added again
    assert str(partial["To"]) == f"{DESK} <{DESK_MAIL}>" and str(partial["Cc"]) == f"{AMELIE} <{AMELIE_MAIL}>"
    received = _mail(children[f"{TOP}/Postvak IN/00002"])
    assert received.get_all("To") == [f"{DESK} <{DESK_MAIL}>"] and received["Cc"] is None


def test_scan_reports_each_address_once_under_its_header(detector):
    found = _found(_store({"Verzonden items": [SENT]}), detector)
    item = f"{TOP}/Verzonden items/00001"
    emails = {(value, part) for (path, kind, value), part in found.items() if path == item and kind == "EMAIL_ADDRESS"}
    assert emails == {(DESK_MAIL, "from"), (SOPHIE_MAIL, "to"), (JAN_MAIL, "cc"), (LOTTE_MAIL, "bcc")}
    result = scan_blob(_store({"Verzonden items": [SENT]}), detector)
    assert sum(1 for f in result.findings if f.value == SOPHIE_MAIL) == 1
    assert found[(item, "BE_NATIONAL_NUMBER", NN)] == "body"


# ---------------------------------------------------------------------------- 2. contacts and appointments


def test_a_contact_is_an_item_of_its_own_with_all_its_text():
    children = _children(_store({"Contactpersonen": [CONTACT]}))
    child = children[f"{TOP}/Contactpersonen/00001"]
    assert child.kind == "pst-item"
    segments = list(extract(child))
    assert {s.location.part for s in segments} == {"contact"}
    texts = [s.text for s in segments]
    assert {SOPHIE, SOPHIE_MAIL, "+32 2 555 01 23", MOBILE, "Zonnewende bv"} <= set(texts)
    assert len(texts) == len(set(texts))  # each value once: the address sits in two properties
    assert "IPM.Contact" not in texts  # the message class is no content
    # (The named PidLidEmail1AddressType, "SMTP", is kept: pypff does not say what a named property is.)


def test_scan_finds_a_contacts_email_and_phones(detector):
    found = _found(_store({"Contactpersonen": [CONTACT]}), detector)
    item = f"{TOP}/Contactpersonen/00001"
    assert found[(item, "EMAIL_ADDRESS", SOPHIE_MAIL)] == "contact"
    assert found[(item, "PHONE_NUMBER", MOBILE)] == "contact"


def test_an_appointment_gives_location_notes_attendees_and_its_attachments(detector):
    blob = _store({"Agenda": [APPOINTMENT]})
    children = _children(blob)
    item = f"{TOP}/Agenda/00001"
    assert list(children) == [item, f"{item}/attachments/dossier.csv"]
    texts = {s.text: s.location.part for s in extract(children[item])}
    assert set(texts.values()) == {"appointment"}
    assert {APPOINTMENT.subject, APPOINTMENT.location, APPOINTMENT.body, JAN, JAN_MAIL, DESK_MAIL} <= set(texts)
    found = _found(blob, detector)
    assert found[(item, "NL_BSN", BSN)] == "appointment"
    assert found[(item, "EMAIL_ADDRESS", JAN_MAIL)] == "appointment"
    assert (f"{item}/attachments/dossier.csv", "NL_BSN", BSN) in found


def test_the_item_blob_is_plain_json():
    child = _children(_store({"Agenda": [Appointment("Tandarts", location="Gent")]}))[f"{TOP}/Agenda/00001"]
    with child.open() as stream:
        assert json.load(stream) == {"part": "appointment", "values": ["Tandarts", "Gent"]}


# ---------------------------------------------------------------------------- 3. attachment names


@pytest.mark.parametrize("names, expected", [
    ((0x3707, 0x3704, 0x3001), "verzoek.docx"),  # the long filename
    ((0x3704, 0x3001), "verzoek.docx"),  # 8.3 filename
    ((0x3001,), "verzoek.docx"),  # display name
    ((), "attachment-1"),
])
def test_attachment_names_fall_back_like_the_msg_reader(names, expected):
    message = Message("Bijlage", SOPHIE, SOPHIE_MAIL, body="zie bijlage",
                      attachments=[Attachment("verzoek.docx", b"PK\x03\x04", names=names)])
    appointment = Appointment("Overleg", attachments=[Attachment("verzoek.docx", b"PK\x03\x04", names=names)])
    children = _children(_store({"Postvak IN": [message], "Agenda": [appointment]}))
    mail = _mail(children[f"{TOP}/Postvak IN/00001"])
    assert [part.get_filename() for part in mail.iter_attachments()] == [expected]
    assert f"{TOP}/Agenda/00001/attachments/{expected}" in children


def test_attachments_of_an_item_with_the_same_name_are_numbered():
    twice = Appointment("Overleg", attachments=[Attachment("notities.txt", b"een"),
                                                Attachment("notities.txt", b"twee")])
    children = _children(_store({"Agenda": [twice]}))
    data = {path.rsplit("/", 1)[1]: child.open().read() for path, child in children.items() if "/attachments/" in path}
    assert data == {"notities.txt": b"een", "notities-2.txt": b"twee"}


# ---------------------------------------------------------------------------- 4. password


def test_a_password_protected_store_is_scanned_without_an_error(detector, tmp_path):
    blob = _store({"Postvak IN": [SENT]}, password="geheim2024")
    path = tmp_path / "beveiligd.pst"
    path.write_bytes(blob.open().read())
    store = pypff.file()
    store.open(str(path))
    try:
        entries = {e.entry_type: e for e in store.get_message_store().get_record_set(0).entries}
        assert struct.unpack("<I", entries[0x67FF].data)[0] != 0  # PR_PST_PASSWORD is set
    finally:
        store.close()
    result = scan_blob(blob, detector)
    assert result.error is None and result.member_errors == []
    assert any(f.value == NN for f in result.findings)


# ---------------------------------------------------------------------------- 5. orphans and broken items


def test_orphan_items_are_scanned_under_orphans(detector):
    lost = Message("Verwijderd", LOTTE, LOTTE_MAIL, body=f"IBAN {IBAN}", message_id="<weg@example.nl>")
    blob = _store({"Postvak IN": [RECEIVED]}, orphans=[lost])
    paths = [child.path for child in extract_pst(blob)]
    assert paths == [f"mail/archief.pst!/{TOP}/Postvak IN/00001", "mail/archief.pst!/_orphans/00001"]
    assert paths == [child.path for child in extract_pst(blob)]  # stable between runs
    found = _found(blob, detector)
    assert found[("_orphans/00001", "IBAN_CODE", IBAN)] == "body"


def _break_item(data: bytes, subject: str) -> bytes:
    """Break the heap of the item with `subject`: libpff can no longer read it."""
    data = bytearray(data)
    at = data.find(subject.encode("utf-16-le"))
    start = at - at % 64  # blocks are 64-byte aligned; the heap starts with its signature 0xEC
    while not (data[start + 2] == 0xEC and data[start + 3] == 0xBC):
        start -= 64
    data[start + 2] = 0
    return bytes(data)


def test_an_unreadable_item_is_an_error_and_the_rest_is_scanned(detector):
    broken = Message("ONLEESBAAR-BERICHT", JAN, JAN_MAIL, body="x", message_id="<kapot@example.nl>")
    blob = memory_blob("mail/archief.pst", _break_item(build_pst({"Postvak IN": [broken, SENT]}), "ONLEESBAAR-BERICHT"))
    items = list(extract_pst(blob))
    assert isinstance(items[0], ErrorRecord) and items[0].kind == "corrupt"
    assert items[0].path == f"mail/archief.pst!/{TOP}/Postvak IN/00001" and items[0].message.startswith("libpff: ")
    assert isinstance(items[1], Blob) and items[1].path.endswith("Postvak IN/00002")
    result = scan_blob(blob, detector)
    assert result.error is None and [(e.path, e.kind) for e in result.member_errors] == [(items[0].path, "corrupt")]
    assert any(f.value == NN for f in result.findings)
    assert all(isinstance(s, Segment) for s in extract(items[1]))
