"""What `piiscan watch` has handled, kept across restarts so no file is processed twice.

One JSON line per file handled, appended to DIR/.piiscan-watch-state (0600): its path
relative to the inbox, size, mtime_ns and SHA-256 of its content, and whether it is "done"
(a verified copy was written) or "failed" (it was set aside in failed/). A line is written
only once the copy is in place, and synced, so a crash at any point leaves either no record
(the file is processed again: at worst a second copy under a free name) or a true one.

The file is locked while a watch runs on DIR: two watchers on one DIR would each process
every file.
"""

from __future__ import annotations

import datetime
import fcntl
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

STATE_NAME = ".piiscan-watch-state"


class StateLocked(Exception):
    """Another `piiscan watch` holds the state file."""


@dataclass(frozen=True)
class FileKey:
    relative: str  # path inside the inbox, "/"-separated
    size: int
    mtime_ns: int
    sha256: str

    @property
    def stat_key(self) -> tuple[str, int, int]:
        return self.relative, self.size, self.mtime_ns


def content_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class WatchState:
    """The done/failed record of one output folder. Use as a context manager."""

    def __init__(self, path: Path):
        self.path = path
        self._fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._fd)
            raise StateLocked(f"another piiscan watch is writing to {path.parent}") from None
        os.fchmod(self._fd, 0o600)  # a file restored from a backup may have come back wider
        # stat key -> {sha256: latest record}; a failed record is history, not a bar: a file
        # moved back from failed/ into the inbox is tried again.
        self._done: dict[tuple[str, int, int], dict[str, dict]] = {}
        self._load()

    def __enter__(self) -> "WatchState":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)  # closing releases the lock
            self._fd = -1

    def _load(self) -> None:
        with open(self._fd, "rb", closefd=False) as stream:
            stream.seek(0)
            data = stream.read()
        for line in data.splitlines():
            try:
                record = json.loads(line)
                key = FileKey(record["path"], record["size"], record["mtime_ns"], record["sha256"])
            except (ValueError, KeyError, TypeError):
                continue  # a line cut short by a crash or a kill -9: that file is done again
            self._apply(key, record)
        if data and not data.endswith(b"\n"):
            os.write(self._fd, b"\n")  # the next record must not be glued onto a cut line

    def _apply(self, key: FileKey, record: dict) -> None:
        by_hash = self._done.setdefault(key.stat_key, {})
        if record.get("status") == "done":
            by_hash[key.sha256] = record
        else:
            by_hash.pop(key.sha256, None)

    def may_be_done(self, relative: str, size: int, mtime_ns: int) -> bool:
        """Whether a file with this path, size and mtime was done: then its hash decides."""
        return bool(self._done.get((relative, size, mtime_ns)))

    def done(self, key: FileKey) -> dict | None:
        """The "done" record for exactly this file, or None."""
        return self._done.get(key.stat_key, {}).get(key.sha256)

    def record(self, key: FileKey, status: str, **details) -> dict:
        record = {"path": key.relative, "size": key.size, "mtime_ns": key.mtime_ns, "sha256": key.sha256,
                  "status": status, **details,
                  "at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}
        os.write(self._fd, (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
        os.fsync(self._fd)  # a record lost in a power cut would mean a file processed twice
        self._apply(key, record)
        return record
