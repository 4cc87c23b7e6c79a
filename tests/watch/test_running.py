"""`piiscan watch` as it runs in production: a subprocess watching an inbox, files dropped
into it while it runs, stopped with SIGTERM, restarted."""

from __future__ import annotations

import collections
import signal
import stat
import time

import pytest

from piiscan.watch.state import STATE_NAME
from tests.watch.conftest import (assert_redacted_copy, drop, letter, state_records, wait_until,
                                  watch_records)


def _done_paths(out) -> list[str]:
    return [r["path"] for r in state_records(out) if r["status"] == "done"]


def test_files_dropped_while_running_are_copied_and_sigterm_stops_cleanly(folders, start_watcher):
    inbox, out = folders
    watcher = start_watcher(inbox, out)
    drop(inbox, "brief.txt", 1)
    drop(inbox, "klanten/2024/memo.txt", 2, via_part=True)  # a new subfolder, written as .part
    wait_until(lambda: (out / "brief.txt").exists() and (out / "klanten/2024/memo.txt").exists(), what="the copies")
    assert watcher.stop() == 0, watcher.stderr
    assert_redacted_copy(out / "brief.txt", 1)
    assert_redacted_copy(out / "klanten/2024/memo.txt", 2)
    assert not list(out.rglob("*.part"))
    for path in out.rglob("*"):  # copies, folders, state and log are private
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path
    assert (inbox / "brief.txt").exists()  # originals stay without --remove-originals
    err = watcher.stderr
    _, iban = letter(1)
    assert "redacted" in err and "brief.txt" in err and "IBAN_CODE" in err
    assert iban not in err and iban.replace(" ", "") not in err  # masked values only
    assert "piiscan watch: 2 redacted" in err  # the summary at exit


def test_a_file_still_being_written_is_taken_only_when_complete(folders, start_watcher):
    inbox, out = folders
    watcher = start_watcher(inbox, out)
    first, iban_1 = letter(10)
    second, iban_2 = letter(11)
    with open(inbox / "groot.txt", "w") as writer:
        writer.write(first)
        writer.flush()
        # Longer than --poll and --settle: size and mtime stand still, but the writer still
        # holds the file open, so it is not complete.
        time.sleep(1.5)
        assert not (out / "groot.txt").exists()
        assert state_records(out) == []
        writer.write(second)
    wait_until(lambda: (out / "groot.txt").exists(), what="the copy")
    time.sleep(1.0)  # several more polls: a second processing would show in the log
    assert watcher.stop() == 0, watcher.stderr
    copy = (out / "groot.txt").read_text()
    assert copy == (first + second).replace(iban_1, "[IBAN_CODE]").replace(iban_2, "[IBAN_CODE]")
    assert [r["path"] for r in watch_records(out)] == ["groot.txt"]
    assert _done_paths(out) == ["groot.txt"]


def test_a_restart_in_the_middle_loses_nothing_and_repeats_nothing(folders, start_watcher):
    inbox, out = folders
    for n in range(8):
        drop(inbox, f"a/brief{n}.txt", 100 + n)
    watcher = start_watcher(inbox, out)
    wait_until(lambda: _done_paths(out), what="a first copy")
    assert watcher.stop() == 0, watcher.stderr  # stopped in the middle of the batch, after the file in hand
    first_run = _done_paths(out)
    copied_before = {p: (out / p).stat().st_mtime_ns for p in first_run}
    for p in first_run:
        assert_redacted_copy(out / p, 100 + int(p.removeprefix("a/brief").removesuffix(".txt")))

    for n in range(3):  # dropped while no watcher runs
        drop(inbox, f"b/late{n}.txt", 200 + n)
    watcher = start_watcher(inbox, out)
    drop(inbox, "b/live.txt", 300)  # and one while the second watcher runs
    expected = {f"a/brief{n}.txt" for n in range(8)} | {f"b/late{n}.txt" for n in range(3)} | {"b/live.txt"}
    wait_until(lambda: set(_done_paths(out)) == expected, what="every file")
    time.sleep(0.5)
    assert watcher.stop() == 0, watcher.stderr

    assert collections.Counter(_done_paths(out)) == collections.Counter(expected)  # each exactly once
    assert collections.Counter(r["path"] for r in watch_records(out)) == collections.Counter(expected)
    for p, mtime in copied_before.items():  # a copy made before the restart is not rewritten
        assert (out / p).stat().st_mtime_ns == mtime
    assert not [p for p in out.rglob("*") if "(2)" in p.name]
    assert stat.S_IMODE((out / STATE_NAME).stat().st_mode) == 0o600
    assert "done before" in watcher.stderr


@pytest.mark.parametrize("observer", ["inotify", "polling"])
def test_a_burst_of_files_is_processed_completely(folders, start_watcher, observer):
    inbox, out = folders
    watcher = start_watcher(inbox, out, *(["--polling"] if observer == "polling" else []))
    names = {}
    for n in range(36):
        relative = f"batch{n % 3}/letter{n:02d}.txt" if n % 2 else f"letter{n:02d}.txt"
        drop(inbox, relative, 400 + n, via_part=n % 4 == 1)
        names[relative] = 400 + n
    wait_until(lambda: len(_done_paths(out)) >= len(names), what="all copies")
    assert watcher.stop() == 0, watcher.stderr
    assert sorted(_done_paths(out)) == sorted(names)
    for relative, seed in names.items():
        assert_redacted_copy(out / relative, seed)
    assert not (inbox / "failed").exists()
    assert f"{len(names)} redacted" in watcher.stderr
    assert ("polling" in watcher.stderr) == (observer == "polling")


def test_sigint_stops_like_sigterm(folders, start_watcher):
    inbox, out = folders
    watcher = start_watcher(inbox, out)
    drop(inbox, "brief.txt", 7)
    wait_until(lambda: (out / "brief.txt").exists(), what="the copy")
    assert watcher.stop(signal.SIGINT) == 0, watcher.stderr
    assert "Traceback" not in watcher.stderr
    assert "piiscan watch: 1 redacted" in watcher.stderr
