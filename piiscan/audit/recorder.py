"""Write what one file's read found into the state: its row and its findings, together.

The caller holds the transaction; everything one file changes is written before the next
file's writes start, so a commit between files never splits a file — which is what makes
a killed audit resumable: every file is either fully recorded or not at all.

A file's findings are matched against those it had: first by (where, type, keyed hash,
location), then — for a value that only moved, say a line was added above it — by (where,
type, keyed hash) alone. Matching counts, so a value written twice is two findings and
losing one resolves one. A finding read again keeps its first_seen; one no longer there
is resolved; one not there before is new.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict

from piiscan.audit.incremental import Plan
from piiscan.model import ErrorRecord
from piiscan.run.worker import FileResult


def location_json(location: dict) -> str:
    return json.dumps(location, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def member_of(file: str, path: str) -> str | None:
    """What findings store of a record's path: nothing for the file itself, the suffix for
    a container member ("!/2023/klanten.csv"): the file's path is not repeated per finding."""
    if path == file:
        return None
    return path[len(file):] if path.startswith(file + "!/") else path


def replace_findings(conn: sqlite3.Connection, file_id: int, file: str, records: list[dict], run_id: int, now: str, resolve_missing: bool = True) -> tuple[int, int, int]:
    """Make the file's present findings equal `records`; returns (new, resolved, present).
    With resolve_missing=False (the read failed part-way), findings not seen are kept: a
    failed read proves nothing is gone."""
    exact: dict[tuple, list[int]] = defaultdict(list)  # (member, type, hash, location) -> ids
    moved: dict[tuple, list[int]] = defaultdict(list)  # (member, type, hash) -> ids
    previous: list[int] = []
    for row in conn.execute(
        "SELECT id, member, entity_type, hash, location FROM findings WHERE file_id = ? AND resolved_run IS NULL ORDER BY id", (file_id,)
    ):
        previous.append(row[0])
        exact[(row[1], row[2], row[3], row[4])].append(row[0])
        moved[(row[1], row[2], row[3])].append(row[0])
    used: set[int] = set()

    def take(ids: list[int] | None) -> int | None:
        while ids:
            candidate = ids.pop(0)
            if candidate not in used:
                used.add(candidate)
                return candidate
        return None

    # First the findings exactly where they were; then, among the rest, a value that only
    # moved (a line added above it) is the same finding, not one resolved and one new.
    placed: list[tuple[dict, str | None, str, int | None]] = []
    for record in records:
        member = member_of(file, record["path"])
        location = location_json(record.get("location") or {})
        placed.append((record, member, location, take(exact.get((member, record["entity_type"], record["hash"], location)))))
    confirmed: list[tuple] = []
    inserted: list[tuple] = []
    for record, member, location, found in placed:
        if found is None:
            found = take(moved.get((member, record["entity_type"], record["hash"])))
        if found is not None:
            confirmed.append((record["masked"], location, record.get("score"), now, run_id, found))
        else:
            inserted.append((
                file_id, member, record["entity_type"], record["hash"], record["masked"], location,
                record.get("score"), record.get("recognizer"), now, run_id, now, run_id,
            ))
    gone = [i for i in previous if i not in used]
    if confirmed:
        conn.executemany("UPDATE findings SET masked = ?, location = ?, score = ?, last_seen = ?, last_run = ? WHERE id = ?", confirmed)
    if inserted:
        conn.executemany(
            "INSERT INTO findings (file_id, member, entity_type, hash, masked, location, score, recognizer, first_seen, first_run, last_seen, last_run) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            inserted,
        )
    resolved = 0
    if gone and resolve_missing:
        conn.executemany("UPDATE findings SET resolved = ?, resolved_run = ? WHERE id = ?", [(now, run_id, i) for i in gone])
        resolved = len(gone)
    kept = 0 if resolve_missing else len(gone)
    return len(inserted), resolved, len(confirmed) + len(inserted) + kept


_UPSERT = """
INSERT INTO files (path, root, size, mtime_ns, sha256, status, error_kind, error_message, member_errors,
                   findings, fingerprint, first_seen, last_scanned, scanned_run, seen_run, deleted_run)
VALUES (:path, :root, :size, :mtime_ns, :sha256, :status, :error_kind, :error_message, :member_errors,
        :findings, :fingerprint, :now, :last_scanned, :scanned_run, :run, NULL)
ON CONFLICT(path) DO UPDATE SET
    root = excluded.root, size = excluded.size, mtime_ns = excluded.mtime_ns, sha256 = excluded.sha256,
    status = excluded.status, error_kind = excluded.error_kind, error_message = excluded.error_message,
    member_errors = excluded.member_errors, findings = excluded.findings,
    fingerprint = COALESCE(excluded.fingerprint, files.fingerprint),
    first_seen = CASE WHEN files.status = 'deleted' THEN excluded.first_seen ELSE files.first_seen END,
    last_scanned = COALESCE(excluded.last_scanned, files.last_scanned),
    scanned_run = COALESCE(excluded.scanned_run, files.scanned_run),
    seen_run = excluded.seen_run, deleted_run = NULL
"""


def record_read(conn: sqlite3.Connection, plan: Plan, result: FileResult, fingerprint: str, run_id: int, now: str) -> tuple[int, int]:
    """A file that was read: its findings replaced, its row written. Returns (new, resolved)."""
    records = result.records if result.records is not None else []
    if result.records is None and result.findings:
        raise ValueError("the audit needs inventory records (masked, hashed), not raw findings")
    error = result.error
    conn.execute(_UPSERT, {
        "path": plan.path, "root": plan.root, "size": plan.size, "mtime_ns": plan.mtime_ns, "sha256": plan.sha256,
        "status": "error" if error else ("skipped" if result.skipped else "ok"),
        "error_kind": error.kind if error else None, "error_message": error.message if error else None,
        "member_errors": _member_errors(result.member_errors), "findings": 0,
        "fingerprint": fingerprint, "now": now, "last_scanned": now, "scanned_run": run_id, "run": run_id,
    })
    file_id = conn.execute("SELECT id FROM files WHERE path = ?", (plan.path,)).fetchone()[0]
    new, resolved, present = replace_findings(conn, file_id, plan.path, records, run_id, now, resolve_missing=error is None)
    conn.execute("UPDATE files SET findings = ? WHERE id = ?", (present, file_id))
    return new, resolved


def _member_errors(errors: list[ErrorRecord]) -> str | None:
    return json.dumps([[e.path, e.kind, e.message] for e in errors], ensure_ascii=False) if errors else None


def record_touched(conn: sqlite3.Connection, plan: Plan, run_id: int) -> None:
    """Same content under a new stat: remember the stat, keep everything else."""
    conn.execute(
        "UPDATE files SET size = ?, mtime_ns = ?, root = ?, seen_run = ? WHERE path = ?",
        (plan.size, plan.mtime_ns, plan.root, run_id, plan.path),
    )


def record_moved(conn: sqlite3.Connection, plan: Plan, run_id: int) -> None:
    """A known file under a new path: the record (and with it every finding, first_seen and
    open retention breach) follows it."""
    conn.execute(
        "UPDATE files SET path = ?, root = ?, size = ?, mtime_ns = ?, seen_run = ? WHERE path = ?",
        (plan.path, plan.root, plan.size, plan.mtime_ns, run_id, plan.moved_from),
    )
    conn.execute("UPDATE breaches SET path = ? WHERE path = ? AND resolved_run IS NULL", (plan.path, plan.moved_from))


def record_unchanged(conn: sqlite3.Connection, paths: list[tuple[str, str]], run_id: int) -> None:
    """(path, root) pairs found unchanged on disk: only their seen_run moves."""
    conn.executemany("UPDATE files SET seen_run = ?, root = ? WHERE path = ?", [(run_id, root, path) for path, root in paths])


def record_walk_error(conn: sqlite3.Connection, error: ErrorRecord, root: str, size: int | None, mtime_ns: int | None, run_id: int, now: str) -> None:
    """A path the walk could not open (unreadable, too large). Its findings, if it had any,
    stay: not being able to look is not the same as the data being gone."""
    conn.execute(
        """INSERT INTO files (path, root, size, mtime_ns, status, error_kind, error_message, first_seen, seen_run)
           VALUES (?, ?, ?, ?, 'error', ?, ?, ?, ?)
           ON CONFLICT(path) DO UPDATE SET root = excluded.root, size = excluded.size, mtime_ns = excluded.mtime_ns,
               status = 'error', error_kind = excluded.error_kind, error_message = excluded.error_message,
               fingerprint = NULL,  -- read it again once it can be read, whatever its stat
               first_seen = CASE WHEN files.status = 'deleted' THEN excluded.first_seen ELSE files.first_seen END,
               seen_run = excluded.seen_run, deleted_run = NULL""",
        (error.path, root, size, mtime_ns, error.kind, error.message, now, run_id),
    )


def retire(conn: sqlite3.Connection, paths: list[str], run_id: int, now: str) -> int:
    """Files gone from disk: their findings are resolved. Returns the findings resolved."""
    resolved = 0
    for path in paths:
        resolved += conn.execute(
            "UPDATE findings SET resolved = ?, resolved_run = ? WHERE file_id = (SELECT id FROM files WHERE path = ?) AND resolved_run IS NULL",
            (now, run_id, path),
        ).rowcount
        conn.execute("UPDATE files SET status = 'deleted', deleted_run = ?, findings = 0 WHERE path = ?", (run_id, path))
    return resolved
