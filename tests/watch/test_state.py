"""The done/failed record (state.py) and the pieces the loop builds on it."""

from __future__ import annotations

import stat

import pytest

from piiscan.privacy import load_or_create_key
from piiscan.watch.processor import Processor, free_relative
from piiscan.watch.state import STATE_NAME, FileKey, StateLocked, WatchState, content_sha256
from tests.watch.conftest import letter

KEY = FileKey("post/brief.txt", 120, 1_700_000_000_123_456_789, "ab" * 32)


def test_done_records_survive_a_restart_and_the_file_is_private(tmp_path):
    path = tmp_path / STATE_NAME
    with WatchState(path) as state:
        state.record(KEY, "done", output="post/brief.txt")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with WatchState(path) as state:
        assert state.may_be_done("post/brief.txt", 120, KEY.mtime_ns)
        assert state.done(KEY)["output"] == "post/brief.txt"
        # Same name, size and time but other content: not the same file.
        assert state.done(FileKey(KEY.relative, KEY.size, KEY.mtime_ns, "cd" * 32)) is None
        assert not state.may_be_done("post/brief.txt", 121, KEY.mtime_ns)


def test_a_failed_record_does_not_make_a_file_done(tmp_path):
    with WatchState(tmp_path / STATE_NAME) as state:
        state.record(KEY, "failed", moved_to="failed/post/brief.txt")
        assert state.done(KEY) is None


def test_a_line_cut_short_by_a_crash_is_skipped_and_not_glued_to_the_next(tmp_path):
    path = tmp_path / STATE_NAME
    with WatchState(path) as state:
        state.record(KEY, "done", output="post/brief.txt")
    with open(path, "a") as stream:
        stream.write('{"path": "other.txt", "size": 3, "mti')  # kill -9 in the middle of a write
    other = FileKey("other.txt", 3, 5, "ef" * 32)
    with WatchState(path) as state:
        assert state.done(KEY) is not None and state.done(other) is None
        state.record(other, "done", output="other.txt")
    with WatchState(path) as state:
        assert state.done(other) is not None


def test_only_one_watch_per_output_folder(tmp_path):
    with WatchState(tmp_path / STATE_NAME):
        with pytest.raises(StateLocked):
            WatchState(tmp_path / STATE_NAME)
    WatchState(tmp_path / STATE_NAME).close()  # free again once the first is closed


def test_content_hash_is_the_files_sha256(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(b"abc")
    assert content_sha256(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_free_relative_never_reuses_a_taken_name(tmp_path):
    (tmp_path / "sub").mkdir()
    assert free_relative(tmp_path, "sub/scan.pdf") == "sub/scan.pdf"
    (tmp_path / "sub/scan.pdf").write_text("x")
    (tmp_path / "sub/scan (2).pdf.reason.json").write_text("x")
    assert free_relative(tmp_path, "sub/scan.pdf") == "sub/scan (2).pdf"
    assert free_relative(tmp_path, "sub/scan.pdf", also=(".reason.json",)) == "sub/scan (3).pdf"


def test_reasons_are_scrubbed_of_values(tmp_path):
    processor = Processor("redact", tmp_path, load_or_create_key())
    _, iban = letter(9)
    scrubbed = processor.scrub(f"ValueError: invalid literal: 'rekening {iban}'")
    assert iban not in scrubbed and iban[:4] in scrubbed and "*" in scrubbed
    assert scrubbed.startswith("ValueError: invalid literal")


def test_id_mode_needs_the_watermark_options(tmp_path):
    with pytest.raises(ValueError):
        Processor("id", tmp_path, load_or_create_key())
