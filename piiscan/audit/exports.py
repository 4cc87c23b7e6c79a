"""Exports of the audit state for other tools: jsonl, csv, and a GDPR Article 30 sheet.

Only what is present after the run, with masked values and keyed hashes: these files travel
(to a DPO, a ticket, a spreadsheet) and must not become copies of the data they describe.

* jsonl: one object per line, `record` says what it is: one "run" (the run's counts), a
  "file" per file on disk (`read`: whether this run read it), a "finding" per present
  finding, a "breach" per open retention breach, an "error" per file or member in error.
* csv: the present findings, one row each.
* art30: one row per folder — categories of personal data found (as people name them),
  counts per category, files, oldest and newest file — a starting point for the record
  of processing activities (GDPR art. 30), which a person completes with purposes,
  recipients and legal bases.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections import Counter, defaultdict
from datetime import datetime, timezone
from typing import TextIO

from piiscan.audit.labels import entity_label
from piiscan.audit.queries import file_errors, file_types, folder_of, open_breaches, present_files, present_findings

FORMATS = ("jsonl", "csv", "art30")

RUN_FIELDS = (
    "id", "started", "finished", "complete", "files_seen", "files_read", "files_unchanged", "files_touched",
    "files_deleted", "files_total", "files_with_findings", "findings_total", "new_findings", "resolved_findings",
    "id_copies", "errors", "breaches", "new_breaches",
)
CSV_FIELDS = (
    "path", "file", "entity_type", "masked", "hash", "page", "line", "sheet", "cell", "part",
    "score", "recognizer", "first_seen", "last_seen", "new",
)
ART30_FIELDS = (
    "folder", "categories", "counts", "findings", "files_with_personal_data", "id_copies",
    "oldest_file", "newest_file", "retention_breaches",
)


def mtime_iso(mtime_ns: int | None) -> str | None:
    if mtime_ns is None:
        return None
    return datetime.fromtimestamp(mtime_ns / 1e9, timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def write_export(fmt: str, conn: sqlite3.Connection, run_id: int, last_complete: int, out: TextIO) -> None:
    {"jsonl": write_jsonl, "csv": write_csv, "art30": write_art30}[fmt](conn, run_id, last_complete, out)


def _finding(row: sqlite3.Row, last_complete: int) -> dict:
    return {
        "record": "finding", "path": row["path"], "file": row["file"], "entity_type": row["entity_type"],
        "masked": row["masked"], "hash": row["hash"], "location": json.loads(row["location"]),
        "score": row["score"], "recognizer": row["recognizer"], "first_seen": row["first_seen"],
        "last_seen": row["last_seen"], "new": row["first_run"] > last_complete,
    }


def write_jsonl(conn: sqlite3.Connection, run_id: int, last_complete: int, out: TextIO) -> None:
    def emit(record: dict) -> None:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")

    run = conn.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
    emit({"record": "run", **{k: run[k] for k in RUN_FIELDS}, "paths": json.loads(run["paths"]), "since_run": last_complete})
    for row in present_files(conn, run_id):
        emit({
            "record": "file", "path": row["path"], "size": row["size"], "modified": mtime_iso(row["mtime_ns"]),
            "sha256": row["sha256"], "status": row["status"], "findings": row["findings"],
            "read": row["scanned_run"] == run_id, "first_seen": row["first_seen"], "last_scanned": row["last_scanned"],
        })
    for row in present_findings(conn, run_id):
        emit(_finding(row, last_complete))
    types = file_types(conn, run_id)
    for row in open_breaches(conn, run_id):
        emit({
            "record": "breach", "path": row["path"], "rule": row["rule"], "max_age_days": row["max_age_days"],
            "age_days": row["age_days"], "types": types.get(row["path"], []), "findings": row["findings"],
            "first_seen": row["first_seen"], "new": row["first_run"] > last_complete,
        })
    for path, kind, message in file_errors(conn, run_id):
        emit({"record": "error", "path": path, "error": kind, "message": message})


def write_csv(conn: sqlite3.Connection, run_id: int, last_complete: int, out: TextIO) -> None:
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore")
    writer.writeheader()
    for row in present_findings(conn, run_id):
        record = _finding(row, last_complete)
        record.update(record.pop("location"))
        writer.writerow(record)


def write_art30(conn: sqlite3.Connection, run_id: int, last_complete: int, out: TextIO) -> None:
    counts: dict[str, Counter] = defaultdict(Counter)
    for entity_type, file, n in conn.execute(
        """SELECT entity_type, file, COUNT(*) FROM finding_view
           WHERE resolved_run IS NULL AND file_seen_run = ? AND file_status != 'deleted' GROUP BY file, entity_type""",
        (run_id,),
    ):
        counts[folder_of(file)][entity_type] += n
    files: dict[str, list[int]] = defaultdict(list)
    for row in present_files(conn, run_id):
        if row["findings"] and row["mtime_ns"] is not None:
            files[folder_of(row["path"])].append(row["mtime_ns"])
    breaches = Counter(folder_of(row["path"]) for row in open_breaches(conn, run_id))
    writer = csv.writer(out)
    writer.writerow(ART30_FIELDS)
    for folder in sorted(counts):
        by_type = counts[folder]
        ordered = sorted(by_type.items(), key=lambda kv: (-kv[1], entity_label(kv[0])))
        mtimes = files.get(folder, [])
        writer.writerow([
            folder,
            "; ".join(entity_label(t) for t, _ in ordered),
            "; ".join(f"{entity_label(t)}: {n}" for t, n in ordered),
            sum(by_type.values()),
            len(mtimes),
            by_type.get("ID_DOCUMENT", 0),
            (mtime_iso(min(mtimes)) or "")[:10] if mtimes else "",
            (mtime_iso(max(mtimes)) or "")[:10] if mtimes else "",
            breaches.get(folder, 0),
        ])
