"""When a file counts as completely written (settle.py)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from piiscan.watch.settle import Settling, files_open_for_writing, ignored


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _settling(interval=2.0):
    clock = Clock()
    return Settling(interval, clock, open_for_writing=lambda paths: set()), clock


@pytest.mark.parametrize("name", ["a.part", "A.PART", "b.pdf.crdownload", "c.tmp", ".hidden", ".~lock.x.odt#",
                                  "~$brief.docx", "d.partial"])
def test_upload_temporaries_and_hidden_names_are_ignored(name):
    assert ignored(name)


@pytest.mark.parametrize("name", ["brief.txt", "scan.pdf", "part.txt", "tmp", "export.csv"])
def test_ordinary_names_are_taken(name):
    assert not ignored(name)


def test_a_file_is_ready_once_unchanged_for_the_interval(tmp_path):
    settling, clock = _settling()
    path = tmp_path / "a.txt"
    path.write_text("half")
    assert settling.settled([path]) == ([], [])  # first sight
    clock.now += 1.9
    assert settling.settled([path]) == ([], [])
    clock.now += 0.2
    ready, gone = settling.settled([path])
    assert [p for p, _ in ready] == [path] and gone == []


def test_a_change_starts_the_interval_again(tmp_path):
    settling, clock = _settling()
    path = tmp_path / "a.txt"
    path.write_text("half")
    settling.settled([path])
    clock.now += 1.5
    with open(path, "a") as stream:
        stream.write(" and the rest")
    assert settling.settled([path]) == ([], [])  # changed: seen anew
    clock.now += 1.5
    assert settling.settled([path]) == ([], [])  # 3 s since first sight, 1.5 since the change
    clock.now += 0.6
    assert [p for p, _ in settling.settled([path])[0]] == [path]


def test_a_file_that_disappears_is_reported_gone(tmp_path):
    settling, clock = _settling()
    path = tmp_path / "a.txt"
    path.write_text("x")
    settling.settled([path])
    path.unlink()
    assert settling.settled([path]) == ([], [path])


def test_a_file_open_for_writing_is_not_ready(tmp_path):
    clock = Clock()
    settling = Settling(2.0, clock)  # the real /proc check
    path = tmp_path / "a.txt"
    with open(path, "w") as writer:
        writer.write("half")
        writer.flush()
        settling.settled([path])
        clock.now += 10
        assert settling.settled([path]) == ([], [])
    assert [p for p, _ in settling.settled([path])[0]] == [path]


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs Linux /proc")
def test_writers_in_other_processes_are_seen_and_readers_are_not(tmp_path):
    written, read = tmp_path / "written.txt", tmp_path / "read.txt"
    written.write_text("x")
    read.write_text("y")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys,time; w=open(sys.argv[1],'a'); r=open(sys.argv[2]); print('ok', flush=True); time.sleep(60)",
         str(written), str(read)], stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == b"ok"
        st = written.stat()
        assert files_open_for_writing([written, read]) == {(st.st_dev, st.st_ino)}
    finally:
        holder.kill()
        holder.wait()
    assert files_open_for_writing([written, read]) == set()
