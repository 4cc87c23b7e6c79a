"""Retention rules: which files hold personal data longer than the policy allows.

A rule names a category of files and a maximum age:

    name = "ID copies", match = ["ID_DOCUMENT", "**/id-kopie*/**"], max_age = "30d"

A match term in capitals (`IBAN_CODE`, `ID_DOCUMENT`) is an entity type: the rule applies
to a file in which the audit found that type (in the file or in any member of it). Any
other term is a path glob in gitignore syntax (`hr/**`, `**/camera/**`, `*.mp4`), matched
case-insensitively against the file's path relative to the audited folder. A rule applies
when any of its terms matches.

When several rules apply to a file, the one with the shortest maximum age wins (ties: the
first listed): a stricter category is never hidden by a looser one — an ID copy in the
accounting folder is still an ID copy. A file is in breach when it holds personal data (or
the rule says `all_files = true`, for footage and other content piiscan does not read) and
its age, from its modification time, exceeds the winning rule's maximum.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import pathspec
import yaml

from piiscan.rules_path import default_rules_dir

DAY_NS = 86_400 * 1_000_000_000
_UNITS = {"d": 1, "w": 7, "m": 30, "y": 365}
_DURATION = re.compile(r"^\s*(\d+)\s*(d|days?|w|weeks?|m|months?|y|years?)\s*$", re.IGNORECASE)
_ENTITY = re.compile(r"^[A-Z][A-Z0-9_]*$")
_KEYS = {"name", "match", "max_age", "all_files", "source", "example", "note"}


class RetentionError(ValueError):
    pass


def parse_duration(text: str | int) -> int:
    """'7y' -> 2555 days, '6w' -> 42, '30d' -> 30, '3m' -> 90 (a month counts 30 days, a
    year 365); a bare number is days."""
    if isinstance(text, int) and not isinstance(text, bool):
        days = text
    else:
        m = _DURATION.match(str(text))
        if not m:
            raise RetentionError(f"not a duration: {text!r} (e.g. 14d, 6w, 3m, 7y)")
        days = int(m.group(1)) * _UNITS[m.group(2)[0].lower()]
    if days <= 0:
        raise RetentionError(f"a maximum age must be at least one day, not {text!r}")
    return days


@dataclass(frozen=True)
class RetentionRule:
    name: str
    match: tuple[str, ...]
    max_age_days: int
    max_age: str = ""  # as written, for messages
    all_files: bool = False  # count every matching file, even one without findings
    source: str = ""  # where the figure comes from
    example: bool = False  # a default the organisation has not confirmed
    entity_types: frozenset[str] = field(default=frozenset(), compare=False)
    globs: pathspec.PathSpec | None = field(default=None, compare=False, repr=False)

    def applies(self, relative_path: str, entity_types: Iterable[str]) -> bool:
        if self.entity_types and not self.entity_types.isdisjoint(entity_types):
            return True
        return self.globs is not None and self.globs.match_file(relative_path.lower())


def rule_from_mapping(spec: dict, source: str) -> RetentionRule:
    if not isinstance(spec, dict):
        raise RetentionError(f"{source}: a retention rule is a table/mapping with name, match and max_age")
    unknown = set(spec) - _KEYS
    if unknown:
        raise RetentionError(f"{source}: unknown key(s) in a retention rule: {', '.join(sorted(unknown))}")
    for key in ("name", "match", "max_age"):
        if key not in spec:
            raise RetentionError(f"{source}: a retention rule needs '{key}'")
    name = str(spec["name"])
    match = spec["match"]
    if isinstance(match, str):
        match = [match]
    if not isinstance(match, list) or not match or not all(isinstance(t, str) and t.strip() for t in match):
        raise RetentionError(f"{source}: rule {name!r}: match must be a non-empty list of entity types and path globs")
    terms = tuple(t.strip() for t in match)
    entities = frozenset(t for t in terms if _ENTITY.match(t))
    globs = [t for t in terms if not _ENTITY.match(t)]
    if any(g.startswith("!") for g in globs):
        raise RetentionError(f"{source}: rule {name!r}: negated globs ('!…') are not supported; write a narrower glob")
    try:
        max_age_days = parse_duration(spec["max_age"])
    except RetentionError as exc:
        raise RetentionError(f"{source}: rule {name!r}: {exc}") from None
    return RetentionRule(
        name=name,
        match=terms,
        max_age_days=max_age_days,
        max_age=str(spec["max_age"]),
        all_files=bool(spec.get("all_files", False)),
        source=str(spec.get("source", "") or "").strip(),
        example=bool(spec.get("example", False)),
        entity_types=entities,
        globs=pathspec.GitIgnoreSpec.from_lines([g.lower() for g in globs]) if globs else None,
    )


def default_rules_file() -> Path:
    return default_rules_dir() / "retention.yaml"


def load_rules_file(path: Path) -> list[RetentionRule]:
    spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    rules = spec.get("rules") if isinstance(spec, dict) else None
    if not isinstance(rules, list):
        raise RetentionError(f"{path}: expected a top-level 'rules' list")
    return [rule_from_mapping(r, str(path)) for r in rules]


def combine(defaults: list[RetentionRule], own: list[RetentionRule]) -> list[RetentionRule]:
    """The organisation's rules replace default rules of the same name and come first
    (first listed wins a tie)."""
    names = {r.name for r in own}
    return list(own) + [r for r in defaults if r.name not in names]


def check_entity_types(rules: list[RetentionRule], known: set[str]) -> None:
    """A typo in an entity type would make a rule silently never apply."""
    for rule in rules:
        unknown = rule.entity_types - known
        if unknown:
            raise RetentionError(
                f"retention rule {rule.name!r}: unknown entity type(s) {', '.join(sorted(unknown))} "
                f"(known: {', '.join(sorted(known))}; path globs must not be all capitals, e.g. 'HR/**')"
            )


def winning_rule(rules: list[RetentionRule], relative_path: str, entity_types: set[str]) -> RetentionRule | None:
    """The rule that governs a file: the shortest maximum age among those that apply to it
    and count it (a file without findings counts only for `all_files` rules)."""
    best = None
    for rule in rules:
        if not entity_types and not rule.all_files:
            continue
        if rule.applies(relative_path, entity_types) and (best is None or rule.max_age_days < best.max_age_days):
            best = rule
    return best


def age_days(mtime_ns: int, now_ns: int) -> int:
    return max(0, (now_ns - mtime_ns) // DAY_NS)


@dataclass(frozen=True)
class Verdict:
    rule: RetentionRule
    age_days: int

    @property
    def breach(self) -> bool:
        return self.age_days > self.rule.max_age_days


def judge(rules: list[RetentionRule], relative_path: str, entity_types: set[str], mtime_ns: int, now_ns: int) -> Verdict | None:
    """The governing rule and the file's age, or None when no rule applies."""
    rule = winning_rule(rules, relative_path, entity_types)
    return None if rule is None else Verdict(rule, age_days(mtime_ns, now_ns))
