"""CSV and TSV, cell by cell, with the column header as context (as the scan reads them).

Rows without findings are written back as the exact characters they were read from, so
quoting, spacing and line endings stay as they were; a row with a finding is written again
with the file's own delimiter, quote character and line ending. Encoding and byte-order mark
are kept.
"""

from __future__ import annotations

import csv
import io
from typing import Iterator

from piiscan.extract.tabular import SNIFF_SIZE, column_letters, looks_like_header, sniff_delimiter
from piiscan.model import Blob, ExtractionError, Location
from piiscan.redact.formats import LogEntry, RedactedCopy
from piiscan.redact.formats.container import file_wide
from piiscan.redact.formats.text import decode_exactly, raw_texts  # noqa: F401 - raw_texts: as text
from piiscan.redact.text import TextRedaction


class _Recorder:
    """Hands lines to csv.reader and keeps the ones it took for the current row."""

    def __init__(self, lines: Iterator[str]):
        self.lines = lines
        self.taken: list[str] = []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self.lines)
        self.taken.append(line)
        return line


@file_wide  # a value found once is replaced wherever else it stands in the file
def redact(blob: Blob, redaction: TextRedaction) -> RedactedCopy:
    with blob.open() as stream:
        data = stream.read()
    text, codec = decode_exactly(data)
    delimiter = sniff_delimiter(text[:SNIFF_SIZE], "\t" if blob.suffix == ".tsv" else ",")
    lines = io.StringIO(text, newline="")
    recorder = _Recorder(iter(lines.readline, ""))
    reader = csv.reader(recorder, delimiter=delimiter)
    copy = RedactedCopy(b"")
    out: list[str] = []
    header: list[str] = []
    line = 1
    try:
        for row_no, row in enumerate(reader, start=1):
            raw = "".join(recorder.taken)
            recorder.taken = []
            if row_no == 1 and looks_like_header(row):
                header = [cell.strip() for cell in row]
            changed = False
            for col, value in enumerate(row):
                if not value.strip():
                    continue
                context = header[col] if row_no > 1 and col < len(header) else ""
                redacted, replacements = redaction.apply(value, context)
                if replacements:
                    row[col], changed = redacted, True
                    where = Location(line=line, cell=f"{column_letters(col + 1)}{row_no}")
                    copy.log.extend(LogEntry(r, where) for r in replacements)
            out.append(_write_row(row, raw, delimiter) if changed else raw)
            line += raw.count("\n") or 1
    except csv.Error as exc:
        raise ExtractionError("corrupt", f"csv: {exc} (line {line})") from exc
    copy.data = "".join(out).encode(codec, errors="replace")
    return copy


def _write_row(row: list[str], raw: str, delimiter: str) -> str:
    ending = "\r\n" if raw.endswith("\r\n") else ("\n" if raw.endswith("\n") else "")
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=ending).writerow(row)
    return buffer.getvalue()
