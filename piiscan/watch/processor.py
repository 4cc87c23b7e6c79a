"""One file of the inbox through `piiscan redact` or `piiscan redact-id`, as an Outcome.

The detector (and, in id mode, the OCR engines) are built once per watch process. The copy is
made, verified and written by the same functions the two commands use; watch only decides
what counts as success: a verified copy with nothing left out. Anything else ("not an ID
document", "not redacted", parts left out, a failed verification) is a failure, so the
original is set aside for a person instead of being dropped.
"""

from __future__ import annotations

import dataclasses
import datetime
import os
import signal
from dataclasses import dataclass, field
from pathlib import Path

from piiscan.config import Settings
from piiscan.model import Segment
from piiscan.privacy import mask
from piiscan.sources.blob import file_blob

MODES = ("redact", "id")
# Statuses of the two commands that mean a verified copy was written.
GOOD = {"redacted", "unchanged", "review"}


@dataclass
class Outcome:
    relative: str  # the original, inside the inbox
    status: str  # the command's word: "redacted", "unchanged", "review", "not an ID document", "failed", ...
    ok: bool  # a verified copy was written and nothing was left out of it
    output: str | None = None  # the copy, relative to the output folder
    masked: list[tuple[str, str]] = field(default_factory=list)  # (entity type, masked value or "")
    reason: str = ""  # why it is not ok, or what to check (review); never a raw value
    error: str | None = None  # the error kind, when there is one
    log: list[dict] = field(default_factory=list)  # the command's log records (masked values, keyed hashes)


def free_relative(root: Path, relative: str, also: tuple[str, ...] = ()) -> str:
    """`relative`, or "name (2).ext", "name (3).ext", ... when root/relative is taken (or one of
    the names made by appending `also` to it): an earlier copy is never overwritten."""
    candidate, number = relative, 1
    head, name = os.path.split(relative)
    stem, suffix = os.path.splitext(name)
    while any(os.path.lexists(root / (candidate + extra)) for extra in ("", *also)):
        number += 1
        candidate = os.path.join(head, f"{stem} ({number}){suffix}")
    return candidate


class Timeout(Exception):
    pass


def _leave_signals_to_the_watch() -> None:
    """In the worker: a Ctrl-C at the terminal is the watch's to handle (it finishes the file
    in hand; a second one stops it and its worker), so the worker leaves the terminal's
    process group; SIGTERM keeps its default, which is how the watch (and multiprocessing at
    exit) stops a worker."""
    os.setpgrp()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


class Processor:
    """Makes the copy of one inbox file in `out_dir`."""

    def __init__(self, mode: str, out_dir: Path, key: bytes, style: str = "label", id_options=None,
                 timeout: float | None = None):
        from piiscan.redact.job import Destination

        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        self.mode, self.out_dir, self.key, self.timeout = mode, out_dir, key, timeout
        self._pool = None  # the worker process, started on the first file (with a timeout)
        self.destination = Destination(out_dir)  # never force: see free_relative
        if mode == "id":
            from piiscan.detect.engine import Detector
            from piiscan.redact.idcard_command import ENTITIES

            if id_options is None:
                raise ValueError("id mode needs IdOptions (the watermark's purpose)")
            self.id_options = id_options
            self.detector = Detector(entities=ENTITIES)  # what redact-id reads off a document
            # A mail or an archive dropped in: its ID attachments masked, the rest redacted.
            from piiscan.redact.styles import Replacer
            from piiscan.redact.text import TextRedaction
            from piiscan.run.runner import build_detector

            self.text_redaction = TextRedaction(build_detector(Settings()), Replacer(style, key))
        else:
            from piiscan.redact.styles import Replacer
            from piiscan.redact.text import TextRedaction
            from piiscan.run.runner import build_detector

            self.detector = build_detector(Settings())
            self.redaction = TextRedaction(self.detector, Replacer(style, key))

    def process(self, path: Path, relative: str) -> Outcome:
        from piiscan.redact.job import RedactTask

        output = free_relative(self.out_dir, relative)
        try:
            task = RedactTask(file_blob(path, str(path)), output)
            result = self._run(task) if not self.timeout else self._run_with_timeout(task)
        except Timeout:
            return Outcome(relative, "failed", False, reason=f"took more than {self.timeout:g} s (a parser hanging on it?)",
                           error="timeout")
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the watch
            return Outcome(relative, "failed", False, reason=self.scrub(f"{type(exc).__name__}: {exc}"[:300]),
                           error="internal")
        return self._outcome(relative, result)

    def _run(self, task):
        if self.mode == "id":
            from piiscan.redact.idcard import redact_id_file

            options = self.id_options
            if options.date is None:  # a watch runs for months: each copy carries its own day
                options = dataclasses.replace(options, date=datetime.date.today().isoformat())
            return redact_id_file(task, options, self.destination, self.key, detector=self.detector,
                                  text_redaction=self.text_redaction)
        from piiscan.redact.job import redact_file

        return redact_file(task, self.redaction, self.destination, self.key)

    def _run_with_timeout(self, task):
        """`_run` in a worker process (forked once, reused), replaced when a file takes more
        than `timeout` seconds: a parser that hangs on one file must not stall the watch."""
        from piiscan.run.pool import ScanPool
        from piiscan.run.worker import FileResult

        if self._pool is None:
            self._pool = ScanPool(self._run, 1, self.timeout, initializer=_leave_signals_to_the_watch).__enter__()
        result = next(self._pool.map([task]))
        if isinstance(result, FileResult):  # the pool's answer for a timeout or a dead worker
            if result.error.kind == "timeout":
                raise Timeout
            raise RuntimeError(result.error.message)
        return result

    def close(self) -> None:
        if self._pool is not None:
            self._pool.__exit__(None, None, None)
            self._pool = None

    def _outcome(self, relative: str, result) -> Outcome:
        output = os.path.relpath(result.output, self.out_dir) if result.output else None
        masked = [(r["entity_type"], r.get("masked", "")) for r in result.log if r.get("record") == "redaction"]
        outcome = Outcome(relative, result.status, False, output, masked, log=list(result.log))
        left_out = list(getattr(result, "not_redacted", []))
        if result.error is not None:
            outcome.status = "failed"
            outcome.error = result.error.kind
            outcome.reason = self.scrub(result.error.message)
        elif result.status not in GOOD:
            outcome.reason = self.scrub("; ".join(left_out) or getattr(result, "note", "")
                                        or "no MRZ and no document keyword found")
        elif left_out:
            # A copy was written, but parts of the file are not in it: the original is all
            # there is of them, so it must not be treated as done.
            outcome.status = "partly redacted"
            outcome.reason = self.scrub("; ".join(left_out))
        else:
            outcome.ok = output is not None
            if result.status == "review":
                outcome.reason = "; ".join(result.review)
        return outcome

    def scrub(self, text: str) -> str:
        """`text` with anything the detector finds in it masked: error messages from parsers
        can quote a piece of the file."""
        spans = sorted(self.detector.detect([Segment(text)]), key=lambda s: s.start, reverse=True)
        limit = len(text)
        for span in spans:
            if span.end <= limit:  # from the end, so earlier offsets stay valid; overlaps skipped
                text = text[:span.start] + mask(span.entity_type, text[span.start:span.end]) + text[span.end:]
                limit = span.start
        return text
