"""Helpers for the watch tests: a `piiscan watch` in a subprocess, synthetic text files to drop,
and reading back the state file and the log."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from piiscan import synth
from piiscan.watch.command import LOG_NAME
from piiscan.watch.state import STATE_NAME

REPO = Path(__file__).resolve().parents[2]
# Short intervals keep the tests quick; --rescan is long so that files dropped while a watcher
# runs are found by its file events, not by a walk.
FAST = ("--poll", "0.1", "--settle", "0.4", "--rescan", "600")


def letter(seed: int) -> tuple[str, str]:
    """(text of a small letter holding a synthetic IBAN, the IBAN)."""
    rng = random.Random(seed)
    iban = synth.iban(rng, rng.choice(["BE", "NL"]))
    return f"Factuur {seed}\nGelieve het bedrag te storten op rekening {iban}.\nMet vriendelijke groet\n", iban


def drop(inbox: Path, relative: str, seed: int, via_part: bool = False) -> str:
    """Write a letter into the inbox (through name.part and a rename, as uploaders do, with
    via_part); its IBAN."""
    text, iban = letter(seed)
    target = inbox / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if via_part:
        temp = target.with_name(target.name + ".part")
        temp.write_text(text)
        os.rename(temp, target)
    else:
        target.write_text(text)
    return iban


def assert_redacted_copy(copy: Path, seed: int) -> None:
    """The copy is the whole letter with its IBAN replaced."""
    text, iban = letter(seed)
    assert copy.read_text() == text.replace(iban, "[IBAN_CODE]"), copy


def wait_until(condition, timeout: float = 60.0, what: str = "condition"):
    """Poll `condition` until it is true; a generous bound so a slow machine does not fail
    the test, not a speed requirement."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def state_records(out: Path) -> list[dict]:
    path = out / STATE_NAME
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()] if path.exists() else []


def watch_records(out: Path) -> list[dict]:
    path = out / LOG_NAME
    if not path.exists():
        return []
    return [r for r in map(json.loads, path.read_text().splitlines()) if r["record"] == "watch"]


class Watcher:
    """`python -m piiscan watch` running in a subprocess, stderr going to a file."""

    def __init__(self, inbox: Path, out: Path, *args: str, log_dir: Path):
        log_dir.mkdir(exist_ok=True)
        self.stderr_path = log_dir / f"stderr-{time.monotonic_ns()}.txt"
        self._stderr = open(self.stderr_path, "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "piiscan", "watch", str(inbox), "--out", str(out), *FAST, *args],
            cwd=REPO, stdout=subprocess.DEVNULL, stderr=self._stderr, env=os.environ.copy())
        wait_until(lambda: "watching" in self.stderr or self.process.poll() is not None, what="the watcher to start")
        assert self.process.poll() is None, self.stderr

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text()

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            code = self.process.wait(timeout=60)
        finally:
            self._stderr.close()
        return code

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._stderr.close()


@pytest.fixture
def folders(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    return inbox, out


@pytest.fixture
def start_watcher(tmp_path):
    started: list[Watcher] = []

    def start(inbox: Path, out: Path, *args: str) -> Watcher:
        watcher = Watcher(inbox, out, *args, log_dir=tmp_path / "stderr")
        started.append(watcher)
        return watcher

    yield start
    for watcher in started:  # a failed test must not leave a watcher running
        watcher.kill()
