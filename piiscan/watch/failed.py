"""Setting a file aside: INBOX/failed/<relative path>, with <name>.reason.json beside it.

The original is moved, not copied or deleted, so nothing is lost and the inbox does not try
it again; the reason says what happened in the words of the copy commands, with masked
values only. To try a file again, move it back into the inbox.
"""

from __future__ import annotations

import datetime
import json
import os
from pathlib import Path

from piiscan.redact.job import _private_folders, _write_private
from piiscan.watch.processor import Outcome, free_relative

FAILED_DIR = "failed"
REASON_SUFFIX = ".reason.json"


def set_aside(inbox: Path, path: Path, outcome: Outcome, mode: str, sha256: str) -> str:
    """Move `path` into INBOX/failed/ (folders 0700) and write its reason (0600); the moved
    file's path relative to failed/. Raises OSError when the move is impossible."""
    failed = inbox / FAILED_DIR
    _private_folders(failed)
    relative = free_relative(failed, outcome.relative, also=(REASON_SUFFIX,))
    target = failed / relative
    _private_folders(target.parent)
    os.rename(path, target)  # same file system: atomic, and the original's bytes untouched
    reason = {
        "file": outcome.relative,
        "moved_to": f"{FAILED_DIR}/{relative}",
        "mode": mode,
        "status": outcome.status,
        "error": outcome.error,
        "reason": outcome.reason,
        "copy": outcome.output,  # a partial copy that was written and verified, if any
        "masked": [f"{entity}: {masked}" if masked else entity for entity, masked in outcome.masked],
        "sha256": sha256,
        "at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }
    data = (json.dumps(reason, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    _write_private(failed / (relative + REASON_SUFFIX), data, force=True)
    return relative
