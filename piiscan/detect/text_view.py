"""Many segments analysed as one text, so the detector makes one regex pass per batch.

Per-segment calls cost more than the matching itself on spreadsheets with a million short
cells. Segments are joined with a separator no pattern crosses (patterns never match a
newline except MRZ, which needs whole lines), and every offset is mapped back.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from piiscan.model import Segment

SEPARATOR = "\n\n"


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

    @classmethod
    def single(cls, text: str, context: str = "") -> "TextView":
        return cls([Segment(text=text, context=context)])

    def span_at(self, offset: int) -> Span:
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
