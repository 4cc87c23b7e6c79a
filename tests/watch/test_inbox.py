"""The loop (inbox.py) with a stand-in for the copy commands: what it takes, when, and how
often, without the cost of a detector."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from piiscan.watch.inbox import Inbox, Stop, WatchOptions
from piiscan.watch.processor import Outcome
from piiscan.watch.report import WatchSummary, progress_line
from piiscan.watch.state import STATE_NAME, WatchState
from tests.watch.conftest import wait_until


class CopyingProcessor:
    """Copies a file as it is and records what it was given; `during` runs mid-copy."""

    mode = "redact"

    def __init__(self, out: Path, during=None):
        self.out, self.during, self.calls = out, during, []

    def process(self, path: Path, relative: str) -> Outcome:
        self.calls.append((relative, path.read_bytes()))
        if self.during:
            self.during(path)
        target = self.out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
        return Outcome(relative, "unchanged", True, output=relative)


def _inbox(inbox, out, processor, **options) -> tuple[Inbox, list[str], WatchState]:
    out.mkdir(exist_ok=True)
    state = WatchState(out / STATE_NAME)
    lines: list[str] = []
    settings = WatchOptions(**{"settle": 0.1, "poll": 0.05, **options})
    return Inbox(inbox, out, processor, state, settings, WatchSummary(), lambda record: None, lines.append), lines, state


def test_a_file_written_to_while_being_copied_is_taken_again(folders):
    inbox, out = folders
    (inbox / "a.txt").write_text("first part")

    def append_once(path):
        if len(processor.calls) == 1:
            with open(path, "a") as stream:
                stream.write(" and more")

    processor = CopyingProcessor(out, append_once)
    loop, lines, state = _inbox(inbox, out, processor, once=True)
    with state:
        loop.run(Stop())
    assert [content for _, content in processor.calls] == [b"first part", b"first part and more"]
    assert (out / "a.txt").read_text() == "first part and more"
    assert any(line.startswith("changed") for line in lines)
    assert loop.summary.counts == {"unchanged": 1}


def test_the_periodic_walk_finds_files_no_event_reported(folders, monkeypatch):
    inbox, out = folders
    monkeypatch.setattr(Inbox, "_start_observer", lambda self: None)  # every event lost
    processor = CopyingProcessor(out)
    loop, lines, state = _inbox(inbox, out, processor, rescan=0.3)
    stop = Stop()
    with state:
        runner = threading.Thread(target=loop.run, args=(stop,))
        runner.start()
        try:
            wait_until(lambda: any("watching" in line for line in lines), what="the loop to start")
            (inbox / "sub").mkdir()
            (inbox / "sub" / "late.txt").write_text("dropped after the first walk")
            wait_until(lambda: (out / "sub" / "late.txt").exists(), what="the walk to find it")
        finally:
            stop.requested = True
            runner.join(timeout=30)
    assert not runner.is_alive()
    assert [relative for relative, _ in processor.calls] == ["sub/late.txt"]


def test_files_in_failed_and_temporary_names_are_not_taken(folders):
    inbox, out = folders
    (inbox / "failed").mkdir()
    (inbox / "failed" / "old.txt").write_text("set aside before")
    (inbox / "upload.pdf.part").write_text("half")
    (inbox / ".cache").mkdir()
    (inbox / ".cache" / "x.txt").write_text("hidden folder")
    (inbox / "real.txt").write_text("take me")
    processor = CopyingProcessor(out)
    loop, _, state = _inbox(inbox, out, processor, once=True)
    with state:
        loop.run(Stop())
    assert [relative for relative, _ in processor.calls] == ["real.txt"]


def test_progress_line_is_one_line_with_masked_values():
    outcome = Outcome("kaart.png", "redacted", True, output="kaart.png",
                      masked=[("MRZ", "IDBEL*****<<<<\n*******<<<\n"), ("BE_NATIONAL_NUMBER", "**.**.**-***.27"),
                              ("BE_NATIONAL_NUMBER", "**.**.**-***.27"), ("PHOTO", "")])
    line = progress_line(outcome)
    assert "\n" not in line
    assert line.count("BE_NATIONAL_NUMBER") == 1
    assert line.startswith("redacted") and "kaart.png" in line and "PHOTO" in line


def test_a_stop_during_a_file_finishes_it_and_the_next_run_takes_the_rest(folders):
    inbox, out = folders
    for name in ("a.txt", "b.txt", "c.txt"):
        (inbox / name).write_text(f"content of {name}")
        time.sleep(0.01)  # distinct mtimes: taken oldest first
    stop = Stop()

    def signal_arrives(path):
        stop.requested = True  # what the SIGTERM handler does, while the file is in hand

    first = CopyingProcessor(out, signal_arrives)
    loop, _, state = _inbox(inbox, out, first)
    with state:
        loop.run(stop)
    assert [relative for relative, _ in first.calls] == ["a.txt"]
    assert (out / "a.txt").read_text() == "content of a.txt"

    second = CopyingProcessor(out)
    loop, _, state = _inbox(inbox, out, second, once=True)
    with state:
        loop.run(Stop())
    assert sorted(relative for relative, _ in second.calls) == ["b.txt", "c.txt"]
    assert loop.summary.already_done == 1
