""".7z archives, read with py7zr (LGPL-2.1+), an optional dependency: `pip install
'piiscan-benelux[7z]'`. Importing this module imports py7zr; the registry reaches it through
`archive.extract_7z`, which turns a missing py7zr into an "unsupported" skip whose reason
names the command that installs it.

As with zip and tar, members are read in memory and come back as Blobs: nothing is written
to disk, and a member called "../../etc/passwd" is only a name. The header is checked before
anything is inflated (py7zr never inflates a member past the size its header declares):

- 7z packs members together in solid blocks, so a single member's compression ratio is not
  known: an archive unpacking to more than MAX_RATIO times its own size is refused whole, and
  a 7z bomb ends as one error record before it is inflated;
- a member over MAX_MEMBER_BYTES is an error record; the others are inflated in batches of
  at most MAX_MEMBER_BYTES, so a large archive is never in memory whole;
- a password (on the contents or on the file names too) makes the archive one "encrypted"
  error record.
"""

from __future__ import annotations

import io
import re
from typing import Iterator

import py7zr
from py7zr.io import Py7zIO, WriterFactory

from piiscan.extract import archive as limits  # the zip limits; read at call time, as they may change
from piiscan.model import Blob, ErrorRecord, ExtractionError, member_path
from piiscan.sources.blob import memory_blob


def extract_sevenzip(blob: Blob) -> Iterator[Blob | ErrorRecord]:
    with blob.open() as stream:
        try:
            archive = py7zr.SevenZipFile(stream)
        except py7zr.PasswordRequired as exc:
            raise ExtractionError("encrypted", "password-protected 7z archive (file names encrypted too)") from exc
        with archive:
            if archive.needs_password():
                raise ExtractionError("encrypted", "password-protected 7z archive")
            files = [info for info in archive.list() if not info.is_directory]
            total = sum(info.uncompressed for info in files)
            if total > limits._RATIO_FROM and total > limits.MAX_RATIO * max(blob.size, 1):
                raise ExtractionError("too_large", f"unpacks to {total} bytes, a compression ratio over {limits.MAX_RATIO}: a 7z bomb?")
            batch: list = []
            batch_bytes = 0
            for info in files:
                path = member_path(blob.path, info.filename)
                if info.is_symlink:
                    continue  # a name, not a document
                if info.uncompressed > limits.MAX_MEMBER_BYTES:
                    yield ErrorRecord(path, "too_large", f"{info.uncompressed} bytes uncompressed")
                    continue
                if not _plain_name(info.filename):
                    # py7zr refuses to hand over a member whose name climbs out of the archive.
                    yield ErrorRecord(path, "corrupt", "member name points outside the archive: not read")
                    continue
                if info.uncompressed == 0:
                    yield memory_blob(path, b"")  # nothing to inflate (py7zr writes these out of order)
                    continue
                if batch and batch_bytes + info.uncompressed > limits.MAX_MEMBER_BYTES:
                    yield from _inflate(archive, blob.path, files, batch)
                    batch, batch_bytes = [], 0
                batch.append(info)
                batch_bytes += info.uncompressed
            if batch:
                yield from _inflate(archive, blob.path, files, batch)


def _plain_name(name: str) -> bool:
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".")]
    return bool(parts) and ".." not in parts and not re.match(r"[A-Za-z]:", name)


def _inflate(archive: py7zr.SevenZipFile, container: str, files: list, batch: list) -> Iterator[Blob | ErrorRecord]:
    """The batch's members, inflated in one pass over the archive."""
    names = {info.filename for info in batch}
    collected = _Collect(limits.MAX_MEMBER_BYTES)
    archive.reset()  # each extract() starts over from the first block
    # With a factory py7zr writes nothing to disk, but it still checks each name against the
    # current directory (following symlinks there): a member whose first folder is a symlink
    # in the cwd pointing elsewhere makes it raise Bad7zFile, and the archive is "corrupt".
    archive.extract(targets=names, factory=collected)
    # py7zr writes every member carrying a requested name, in archive order.
    written = [info for info in files if info.filename in names]
    if len(written) != len(collected.members):
        raise ExtractionError("corrupt", f"py7zr: {len(collected.members)} members inflated where {len(written)} were listed")
    wanted = {id(info) for info in batch}
    for info, member in zip(written, collected.members):
        if id(info) not in wanted:
            continue
        path = member_path(container, info.filename)
        data = member.take()
        if len(data) != info.uncompressed:
            yield ErrorRecord(path, "corrupt", "member size differs from its header")
        else:
            yield memory_blob(path, data)


class _Member(Py7zIO):
    """One member's bytes in memory. py7zr writes no more than the header declares; should it
    ever try, inflating stops here."""

    def __init__(self, limit: int):
        self._buffer = io.BytesIO()
        self._size = 0
        self._limit = limit

    def write(self, s: bytes | bytearray) -> int:
        self._size += len(s)
        if self._size > self._limit:
            raise ExtractionError("too_large", f"a member inflates past {self._limit} bytes")
        return self._buffer.write(s)

    def read(self, size: int | None = None) -> bytes:
        return self._buffer.read(size)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._buffer.seek(offset, whence)

    def flush(self) -> None:
        pass

    def size(self) -> int:
        return self._size

    def take(self) -> bytes:
        """The bytes, handed over: the member keeps no copy."""
        data, self._buffer = self._buffer.getvalue(), io.BytesIO()
        return data


class _Collect(WriterFactory):
    def __init__(self, limit: int):
        self.limit = limit
        self.members: list[_Member] = []

    def create(self, filename: str) -> Py7zIO:
        member = _Member(self.limit)
        self.members.append(member)
        return member
