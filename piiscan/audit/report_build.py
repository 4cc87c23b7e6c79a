"""Fill the report's ReportData from the state after a run; the renderer
(piiscan.audit.report_html) turns it into HTML. Masked values only, by construction: the
state holds nothing else."""

from __future__ import annotations

import json
import sqlite3
import time
from collections import Counter, defaultdict

from piiscan.audit.config import ReportOptions
from piiscan.audit.queries import (
    describe_location, file_errors, file_types, folder_of, id_kind, open_breaches, present_findings, shown_value,
)
from piiscan.audit.report_data import Breach, FolderCount, IdCopy, NewFinding, ReportData, RunSummary
from piiscan.audit.retention import age_days
from piiscan.audit.state import now_iso

HISTORY_RUNS = 60  # the trend chart shows this many complete runs at most


def run_summary(row: sqlite3.Row) -> RunSummary:
    return RunSummary(
        run_id=row["id"], started=row["started"], finished=row["finished"],
        files_scanned=row["files_read"] or 0, files_total=row["files_total"] or 0,
        files_with_findings=row["files_with_findings"] or 0, findings_total=row["findings_total"] or 0,
        new_findings=row["new_findings"] or 0, resolved_findings=row["resolved_findings"] or 0,
        id_copies=row["id_copies"] or 0, breaches=row["breaches"] or 0, errors=row["errors"] or 0,
    )


def build_report_data(conn: sqlite3.Connection, run_id: int, options: ReportOptions = ReportOptions(), now_ns: int | None = None) -> ReportData:
    now_ns = time.time_ns() if now_ns is None else now_ns
    run = conn.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
    if run is None:
        raise ValueError(f"no run {run_id} in the audit database")
    latest = conn.execute("SELECT MAX(id) FROM runs").fetchone()[0]
    if run_id != latest:
        # The state holds the present; what was present at an older run is not kept.
        raise ValueError(f"a report can only be built for the latest run ({latest}), not run {run_id}")
    last_complete = conn.execute("SELECT MAX(id) FROM runs WHERE complete = 1 AND id < ?", (run_id,)).fetchone()[0] or 0
    history_rows = conn.execute(
        "SELECT * FROM runs WHERE complete = 1 AND id <= ? ORDER BY id DESC LIMIT ?", (run_id, HISTORY_RUNS)
    ).fetchall()
    history = [run_summary(r) for r in reversed(history_rows)]
    if not history or history[-1].run_id != run_id:
        history.append(run_summary(run))

    by_type: Counter = Counter()
    folders: dict[str, Counter] = defaultdict(Counter)
    folder_files: dict[str, set[str]] = defaultdict(set)
    id_copies: list[IdCopy] = []
    new_findings: list[NewFinding] = []
    for row in present_findings(conn, run_id):
        entity_type = row["entity_type"]
        by_type[entity_type] += 1
        folder = folder_of(row["file"])
        folders[folder][entity_type] += 1
        folder_files[folder].add(row["file"])
        if entity_type == "ID_DOCUMENT":
            id_copies.append(IdCopy(
                path=row["path"], kind=id_kind(row["recognizer"]), first_seen=row["first_seen"],
                age_days=age_days(row["mtime_ns"], now_ns) if row["mtime_ns"] is not None else 0,
            ))
        if row["first_run"] > last_complete and len(new_findings) < options.max_new:
            new_findings.append(NewFinding(
                path=row["path"], entity_type=entity_type,
                masked=shown_value(entity_type, row["masked"], row["recognizer"]),
                location=describe_location(row["location"]), first_seen=row["first_seen"],
            ))

    top = sorted(folders.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))[: options.top_folders]
    types = file_types(conn, run_id)
    breaches = [
        Breach(
            path=row["path"], rule=row["rule"], max_age_days=row["max_age_days"], age_days=row["age_days"],
            types=types.get(row["path"], []), findings=row["findings"] or 0, new=row["first_run"] > last_complete,
        )
        for row in open_breaches(conn, run_id)
    ]
    return ReportData(
        title=options.title,
        generated=now_iso(),
        paths=json.loads(run["paths"]),
        current=run_summary(run),
        history=history,
        by_type=dict(by_type.most_common()),
        top_folders=[FolderCount(folder, sum(c.values()), len(folder_files[folder]), dict(c.most_common())) for folder, c in top],
        id_copies=sorted(id_copies, key=lambda c: (-c.age_days, c.path)),
        breaches=breaches,
        new_findings=new_findings,
        errors=[(path, kind) for path, kind, _ in file_errors(conn, run_id)],
    )


def write_html_report(data: ReportData, path: str) -> None:
    # Imported here: the renderer (and its template engine) is only needed with --report.
    from piiscan.audit.report_html import write_report

    write_report(data, path)
