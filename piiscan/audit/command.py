"""`piiscan audit` and `piiscan find`: options in, audit or search out. The work is in the
modules beside this one (auditor, exports, report_build, subject)."""

from __future__ import annotations

import os
import sys
from functools import partial
from pathlib import Path

import click

from piiscan.audit.auditor import run_audit
from piiscan.audit.config import AuditConfig, ConfigError, load_config
from piiscan.audit.exports import FORMATS, write_export
from piiscan.audit.incremental import scan_fingerprint
from piiscan.audit.queries import file_errors
from piiscan.audit.retention import RetentionRule, check_entity_types, combine, default_rules_file, load_rules_file
from piiscan.audit.state import State, StateError
from piiscan.audit.summary import EXIT_ERROR, exit_code, render
from piiscan.config import DEFAULT_MAX_FILE_SIZE, Settings
from piiscan.detect.rules import load_rules
from piiscan.privacy import load_or_create_key
from piiscan.report.output import open_output
from piiscan.run.pool import default_workers
from piiscan.run.runner import build_detector

DEFAULT_TIMEOUT = 300.0


def _fail(message: str) -> None:
    click.echo(f"piiscan: {message}", err=True)
    sys.exit(EXIT_ERROR)


def _settings(config: AuditConfig, workers: int | None, timeout: float | None) -> Settings:
    def first(*values):
        return next((v for v in values if v is not None), None)

    return Settings(
        entities=config.entities,
        min_score=first(config.min_score, 0.5),
        max_file_size=first(config.max_file_size, DEFAULT_MAX_FILE_SIZE),
        excludes=config.excludes,
        extra_rules=config.extra_rules,
        follow_symlinks=bool(config.follow_symlinks),
        workers=first(workers, config.workers, default_workers()),
        timeout=first(timeout, config.timeout, DEFAULT_TIMEOUT),
    )


def _retention_rules(config: AuditConfig, known_types: set[str]) -> list[RetentionRule]:
    defaults = load_rules_file(default_rules_file()) if config.retention_defaults else []
    rules = combine(defaults, list(config.retention))
    check_entity_types(rules, known_types)
    return rules


def _detector(settings: Settings):
    """Built only when some file must be read (an unchanged share needs none)."""
    try:
        return build_detector(settings)
    except (ValueError, KeyError) as exc:  # a broken extra rule
        raise click.UsageError(str(exc)) from None


def _export_format(fmt: str | None, output: str | None) -> str | None:
    if fmt or not output:
        return fmt
    suffix = Path(output).suffix.lower().lstrip(".")
    if suffix in ("jsonl", "csv"):
        return suffix
    raise click.UsageError("-o needs --format jsonl|csv|art30 (or an .jsonl/.csv file name)")


def _own_files(db: str, *outputs: str | None) -> set[str]:
    """Files the audit writes itself: never audited (they change on every run)."""
    base = os.path.abspath(db)
    own = {base, f"{base}-wal", f"{base}-shm", f"{base}-journal", f"{base}.lock"}
    own.update(os.path.abspath(o) for o in outputs if o and o != "-")
    return own


def _write_report(state: State, run_id: int, config: AuditConfig, path: str) -> None:
    from piiscan.audit.report_build import build_report_data, write_html_report

    data = build_report_data(state.conn, run_id, config.report)
    # Private from the first byte, whatever the renderer does with the file afterwards.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.fchmod(fd, 0o600)
    os.close(fd)
    write_html_report(data, path)
    os.chmod(path, 0o600)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--db", required=True, type=click.Path(dir_okay=False), help="The audit's state database (SQLite; created 0600).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False), help="piiscan.toml: paths, excludes, entities, retention rules, report options.")
@click.option("--report", type=click.Path(dir_okay=False), help="Write a self-contained HTML report here (created 0600).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Export the state after the run: jsonl, csv, or art30 (GDPR Article 30 CSV per folder).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the export here (created 0600) instead of stdout.")
@click.option("--workers", type=click.IntRange(1, 256), default=None, help="Files read in parallel (default: [scan] workers, else one per CPU core).")
@click.option("--timeout", type=click.FloatRange(0, min_open=True), default=None, help=f"Seconds one file may take (default {DEFAULT_TIMEOUT:g}).")
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: when stderr is a terminal).")
def audit(paths, db, config_path, report, fmt, output, workers, timeout, progress):
    """Audit files and folders incrementally: what is new since the last run, what is
    resolved, which files break the retention policy.

    Only files whose size or modification time changed are read again. Exit code: 0
    nothing new, 1 new findings or new retention breaches, 2 error or nothing audited.
    """
    try:
        config = load_config(config_path)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    roots = list(paths) or list(config.paths)
    if not roots:
        raise click.UsageError("nothing to audit: give PATHs, or [scan] paths in --config")
    roots = list(dict.fromkeys(os.path.abspath(p) for p in roots))
    fmt = _export_format(fmt, output)
    settings = _settings(config, workers, timeout)
    try:
        known_types = {r.entity for r in load_rules(extra_dirs=settings.extra_rules)}
        unknown = (settings.entities or set()) - known_types
        if unknown:
            raise ValueError(f"[scan] entities: unknown entity type(s): {', '.join(sorted(unknown))}")
        rules = _retention_rules(config, known_types)
    except (ValueError, KeyError) as exc:  # unknown entity types, bad rules, RetentionError
        raise click.UsageError(str(exc)) from None
    key = load_or_create_key()
    show_progress = sys.stderr.isatty() if progress is None else progress

    try:
        state = State(db)
    except StateError as exc:
        _fail(str(exc))
    with state:
        try:
            state.lock()
            state.check_key(key)
        except StateError as exc:
            _fail(str(exc))
        outcome = run_audit(
            state, roots, settings, partial(_detector, settings), key, scan_fingerprint(settings), rules,
            progress=show_progress, ignore_paths=_own_files(db, report, output),
        )
        if fmt:
            with open_output(output) as out:
                write_export(fmt, state.conn, outcome.run_id, outcome.last_complete, out)
        report_failed = None
        if report:
            try:
                _write_report(state, outcome.run_id, config, report)
            except ImportError as exc:
                report_failed = f"the HTML report renderer is not available ({exc})"
            except OSError as exc:
                report_failed = f"could not write the report {report}: {exc.strerror or exc}"
        code = exit_code(outcome)
        errors = file_errors(state.conn, outcome.run_id) if code == EXIT_ERROR else []

    click.echo(render(outcome), err=True)
    if rules and all(r.example for r in rules):
        click.echo(f"  (retention: the example rules of {default_rules_file().name}; confirm them with your DPO, see --config)", err=True)
    if code == EXIT_ERROR:
        click.echo("piiscan: nothing could be audited" + (":" if errors else " (no files found)"), err=True)
        for path, kind, message in errors[:5]:
            click.echo(f"  {path}: {kind} ({message})", err=True)
    if report_failed:
        _fail(report_failed)
    sys.exit(code)


_FIND_OPTIONS = {
    "email": "EMAIL_ADDRESS",
    "iban": "IBAN_CODE",
    "national_number": "BE_NATIONAL_NUMBER",
    "bsn": "NL_BSN",
    "phone": "PHONE_NUMBER",
    "name": "PERSON",
}


@click.command()
@click.option("--db", required=True, type=click.Path(dir_okay=False), help="The audit database to search.")
@click.option("--email", multiple=True, help="An e-mail address (repeatable, like every identifier option).")
@click.option("--iban", multiple=True, help="An IBAN, spaced or not.")
@click.option("--national-number", multiple=True, help="A Belgian national register (or BIS) number.")
@click.option("--bsn", multiple=True, help="A Dutch BSN.")
@click.option("--phone", multiple=True, help="A phone number, in any usual notation.")
@click.option("--name", multiple=True, help="A person's name as written (\"Sophie Peeters\"; other word orders are searched too).")
@click.option("--value", "values", multiple=True, metavar="TYPE=VALUE", help="Any entity type: --value VAT_NUMBER=BE0123456749.")
@click.option("--rescan", is_flag=True, help="Read the files found again and say whether each still holds the value.")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the list here (created 0600) instead of stdout.")
def find(db, email, iban, national_number, bsn, phone, name, values, rescan, fmt, output):
    """Every file and container member holding any of a person's identifiers, from the
    audit database (by keyed hash, nothing is re-read unless --rescan), for access and
    erasure requests.

    Exit code: 0 nothing found, 1 found, 2 error.
    """
    from piiscan.audit import subject

    typed = {"email": email, "iban": iban, "national_number": national_number, "bsn": bsn, "phone": phone, "name": name}
    given = [(_FIND_OPTIONS[option], v) for option, vs in typed.items() for v in vs]
    for item in values:
        entity, sep, value = item.partition("=")
        if not sep:
            raise click.UsageError(f"--value needs TYPE=VALUE, not {item!r}")
        given.append((entity.strip().upper(), value))
    if not given:
        raise click.UsageError("give at least one identifier: --email, --iban, --national-number, --bsn, --phone, --name or --value")
    key = load_or_create_key()
    try:
        identifiers = [subject.identifier(key, entity, value) for entity, value in given]
    except subject.SubjectError as exc:
        raise click.UsageError(str(exc)) from None
    try:
        with State(db, create=False) as state:
            state.check_key(key, adopt=False)
            matches = subject.search(state.conn, identifiers)
    except StateError as exc:
        _fail(str(exc))
    if rescan and matches:
        subject.rescan(matches, key, {i.entity_type for i in identifiers})
    with open_output(output) as out:
        if fmt == "jsonl":
            out.write(subject.render_jsonl(matches))
        elif matches:
            out.write(subject.render_table(matches) + "\n")
    searched = ", ".join(f"{i.entity_type} {i.shown}" for i in identifiers)
    documents, files = {m.path for m in matches}, {m.file for m in matches}
    places = sum(m.count for m in matches)
    click.echo(f"piiscan find: {searched}: {_count(places, 'place')} in {_count(len(documents), 'document')}"
               f" ({_count(len(files), 'file')})", err=True)
    sys.exit(1 if matches else 0)


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")
