"""A file that hangs a parser fails after --timeout; the watch goes on."""

from __future__ import annotations

import random
import time

from piiscan import synth
from piiscan.privacy import load_or_create_key
from piiscan.watch.processor import Processor


def test_a_file_taking_too_long_fails_and_the_next_one_is_handled(tmp_path, monkeypatch):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    out.mkdir()
    iban = synth.iban(random.Random(4))
    (inbox / "hangt.txt").write_text(f"Rekening {iban}\n")
    (inbox / "brief.txt").write_text(f"Graag terugstorten op {iban}.\n")
    processor = Processor("redact", out, load_or_create_key(), timeout=2)
    real = processor._run

    def hanging_on_one(task):
        if task.blob.path.endswith("hangt.txt"):
            time.sleep(600)
        return real(task)

    monkeypatch.setattr(processor, "_run", hanging_on_one)
    try:
        hung = processor.process(inbox / "hangt.txt", "hangt.txt")
        done = processor.process(inbox / "brief.txt", "brief.txt")
    finally:
        processor.close()
    assert not hung.ok and hung.error == "timeout" and "more than 2 s" in hung.reason
    assert not (out / "hangt.txt").exists()
    assert done.ok and done.status == "redacted", done.reason
    assert iban not in (out / "brief.txt").read_text()


def test_a_crash_in_the_child_is_a_failure_with_its_reason(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text("tekst\n")
    processor = Processor("redact", tmp_path / "out", load_or_create_key(), timeout=30)

    def crashing(task):
        raise MemoryError("parser ran out of memory")

    monkeypatch.setattr(processor, "_run", crashing)
    try:
        outcome = processor.process(tmp_path / "a.txt", "a.txt")
    finally:
        processor.close()
    assert not outcome.ok and outcome.error == "internal" and "MemoryError" in outcome.reason
