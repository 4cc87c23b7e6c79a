"""Outlook .msg: sender, recipients, subject, body, transport headers and attachments, from a
synthetic message written as an OLE compound file (tests/fixtures/cfb.py); messages attached
"as item" (ATTACH_EMBEDDED_MSG) are read from their storage inside the outer file."""

from __future__ import annotations

import random
import struct

import pytest

from piiscan import synth
from piiscan.extract import extract
from piiscan.model import Blob, Segment
from piiscan.run.worker import MAX_DEPTH, scan_blob
from piiscan.sources.blob import memory_blob
from tests.fixtures.cfb import write_compound_file

RNG = random.Random(11)
NN = synth.be_national_number(RNG)
IBAN = synth.iban(RNG, "BE")
BSN = synth.nl_bsn(RNG)
NN_FORWARDED = synth.be_national_number(RNG)
IBAN_FORWARDED = synth.iban(RNG, "NL")


def _unicode(text: str) -> bytes:
    return text.encode("utf-16-le")


def synthetic_msg() -> bytes:
    headers = "Date: Tue, 12 Mar 2024 09:14:00 +0100\r\nMessage-ID: <msg-42@example.be>\r\nSubject: Inzageverzoek\r\n"
    return write_compound_file({
        ("__substg1.0_0037001F",): _unicode("Inzageverzoek AVG"),
        ("__substg1.0_0C1A001F",): _unicode("Sophie Peeters"),
        ("__substg1.0_0C1F001F",): _unicode("sophie.peeters@example.be"),
        ("__substg1.0_5D01001F",): _unicode("sophie.peeters@example.be"),  # the same sender again
        ("__substg1.0_0E04001F",): _unicode("Privacydienst"),
        ("__substg1.0_007D001F",): _unicode(headers),
        ("__substg1.0_1000001F",): _unicode(f"Geachte,\r\n\r\nMijn rijksregisternummer is {NN}.\r\nIBAN: {IBAN}\r\n" + "Opvulling. " * 400),
        ("__recip_version1.0_#00000000", "__substg1.0_3001001F"): _unicode("Privacydienst Zonnewende"),
        ("__recip_version1.0_#00000000", "__substg1.0_39FE001F"): _unicode("privacy@zonnewende.be"),
        ("__attach_version1.0_#00000000", "__substg1.0_3707001F"): _unicode("klanten.csv"),
        ("__attach_version1.0_#00000000", "__substg1.0_37010102"): f"naam;bsn\nJan Jansen;{BSN}\n".encode(),
    })


def test_msg_parts_locations_and_attachment(detector):
    result = scan_blob(memory_blob("mail/verzoek.msg", synthetic_msg()), detector)
    found = {(f.path, f.entity_type, f.value) for f in result.findings}
    assert ("mail/verzoek.msg", "BE_NATIONAL_NUMBER", NN) in found
    assert ("mail/verzoek.msg", "IBAN_CODE", IBAN) in found
    assert ("mail/verzoek.msg", "EMAIL_ADDRESS", "privacy@zonnewende.be") in found
    assert ("mail/verzoek.msg!/attachments/klanten.csv", "NL_BSN", BSN) in found
    senders = [f for f in result.findings if f.value == "sophie.peeters@example.be"]
    assert len(senders) == 1 and senders[0].location.part == "from"
    body = next(f for f in result.findings if f.value == NN).location
    assert body.part == "body" and body.message_id == "<msg-42@example.be>" and body.date.startswith("Tue, 12 Mar 2024")
    assert result.error is None and result.member_errors == []


def test_msg_yields_text_and_the_attachment_blob():
    items = list(extract(memory_blob("verzoek.msg", synthetic_msg())))
    parts = {item.location.part for item in items if isinstance(item, Segment)}
    assert parts == {"from", "to", "subject", "body"}
    assert [item.path for item in items if isinstance(item, Blob)] == ["verzoek.msg!/attachments/klanten.csv"]


# A message attached as an item, built from parts: every storage gets its property stream,
# whose header is 32 bytes at the top, 24 in an attached message and 8 in an attachment.
def message(subject: str, sender: str, body: str, *attachments: dict, top: bool = False, headers: str = "") -> dict:
    streams = {
        ("__properties_version1.0",): b"\0" * (32 if top else 24),
        ("__substg1.0_0037001F",): _unicode(subject),
        ("__substg1.0_0C1F001F",): _unicode(sender),
        ("__substg1.0_1000001F",): _unicode(body),
    }
    if headers:
        streams[("__substg1.0_007D001F",)] = _unicode(headers)
    for index, attachment in enumerate(attachments):
        streams.update({(f"__attach_version1.0_#{index:08X}",) + path: data for path, data in attachment.items()})
    return streams


def _attach_properties(method: int) -> bytes:
    # PR_ATTACH_METHOD (0x3705, PT_LONG), flags readable|writable, the value padded to 8 bytes.
    return b"\0" * 8 + struct.pack("<IIiI", 0x37050003, 6, method, 0)


def embedded(name: str, streams: dict, method: int = 5) -> dict:
    """An attachment holding `streams` in its PR_ATTACH_DATA_OBJ storage (5: a message)."""
    attachment = {("__properties_version1.0",): _attach_properties(method), ("__substg1.0_3001001F",): _unicode(name)}
    return attachment | {("__substg1.0_3701000D",) + path: data for path, data in streams.items()}


def by_value(name: str, data: bytes) -> dict:
    return {("__properties_version1.0",): _attach_properties(1), ("__substg1.0_3707001F",): _unicode(name), ("__substg1.0_37010102",): data}


FORWARDED_HEADERS = "Date: Mon, 4 Mar 2024 16:02:00 +0100\r\nMessage-ID: <klacht-7@example.be>\r\n"


def forwarding_msg(*extra: dict) -> bytes:
    forwarded = message(
        f"Klacht, rijksregisternummer {NN_FORWARDED}", "an.janssens@example.be",
        f"Beste,\r\n\r\nGraag terugbetalen op rekening {IBAN_FORWARDED}.\r\n",
        by_value("dossier.csv", f"naam;bsn\nDaan de Vries;{BSN}\n".encode()), headers=FORWARDED_HEADERS,
    )
    return write_compound_file(message(
        "Fw: Klacht", "sophie.peeters@example.be", f"Ter info. Mijn rijksregisternummer is {NN}.",
        embedded("Doorgestuurd bericht", forwarded), *extra, top=True,
    ))


FORWARDED = "mail/fw.msg!/attachments/Doorgestuurd bericht.msg"


def test_attached_message_is_scanned_under_its_own_path(detector):
    result = scan_blob(memory_blob("mail/fw.msg", forwarding_msg()), detector)
    found = {(f.path, f.entity_type, f.value): f.location for f in result.findings}
    assert found[("mail/fw.msg", "BE_NATIONAL_NUMBER", NN)].part == "body"
    assert found[("mail/fw.msg", "EMAIL_ADDRESS", "sophie.peeters@example.be")].part == "from"
    assert found[(FORWARDED, "EMAIL_ADDRESS", "an.janssens@example.be")].part == "from"
    assert found[(FORWARDED, "BE_NATIONAL_NUMBER", NN_FORWARDED)].part == "subject"
    body = found[(FORWARDED, "IBAN_CODE", IBAN_FORWARDED)]
    assert body.part == "body" and body.message_id == "<klacht-7@example.be>" and body.date.startswith("Mon, 4 Mar 2024")
    assert (f"{FORWARDED}!/attachments/dossier.csv", "NL_BSN", BSN) in found
    assert result.error is None and result.member_errors == []


def test_attached_message_comes_back_as_a_msg_blob_and_ole_objects_are_left_alone():
    ole_object = embedded("Afbeelding", {("\x01Ole",): b"\0" * 20, ("CONTENTS",): b"plaatje"}, method=6)
    items = list(extract(memory_blob("fw.msg", forwarding_msg(ole_object))))
    [child] = [item for item in items if isinstance(item, Blob)]
    assert child.path == "fw.msg!/attachments/Doorgestuurd bericht.msg" and child.kind is None
    inner = list(extract(child))
    assert {item.location.part for item in inner if isinstance(item, Segment)} == {"from", "subject", "body"}
    assert [item.path for item in inner if isinstance(item, Blob)] == [f"{child.path}!/attachments/dossier.csv"]


def test_attached_messages_nested_deeper_than_the_limit_stop_with_an_error(detector):
    streams = message("Binnenste", f"laag{MAX_DEPTH + 1}@example.be", f"BSN {BSN}")
    for level in range(MAX_DEPTH, -1, -1):
        streams = message(f"Laag {level}", f"laag{level}@example.be", "Zie bijlage.", embedded(f"Laag {level + 1}", streams), top=level == 0)
    result = scan_blob(memory_blob("matroesjka.msg", write_compound_file(streams)), detector)
    path = "matroesjka.msg" + "".join(f"!/attachments/Laag {level}.msg" for level in range(1, MAX_DEPTH + 1))
    assert (path, f"laag{MAX_DEPTH}@example.be") in {(f.path, f.value) for f in result.findings}
    assert [(e.path, e.kind) for e in result.member_errors] == [(f"{path}!/attachments/Laag {MAX_DEPTH + 1}.msg", "too_deep")]
    assert BSN not in {f.value for f in result.findings}


@pytest.mark.parametrize("broken, name", [
    ({("__properties_version1.0",): _attach_properties(5), ("__substg1.0_3701000D",): b"geen opslag, maar een stroom"}, "attachment-1.msg"),
    (embedded("Kapot", {("__substg1.0_0037001F",): _unicode("zonder eigenschappen")}), "Kapot.msg"),
], ids=["stream-instead-of-storage", "storage-without-property-stream"])
def test_a_broken_attached_message_is_an_error_and_the_rest_is_scanned(detector, broken, name):
    data = write_compound_file(message(
        "Kapotte bijlage", "sophie.peeters@example.be", f"Mijn rijksregisternummer is {NN}.",
        broken, by_value("klanten.csv", f"naam;bsn\nJan Jansen;{BSN}\n".encode()), top=True,
    ))
    result = scan_blob(memory_blob("kapot.msg", data), detector)
    assert [(e.path, e.kind) for e in result.member_errors] == [(f"kapot.msg!/attachments/{name}", "corrupt")]
    found = {(f.path, f.entity_type, f.value) for f in result.findings}
    assert ("kapot.msg", "BE_NATIONAL_NUMBER", NN) in found
    assert ("kapot.msg!/attachments/klanten.csv", "NL_BSN", BSN) in found
    assert result.error is None
