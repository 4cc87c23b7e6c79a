"""Load recognizer definitions from rules/*.yaml into plain, frozen objects.

The YAML is the source of truth for patterns, scores and context words; this module only
checks it is well-formed so a typo in a user's rule fails loudly at start-up, not silently
mid-scan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from piiscan.detect.text_view import Reach
from piiscan.rules_path import default_rules_dir


class RuleError(ValueError):
    pass


@dataclass(frozen=True)
class PatternRule:
    name: str
    regex: re.Pattern
    score: float


@dataclass(frozen=True)
class ContextRule:
    words: tuple[str, ...] = ()
    score: float | None = None  # score once a context word is found
    required: bool = False  # without context the candidate is dropped
    before: int = 100  # characters searched before the match
    after: int = 40  # and after it
    # Only the words after the last number before the match count, so the keyword of one
    # field ("KvK 12345678, factuur 20230145") does not vouch for the next field's number.
    nearest: bool = False


@dataclass(frozen=True)
class Rule:
    id: str
    entity: str
    kind: str  # "pattern" (regex + validator) or a code recognizer: "person", "address"
    score: float
    patterns: tuple[PatternRule, ...] = ()
    validator: str | None = None
    shrink: bool = False  # retry shorter candidates, dropping trailing groups, until valid
    # A match that fails validation still claims its text against findings scoring lower
    # than this: the digits inside an invalid IBAN are not a phone number. 0 = off.
    veto_invalid: float = 0.0
    trigger: str = "none"  # "digit", "at", "mrz": only text near such a character is searched
    reach: Reach = field(default_factory=Reach)
    # How many digits a match holds: a cluster is searched only if a run of its digit groups
    # adds up to a number in this range ("0470 12 34 56" has runs of 2 to 10 digits).
    digits: tuple[int, int] = (1, 64)
    # Optional finer test on the cluster's shape ("9999 99 99 99"): worked out once per
    # distinct shape, it keeps e.g. the KvK rule away from every cluster without 8 digits in a row.
    shapes: re.Pattern | None = None
    # Optional test on the text itself, for what a shape cannot show: a cluster is searched
    # only when this regex is found between its reach before and its end (a phone number
    # starts with "0" or "+", which most numbers of its length do not).
    anchor: re.Pattern | None = None
    combined: re.Pattern | None = None  # all patterns as one alternation: one pass per rule
    context: ContextRule = field(default_factory=ContextRule)
    raw: dict = field(default_factory=dict, compare=False, hash=False)
    source: Path | None = None


def _context(spec: dict | None, path: Path) -> ContextRule:
    if not spec:
        return ContextRule()
    words_by_lang = spec.get("words") or {}
    if not isinstance(words_by_lang, dict):
        raise RuleError(f"{path}: context.words must map a language to a list of words")
    words = tuple(dict.fromkeys(w.lower() for ws in words_by_lang.values() for w in ws))
    return ContextRule(
        words=words,
        score=spec.get("score"),
        required=bool(spec.get("required", False)),
        before=int(spec.get("before", 100)),
        after=int(spec.get("after", 40)),
        nearest=bool(spec.get("nearest", False)),
    )


def _rule(spec: dict[str, Any], path: Path) -> Rule:
    for key in ("id", "entity"):
        if key not in spec:
            raise RuleError(f"{path}: missing '{key}'")
    score = float(spec.get("score", 0.5))
    patterns = []
    for p in spec.get("patterns", ()):
        try:
            compiled = re.compile(p["regex"])
        except (KeyError, re.error) as exc:
            raise RuleError(f"{path}: pattern {p.get('name')!r}: {exc}") from exc
        patterns.append(PatternRule(p.get("name", "pattern"), compiled, float(p.get("score", score))))
    kind = spec.get("kind", "pattern")
    trigger = spec.get("trigger", "none")
    if trigger not in TRIGGERS:
        raise RuleError(f"{path}: trigger must be one of {', '.join(TRIGGERS)}")
    if kind == "pattern" and not patterns:
        raise RuleError(f"{path}: a pattern rule needs at least one pattern")
    return Rule(
        id=spec["id"],
        entity=spec["entity"],
        kind=kind,
        score=score,
        patterns=tuple(patterns),
        validator=spec.get("validator"),
        shrink=bool(spec.get("shrink", False)),
        trigger=trigger,
        veto_invalid=float(spec.get("veto_invalid", 0.0)),
        reach=Reach(**(spec.get("reach") or {})),
        digits=tuple(int(d) for d in spec.get("digits", (1, 64))),
        shapes=re.compile(spec["shapes"]) if spec.get("shapes") else None,
        anchor=re.compile(spec["anchor"]) if spec.get("anchor") else None,
        combined=_combine(patterns),
        context=_context(spec.get("context"), path),
        raw=spec,
        source=path,
    )


TRIGGERS = ("none", "digit", "at", "mrz", "colon")


def _combine(patterns: list[PatternRule]) -> re.Pattern | None:
    """One regex whose named alternatives are the rule's patterns (`_p0`, `_p1`...).

    A rule's patterns describe one thing written different ways, so at a given position at
    most one of them applies; one pass instead of one per pattern halves the scan time.
    """
    if not patterns:
        return None
    return re.compile("|".join(f"(?P<_p{i}>{_scoped(p.regex.pattern)})" for i, p in enumerate(patterns)))


_GLOBAL_FLAGS = re.compile(r"^\(\?([imsx]+)\)")


def _scoped(pattern: str) -> str:
    """'(?i)abc' -> '(?i:abc)': leading global flags may not stand inside an alternation."""
    m = _GLOBAL_FLAGS.match(pattern)
    return f"(?{m.group(1)}:{pattern[m.end():]})" if m else pattern


def load_rules(rules_dir: Path | None = None, extra_dirs: tuple[Path, ...] = ()) -> list[Rule]:
    """All recognizer rules; a rule in an extra dir replaces a built-in one with the same id."""
    by_id: dict[str, Rule] = {}
    for base in (rules_dir or default_rules_dir(), *extra_dirs):
        folder = base / "recognizers" if (base / "recognizers").is_dir() else base
        for path in sorted(folder.glob("*.yaml")):
            spec = yaml.safe_load(path.read_text(encoding="utf-8"))
            if not isinstance(spec, dict):
                raise RuleError(f"{path}: expected a mapping")
            if spec.get("enabled", True):
                by_id[spec["id"]] = _rule(spec, path)
            else:
                by_id.pop(spec["id"], None)
    return list(by_id.values())


def load_lexicon(rules_dir: Path, relative: str | list[str]) -> frozenset[str]:
    """Words from one or more lexicon files (one entry per line, '#' comments)."""
    entries: set[str] = set()
    for name in [relative] if isinstance(relative, str) else relative:
        lines = (rules_dir / name).read_text(encoding="utf-8").splitlines()
        entries.update(line.strip() for line in lines if line.strip() and not line.startswith("#"))
    return frozenset(entries)


def load_allowlist(rules_dir: Path | None = None) -> frozenset[str]:
    path = (rules_dir or default_rules_dir()) / "allowlist.yaml"
    if not path.exists():
        return frozenset()
    spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return frozenset(str(v).upper() for v in spec.get("values", ()) or ())
