"""The work behind each endpoint, as it runs in a pool worker: bytes in, an Outcome out.

Everything happens in memory: the upload arrives as bytes, is read through a memory Blob,
and only the copy (or the findings as masked records) goes back. Nothing is written to disk.

`initialize` runs once per worker (the pool's initializer): the detectors and the hash key
are built there, not per request. The OCR engine loads on a worker's first image.
"""

from __future__ import annotations

from collections import Counter

from piiscan.config import Settings
from piiscan.detect.engine import Detector
from piiscan.extract import extractor_for
from piiscan.model import Blob
from piiscan.redact import idcard_io
from piiscan.redact.formats import format_module
from piiscan.redact.idcard import IdOptions, log_records as id_log_records, redact_id_bytes
from piiscan.redact.idcard_command import ENTITIES as ID_ENTITIES
from piiscan.redact.job import redact_copy
from piiscan.redact.styles import Replacer
from piiscan.redact.text import TextRedaction
from piiscan.report.records import error_record
from piiscan.run.runner import build_detector
from piiscan.run.worker import scan_to_records
from piiscan.serve.outcome import Outcome
from piiscan.sources.blob import memory_blob

_state: dict = {}  # this worker's detectors and key, set by initialize()


def initialize(key: bytes) -> None:
    _state["key"] = key
    _state["detector"] = build_detector(Settings())
    _state["id_detector"] = Detector(entities=ID_ENTITIES)  # the one `piiscan redact-id` uses


def run(name: str, arguments: dict) -> Outcome:
    """The job `name`; whatever happens, an Outcome (a worker must answer)."""
    try:
        return JOBS[name](**arguments)
    except Exception as exc:  # noqa: BLE001 - a bug must become a 500, not a dead worker
        # The type only: an exception's text may quote the upload, and this goes to the log.
        return Outcome.failed("internal", f"internal error ({type(exc).__name__})", note=f"internal error: {type(exc).__name__}")


def scan(name: str, data: bytes) -> Outcome:
    """Findings in one file, as inventory records: masked values and keyed hashes only."""
    blob = memory_blob(name, data)
    if extractor_for(blob) is None:
        return Outcome.failed("unsupported_type", f"piiscan does not read {_format(blob)} files")
    result = scan_to_records(blob, _state["detector"], _state["key"], include_values=False)
    if result.skipped:
        return Outcome.failed("unsupported_type", f"not scanned: {result.skipped}")
    if result.error is not None and not result.records:
        return Outcome.failed("unreadable", f"{result.error.kind}: {result.error.message}")
    # A file that broke off part-way (a truncated PDF, a page budget spent) still answers with
    # what was read before, as `piiscan scan` reports it, marked incomplete.
    errors = [error_record(e) for e in result.member_errors]
    if result.error is not None:
        errors.append(error_record(result.error))
    return Outcome(summary={
        "findings": result.records,
        "counts": dict(Counter(r["entity_type"] for r in result.records)),
        "errors": errors,
        "complete": result.error is None,
    })


def redact(name: str, data: bytes, style: str) -> Outcome:
    blob = memory_blob(name, data)
    redaction = TextRedaction(_state["detector"], Replacer(style, _state["key"]))  # one Replacer per request
    return redact_bytes(blob, redaction, _state["key"])


def redact_bytes(blob: Blob, redaction: TextRedaction, key: bytes) -> Outcome:
    """A verified redacted copy of an in-memory file (piiscan.redact.job.redact_copy, as
    `piiscan redact` makes it, without the writing); a copy that fails verification is not
    returned."""
    if format_module(blob) is None:
        if idcard_io.handles(blob.suffix) and blob.suffix != ".pdf":
            return Outcome.failed("unsupported_type", "images are not redacted here (ID-document copies: POST /v1/redact-id)")
        return Outcome.failed("unsupported_type", f"piiscan cannot redact {_format(blob)} files")
    data, result = redact_copy(blob, redaction, key)
    if data is None:
        if result.error.kind == "leak":
            return Outcome.failed("verification_failed", "copy failed verification, not returned: " + result.error.message.split(": ", 1)[-1])
        return Outcome.failed("unreadable", f"{result.error.kind}: {result.error.message}")
    return Outcome(data=data, summary={
        "status": result.status,
        "style": redaction.replacer.style,
        "counts": dict(Counter(r["entity_type"] for r in result.log)),
        "replacements": result.log,
        "not_redacted": result.not_redacted,
    })


def redact_id(name: str, data: bytes, purpose: str, recipient: str | None, date: str, keep_photo: bool) -> Outcome:
    suffix = memory_blob(name, b"").suffix
    if not idcard_io.handles(suffix):
        return Outcome.failed("unsupported_type", "ID-document copies must be images (JPEG, PNG, TIFF, BMP, WebP) or PDFs")
    readable = _readable(data, suffix)
    if readable:
        return Outcome.failed("unreadable", readable)
    options = IdOptions(purpose=purpose, recipient=recipient, date=date, keep_photo=keep_photo)
    try:
        copy, result = redact_id_bytes(data, suffix, options, _state["id_detector"])
    except Exception as exc:  # noqa: BLE001 - as redact_id_file: the copy failed, a 422, not a 500
        # The upload decoded, but a step could not handle it (rapidocr refuses a 3000x4 image):
        # no safe copy, which is what 422 says. The type goes to the log, so a bug shows.
        name = type(exc).__name__
        return Outcome(error="redaction_failed", message=f"no copy could be made ({name})",
                       summary={"status": "failed"}, note=f"redact-id failed: {name}")
    result.path = name
    records = [{k: v for k, v in record.items() if k not in ("record", "path", "box")}
               for record in id_log_records(result, _state["key"])]
    summary = {"status": result.status, "kind": result.kind, "review": result.review, "masked": records,
               "watermark": options.watermark}
    if result.status == "not an ID document":
        return Outcome(error="not_an_id_document", message="no MRZ and no document keyword found: not an ID document, no copy made",
                       summary=summary)
    if copy is None:
        why = result.error.message if result.error is not None else result.status
        return Outcome(error="redaction_failed", message=why, summary=summary)
    return Outcome(data=copy, summary=summary)


def _readable(data: bytes, suffix: str) -> str:
    """Why the upload cannot be read as pages ("" when it can). Decoding first, on its own,
    tells a broken upload (400) from a failure of the redaction itself: image decoders raise
    more than the errors redact_id_bytes expects (SyntaxError for a broken PNG, a
    DecompressionBombError for a huge one)."""
    try:
        idcard_io.read_pages(data, suffix)
    except idcard_io.NotReadable as exc:
        return str(exc)
    except Exception as exc:  # noqa: BLE001 - any decoder failure means the upload is unreadable
        return f"not a readable {suffix.lstrip('.').upper()} file ({type(exc).__name__})"
    return ""


def _format(blob: Blob) -> str:
    return blob.suffix.lstrip(".").upper() or "suffix-less"


JOBS = {"scan": scan, "redact": redact, "redact_id": redact_id}
