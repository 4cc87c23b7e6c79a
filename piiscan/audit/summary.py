"""The few lines an audit prints on stderr, and the exit code cron and monitoring act on."""

from __future__ import annotations

from piiscan.audit.auditor import AuditOutcome

EXIT_NOTHING_NEW, EXIT_NEW, EXIT_ERROR = 0, 1, 2


def exit_code(outcome: AuditOutcome) -> int:
    """0 nothing new, 1 new findings or new retention breaches since the last complete
    run, 2 nothing could be audited (no files, or every file failed)."""
    if outcome.files_total == 0 or outcome.files_ok == 0:
        return EXIT_ERROR
    return EXIT_NEW if outcome.new_findings or outcome.new_breaches else EXIT_NOTHING_NEW


def render(o: AuditOutcome) -> str:
    since = f"since run {o.last_complete}" if o.last_complete else "first audit"
    lines = [
        f"piiscan audit: run {o.run_id}, {o.files_total} files ({len(o.files_read)} read, "
        f"{o.files_unchanged + o.files_touched} unchanged, " + (f"{o.files_moved} moved, " if o.files_moved else "")
        + f"{o.files_deleted} deleted) in {o.seconds:.1f} s",
        f"  new ({since}): {o.new_findings} findings"
        + (" (" + ", ".join(f"{t} {n}" for t, n in o.new_by_type.most_common()) + ")" if o.new_by_type else "")
        + f"; {o.resolved_findings} resolved",
        f"  now: {o.findings_total} findings in {o.files_with_findings} files, {o.id_copies} ID copies; "
        f"retention: {o.breaches} breaches ({o.new_breaches} new); {o.errors} errors",
    ]
    for root in o.roots_empty:
        lines.append(f"  warning: no files under {root} (not mounted?); its files were kept, not retired")
    return "\n".join(lines)
