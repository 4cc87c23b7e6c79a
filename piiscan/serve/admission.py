"""How many requests the server takes on at once, and how long the others may wait.

`active` requests at a time read their body and run (two per worker: one uploads while
another is processed, so no worker waits for a slow network); this bounds the memory held
in uploads to about `active` × --max-size. Up to `waiting` more wait for a slot, holding
only their connection, each for at most `wait` seconds; past either limit a request is
answered 503 with Retry-After at once, so a burst never piles up without end.
"""

from __future__ import annotations

import asyncio
import math
from contextlib import asynccontextmanager
from typing import AsyncIterator


class Busy(Exception):
    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


class Admission:
    def __init__(self, active: int, waiting: int, wait: float):
        self.active = active
        self.max_waiting = waiting
        self.wait = wait
        self.waiting = 0
        self._slots = asyncio.Semaphore(active)

    @property
    def retry_after(self) -> int:
        return max(1, math.ceil(self.wait))

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the `active` slots for the body of the block; Busy when none frees up."""
        if self._slots.locked():
            if self.waiting >= self.max_waiting:
                raise Busy(self.retry_after)
            self.waiting += 1
            try:
                async with asyncio.timeout(self.wait):
                    await self._slots.acquire()
            except TimeoutError:
                raise Busy(self.retry_after) from None
            finally:
                self.waiting -= 1
        else:
            await self._slots.acquire()
        try:
            yield
        finally:
            self._slots.release()
