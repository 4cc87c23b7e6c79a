"""Mailboxes named by their mail client ("Inbox", "Sent", "mbox") are found by content."""

import io
import random
import zipfile
from pathlib import Path

from piiscan import synth
from piiscan.detect.engine import Detector
from piiscan.run.worker import scan_blob
from piiscan.sources.blob import file_blob, memory_blob, sniff_kind

RNG = random.Random(3)
IBAN = synth.iban(RNG, "BE")


def _mbox() -> bytes:
    messages = []
    for i in range(2):
        messages.append(
            f"From sophie.peeters@example.be Thu Mar 14 09:0{i}:00 2024\n"
            f"From: Sophie Peeters <sophie.peeters@example.be>\nTo: privacy@example.be\n"
            f"Subject: Inzageverzoek {i}\nMessage-ID: <m{i}@example.be>\n\n"
            f"Mijn IBAN is {IBAN}.\n\n"
        )
    return "".join(messages).encode()


def test_a_thunderbird_inbox_without_suffix_is_scanned_as_an_mbox(tmp_path):
    inbox = tmp_path / "Mail" / "Local Folders" / "Inbox"
    inbox.parent.mkdir(parents=True)
    inbox.write_bytes(_mbox())
    blob = file_blob(inbox, str(inbox))
    assert blob.kind == "mbox"
    result = scan_blob(blob, Detector())
    ibans = [f for f in result.findings if f.entity_type == "IBAN_CODE"]
    assert [f.path for f in ibans] == [f"{inbox}!/00001", f"{inbox}!/00002"]


def test_an_mbox_inside_a_zip_is_found_by_content():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("backup/Sent", _mbox())
    result = scan_blob(memory_blob("export.zip", buffer.getvalue()), Detector())
    assert {f.path for f in result.findings if f.entity_type == "IBAN_CODE"} == {
        "export.zip!/backup/Sent!/00001", "export.zip!/backup/Sent!/00002"}


def test_text_that_merely_starts_with_from_is_not_a_mailbox(tmp_path):
    note = tmp_path / "NOTES"
    note.write_bytes(b"From the desk of the data protection officer: please read.\n")
    assert file_blob(note, str(note)).kind is None
    assert sniff_kind(b"From: Sophie <s@example.be>\n") is None


def test_a_known_suffix_is_not_sniffed(tmp_path):
    # A .txt that happens to hold an mbox stays text: the name decides when it can.
    path = tmp_path / "export.txt"
    path.write_bytes(_mbox())
    assert file_blob(path, str(path)).kind is None
