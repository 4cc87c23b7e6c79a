"""Blobs backed by files on disk."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from piiscan.model import Blob


def file_blob(path: Path, display: str) -> Blob:
    """A Blob reading `path` read-only; `display` is the path shown in reports."""
    return Blob(path=display, size=path.stat().st_size, open=partial(open, path, "rb"))
