"""Outlook .msg: sender, recipients, subject, body, transport headers and attachments, from a
synthetic message written as an OLE compound file (tests/fixtures/cfb.py)."""

from __future__ import annotations

import random

from piiscan import synth
from piiscan.extract import extract
from piiscan.model import Blob, Segment
from piiscan.run.worker import scan_blob
from piiscan.sources.blob import memory_blob
from tests.fixtures.cfb import write_compound_file

RNG = random.Random(11)
NN = synth.be_national_number(RNG)
IBAN = synth.iban(RNG, "BE")
BSN = synth.nl_bsn(RNG)


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
