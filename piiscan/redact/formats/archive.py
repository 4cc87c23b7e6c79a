"""Archives: .zip, .tar (plain, .tgz/.tar.gz, .tar.bz2, .tar.xz) and single .gz/.bz2/.xz files,
rebuilt with every member redacted by its own format module.

Everything happens in memory: a member called "../../etc/passwd" is only a name, never a
path written to. Members keep their names, order, timestamps and permissions; a zip member
keeps its compression method, a tar member its type (directories, links and devices are
copied as they are). A member whose bytes come back unchanged is copied as it was (for a
zip, its compressed bytes), so an untouched member is byte-identical in the copy.

The scan's limits apply (piiscan.extract.archive, piiscan.run.worker): a member over
MAX_MEMBER_BYTES or inflating more than MAX_RATIO times, a container unpacking to more than
MAX_TOTAL_BYTES, or nesting deeper than MAX_DEPTH stops the redaction with an
ExtractionError; a redacted copy of a bomb is never inflated.

Members go to their format modules through container.redact_member, as a message's
attachments do (container.py: the shared limits, and why a value found anywhere in the
archive is replaced everywhere in it).
"""

from __future__ import annotations

import bz2
import copy as copy_module
import gzip
import io
import lzma
import struct
import tarfile
import warnings
import zipfile
import zlib
from typing import Iterator

from piiscan.extract import _short
from piiscan.extract import archive as scan_archive  # the scan's limits, read at call time
from piiscan.model import Blob, ExtractionError, member_path
from piiscan.redact.formats import LogEntry, RedactedCopy
from piiscan.redact.formats.container import charge, display_name, file_wide, limits_scope, member_raw_texts, redact_member
from piiscan.redact.text import TextRedaction
from piiscan.sources.blob import memory_blob

# ---------------------------------------------------------------------------------------------
# Entry points.

_TAR_SUFFIXES = (".tar", ".tgz", ".tbz2", ".txz")
_GZIP, _BZIP2, _XZ = b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00"


@file_wide
def redact(blob: Blob, redaction: TextRedaction) -> RedactedCopy:
    suffix = blob.suffix
    if suffix == ".zip":
        return _redact_zip(blob, redaction)
    if suffix in _TAR_SUFFIXES:
        return _redact_tar(blob, redaction)
    if suffix in (".gz", ".bz2", ".xz"):
        with blob.open() as stream:
            is_tar = scan_archive._is_tar(stream)  # the scan's own test: same decision
        return _redact_tar(blob, redaction) if is_tar else _redact_compressed(blob, redaction)
    raise ExtractionError("unsupported", f"no archive redactor for {suffix or 'files without suffix'}")


def raw_texts(data: bytes) -> Iterator[str]:
    """Member names and, recursively, every member's text as its own reader sees it. The
    format is read from the bytes (a zip, a tar, gzip/bzip2/xz), as no name comes with them."""
    with limits_scope():
        yield from _sniffed_texts(data, inner_name="")


def _sniffed_texts(data: bytes, inner_name: str) -> Iterator[str]:
    if data[:2] == b"PK":
        yield from _zip_texts(data)
    elif _looks_like_tar(data):
        yield from _tar_texts(data)
    elif data.startswith((_GZIP, _BZIP2, _XZ)):
        inner, name = _decompress_bounded(data, "compressed file")
        name = name or inner_name
        if name:
            yield from member_raw_texts(name, inner)
        else:
            yield from _sniffed_texts(inner, "")
    else:
        yield data.decode("utf-8", errors="replace")


# ---------------------------------------------------------------------------------------------
# Zip.

_ZIP64_EXTRA = 0x0001
_DATA_DESCRIPTOR = 0x08
_READABLE_METHODS = frozenset((zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA))


def _check_zip_member(info: zipfile.ZipInfo, where: str) -> None:
    """The scan's refusals, as errors: a bomb is not inflated to be redacted."""
    if info.file_size > scan_archive.MAX_MEMBER_BYTES:
        raise ExtractionError("too_large", f"{where}: {info.file_size} bytes uncompressed")
    if info.file_size > scan_archive._RATIO_FROM and info.file_size > scan_archive.MAX_RATIO * max(info.compress_size, 1):
        raise ExtractionError("too_large", f"{where}: compression ratio over {scan_archive.MAX_RATIO}: a zip bomb?")


def _read_zip_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str) -> bytes:
    data = scan_archive._read_bounded(archive, info)
    if data is None:
        raise ExtractionError("too_large", f"{where}: member larger than its header says")
    return data


def _redact_zip(blob: Blob, redaction) -> RedactedCopy:
    with blob.open() as stream:
        original = stream.read()
    log: list[LogEntry] = []
    not_redacted: list[str] = []
    out = io.BytesIO()
    try:
        source = zipfile.ZipFile(io.BytesIO(original))
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ExtractionError("corrupt", f"zip: {_short(exc)}") from exc
    with source, zipfile.ZipFile(out, "w") as target, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Duplicate name": kept, as in the original
        target.comment = source.comment
        for info in source.infolist():
            name = display_name(info.filename)
            where = member_path(blob.path, info.filename)
            if info.is_dir():
                _copy_raw(source, target, info)
                continue
            if info.flag_bits & 0x1:
                # Its content cannot be read, so it cannot be checked: kept, and listed so the
                # caller will not publish the copy as clean.
                not_redacted.append(f"{name}: encrypted, not redacted")
                _copy_raw(source, target, info)
                continue
            if info.compress_type not in _READABLE_METHODS:
                not_redacted.append(f"{name}: compression method {info.compress_type} not supported, not redacted")
                _copy_raw(source, target, info)
                continue
            _check_zip_member(info, where)
            try:
                data = _read_zip_member(source, info, where)
            except (zipfile.BadZipFile, zlib.error, EOFError, lzma.LZMAError, OSError) as exc:
                not_redacted.append(f"{name}: unreadable ({_short(exc)}), not redacted")
                _copy_raw(source, target, info)
                continue
            copy = redact_member(memory_blob(where, data), redaction, name)
            log.extend(copy.log)
            not_redacted.extend(copy.not_redacted)
            if copy.data == data:
                _copy_raw(source, target, info)
            else:
                target.writestr(_rewritten_info(info), copy.data, compress_type=info.compress_type)
    if not log:
        return RedactedCopy(original, [], not_redacted)
    return RedactedCopy(out.getvalue(), log, not_redacted)


def _strip_extra(extra: bytes, drop: int) -> bytes:
    """The extra field without records of type `drop` (the zip64 record, whose sizes and
    offset belong to the old archive; zipfile writes a fresh one when needed)."""
    kept, i = [], 0
    while i + 4 <= len(extra):
        kind, size = struct.unpack("<HH", extra[i:i + 4])
        if kind != drop:
            kept.append(extra[i:i + 4 + size])
        i += 4 + size
    return b"".join(kept)


def _rewritten_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    """A new entry for a redacted member: the same name, time, permissions, comment and
    extra fields (timestamps, unix ids); sizes and CRC are zipfile's to compute."""
    new = zipfile.ZipInfo(info.filename, info.date_time)
    new.compress_type = info.compress_type
    new.comment = info.comment
    new.extra = _strip_extra(info.extra, _ZIP64_EXTRA)
    new.create_system = info.create_system
    new.create_version = info.create_version
    new.internal_attr = info.internal_attr
    new.external_attr = info.external_attr
    return new


def _copy_raw(source: zipfile.ZipFile, target: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Copy a member's stored (compressed, maybe encrypted) bytes unchanged.

    zipfile has no public way to add already-compressed data, so this writes the local
    header, data and descriptor itself and registers the entry the way ZipFile.writestr
    does (filelist, NameToInfo, start_dir), for close() to write its central record."""
    fp = source.fp
    fp.seek(info.header_offset)
    header = fp.read(zipfile.sizeFileHeader)
    if len(header) != zipfile.sizeFileHeader or header[:4] != zipfile.stringFileHeader:
        raise ExtractionError("corrupt", f"{info.filename}: bad local file header")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    fp.seek(info.header_offset + zipfile.sizeFileHeader + name_length + extra_length)
    raw = fp.read(info.compress_size)

    entry = copy_module.copy(info)
    entry.extra = _strip_extra(info.extra, _ZIP64_EXTRA)
    out = target.fp
    entry.header_offset = out.tell()
    zip64 = entry.file_size > zipfile.ZIP64_LIMIT or entry.compress_size > zipfile.ZIP64_LIMIT
    out.write(entry.FileHeader(zip64))
    out.write(raw)
    if entry.flag_bits & _DATA_DESCRIPTOR:
        fmt = "<LLQQ" if zip64 else "<LLLL"
        out.write(struct.pack(fmt, 0x08074B50, entry.CRC, entry.compress_size, entry.file_size))
    target.filelist.append(entry)
    target.NameToInfo[entry.filename] = entry
    target.start_dir = out.tell()


def _zip_texts(data: bytes) -> Iterator[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if info.is_dir():
                yield info.filename
                continue
            if info.flag_bits & 0x1 or info.compress_type not in _READABLE_METHODS:
                yield info.filename  # unreadable: the name is all there is
                continue
            _check_zip_member(info, info.filename)
            member = _read_zip_member(archive, info, info.filename)
            charge(len(member), info.filename)
            yield from member_raw_texts(info.filename, member)


# ---------------------------------------------------------------------------------------------
# Tar (plain or compressed as a whole).


def _compression(data: bytes) -> str:
    if data.startswith(_GZIP):
        return "gz"
    if data.startswith(_BZIP2):
        return "bz2"
    if data.startswith(_XZ):
        return "xz"
    return ""


def _looks_like_tar(data: bytes) -> bool:
    return data[257:262] == b"ustar" or (len(data) >= 512 and _valid_tar_checksum(data[:512]))


def _valid_tar_checksum(block: bytes) -> bool:
    try:
        tarfile.nti(block[148:156])
        return tarfile.calc_chksums(block)[0] == tarfile.nti(block[148:156])
    except (tarfile.HeaderError, ValueError):
        return False


def _compressed_writer(original: bytes, kind: str, out: io.BytesIO):
    """A writer compressing like the original: gzip keeps its stored name and time, xz its
    integrity check."""
    if kind == "gz":
        name, mtime = _gzip_header(original)
        return gzip.GzipFile(filename=name, mode="wb", fileobj=out, mtime=mtime)
    if kind == "bz2":
        return bz2.BZ2File(out, "wb")
    if kind == "xz":
        check = original[7] & 0x0F if len(original) > 7 else lzma.CHECK_CRC64
        return lzma.LZMAFile(out, "wb", format=lzma.FORMAT_XZ, check=check)
    return None


def _gzip_header(data: bytes) -> tuple[str, int]:
    """The file name and modification time a gzip header stores (RFC 1952)."""
    flags = data[3]
    mtime = struct.unpack("<I", data[4:8])[0]
    position = 10
    if flags & 0x04:  # FEXTRA
        position += 2 + struct.unpack("<H", data[10:12])[0]
    name = ""
    if flags & 0x08:  # FNAME, zero-terminated Latin-1
        end = data.find(b"\0", position)
        if end != -1:
            name = data[position:end].decode("latin-1")
    return name, mtime


def _redact_tar(blob: Blob, redaction) -> RedactedCopy:
    with blob.open() as stream:
        original = stream.read()
    kind = _compression(original)
    log: list[LogEntry] = []
    not_redacted: list[str] = []
    out = io.BytesIO()
    writer = _compressed_writer(original, kind, out)
    try:
        with tarfile.open(fileobj=io.BytesIO(original), mode="r:*") as source, \
                tarfile.open(fileobj=writer or out, mode="w", format=tarfile.PAX_FORMAT) as target:
            for info in source:
                if not info.isfile():
                    target.addfile(info)  # directories, links, devices: names, copied as they are
                    continue
                name = display_name(info.name)
                where = member_path(blob.path, info.name)
                if info.size > scan_archive.MAX_MEMBER_BYTES:
                    raise ExtractionError("too_large", f"{where}: {info.size} bytes")
                member = source.extractfile(info)
                data = member.read(info.size) if member is not None else b""
                copy = redact_member(memory_blob(where, data), redaction, name)
                log.extend(copy.log)
                not_redacted.extend(copy.not_redacted)
                entry = copy_module.copy(info)
                entry.pax_headers = {k: v for k, v in info.pax_headers.items() if k != "size"}
                if entry.issparse():
                    entry.type = tarfile.REGTYPE  # written out whole: no sparse map to keep
                entry.size = len(copy.data)
                target.addfile(entry, io.BytesIO(copy.data))
    except (tarfile.TarError, EOFError, OSError, zlib.error, lzma.LZMAError) as exc:
        raise ExtractionError("corrupt", f"tar: {_short(exc)}") from exc
    finally:
        if writer is not None:
            writer.close()
    if not log:
        return RedactedCopy(original, [], not_redacted)
    return RedactedCopy(out.getvalue(), log, not_redacted)


def _tar_texts(data: bytes) -> Iterator[str]:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as archive:
        for info in archive:
            yield info.name
            if info.issym() or info.islnk():
                yield info.linkname
            if not info.isfile():
                continue
            if info.size > scan_archive.MAX_MEMBER_BYTES:
                raise ExtractionError("too_large", f"{info.name}: {info.size} bytes")
            member = archive.extractfile(info)
            content = member.read(info.size) if member is not None else b""
            charge(len(content), info.name)
            yield from member_raw_texts(info.name, content)


# ---------------------------------------------------------------------------------------------
# One compressed file (app.log.gz).

_DECOMPRESSORS = {
    "gz": lambda stream: gzip.GzipFile(fileobj=stream, mode="rb"),
    "bz2": lambda stream: bz2.BZ2File(stream, "rb"),
    "xz": lambda stream: lzma.LZMAFile(stream, "rb"),
}


def _decompress_bounded(data: bytes, where: str) -> tuple[bytes, str]:
    """The decompressed bytes, read no further than MAX_MEMBER_BYTES (a bomb stops here),
    and the inner file name a gzip header may carry."""
    kind = _compression(data)
    if not kind:
        raise ExtractionError("corrupt", f"{where}: not gzip, bzip2 or xz data")
    limit = scan_archive.MAX_MEMBER_BYTES
    try:
        with _DECOMPRESSORS[kind](io.BytesIO(data)) as inner:
            content = inner.read(limit + 1)
    except (OSError, EOFError, lzma.LZMAError) as exc:
        raise ExtractionError("corrupt", f"{kind}: {exc}") from exc
    if len(content) > limit:
        raise ExtractionError("too_large", f"{where}: decompresses to more than {limit} bytes")
    name = _gzip_header(data)[0] if kind == "gz" else ""
    return content, name


def _redact_compressed(blob: Blob, redaction) -> RedactedCopy:
    with blob.open() as stream:
        original = stream.read()
    # The inner file is named as the scan names it: "app.log.gz" holds "app.log".
    inner_name = blob.name[: -len(blob.suffix)] or "_"
    where = member_path(blob.path, inner_name)
    data, _ = _decompress_bounded(original, where)
    copy = redact_member(memory_blob(where, data), redaction, display_name(inner_name))
    if copy.data == data:
        return RedactedCopy(original, copy.log, copy.not_redacted)
    out = io.BytesIO()
    writer = _compressed_writer(original, _compression(original), out)
    with writer:
        writer.write(copy.data)
    return RedactedCopy(out.getvalue(), copy.log, copy.not_redacted)
