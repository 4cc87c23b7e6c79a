"""`piiscan redact-id`: copies of ID documents fit to hand over, as the KopieID app makes them.

Parses the options, plans one task per file like `piiscan redact` (same walk, same mirrored
output tree), runs them on the runner, writes the log (JSONL, masked values only) and a
summary on stderr. The work on one file is in idcard.py.
"""

from __future__ import annotations

import datetime
import sys
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import click

from piiscan.config import DEFAULT_MAX_FILE_SIZE, Settings
from piiscan.privacy import load_or_create_key
from piiscan.report.summary import count_line, listed
from piiscan.redact.styles import STYLES
from piiscan.run.pool import default_workers
from piiscan.run.runner import build_detector

EXIT_OK, EXIT_REVIEW, EXIT_USAGE, EXIT_UNSAFE = 0, 1, 2, 3
LOG_NAME = "piiscan-redact-id-log.jsonl"
# The Detector's rules redact-id uses on the text read off a document.
ENTITIES = frozenset({"BE_NATIONAL_NUMBER", "NL_BSN", "ID_DOCUMENT_NUMBER"})


@dataclass
class IdSummary:
    counts: Counter = field(default_factory=Counter)  # by status
    masked: Counter = field(default_factory=Counter)  # by region label
    kinds: Counter = field(default_factory=Counter)
    review: list[str] = field(default_factory=list)
    no_copy: list[str] = field(default_factory=list)

    def add_error(self, error) -> None:
        self.counts["failed"] += 1
        self.no_copy.append(f"{error.path}: {error.kind}: {error.message}")

    def add(self, result) -> None:
        self.counts[result.status] += 1
        self.masked.update(result.entity_types)
        if result.kind and result.output:
            self.kinds[result.kind] += 1
        if result.status == "review":
            self.review.extend(f"{result.path}: {why}" for why in result.review)
        if result.error is not None:
            self.no_copy.append(f"{result.path}: {result.error.kind}: {result.error.message}")
        elif result.status in ("not an ID document", "not handled"):
            why = result.note or "no MRZ and no document keyword found (--non-id copies it anyway)"
            self.no_copy.append(f"{result.path}: {result.status}: {why}")

    @property
    def exit_code(self) -> int:
        if self.no_copy:
            return EXIT_UNSAFE
        return EXIT_REVIEW if self.review else EXIT_OK

    def render(self) -> str:
        order = ("redacted", "review", "not an ID document", "not handled", "failed")
        lines = ["piiscan redact-id: " + (", ".join(f"{self.counts[s]} {s}" for s in order if self.counts[s]) or "nothing to do")]
        if self.kinds:
            lines.append("  documents: " + ", ".join(f"{k} {n}" for k, n in self.kinds.most_common()))
        if self.masked:
            lines.append(count_line("areas masked", self.masked))
        lines += listed((("review (written and verified, but a fallback mask was used: check by eye)", self.review),
                         ("no copy written", self.no_copy)))
        return "\n".join(lines)


def _date(ctx, param, value):
    if value is None:
        return datetime.date.today().isoformat()
    try:
        return datetime.date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"not a date: {value!r} (YYYY-MM-DD)") from None


@click.command("redact-id")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path), help="Folder for the copies (mirrors the input tree).")
@click.option("--purpose", required=True, help='What the copy is for, written in the watermark ("KOPIE – <purpose> – ...").')
@click.option("--recipient", help="Who receives the copy, written in the watermark.")
@click.option("--date", callback=_date, help="Date in the watermark (YYYY-MM-DD; default: today).")
@click.option("--keep-photo", is_flag=True, help="Leave the portrait photos visible.")
@click.option("--style", type=click.Choice(STYLES), default="label", show_default=True, help="How the rest of a mail or an archive holding ID copies is redacted (as piiscan redact --style).")
@click.option("--non-id", is_flag=True, help="Also copy images that do not look like an ID document (watermark, faces masked); default: no copy.")
@click.option("--force", is_flag=True, help="Overwrite copies already in --out.")
@click.option("--log", "log_path", type=click.Path(dir_okay=False), help=f"Log (JSONL, masked values only; default: OUT/{LOG_NAME}).")
@click.option("--workers", type=click.IntRange(1, 256), default=default_workers, show_default="CPU cores", help="Files processed in parallel, one process each.")
@click.option("--timeout", type=click.FloatRange(0, min_open=True), default=600, show_default=True, help="Seconds one file may take.")
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: when stderr is a terminal).")
def redact_id(paths, out_dir, purpose, recipient, date, keep_photo, style, non_id, force, log_path, workers, timeout, progress):
    """Write copies of ID documents (images, PDFs; folders are walked) into --out with the
    photo, the MRZ, the document number, the national number / BSN and the signature
    blacked out, and a "KOPIE – purpose – recipient – date" watermark across them. Same
    format, pixel size and page sizes (HEIC photos become JPEG); no metadata; every copy is
    read again (OCR) and only written when nothing masked can be read back.

    Mails (.eml, mbox, Maildir) and archives (.zip, .tar...) holding ID copies: those
    attachments/members are masked so, the rest is redacted as by `piiscan redact`.

    Exit code: 0 every copy written and verified; 1 written and verified, but some need a
    look (a fallback mask was used: see the summary); 3 some input got no copy (failed
    verification, not an ID document, not an image or PDF, unreadable); 2 usage error.
    """
    # OCR and OpenCV load in a second or two; other commands must not wait for them.
    from piiscan.detect.engine import Detector
    from piiscan.redact.command import outside_inputs, run_copies
    from piiscan.redact.idcard import IdOptions, IdResult, redact_id_file
    from piiscan.redact.job import Destination
    from piiscan.redact.styles import Replacer
    from piiscan.redact.text import TextRedaction

    if not purpose.strip():
        raise click.UsageError("--purpose must say what the copy is for")
    out_dir = outside_inputs(paths, out_dir)
    settings = Settings(max_file_size=DEFAULT_MAX_FILE_SIZE, workers=workers, timeout=timeout)
    detector = Detector(entities=ENTITIES)
    key = load_or_create_key()
    options = IdOptions(purpose=purpose, recipient=recipient, date=date, keep_photo=keep_photo, non_id=non_id)
    summary = IdSummary()
    text_redaction = TextRedaction(build_detector(settings), Replacer(style, key))
    job = partial(redact_id_file, options=options, destination=Destination(out_dir, force), key=key, detector=detector,
                  text_redaction=text_redaction)
    run_copies(paths, settings, out_dir, log_path or str(out_dir / LOG_NAME), progress, job, IdResult, summary,
               lambda result: [*result.log, _file_record(result)])
    sys.exit(summary.exit_code)


def _file_record(result) -> dict:
    return {"record": "id_copy", "path": result.path, "output": result.output, "status": result.status,
            "kind": result.kind, "review": result.review, "note": result.note or None, "verified": result.output is not None,
            "seconds": {k: round(v, 3) for k, v in result.timings.items()}}
