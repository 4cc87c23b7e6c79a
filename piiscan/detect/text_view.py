"""Many segments analysed as one text, so the detector makes one regex pass per batch.

Per-segment calls cost more than the matching itself on spreadsheets with a million short
cells. Segments are joined with a separator no pattern crosses (patterns never match a
newline except MRZ, which needs whole lines), and every offset is mapped back.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Iterator

from piiscan.model import Segment

SEPARATOR = "\n\n"

# Trigger characters: every pattern of a "digit" rule contains a digit, every e-mail an '@',
# every MRZ a '<'. Finding the clusters of such characters is one fast pass; rules then only
# search small windows around the clusters long enough to hold what they look for, instead
# of trying their full pattern at every position of the text.
_CLUSTERS = {
    # Digits with what separates or follows them inside identifiers: "+32 (0)2 670 00 00",
    # "NL91ABNA0417164300" (from "91" on), "2001:db8::1", "85.07.30-033.28". Not commas:
    # a list "0470 12 34 56, 02 670 00 00" is two clusters.
    # A group after a separator joins only if it holds a digit: "BCE 0976.686.070 TVA BE…"
    # is two clusters, not one run over the word "TVA".
    # Starting on the digit itself lets the regex engine skip ahead fast; a leading "+" or
    # "(" is within every phone rule's reach. ASCII digits only: identifiers are written with
    # them, and [0-9] is a quarter faster to scan for than \d.
    "digit": re.compile(r"[0-9][0-9A-Za-f]*+(?:[ ./()+:-]{1,3}+(?=[A-Za-f]*[0-9])[0-9A-Za-f]++)*+"),
    "at": re.compile("@"),
    # Every IPv6 address holds "::" or seven colons, so three colons with hex groups between
    # them; times ("10:30:00") have two. A leading literal ':' lets the regex engine skip
    # ahead fast.
    "colon": re.compile(r":(?::|[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:)"),
    "mrz": re.compile("<<+"),
}


# A capitalised word: one capital, then lower-case letters ("Sophie", "Kerkstraat", "Rue").
_CAPITALISED = re.compile(r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+")

_SHAPE = str.maketrans("0123456789abcdefABCDEFGHIJKLMNOPQRSTUVWXYZ", "9" * 10 + "A" * 32)
_DIGIT_RUN = re.compile(r"9+")


def run_sums(shape: str) -> set[int]:
    """Digit counts of every run of consecutive digit groups in a cluster shape:
    "9999 99 99" -> {2, 4, 6, 8}."""
    groups = [len(run) for run in _DIGIT_RUN.findall(shape)]
    sums = set()
    for i in range(len(groups)):
        total = 0
        for length in groups[i:]:
            total += length
            sums.add(total)
    return sums


class Claimed:
    """Disjoint (start, end) intervals of the text already given to a finding, in text order,
    with a lookup in O(log n): a million-row CSV must not make every later check linear."""

    def __init__(self, intervals: list[tuple[int, int]] = ()):
        self.starts: list[int] = []
        self.ends: list[int] = []
        for start, end in sorted(set(intervals)):
            if self.ends and start < self.ends[-1]:
                self.ends[-1] = max(self.ends[-1], end)  # overlapping: one interval
            else:
                self.starts.append(start)
                self.ends.append(end)

    def __contains__(self, offset: int) -> bool:
        i = bisect_right(self.starts, offset) - 1
        return i >= 0 and offset < self.ends[i]


def leading_digits(shape: str) -> int:
    """How many digits open the cluster: "9999 AA" -> 4 (a lead, "AA 9999", is not counted)."""
    core = shape.lstrip("A ")
    return len(core) - len(core.lstrip("9"))


_CAPITALS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _lead(text: str, start: int) -> str:
    """"AA" when two capitals stand right before a cluster ("BE68 5390…", "NL91ABNA…"), "AA "
    when a space separates them ("BE 0403.170.701"), else "". Country codes and document
    prefixes open IBANs, VAT and document numbers: with the lead in the cluster's shape,
    those rules are dispatched like the others instead of each scanning the whole text for
    capital letters."""
    if start < 2:
        return ""
    before = text[start - 1]
    if before in _CAPITALS:
        return "AA" if text[start - 2] in _CAPITALS else ""
    if before == " " and start >= 3 and text[start - 2] in _CAPITALS and text[start - 3] in _CAPITALS:
        return "AA "
    return ""


@dataclass(frozen=True)
class Reach:
    """How far before and after its trigger cluster a rule's match can extend."""

    before: int = 0
    after: int = 0


@dataclass(frozen=True)
class Span:
    """One segment's place in the joined text."""

    index: int
    start: int
    end: int
    context: str


class TextView:
    def __init__(self, segments: list[Segment]):
        self.segments = segments
        starts, offset, parts = [], 0, []
        for segment in segments:
            starts.append(offset)
            parts.append(segment.text)
            offset += len(segment.text) + len(SEPARATOR)
        self.text = SEPARATOR.join(parts)
        self._starts = starts
        self._only = Span(0, 0, len(self.text), segments[0].context) if len(segments) == 1 else None
        self._lower: str | None = None
        self._capitalised: list[tuple[int, str]] | None = None
        # Column headers are context a keyword pre-check in the text cannot see: no such
        # gating for tabular batches.
        self.gated = not any(segment.context for segment in segments)
        self._clusters: dict[str, list[tuple[int, int]]] = {}
        self._digit_clusters: list[tuple[int, int, str]] | None = None
        self._windows: dict[tuple, list[tuple[int, int]]] = {}

    @classmethod
    def single(cls, text: str, context: str = "") -> "TextView":
        return cls([Segment(text=text, context=context)])

    def capitalised(self) -> list[tuple[int, str]]:
        """(start, word) of every capitalised word: names and street names start here."""
        if self._capitalised is None:
            self._capitalised = [(m.start(), m.group()) for m in _CAPITALISED.finditer(self.text)]
        return self._capitalised

    @property
    def lower(self) -> str | None:
        """The text in lower case with the same offsets, for cheap keyword look-ups; None
        when lower-casing would shift offsets (a few characters, such as 'İ', grow)."""
        if self._lower is None:
            lower = self.text.lower()
            self._lower = lower if len(lower) == len(self.text) else ""
        return self._lower or None

    def digit_clusters(self) -> list[tuple[int, int, str]]:
        """(start, end, shape) of every digit cluster in text order. The shape writes every
        digit as 9 and every letter as A ("0470 12 34 56" -> "9999 99 99 99"), after the
        cluster's lead ("BE 0403.170.701" -> "AA 9999.999.999"; see _lead): clusters of one
        shape go to the same rules, so the dispatch is worked out once per shape."""
        if self._digit_clusters is None:
            shape, text = _SHAPE, self.text
            self._digit_clusters = [
                (m.start(), m.end(), _lead(text, m.start()) + m.group().translate(shape))
                for m in _CLUSTERS["digit"].finditer(text)
            ]
        return self._digit_clusters

    def clusters(self, trigger: str) -> list[tuple[int, int]]:
        if trigger not in self._clusters:
            self._clusters[trigger] = [m.span() for m in _CLUSTERS[trigger].finditer(self.text)]
        return self._clusters[trigger]

    def windows(self, trigger: str, reach: Reach = Reach()) -> list[tuple[int, int]]:
        """Merged (start, end) windows around the clusters of a trigger ("at", "colon", "mrz")."""
        key = (trigger, reach)
        if key not in self._windows:
            before, after = reach.before, reach.after
            limit = len(self.text)
            merged: list[list[int]] = []
            for start, end in self.clusters(trigger):
                start, end = start - before, end + after
                if merged and start <= merged[-1][1]:
                    merged[-1][1] = end
                else:
                    merged.append([start, end])
            self._windows[key] = [(max(0, s), min(limit, e)) for s, e in merged]
        return self._windows[key]

    def spans_with_context(self) -> Iterator[Span]:
        """The segments that carry context (a column header), as spans of the joined text."""
        for index, segment in enumerate(self.segments):
            if segment.context:
                start = self._starts[index]
                yield Span(index, start, start + len(segment.text), segment.context)

    def span_at(self, offset: int) -> Span:
        if self._only is not None:
            return self._only  # one segment (a text file's piece): asked once per finding
        index = bisect_right(self._starts, offset) - 1
        start = self._starts[index]
        segment = self.segments[index]
        return Span(index, start, start + len(segment.text), segment.context)

    def window(self, start: int, end: int, before: int, after: int) -> tuple[str, str, str]:
        """Text before and after a match, clipped to its segment, plus the segment's context."""
        span = self.span_at(start)
        return (
            self.text[max(span.start, start - before):start],
            self.text[end:min(span.end, end + after)],
            span.context,
        )
