"""Archives: a zip is a document whose parts are documents. Members come back as Blobs in
memory (nothing is ever written to disk, so a member called "../../etc/passwd" is only a
name); the worker scans them like files, with its depth and size limits.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import tarfile
import zipfile
from typing import Iterator

from piiscan.model import Blob, ErrorRecord, ExtractionError, member_path
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


def extract_tar(blob: Blob) -> Iterator[Blob | ErrorRecord]:
    """.tar, .tar.gz/.tgz, .tar.bz2/.tbz2, .tar.xz/.txz: regular members only (links and
    devices are names, not documents)."""
    with blob.open() as stream, tarfile.open(fileobj=stream, mode="r:*") as archive:
        for info in archive:
            if not info.isfile():
                continue
            path = member_path(blob.path, info.name)
            if info.size > MAX_MEMBER_BYTES:
                yield ErrorRecord(path, "too_large", f"{info.size} bytes")
                continue
            member = archive.extractfile(info)
            if member is None:
                continue
            with member:
                data = member.read(info.size + 1)
            yield memory_blob(path, data[: info.size])


_DECOMPRESSORS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}


def extract_compressed(blob: Blob) -> Iterator[Blob | ErrorRecord]:
    """A .gz/.bz2/.xz file: a compressed tar, or one compressed file ("app.log.gz" holds
    "app.log"). Decompression stops at MAX_MEMBER_BYTES, so a bomb ends as an error record."""
    with blob.open() as stream:
        is_tar = _is_tar(stream)
    if is_tar:
        yield from extract_tar(blob)
        return
    with blob.open() as stream:
        inner_name = blob.name[: -len(blob.suffix)] or "_"
        path = member_path(blob.path, inner_name)
        try:
            with _DECOMPRESSORS[blob.suffix](stream) as inner:
                data = inner.read(MAX_MEMBER_BYTES + 1)
        except (OSError, EOFError, lzma.LZMAError) as exc:  # the libraries' "bad data" errors
            raise ExtractionError("corrupt", f"{blob.suffix[1:]}: {exc}") from exc
    if len(data) > MAX_MEMBER_BYTES:
        yield ErrorRecord(path, "too_large", f"decompresses to more than {MAX_MEMBER_BYTES} bytes")
    else:
        yield memory_blob(path, data)


def _is_tar(stream) -> bool:
    try:
        with tarfile.open(fileobj=stream, mode="r:*") as archive:
            return archive.next() is not None
    except (tarfile.TarError, EOFError, OSError, lzma.LZMAError):
        return False


def extract_7z(blob: Blob) -> Iterator[Blob | ErrorRecord]:
    """.7z, through py7zr: an optional dependency (LGPL), so without it a .7z is reported as
    unsupported, with the command that adds it."""
    try:
        from piiscan.extract.sevenzip import extract_sevenzip
    except ImportError as exc:
        raise ExtractionError("unsupported", "7z archives need py7zr: pip install 'piiscan-benelux[7z]'") from exc
    yield from extract_sevenzip(blob)
