"""Blobs backed by files on disk."""

from __future__ import annotations

import io
from functools import partial
from pathlib import Path

from piiscan.model import Blob


def file_blob(path: Path, display: str) -> Blob:
    """A Blob reading `path` read-only; `display` is the path shown in reports."""
    # Maildir messages have no suffix ("1700000000.M1P2.host:2,S"): their folder says it.
    kind = "mail-file" if _in_maildir(path) else None
    return Blob(path=display, size=path.stat().st_size, open=partial(open, path, "rb"), kind=kind)


def _in_maildir(path: Path) -> bool:
    folder = path.parent
    return folder.name in ("cur", "new", "tmp") and (folder.parent / "cur").is_dir() and (folder.parent / "new").is_dir()


def memory_blob(display: str, data: bytes) -> Blob:
    """A Blob over bytes already in memory (a container member, an upload)."""
    return Blob(path=display, size=len(data), open=partial(io.BytesIO, data))
