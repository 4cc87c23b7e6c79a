"""Blobs backed by files on disk."""

from __future__ import annotations

import io
import re
from functools import partial
from pathlib import Path

from piiscan.model import Blob

# The first line of an mbox: "From sender@example.be Thu Mar 14 09:00:00 2024" (the sender
# may be "MAILER-DAEMON" or "-"; the date is asctime-like).
_MBOX_FIRST_LINE = re.compile(rb"From \S+ +(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) +\w{3} +\d{1,2} \d\d:\d\d(?::\d\d)? ")


def file_blob(path: Path, display: str) -> Blob:
    """A Blob reading `path` read-only; `display` is the path shown in reports."""
    # Maildir messages have no suffix ("1700000000.M1P2.host:2,S"): their folder says it.
    kind = "mail-file" if _in_maildir(path) else None
    if kind is None and not _known_suffix(display):
        with open(path, "rb") as stream:
            kind = sniff_kind(stream.read(200))
    return Blob(path=display, size=path.stat().st_size, open=partial(open, path, "rb"), kind=kind)


def sniff_kind(head: bytes) -> str | None:
    """The format of a file whose name does not say it, from its first bytes: mail clients
    keep mailboxes in files called "Inbox" or "Sent" (Thunderbird) or "mbox" (Apple Mail)."""
    if _MBOX_FIRST_LINE.match(head):
        return "mbox"
    return None


def _known_suffix(display: str) -> bool:
    from piiscan.extract import EXTRACTORS  # the registry imports this module's siblings

    name = display.rsplit("!/", 1)[-1].rsplit("/", 1)[-1].lower()
    return "." in name and name[name.rfind("."):] in EXTRACTORS


def _in_maildir(path: Path) -> bool:
    folder = path.parent
    return folder.name in ("cur", "new", "tmp") and (folder.parent / "cur").is_dir() and (folder.parent / "new").is_dir()


def memory_blob(display: str, data: bytes) -> Blob:
    """A Blob over bytes already in memory (a container member, an upload)."""
    kind = None if _known_suffix(display) else sniff_kind(data[:200])
    return Blob(path=display, size=len(data), open=partial(io.BytesIO, data), kind=kind)
