"""Redact one file: the unit of work the runner hands to its workers for `piiscan redact`.

The copy is made in memory, verified (verify.py), and only then written: to a private temp
file in the destination folder, renamed into place, so an interrupted run never leaves a
half-written copy and a copy that failed verification never exists on disk.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from piiscan.extract import extractor_for
from piiscan.model import Blob, ErrorRecord, ExtractionError
from piiscan.privacy import keyed_hash, mask
from piiscan.redact.formats import RedactedCopy, format_module
from piiscan.redact.text import TextRedaction
from piiscan.redact.verify import verify_bytes


@dataclass
class RedactResult:
    path: str  # the original's display path
    output: str | None = None  # where the copy was written
    # "redacted", "unchanged" (copied: nothing found), "left out" (--only-changed, nothing
    # found), "not redacted" (a format piiscan cannot redact), "failed"
    status: str = "failed"
    log: list[dict] = field(default_factory=list)  # redaction log records, masked values only
    not_redacted: list[str] = field(default_factory=list)
    error: ErrorRecord | None = None
    size: int = 0

    @property
    def entity_types(self) -> list[str]:  # for the progress bar's count
        return [record["entity_type"] for record in self.log]


@dataclass(frozen=True)
class RedactTask:
    """A file to redact and where its copy goes, relative to the destination folder."""

    blob: Blob
    relative: str

    @property
    def path(self) -> str:  # what the pool reports a timeout or a crash against
        return self.blob.path

    @property
    def size(self) -> int:
        return self.blob.size


@dataclass(frozen=True)
class Destination:
    """Where copies go: `root`/<path of the file relative to its input>."""

    root: Path
    force: bool = False
    only_changed: bool = False


def redact_copy(blob: Blob, redaction: TextRedaction, key: bytes) -> tuple[bytes | None, RedactResult]:
    """The verified copy's bytes (None when there is none) and what happened, in memory:
    what `piiscan redact` writes and `piiscan serve` returns."""
    result = RedactResult(path=blob.path, size=blob.size)
    module = format_module(blob)
    if module is None:
        result.status, result.not_redacted = "not redacted", [_why_not(blob)]
        return None, result
    try:
        copy: RedactedCopy = module.redact(blob, redaction)
    except ExtractionError as exc:
        result.error = ErrorRecord(blob.path, exc.kind, exc.message)
        return None, result
    except Exception as exc:  # noqa: BLE001 - one bad file must not end the run
        result.error = ErrorRecord(blob.path, "corrupt", f"{type(exc).__name__}: {exc}"[:300])
        return None, result
    result.not_redacted = copy.not_redacted
    result.log = [log_record(blob.path, entry, key) for entry in copy.log]
    if not copy.log:
        with blob.open() as stream:
            copy.data = stream.read()  # nothing found: the copy is the original, byte for byte
    # Unchanged copies are checked too: what the redactor's walk missed, the scan may not.
    problems = verify_bytes(blob.name, copy.data, [entry.replacement for entry in copy.log], redaction.detector, module)
    if problems:
        result.error = ErrorRecord(blob.path, "leak", "copy failed verification, not written: " + "; ".join(problems))
        return None, result
    result.status = "redacted" if copy.log else "unchanged"
    return copy.data, result


def redact_file(task: RedactTask, redaction: TextRedaction, destination: Destination, key: bytes) -> RedactResult:
    data, result = redact_copy(task.blob, redaction, key)
    if data is None:
        return result
    if result.status == "unchanged" and destination.only_changed:
        result.status = "left out"
        return result
    target = destination.root / task.relative
    try:
        _write_private(target, data, destination.force)
    except FileExistsError:
        result.status, result.error = "failed", ErrorRecord(task.blob.path, "exists", f"{target} exists (use --force to overwrite)")
        return result
    except OSError as exc:
        result.status, result.error = "failed", ErrorRecord(task.blob.path, "unwritable", f"{target}: {exc.strerror or exc}")
        return result
    result.output = str(target)
    return result


_IMAGES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".gif", ".webp", ".heic")


def _why_not(blob: Blob) -> str:
    """Why a file gets no copy: it is never copied as if it were clean."""
    if blob.suffix in _IMAGES:
        return "image: not redacted by this command (ID-document copies: piiscan redact-id), no copy written"
    if extractor_for(blob) is None:
        return "a format piiscan does not read, no copy written"
    return "a format piiscan reads but cannot redact yet, no copy written"


def log_record(path: str, entry, key: bytes) -> dict:
    """A redaction log record: masked value, keyed hash, replacement, location."""
    r = entry.replacement
    record = {
        "record": "redaction",
        "path": path + (f"!/{entry.member}" if entry.member else ""),
        "entity_type": r.entity_type,
        "masked": mask(r.entity_type, r.value),
        "hash": keyed_hash(key, r.entity_type, r.canonical or r.value),
        "replacement": r.replacement,
        "location": entry.location.as_dict(),
    }
    return record


def _private_folders(folder: Path) -> None:
    """Create the folder and any missing parent as 0700 (mkdir's mode covers only the last)."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir(mode=0o700, exist_ok=True)


def _write_private(target: Path, data: bytes, force: bool) -> None:
    _private_folders(target.parent)
    if target.exists() and not force:
        raise FileExistsError(target)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".piiscan-", suffix=".part")  # created 0600
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
