"""Scan one file: extract its segments, detect, return its records.

This function is the unit of work: the local runner (and later a process pool or a Dask
cluster) calls exactly this, so every way of running gives the same inventory.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from piiscan.detect.engine import BATCH_CHARS, Detector
from piiscan.extract import extract, extractor_for
from piiscan.model import Blob, ErrorRecord, ExtractionError, Finding, Segment

# Extraction outcomes that mean "not a document we read", counted as skips, not errors.
SKIP_KINDS = {"unsupported", "binary"}


@dataclass
class FileResult:
    path: str
    size: int = 0
    findings: list[Finding] = field(default_factory=list)
    error: ErrorRecord | None = None
    skipped: str | None = None  # reason, when the file was not scanned
    chars: int = 0
    pages: int = 0


def scan_blob(blob: Blob, detector: Detector) -> FileResult:
    result = FileResult(path=blob.path, size=blob.size)
    if extractor_for(blob) is None:
        result.skipped = "unsupported format"
        return result
    pending: list[Segment] = []
    pending_chars = 0
    pages: set[int] = set()
    try:
        for segment in extract(blob):
            pending.append(segment)
            pending_chars += len(segment.text)
            if segment.location.page is not None:
                pages.add(segment.location.page)
            # Detect in bounded batches so a 2 GB log never sits in memory whole.
            if pending_chars >= BATCH_CHARS:
                result.findings.extend(detector.findings(blob.path, pending))
                result.chars += pending_chars
                pending, pending_chars = [], 0
    except ExtractionError as exc:
        if exc.kind in SKIP_KINDS:
            result.skipped = exc.message
            return result
        result.error = ErrorRecord(blob.path, exc.kind, exc.message)
    # Whatever was read before an error is still scanned: nothing found is lost.
    if pending:
        result.findings.extend(detector.findings(blob.path, pending))
        result.chars += pending_chars
    result.pages = len(pages)
    return result
