"""The server's settings: the `piiscan serve` options, as one frozen object."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MAX_SIZE = 20 * 1000 * 1000  # bytes of one request body ("20MB")
DEFAULT_TIMEOUT = 120.0  # seconds one request may take, upload included
DEFAULT_QUEUE = 64  # requests that may wait for a free slot
QUEUE_WAIT = 10.0  # seconds one of them may wait before it gets 503


@dataclass(frozen=True)
class ServeSettings:
    token: str
    workers: int = 1
    max_size: int = DEFAULT_MAX_SIZE
    timeout: float = DEFAULT_TIMEOUT
    queue: int = DEFAULT_QUEUE
    queue_wait: float = QUEUE_WAIT
    key: bytes | None = None  # the hash key; None: piiscan.privacy.load_or_create_key()

    @property
    def active(self) -> int:
        """Requests handled at once (admission.py): two per worker."""
        return 2 * self.workers
