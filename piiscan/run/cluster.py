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


def scan_on_worker(blob: Blob, settings: Settings) -> FileResult:
    """The task a Dask worker runs: build the detector once per process, scan one file."""
    from piiscan.run.runner import build_detector

    key = (settings.entities, settings.min_score, settings.extra_rules)
    detector = _DETECTORS.get(key)
    if detector is None:
        detector = _DETECTORS[key] = build_detector(settings)
    return scan_blob(blob, detector)


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


def run_on_dask(blobs: Iterable[Blob], settings: Settings, address: str, in_flight_per_worker: int = 4) -> Iterator[FileResult]:
    """FileResults in the order the cluster finishes them."""
    from dask.distributed import as_completed

    client = connect(address, settings.workers)
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})) or settings.workers)
        pending = iter(blobs)
        # Settings travel once, not with every task.
        settings_future = client.scatter(settings, broadcast=True)
        queue = as_completed()
        submitted: dict[str, Blob] = {}

        def submit(blob: Blob) -> None:
            future = client.submit(scan_on_worker, blob, settings_future, pure=False)
            submitted[future.key] = blob
            queue.add(future)

        for blob in _take(pending, workers * in_flight_per_worker):
            submit(blob)
        for future in queue:
            blob = submitted.pop(future.key)
            try:
                result = future.result()
            except Exception as exc:  # noqa: BLE001 - a lost worker or a pickling problem
                error = ErrorRecord(blob.path, "internal", f"dask: {type(exc).__name__}: {exc}"[:300])
                result = FileResult(path=blob.path, size=blob.size, error=error)
            future.release()
            yield result
            for blob in _take(pending, 1):
                submit(blob)
    finally:
        cluster = getattr(client, "cluster", None)
        client.close()
        if cluster is not None and address == "local":
            cluster.close()


def _take(iterator: Iterator[Blob], count: int) -> list[Blob]:
    taken = []
    for _ in range(count):
        item = next(iterator, None)
        if item is None:
            break
        taken.append(item)
    return taken
