"""What an audit must read again, and what it can take from the last one.

Per file, cheapest test first:
  1. size and modification time (st_mtime_ns) as recorded: unchanged, not opened;
  2. otherwise the SHA-256 of the content: the same bytes (a copy that kept its content,
     a `touch`) only get their new stat recorded;
  3. otherwise, or when the file is new, or when it was read with other rules or
     settings, or when its last read failed for a reason that may pass (a timeout): read.
A new path whose bytes are those of a known file that is no longer on disk is that file,
moved or renamed (a folder reorganised): its record moves with it, findings and first_seen
included, instead of everything in it being reported as new.

A file whose content changed while keeping its size and mtime (a tool that restores the
mtime) is not noticed; that is the price of not opening unchanged files, the same bargain
rsync and make strike.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from piiscan import __version__
from piiscan.config import Settings
from piiscan.model import Blob
from piiscan.rules_path import default_rules_dir

# A failed read is retried on the next run only when the failure may have been passing.
RETRY_KINDS = frozenset({"timeout", "internal", "unreadable"})
_CHUNK = 1 << 20


class Decision(Enum):
    UNCHANGED = "unchanged"  # same size and mtime: not opened
    TOUCHED = "touched"  # new stat, same content: stat recorded, not scanned
    READ = "read"  # new, changed, or read with other rules: scanned
    MOVED = "moved"  # a known file under a new path (same bytes, the old path gone): not scanned


@dataclass(frozen=True)
class Known:
    """A file as the state recorded it."""

    size: int | None
    mtime_ns: int | None
    sha256: str | None
    status: str
    fingerprint: str | None
    error_kind: str | None


@dataclass(frozen=True)
class Plan:
    path: str
    root: str
    size: int
    mtime_ns: int
    sha256: str | None
    decision: Decision
    known: Known | None
    moved_from: str | None = None  # MOVED: the path the state knew it by


def load_known(conn: sqlite3.Connection) -> dict[str, Known]:
    """Every file the state knows, in memory: one query instead of one per file walked."""
    rows = conn.execute("SELECT path, size, mtime_ns, sha256, status, fingerprint, error_kind FROM files")
    return {r[0]: Known(r[1], r[2], r[3], r[4], r[5], r[6]) for r in rows}


def content_sha256(blob: Blob) -> str | None:
    try:
        digest = hashlib.sha256()
        with blob.open() as stream:
            for chunk in iter(lambda: stream.read(_CHUNK), b""):
                digest.update(chunk)
        return digest.hexdigest()
    except OSError:
        return None  # the scan will meet the same problem and report it


class Planner:
    def __init__(self, known: dict[str, Known], fingerprint: str):
        self.known = known
        self.fingerprint = fingerprint
        self._by_content: dict[tuple[str, int], list[str]] | None = None  # built on the first new file
        self._claimed: set[str] = set()  # old paths already matched to a new one in this run

    def plan(self, blob: Blob, root: str) -> Plan:
        try:
            st = os.stat(blob.path)
            size, mtime_ns = st.st_size, st.st_mtime_ns
        except OSError:
            size, mtime_ns = blob.size, 0
        known = self.known.get(blob.path)
        if known is not None and known.status != "deleted" and known.fingerprint == self.fingerprint:
            retry = known.status == "error" and known.error_kind in RETRY_KINDS
            if not retry:
                if known.size == size and known.mtime_ns == mtime_ns:
                    return Plan(blob.path, root, size, mtime_ns, known.sha256, Decision.UNCHANGED, known)
                sha = content_sha256(blob)
                if sha is not None and sha == known.sha256:
                    return Plan(blob.path, root, size, mtime_ns, sha, Decision.TOUCHED, known)
                return Plan(blob.path, root, size, mtime_ns, sha, Decision.READ, known)
        sha = content_sha256(blob)
        if known is None and sha is not None:
            moved_from = self._moved_from(sha, size)
            if moved_from is not None:
                return Plan(blob.path, root, size, mtime_ns, sha, Decision.MOVED, self.known[moved_from], moved_from)
        return Plan(blob.path, root, size, mtime_ns, sha, Decision.READ, known)

    def _moved_from(self, sha: str, size: int) -> str | None:
        """A known file with these bytes, read with these rules, whose path is gone."""
        if self._by_content is None:
            self._by_content = {}
            for path, k in self.known.items():
                if k.sha256 and k.status in ("ok", "skipped") and k.fingerprint == self.fingerprint:
                    self._by_content.setdefault((k.sha256, k.size), []).append(path)
        for old in self._by_content.get((sha, size), ()):
            if old not in self._claimed and not os.path.lexists(old):
                self._claimed.add(old)
                return old
        return None


def scan_fingerprint(settings: Settings, rules_dir: Path | None = None) -> str:
    """What a file's findings depend on besides its bytes: piiscan's version, the rules
    (built-in and extra) and the detection settings. When it changes, every file is read
    again, so the state never mixes findings of two rule sets. Retention rules are not
    part of it: they judge files, they do not find anything."""
    digest = hashlib.sha256()
    digest.update(f"piiscan {__version__}\n".encode())
    digest.update(f"entities {sorted(settings.entities) if settings.entities else 'all'}\n".encode())
    digest.update(f"min_score {settings.min_score}\n".encode())
    for folder in (rules_dir or default_rules_dir(), *settings.extra_rules):
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file() and path.name != "retention.yaml":
                digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
