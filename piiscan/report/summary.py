"""The end-of-run summary: counts a person reads on stderr and scripts read in JSON."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Summary:
    started: float = field(default_factory=time.monotonic)
    files_scanned: int = 0
    files_with_findings: int = 0
    files_skipped: int = 0
    files_failed: int = 0
    bytes_scanned: int = 0
    findings: Counter = field(default_factory=Counter)
    skip_reasons: Counter = field(default_factory=Counter)
    error_kinds: Counter = field(default_factory=Counter)

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started

    @property
    def total_findings(self) -> int:
        return sum(self.findings.values())

    def as_dict(self) -> dict:
        return {
            "files_scanned": self.files_scanned,
            "files_with_findings": self.files_with_findings,
            "files_skipped": self.files_skipped,
            "files_failed": self.files_failed,
            "bytes_scanned": self.bytes_scanned,
            "findings": dict(sorted(self.findings.items())),
            "skipped": dict(sorted(self.skip_reasons.items())),
            "errors": dict(sorted(self.error_kinds.items())),
            "seconds": round(self.seconds, 3),
        }

    def render(self) -> str:
        mb = self.bytes_scanned / 1e6
        lines = [
            f"piiscan: {self.files_scanned} files scanned ({mb:.1f} MB) in {self.seconds:.1f} s, "
            f"{self.files_with_findings} with personal data; "
            f"{self.files_skipped} skipped, {self.files_failed} failed",
        ]
        if self.findings:
            lines.append(f"  {self.total_findings} findings: " + ", ".join(f"{k} {v}" for k, v in self.findings.most_common()))
        if self.skip_reasons:
            lines.append("  skipped: " + ", ".join(f"{k} {v}" for k, v in self.skip_reasons.most_common()))
        if self.error_kinds:
            lines.append("  failed: " + ", ".join(f"{k} {v}" for k, v in self.error_kinds.most_common()))
        return "\n".join(lines)


# Shared by the summaries of the copy commands (redact, redact-id, watch).
LISTED = 20  # items shown per list; the log has them all


def count_line(what: str, counter: Counter) -> str:
    """"  12 values replaced: IBAN_CODE 7, PERSON 5"."""
    return f"  {sum(counter.values())} {what}: " + ", ".join(f"{t} {n}" for t, n in counter.most_common())


def listed(sections) -> list[str]:
    """Each non-empty (title, items) as a heading and its first LISTED items."""
    lines = []
    for title, items in sections:
        if items:
            lines.append(f"  {title}:")
            lines.extend(f"    {item}" for item in items[:LISTED])
            if len(items) > LISTED:
                lines.append(f"    ... and {len(items) - LISTED} more (see the log)")
    return lines
