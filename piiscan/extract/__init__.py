"""Extractor registry: which function turns which file format into Segments.

Callers ask `extractor_for(blob)` to decide scan-or-skip, then iterate `extract(blob)`, which
guarantees that the only exception to come out is ExtractionError.
"""

from __future__ import annotations

from typing import Callable, Iterator

from piiscan.extract.archive import extract_7z, extract_compressed, extract_tar, extract_zip
from piiscan.extract.docx import extract_docx
from piiscan.extract.html import extract_html
from piiscan.extract.mail import extract_eml, extract_mbox
from piiscan.extract.outlook import extract_msg, extract_pst
from piiscan.extract.pdf import extract_pdf
from piiscan.extract.tabular import extract_csv
from piiscan.extract.text import extract_text
from piiscan.extract.xlsx import extract_xlsx
from piiscan.model import Blob, ErrorRecord, ExtractionError, Segment

# An extractor yields text Segments; a container also yields member Blobs and ErrorRecords
# for members it cannot hand over (encrypted, too large).
Extractor = Callable[[Blob], Iterator["Segment | Blob | ErrorRecord"]]

# (extractor, library named in error messages, suffixes). ".eml" gets its own extractor later.
_FORMATS: tuple[tuple[Extractor, str, tuple[str, ...]], ...] = (
    (extract_text, "text", (".txt", ".text", ".md", ".log", ".json", ".jsonl", ".ndjson", ".xml",
                            ".yaml", ".yml", ".sql", ".ini", ".cfg", ".conf", ".vcf", ".ics", ".ldif")),
    (extract_html, "html.parser", (".html", ".htm")),
    (extract_csv, "csv", (".csv", ".tsv")),
    (extract_pdf, "pypdfium2", (".pdf",)),
    (extract_docx, "python-docx", (".docx",)),
    (extract_xlsx, "openpyxl", (".xlsx", ".xlsm")),
    # Containers: they hand back member Blobs (and error records) besides text.
    (extract_zip, "zipfile", (".zip",)),
    (extract_tar, "tarfile", (".tar", ".tgz", ".tbz2", ".txz")),
    (extract_compressed, "gzip/bz2/lzma", (".gz", ".bz2", ".xz")),
    (extract_7z, "py7zr", (".7z",)),
    (extract_eml, "email", (".eml",)),
    (extract_msg, "olefile", (".msg",)),
    (extract_pst, "libpff", (".pst", ".ost")),
    (extract_mbox, "mailbox", (".mbox", ".mbx")),
)
# Formats named by the container that produced the Blob, not by a file name.
KINDS: dict[str, Extractor] = {"message": extract_eml, "mail-file": extract_eml}

EXTRACTORS: dict[str, Extractor] = {s: fn for fn, _, suffixes in _FORMATS for s in suffixes}
_LIBRARY: dict[Extractor, str] = {fn: library for fn, library, _ in _FORMATS}

MAX_MESSAGE = 200


def extractor_for(blob: Blob) -> Extractor | None:
    """The extractor for the blob's kind or suffix, or None for a format we do not read."""
    if blob.kind is not None:
        return KINDS.get(blob.kind)
    return EXTRACTORS.get(blob.suffix)


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    detail = text[0][:MAX_MESSAGE] if text else ""
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def extract(blob: Blob) -> Iterator[Segment]:
    """Segments of the blob. Raises only ExtractionError: kind "unsupported" when no extractor
    fits, "binary" for binary content in a text format (both skips, not errors), "unreadable"
    for I/O errors, "encrypted", and "corrupt" for anything a parser library throws."""
    fn = extractor_for(blob)
    if fn is None:
        raise ExtractionError("unsupported", f"no extractor for {blob.suffix or 'files without suffix'}")
    segments = None
    try:
        segments = fn(blob)
        yield from segments
    except ExtractionError:
        raise
    except OSError as exc:
        raise ExtractionError("unreadable", _short(exc)) from exc
    # Parsers fed hostile files fail in every way, deep recursion and exhausted memory included;
    # one bad file must not end the run.
    except Exception as exc:
        raise ExtractionError("corrupt", f"{_LIBRARY.get(fn, fn.__name__)}: {_short(exc)}") from exc
    finally:
        close = getattr(segments, "close", None)
        if close is not None:
            close()
