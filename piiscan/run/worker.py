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
    # Members of a container that failed (encrypted, corrupt, a zip bomb) or were skipped;
    # the rest of the container is still scanned.
    member_errors: list[ErrorRecord] = field(default_factory=list)
    members_skipped: int = 0

    @property
    def entity_types(self) -> list[str]:
        if self.records is not None:
            return [r["entity_type"] for r in self.records]
        return [f.entity_type for f in self.findings]


# Containers (archives, mailboxes, mails with attachments) nest: a zip in a mail in an mbox
# in a zip. Past these limits a member becomes an error record instead of a scan.
MAX_DEPTH = 5
MAX_TOTAL_BYTES = 4 * 1024 * 1024 * 1024  # uncompressed, per file on disk


def scan_blob(blob: Blob, detector: Detector) -> FileResult:
    result = FileResult(path=blob.path, size=blob.size)
    if extractor_for(blob) is None:
        result.skipped = "unsupported format"
        return result
    error = _scan(blob, detector, result, depth=0, budget=[MAX_TOTAL_BYTES])
    if error is not None and error.kind in SKIP_KINDS:
        result.skipped = error.message
    else:
        result.error = error
    return result


def _scan(blob: Blob, detector: Detector, result: FileResult, depth: int, budget: list[int]) -> ErrorRecord | None:
    """Scan one document into `result`; members of a container are scanned in turn, their
    findings carrying their own paths. Returns the document's own error, if any."""
    pending: list[Segment] = []
    pending_chars = 0
    error = None
    try:
        for item in extract(blob):
            if isinstance(item, Segment):
                pending.append(item)
                pending_chars += len(item.text)
                if item.location.page is not None:
                    result.pages += 1
                # Detect in bounded batches so a 2 GB log never sits in memory whole.
                if pending_chars >= BATCH_CHARS:
                    result.findings.extend(detector.findings(blob.path, pending))
                    result.chars += pending_chars
                    pending, pending_chars = [], 0
            elif isinstance(item, Blob):
                _scan_member(item, detector, result, depth + 1, budget)
            else:
                result.member_errors.append(item)
    except ExtractionError as exc:
        error = ErrorRecord(blob.path, exc.kind, exc.message)
    # Whatever was read before an error is still scanned: nothing found is lost.
    if pending:
        result.findings.extend(detector.findings(blob.path, pending))
        result.chars += pending_chars
    return error


def _scan_member(member: Blob, detector: Detector, result: FileResult, depth: int, budget: list[int]) -> None:
    if extractor_for(member) is None:
        result.members_skipped += 1
        return
    if depth > MAX_DEPTH:
        result.member_errors.append(ErrorRecord(member.path, "too_deep", f"nested deeper than {MAX_DEPTH} containers"))
        return
    budget[0] -= member.size
    if budget[0] < 0:
        result.member_errors.append(ErrorRecord(member.path, "too_large", f"container unpacks to more than {MAX_TOTAL_BYTES} bytes"))
        return
    error = _scan(member, detector, result, depth, budget)
    if error is not None:
        if error.kind in SKIP_KINDS:
            result.members_skipped += 1
        else:
            result.member_errors.append(error)


def scan_to_records(blob: Blob, detector: Detector, key: bytes, include_values: bool) -> FileResult:
    """scan_blob, then turn the findings into inventory records in this process: masking
    and hashing run in parallel, and raw values never leave the worker unless asked for."""
    result = scan_blob(blob, detector)
    result.records = [finding_record(f, key, include_values) for f in result.findings]
    result.findings = []
    return result
