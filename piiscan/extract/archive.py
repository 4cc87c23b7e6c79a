"""Archives: a zip is a document whose parts are documents. Members come back as Blobs in
memory (nothing is ever written to disk, so a member called "../../etc/passwd" is only a
name); the worker scans them like files, with its depth and size limits.
"""

from __future__ import annotations

import zipfile
from typing import Iterator

from piiscan.model import Blob, ErrorRecord, member_path
from piiscan.sources.blob import memory_blob

# A member larger than this, or inflating more than MAX_RATIO times its compressed size, is
# refused before it is read: zip bombs stop here, with an error record.
MAX_MEMBER_BYTES = 512 * 1024 * 1024
MAX_RATIO = 200
_RATIO_FROM = 1024 * 1024  # small members may compress well without being bombs


def extract_zip(blob: Blob) -> Iterator[Blob | ErrorRecord]:
    with blob.open() as stream, zipfile.ZipFile(stream) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            path = member_path(blob.path, info.filename)
            if info.flag_bits & 0x1:
                yield ErrorRecord(path, "encrypted", "password-protected zip member")
                continue
            if info.file_size > MAX_MEMBER_BYTES:
                yield ErrorRecord(path, "too_large", f"{info.file_size} bytes uncompressed")
                continue
            if info.file_size > _RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                yield ErrorRecord(path, "too_large", f"compression ratio over {MAX_RATIO}: a zip bomb?")
                continue
            data = _read_bounded(archive, info)
            if data is None:
                yield ErrorRecord(path, "too_large", "member larger than its header says")
                continue
            yield memory_blob(path, data)


def _read_bounded(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
    # The sizes in the header are the archive's word; read no more than they promise.
    with archive.open(info) as member:
        data = member.read(info.file_size + 1)
    return None if len(data) > info.file_size else data
