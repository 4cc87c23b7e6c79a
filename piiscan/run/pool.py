"""A pool of scanning processes with a time limit per file.

concurrent.futures cannot stop one task that hangs in a parser; here every worker is a
process of its own, given one file at a time, so a file that runs past the limit is
answered with a "timeout" error record, its worker killed and replaced, and the run goes
on. One file in flight per worker also bounds memory: results stream back as files finish.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Callable, Iterable, Iterator

from piiscan.model import Blob, ErrorRecord
from piiscan.run.worker import FileResult

# Build the detector in the parent and fork: children share it copy-on-write instead of each
# reading rules/ and compiling every pattern again (with "fork" nothing is pickled either).
_CONTEXT = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context("spawn")


def _serve(conn: Connection, scan: Callable[[Blob], FileResult], initializer: Callable[[], None] | None = None) -> None:
    if initializer is not None:
        initializer()
    while True:
        try:
            blob = conn.recv()
        except EOFError:
            return
        if blob is None:
            return
        try:
            result = scan(blob)
        except BaseException as exc:  # noqa: BLE001 - a worker must answer, whatever happened
            result = FileResult(path=blob.path, size=blob.size, error=ErrorRecord(blob.path, "internal", f"{type(exc).__name__}: {exc}"[:300]))
        conn.send(result)


@dataclass
class _Worker:
    process: mp.Process
    conn: Connection
    blob: Blob | None = None
    started: float = 0.0


class ScanPool:
    def __init__(self, scan: Callable[[Blob], FileResult], workers: int, timeout: float | None,
                 initializer: Callable[[], None] | None = None):
        self.scan = scan
        self.initializer = initializer  # run first in each worker
        self.size = max(1, workers)
        self.timeout = timeout
        self.workers: list[_Worker] = []

    def __enter__(self) -> "ScanPool":
        for _ in range(self.size):
            self.workers.append(self._start())
        return self

    def __exit__(self, *exc) -> None:
        for worker in self.workers:
            try:
                worker.conn.send(None)
            except (BrokenPipeError, OSError):
                pass
        for worker in self.workers:
            worker.process.join(timeout=2)
            if worker.process.is_alive():
                worker.process.kill()
            worker.conn.close()

    def _start(self) -> _Worker:
        parent, child = _CONTEXT.Pipe()
        process = _CONTEXT.Process(target=_serve, args=(child, self.scan, self.initializer), daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent)

    def _replace(self, worker: _Worker) -> None:
        worker.process.kill()
        worker.process.join()
        worker.conn.close()
        fresh = self._start()
        worker.process, worker.conn, worker.blob = fresh.process, fresh.conn, None

    def map(self, blobs: Iterable[Blob]) -> Iterator[FileResult]:
        """Results in the order files finish."""
        pending = iter(blobs)

        def feed(worker: _Worker) -> None:
            blob = next(pending, None)
            if blob is not None:
                worker.blob, worker.started = blob, time.monotonic()
                worker.conn.send(blob)

        for worker in self.workers:
            feed(worker)
        while True:
            busy = [w for w in self.workers if w.blob is not None]
            if not busy:
                return
            ready = wait([w.conn for w in busy], timeout=self._wait_time(busy))
            for worker in busy:
                if worker.conn in ready:
                    try:
                        result = worker.conn.recv()
                    except (EOFError, OSError):
                        # The worker died (out of memory, a crash in a C library).
                        result = _failed(worker.blob, "internal", "the scanning process died")
                        self._replace(worker)
                elif self.timeout and time.monotonic() - worker.started > self.timeout:
                    result = _failed(worker.blob, "timeout", f"not scanned within {self.timeout:g} s")
                    self._replace(worker)
                else:
                    continue
                worker.blob = None
                # The worker gets its next file before this result is written out, so it
                # scans while the caller writes (with one worker, they would otherwise take
                # turns).
                feed(worker)
                yield result

    def _wait_time(self, busy: list[_Worker]) -> float | None:
        if not self.timeout:
            return None
        now = time.monotonic()
        return max(0.0, min(w.started + self.timeout - now for w in busy)) + 0.01


def _failed(blob: Blob, kind: str, message: str) -> FileResult:
    return FileResult(path=blob.path, size=blob.size, error=ErrorRecord(blob.path, kind, message))


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1
