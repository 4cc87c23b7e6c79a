"""`piiscan redact-id` on mails and archives holding ID copies, and on HEIC photos.

The ID attachments must come out masked as a file would (MRZ, numbers, photo), the rest of
the message redacted as `piiscan redact` does, and the whole copy verified; a container whose
ID copy cannot be masked safely gets no copy at all.
"""

from __future__ import annotations

import email
import io
import json
import mailbox
import random
import stat
import zipfile
from email import policy
from email.message import EmailMessage

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from piiscan import synth
from piiscan.cli import main
from piiscan.detect.engine import Detector
from piiscan.redact import idcard_container
from piiscan.redact.idcard import IdOptions, IdResult
from piiscan.redact.idcard_command import ENTITIES, LOG_NAME
from piiscan.redact.styles import Replacer
from piiscan.redact.text import TextRedaction
from piiscan.sources.blob import memory_blob
from tests.fixtures.id_documents import make_document

PERSON = "Sofie Peeters"


@pytest.fixture(scope="module")
def id_card():
    return make_document("be_eid", seed=3, side="back")


@pytest.fixture(scope="module")
def iban():
    return synth.iban(random.Random(11))


def _png(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _message(iban: str, attachment: bytes | None, name: str = "id-kaart.png") -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"{PERSON} <sofie.peeters@example.be>"
    message["To"] = "privacy@gemeente.example"
    message["Subject"] = "Inzageverzoek"
    message.set_content(f"Beste,\n\nHierbij een kopie van mijn identiteitskaart. Mijn rekeningnummer is {iban}.\n\n{PERSON}\n")
    if attachment is not None:
        message.add_attachment(attachment, maintype="image", subtype="png", filename=name)
    return message


def _black_share(image, box) -> float:
    return float((np.asarray(image.convert("L").crop(box)) < 48).mean())


def _redact_id(tmp_path, *inputs, expect: int):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["redact-id", *map(str, inputs), "--out", str(out), "--purpose", "Inzageverzoek",
                                       "--date", "2026-11-22", "--workers", "1", "--no-progress"])
    assert result.exit_code == expect, result.output + result.stderr
    log = [json.loads(line) for line in (out / LOG_NAME).read_text().splitlines()]
    return out, result, log


def _assert_masked(image: Image.Image, card) -> None:
    assert image.size == card.image.size
    for region in ("mrz", "national_number"):
        assert _black_share(image, card.boxes[region]) > 0.9, region


@pytest.fixture
def rapidocr(monkeypatch):
    monkeypatch.setenv("PIISCAN_OCR", "rapidocr")


def test_mail_with_an_id_attachment(tmp_path, id_card, iban, rapidocr):
    src = tmp_path / "in"
    src.mkdir()
    (src / "verzoek.eml").write_bytes(bytes(_message(iban, _png(id_card.image))))
    out, result, log = _redact_id(tmp_path, src / "verzoek.eml", expect=0)
    copy_path = out / "verzoek.eml"
    assert stat.S_IMODE(copy_path.stat().st_mode) == 0o600
    raw = copy_path.read_bytes()
    copy = email.message_from_bytes(raw, policy=policy.default)
    body = copy.get_body(("plain",)).get_content()
    assert iban not in body and iban.replace(" ", "") not in body and PERSON not in body
    assert PERSON not in str(copy["From"])
    attachment = next(copy.iter_attachments())
    assert attachment.get_filename() == "id-kaart.png"
    _assert_masked(Image.open(io.BytesIO(attachment.get_content())), id_card)
    # the log: the attachment's masks under its member path, masked values only
    summary = next(r for r in log if r["record"] == "id_copy")
    assert summary["status"] == "redacted" and summary["kind"] == "BE eID"
    member_masks = [r for r in log if r.get("path") == f"{src / 'verzoek.eml'}!/attachments/id-kaart.png"]
    assert {"MRZ", "BE_NATIONAL_NUMBER"} <= {r["entity_type"] for r in member_masks}
    text = json.dumps(log)
    assert id_card.truth["national_number_compact"] not in text and iban.replace(" ", "") not in text


def test_mbox_and_zip_members(tmp_path, id_card, iban, rapidocr):
    src = tmp_path / "in"
    src.mkdir()
    box = mailbox.mbox(src / "inbox.mbox")
    box.add(_message(iban, None))
    box.add(_message(iban, _png(id_card.image)))
    box.close()
    with zipfile.ZipFile(src / "bundel.zip", "w") as archive:
        archive.writestr("scans/id.png", _png(id_card.image))
        archive.writestr("brief.txt", f"Terugbetaling op rekening {iban}\n")
    out, result, log = _redact_id(tmp_path, src, expect=0)
    assert "2 redacted" in result.stderr
    messages = list(mailbox.mbox(out / "inbox.mbox"))
    assert len(messages) == 2
    assert all(iban not in m.as_string() for m in messages)
    attachment = next(email.message_from_bytes(messages[1].as_bytes(), policy=policy.default).iter_attachments())
    _assert_masked(Image.open(io.BytesIO(attachment.get_content())), id_card)
    with zipfile.ZipFile(out / "bundel.zip") as archive:
        assert iban not in archive.read("brief.txt").decode()
        _assert_masked(Image.open(io.BytesIO(archive.read("scans/id.png"))), id_card)


def test_a_mail_without_an_id_copy_gets_none(tmp_path, iban, rapidocr):
    photo = Image.new("RGB", (400, 300), (90, 140, 200))  # a holiday photo: no text, no MRZ
    src = tmp_path / "in"
    src.mkdir()
    (src / "vraag.eml").write_bytes(bytes(_message(iban, _png(photo), "strand.png")))
    out, result, log = _redact_id(tmp_path, src / "vraag.eml", expect=3)
    assert not (out / "vraag.eml").exists()
    assert "not an ID document" in result.stderr


def test_an_id_attachment_that_cannot_be_masked_stops_the_whole_copy(id_card, iban):
    """redact-id refuses the member (its copy failed verification): no copy of the mail."""
    data = bytes(_message(iban, _png(id_card.image)))
    calls = []

    def refusing(member_data: bytes, suffix: str):
        calls.append(suffix)
        result = IdResult(path="", status="failed", kind="BE eID")
        from piiscan.model import ErrorRecord
        result.error = ErrorRecord("", "leak", "MRZ line is still readable")
        return None, result

    redaction = TextRedaction(Detector(), Replacer("label", b"k" * 32))
    copy = idcard_container.redact_container(memory_blob("verzoek.eml", data), refusing, redaction)
    assert calls == [".png"]  # read once, although the mail redactor makes two passes
    assert copy.data is None and copy.error.kind == "leak"
    assert "attachments/id-kaart.png" in copy.error.message and "MRZ line is still readable" in copy.error.message


def test_verification_still_catches_numbers_left_on_an_id_member(id_card, iban):
    """The ID member may keep names and dates, never a number: an unmasked card slipped into
    the copy is caught by the whole-copy verification."""
    data = bytes(_message(iban, _png(id_card.image)))

    def passing_through(member_data: bytes, suffix: str):
        return member_data, IdResult(path="", status="redacted", kind="BE eID")  # "masked" nothing

    detector = Detector()
    copy = idcard_container.redact_container(memory_blob("verzoek.eml", data), passing_through,
                                             TextRedaction(detector, Replacer("label", b"k" * 32)))
    assert copy.data is None
    assert "still holds a BE_NATIONAL_NUMBER" in copy.error.message or "still holds a MRZ" in copy.error.message


# HEIC photos: read when a decoder is installed (pi-heif, the [heic] extra); the copy is JPEG.

def _heic(image) -> bytes:
    import pillow_heif  # the test extra's HEIC writer (piiscan itself only reads HEIC)

    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    image.save(buffer, "HEIF", quality=92)
    return buffer.getvalue()


def test_heic_photo_of_an_id_card(tmp_path, rapidocr):
    card = make_document("nl_id_card", seed=4, side="back")
    src = tmp_path / "in"
    src.mkdir()
    (src / "IMG_0412.HEIC").write_bytes(_heic(card.image))
    scan = CliRunner().invoke(main, ["scan", str(src), "--format", "jsonl", "--workers", "1", "--no-progress"])
    records = [json.loads(line) for line in scan.stdout.splitlines()]
    assert any(r["record"] == "finding" and r["entity_type"] == "ID_DOCUMENT" for r in records), records
    out, result, log = _redact_id(tmp_path, src, expect=0)
    copy = Image.open(out / "IMG_0412.HEIC.jpg")
    assert copy.format == "JPEG" and copy.size == card.image.size
    assert _black_share(copy, card.boxes["mrz"]) > 0.9
    assert not (out / "IMG_0412.HEIC").exists()


def test_heic_without_a_decoder_is_a_clear_error(tmp_path, monkeypatch):
    from piiscan.extract import heif

    monkeypatch.setattr(heif, "heif_available", lambda: False)
    monkeypatch.setattr("piiscan.extract.image.heif_available", lambda: False)
    (tmp_path / "foto.heic").write_bytes(b"\x00\x00\x00\x1cftypheic" + bytes(64))
    scan = CliRunner().invoke(main, ["scan", str(tmp_path / "foto.heic"), "--format", "jsonl", "--workers", "1", "--no-progress"])
    # skipped like a .7z without py7zr: counted, with the install hint in the summary
    assert "1 skipped" in scan.stderr and "piiscan-benelux[heic]" in scan.stderr


def test_plain_redact_refuses_a_mail_with_an_id_card_and_points_to_redact_id(id_card, iban, rapidocr):
    from piiscan.redact.job import redact_copy

    data = bytes(_message(iban, _png(id_card.image)))
    redaction = TextRedaction(Detector(), Replacer("label", b"k" * 32))
    copy, result = redact_copy(memory_blob("verzoek.eml", data), redaction, b"k" * 32)
    assert copy is None and result.error.kind == "leak"
    assert "attachments/id-kaart.png: still holds a" in result.error.message
    assert "piiscan redact-id" in result.error.message
