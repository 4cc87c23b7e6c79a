"""A bounded pool of worker processes for the server, one request at a time per worker.

Scanning, redacting and OCR are CPU work: they run here, off the event loop, so the server
keeps answering (health checks, 503s, other uploads) while they run. Each worker builds its
detectors once (jobs.initialize), then serves requests over its own pipe.

Why not concurrent.futures.ProcessPoolExecutor: one dead worker breaks the whole executor
(BrokenProcessPool, failing every request in flight), and a hung task cannot be stopped at
all. Here each worker is a process of its own, so a request past its time limit gets its
worker killed and replaced, a worker that dies (a crash in a C library, the OOM killer, a
`kill` by hand) fails only its own request, and the others go on.

Workers come from a fork server (spawn where there is none): forking the server process
itself, which runs an event loop and threads, could copy a held lock into the child.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import multiprocessing as mp
import signal
import warnings
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

from piiscan.serve.outcome import Outcome

log = logging.getLogger("piiscan.serve")

_CONTEXT = mp.get_context("forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn")

_READY = "ready"
START_TIMEOUT = 180.0  # seconds a new worker may take to import and build its detectors
RESPAWN_DELAY = (0.5, 30.0)  # first and longest pause between attempts to replace a worker


class WorkerDied(Exception):
    """The worker running the request died (it has been replaced)."""


def _worker_main(conn: Connection, key: bytes) -> None:
    # Ctrl-C reaches the whole process group: the server shuts its workers down itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Libraries warn about what they parse (a PDF's odd operator, a cell's value) and could
    # quote the upload: nothing of a worker's goes to the log.
    warnings.simplefilter("ignore")
    logging.disable(logging.CRITICAL)
    from piiscan.serve import jobs

    jobs.initialize(key)
    conn.send(_READY)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return  # the server is gone
        if message is None:
            return
        conn.send(jobs.run(*message))


@dataclass(eq=False)
class _Worker:
    process: mp.process.BaseProcess
    conn: Connection
    call_future: concurrent.futures.Future | None = field(default=None, repr=False)

    def wait_ready(self, timeout: float) -> bool:
        try:
            return self.conn.poll(timeout) and self.conn.recv() == _READY
        except (EOFError, OSError):
            return False

    def call(self, message) -> Outcome:
        self.conn.send(message)
        return self.conn.recv()

    def stop(self) -> None:
        self.process.kill()
        if self.call_future is not None:
            # The thread blocked on this worker's pipe returns once the process is gone;
            # only then may the pipe be closed under it.
            concurrent.futures.wait([self.call_future])
        self.process.join()
        self.conn.close()


class WorkerPool:
    def __init__(self, size: int, key: bytes, start_timeout: float = START_TIMEOUT):
        self.size = max(1, size)
        self.key = key
        self.start_timeout = start_timeout
        self._workers: set[_Worker] = set()
        self._idle: asyncio.Queue[_Worker] | None = None
        self._respawns: set[asyncio.Task] = set()
        self._threads: concurrent.futures.ThreadPoolExecutor | None = None
        self._closing = False

    async def start(self) -> None:
        """Start every worker and wait until each has built its detectors."""
        # Pipe calls, worker start-ups and stops each hold a thread while they block.
        self._threads = concurrent.futures.ThreadPoolExecutor(max_workers=3 * self.size + 2, thread_name_prefix="piiscan-pool")
        self._idle = asyncio.Queue()
        if _CONTEXT.get_start_method() == "forkserver":
            # Imported once in the fork server, so a replacement worker starts in a fraction of a second.
            _CONTEXT.set_forkserver_preload(["piiscan.serve.jobs"])
        for worker in await asyncio.gather(*(self._spawn() for _ in range(self.size))):
            self._idle.put_nowait(worker)

    async def run(self, job: str, arguments: dict) -> Outcome:
        """`job` on the next free worker. Cancelled (the request's time limit), the worker is
        killed and replaced; WorkerDied when it dies under the request."""
        assert self._idle is not None, "start() the pool first"
        while True:
            worker = await self._idle.get()
            # An idle worker has nothing to say: a readable pipe means its end closed, it died
            # (killed from outside); is_alive() may not know yet, the fork server reaps later.
            if worker.process.is_alive() and not worker.conn.poll():
                break
            self._replace(worker)  # take the next
        loop = asyncio.get_running_loop()
        worker.call_future = self._threads.submit(worker.call, (job, arguments))
        try:
            outcome = await asyncio.wrap_future(worker.call_future, loop=loop)
        except BaseException as exc:
            # Cancelled (the time limit): it may be hung. Dead, or out of step with its pipe
            # (an answer that would not unpickle): never trusted again either.
            self._replace(worker)
            if isinstance(exc, (EOFError, OSError)):
                raise WorkerDied from None
            raise
        worker.call_future = None
        self._idle.put_nowait(worker)
        return outcome

    async def close(self) -> None:
        self._closing = True
        for task in self._respawns:
            task.cancel()
        for worker in list(self._workers):
            if worker.call_future is None:
                try:
                    worker.conn.send(None)
                except OSError:
                    pass
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(self._threads, self._finish, w) for w in list(self._workers)))
        self._workers.clear()
        self._threads.shutdown(wait=False, cancel_futures=True)

    @staticmethod
    def _finish(worker: _Worker) -> None:
        worker.process.join(timeout=2)
        worker.stop()

    async def _spawn(self) -> _Worker:
        loop = asyncio.get_running_loop()
        worker = await loop.run_in_executor(self._threads, self._start_process)
        self._workers.add(worker)
        if not await loop.run_in_executor(self._threads, worker.wait_ready, self.start_timeout):
            self._workers.discard(worker)
            await loop.run_in_executor(self._threads, worker.stop)
            raise RuntimeError(f"a worker process did not start within {self.start_timeout:g} s")
        return worker

    def _start_process(self) -> _Worker:
        parent, child = _CONTEXT.Pipe()
        process = _CONTEXT.Process(target=_worker_main, args=(child, self.key), daemon=True, name="piiscan-serve-worker")
        process.start()
        child.close()
        return _Worker(process, parent)

    def _replace(self, worker: _Worker) -> None:
        self._workers.discard(worker)
        task = asyncio.get_running_loop().create_task(self._respawn(worker))
        self._respawns.add(task)
        task.add_done_callback(self._respawns.discard)

    async def _respawn(self, dead: _Worker) -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._threads, dead.stop)
        log.warning("worker process %s replaced (exit code %s)", dead.process.pid, dead.process.exitcode)
        delay = RESPAWN_DELAY[0]
        while not self._closing:
            try:
                fresh = await self._spawn()
            except Exception as exc:  # noqa: BLE001 - keep trying: the server must not lose its workers
                log.error("could not start a worker process (%s); retrying in %g s", type(exc).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, RESPAWN_DELAY[1])
                continue
            self._idle.put_nowait(fresh)
            return
