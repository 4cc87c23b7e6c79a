"""Recognizers built from rules/: pattern -> validator -> context score.

They are Presidio recognizers (subclasses of presidio_analyzer.EntityRecognizer), so the same
objects plug into a Presidio AnalyzerEngine (see presidio_engine.py); piiscan's own detector
calls `find` directly on batched text, which is what makes it fast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from piiscan.detect.context import compile_words, has_word
from piiscan.detect.rules import Rule
from piiscan.detect.text_view import TextView
from piiscan.detect.validators import get_validator


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    score: float
    canonical: str
    recognizer: str
    veto: bool = False  # an invalid identifier: blocks overlapping findings, is not reported


_GROUP_SEPARATOR = re.compile(r"[ ./-]+")


class DetectorRecognizer(EntityRecognizer):
    """Common ground of piiscan's recognizers: `find` on a TextView, and Presidio's `analyze`."""

    def __init__(self, rule: Rule, language: str = "nl"):
        self.rule = rule
        super().__init__(supported_entities=[rule.entity], name=rule.id, supported_language=language)

    def load(self) -> None:  # nothing to load: everything came from rules/
        pass

    def find(self, view: TextView) -> Iterator[Hit]:
        raise NotImplementedError

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None) -> list[RecognizerResult]:
        if entities and self.rule.entity not in entities:
            return []
        return [
            RecognizerResult(
                entity_type=self.rule.entity,
                start=hit.start,
                end=hit.end,
                score=hit.score,
                recognition_metadata={
                    RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                    RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                },
            )
            for hit in self.find(TextView.single(text))
        ]


class PatternRuleRecognizer(DetectorRecognizer):
    """A rule with regex patterns, a validator and context words."""

    def __init__(self, rule: Rule, allowlist: frozenset[str] = frozenset(), language: str = "nl"):
        super().__init__(rule, language)
        self.validate = get_validator(rule.validator)
        self.context_words = compile_words(rule.context.words)
        self.allowlist = allowlist

    def find(self, view: TextView) -> Iterator[Hit]:
        text = view.text
        patterns = self.rule.patterns
        combined = self.rule.combined
        for window_start, window_end in view.windows(self.rule.trigger, self.rule.reach):
            for match in combined.finditer(text, window_start, window_end):
                if match.end() == window_end and window_end != len(text):
                    # The window's edge stopped the match, not the text: look again unbounded.
                    match = combined.match(text, match.start())
                    if match is None:
                        continue
                start, end = match.span()
                pattern = patterns[int(match.lastgroup[2:])]
                canonical = self.validate(match.group())
                if canonical is None and self.rule.shrink:
                    end, canonical = self._shrink(text, start, end)
                if canonical is None:
                    if self.rule.veto_invalid:
                        yield Hit(start, end, self.rule.veto_invalid, "", f"{self.rule.id}:invalid", veto=True)
                    continue
                if canonical.upper() in self.allowlist:
                    continue
                score = self._score(view, start, end, pattern.score)
                if score is not None:
                    yield Hit(start, end, score, canonical, f"{self.rule.id}:{pattern.name}")

    def _shrink(self, text: str, start: int, end: int) -> tuple[int, str | None]:
        # A greedy candidate may have swallowed a following group ("BE68 5390 0754 7034 2024");
        # drop trailing groups one by one until the validator accepts.
        cuts = [m.start() for m in _GROUP_SEPARATOR.finditer(text, start, end)]
        for cut in reversed(cuts):
            canonical = self.validate(text[start:cut])
            if canonical is not None:
                return cut, canonical
        return end, None

    def _score(self, view: TextView, start: int, end: int, base: float) -> float | None:
        context = self.rule.context
        if self.context_words is None:
            return base
        before, after, header = view.window(start, end, context.before, context.after)
        if context.nearest:
            before = _after_last_number(before)
        if has_word(self.context_words, before, after, header):
            return max(base, context.score if context.score is not None else base)
        return None if context.required else base


_LAST_DIGIT = re.compile(r"\d(?=\D*$)")
_LETTER = re.compile(r"[^\W\d_]")


def _after_last_number(before: str) -> str:
    """The text between the previous number and the match, unless only punctuation lies
    between them (a list of numbers under one keyword: "BSN: 111222333, 123456782")."""
    last = _LAST_DIGIT.search(before)
    if last is None or not _LETTER.search(before, last.end()):
        return before
    return before[last.end():]
