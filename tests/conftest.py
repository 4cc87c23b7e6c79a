"""Shared fixtures: one detector per test session (building it reads all of rules/)."""

from __future__ import annotations

import pytest

from piiscan.detect.engine import Detector
from piiscan.model import Segment


@pytest.fixture(scope="session")
def detector() -> Detector:
    return Detector()


@pytest.fixture(scope="session")
def find(detector):
    """find(text, context="") -> list of (entity_type, value) the detector reports."""

    def _find(text: str, context: str = "") -> list[tuple[str, str]]:
        return [(f.entity_type, f.value) for f in detector.findings("t.txt", [Segment(text, context=context)])]

    return _find


@pytest.fixture(autouse=True)
def _private_key_dir(tmp_path, monkeypatch):
    # Never touch the developer's real ~/.config/piiscan key from a test.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("PIISCAN_KEY_FILE", raising=False)
