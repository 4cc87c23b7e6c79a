"""Scan one file: extract its segments, detect, return its records.

This function is the unit of work: the local runner (and later a process pool or a Dask
cluster) calls exactly this, so every way of running gives the same inventory.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from piiscan.detect.engine import BATCH_CHARS, Detector
from piiscan.extract import extract, extractor_for
from piiscan.model import Blob, ErrorRecord, ExtractionError, Finding, Segment
from piiscan.report.records import finding_record

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
    # Inventory records (masked, keyed hash), when the worker made them itself: then only
    # these travel back to the parent and `findings`, with the raw values, stays empty.
    records: list[dict] | None = None

    @property
    def entity_types(self) -> list[str]:
        if self.records is not None:
            return [r["entity_type"] for r in self.records]
        return [f.entity_type for f in self.findings]


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


def scan_to_records(blob: Blob, detector: Detector, key: bytes, include_values: bool) -> FileResult:
    """scan_blob, then turn the findings into inventory records in this process: masking
    and hashing run in parallel, and raw values never leave the worker unless asked for."""
    result = scan_blob(blob, detector)
    result.records = [finding_record(f, key, include_values) for f in result.findings]
    result.findings = []
    return result
