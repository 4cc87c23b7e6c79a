"""Run a scan: walk the inputs, scan each file, yield the results as files finish."""

from __future__ import annotations

from functools import partial
from typing import Callable, Iterable, Iterator

from piiscan.config import Settings
from piiscan.detect.engine import Detector
from piiscan.model import Blob, ErrorRecord, Skip
from piiscan.run.pool import ScanPool
from piiscan.run.worker import FileResult, scan_blob, scan_to_records
from piiscan.sources.filesystem import WalkOptions, walk


def files(paths: list[str], settings: Settings, report: Callable[[Skip | ErrorRecord], None]) -> Iterator[Blob]:
    """The files to scan, as the walk finds them (no waiting for the whole share to be
    listed); skips and unreadable paths go to `report` on the way."""
    options = WalkOptions(settings.excludes, settings.max_file_size, settings.follow_symlinks)
    for item in walk(paths, options):
        if isinstance(item, Blob):
            yield item
        else:
            report(item)


def build_detector(settings: Settings) -> Detector:
    return Detector(entities=settings.entities, min_score=settings.min_score, extra_rules=settings.extra_rules)


def run(blobs: Iterable[Blob], settings: Settings, detector: Detector | None = None, key: bytes | None = None) -> Iterator[FileResult]:
    """FileResults for every planned file: in this process for one worker (in file order),
    else from a pool of processes (in the order files finish). With a hash `key`, local
    workers return inventory records instead of findings (Dask workers never get the key)."""
    if settings.dask:
        from piiscan.run.cluster import run_on_dask

        yield from run_on_dask(blobs, settings, settings.dask)
        return
    detector = detector or build_detector(settings)
    if key is None:
        scan = partial(scan_blob, detector=detector)
    else:
        scan = partial(scan_to_records, detector=detector, key=key, include_values=settings.include_values)
    yield from _execute(blobs, scan, settings)



def run_redaction(tasks: Iterable, settings: Settings, job: Callable) -> Iterator:
    """`job` (piiscan.redact.job.redact_file with its settings bound) for every task, in this
    process or on the pool like a scan; a task that times out or kills its worker comes back
    as a FileResult with the error."""
    yield from _execute(tasks, job, settings)


def _execute(items: Iterable, job: Callable, settings: Settings) -> Iterator:
    """`job` for every item: in this process for one worker without a time limit (in order),
    else on the pool (in the order items finish)."""
    if settings.workers <= 1 and not settings.timeout:
        for item in items:
            yield job(item)
        return
    with ScanPool(job, settings.workers, settings.timeout) as pool:
        yield from pool.map(items)
