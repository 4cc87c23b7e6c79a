"""The watch loop: notice files in the inbox, wait until each is complete, copy it once.

Files are noticed three ways: a full walk of the inbox at start (whatever is there and not
done yet), file-system events while running (inotify through watchdog; watchdog's polling
observer where inotify is not available or with `polling`), and a full walk every `rescan`
seconds, for what events miss (a full inotify queue, a network share's changes made on another
machine). Noticed files wait in `pending` until Settling says they are complete, then are
processed one at a time, oldest first. Only this thread touches `pending` and the state: the
observer thread hands over paths through a queue.
"""

from __future__ import annotations

import os
import queue
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from piiscan.config import DEFAULT_MAX_FILE_SIZE
from piiscan.watch.failed import FAILED_DIR, set_aside
from piiscan.watch.processor import Outcome, Processor
from piiscan.watch.report import WatchSummary, progress_line
from piiscan.watch.settle import Settling, ignored, signature
from piiscan.watch.state import FileKey, WatchState, content_sha256


@dataclass(frozen=True)
class WatchOptions:
    settle: float = 5.0  # seconds a file's size and mtime must stay the same
    poll: float = 1.0  # seconds between looks at the files in progress (and the polling observer's)
    rescan: float = 60.0  # seconds between full walks of the inbox
    remove_originals: bool = False
    once: bool = False  # handle what is there, then return
    polling: bool = False  # the polling observer even where inotify works
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    once_patience: float = 60.0  # --once: how long to wait for files still being written


class Stop:
    """Set by a signal handler: a plain attribute, since a handler that takes a lock (as
    threading.Event.set does) can deadlock with the code it interrupted."""

    requested: bool = False


class Inbox:
    def __init__(self, root: Path, out_dir: Path, processor: Processor, state: WatchState, options: WatchOptions,
                 summary: WatchSummary, log: Callable[[dict], None], echo: Callable[[str], None],
                 clock: Callable[[], float] = time.monotonic):
        self.root, self.out_dir = root, out_dir
        self.processor, self.state, self.options = processor, state, options
        self.summary, self.log, self.echo, self.clock = summary, log, echo, clock
        self.settling = Settling(options.settle, clock)
        self.pending: dict[str, Path] = {}  # relative path -> path
        # Files handled by this process (relative -> size, mtime_ns): walks skip them without
        # hashing them again, and a file that could not be moved to failed/ is not retried
        # on every walk.
        self.handled: dict[str, tuple[int, int]] = {}
        self.events: queue.SimpleQueue[str] = queue.SimpleQueue()

    # -- the loop ------------------------------------------------------------------------

    def run(self, stop: Stop) -> None:
        observer = None if self.options.once else self._start_observer()
        try:
            self.rescan()
            self.echo(f"piiscan watch: watching {self.root} ({self._how(observer)}), copies into {self.out_dir}")
            started = next_rescan = self.clock()
            next_rescan += self.options.rescan
            while not stop.requested:
                self._take_events()
                if not self.options.once and self.clock() >= next_rescan:
                    self.rescan()
                    next_rescan = self.clock() + self.options.rescan
                self._process_ready(stop)
                if self.options.once and (not self.pending or self.clock() - started > self.options.once_patience):
                    self.summary.left_for_later.extend(sorted(self.pending))
                    break
                self._pause(stop)
        finally:
            if observer is not None:
                observer.stop()
                observer.join(timeout=5)

    def _pause(self, stop: Stop) -> None:
        # Short sleeps that look at the flag: a signal handler cannot safely wake a lock-based
        # wait (see Stop), so a stop is noticed within a tenth of a second.
        until = self.clock() + self.options.poll
        while not stop.requested and self.clock() < until:
            time.sleep(min(0.1, self.options.poll))

    # -- noticing files ------------------------------------------------------------------

    def _start_observer(self):
        from watchdog.events import (DirCreatedEvent, DirMovedEvent, FileClosedEvent, FileCreatedEvent,
                                     FileModifiedEvent, FileMovedEvent, FileSystemEventHandler)
        from watchdog.observers.polling import PollingObserver

        events = self.events

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event) -> None:
                events.put(os.fsdecode(event.dest_path or event.src_path))

        kinds = [FileCreatedEvent, FileModifiedEvent, FileMovedEvent, FileClosedEvent, DirCreatedEvent, DirMovedEvent]
        candidates = [] if self.options.polling else ["native"]
        candidates.append("polling")
        for kind in candidates:
            if kind == "native":
                from watchdog.observers import Observer as make
            else:
                make = lambda: PollingObserver(timeout=self.options.poll)  # noqa: E731
            observer = make()
            try:
                observer.schedule(Handler(), str(self.root), recursive=True, event_filter=kinds)
                observer.start()
                return observer
            except OSError as exc:  # e.g. the inotify watch limit reached
                self.echo(f"piiscan watch: {kind} file events not available ({exc}); polling")
        return None

    @staticmethod
    def _how(observer) -> str:
        if observer is None:
            return "one pass"
        name = type(observer).__name__.removesuffix("Observer").lower() or "native"
        return f"{name} events" if name != "polling" else "polling"

    def _take_events(self) -> None:
        while True:
            try:
                path = Path(self.events.get_nowait())
            except queue.Empty:
                return
            relative = self._relative(path)
            if relative is None:
                continue
            if path.is_dir() and not path.is_symlink():
                for found, found_relative in self._walk(path):
                    self._notice(found, found_relative)
            else:
                self._notice(path, relative)

    def rescan(self) -> None:
        for path, relative in self._walk(self.root):
            self._notice(path, relative)

    def _walk(self, top: Path) -> Iterator[tuple[Path, str]]:
        """Files under `top` that watch takes, with their path relative to the inbox."""
        for folder, dirs, names in os.walk(top, onerror=lambda exc: None):
            folder_path = Path(folder)
            if folder_path == self.root and FAILED_DIR in dirs:
                dirs.remove(FAILED_DIR)
            dirs[:] = sorted(d for d in dirs if not ignored(d))
            for name in sorted(names):
                if not ignored(name):
                    path = folder_path / name
                    yield path, path.relative_to(self.root).as_posix()

    def _relative(self, path: Path) -> str | None:
        """The path inside the inbox, or None when watch leaves it alone."""
        try:
            parts = path.relative_to(self.root).parts
        except ValueError:
            return None
        if not parts or parts[0] == FAILED_DIR or any(ignored(p) for p in parts):
            return None
        return "/".join(parts)

    def _notice(self, path: Path, relative: str) -> None:
        if relative in self.pending:
            return
        try:
            st = os.lstat(path)
        except OSError:
            return
        if stat.S_ISDIR(st.st_mode) or self.handled.get(relative) == signature(st):
            return
        if self.state.may_be_done(relative, st.st_size, st.st_mtime_ns):
            try:
                key = FileKey(relative, st.st_size, st.st_mtime_ns, content_sha256(path))
            except OSError:
                return  # gone or unreadable: the next walk sees
            record = self.state.done(key)
            if record is not None:
                self._done_before(path, key, record)
                return
        self.pending[relative] = path

    def _done_before(self, path: Path, key: FileKey, record: dict) -> None:
        """A file a previous run finished: never processed again. With --remove-originals
        its original goes now (the run was stopped before it could), if its copy is still
        where that run put it."""
        self.handled[key.relative] = (key.size, key.mtime_ns)
        self.summary.already_done += 1
        if self.options.remove_originals:
            output = record.get("output")
            if output and (self.out_dir / output).is_file():
                self._remove_original(path, key.relative)
            else:
                self.echo(f"{'kept':<18} {key.relative} (done before, but its copy is no longer in {self.out_dir})")

    # -- processing ----------------------------------------------------------------------

    def _process_ready(self, stop: Stop) -> None:
        ready, gone = self.settling.settled(list(self.pending.values()))
        by_path = {path: relative for relative, path in self.pending.items()}
        for path in gone:
            self.pending.pop(by_path[path], None)
        ready.sort(key=lambda item: (item[1].st_mtime_ns, by_path[item[0]]))  # first come, first served
        for path, st in ready:
            if stop.requested:
                return
            relative = by_path[path]
            del self.pending[relative]
            self._handle(path, relative, st)

    def _handle(self, path: Path, relative: str, st: os.stat_result) -> None:
        try:
            sha256 = content_sha256(path) if stat.S_ISREG(st.st_mode) else ""
        except OSError:
            self.pending[relative] = path  # vanished or unreadable just now: look again
            return
        key = FileKey(relative, st.st_size, st.st_mtime_ns, sha256)
        record = self.state.done(key)
        if record is not None:
            self._done_before(path, key, record)
            return
        outcome = self._refusal(st, relative) or self.processor.process(path, relative)
        if self._changed_since(path, st):
            # Written to again while being copied: the copy may be of half a file. Drop it
            # and wait for the file to settle again.
            if outcome.output:
                (self.out_dir / outcome.output).unlink(missing_ok=True)
            self.echo(f"{'changed':<18} {relative} (written to while being copied; will be taken again)")
            self.pending[relative] = path
            return
        note = self._finish(path, key, outcome)
        self.summary.add(outcome)
        self.echo(progress_line(outcome, note))
        for log_record in outcome.log:
            self.log(log_record)
        self.log({"record": "watch", "path": relative, "status": outcome.status, "ok": outcome.ok,
                  "output": outcome.output, "reason": outcome.reason or None, "note": note or None})

    def _refusal(self, st: os.stat_result, relative: str) -> Outcome | None:
        if not stat.S_ISREG(st.st_mode):
            kind = "a symbolic link (not followed)" if stat.S_ISLNK(st.st_mode) else "not a regular file"
            return Outcome(relative, "failed", False, reason=kind, error="not_a_file")
        if st.st_size > self.options.max_file_size:
            return Outcome(relative, "failed", False, error="too_large",
                           reason=f"{st.st_size} bytes, more than --max-file-size {self.options.max_file_size}")
        return None

    @staticmethod
    def _changed_since(path: Path, st: os.stat_result) -> bool:
        try:
            return signature(os.lstat(path)) != signature(st)
        except FileNotFoundError:
            return False  # removed after it was read: the copy is of what was read, whole

    def _finish(self, path: Path, key: FileKey, outcome: Outcome) -> str:
        """Record the outcome, then remove the original (done, --remove-originals) or set it
        aside (failed). Returns a note for the progress line."""
        self.handled[key.relative] = (key.size, key.mtime_ns)
        if outcome.ok:
            # Recorded before the original goes: a stop in between leaves a done file in the
            # inbox, which the next run recognises (and removes), never a lost one.
            self.state.record(key, "done", output=outcome.output, result=outcome.status)
            return self._remove_original(path, key.relative) if self.options.remove_originals else ""
        try:
            moved = set_aside(self.root, path, outcome, self.processor.mode, key.sha256)
        except OSError as exc:
            self.state.record(key, "failed", result=outcome.status, moved_to=None)
            return f"could not move it to {FAILED_DIR}/: {exc.strerror or exc}; left in the inbox"
        self.state.record(key, "failed", result=outcome.status, moved_to=f"{FAILED_DIR}/{moved}")
        return f"moved to {FAILED_DIR}/{moved}"

    def _remove_original(self, path: Path, relative: str) -> str:
        try:
            path.unlink()
        except FileNotFoundError:
            return ""
        except OSError as exc:
            self.echo(f"{'kept':<18} {relative} (could not remove the original: {exc.strerror or exc})")
            return "original kept"
        self.summary.removed += 1
        return "original removed"
