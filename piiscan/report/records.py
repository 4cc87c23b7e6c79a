"""Turn findings and errors into the inventory's records (plain dicts, JSON-ready).

This is the one place that decides what of a value leaves the process: masked form and
keyed hash always, the raw value only when the user asked for it.
"""

from __future__ import annotations

from piiscan.model import ErrorRecord, Finding
from piiscan.privacy import keyed_hash, mask


def finding_record(finding: Finding, key: bytes, include_values: bool) -> dict:
    record = {
        "record": "finding",
        "path": finding.path,
        "entity_type": finding.entity_type,
        "score": finding.score,
        "masked": mask(finding.entity_type, finding.value),
        "hash": keyed_hash(key, finding.entity_type, finding.canonical or finding.value),
        "location": finding.location.as_dict(),
        "start": finding.start,
        "end": finding.end,
        "recognizer": finding.recognizer,
    }
    if include_values:
        record["value"] = finding.value
    return record


def error_record(error: ErrorRecord) -> dict:
    return {"record": "error", "path": error.path, "error": error.kind, "message": error.message}
