"""When a file dropped into the inbox is completely written, so watch may take it.

A file is taken when its size and modification time have not changed for the settle
interval while being watched, when it opens for reading, and (on Linux) when no process this
user can see still holds it open for writing. Names uploaders write to before renaming the
finished file (".part", ".tmp", ".crdownload", hidden names) are never taken.
"""

from __future__ import annotations

import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

# Browsers, rsync, curl and most uploaders write here and rename when done; office suites
# keep lock files ("~$brief.docx", ".~lock.brief.odt#") beside an open document.
TEMPORARY_SUFFIXES = (".part", ".partial", ".tmp", ".temp", ".crdownload", ".download", ".filepart")


def ignored(name: str) -> bool:
    """Whether a file or folder name is never taken (hidden or a temporary upload name)."""
    lowered = name.lower()
    return name.startswith((".", "~$")) or lowered.endswith(TEMPORARY_SUFFIXES)


def signature(st: os.stat_result) -> tuple[int, int]:
    return st.st_size, st.st_mtime_ns


@dataclass
class _Seen:
    signature: tuple[int, int]
    since: float  # clock time at which this signature was first seen


class Settling:
    """Tracks files in progress; `settled` says which are complete.

    `clock` is monotonic seconds (a test passes a fake one); `open_for_writing` returns the
    (device, inode) of files some process holds open for writing (empty where unknown).
    """

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic,
                 open_for_writing: Callable[[Iterable[Path]], set[tuple[int, int]]] | None = None):
        self.interval = interval
        self.clock = clock
        self.open_for_writing = open_for_writing or files_open_for_writing
        self._seen: dict[Path, _Seen] = {}

    def settled(self, paths: Iterable[Path]) -> tuple[list[tuple[Path, os.stat_result]], list[Path]]:
        """(complete files with their stat, files that are gone) among `paths`."""
        now = self.clock()
        quiet, gone = [], []
        for path in paths:
            try:
                st = os.lstat(path)
            except FileNotFoundError:
                gone.append(path)
                self.forget(path)
                continue
            except OSError:
                continue  # unreadable metadata for now: look again next round
            sig = signature(st)
            seen = self._seen.get(path)
            if seen is None or seen.signature != sig:
                self._seen[path] = _Seen(sig, now)
                continue
            # Only regular files are opened to try: opening a named pipe would block. The rest
            # is ready at once and refused by the loop.
            if now - seen.since >= self.interval and (not stat.S_ISREG(st.st_mode) or _opens(path)):
                quiet.append((path, st))
        if not quiet:
            return [], gone
        writing = self.open_for_writing([path for path, _ in quiet])
        ready = [(path, st) for path, st in quiet if (st.st_dev, st.st_ino) not in writing]
        for path, _ in ready:
            self.forget(path)
        return ready, gone

    def forget(self, path: Path) -> None:
        self._seen.pop(path, None)


def _opens(path: Path) -> bool:
    # Windows and SMB servers refuse to open a file another program holds locked.
    try:
        with open(path, "rb") as stream:
            stream.read(1)
        return True
    except OSError:
        return False


_O_ACCMODE = 0o3  # O_RDONLY 0, O_WRONLY 1, O_RDWR 2


def files_open_for_writing(paths: Iterable[Path], proc: Path = Path("/proc")) -> set[tuple[int, int]]:
    """(device, inode) of those of `paths` that a process holds open for writing, as far as
    /proc shows (Linux; processes of other users are not visible unless run as root).

    Settling alone takes a file whose writer pauses longer than the interval; a writer that
    still has the file open is the surest sign it is not done. Elsewhere: an empty set.
    """
    wanted: dict[str, tuple[int, int]] = {}
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            continue
        wanted[os.path.realpath(path)] = (st.st_dev, st.st_ino)
    if not wanted or not proc.is_dir():
        return set()
    found: set[tuple[int, int]] = set()
    for pid in os.listdir(proc):
        if not pid.isdigit():
            continue
        fd_dir = proc / pid / "fd"
        try:
            fds = os.listdir(fd_dir)
        except OSError:
            continue  # another user's process, or it just ended
        for fd in fds:
            try:
                target = os.readlink(fd_dir / fd)
            except OSError:
                continue
            if target in wanted and _writable(proc / pid / "fdinfo" / fd):
                found.add(wanted[target])
    return found


def _writable(fdinfo: Path) -> bool:
    try:
        for line in fdinfo.read_text().splitlines():
            if line.startswith("flags:"):
                return int(line.split()[1], 8) & _O_ACCMODE in (1, 2)
    except (OSError, ValueError, IndexError):
        pass
    return False
