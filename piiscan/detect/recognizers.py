"""Recognizers built from rules/: pattern -> validator -> context score.

piiscan's detector calls `find` on batched text, which is what makes it fast; the same
recognizers are offered to Presidio through an adapter (presidio_engine.py), kept out of
this module so a scan does not pay for importing Presidio and spaCy.
"""

from __future__ import annotations

import re
from typing import Iterator, NamedTuple

from piiscan.detect.context import ContextWords, compile_gate
from piiscan.detect.rules import PatternRule, Rule
from piiscan.detect.text_view import TextView, run_sums
from piiscan.detect.validators import get_validator, prepare


class Hit(NamedTuple):
    """A match before it is tied to a file. A named tuple: created for every candidate, it
    must be cheap."""

    start: int
    end: int
    score: float
    canonical: str
    recognizer: str
    veto: bool = False  # an invalid identifier: blocks overlapping findings, is not reported


_GROUP_SEPARATOR = re.compile(r"[ ./-]+")


class DetectorRecognizer:
    """Common ground of piiscan's recognizers: one rule, and `find` on a TextView."""

    def __init__(self, rule: Rule):
        self.rule = rule
        self.name = rule.id

    def find(self, view: TextView) -> Iterator[Hit]:
        raise NotImplementedError


class PatternRuleRecognizer(DetectorRecognizer):
    """A rule with regex patterns, a validator and context words."""

    def __init__(self, rule: Rule, allowlist: frozenset[str] = frozenset()):
        super().__init__(rule)
        self.validate = get_validator(rule.validator)
        prepare(rule.validator)
        self.context_words = ContextWords(rule.context.words)
        self.allowlist = allowlist
        # Rules that need a keyword close by skip clusters with no keyword in reach before
        # running their (costlier) patterns and validators.
        context = rule.context
        self._gate = compile_gate(context.words) if context.required and context.before <= 80 else None

    def find(self, view: TextView) -> Iterator[Hit]:
        hits: list[Hit] = []
        if self.rule.trigger == "digit":
            # The detector dispatches clusters itself (engine.py); this is the stand-alone path.
            searched = [0]
            for start, end, shape in view.digit_clusters():
                if self.accepts(shape):
                    self.search_near(view, start, end, searched, hits)
        elif self.rule.trigger == "none":
            # Whole text: each pattern on its own, so the regex engine can skip ahead to its
            # first character (an alternation of named groups defeats that optimisation).
            for pattern in self.rule.patterns:
                self._search(view, 0, len(view.text), [0], hits, pattern)
            hits.sort(key=lambda hit: hit.start)
        else:
            for window_start, window_end in view.windows(self.rule.trigger, self.rule.reach):
                self._search(view, window_start, window_end, [0], hits)
        return iter(hits)

    def accepts(self, shape: str) -> bool:
        """Whether a digit cluster of this shape can hold a match of this rule."""
        lo, hi = self.rule.digits
        if not any(lo <= total <= hi for total in run_sums(shape)):
            return False
        return self.rule.shapes is None or self.rule.shapes.search(shape) is not None

    def search_near(self, view: TextView, cluster_start: int, cluster_end: int, searched: list[int], hits: list[Hit]) -> None:
        """Append the matches around one digit cluster to `hits`. `searched` carries how far
        this rule has looked, so clusters whose reach overlaps never report a match twice."""
        reach = self.rule.reach
        window_start = cluster_start - reach.before
        gate = self._gate
        if gate is not None and view.gated and view.lower is not None:
            gate_from = window_start - self.rule.context.before
            if gate.search(view.lower, gate_from if gate_from > 0 else 0, cluster_end + reach.after + self.rule.context.after) is None:
                return
        anchor = self.rule.anchor
        if anchor is not None and anchor.search(view.text, max(window_start, 0), cluster_end) is None:
            return
        if window_start < searched[0]:
            window_start = searched[0]
        window_end = cluster_end + reach.after
        if window_end > len(view.text):
            window_end = len(view.text)
        if window_start < window_end:
            self._search(view, window_start, window_end, searched, hits)

    def _search(self, view: TextView, window_start: int, window_end: int, searched: list[int], hits: list[Hit], only: PatternRule | None = None) -> None:
        """Matches of the rule's patterns (or of `only`) in the window, validated and scored."""
        text = view.text
        rule = self.rule
        regex = rule.combined if only is None else only.regex
        for match in regex.finditer(text, window_start, window_end):
            if match.end() == window_end and window_end != len(text):
                # The window's edge stopped the match, not the text: look again unbounded.
                match = regex.match(text, match.start())
                if match is None:
                    continue
            start, end = match.span()
            if end > searched[0]:
                searched[0] = end
            pattern = only or rule.patterns[int(match.lastgroup[2:])]
            canonical = self.validate(match.group())
            if canonical is None and rule.shrink:
                end, canonical = self._shrink(text, start, end)
            if canonical is None:
                if rule.veto_invalid:
                    hits.append(Hit(start, end, rule.veto_invalid, "", f"{rule.id}:invalid", veto=True))
                continue
            if canonical.upper() in self.allowlist:
                continue
            score = self._score(view, start, end, pattern.score)
            if score is not None:
                hits.append(Hit(start, end, score, canonical, f"{rule.id}:{pattern.name}"))

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
        if not self.context_words:
            return base
        span = view.span_at(start)
        lo = max(span.start, start - context.before)
        if context.nearest:
            lo = _after_last_number(view.text, lo, start)
        hi = min(span.end, end + context.after)
        if self.context_words.near(view, lo, start, end, hi, span.context):
            return max(base, context.score if context.score is not None else base)
        return None if context.required else base


_LAST_NUMBER = re.compile(r"\d(?=\D*$)")
_LETTER = re.compile(r"[^\W\d_]")


def _after_last_number(text: str, lo: int, start: int) -> int:
    """Where the words that may vouch for a match begin: after the previous number, unless
    only punctuation lies between them (a list of numbers under one keyword:
    "BSN: 111222333, 123456782")."""
    last = _LAST_NUMBER.search(text[lo:start])
    if last is None or not _LETTER.search(text, lo + last.end(), start):
        return lo
    return lo + last.end()
