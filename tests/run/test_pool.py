"""The process pool: same results as one process, a time limit per file, crashes survived."""

from __future__ import annotations

import os
import time

from piiscan.model import Blob
from piiscan.sources.blob import memory_blob
from piiscan.run.pool import ScanPool
from piiscan.run.worker import FileResult


def blob(name: str) -> Blob:
    return memory_blob(name, name.encode())


def slow_or_crashing_scan(b: Blob) -> FileResult:
    if "hang" in b.path:
        time.sleep(60)
    if "crash" in b.path:
        os._exit(3)  # a segfault in a C parser looks like this to the parent
    if "raise" in b.path:
        raise ValueError("parser bug")
    return FileResult(path=b.path, size=b.size, chars=b.size)


def test_every_file_answered_once_across_workers():
    names = [f"file{i}.txt" for i in range(40)]
    with ScanPool(slow_or_crashing_scan, workers=2, timeout=None) as pool:
        results = list(pool.map(blob(n) for n in names))
    assert sorted(r.path for r in results) == sorted(names)
    assert all(r.error is None and r.chars == len(r.path) for r in results)


def test_hanging_file_times_out_and_the_run_goes_on():
    names = ["a.txt", "hang.txt", "b.txt", "c.txt"]
    started = time.monotonic()
    with ScanPool(slow_or_crashing_scan, workers=2, timeout=1.0) as pool:
        results = {r.path: r for r in pool.map(blob(n) for n in names)}
    assert time.monotonic() - started < 15
    assert results["hang.txt"].error.kind == "timeout"
    assert all(results[n].error is None for n in ["a.txt", "b.txt", "c.txt"])


def test_dead_worker_is_replaced():
    names = ["crash.txt", "x.txt", "y.txt", "raise.txt", "z.txt"]
    with ScanPool(slow_or_crashing_scan, workers=1, timeout=10) as pool:
        results = {r.path: r for r in pool.map(blob(n) for n in names)}
    assert results["crash.txt"].error.kind == "internal"
    assert results["raise.txt"].error.kind == "internal" and "parser bug" in results["raise.txt"].error.message
    assert all(results[n].error is None for n in ["x.txt", "y.txt", "z.txt"])
