"""Subject search: every file (and container member) holding one person's identifiers.

The state keeps keyed hashes, not values, so a search hashes what the privacy officer
typed the way the detector hashed what it found: first the value is brought to the same
canonical form by the same validator (`be68 5390 0754 7034` -> `BE68539007547034`,
`0470/12.34.56` -> `+32470123456`, e-mail addresses in lower case), then keyed_hash with
the same key. No file is opened unless `--rescan` asks to check them again.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from piiscan.audit.queries import describe_location, shown_value
from piiscan.detect.rules import load_rules
from piiscan.detect.validators import get_validator
from piiscan.privacy import keyed_hash, mask

# Recognizers whose canonical form is the text itself, whitespace folded, lower case
# (piiscan/detect/names.py, addresses.py).
_FOLDED = {"PERSON", "POSTAL_ADDRESS"}


class SubjectError(ValueError):
    pass


@dataclass(frozen=True)
class Identifier:
    entity_type: str
    hashes: tuple[str, ...]  # one per written form searched (a name in both word orders)
    shown: str  # masked, for messages


@dataclass
class Match:
    path: str  # the file or container member holding it
    file: str  # the file on disk
    entity_type: str
    hash: str
    masked: str
    locations: list[str] = field(default_factory=list)
    first_seen: str = ""
    last_seen: str = ""
    still_there: str | None = None  # after --rescan: "yes", "no", "file missing", "unreadable"

    @property
    def count(self) -> int:
        return len(self.locations)

    def as_record(self) -> dict:
        record = {
            "record": "match", "path": self.path, "file": self.file, "entity_type": self.entity_type,
            "masked": self.masked, "hash": self.hash, "count": self.count, "locations": self.locations,
            "first_seen": self.first_seen, "last_seen": self.last_seen,
        }
        if self.still_there is not None:
            record["still_there"] = self.still_there
        return record


@lru_cache(maxsize=None)
def _validator_names(extra_rules: tuple[Path, ...] = ()) -> dict[str, str | None]:
    names: dict[str, str | None] = {}
    for rule in load_rules(extra_dirs=extra_rules):
        if rule.kind == "pattern" and names.get(rule.entity) is None:
            names[rule.entity] = rule.validator
        names.setdefault(rule.entity, None)
    return names


def known_entity_types() -> set[str]:
    return set(_validator_names())


def canonical(entity_type: str, value: str) -> str:
    """The form the detector hashes for this type of value; SubjectError if the value is
    not a valid one (a mistyped IBAN would otherwise silently find nothing)."""
    names = _validator_names()
    if entity_type not in names:
        raise SubjectError(f"unknown entity type {entity_type!r} (known: {', '.join(sorted(names))})")
    value = value.strip()
    if not value:
        raise SubjectError(f"{entity_type}: empty value")
    if entity_type in _FOLDED:
        return " ".join(value.split()).lower()
    validator = names[entity_type]
    if validator is None:
        return value
    result = get_validator(validator)(value)
    if result is None:
        raise SubjectError(f"{entity_type}: {mask(entity_type, value)} is not a valid value of this type (check digits, format)")
    return result


def _written_forms(entity_type: str, form: str) -> list[str]:
    """A name is found as written: "Sophie Peeters" in a letter, "Peeters Sophie" in an
    export. Search every rotation of its words."""
    if entity_type != "PERSON":
        return [form]
    words = form.split()
    return [" ".join(words[i:] + words[:i]) for i in range(len(words))]


def identifier(key: bytes, entity_type: str, value: str) -> Identifier:
    form = canonical(entity_type, value)
    hashes = tuple(dict.fromkeys(keyed_hash(key, entity_type, f) for f in _written_forms(entity_type, form)))
    return Identifier(entity_type, hashes, mask(entity_type, value.strip()))


def search(conn: sqlite3.Connection, identifiers: list[Identifier]) -> list[Match]:
    """Present findings with any of the identifiers, grouped by where they are."""
    wanted = {(i.entity_type, h) for i in identifiers for h in i.hashes}
    if not wanted:
        return []
    hashes = sorted({h for _, h in wanted})
    marks = ",".join("?" * len(hashes))
    rows = conn.execute(
        f"""SELECT f.file, f.path, f.entity_type, f.hash, f.masked, f.recognizer, f.location, f.first_seen,
                   MAX(f.last_seen, COALESCE(r.started, f.last_seen)) AS last_seen
            FROM finding_view f LEFT JOIN runs r ON r.id = f.file_seen_run
            WHERE f.resolved_run IS NULL AND f.file_status != 'deleted' AND f.hash IN ({marks})
            ORDER BY f.file, f.path, f.id""",
        hashes,
    )
    matches: dict[tuple, Match] = {}
    for row in rows:
        if (row["entity_type"], row["hash"]) not in wanted:
            continue
        key = (row["path"], row["entity_type"], row["hash"])
        match = matches.get(key)
        if match is None:
            match = matches[key] = Match(
                path=row["path"], file=row["file"], entity_type=row["entity_type"], hash=row["hash"],
                masked=shown_value(row["entity_type"], row["masked"], row["recognizer"]),
                first_seen=row["first_seen"], last_seen=row["last_seen"],
            )
        match.locations.append(describe_location(row["location"]))
        match.first_seen = min(match.first_seen, row["first_seen"])
        match.last_seen = max(match.last_seen, row["last_seen"])
    return list(matches.values())


def rescan(matches: list[Match], key: bytes, entity_types: set[str]) -> None:
    """Read the matched files again and set each match's still_there."""
    from piiscan.detect.engine import Detector
    from piiscan.run.worker import scan_to_records
    from piiscan.sources.blob import file_blob

    detector = Detector(entities=frozenset(entity_types))
    found_by_file: dict[str, set[tuple[str, str]] | str] = {}
    for file in dict.fromkeys(m.file for m in matches):
        if not os.path.isfile(file):
            found_by_file[file] = "file missing"
            continue
        try:
            result = scan_to_records(file_blob(Path(file), file), detector, key, include_values=False)
        except OSError:
            found_by_file[file] = "unreadable"
            continue
        found_by_file[file] = {(r["path"], r["hash"]) for r in result.records or []}
    for match in matches:
        found = found_by_file[match.file]
        match.still_there = found if isinstance(found, str) else ("yes" if (match.path, match.hash) in found else "no")


def render_table(matches: list[Match]) -> str:
    lines = []
    current = None
    for m in matches:
        if m.path != current:
            current = m.path
            lines.append(m.path)
        where = ", ".join(m.locations[:5]) + (f" (+{m.count - 5})" if m.count > 5 else "")
        still = f"  [{'still there' if m.still_there == 'yes' else 'gone' if m.still_there == 'no' else m.still_there}]" if m.still_there else ""
        lines.append(f"  {m.entity_type:<20} {m.masked:<26} {where}{still}")
    return "\n".join(lines)


def render_jsonl(matches: list[Match]) -> str:
    return "".join(json.dumps(m.as_record(), ensure_ascii=False) + "\n" for m in matches)
