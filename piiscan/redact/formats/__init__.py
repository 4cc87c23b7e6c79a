"""Format redactors: a file in, its redacted copy out, in the same format.

Each format module offers `redact(blob, redaction) -> RedactedCopy`: it walks the file's
text the way its extractor does (cells, paragraphs, pages, message parts), replaces what
`redaction` (piiscan.redact.text.TextRedaction) finds, and returns the copy's bytes with a
log of what was replaced where. Parts it cannot redact (an image in a Word file, until the
OCR issue) are listed in `not_redacted`, never passed off as clean.

Each module may also offer `raw_texts(data) -> Iterator[str]`: the copy's text as a reader
other than the redactor's own sees it (the XML of every part of a .docx, the decompressed
streams of a PDF...), which verification searches for the original values.

Modules are imported on first use, like the extractors.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from types import ModuleType

from piiscan.model import Blob, Location
from piiscan.redact.text import Replacement


@dataclass(frozen=True)
class LogEntry:
    """One replacement and where it was made: `member` is the path inside a container
    ("" for the file itself), `location` as in the inventory (page, line, sheet, cell, part)."""

    replacement: Replacement
    location: Location = field(default_factory=Location)
    member: str = ""


@dataclass
class RedactedCopy:
    data: bytes
    log: list[LogEntry] = field(default_factory=list)
    # Parts left as they were because piiscan cannot redact them yet (embedded images, scanned
    # pages): reported in the log and the summary.
    not_redacted: list[str] = field(default_factory=list)


# suffix -> module under piiscan.redact.formats
_MODULES: dict[str, str] = {
    **dict.fromkeys((".txt", ".text", ".md", ".log", ".json", ".jsonl", ".ndjson", ".xml", ".yaml", ".yml",
                     ".sql", ".ini", ".cfg", ".conf", ".vcf", ".ics", ".ldif"), "text"),
    ".html": "html", ".htm": "html",
    ".csv": "tabular", ".tsv": "tabular",
    ".docx": "docx",
    ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".pdf": "pdf",
    ".eml": "mail", ".mbox": "mail", ".mbx": "mail",
    ".zip": "archive", ".tar": "archive", ".tgz": "archive", ".gz": "archive", ".bz2": "archive", ".xz": "archive",
}
# Blobs named by their container, not their suffix (a message inside an mbox).
_KINDS: dict[str, str] = {"message": "mail", "mail-file": "mail", "mbox": "mail"}


def format_module(blob: Blob) -> ModuleType | None:
    """The redactor module for the blob's format, or None when piiscan cannot redact it."""
    name = _KINDS.get(blob.kind) if blob.kind else _MODULES.get(blob.suffix)
    if name is None:
        return None
    try:
        return importlib.import_module(f"piiscan.redact.formats.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"piiscan.redact.formats.{name}":
            return None  # a format whose redactor is not written yet
        raise
