"""The test-only PST writer (tests/fixtures/pst.py): libpff reads back the folders, messages,
recipients, attachments and contacts it writes, and so does piiscan's own PST extractor.
All names, numbers and addresses here are invented."""

from __future__ import annotations

import random
import struct
from email import message_from_bytes
from email.policy import default

import pypff
import pytest

from piiscan import synth
from piiscan.extract.outlook import extract_pst
from piiscan.run.worker import scan_blob
from piiscan.sources.blob import memory_blob
from tests.fixtures.pst import REGION, Attachment, Contact, Message, Recipient, build_pst, crc, write_pst

RNG = random.Random(23)
NN = synth.be_national_number(RNG)
IBAN = synth.iban(RNG, "BE")
BSN = synth.nl_bsn(RNG)
LARGE = random.Random(5).randbytes(300_000)  # XBLOCKs, and more than one AMap region

REQUEST = Message(
    subject="Inzageverzoek AVG",
    sender_name="Sophie Peeters",
    sender_address="sophie.peeters@example.be",
    recipients=[Recipient("Privacydienst Zonnewende", "privacy@zonnewende.example.be"),
                Recipient("Jan Jansen", "jan.jansen@example.nl", kind=2)],
    body=f"Geachte,\r\n\r\nMijn rijksregisternummer is {NN}.\r\nIBAN: {IBAN}\r\n",
    html=f"<p>Geachte,</p><p>Mijn rijksregisternummer is {NN}.</p>",
    message_id="<inzage-1@example.be>",
    attachments=[Attachment("klanten.csv", f"naam;bsn\nJan Jansen;{BSN}\n".encode(), "text/csv"),
                 Attachment("scan.bin", LARGE)],
)
REPLY = Message(
    subject="Re: Inzageverzoek AVG – ontvangen",
    sender_name="Privacydienst Zonnewende",
    sender_address="privacy@zonnewende.example.be",
    recipients=[Recipient("Sophie Peeters", "sophie.peeters@example.be")],
    body="Wij hebben uw verzoek ontvangen. " * 200,  # over 3,580 bytes: a subnode
    message_id="<inzage-2@example.be>",
)
# Values that each fit in the heap but not all together: some move to subnodes.
CROWDED = Message(subject="Vol", sender_name="Lotte de Vries", sender_address="lotte@example.nl",
                  body="b" * 1700, html="<p>" + "h" * 3400 + "</p>", headers="X-Fill: " + "x" * 3000 + "\r\n",
                  message_id="<vol@example.nl>")
CONTACT = Contact("Sophie Peeters", email="sophie.peeters@example.be", phone="+32 2 555 01 23",
                  mobile="+32 470 55 01 23", company="Zonnewende bv")


@pytest.fixture(scope="module")
def pst_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("pst") / "archief.pst"
    write_pst(path, {
        "Postvak IN": [REQUEST, REPLY],
        "Postvak IN/Klanten": [CROWDED],
        "Contactpersonen": [CONTACT],
    })
    return path


@pytest.fixture(scope="module")
def store(pst_path):
    pff = pypff.file()
    pff.open(str(pst_path))
    yield pff
    pff.close()


def _folders(folder, path: str = "") -> dict[str, object]:
    found = {}
    for sub in folder.sub_folders:
        name = f"{path}/{sub.name}" if path else sub.name
        found[name] = sub
        found.update(_folders(sub, name))
    return found


def _entries(item) -> dict[int, object]:
    """The item's properties by id (named properties by their mapped id, 0x8000 and up)."""
    record = item.get_record_set(0)
    return {entry.entry_type: entry for entry in record.entries}


def _string(entry) -> str:
    return entry.data.decode("utf-16-le")


def test_header_and_pages_are_well_formed(pst_path):
    data = pst_path.read_bytes()
    assert data[:4] == b"!BDN" and data[8:10] == b"SM" and struct.unpack_from("<H", data, 10)[0] == 23
    assert struct.unpack_from("<I", data, 4)[0] == crc(data[8:8 + 471])
    assert struct.unpack_from("<I", data, 524)[0] == crc(data[8:524])
    assert (len(data) - 0x4400) % REGION == 0 and len(data) > 0x4400 + REGION  # two AMap regions
    eof, amap_last = struct.unpack_from("<QQ", data, 184)
    assert eof == len(data) and amap_last == len(data) - REGION
    for region_start in range(0x4400, len(data), REGION):  # AMap pages: ptype 0x84, CRC of the map
        page = data[region_start:region_start + 512]
        assert page[496] == page[497] == 0x84 and struct.unpack_from("<I", page, 500)[0] == crc(page[:496])
        assert page[0] == 0xFF  # the AMap maps itself


def test_the_writer_is_deterministic():
    folders = {"Postvak IN": [REPLY], "Contactpersonen": [CONTACT]}
    assert build_pst(folders) == build_pst(folders)


def test_pypff_reads_the_folder_tree(store):
    folders = _folders(store.get_root_folder())
    assert {"Top of Personal Folders", "Search Root", "Top of Personal Folders/Deleted Items",
            "Top of Personal Folders/Postvak IN", "Top of Personal Folders/Postvak IN/Klanten",
            "Top of Personal Folders/Contactpersonen"} <= set(folders)
    counts = {name: folder.number_of_sub_messages for name, folder in folders.items()}
    assert counts["Top of Personal Folders/Postvak IN"] == 2
    assert counts["Top of Personal Folders/Postvak IN/Klanten"] == 1
    assert counts["Top of Personal Folders/Deleted Items"] == 0


def test_pypff_reads_message_properties(store):
    inbox = _folders(store.get_root_folder())["Top of Personal Folders/Postvak IN"]
    message = inbox.get_sub_message(0)
    assert message.subject == "Inzageverzoek AVG"
    assert message.sender_name == "Sophie Peeters"
    assert message.plain_text_body.decode("utf-8") == REQUEST.body
    assert message.html_body.decode("utf-8") == REQUEST.html
    headers = message.transport_headers
    assert "Message-ID: <inzage-1@example.be>" in headers and "Date: Tue, 12 Mar 2024 08:14:00 +0000" in headers
    assert "To: Privacydienst Zonnewende <privacy@zonnewende.example.be>" in headers
    entries = _entries(message)
    assert _string(entries[0x0C1F]) == _string(entries[0x5D01]) == "sophie.peeters@example.be"  # sender address
    assert _string(entries[0x0065]) == "sophie.peeters@example.be"  # sent representing address
    assert _string(entries[0x0E04]) == "Privacydienst Zonnewende" and _string(entries[0x0E03]) == "Jan Jansen"
    assert _string(entries[0x001A]) == "IPM.Note"
    assert message.client_submit_time.isoformat() == "2024-03-12T08:14:00"


def test_pypff_reads_values_stored_in_subnodes(store):
    folders = _folders(store.get_root_folder())
    reply = folders["Top of Personal Folders/Postvak IN"].get_sub_message(1)
    assert reply.subject == "Re: Inzageverzoek AVG – ontvangen"
    assert reply.plain_text_body.decode("utf-8") == REPLY.body
    crowded = folders["Top of Personal Folders/Postvak IN/Klanten"].get_sub_message(0)
    assert crowded.plain_text_body.decode("utf-8") == CROWDED.body
    assert crowded.html_body.decode("utf-8") == CROWDED.html
    assert crowded.transport_headers == CROWDED.headers


def test_pypff_reads_recipients(store):
    message = _folders(store.get_root_folder())["Top of Personal Folders/Postvak IN"].get_sub_message(0)
    recipients = message.recipients
    assert recipients.number_of_record_sets == 2
    rows = [{entry.entry_type: entry for entry in recipients.get_record_set(i).entries} for i in range(2)]
    assert [(_string(r[0x3001]), _string(r[0x39FE]), _string(r[0x3003]), r[0x0C15].data_as_integer) for r in rows] == [
        ("Privacydienst Zonnewende", "privacy@zonnewende.example.be", "privacy@zonnewende.example.be", 1),
        ("Jan Jansen", "jan.jansen@example.nl", "jan.jansen@example.nl", 2),
    ]


def test_pypff_reads_attachments(store):
    message = _folders(store.get_root_folder())["Top of Personal Folders/Postvak IN"].get_sub_message(0)
    assert message.number_of_attachments == 2
    found = {}
    for index in range(message.number_of_attachments):
        attachment = message.get_attachment(index)
        found[attachment.long_filename] = attachment.read_buffer(attachment.size)
    assert found == {"klanten.csv": REQUEST.attachments[0].data, "scan.bin": LARGE}


def test_pypff_reads_a_contact(store):
    folder = _folders(store.get_root_folder())["Top of Personal Folders/Contactpersonen"]
    contact = folder.get_sub_message(0)
    entries = _entries(contact)
    assert _string(entries[0x001A]) == "IPM.Contact" and _string(entries[0x3001]) == "Sophie Peeters"
    assert _string(entries[0x3A08]) == "+32 2 555 01 23" and _string(entries[0x3A1C]) == "+32 470 55 01 23"
    assert _string(entries[0x3A16]) == "Zonnewende bv"
    # The e-mail address is a named property (PidLidEmail1EmailAddress), stored under an id
    # from 0x8000 that the store's named-property map resolves (pypff does not show to what).
    named = {_string(entry) for entry in entries.values() if entry.name_to_id_map_entry is not None}
    assert "sophie.peeters@example.be" in named


def test_an_empty_store_opens(tmp_path):
    path = tmp_path / "leeg.pst"
    path.write_bytes(build_pst({}))
    pff = pypff.file()
    pff.open(str(path))
    try:
        assert set(_folders(pff.get_root_folder())) == {
            "Top of Personal Folders", "Top of Personal Folders/Deleted Items", "Search Root"}
    finally:
        pff.close()


def test_piiscan_reads_the_fixture_as_rfc822_messages(pst_path, blob_from_path):
    children = list(extract_pst(blob_from_path(pst_path)))
    paths = [child.path for child in children]
    assert paths == [
        "share/archief.pst!/Top of Personal Folders/Postvak IN/00001",
        "share/archief.pst!/Top of Personal Folders/Postvak IN/00002",
        "share/archief.pst!/Top of Personal Folders/Postvak IN/Klanten/00001",
        "share/archief.pst!/Top of Personal Folders/Contactpersonen/00001",
    ]
    assert [child.kind for child in children] == ["message"] * 3 + ["pst-item"]  # a contact is no mail
    with children[0].open() as stream:
        mail = message_from_bytes(stream.read(), policy=default)
    assert mail["Subject"] == "Inzageverzoek AVG" and mail["Message-ID"] == "<inzage-1@example.be>"
    assert mail["From"] == "Sophie Peeters <sophie.peeters@example.be>"
    assert "privacy@zonnewende.example.be" in mail["To"] and "jan.jansen@example.nl" in mail["Cc"]
    assert NN in mail.get_body(("plain",)).get_content()
    attachments = {part.get_filename(): part.get_payload(decode=True) for part in mail.iter_attachments()}
    assert attachments == {"klanten.csv": REQUEST.attachments[0].data, "scan.bin": LARGE}


def test_scan_finds_personal_data_in_the_pst(pst_path, detector):
    result = scan_blob(memory_blob("mail/archief.pst", pst_path.read_bytes()), detector)
    found = {(f.path, f.entity_type, f.value) for f in result.findings}
    message = "mail/archief.pst!/Top of Personal Folders/Postvak IN/00001"
    assert (message, "BE_NATIONAL_NUMBER", NN) in found
    assert (message, "IBAN_CODE", IBAN) in found
    assert (message, "EMAIL_ADDRESS", "privacy@zonnewende.example.be") in found
    assert (f"{message}/attachments/klanten.csv", "NL_BSN", BSN) in found
    body = next(f for f in result.findings if f.value == NN).location
    assert body.part == "body" and body.message_id == "<inzage-1@example.be>"
    assert result.error is None and result.member_errors == []
