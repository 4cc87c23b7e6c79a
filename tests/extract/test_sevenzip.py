""".7z archives (optional py7zr): members scanned with nested paths, 7z in zip and zip in 7z,
and hostile archives (encrypted, corrupt, bombs, climbing member names) as error records
while the rest of the scan goes on. All names and numbers here are invented."""

from __future__ import annotations

import importlib.util
import io
import random
import struct
import sys
import zipfile
import zlib

import pytest

from piiscan import synth
from piiscan.extract import archive, extract
from piiscan.model import ExtractionError
from piiscan.run.worker import scan_blob
from piiscan.sources.blob import memory_blob
from piiscan.sources.filesystem import WalkOptions, walk

needs_py7zr = pytest.mark.skipif(importlib.util.find_spec("py7zr") is None, reason="py7zr (the 7z extra) is not installed")

RNG = random.Random(77)
IBAN = synth.iban(RNG, "BE", spaced=True)
NN = synth.be_national_number(RNG)
BSN = synth.nl_bsn(RNG)
KLANTEN = f"naam;bsn;iban\nAnna de Vries;{BSN};{IBAN}\n".encode()
BRIEF = f"Geachte heer Peeters,\nUw rijksregisternummer {NN} staat in ons dossier.\n".encode()


def sevenzip_bytes(members: dict[str, bytes], rename: dict[str, str] | None = None, **options) -> bytes:
    """A .7z holding `members`. py7zr refuses to write hostile names, so `rename` swaps a
    written name for another of the same length in the (unencoded) header afterwards."""
    import py7zr

    buffer = io.BytesIO()
    with py7zr.SevenZipFile(buffer, "w", **options) as archive_7z:
        if rename:
            archive_7z.set_encoded_header_mode(False)  # file names in plain UTF-16
        for name, data in members.items():
            archive_7z.writestr(data, name)
    data = bytearray(buffer.getvalue())
    for old, new in (rename or {}).items():
        old_utf16, new_utf16 = old.encode("utf-16-le"), new.encode("utf-16-le")
        assert len(old_utf16) == len(new_utf16) and data.count(old_utf16) == 1
        data = data.replace(old_utf16, new_utf16)
    if rename:  # the header's CRC, then the start header's CRC over it
        offset, size = struct.unpack_from("<QQ", data, 12)
        struct.pack_into("<I", data, 28, zlib.crc32(data[32 + offset: 32 + offset + size]))
        struct.pack_into("<I", data, 8, zlib.crc32(data[12:32]))
    return bytes(data)


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive_zip:
        for name, data in members.items():
            archive_zip.writestr(name, data)
    return buffer.getvalue()


def findings(result):
    return sorted((f.path, f.entity_type, f.value) for f in result.findings)


def errors(result):
    return [(e.path, e.kind) for e in result.member_errors]


@needs_py7zr
def test_members_are_scanned_with_their_paths(detector, write_bytes):
    blob = write_bytes("export.7z", sevenzip_bytes({"2023/klanten.csv": KLANTEN, "brieven/inzage.txt": BRIEF, "leeg.txt": b"", "map/": b""}))
    result = scan_blob(blob, detector)
    found = findings(result)
    assert ("share/export.7z!/2023/klanten.csv", "NL_BSN", BSN) in found
    assert ("share/export.7z!/2023/klanten.csv", "IBAN_CODE", IBAN) in found
    assert ("share/export.7z!/brieven/inzage.txt", "BE_NATIONAL_NUMBER", NN) in found
    assert result.error is None and result.member_errors == [] and result.skipped is None


@needs_py7zr
def test_7z_in_zip_and_zip_in_7z(detector):
    inner_7z = sevenzip_bytes({"2023/klanten.csv": KLANTEN})
    result = scan_blob(memory_blob("share/archief.zip", zip_bytes({"oud/export.7z": inner_7z})), detector)
    assert ("share/archief.zip!/oud/export.7z!/2023/klanten.csv", "NL_BSN", BSN) in findings(result)

    inner_zip = zip_bytes({"brieven/inzage.txt": BRIEF})
    result = scan_blob(memory_blob("share/export.7z", sevenzip_bytes({"2024/archief.zip": inner_zip})), detector)
    assert ("share/export.7z!/2024/archief.zip!/brieven/inzage.txt", "BE_NATIONAL_NUMBER", NN) in findings(result)
    assert result.error is None and result.member_errors == []


@needs_py7zr
@pytest.mark.parametrize("header_encryption", [False, True], ids=["contents", "names-too"])
def test_encrypted_archive_is_an_error_and_the_scan_goes_on(detector, tmp_path, header_encryption):
    secret = sevenzip_bytes({"klanten.csv": KLANTEN}, password="Zonnewende2024", header_encryption=header_encryption)
    share = tmp_path / "share"
    share.mkdir()
    (share / "geheim.7z").write_bytes(secret)
    (share / "open.csv").write_bytes(KLANTEN)
    (share / "deels.zip").write_bytes(zip_bytes({"geheim.7z": secret, "open.csv": KLANTEN}))
    results = {r.path: r for r in (scan_blob(b, detector) for b in walk([str(share)], WalkOptions()))}

    assert results[f"{share}/geheim.7z"].error.kind == "encrypted"
    assert results[f"{share}/geheim.7z"].findings == []
    assert (f"{share}/open.csv", "NL_BSN", BSN) in findings(results[f"{share}/open.csv"])
    in_zip = results[f"{share}/deels.zip"]
    assert errors(in_zip) == [(f"{share}/deels.zip!/geheim.7z", "encrypted")]
    assert (f"{share}/deels.zip!/open.csv", "NL_BSN", BSN) in findings(in_zip)


@needs_py7zr
def test_corrupt_and_truncated_archives(detector):
    whole = sevenzip_bytes({"2023/klanten.csv": KLANTEN * 20, "brieven/inzage.txt": BRIEF})
    flipped = bytearray(whole)
    flipped[40] ^= 0xFF  # in the packed data: the header still reads, inflating fails
    for data in (whole[: len(whole) // 2], whole[:20], bytes(flipped), b"7z\xbc\xaf\x27\x1c" + b"\0" * 64, b"no archive at all"):
        result = scan_blob(memory_blob("kapot.7z", data), detector)
        assert result.error is not None and result.error.kind == "corrupt", data[:8]
        assert result.error.message.startswith("py7zr: ")
    # A corrupt 7z inside a zip is one member error; the zip's other members are scanned.
    result = scan_blob(memory_blob("map.zip", zip_bytes({"kapot.7z": whole[:-30], "open.csv": KLANTEN})), detector)
    assert errors(result) == [("map.zip!/kapot.7z", "corrupt")]
    assert ("map.zip!/open.csv", "NL_BSN", BSN) in findings(result)


@needs_py7zr
def test_7z_bomb_is_one_error_record_and_nothing_is_inflated(detector, monkeypatch):
    from piiscan.extract import sevenzip

    def no_inflating(*args):
        raise AssertionError("a 7z bomb must be refused before it is inflated")

    monkeypatch.setattr(sevenzip, "_inflate", no_inflating)
    monkeypatch.setattr(archive, "_RATIO_FROM", 64 * 1024)  # 1 MB of zeros is bomb enough
    bomb = sevenzip_bytes({"bom.txt": b"\0" * (1024 * 1024), "klanten.csv": KLANTEN})
    assert len(bomb) < 5_000

    result = scan_blob(memory_blob("bom.7z", bomb), detector)
    assert (result.error.kind, result.findings) == ("too_large", [])
    assert "a 7z bomb?" in result.error.message

    result = scan_blob(memory_blob("map.zip", zip_bytes({"bom.7z": bomb, "open.csv": KLANTEN})), detector)
    assert errors(result) == [("map.zip!/bom.7z", "too_large")]
    assert ("map.zip!/open.csv", "NL_BSN", BSN) in findings(result)


@needs_py7zr
def test_member_over_the_size_limit_is_an_error_and_the_rest_is_read_in_batches(detector, monkeypatch):
    monkeypatch.setattr(archive, "MAX_MEMBER_BYTES", 2000)
    noise = random.Random(3).randbytes(5000)  # incompressible: large, but no bomb
    letters = {f"brieven/{n}.txt": BRIEF + b"." * 500 for n in range(6)}  # three batches of two
    result = scan_blob(memory_blob("groot.7z", sevenzip_bytes({"foto.txt": noise, **letters, "klanten.csv": KLANTEN})), detector)
    assert errors(result) == [("groot.7z!/foto.txt", "too_large")]
    assert {f.path for f in result.findings} == {f"groot.7z!/{name}" for name in letters} | {"groot.7z!/klanten.csv"}
    assert result.error is None


@needs_py7zr
def test_members_sharing_a_name_are_all_scanned(detector):
    data = sevenzip_bytes({"dubbel/a.txt": BRIEF, "dubbel/B.txt": KLANTEN}, rename={"dubbel/B.txt": "dubbel/a.txt"})
    result = scan_blob(memory_blob("dubbel.7z", data), detector)
    assert {(f.path, f.entity_type) for f in result.findings} >= {
        ("dubbel.7z!/dubbel/a.txt", "BE_NATIONAL_NUMBER"), ("dubbel.7z!/dubbel/a.txt", "NL_BSN")}


@needs_py7zr
def test_hostile_member_names_are_shown_safely_and_never_written(detector, tmp_path, monkeypatch):
    names = ["../../etc/x.txt", "/abs/\x07bel.txt", "..\\..\\etc\\y.txt", "C:/boot/z.txt"]
    hostile = {letter * len(name): name for letter, name in zip("ABCD", names)}
    data = sevenzip_bytes({placeholder: f"BSN {BSN}".encode() for placeholder in hostile}, rename=hostile)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)  # where a careless extractor would write

    result = scan_blob(memory_blob("boos.7z", data), detector)
    assert {f.path for f in result.findings} == {"boos.7z!/abs/\\x07bel.txt"}
    assert sorted(errors(result)) == [
        ("boos.7z!/C:/boot/z.txt", "corrupt"), ("boos.7z!/etc/x.txt", "corrupt"), ("boos.7z!/etc/y.txt", "corrupt")]
    assert list(cwd.iterdir()) == [] and not list(tmp_path.rglob("*.txt"))


def test_without_py7zr_a_7z_says_how_to_add_it(detector, monkeypatch):
    import piiscan.extract

    monkeypatch.setitem(sys.modules, "py7zr", None)  # "import py7zr" now raises ImportError
    monkeypatch.delitem(sys.modules, "piiscan.extract.sevenzip", raising=False)
    monkeypatch.delattr(piiscan.extract, "sevenzip", raising=False)
    blob = memory_blob("share/export.7z", b"7z\xbc\xaf\x27\x1c")

    with pytest.raises(ExtractionError) as err:
        list(extract(blob))
    assert err.value.kind == "unsupported"
    assert "pip install 'piiscan-benelux[7z]'" in err.value.message
    # Like any format we cannot read: counted as skipped, with the reason, never a crash.
    assert "pip install 'piiscan-benelux[7z]'" in scan_blob(blob, detector).skipped
