"""Blobs backed by files on disk."""

from __future__ import annotations

import io
from functools import partial
from pathlib import Path

from piiscan.model import Blob


def file_blob(path: Path, display: str) -> Blob:
    """A Blob reading `path` read-only; `display` is the path shown in reports."""
    return Blob(path=display, size=path.stat().st_size, open=partial(open, path, "rb"))


def memory_blob(display: str, data: bytes) -> Blob:
    """A Blob over bytes already in memory (a container member, an upload)."""
    return Blob(path=display, size=len(data), open=partial(io.BytesIO, data))
