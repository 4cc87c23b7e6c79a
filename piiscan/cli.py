"""Command line: parse options, build Settings, run the pipeline, pick a sink. Nothing else."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from piiscan import __version__
from piiscan.config import DEFAULT_MAX_FILE_SIZE, Settings
from piiscan.privacy import load_or_create_key
from piiscan.report.output import open_output
from piiscan.report.records import error_record, finding_record
from piiscan.report.summary import Summary
from piiscan.report.writers import WRITERS
from piiscan.run.pool import default_workers
from piiscan.run.progress import Progress
from piiscan.model import Skip
from piiscan.run.runner import build_detector, files, run

EXIT_NONE, EXIT_FOUND, EXIT_ERROR = 0, 1, 2

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?i?b?)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12, "ki": 1024, "mi": 1024**2, "gi": 1024**3, "ti": 1024**4}


def parse_size(text: str) -> int:
    m = _SIZE.match(text)
    if not m:
        raise click.BadParameter(f"not a size: {text!r} (e.g. 500MB, 2GiB)")
    unit = (m.group(2) or "").lower().rstrip("b")
    return int(float(m.group(1)) * _UNITS[unit])


def _entities(values: tuple[str, ...]) -> frozenset[str] | None:
    names = {v.strip().upper() for value in values for v in value.split(",") if v.strip()}
    return frozenset(names) or None


@click.group()
@click.version_option(__version__, prog_name="piiscan")
def main() -> None:
    """Find personal data in Belgian and Dutch files, folders and shares."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(sorted(WRITERS)), help="Output format (default: table on a terminal, else jsonl).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the inventory here (created 0600) instead of stdout.")
@click.option("--entities", multiple=True, help="Only these entity types (comma-separated or repeated).")
@click.option("--exclude", multiple=True, help="Skip paths matching this gitignore-style glob (repeatable; also read from .piiscanignore).")
@click.option("--min-score", type=click.FloatRange(0, 1), default=0.5, show_default=True, help="Drop findings scoring below this.")
@click.option("--max-file-size", default=str(DEFAULT_MAX_FILE_SIZE), show_default=True, help="Larger files are reported as too_large (e.g. 500MB).")
@click.option("--include-values", is_flag=True, help="Write the raw values into the inventory (default: masked values and keyed hashes only).")
@click.option("--rules", "extra_rules", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path), help="Extra rules folder; its rules add to or replace the built-in ones.")
@click.option("--follow-symlinks", is_flag=True, help="Follow symbolic links (off: links are skipped).")
@click.option("--workers", type=click.IntRange(1, 256), default=default_workers, show_default="CPU cores", help="Files scanned in parallel, one process each.")
@click.option("--timeout", type=click.FloatRange(0, min_open=True), default=300, show_default=True, help="Seconds one file may take; a file that hangs a parser becomes an error record.")
@click.option("--dask", "dask_address", metavar="ADDRESS", help="Scan on a Dask cluster (tcp://scheduler:8786), or 'local' for a LocalCluster of --workers processes. Needs the [dask] extra.")
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: when stderr is a terminal).")
def scan(paths, fmt, output, entities, exclude, min_score, max_file_size, include_values, extra_rules, follow_symlinks, workers, timeout, dask_address, progress):
    """Scan files and folders and write an inventory of the personal data found.

    Exit code: 0 nothing found, 1 personal data found, 2 usage error or nothing could be scanned.
    """
    settings = Settings(
        entities=_entities(entities),
        min_score=min_score,
        max_file_size=parse_size(max_file_size),
        include_values=include_values,
        excludes=tuple(exclude),
        extra_rules=tuple(extra_rules),
        follow_symlinks=follow_symlinks,
        workers=workers,
        timeout=timeout,
        dask=dask_address,
    )
    try:
        detector = build_detector(settings)
    except (ValueError, KeyError) as exc:
        raise click.UsageError(str(exc)) from exc
    if dask_address:
        try:
            import distributed  # noqa: F401 - only to fail early with a clear message
        except ImportError:
            raise click.UsageError("--dask needs the dask extra: pip install 'piiscan-benelux[dask]'") from None
    fmt = fmt or _default_format(output)
    key = load_or_create_key()
    summary = Summary()
    show_progress = sys.stderr.isatty() if progress is None else progress

    with open_output(output) as out:
        writer = WRITERS[fmt](out, include_values)

        def report(item) -> None:
            if isinstance(item, Skip):
                summary.files_skipped += 1
                summary.skip_reasons[item.reason] += 1
            else:
                summary.files_failed += 1
                summary.error_kinds[item.kind] += 1
                writer.write(error_record(item))

        blobs = files(list(paths), settings, report)
        if show_progress:
            blobs = list(blobs)  # a bar needs the total; without one, scanning starts at once
        with Progress(enabled=show_progress, total_files=len(blobs) if show_progress else 0) as bar:
            for result in run(blobs, settings, detector, key=key):
                bar.advance(result)
                _account(summary, result)
                records = result.records
                if records is None:
                    records = [finding_record(f, key, include_values) for f in result.findings]
                for record in records:
                    writer.write(record)
                if result.error:
                    writer.write(error_record(result.error))
                for error in result.member_errors:
                    writer.write(error_record(error))
                out.flush()  # stream: each file's records are out as soon as it is done
        writer.close(summary)

    click.echo(summary.render(), err=True)
    if summary.files_scanned == 0 and (summary.files_failed or not summary.files_skipped):
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FOUND if summary.total_findings else EXIT_NONE)


def _account(summary: Summary, result) -> None:
    if result.skipped:
        summary.files_skipped += 1
        summary.skip_reasons[result.skipped] += 1
        return
    # A file that failed counts as failed, not scanned, even if some of it was read (its
    # findings up to the failure are still reported).
    if result.error:
        summary.files_failed += 1
        summary.error_kinds[result.error.kind] += 1
    else:
        summary.files_scanned += 1
        summary.bytes_scanned += result.size
    for error in result.member_errors:
        summary.files_failed += 1
        summary.error_kinds[error.kind] += 1
    types = result.entity_types
    if types:
        summary.files_with_findings += 1
    summary.findings.update(types)


def _default_format(output: str | None) -> str:
    if output:
        suffix = Path(output).suffix.lower().lstrip(".")
        return suffix if suffix in WRITERS and suffix != "table" else "jsonl"
    return "table" if sys.stdout.isatty() else "jsonl"


@main.command()
def entities() -> None:
    """List the entity types piiscan detects and the rule files that define them."""
    detector = build_detector(Settings())
    for rule in sorted(detector.rules, key=lambda r: r.entity):
        click.echo(f"{rule.entity:<22} {rule.id:<22} {rule.source}")


def _register_commands() -> None:
    # Imported here, not at the top: redact imports this module for its option parsing.
    from piiscan.audit.command import audit, find
    from piiscan.redact.command import redact
    from piiscan.redact.idcard_command import redact_id
    from piiscan.serve.command import serve
    from piiscan.watch.command import watch

    for command in (redact, redact_id, audit, find, serve, watch):
        main.add_command(command)


_register_commands()

if __name__ == "__main__":
    main()
