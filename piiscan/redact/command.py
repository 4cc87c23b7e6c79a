"""`piiscan redact`: redacted copies of files, mirrored into an output folder.

Parses the options, plans one task per file, runs them on the runner like a scan, writes the
redaction log (masked values only) and a summary. The work itself is in job.py.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import click

from piiscan.config import DEFAULT_MAX_FILE_SIZE, Settings
from piiscan.model import ErrorRecord, Skip
from piiscan.privacy import load_or_create_key
from piiscan.report.summary import count_line, listed
from piiscan.redact.styles import STYLES, Replacer
from piiscan.report.output import open_output
from piiscan.report.records import error_record
from piiscan.run.pool import default_workers
from piiscan.run.progress import Progress
from piiscan.run.runner import build_detector, files, run_redaction
from piiscan.run.worker import FileResult

EXIT_OK, EXIT_USAGE, EXIT_UNSAFE = 0, 2, 3
LOG_NAME = "piiscan-redaction-log.jsonl"


@dataclass
class RedactSummary:
    counts: Counter = field(default_factory=Counter)  # by status
    replaced: Counter = field(default_factory=Counter)  # by entity type
    not_redacted: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def add_error(self, error: ErrorRecord) -> None:
        self.counts["failed"] += 1
        self.failed.append(f"{error.path}: {error.kind}: {error.message}")

    def add(self, result) -> None:
        self.counts[result.status if result.error is None else "failed"] += 1
        self.replaced.update(r["entity_type"] for r in result.log)
        self.not_redacted.extend(f"{result.path}: {why}" for why in result.not_redacted)
        if result.error is not None:
            self.failed.append(f"{result.path}: {result.error.kind}: {result.error.message}")

    def render(self) -> str:
        order = ("redacted", "unchanged", "left out", "not redacted", "failed")
        lines = ["piiscan redact: " + ", ".join(f"{self.counts[s]} {s}" for s in order if self.counts[s])]
        if self.replaced:
            lines.append(count_line("values replaced", self.replaced))
        lines += listed((("not redacted (left out of the copy or only partly redacted)", self.not_redacted),
                         ("failed (no copy written)", self.failed)))
        return "\n".join(lines)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path), help="Folder for the redacted copies (mirrors the input tree).")
@click.option("--style", type=click.Choice(STYLES), default="label", show_default=True, help="label: [IBAN_CODE]; mask: BE68 **** **** 7034; hash: keyed, consistent; pseudonym: a realistic fake of the same type.")
@click.option("--entities", multiple=True, help="Only these entity types (comma-separated or repeated).")
@click.option("--min-score", type=click.FloatRange(0, 1), default=0.5, show_default=True, help="Redact findings scoring at least this.")
@click.option("--force", is_flag=True, help="Overwrite copies already in --out.")
@click.option("--only-changed", is_flag=True, help="Leave files without findings out of --out instead of copying them.")
@click.option("--log", "log_path", type=click.Path(dir_okay=False), help=f"Redaction log (JSONL, masked values; default: OUT/{LOG_NAME}).")
@click.option("--workers", type=click.IntRange(1, 256), default=default_workers, show_default="CPU cores", help="Files redacted in parallel, one process each.")
@click.option("--timeout", type=click.FloatRange(0, min_open=True), default=600, show_default=True, help="Seconds one file may take.")
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: when stderr is a terminal).")
def redact(paths, out_dir, style, entities, min_score, force, only_changed, log_path, workers, timeout, progress):
    """Write redacted copies of PATHS into --out: same names and formats, every finding
    replaced, every copy verified. Originals are never modified.

    Exit code: 0 all copies written and verified, 3 some file has no safe copy (failed or not
    redactable), 2 usage error.
    """
    from piiscan.cli import _entities  # the scan's parsing of --entities
    # The redactors and presidio-anonymizer load in a second; `piiscan scan` must not wait for them.
    from piiscan.redact.job import Destination, RedactResult, redact_file
    from piiscan.redact.text import TextRedaction

    out_dir = outside_inputs(paths, out_dir)
    settings = Settings(entities=_entities(entities), min_score=min_score, max_file_size=DEFAULT_MAX_FILE_SIZE,
                        workers=workers, timeout=timeout)
    try:
        detector = build_detector(settings)
    except (ValueError, KeyError) as exc:
        raise click.UsageError(str(exc)) from exc
    key = load_or_create_key()
    redaction = TextRedaction(detector, Replacer(style, key))
    summary = RedactSummary()
    job = partial(redact_file, redaction=redaction, destination=Destination(out_dir, force, only_changed), key=key)

    def records(result) -> list[dict]:
        return [*result.log, *({"record": "not_redacted", "path": result.path, "reason": why} for why in result.not_redacted)]

    run_copies(paths, settings, out_dir, log_path or str(out_dir / LOG_NAME), progress, job, RedactResult, summary, records)
    sys.exit(EXIT_UNSAFE if summary.failed or summary.not_redacted else EXIT_OK)


def outside_inputs(paths, out_dir: Path) -> Path:
    """The output folder, resolved; a usage error when it lies inside an input (a later run
    would read the copies as originals)."""
    out_dir = out_dir.resolve()
    for path in paths:
        root = Path(path).resolve()
        if out_dir == root or root in out_dir.parents:
            raise click.UsageError(f"--out {out_dir} lies inside the input {path}: choose a folder outside it")
    return out_dir


def run_copies(paths, settings: Settings, out_dir: Path, log_path: str, progress: bool | None, job, result_type,
               summary, records) -> None:
    """What the copy commands (redact, redact-id) share: the private output folder, one task
    per file, the runner, and for each result as it comes the progress bar, the summary
    (`summary.add`, `summary.add_error` for files the walk could not read) and its log
    records (`records(result)`, then its error); the summary on stderr at the end."""
    from piiscan.redact.job import RedactTask

    out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    show_progress = sys.stderr.isatty() if progress is None else progress
    with open_output(log_path) as log:
        def write(record: dict) -> None:
            log.write(json.dumps(record, ensure_ascii=False) + "\n")

        def report(item: Skip | ErrorRecord) -> None:
            if isinstance(item, ErrorRecord):
                summary.add_error(item)
                write(error_record(item))

        tasks = list(_tasks(paths, settings, report, RedactTask))
        with Progress(enabled=show_progress, total_files=len(tasks)) as bar:
            for result in run_redaction(tasks, settings, job):
                if isinstance(result, FileResult):  # the pool's answer for a timeout or a crash
                    result = result_type(path=result.path, size=result.size, error=result.error)
                bar.advance(result)
                summary.add(result)
                for record in records(result):
                    write(record)
                if result.error is not None:
                    write(error_record(result.error))
                log.flush()
    click.echo(summary.render(), err=True)


def _tasks(paths, settings: Settings, report, task):
    """One task per file, its copy placed at the same path relative to its input (with
    several inputs, under the input's own name)."""
    several = len(paths) > 1
    for path in paths:
        base = Path(path)
        for blob in files([path], settings, report):
            if base.is_dir():
                relative = os.path.relpath(blob.path, path)
                if several:
                    relative = os.path.join(base.resolve().name, relative)
            else:
                relative = base.name
            yield task(blob, relative)
