"""Run a scan: walk the inputs, scan each file, stream results to a callback."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Callable, Iterator

from piiscan.config import Settings
from piiscan.detect.engine import Detector
from piiscan.model import Blob, ErrorRecord, Skip
from piiscan.run.pool import ScanPool
from piiscan.run.worker import FileResult, scan_blob, scan_to_records
from piiscan.sources.filesystem import WalkOptions, walk


@dataclass
class Plan:
    """The files of a run, known before scanning starts so progress can show a total."""

    blobs: list[Blob] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)
    errors: list[ErrorRecord] = field(default_factory=list)

    @property
    def total_bytes(self) -> int:
        return sum(b.size for b in self.blobs)


def plan(paths: list[str], settings: Settings) -> Plan:
    result = Plan()
    options = WalkOptions(settings.excludes, settings.max_file_size, settings.follow_symlinks)
    for item in walk(paths, options):
        if isinstance(item, Blob):
            result.blobs.append(item)
        elif isinstance(item, Skip):
            result.skips.append(item)
        else:
            result.errors.append(item)
    return result


def build_detector(settings: Settings) -> Detector:
    return Detector(entities=settings.entities, min_score=settings.min_score, extra_rules=settings.extra_rules)


def run(work: Plan, settings: Settings, detector: Detector | None = None, key: bytes | None = None) -> Iterator[FileResult]:
    """FileResults for every planned file: in this process for one worker (in file order),
    else from a pool of processes (in the order files finish). With a hash `key`, local
    workers return inventory records instead of findings (Dask workers never get the key)."""
    if settings.dask:
        from piiscan.run.cluster import run_on_dask

        yield from run_on_dask(work.blobs, settings, settings.dask)
        return
    detector = detector or build_detector(settings)
    if key is None:
        scan = partial(scan_blob, detector=detector)
    else:
        scan = partial(scan_to_records, detector=detector, key=key, include_values=settings.include_values)
    if settings.workers <= 1 and not settings.timeout:
        for blob in work.blobs:
            yield scan(blob)
        return
    with ScanPool(scan, settings.workers, settings.timeout) as pool:
        yield from pool.map(work.blobs)


ProgressCallback = Callable[[FileResult], None]
