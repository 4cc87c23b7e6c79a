"""What watch says on stderr: one line per file as it is handled, a summary when it stops.
Masked values only, as everywhere in piiscan."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from piiscan.report.summary import count_line, listed
from piiscan.watch.processor import Outcome

MAX_SHOWN = 6  # masked values on one progress line; the log has them all
MAX_VALUE = 40  # characters of one masked value (an MRZ is 90)


def progress_line(outcome: Outcome, note: str = "") -> str:
    """e.g. "redacted    brieven/a.txt -> brieven/a.txt: IBAN_CODE BE68 **** **** 7034" """
    line = f"{outcome.status:<18} {outcome.relative}"
    if outcome.output and outcome.output != outcome.relative:
        line += f" -> {outcome.output}"
    if outcome.masked:
        items = list(dict.fromkeys(f"{entity} {_one_line(value)}".rstrip() for entity, value in outcome.masked))
        more = len(items) - MAX_SHOWN
        line += ": " + ", ".join(items[:MAX_SHOWN]) + (f", ... {more} more" if more > 0 else "")
    if outcome.reason:
        line += f" ({outcome.reason})"
    if note:
        line += f" [{note}]"
    return line


def _one_line(value: str) -> str:
    value = " / ".join(part for part in value.splitlines() if part)
    return value if len(value) <= MAX_VALUE else value[:MAX_VALUE - 3] + "..."


@dataclass
class WatchSummary:
    counts: Counter = field(default_factory=Counter)  # by status
    masked: Counter = field(default_factory=Counter)  # by entity type
    failed: list[str] = field(default_factory=list)
    already_done: int = 0  # found in the inbox, done by an earlier run
    removed: int = 0  # originals deleted (--remove-originals)
    left_for_later: list[str] = field(default_factory=list)  # --once: still being written

    def add(self, outcome: Outcome) -> None:
        self.counts[outcome.status] += 1
        self.masked.update(entity for entity, _ in outcome.masked)
        if not outcome.ok:
            self.failed.append(f"{outcome.relative}: {outcome.status}" + (f": {outcome.reason}" if outcome.reason else ""))

    @property
    def any_failed(self) -> bool:
        return bool(self.failed)

    def render(self) -> str:
        parts = [f"{n} {status}" for status, n in self.counts.most_common()]
        if self.already_done:
            parts.append(f"{self.already_done} done before")
        if self.removed:
            parts.append(f"{self.removed} originals removed")
        lines = ["piiscan watch: " + (", ".join(parts) or "nothing to do")]
        if self.masked:
            lines.append(count_line("values masked", self.masked))
        lines += listed((("set aside in failed/ (no safe copy)", self.failed),
                         ("still being written, left for the next run", self.left_for_later)))
        return "\n".join(lines)
