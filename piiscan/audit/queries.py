"""Reading the state back: what is present after a run, in the shapes exports, the report
and `find` need. "Present" means: in a file the run found on disk, not resolved."""

from __future__ import annotations

import json
import posixpath
import sqlite3
from typing import Iterator

PRESENT_FILES = "SELECT path FROM files WHERE seen_run = :run AND status != 'deleted'"

# The last time a finding was known to be there: its last read, or the last run that found
# its file unchanged (unchanged files are not written to per finding, to keep runs cheap).
_FINDING_COLUMNS = """f.id, f.file, f.path, f.entity_type, f.hash, f.masked, f.location, f.score, f.recognizer,
    f.first_seen, f.first_run, MAX(f.last_seen, COALESCE(r.started, f.last_seen)) AS last_seen,
    f.mtime_ns, f.root"""


def present_findings(conn: sqlite3.Connection, run_id: int, entity_type: str | None = None, since_run: int | None = None) -> Iterator[sqlite3.Row]:
    sql = f"""SELECT {_FINDING_COLUMNS} FROM finding_view f LEFT JOIN runs r ON r.id = f.file_seen_run
              WHERE f.resolved_run IS NULL AND f.file_seen_run = :run AND f.file_status != 'deleted'"""
    args: dict = {"run": run_id}
    if entity_type is not None:
        sql += " AND f.entity_type = :type"
        args["type"] = entity_type
    if since_run is not None:
        sql += " AND f.first_run > :since"
        args["since"] = since_run
    return conn.execute(sql + " ORDER BY f.file, f.path, f.id", args)


def present_files(conn: sqlite3.Connection, run_id: int) -> Iterator[sqlite3.Row]:
    return conn.execute("SELECT * FROM files WHERE seen_run = ? AND status != 'deleted' ORDER BY path", (run_id,))


def open_breaches(conn: sqlite3.Connection, run_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        f"""SELECT b.*, fl.findings FROM breaches b JOIN files fl ON fl.path = b.path
            WHERE b.resolved_run IS NULL AND b.path IN ({PRESENT_FILES})
            ORDER BY b.age_days DESC, b.path""",
        {"run": run_id},
    ).fetchall()


def file_types(conn: sqlite3.Connection, run_id: int) -> dict[str, list[str]]:
    """Entity types present per top-level file."""
    types: dict[str, list[str]] = {}
    for file, entity_type in conn.execute(
        "SELECT DISTINCT file, entity_type FROM finding_view WHERE resolved_run IS NULL AND file_seen_run = :run "
        "AND file_status != 'deleted' ORDER BY file, entity_type",
        {"run": run_id},
    ):
        types.setdefault(file, []).append(entity_type)
    return types


def file_errors(conn: sqlite3.Connection, run_id: int) -> list[tuple[str, str, str]]:
    """(path, kind, message) of every file and container member in error."""
    errors = []
    for row in present_files(conn, run_id):
        if row["status"] == "error":
            errors.append((row["path"], row["error_kind"] or "error", row["error_message"] or ""))
        if row["member_errors"]:
            errors.extend((p, k, m) for p, k, m in json.loads(row["member_errors"]))
    return errors


def id_kind(recognizer: str | None) -> str:
    """"id_document_copy:BE eID" -> "BE eID" (the ID_DOCUMENT recognizer names the kind)."""
    if recognizer and ":" in recognizer:
        return recognizer.split(":", 1)[1]
    return "ID document"


def shown_value(entity_type: str, masked: str, recognizer: str | None) -> str:
    """What a person sees for a finding: the masked value, or for an ID copy (which has no
    value: it is about a whole page) its kind."""
    if entity_type == "ID_DOCUMENT":
        return f"[{id_kind(recognizer)}]"
    return masked


def folder_of(path: str) -> str:
    return posixpath.dirname(path) or "."


def describe_location(location: dict | str) -> str:
    """{"sheet": "Klanten", "cell": "B7"} -> "sheet Klanten, B7"; {"page": 2, "line": 14}
    -> "page 2, line 14"."""
    if isinstance(location, str):
        location = json.loads(location) if location else {}
    parts = []
    if "sheet" in location:
        parts.append(f"sheet {location['sheet']}" + (f", {location['cell']}" if "cell" in location else ""))
    elif "cell" in location:
        parts.append(f"cell {location['cell']}")
    if "page" in location:
        parts.append(f"page {location['page']}")
    if "line" in location and "cell" not in location:  # a cell says more than its row's line
        parts.append(f"line {location['line']}")
    if location.get("part") not in (None, "body"):
        parts.append(str(location["part"]))
    return ", ".join(parts) or "-"
