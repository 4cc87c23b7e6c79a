"""The detector: segments in, findings out.

Segments are joined into batches (text_view.py). Whole-text recognizers run once per batch;
the digit clusters are found in one pass and each goes only to the rules whose shape it can
hold. Then the evidence rules: minimum score, overlaps resolved in favour of the stronger,
more specific finding.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path

from piiscan.detect.addresses import AddressRecognizer
from piiscan.detect.id_copy import IdCopyRecognizer
from piiscan.detect.names import PersonRecognizer
from piiscan.detect.recognizers import DetectorRecognizer, Hit, PatternRuleRecognizer
from piiscan.detect.rules import Rule, load_allowlist, load_rules
from piiscan.detect.text_view import SEPARATOR, TextView
from piiscan.model import Finding, Location, Segment
from piiscan.rules_path import default_rules_dir

# How much text is analysed in one go: large enough to amortise per-call overhead, small
# enough that memory stays flat on huge spreadsheets.
BATCH_CHARS = 1 << 20

# When two findings overlap and score the same, the more specific type wins.
_SPECIFICITY = {
    "MRZ": 10,
    "IBAN_CODE": 9,
    "VAT_NUMBER": 9,
    "EMAIL_ADDRESS": 9,
    "BE_NATIONAL_NUMBER": 8,
    "CREDIT_CARD": 7,
    "ID_DOCUMENT_NUMBER": 7,
    "NL_BSN": 7,
    "BE_ENTERPRISE_NUMBER": 6,
    "DATE_OF_BIRTH": 6,
    "NL_KVK": 5,
    "POSTAL_ADDRESS": 4,
    "PHONE_NUMBER": 3,
    "IP_ADDRESS": 3,
    "PERSON": 1,
}


@dataclass(frozen=True)
class DetectedSpan:
    """A finding before it is tied to a file: segment index, offsets, type, score."""

    segment: int
    start: int
    end: int
    entity_type: str
    score: float
    recognizer: str
    canonical: str


def build_recognizers(rules: list[Rule], rules_dir: Path, allowlist: frozenset[str]) -> list[DetectorRecognizer]:
    recognizers: list[DetectorRecognizer] = []
    for rule in rules:
        if rule.kind == "pattern":
            recognizers.append(PatternRuleRecognizer(rule, allowlist))
        elif rule.kind == "person":
            recognizers.append(PersonRecognizer(rule, rules_dir))
        elif rule.kind == "address":
            recognizers.append(AddressRecognizer(rule, rules_dir))
        elif rule.kind == "id_copy":
            recognizers.append(IdCopyRecognizer(rule))
        else:
            raise ValueError(f"{rule.source}: unknown recognizer kind {rule.kind!r}")
    return recognizers


class Detector:
    def __init__(
        self,
        entities: frozenset[str] | None = None,
        min_score: float = 0.5,
        rules_dir: Path | None = None,
        extra_rules: tuple[Path, ...] = (),
    ):
        rules_dir = rules_dir or default_rules_dir()
        rules = load_rules(rules_dir, extra_rules)
        if entities:
            unknown = entities - {r.entity for r in rules}
            if unknown:
                raise ValueError(f"unknown entity type(s): {', '.join(sorted(unknown))}")
            rules = [r for r in rules if r.entity in entities]
        self.rules = rules
        self.min_score = min_score
        self.recognizers = build_recognizers(rules, rules_dir, load_allowlist(rules_dir))
        self._by_digits_rules = [r for r in self.recognizers if r.rule.kind == "pattern" and r.rule.trigger == "digit"]
        self._whole_text = [r for r in self.recognizers if r not in self._by_digits_rules]
        # Which rules a cluster of a given shape goes to, worked out once per shape. A cluster
        # may hold several numbers run together ("BSN 111222333 06-12345678" in a PDF table
        # row), so every run of its digit groups counts, not only the whole cluster.
        self._by_shape: dict[str, list[PatternRuleRecognizer]] = {}

    @property
    def entity_types(self) -> list[str]:
        return sorted({r.entity for r in self.rules})

    def detect(self, segments: list[Segment]) -> list[DetectedSpan]:
        """Findings in a list of segments, offsets relative to each segment."""
        results: list[DetectedSpan] = []
        for batch in _batches(segments):
            view = TextView(batch.segments)
            hits = []
            min_score = self.min_score
            for recognizer in self._whole_text:
                entity = recognizer.rule.entity
                for hit in recognizer.find(view):
                    if hit.veto or hit.score >= min_score:
                        hits.append((entity, hit))
            # One pass over the digit clusters; each goes only to the rules its shape can hold
            # (an 11-digit cluster never reaches the KvK rule).
            searched = {id(r): [0] for r in self._by_digits_rules}
            found: dict[int, list[Hit]] = {id(r): [] for r in self._by_digits_rules}
            by_shape = self._by_shape
            for start, end, shape in view.digit_clusters():
                recognizers = by_shape.get(shape)
                if recognizers is None:
                    recognizers = by_shape[shape] = self._rules_for(shape)
                for recognizer in recognizers:
                    key = id(recognizer)
                    recognizer.search_near(view, start, end, searched[key], found[key])
            for recognizer in self._by_digits_rules:
                entity = recognizer.rule.entity
                hits.extend((entity, hit) for hit in found[id(recognizer)] if hit.veto or hit.score >= min_score)
            results.extend(self._place(view, batch.first, _resolve_overlaps(hits)))
        return results

    def _rules_for(self, shape: str) -> list[PatternRuleRecognizer]:
        return [r for r in self._by_digits_rules if r.accepts(shape)]

    def findings(self, path: str, segments: list[Segment]) -> list[Finding]:
        out = []
        newlines: dict[int, list[int]] = {}
        for span in self.detect(segments):
            segment = segments[span.segment]
            if span.segment not in newlines:
                newlines[span.segment] = [m.start() for m in _NEWLINE.finditer(segment.text)]
            out.append(
                Finding(
                    path=path,
                    entity_type=span.entity_type,
                    score=round(span.score, 2),
                    start=span.start,
                    end=span.end,
                    location=_location(segment, newlines[span.segment], span.start),
                    recognizer=span.recognizer,
                    value=segment.text[span.start:span.end],
                    canonical=span.canonical,
                )
            )
        return out

    def _place(self, view: TextView, first_index: int, hits: list[tuple[str, Hit]]) -> list[DetectedSpan]:
        placed = []
        for entity, hit in hits:
            span = view.span_at(hit.start)
            if hit.end > span.end:
                continue  # crossed a segment boundary: not a real match
            if hit.start - span.start < view.segments[span.index].overlap:
                continue  # reported with the previous piece of the same stream
            placed.append(
                DetectedSpan(
                    segment=first_index + span.index,
                    start=hit.start - span.start,
                    end=hit.end - span.start,
                    entity_type=entity,
                    score=hit.score,
                    recognizer=hit.recognizer,
                    canonical=hit.canonical,
                )
            )
        placed.sort(key=lambda s: (s.segment, s.start))
        return placed


def _resolve_overlaps(hits: list[tuple[str, Hit]]) -> list[tuple[str, Hit]]:
    """Keep the strongest of overlapping hits: score (a veto wins a tie), specificity, length.

    A veto is text that is an invalid identifier; it blocks what it overlaps and is dropped."""
    ranked = sorted(hits, key=lambda eh: (-eh[1].score, not eh[1].veto, -_SPECIFICITY.get(eh[0], 0), -(eh[1].end - eh[1].start), eh[1].start))
    kept: list[tuple[str, Hit]] = []
    starts: list[int] = []  # kept intervals, sorted and disjoint
    ends: list[int] = []
    for entity, hit in ranked:
        i = bisect_left(starts, hit.end)  # intervals starting before hit.end: indices < i
        if i and ends[i - 1] > hit.start:
            continue
        starts.insert(i, hit.start)
        ends.insert(i, hit.end)
        if not hit.veto:
            kept.append((entity, hit))
    return kept


@dataclass
class _Batch:
    first: int
    segments: list[Segment]


def _batches(segments: list[Segment]):
    batch: list[Segment] = []
    first, size = 0, 0
    for index, segment in enumerate(segments):
        if batch and size + len(segment.text) > BATCH_CHARS:
            yield _Batch(first, batch)
            batch, first, size = [], index, 0
        batch.append(segment)
        size += len(segment.text) + len(SEPARATOR)
    if batch:
        yield _Batch(first, batch)


_NEWLINE = re.compile("\n")


def _location(segment: Segment, newline_offsets: list[int], start: int) -> Location:
    """The segment's location, with the line of `start` when the segment has lines."""
    loc = segment.location
    newlines = bisect_left(newline_offsets, start)
    if loc.line is not None:
        line = loc.line + newlines
    elif newline_offsets:
        line = newlines + 1
    else:
        line = None
    if line == loc.line:
        return loc
    # Not dataclasses.replace: it inspects the fields on every call, once per finding.
    return Location(loc.page, line, loc.sheet, loc.cell, loc.part, loc.message_id, loc.date)
