"""`piiscan watch --once` (cron's way), in this process: what counts as done, what is set aside
in failed/, --remove-originals, restarts, and id mode on a synthetic ID card."""

from __future__ import annotations

import io
import json
import stat

from click.testing import CliRunner
from PIL import Image

from piiscan.cli import main
from piiscan.redact.idcard_verify import is_black
from piiscan.watch.state import STATE_NAME
from tests.fixtures.id_documents import make_document
from tests.watch.conftest import assert_redacted_copy, drop, letter, state_records, watch_records

ONCE = ("--once", "--poll", "0.05", "--settle", "0.2")


def _watch(inbox, out, *args):
    return CliRunner().invoke(main, ["watch", str(inbox), "--out", str(out), *ONCE, *args])


def test_remove_originals_removes_only_verified_copies_and_sets_failures_aside(folders):
    inbox, out = folders
    iban = drop(inbox, "post/brief.txt", 1)
    (inbox / "post" / "scan.jpg").write_bytes(b"\xff\xd8\xff\xe0 not an image piiscan redact can copy")
    result = _watch(inbox, out, "--remove-originals")
    assert result.exit_code == 3, result.output  # a file failed

    assert_redacted_copy(out / "post/brief.txt", 1)
    assert not (inbox / "post/brief.txt").exists()  # its copy exists: the original is gone

    assert not (out / "post/scan.jpg").exists()  # no safe copy ...
    assert not (inbox / "post/scan.jpg").exists()
    moved = inbox / "failed/post/scan.jpg"  # ... so the original is kept, set aside
    assert moved.read_bytes().startswith(b"\xff\xd8\xff\xe0 not an image")
    reason = json.loads((inbox / "failed/post/scan.jpg.reason.json").read_text())
    assert reason["file"] == "post/scan.jpg" and reason["status"] == "not redacted"
    assert "image" in reason["reason"]
    for path in (inbox / "failed").rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600) or path == moved, path
    assert stat.S_IMODE((inbox / "failed").stat().st_mode) == 0o700

    statuses = {r["path"]: r["status"] for r in state_records(out)}
    assert statuses == {"post/brief.txt": "done", "post/scan.jpg": "failed"}
    assert iban not in (out / STATE_NAME).read_text()
    assert "post/scan.jpg" in result.stderr and "failed/" in result.stderr


def test_a_second_run_leaves_done_files_and_their_copies_alone(folders):
    inbox, out = folders
    drop(inbox, "brief.txt", 2)
    assert _watch(inbox, out).exit_code == 0
    copy_mtime = (out / "brief.txt").stat().st_mtime_ns

    second = _watch(inbox, out)
    assert second.exit_code == 0
    assert "1 done before" in second.stderr
    assert (out / "brief.txt").stat().st_mtime_ns == copy_mtime
    assert len(state_records(out)) == 1 and len(watch_records(out)) == 1

    # A later run with --remove-originals clears what an earlier run finished.
    third = _watch(inbox, out, "--remove-originals")
    assert third.exit_code == 0
    assert not (inbox / "brief.txt").exists() and (out / "brief.txt").exists()
    assert len(state_records(out)) == 1


def test_a_new_file_under_a_name_already_copied_gets_its_own_copy(folders):
    inbox, out = folders
    drop(inbox, "scan.txt", 3)
    assert _watch(inbox, out, "--remove-originals").exit_code == 0
    drop(inbox, "scan.txt", 4)  # the scanner's next file, same name, other content
    assert _watch(inbox, out, "--remove-originals").exit_code == 0
    assert_redacted_copy(out / "scan.txt", 3)  # the first copy is not overwritten
    assert_redacted_copy(out / "scan (2).txt", 4)


def test_temporary_and_hidden_names_are_left_alone(folders):
    inbox, out = folders
    text, iban = letter(5)
    for name in ("upload.txt.part", "download.crdownload", ".hidden.txt", "x.tmp", "~$brief.docx"):
        (inbox / name).write_text(text)
    result = _watch(inbox, out, "--remove-originals")
    assert result.exit_code == 0
    assert "nothing to do" in result.stderr
    assert sorted(p.name for p in inbox.iterdir()) == sorted(
        ["upload.txt.part", "download.crdownload", ".hidden.txt", "x.tmp", "~$brief.docx"])
    assert state_records(out) == []


def test_a_second_watcher_on_the_same_output_is_refused(folders):
    from piiscan.watch.state import WatchState

    inbox, out = folders
    out.mkdir()
    with WatchState(out / STATE_NAME):
        result = _watch(inbox, out)
    assert result.exit_code == 2
    assert "another piiscan watch" in result.output


def test_usage_errors(folders, tmp_path):
    inbox, out = folders
    assert _watch(inbox, out, "--mode", "id").exit_code == 2  # id mode needs a purpose
    assert _watch(inbox, inbox / "copies").exit_code == 2  # copies inside the inbox
    assert _watch(inbox, out, "--mode", "id", "--purpose", "x", "--date", "22/11/2026").exit_code == 2


def test_id_mode_writes_a_masked_copy_of_an_id_card(folders):
    inbox, out = folders
    doc = make_document("be_eid", side="back", seed=2)
    doc.image.save(inbox / "kaart.png")
    result = _watch(inbox, out, "--mode", "id", "--purpose", "Huurcontract", "--recipient", "Immo Zuid",
                    "--date", "2026-11-22")
    assert result.exit_code == 0, result.output
    copy = Image.open(out / "kaart.png")
    assert copy.format == "PNG" and copy.size == doc.image.size
    copy = copy.convert("RGB")
    assert is_black(copy, doc.boxes["mrz"]) and is_black(copy, doc.boxes["national_number"])
    assert (inbox / "kaart.png").exists()
    assert stat.S_IMODE((out / "kaart.png").stat().st_mode) == 0o600
    number = doc.truth["national_number"]
    for text in (result.stderr, (out / "piiscan-watch-log.jsonl").read_text(), (out / STATE_NAME).read_text()):
        assert number not in text and doc.truth["national_number_compact"] not in text
    assert [r["status"] for r in state_records(out)] == ["done"]
    assert "BE_NATIONAL_NUMBER" in result.stderr or "MRZ" in result.stderr


def test_id_mode_sets_aside_what_is_not_an_id_document(folders):
    inbox, out = folders
    picture = Image.new("RGB", (400, 300), (120, 160, 200))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    (inbox / "vakantie.png").write_bytes(buffer.getvalue())
    result = _watch(inbox, out, "--mode", "id", "--purpose", "Huurcontract")
    assert result.exit_code == 3
    assert not (out / "vakantie.png").exists()
    assert (inbox / "failed/vakantie.png").read_bytes() == buffer.getvalue()
    reason = json.loads((inbox / "failed/vakantie.png.reason.json").read_text())
    assert reason["status"] == "not an ID document" and reason["mode"] == "id"


def test_links_and_oversized_files_are_set_aside(folders, tmp_path):
    inbox, out = folders
    outside = tmp_path / "elders.txt"
    outside.write_text(letter(6)[0])
    (inbox / "link.txt").symlink_to(outside)
    drop(inbox, "groot.txt", 7)
    result = _watch(inbox, out, "--max-file-size", "20")
    assert result.exit_code == 3
    assert not (out / "link.txt").exists() and not (out / "groot.txt").exists()
    assert (inbox / "failed/link.txt").is_symlink() and outside.read_text() == letter(6)[0]
    assert json.loads((inbox / "failed/link.txt.reason.json").read_text())["error"] == "not_a_file"
    assert json.loads((inbox / "failed/groot.txt.reason.json").read_text())["error"] == "too_large"
