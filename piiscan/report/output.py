"""Open an output destination: stdout, or a file created private (0600) from the start."""

from __future__ import annotations

import os
import stat
import sys
from contextlib import contextmanager
from typing import Iterator, TextIO


@contextmanager
def open_output(path: str | None) -> Iterator[TextIO]:
    if path is None or path == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    # Create with 0600 in the open call itself: a chmod afterwards would leave a window in
    # which another user could open the inventory.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    if stat.S_ISREG(os.fstat(fd).st_mode):
        os.fchmod(fd, 0o600)  # an existing file keeps its old mode otherwise; never /dev/null
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        yield handle
