"""What the HTML report shows, as plain data: the audit state fills it, the report renders it.

Only masked values ever reach this structure: the report is mailed around.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RunSummary:
    run_id: int
    started: str  # ISO 8601, UTC
    finished: str | None
    files_scanned: int  # files read in this run (unchanged files are not re-read)
    files_total: int  # files known after this run
    files_with_findings: int
    findings_total: int  # findings present after this run
    new_findings: int
    resolved_findings: int
    id_copies: int
    breaches: int
    errors: int


@dataclass
class FolderCount:
    folder: str
    findings: int
    files: int
    types: dict[str, int] = field(default_factory=dict)


@dataclass
class IdCopy:
    path: str
    kind: str  # e.g. "BE eID", "NL passport"
    first_seen: str
    age_days: int  # from the file's mtime


@dataclass
class Breach:
    path: str
    rule: str  # the retention rule's name
    max_age_days: int
    age_days: int
    types: list[str]
    findings: int
    new: bool = False  # first listed in this run


@dataclass
class NewFinding:
    path: str
    entity_type: str
    masked: str
    location: str  # human-readable: "page 2", "line 14", "sheet Klanten, B7"
    first_seen: str


@dataclass
class ReportData:
    title: str
    generated: str  # ISO 8601
    paths: list[str]
    current: RunSummary
    history: list[RunSummary]  # oldest first, the current run last
    by_type: dict[str, int]  # findings present now, per entity type
    top_folders: list[FolderCount]  # most findings first
    id_copies: list[IdCopy]
    breaches: list[Breach]  # oldest first
    new_findings: list[NewFinding]  # since the previous run
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path, error kind) of this run
