"""Run the same per-file worker on a Dask cluster, for shares that outgrow one machine.

The client walks the share and streams file references to the cluster, a bounded number in
flight; every Dask worker builds the detector once and scans files with `scan_blob`, the
function the local pool runs, so both give the same inventory. Workers need the same
piiscan version and the share mounted at the same path.
"""

from __future__ import annotations

from typing import Iterable, Iterator

from piiscan.config import Settings
from piiscan.model import Blob, ErrorRecord
from piiscan.run.worker import FileResult, scan_blob

# Detectors built on this worker process, by the settings that shape them.
_DETECTORS: dict = {}


def scan_on_worker(blobs: list[Blob], settings: Settings) -> list[FileResult]:
    """The task a Dask worker runs: build the detector once per process, scan a batch of
    files (one task per file costs more in scheduling than small files take to scan)."""
    from piiscan.run.runner import build_detector

    key = (settings.entities, settings.min_score, settings.extra_rules)
    detector = _DETECTORS.get(key)
    if detector is None:
        detector = _DETECTORS[key] = build_detector(settings)
    return [scan_blob(blob, detector) for blob in blobs]


def _batches(blobs: Iterable[Blob], files: int = 32, size: int = 16 * 1024 * 1024) -> Iterator[list[Blob]]:
    """Files grouped into tasks of at most `files` files or about `size` bytes."""
    batch: list[Blob] = []
    total = 0
    for blob in blobs:
        batch.append(blob)
        total += blob.size
        if len(batch) >= files or total >= size:
            yield batch
            batch, total = [], 0
    if batch:
        yield batch


def connect(address: str, workers: int):
    """A dask.distributed Client: "local" starts a LocalCluster of `workers` processes."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:  # an optional extra
        raise RuntimeError("Dask is not installed: pip install 'piiscan-benelux[dask]'") from exc
    if address == "local":
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        return Client(cluster)
    return Client(address)


def run_on_dask(blobs: Iterable[Blob], settings: Settings, address: str, in_flight_per_worker: int = 2) -> Iterator[FileResult]:
    """FileResults in the order the cluster finishes them."""
    from dask.distributed import as_completed

    client = connect(address, settings.workers)
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})) or settings.workers)
        pending = _batches(blobs)
        # Settings travel once, not with every task.
        settings_future = client.scatter(settings, broadcast=True)
        queue = as_completed()
        submitted: dict[str, list[Blob]] = {}

        def submit(batch: list[Blob]) -> None:
            future = client.submit(scan_on_worker, batch, settings_future, pure=False)
            submitted[future.key] = batch
            queue.add(future)

        for batch in _take(pending, workers * in_flight_per_worker):
            submit(batch)
        for future in queue:
            batch = submitted.pop(future.key)
            try:
                results = future.result()
            except Exception as exc:  # noqa: BLE001 - a lost worker or a pickling problem
                message = f"dask: {type(exc).__name__}: {exc}"[:300]
                results = [FileResult(path=b.path, size=b.size, error=ErrorRecord(b.path, "internal", message)) for b in batch]
            future.release()
            yield from results
            for batch in _take(pending, 1):
                submit(batch)
    finally:
        cluster = getattr(client, "cluster", None)
        client.close()
        if cluster is not None and address == "local":
            cluster.close()


def _take(iterator: Iterator, count: int) -> list:
    taken = []
    for _ in range(count):
        item = next(iterator, None)
        if item is None:
            break
        taken.append(item)
    return taken
