"""Shared helpers for extractor tests. All names, numbers and addresses here are invented."""

from __future__ import annotations

from pathlib import Path

import pytest

from piiscan.model import Blob
from piiscan.sources.blob import file_blob


def _blob_from_path(path: Path) -> Blob:
    return file_blob(path, f"share/{path.name}")


@pytest.fixture
def blob_from_path():
    """blob_from_path(path) -> Blob with display path "share/<name>"."""
    return _blob_from_path


@pytest.fixture
def write_bytes(tmp_path):
    """write_bytes(name, data) -> Blob for a file in tmp_path holding `data`."""

    def write(name: str, data: bytes) -> Blob:
        path = tmp_path / name
        path.write_bytes(data)
        return _blob_from_path(path)

    return write

