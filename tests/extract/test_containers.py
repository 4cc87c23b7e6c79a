"""Containers: mails, mboxes and zips hand their parts to the scanner, recursively, with the
nested path convention, and with limits that turn hostile input into error records."""

from __future__ import annotations

import io
import random
import zipfile
from email.message import EmailMessage

import pytest

from piiscan import synth
from piiscan.run.worker import MAX_DEPTH, scan_blob
from piiscan.sources.blob import memory_blob

RNG = random.Random(7)
IBAN = synth.iban(RNG, "BE", spaced=True)
NN = synth.be_national_number(RNG)
BSN = synth.nl_bsn(RNG)
EMAIL = "sophie.peeters@example.be"


def gdpr_mail(attachment_name: str = "klanten.csv", attachment: bytes | None = None) -> bytes:
    message = EmailMessage()
    message["From"] = f"Sophie Peeters <{EMAIL}>"
    message["To"] = "privacy@zonnewende.be"
    message["Subject"] = "Inzageverzoek AVG"
    message["Date"] = "Tue, 12 Mar 2024 09:14:00 +0100"
    message["Message-ID"] = "<inzage-17@example.be>"
    message.set_content(f"Geachte,\n\nIk vraag inzage. Mijn rijksregisternummer is {NN}.\n")
    message.add_alternative(f"<html><body><p>Mijn IBAN is <b>{IBAN}</b>.</p></body></html>", subtype="html")
    data = attachment if attachment is not None else f"naam;bsn\nJan Jansen;{BSN}\n".encode()
    message.add_attachment(data, maintype="application", subtype="octet-stream", filename=attachment_name)
    return message.as_bytes()


def findings(result):
    return sorted((f.path, f.entity_type, f.value) for f in result.findings)


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_eml_headers_bodies_and_attachments(detector):
    result = scan_blob(memory_blob("mail/inzage.eml", gdpr_mail()), detector)
    found = findings(result)
    assert ("mail/inzage.eml", "EMAIL_ADDRESS", EMAIL) in found
    assert ("mail/inzage.eml", "BE_NATIONAL_NUMBER", NN) in found
    assert ("mail/inzage.eml", "IBAN_CODE", IBAN) in found  # from the HTML body, as text
    assert ("mail/inzage.eml!/attachments/klanten.csv", "NL_BSN", BSN) in found
    by_value = {f.value: f.location for f in result.findings}
    assert by_value[EMAIL].part == "from"
    assert by_value[NN].part == "body" and by_value[NN].message_id == "<inzage-17@example.be>"
    assert by_value[NN].date.startswith("Tue, 12 Mar 2024")
    assert result.error is None and result.member_errors == []


def test_mbox_messages_and_their_attachments(detector):
    mails = [gdpr_mail(), gdpr_mail("tweede.csv"), b"Subject: leeg\n\nGeen persoonsgegevens.\n>From the archive.\n"]
    mbox = b"".join(b"From someone@example.be Tue Mar 12 09:14:00 2024\n" + m.replace(b"\nFrom ", b"\n>From ") + b"\n" for m in mails)
    result = scan_blob(memory_blob("mail/inbox.mbox", mbox), detector)
    paths = {f.path for f in result.findings}
    assert paths == {
        "mail/inbox.mbox!/00001",
        "mail/inbox.mbox!/00001/attachments/klanten.csv",
        "mail/inbox.mbox!/00002",
        "mail/inbox.mbox!/00002/attachments/tweede.csv",
    }
    assert result.error is None


def test_truncated_mbox_is_scanned_as_far_as_it_goes(detector):
    whole = b"From a@b.be Tue Mar 12 09:14:00 2024\n" + gdpr_mail()
    result = scan_blob(memory_blob("kapot.mbox", whole[: len(whole) * 2 // 3]), detector)
    assert ("kapot.mbox!/00001", "BE_NATIONAL_NUMBER", NN) in findings(result)


def test_zip_in_mail_in_zip(detector):
    inner = zip_bytes({"2023/klanten.csv": f"naam;bsn\nAnna de Vries;{BSN}\n".encode()})
    mail = gdpr_mail("export.zip", inner)
    outer = zip_bytes({"mails/inzage.eml": mail, "readme.txt": b"geen gegevens"})
    result = scan_blob(memory_blob("share/archief.zip", outer), detector)
    assert ("share/archief.zip!/mails/inzage.eml!/attachments/export.zip!/2023/klanten.csv", "NL_BSN", BSN) in findings(result)
    assert ("share/archief.zip!/mails/inzage.eml", "IBAN_CODE", IBAN) in findings(result)


def test_zip_bomb_member_is_an_error_record_and_the_rest_is_scanned(detector):
    bomb = b"\0" * (64 * 1024 * 1024)
    archive = zip_bytes({"bom.txt": bomb, "klanten.csv": f"bsn\n{BSN}\n".encode()})
    assert len(archive) < 200_000
    result = scan_blob(memory_blob("bom.zip", archive), detector)
    assert [(e.path, e.kind) for e in result.member_errors] == [("bom.zip!/bom.txt", "too_large")]
    assert ("bom.zip!/klanten.csv", "NL_BSN", BSN) in findings(result)


def test_encrypted_member_is_reported_and_the_rest_is_scanned(detector):
    data = bytearray(zip_bytes({"geheim.csv": b"\x8a\x11garbled", "open.csv": f"bsn\n{BSN}\n".encode()}))
    # Set the "encrypted" flag an encrypting zip tool writes, in the first local header and
    # the first central-directory entry (zipfile cannot write encrypted archives itself).
    data[6] |= 0x1
    central = data.index(b"PK\x01\x02")
    data[central + 8] |= 0x1
    result = scan_blob(memory_blob("deels.zip", bytes(data)), detector)
    assert [(e.path, e.kind) for e in result.member_errors] == [("deels.zip!/geheim.csv", "encrypted")]
    assert ("deels.zip!/open.csv", "NL_BSN", BSN) in findings(result)


def test_hostile_member_names_are_shown_safely(detector):
    archive = zip_bytes({"../../etc/passwd.txt": f"BSN {BSN}".encode(), "/abs/\x07bel.txt": f"BSN {BSN}".encode()})
    result = scan_blob(memory_blob("boos.zip", archive), detector)
    assert {f.path for f in result.findings} == {"boos.zip!/etc/passwd.txt", "boos.zip!/abs/\\x07bel.txt"}


def test_nesting_deeper_than_the_limit_stops_with_an_error(detector):
    data = f"BSN {BSN}".encode()
    name = "diep.txt"
    for level in range(MAX_DEPTH + 2):
        data = zip_bytes({name: data})
        name = f"laag{level}.zip"
    result = scan_blob(memory_blob("matroesjka.zip", data), detector)
    assert [e.kind for e in result.member_errors] == ["too_deep"]
    assert result.findings == []


def test_not_a_mail_or_mbox_is_corrupt(detector):
    assert scan_blob(memory_blob("x.eml", b"\x00\x01binary"), detector).error.kind == "corrupt"
    assert scan_blob(memory_blob("x.mbox", b"hello world\n"), detector).error.kind == "corrupt"


@pytest.mark.parametrize("charset", ["iso-8859-1", "windows-1252", "utf-8"])
def test_encoded_words_and_charsets(detector, charset):
    message = EmailMessage()
    message["From"] = "Stéphanie Lecomte <stephanie.lecomte@exemple.be>"
    message["Subject"] = "Demande d'accès — numéro national " + NN
    message.set_content(f"Née le 3 mars 1979, IBAN {IBAN}.", charset=charset)
    result = scan_blob(memory_blob("demande.eml", message.as_bytes()), detector)
    values = {(f.entity_type, f.value) for f in result.findings}
    assert ("BE_NATIONAL_NUMBER", NN) in values and ("IBAN_CODE", IBAN) in values
    assert ("DATE_OF_BIRTH", "3 mars 1979") in values and ("EMAIL_ADDRESS", "stephanie.lecomte@exemple.be") in values


def tar_bytes(members: dict[str, bytes], mode: str = "w:gz") -> bytes:
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("link-naar-buiten")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        archive.addfile(link)
    return buffer.getvalue()


@pytest.mark.parametrize("name,mode", [("export.tar", "w"), ("export.tar.gz", "w:gz"), ("export.tgz", "w:gz"), ("export.tar.bz2", "w:bz2"), ("export.tar.xz", "w:xz")])
def test_tar_archives_every_compression(detector, name, mode):
    data = tar_bytes({"2023/klanten.csv": f"bsn\n{BSN}\n".encode(), "mail/inzage.eml": gdpr_mail()}, mode)
    result = scan_blob(memory_blob(name, data), detector)
    found = findings(result)
    assert (f"{name}!/2023/klanten.csv", "NL_BSN", BSN) in found
    assert (f"{name}!/mail/inzage.eml!/attachments/klanten.csv", "NL_BSN", BSN) in found
    assert result.member_errors == [] and result.error is None


def test_single_compressed_file(detector):
    import gzip

    result = scan_blob(memory_blob("logs/app.log.gz", gzip.compress(f"login door {EMAIL}\n".encode())), detector)
    assert findings(result) == [("logs/app.log.gz!/app.log", "EMAIL_ADDRESS", EMAIL)]


def test_gzip_bomb_stops_with_an_error(detector, monkeypatch):
    import gzip

    from piiscan.extract import archive

    monkeypatch.setattr(archive, "MAX_MEMBER_BYTES", 1024 * 1024)
    result = scan_blob(memory_blob("bom.txt.gz", gzip.compress(b"\0" * (8 * 1024 * 1024))), detector)
    assert [(e.path, e.kind) for e in result.member_errors] == [("bom.txt.gz!/bom.txt", "too_large")]


def test_maildir_messages_are_read_by_location(detector, tmp_path):
    from piiscan.sources.filesystem import WalkOptions, walk

    box = tmp_path / "Maildir"
    for folder in ("cur", "new", "tmp"):
        (box / folder).mkdir(parents=True)
    (box / "cur" / "1700000000.M1P2.server:2,S").write_bytes(gdpr_mail())
    (box / "new" / "1700000001.M3P4.server").write_bytes(gdpr_mail("tweede.csv"))
    results = [scan_blob(b, detector) for b in walk([str(box)], WalkOptions())]
    paths = {f.path for r in results for f in r.findings}
    assert f"{box}/cur/1700000000.M1P2.server:2,S!/attachments/klanten.csv" in paths
    assert f"{box}/new/1700000001.M3P4.server!/attachments/tweede.csv" in paths
    assert all(r.error is None and r.skipped is None for r in results)
