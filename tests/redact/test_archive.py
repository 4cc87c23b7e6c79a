"""Redacted copies of archives: zip, tar (plain, gz, bz2, xz) and single compressed files.

Members are rebuilt in memory with the same names, order, times, permissions, compression
and types; each goes through its own format module, recursively (a zip in a mail in a zip).
The scan's limits hold: a bomb ends the redaction with an error instead of being inflated.
All data here is invented.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import random
import re
import tarfile
import zipfile
from email.message import EmailMessage

import pytest

from piiscan import synth
from piiscan.model import Blob, ExtractionError
from piiscan.redact.formats import archive, mail
from piiscan.redact.styles import Replacer
from piiscan.redact.text import TextRedaction
from piiscan.run.worker import MAX_DEPTH, scan_blob
from piiscan.sources.blob import memory_blob

RNG = random.Random(1830)
IBAN = synth.iban(RNG, "NL", spaced=True)
NN = synth.be_national_number(RNG)
BSN = synth.nl_bsn(RNG)
PHONE = synth.phone_be(RNG, style="spaced")
EMAIL = "anna.devries@example.nl"

LETTER = (
    "Beste klantenservice,\n\nHierbij dien ik een verzoek in tot inzage in mijn dossier.\n"
    f"Mijn burgerservicenummer is {BSN} en mijn rekening is {IBAN}.\n"
    f"Stuur het antwoord naar {EMAIL}.\n\nMet vriendelijke groet,\nAnna de Vries\n"
)
README = b"Export van het klantenarchief, maart 2024. Bevat geen bijlagen.\n"
CSV = f"naam;rijksregisternummer;telefoon\nSophie Peeters;{NN};{PHONE}\n".encode()
TIME = (2024, 3, 12, 9, 14, 0)


@pytest.fixture
def label(detector):
    return TextRedaction(detector, Replacer("label", b"redaction-test-key-0123456789abc"))


@pytest.fixture
def pseudonym(detector):
    return TextRedaction(detector, Replacer("pseudonym", b"redaction-test-key-0123456789abc"))


def zip_bytes(members: list[tuple[str, bytes, int]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive_file:
        for name, data, method in members:
            info = zipfile.ZipInfo(name, TIME)
            info.compress_type = method
            info.external_attr = (0o40750 << 16 | 0x10) if name.endswith("/") else (0o100640 << 16)
            archive_file.writestr(info, data)
    return buffer.getvalue()


def nested_zip() -> bytes:
    inner = zip_bytes([("2023/klanten.csv", CSV, zipfile.ZIP_DEFLATED)])
    return zip_bytes([
        ("export/", b"", zipfile.ZIP_STORED),
        ("export/readme.txt", README, zipfile.ZIP_DEFLATED),
        ("export/brief.txt", LETTER.encode(), zipfile.ZIP_BZIP2),
        ("export/klanten.zip", inner, zipfile.ZIP_STORED),
        ("export/logo.png", b"\x89PNG\r\n\x1a\n not a real image", zipfile.ZIP_LZMA),
    ])


def all_texts(data: bytes) -> str:
    return "\n".join(archive.raw_texts(data))


def assert_values_gone(name: str, original: bytes, copy: bytes, detector) -> None:
    values = {f.value for f in scan_blob(memory_blob(name, original), detector).findings}
    assert values
    texts = all_texts(copy)
    assert not [v for v in values if v in texts]
    again = scan_blob(memory_blob(name, copy), detector)
    assert again.error is None and not values & {f.value for f in again.findings}


def members_of(name: str, data: bytes, detector) -> set[str]:
    """The member paths the scan reports findings under, relative to the archive."""
    return {f.path.removeprefix(f"{name}!/") for f in scan_blob(memory_blob(name, data), detector).findings}


def test_zip_members_redacted_recursively_with_names_order_and_attributes_kept(label, detector):
    data = nested_zip()
    copy = archive.redact(memory_blob("share/export.zip", data), label)
    assert_values_gone("share/export.zip", data, copy.data, detector)

    before = zipfile.ZipFile(io.BytesIO(data)).infolist()
    after_file = zipfile.ZipFile(io.BytesIO(copy.data))
    assert after_file.testzip() is None
    after = after_file.infolist()
    keep = lambda i: (i.filename, i.date_time, i.external_attr, i.compress_type, i.is_dir())  # noqa: E731
    assert [keep(i) for i in after] == [keep(i) for i in before]
    # Untouched members are copied as they were stored.
    untouched = {"export/", "export/readme.txt", "export/logo.png"}
    assert [(i.CRC, i.compress_size) for i in after if i.filename in untouched] == [(i.CRC, i.compress_size) for i in before if i.filename in untouched]
    assert after_file.read("export/readme.txt") == README
    assert after_file.read("export/brief.txt").decode().startswith("Beste klantenservice,\n\nHierbij dien ik")
    inner = zipfile.ZipFile(io.BytesIO(after_file.read("export/klanten.zip")))
    assert inner.namelist() == ["2023/klanten.csv"]
    assert inner.read("2023/klanten.csv") == b"naam;rijksregisternummer;telefoon\n[PERSON];[BE_NATIONAL_NUMBER];[PHONE_NUMBER]\n"

    assert members_of("share/export.zip", data, detector) <= {e.member for e in copy.log}
    assert "export/klanten.zip!/2023/klanten.csv" in {e.member for e in copy.log}
    assert copy.not_redacted == ["export/logo.png: image not redacted"]


def test_non_personal_words_remain(pseudonym, detector):
    data = nested_zip()
    values = {f.value for f in scan_blob(memory_blob("x.zip", data), detector).findings}
    personal = {w for v in values for w in re.findall(r"\w+", v)}
    before = [w for w in re.findall(r"\w+", LETTER + README.decode() + CSV.decode()) if w not in personal and not w.isdigit()]
    after = set(re.findall(r"\w+", all_texts(archive.redact(memory_blob("x.zip", data), pseudonym).data)))
    assert sum(w in after for w in before) / len(before) >= 0.95


def test_pseudonyms_are_the_same_in_every_member(pseudonym):
    data = zip_bytes([("a.csv", CSV, zipfile.ZIP_DEFLATED), ("b.txt", f"Rijksregisternummer: {NN}\n".encode(), zipfile.ZIP_DEFLATED)])
    copy = archive.redact(memory_blob("x.zip", data), pseudonym)
    stand_ins = {e.replacement.replacement for e in copy.log if e.replacement.value == NN}
    assert len(stand_ins) == 1
    stand_in = stand_ins.pop()
    result = zipfile.ZipFile(io.BytesIO(copy.data))
    assert stand_in.encode() in result.read("a.csv") and stand_in.encode() in result.read("b.txt")


def tar_bytes(mode: str) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as tar:
        folder = tarfile.TarInfo("export")
        folder.type, folder.mode, folder.mtime = tarfile.DIRTYPE, 0o750, 1710231240
        tar.addfile(folder)
        for name, data in (("export/brief.txt", LETTER.encode()), ("export/readme.txt", README), ("export/inzage.eml", gdpr_mail())):
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime, info.uid, info.gid, info.uname, info.gname = len(data), 0o640, 1710231240, 1000, 100, "anna", "users"
            tar.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("export/laatste")
        link.type, link.linkname = tarfile.SYMTYPE, "brief.txt"
        tar.addfile(link)
    return buffer.getvalue()


def gdpr_mail() -> bytes:
    message = EmailMessage()
    message["From"] = f"Anna de Vries <{EMAIL}>"
    message["To"] = "privacy@zonnewende.be"
    message["Subject"] = "Inzageverzoek"
    message.set_content(f"Mijn BSN is {BSN}.\n")
    message.add_attachment(CSV, maintype="text", subtype="csv", filename="klanten.csv")
    return message.as_bytes()


@pytest.mark.parametrize("name,mode", [("export.tar", "w"), ("export.tar.gz", "w:gz"), ("export.tgz", "w:gz"), ("export.tar.bz2", "w:bz2"), ("export.tar.xz", "w:xz")])
def test_tar_every_compression(label, detector, name, mode):
    data = tar_bytes(mode)
    copy = archive.redact(memory_blob(name, data), label)
    assert_values_gone(name, data, copy.data, detector)
    assert copy.data[:3] == data[:3]  # same compression
    with tarfile.open(fileobj=io.BytesIO(data)) as before, tarfile.open(fileobj=io.BytesIO(copy.data)) as after:
        keep = lambda i: (i.name, i.type, i.mode, i.mtime, i.uid, i.gid, i.uname, i.gname, i.linkname)  # noqa: E731
        assert [keep(i) for i in after.getmembers()] == [keep(i) for i in before.getmembers()]
        assert after.extractfile("export/readme.txt").read() == README
        assert b"[NL_BSN]" in after.extractfile("export/brief.txt").read()
    members = {e.member for e in copy.log}
    assert members_of(name, data, detector) <= members
    assert "export/inzage.eml!/attachments/klanten.csv" in members


def test_gzip_header_is_kept(label):
    raw = io.BytesIO()
    with gzip.GzipFile(filename="export.tar", mode="wb", fileobj=raw, mtime=1710231240) as stream:
        stream.write(tar_bytes("w"))
    copy = archive.redact(memory_blob("export.tar.gz", raw.getvalue()), label).data
    assert archive._gzip_header(copy) == ("export.tar", 1710231240)


@pytest.mark.parametrize("suffix,compress", [(".gz", gzip.compress), (".bz2", bz2.compress), (".xz", lzma.compress)])
def test_single_compressed_file(label, detector, suffix, compress):
    data = compress(f"2024-03-12 09:14 login {EMAIL} vanaf 81.82.83.84\n".encode())
    copy = archive.redact(memory_blob(f"logs/app.log{suffix}", data), label)
    assert_values_gone(f"logs/app.log{suffix}", data, copy.data, detector)
    assert copy.data[:3] == data[:3]
    assert {e.member for e in copy.log} == {"app.log"}
    decompress = {".gz": gzip.decompress, ".bz2": bz2.decompress, ".xz": lzma.decompress}[suffix]
    assert decompress(copy.data) == b"2024-03-12 09:14 login [EMAIL_ADDRESS] vanaf [IP_ADDRESS]\n"


def test_zip_in_mail_in_zip(label, detector):
    inner = zip_bytes([("2023/klanten.csv", CSV, zipfile.ZIP_DEFLATED)])
    message = EmailMessage()
    message["From"] = f"Anna de Vries <{EMAIL}>"
    message["Subject"] = "Export"
    message.set_content(f"In de bijlage het overzicht. IBAN {IBAN}.\n")
    message.add_attachment(inner, maintype="application", subtype="zip", filename="export.zip")
    outer = zip_bytes([("mails/inzage.eml", message.as_bytes(), zipfile.ZIP_DEFLATED), ("readme.txt", README, zipfile.ZIP_DEFLATED)])
    copy = archive.redact(memory_blob("share/archief.zip", outer), label)
    assert_values_gone("share/archief.zip", outer, copy.data, detector)
    members = {e.member for e in copy.log}
    assert "mails/inzage.eml!/attachments/export.zip!/2023/klanten.csv" in members
    assert "mails/inzage.eml" in members
    assert members_of("share/archief.zip", outer, detector) <= members
    # The mail inside is still a mail with its zip attachment.
    eml = zipfile.ZipFile(io.BytesIO(copy.data)).read("mails/inzage.eml")
    assert "\n".join(mail.raw_texts(eml)).count("2023/klanten.csv") >= 1


def test_unchanged_archive_is_returned_as_it_was(label):
    data = zip_bytes([("readme.txt", README, zipfile.ZIP_DEFLATED)])
    copy = archive.redact(memory_blob("x.zip", data), label)
    assert copy.data == data and copy.log == [] and copy.not_redacted == []


def test_encrypted_member_is_listed_and_kept(label):
    data = bytearray(zip_bytes([("geheim.csv", b"\x8a\x11garbled", zipfile.ZIP_STORED), ("open.txt", f"BSN {BSN}".encode(), zipfile.ZIP_DEFLATED)]))
    # The "encrypted" flag an encrypting zip tool sets (zipfile cannot encrypt), in the local
    # header and the central directory entry of the first member.
    data[6] |= 0x1
    data[data.index(b"PK\x01\x02") + 8] |= 0x1
    copy = archive.redact(memory_blob("deels.zip", bytes(data)), label)
    assert copy.not_redacted == ["geheim.csv: encrypted, not redacted"]
    result = zipfile.ZipFile(io.BytesIO(copy.data))
    secret = result.getinfo("geheim.csv")
    assert secret.flag_bits & 0x1 and secret.compress_size == len(b"\x8a\x11garbled")
    start = secret.header_offset + 30 + len("geheim.csv") + len(secret.extra)
    assert copy.data[start:start + secret.compress_size] == b"\x8a\x11garbled"
    assert result.read("open.txt") == b"BSN [NL_BSN]"


def test_member_that_fails_to_redact_is_listed_and_kept(label):
    data = zip_bytes([("kapot.docx", b"PK\x03\x04 broken", zipfile.ZIP_DEFLATED), ("b.txt", f"BSN {BSN}".encode(), zipfile.ZIP_DEFLATED)])
    copy = archive.redact(memory_blob("x.zip", data), label)
    assert len(copy.not_redacted) == 1 and copy.not_redacted[0].startswith("kapot.docx: not redacted (")
    assert zipfile.ZipFile(io.BytesIO(copy.data)).read("kapot.docx") == b"PK\x03\x04 broken"


def test_zip_bomb_stops_the_redaction(label):
    bomb = zip_bytes([("bom.txt", b"\0" * (64 * 1024 * 1024), zipfile.ZIP_DEFLATED), ("b.txt", f"BSN {BSN}".encode(), zipfile.ZIP_DEFLATED)])
    with pytest.raises(ExtractionError) as raised:
        archive.redact(memory_blob("bom.zip", bomb), label)
    assert raised.value.kind == "too_large"


def test_gzip_bomb_stops_the_redaction(label, monkeypatch):
    from piiscan.extract import archive as scan_archive

    monkeypatch.setattr(scan_archive, "MAX_MEMBER_BYTES", 1024 * 1024)
    with pytest.raises(ExtractionError) as raised:
        archive.redact(memory_blob("bom.txt.gz", gzip.compress(b"\0" * (8 * 1024 * 1024))), label)
    assert raised.value.kind == "too_large"


def test_total_size_budget(label, monkeypatch):
    from piiscan.run import worker

    monkeypatch.setattr(worker, "MAX_TOTAL_BYTES", 1000)
    data = zip_bytes([(f"deel{i}.txt", b"x" * 400, zipfile.ZIP_DEFLATED) for i in range(3)])
    with pytest.raises(ExtractionError) as raised:
        archive.redact(memory_blob("groot.zip", data), label)
    assert raised.value.kind == "too_large"


def test_nesting_deeper_than_the_limit_stops(label):
    data, name = f"BSN {BSN}".encode(), "diep.txt"
    for level in range(MAX_DEPTH + 2):
        data, name = zip_bytes([(name, data, zipfile.ZIP_DEFLATED)]), f"laag{level}.zip"
    with pytest.raises(ExtractionError) as raised:
        archive.redact(memory_blob("matroesjka.zip", data), label)
    assert raised.value.kind == "too_deep"


def test_mbox_in_tar_numbers_messages_as_the_scan(label, detector):
    box = b"".join(b"From anna@example.nl Tue Mar 12 09:14:00 2024\n" + gdpr_mail() + b"\n" for _ in range(2))
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        info = tarfile.TarInfo("mail/inbox.mbox")
        info.size = len(box)
        tar.addfile(info, io.BytesIO(box))
    copy = archive.redact(memory_blob("backup.tar", buffer.getvalue()), label)
    members = {e.member for e in copy.log}
    assert members_of("backup.tar", buffer.getvalue(), detector) <= members
    assert "mail/inbox.mbox!/00002/attachments/klanten.csv" in members


def test_hostile_member_names_stay_names(label):
    data = zip_bytes([("../../etc/passwd.txt", f"BSN {BSN}".encode(), zipfile.ZIP_DEFLATED)])
    copy = archive.redact(memory_blob("boos.zip", data), label)
    assert zipfile.ZipFile(io.BytesIO(copy.data)).namelist() == ["../../etc/passwd.txt"]
    assert {e.member for e in copy.log} == {"etc/passwd.txt"}  # as the scan shows the path


def test_raw_texts_sniffs_the_format():
    for data in (nested_zip(), tar_bytes("w:xz"), gzip.compress(LETTER.encode())):
        assert BSN in all_texts(data)
    assert NN in all_texts(nested_zip())  # from the zip inside the zip


def test_kind_message_blob_goes_to_mail(label):
    blob = Blob(path="x.mbox!/00001", size=0, open=lambda: io.BytesIO(gdpr_mail()), kind="message")
    copy = mail.redact(blob, label)
    assert "attachments/klanten.csv" in {e.member for e in copy.log}


def test_a_value_found_in_one_member_is_replaced_in_every_member(label):
    # Found as a name only after "mevrouw" (b.txt); a.txt, redacted by formats.text, loses it
    # too, and in the same way.
    data = zip_bytes([("a.txt", b"Verslag Wendelien Dorgelo\n", zipfile.ZIP_DEFLATED),
                      ("b.txt", b"Ik schrijf namens mevrouw Wendelien Dorgelo.\n", zipfile.ZIP_DEFLATED)])
    copy = archive.redact(memory_blob("x.zip", data), label)
    result = zipfile.ZipFile(io.BytesIO(copy.data))
    assert result.read("a.txt") == b"Verslag [PERSON]\n"
    assert result.read("b.txt") == b"Ik schrijf namens mevrouw [PERSON].\n"
    assert "Dorgelo" not in all_texts(copy.data)
