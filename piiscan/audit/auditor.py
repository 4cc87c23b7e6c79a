"""One audit run: walk the roots, read what changed, record it, retire what is gone, judge
retention, close the run.

Resuming is not a special mode. Each file's outcome is committed with its findings in one
transaction; the run row is marked complete only at the end. A run killed half-way leaves
the files it read recorded with their new stat, so the next run finds them unchanged and
reads only the rest; and "new" is always counted since the last *complete* run, so nothing
the killed run found is missing from the next report.
"""

from __future__ import annotations

import itertools
import json
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from piiscan.audit import recorder
from piiscan.audit.breaches import judge_present_files, update_breaches
from piiscan.audit.incremental import Decision, Plan, Planner, load_known
from piiscan.audit.queries import PRESENT_FILES
from piiscan.audit.retention import RetentionRule
from piiscan.audit.state import State, now_iso
from piiscan.config import Settings
from piiscan.detect.engine import Detector
from piiscan.model import Blob, ErrorRecord, Skip
from piiscan.run.progress import Progress
from piiscan.run.runner import files, run

# Files found unchanged only move their seen_run: written in batches of this many.
_UNCHANGED_BATCH = 2000


@dataclass
class AuditOutcome:
    run_id: int
    last_complete: int  # the run "new" is counted from (0: the first audit)
    files_seen: int = 0  # files found on disk, walk errors included
    files_read: list[str] = field(default_factory=list)
    files_unchanged: int = 0
    files_touched: int = 0
    files_moved: int = 0  # known files found under a new path (not read)
    files_deleted: int = 0
    files_skipped: int = 0  # unsupported formats, read or not
    files_total: int = 0
    files_with_findings: int = 0
    findings_total: int = 0
    new_by_type: Counter = field(default_factory=Counter)
    resolved_findings: int = 0
    id_copies: int = 0
    errors: int = 0
    breaches: int = 0
    new_breaches: int = 0
    files_ok: int = 0  # present files that are not in error
    roots_empty: list[str] = field(default_factory=list)  # known files, none found: not retired
    seconds: float = 0.0

    @property
    def new_findings(self) -> int:
        return sum(self.new_by_type.values())


def start_run(state: State, roots: list[str]) -> int:
    with state.transaction() as conn:
        return conn.execute("INSERT INTO runs (started, paths) VALUES (?, ?)", (now_iso(), json.dumps(roots))).lastrowid


def run_audit(
    state: State,
    roots: list[str],
    settings: Settings,
    detector: Detector | Callable[[], Detector],
    key: bytes,
    fingerprint: str,
    rules: list[RetentionRule],
    progress: bool = False,
    ignore_paths: Iterable[str] = (),
    on_walk: Callable[[Skip | ErrorRecord], None] | None = None,
) -> AuditOutcome:
    """Audit `roots` (absolute paths) into `state`. `detector` may be a function that
    builds one: it is then built only if some file needs reading. `ignore_paths`: files
    never audited (the database itself, the report being written)."""
    started = time.monotonic()
    run_id = start_run(state, roots)
    outcome = AuditOutcome(run_id=run_id, last_complete=state.last_complete_run(before=run_id))
    planner = Planner(load_known(state.conn), fingerprint)
    known = planner.known
    conn = state.conn
    ignored = set(ignore_paths)
    seen: set[str] = set()
    walk_error_paths: list[str] = []
    pending: dict[str, Plan] = {}
    unchanged: list[tuple[str, str]] = []

    def flush_unchanged() -> None:
        if unchanged:
            with state.transaction():
                recorder.record_unchanged(conn, unchanged, run_id)
            unchanged.clear()

    found_under: Counter = Counter()

    def to_read() -> Iterator[Blob]:
        # Sorted, a folder comes before the folders inside it: with overlapping roots a file
        # belongs to the outermost, whose relative paths the retention globs are written for.
        for root in sorted(roots):
            def report(item: Skip | ErrorRecord, root: str = root) -> None:
                if on_walk is not None:
                    on_walk(item)
                if isinstance(item, ErrorRecord) and item.path not in ignored:
                    found_under[root] += 1
                    walk_error_paths.append(item.path)
                    seen.add(item.path)
                    size, mtime_ns = _stat(item.path)
                    with state.transaction():
                        recorder.record_walk_error(conn, item, root, size, mtime_ns, run_id, now_iso())

            for blob in files([root], settings, report):
                if blob.path in ignored:
                    continue  # the database, the report, the export
                found_under[root] += 1
                if blob.path in seen:
                    continue  # overlapping roots: audited once
                seen.add(blob.path)
                plan = planner.plan(blob, root)
                if plan.decision is Decision.UNCHANGED:
                    outcome.files_unchanged += 1
                    unchanged.append((plan.path, root))
                    if len(unchanged) >= _UNCHANGED_BATCH:
                        flush_unchanged()
                elif plan.decision is Decision.TOUCHED:
                    outcome.files_touched += 1
                    with state.transaction():
                        recorder.record_touched(conn, plan, run_id)
                elif plan.decision is Decision.MOVED:
                    outcome.files_moved += 1
                    with state.transaction():
                        recorder.record_moved(conn, plan, run_id)
                    known.pop(plan.moved_from, None)  # moved, not deleted
                else:
                    pending[plan.path] = plan
                    yield blob

    try:
        blobs: Iterator[Blob] = to_read()
        total = 0
        if progress:
            listed = list(blobs)  # the bar needs a total
            total, blobs = len(listed), iter(listed)
        first = next(blobs, None)
        if first is not None:  # when nothing changed: no detector to build, no processes to start
            if not isinstance(detector, Detector):
                detector = detector()
            with Progress(enabled=progress, total_files=total) as bar:
                for result in run(itertools.chain([first], blobs), settings, detector, key=key):
                    bar.advance(result)
                    plan = pending.pop(result.path)
                    # One transaction per file read (cheap in WAL mode): a kill loses at most
                    # the files being read, which the next run reads again.
                    with state.transaction():
                        recorder.record_read(conn, plan, result, fingerprint, run_id, now_iso())
                    outcome.files_read.append(plan.path)
        flush_unchanged()

        # A root that yields nothing while the state knows files under it is most likely a
        # share that is not mounted: retiring everything would report it all as new later.
        outcome.roots_empty = [
            r for r in roots if not found_under[r] and any(k.status != "deleted" and _under(p, r) for p, k in known.items())
        ]
        present_roots = [r for r in roots if r not in outcome.roots_empty]
        gone = _gone(known, seen, present_roots, walk_error_paths)
        if gone:
            with state.transaction():
                recorder.retire(conn, gone, run_id, now_iso())
        outcome.files_deleted = len(gone)

        with state.transaction():
            update_breaches(conn, run_id, judge_present_files(conn, run_id, rules), now_iso())
        outcome.seconds = time.monotonic() - started
        with state.transaction():
            _count(conn, outcome)
            _finish(conn, outcome)
    except BaseException:
        state.rollback()
        raise
    return outcome


def _stat(path: str) -> tuple[int | None, int | None]:
    try:
        st = os.stat(path)
    except OSError:
        return None, None
    return st.st_size, st.st_mtime_ns


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def _gone(known: dict, seen: set[str], roots: list[str], walk_errors: list[str]) -> list[str]:
    """Files the state knows under these roots that the walk no longer found — except
    under a folder the walk could not read: unreadable is not deleted."""
    return sorted(
        path for path, k in known.items()
        if k.status != "deleted" and path not in seen
        and any(_under(path, r) for r in roots)
        and not any(_under(path, e) for e in walk_errors)
    )


def _count(conn, outcome: AuditOutcome) -> None:
    run_id, last = outcome.run_id, outcome.last_complete
    present = PRESENT_FILES
    args = {"run": run_id, "last": last}
    row = conn.execute(
        """SELECT COUNT(*), SUM(findings > 0), SUM(status != 'error'), SUM(status = 'skipped'),
                   SUM(status = 'error') FROM files WHERE seen_run = :run AND status != 'deleted'""",
        args,
    ).fetchone()
    outcome.files_total, outcome.files_with_findings, outcome.files_ok = row[0], row[1] or 0, row[2] or 0
    outcome.files_skipped, file_errors = row[3] or 0, row[4] or 0
    outcome.files_seen = row[0]
    member_errors = sum(
        len(json.loads(r[0])) for r in conn.execute(
            "SELECT member_errors FROM files WHERE seen_run = :run AND status != 'deleted' AND member_errors IS NOT NULL", args
        )
    )
    outcome.errors = file_errors + member_errors
    active = "FROM finding_view WHERE resolved_run IS NULL AND file_seen_run = :run AND file_status != 'deleted'"
    outcome.findings_total = conn.execute(f"SELECT COUNT(*) {active}", args).fetchone()[0]
    outcome.id_copies = conn.execute(f"SELECT COUNT(*) {active} AND entity_type = 'ID_DOCUMENT'", args).fetchone()[0]
    outcome.new_by_type = Counter(dict(conn.execute(f"SELECT entity_type, COUNT(*) {active} AND first_run > :last GROUP BY entity_type", args).fetchall()))
    outcome.resolved_findings = conn.execute(
        "SELECT COUNT(*) FROM findings WHERE resolved_run > :last AND first_run <= :last", args
    ).fetchone()[0]
    open_breaches = f"FROM breaches WHERE resolved_run IS NULL AND path IN ({present})"
    outcome.breaches = conn.execute(f"SELECT COUNT(*) {open_breaches}", args).fetchone()[0]
    outcome.new_breaches = conn.execute(f"SELECT COUNT(*) {open_breaches} AND first_run > :last", args).fetchone()[0]


def _finish(conn, o: AuditOutcome) -> None:
    conn.execute(
        """UPDATE runs SET finished = ?, complete = 1, files_seen = ?, files_read = ?, files_unchanged = ?,
               files_touched = ?, files_deleted = ?, files_total = ?, files_with_findings = ?, findings_total = ?,
               new_findings = ?, resolved_findings = ?, id_copies = ?, errors = ?, breaches = ?, new_breaches = ?
           WHERE id = ?""",
        (now_iso(), o.files_seen, len(o.files_read), o.files_unchanged, o.files_touched, o.files_deleted, o.files_total,
         o.files_with_findings, o.findings_total, o.new_findings, o.resolved_findings, o.id_copies, o.errors,
         o.breaches, o.new_breaches, o.run_id),
    )
