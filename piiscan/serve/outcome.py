"""What a worker sends back for one request: a result, or the API error code saying why not.

Kept apart from jobs.py so the server process can read outcomes without importing the
detector, OCR and format libraries that only the workers need.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Outcome:
    error: str | None = None  # an API error code (errors.STATUS) when there is no result
    message: str = ""
    data: bytes | None = None  # the redacted copy
    summary: dict = field(default_factory=dict)  # JSON-ready; masked values and keyed hashes only
    note: str = ""  # for the server's log: an exception's type, never a value or a message

    @classmethod
    def failed(cls, error: str, message: str, note: str = "") -> "Outcome":
        return cls(error=error, message=message, note=note)
