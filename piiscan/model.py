"""The shared vocabulary of the pipeline: sources -> extractors -> detector -> findings -> sinks.

Every stage speaks in these types only, so a reader can follow one file from the walk to the
inventory line without learning a second set of names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import BinaryIO, Callable


@dataclass(frozen=True, slots=True)
class Location:
    """Where in a document a piece of text sits. Unused fields stay None."""

    page: int | None = None
    line: int | None = None
    sheet: str | None = None
    cell: str | None = None
    part: str | None = None  # "body", "table", "header", "footer", "comment", "subject", ...
    message_id: str | None = None  # for text from an e-mail: the message it came from
    date: str | None = None

    def as_dict(self) -> dict:
        # Not dataclasses.asdict: it deep-copies and is the slowest step of writing records.
        fields = (
            ("page", self.page), ("line", self.line), ("sheet", self.sheet), ("cell", self.cell),
            ("part", self.part), ("message_id", self.message_id), ("date", self.date),
        )
        return {k: v for k, v in fields if v is not None}


@dataclass(frozen=True)
class Blob:
    """A readable thing with a display path: a file on disk now, a container member later.

    Extractors only ever see a Blob, never a filesystem path, so the same extractor reads a
    PDF from a share and a PDF attached to a mail.
    """

    path: str  # display path: "share/export.zip!/2023/klanten.csv"
    size: int
    open: Callable[[], BinaryIO]  # returns a fresh, seekable, read-only binary stream
    # The format when the name cannot tell: "message" for a mail inside an mbox ("…!/00017").
    kind: str | None = None

    @property
    def name(self) -> str:
        return self.path.rsplit("!/", 1)[-1].rsplit("/", 1)[-1]

    @property
    def suffix(self) -> str:
        name = self.name.lower()
        return name[name.rfind("."):] if "." in name else ""


@dataclass(frozen=True)
class Segment:
    """A run of text as an extractor found it.

    `context` carries words that describe the text without being part of it, e.g. the column
    header above a CSV cell; the detector treats it as context for every match in the segment.
    `location.line`, when set, is the line on which `text` starts.
    """

    text: str
    location: Location = field(default_factory=Location)
    context: str = ""
    # The first `overlap` characters repeat the end of the previous segment of a stream cut
    # into pieces: they give context words before the cut to matches after it, and findings
    # that start in them are left to the previous segment.
    overlap: int = 0


@dataclass(frozen=True, slots=True)
class Finding:
    path: str
    entity_type: str
    score: float
    start: int  # offsets in the segment's text
    end: int
    location: Location
    recognizer: str
    value: str  # never written out unless the user asks for values
    canonical: str = ""  # normalised value ('BE68539007547034'): what the keyed hash is made of


@dataclass(frozen=True)
class ErrorRecord:
    """A file that could not be (fully) scanned. The run goes on; the error is reported."""

    path: str
    kind: str  # "unreadable" | "corrupt" | "encrypted" | "too_large" | "timeout" | "internal"
    message: str


@dataclass(frozen=True)
class Skip:
    """A file deliberately not scanned (unknown format, excluded, binary); counted, not an error."""

    path: str
    reason: str


class ExtractionError(Exception):
    """Raised by an extractor when a document cannot be read; becomes an ErrorRecord."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message


def member_path(container: str, member: str) -> str:
    """The display path of a container member: "export.zip" + "2023/x.csv" ->
    "export.zip!/2023/x.csv". Member names come from untrusted files: separators are
    normalised, "..", "." and empty parts dropped, control characters escaped, so the path
    is readable and never points outside its container."""
    parts = []
    for part in member.replace("\\", "/").split("/"):
        if part in ("", ".", ".."):
            continue
        parts.append("".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in part))
    return f"{container}!/{'/'.join(parts) or '_'}"
