"""Redacting a piece of text: the one step every format redactor shares.

A format redactor walks its file (a CSV's cells, a Word run's paragraph, a PDF page) and
hands each piece of text here, with the context the scan would give it (a column header);
it gets back the text with every finding replaced, and what was replaced for the log. The
detector is the scan's, so a copy is redacted for exactly what `piiscan scan` reports.
Replacing the spans is presidio-anonymizer's job (custom operators call our Replacer).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable

from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

from piiscan.detect.engine import Detector
from piiscan.model import Finding, Segment
from piiscan.redact.styles import Replacer


@dataclass(frozen=True)
class Replacement:
    """One value replaced: offsets in the original text, for the redaction log."""

    entity_type: str
    start: int
    end: int
    value: str
    canonical: str
    replacement: str
    score: float


class TextRedaction:
    def __init__(self, detector: Detector, replacer: Replacer):
        self.detector = detector
        self.replacer = replacer
        self._engine = AnonymizerEngine()

    def findings(self, text: str, context: str = "", before: str = "") -> list[Finding]:
        """The findings in one piece of text, offsets into it. `before` is the text that
        precedes the piece (the end of the previous piece of a long file): it gives context
        words, and nothing in it is reported."""
        if not text.strip():
            return []
        segment = Segment(before + text, context=context, overlap=len(before))
        found = self.detector.findings("", [segment])
        if before:
            shift = len(before)
            found = [replace(f, start=f.start - shift, end=f.end - shift) for f in found]
        return found

    def replacements(self, text: str, context: str = "", before: str = "") -> list[Replacement]:
        """What `apply` would replace, without changing the text (for formats that place the
        replacements themselves, such as PDF pages)."""
        return [
            Replacement(f.entity_type, f.start, f.end, f.value, f.canonical,
                        self.replacer(f.entity_type, f.value, f.canonical), f.score)
            for f in self.findings(text, context, before)
        ]

    def apply(self, text: str, context: str = "", before: str = "") -> tuple[str, list[Replacement]]:
        """The text with every finding replaced, and the replacements made."""
        replacements = self.replacements(text, context, before)
        if not replacements:
            return text, []
        by_value = {(r.entity_type, r.value): r.replacement for r in replacements}
        operators = {
            entity: OperatorConfig("custom", {"lambda": lambda value, entity=entity: by_value[(entity, value)]})
            for entity in {r.entity_type for r in replacements}
        }
        results = [RecognizerResult(r.entity_type, r.start, r.end, r.score) for r in replacements]
        redacted = self._engine.anonymize(text=text, analyzer_results=results, operators=operators)
        return redacted.text, replacements


def substitute(text: str, replacements: Iterable[Replacement]) -> str:
    """The text with each replacement in place of its span, for formats that place the
    replacements themselves (a mail header, an HTML attribute, a PDF string); a span that
    overlaps one already replaced is skipped."""
    out, position = [], 0
    for r in sorted(replacements, key=lambda r: r.start):
        if r.start < position:
            continue
        out.append(text[position:r.start])
        out.append(r.replacement)
        position = r.end
    out.append(text[position:])
    return "".join(out)
