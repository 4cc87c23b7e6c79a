"""Retention breaches in the state: judged again at the end of every run, since files age
even when nobody touches them.

A breach is keyed by (file, rule). It is new in the run that first lists it, stays open
while the file is still too old for that rule, and is resolved once the file is gone,
changed, or governed by another rule.
"""

from __future__ import annotations

import posixpath
import sqlite3
import time
from collections import defaultdict
from dataclasses import dataclass

from piiscan.audit.retention import RetentionRule, judge


@dataclass(frozen=True)
class CurrentBreach:
    path: str
    rule: str
    max_age_days: int
    age_days: int


def relative_to_root(path: str, root: str) -> str:
    """The path retention globs are matched against: relative to the audited folder (a
    single audited file: its name)."""
    if path == root:
        return posixpath.basename(path)
    prefix = root.rstrip("/") + "/"
    return path[len(prefix):] if path.startswith(prefix) else posixpath.basename(path)


def judge_present_files(conn: sqlite3.Connection, run_id: int, rules: list[RetentionRule], now_ns: int | None = None) -> list[CurrentBreach]:
    """The breaches among the files found on disk in this run."""
    if not rules:
        return []
    now_ns = time.time_ns() if now_ns is None else now_ns
    types: dict[str, set[str]] = defaultdict(set)
    for file, entity_type in conn.execute(
        """SELECT DISTINCT file, entity_type FROM finding_view
           WHERE resolved_run IS NULL AND file_seen_run = ? AND file_status != 'deleted'""",
        (run_id,),
    ):
        types[file].add(entity_type)
    breaches = []
    for path, root, mtime_ns in conn.execute(
        "SELECT path, root, mtime_ns FROM files WHERE seen_run = ? AND status != 'deleted' AND mtime_ns IS NOT NULL", (run_id,)
    ):
        verdict = judge(rules, relative_to_root(path, root), types.get(path, set()), mtime_ns, now_ns)
        if verdict is not None and verdict.breach:
            breaches.append(CurrentBreach(path, verdict.rule.name, verdict.rule.max_age_days, verdict.age_days))
    return breaches


def update_breaches(conn: sqlite3.Connection, run_id: int, current: list[CurrentBreach], now: str) -> None:
    """Open new breaches, refresh continuing ones, resolve those no longer current — only
    for files this run looked at (found on disk or found deleted): breaches of files under
    other roots sharing the database are left as they are."""
    open_rows = {(r[1], r[2]): r[0] for r in conn.execute("SELECT id, path, rule FROM breaches WHERE resolved_run IS NULL")}
    for breach in current:
        existing = open_rows.pop((breach.path, breach.rule), None)
        if existing is None:
            conn.execute(
                "INSERT INTO breaches (path, rule, max_age_days, age_days, first_seen, first_run, last_run) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (breach.path, breach.rule, breach.max_age_days, breach.age_days, now, run_id, run_id),
            )
        else:
            conn.execute(
                "UPDATE breaches SET max_age_days = ?, age_days = ?, last_run = ? WHERE id = ?",
                (breach.max_age_days, breach.age_days, run_id, existing),
            )
    for (path, _rule), breach_id in open_rows.items():
        row = conn.execute("SELECT seen_run, status FROM files WHERE path = ?", (path,)).fetchone()
        if row is None or row[0] == run_id or row[1] == "deleted":
            conn.execute("UPDATE breaches SET resolved = ?, resolved_run = ? WHERE id = ?", (now, run_id, breach_id))
