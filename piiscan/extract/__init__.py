"""Extractor registry: which function turns which file format into Segments.

Callers ask `extractor_for(blob)` to decide scan-or-skip, then iterate `extract(blob)`, which
guarantees that the only exception to come out is ExtractionError.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable, Iterator

from piiscan.model import Blob, ErrorRecord, ExtractionError, Segment

# An extractor yields text Segments; a container also yields member Blobs and ErrorRecords
# for members it cannot hand over (encrypted, too large).
Extractor = Callable[[Blob], Iterator["Segment | Blob | ErrorRecord"]]


@dataclass(frozen=True)
class _Lazy:
    """An extractor imported on first use: the format libraries (openpyxl pulls in numpy,
    python-docx, pypdfium2, libpff) cost half a second of start-up, which a scan of a
    folder of text files should not pay."""

    module: str
    function: str
    library: str  # named in error messages

    def load(self) -> Extractor:
        return getattr(importlib.import_module(f"piiscan.extract.{self.module}"), self.function)


# (module, function, library named in error messages, suffixes).
_FORMATS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("text", "extract_text", "text", (".txt", ".text", ".md", ".log", ".json", ".jsonl", ".ndjson", ".xml",
                                      ".yaml", ".yml", ".sql", ".ini", ".cfg", ".conf", ".vcf", ".ics", ".ldif")),
    ("html", "extract_html", "html.parser", (".html", ".htm")),
    ("tabular", "extract_csv", "csv", (".csv", ".tsv")),
    ("pdf", "extract_pdf", "pypdfium2", (".pdf",)),
    ("docx", "extract_docx", "python-docx", (".docx",)),
    ("xlsx", "extract_xlsx", "openpyxl", (".xlsx", ".xlsm")),
    # OCR: every page of an image (piiscan/ocr/ picks the engine).
    ("image", "extract_image", "rapidocr/tesseract", (".jpg", ".jpeg", ".jpe", ".png", ".tif", ".tiff", ".bmp", ".webp", ".gif",
                                                         ".heic", ".heif")),
    # Containers: they hand back member Blobs (and error records) besides text.
    ("archive", "extract_zip", "zipfile", (".zip",)),
    ("archive", "extract_tar", "tarfile", (".tar", ".tgz", ".tbz2", ".txz")),
    ("archive", "extract_compressed", "gzip/bz2/lzma", (".gz", ".bz2", ".xz")),
    ("archive", "extract_7z", "py7zr", (".7z",)),
    ("mail", "extract_eml", "email", (".eml",)),
    ("outlook", "extract_msg", "olefile", (".msg",)),
    ("outlook", "extract_pst", "libpff", (".pst", ".ost")),
    ("mail", "extract_mbox", "mailbox", (".mbox", ".mbx")),
)
_BY_SUFFIX: dict[str, _Lazy] = {s: _Lazy(module, fn, lib) for module, fn, lib, suffixes in _FORMATS for s in suffixes}
# Formats named by the container that produced the Blob, not by a file name.
_BY_KIND: dict[str, _Lazy] = {
    "message": _Lazy("mail", "extract_eml", "email"),  # a message inside an mbox
    "mail-file": _Lazy("mail", "extract_eml", "email"),  # a Maildir file
    "mbox": _Lazy("mail", "extract_mbox", "mailbox"),  # an mbox named "Inbox", found by its content
    # A PST item that is not an e-mail (a contact, an appointment), as extract_pst writes it.
    "pst-item": _Lazy("outlook", "extract_pst_item", "libpff"),
}
# The suffixes piiscan reads.
EXTRACTORS = frozenset(_BY_SUFFIX)

MAX_MESSAGE = 200


def _entry(blob: Blob) -> _Lazy | None:
    if blob.kind is not None:
        return _BY_KIND.get(blob.kind)
    return _BY_SUFFIX.get(blob.suffix)


def extractor_for(blob: Blob) -> Extractor | None:
    """The extractor for the blob's kind or suffix, or None for a format we do not read."""
    entry = _entry(blob)
    return entry.load() if entry is not None else None

def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    detail = text[0][:MAX_MESSAGE] if text else ""
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def extract(blob: Blob) -> Iterator[Segment]:
    """Segments of the blob. Raises only ExtractionError: kind "unsupported" when no extractor
    fits, "binary" for binary content in a text format (both skips, not errors), "unreadable"
    for I/O errors, "encrypted", and "corrupt" for anything a parser library throws."""
    entry = _entry(blob)
    if entry is None:
        raise ExtractionError("unsupported", f"no extractor for {blob.suffix or 'files without suffix'}")
    segments = None
    try:
        segments = entry.load()(blob)
        yield from segments
    except ExtractionError:
        raise
    except OSError as exc:
        raise ExtractionError("unreadable", _short(exc)) from exc
    # Parsers fed hostile files fail in every way, deep recursion and exhausted memory included;
    # one bad file must not end the run.
    except Exception as exc:
        raise ExtractionError("corrupt", f"{entry.library}: {_short(exc)}") from exc
    finally:
        close = getattr(segments, "close", None)
        if close is not None:
            close()
