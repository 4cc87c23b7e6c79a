"""`piiscan watch`: redact files dropped into a folder, as they arrive.

Parses the options, opens the state and the log in the output folder, installs the signal
handlers and runs the loop (inbox.py) until SIGINT/SIGTERM, or once with --once.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, TextIO

import click

from piiscan.config import DEFAULT_MAX_FILE_SIZE
from piiscan.redact.idcard_command import _date
from piiscan.redact.styles import STYLES

EXIT_OK, EXIT_USAGE, EXIT_FAILED, EXIT_INTERRUPTED = 0, 2, 3, 130
LOG_NAME = "piiscan-watch-log.jsonl"


@click.command()
@click.argument("inbox", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path), help="Folder for the copies (mirrors the inbox's subfolders); also holds the state file.")
@click.option("--mode", type=click.Choice(["redact", "id"]), default="redact", show_default=True, help="redact: `piiscan redact` on each file; id: `piiscan redact-id` (ID-document copies with a watermark).")
@click.option("--style", type=click.Choice(STYLES), default="label", show_default=True, help="Replacement style in redact mode (see `piiscan redact`).")
@click.option("--purpose", help='id mode (required there): what the copies are for, written in the watermark.')
@click.option("--recipient", help="id mode: who receives the copies, written in the watermark.")
@click.option("--date", default=None, help="id mode: date in the watermark (YYYY-MM-DD; default: the day each file is handled).")
@click.option("--remove-originals", is_flag=True, help="Delete each original once its verified copy is written and recorded.")
@click.option("--poll", type=click.FloatRange(0.05), default=1.0, show_default=True, help="Seconds between checks of files in progress (and between looks when polling).")
@click.option("--settle", type=click.FloatRange(0), default=5.0, show_default=True, help="Seconds a file's size and time must stay unchanged before it is taken.")
@click.option("--rescan", type=click.FloatRange(0.1), default=60.0, show_default=True, help="Seconds between full walks of INBOX, for what file events miss.")
@click.option("--polling", is_flag=True, help="Poll even where inotify works (network shares: inotify does not see changes made by other machines).")
@click.option("--once", is_flag=True, help="Handle what is in INBOX now, then exit (for cron).")
@click.option("--max-file-size", default=str(DEFAULT_MAX_FILE_SIZE), show_default=True, help="Larger files fail (e.g. 500MB).")
@click.option("--timeout", type=click.FloatRange(0), default=600, show_default=True, help="Seconds one file may take (0: no limit); a file that hangs a parser fails.")
@click.option("--log", "log_path", type=click.Path(dir_okay=False, path_type=Path), help=f"Log (JSONL, appended, masked values only; default: OUT/{LOG_NAME}).")
def watch(inbox, out_dir, mode, style, purpose, recipient, date, remove_originals, poll, settle, rescan, polling, once,
          max_file_size, timeout, log_path):
    """Watch INBOX and write a redacted copy of every file dropped into it (subfolders too)
    into --out, once each file is completely written. Every copy is verified as by `piiscan
    redact` / `piiscan redact-id`. A file that gets no safe copy is moved to INBOX/failed/
    with a <name>.reason.json beside it. A state file in --out records what was done, so a
    restart processes nothing twice and misses nothing. SIGINT/SIGTERM stop after the file
    in hand.

    Exit code: 0 ok; 3 some file failed (with --once); 2 usage error; 130 stopped by a
    second signal in the middle of a file (its copy is not written).
    """
    from piiscan.cli import parse_size
    from piiscan.privacy import load_or_create_key
    from piiscan.redact.command import outside_inputs
    from piiscan.watch.inbox import Inbox, Stop, WatchOptions
    from piiscan.watch.processor import Processor
    from piiscan.watch.report import WatchSummary
    from piiscan.watch.state import STATE_NAME, StateLocked, WatchState

    inbox = inbox.resolve()
    out_dir = outside_inputs([inbox], out_dir)
    id_options = None
    if mode == "id":
        if not (purpose or "").strip():
            raise click.UsageError("--mode id needs --purpose: what the copies are for (it goes in the watermark)")
        from piiscan.redact.idcard import IdOptions

        # No --date: None, and the processor dates each copy the day it is made.
        id_options = IdOptions(purpose=purpose, recipient=recipient, date=date and _date(None, None, date))
    options = WatchOptions(settle=settle, poll=poll, rescan=rescan, remove_originals=remove_originals, once=once,
                           polling=polling, max_file_size=parse_size(max_file_size))

    out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        state = WatchState(out_dir / STATE_NAME)
    except StateLocked as exc:
        raise click.UsageError(str(exc)) from None
    key = load_or_create_key()
    echo = lambda line: click.echo(line, err=True)  # noqa: E731
    summary = WatchSummary()
    stop = Stop()
    with state, _append_private(log_path or out_dir / LOG_NAME) as log:
        def write(record: dict) -> None:
            log.write(json.dumps(record, ensure_ascii=False) + "\n")
            log.flush()

        processor = Processor(mode, out_dir, key, style=style, id_options=id_options, timeout=timeout or None)
        previous = _on_stop_signals(stop)
        try:
            Inbox(inbox, out_dir, processor, state, options, summary, write, echo).run(stop)
        except KeyboardInterrupt:  # a second signal: stopped in the middle of a file
            echo(summary.render())
            sys.exit(EXIT_INTERRUPTED)
        finally:
            processor.close()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
    echo(summary.render())
    sys.exit(EXIT_FAILED if once and summary.any_failed else EXIT_OK)


def _on_stop_signals(stop) -> dict:
    """SIGINT and SIGTERM ask the loop to stop after the file in hand; a second one stops at
    once (copies are written through a temp file and a rename, so none is left half-written)."""
    def handler(signum, frame):
        if stop.requested:
            raise KeyboardInterrupt
        stop.requested = True
        os.write(2, b"piiscan watch: stopping after the current file (again to stop now)\n")

    return {signum: signal.signal(signum, handler) for signum in (signal.SIGINT, signal.SIGTERM)}


@contextmanager
def _append_private(path: Path) -> Iterator[TextIO]:
    """The log, opened for appending (a restart adds to it) and created 0600."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        yield handle
