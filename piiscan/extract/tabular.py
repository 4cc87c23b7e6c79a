"""CSV and TSV: one Segment per cell, addressed like a spreadsheet so a reviewer finds it in Excel.

The column header travels as context: a 9-digit number under "BSN" or "Rijksregisternummer" is
far more telling than the same number alone.
"""

from __future__ import annotations

import csv
import re
from typing import Iterator, Sequence

from piiscan.extract.text import open_text
from piiscan.model import Blob, ExtractionError, Location, Segment

# ';' is what Excel writes in Belgian and Dutch locales, where ',' is the decimal separator.
DELIMITERS = ",;\t|"
SNIFF_SIZE = 16 * 1024
MAX_HEADER_LEN = 80

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_LONG_DIGITS = re.compile(r"\d{6,}")  # IBANs, phone and ID numbers; headers rarely hold these


def column_letters(n: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA."""
    letters = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def looks_like_header(values: Sequence[object]) -> bool:
    """True when every non-empty value is a short string with a letter and nothing that looks
    like data (a number, a date cell, an e-mail address, a long run of digits)."""
    present = [v for v in values if v is not None and not (isinstance(v, str) and not v.strip())]
    if not present:
        return False
    for value in present:
        if not isinstance(value, str):  # numbers and dates from spreadsheets are data
            return False
        text = value.strip()
        if len(text) > MAX_HEADER_LEN or not any(ch.isalpha() for ch in text):
            return False
        if _EMAIL.search(text) or _LONG_DIGITS.search(text):
            return False
    return True


def sniff_delimiter(sample: str, default: str) -> str:
    if default == "\t" and "\t" in sample.split("\n", 1)[0]:
        return "\t"
    # Sniff whole lines only: a half line at the end of the sample confuses the consistency count.
    cut = sample.rfind("\n")
    if cut > 0:
        sample = sample[: cut + 1]
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        pass
    first = sample.split("\n", 1)[0]
    best = max(DELIMITERS, key=first.count)
    return best if first.count(best) else default


def extract_csv(blob: Blob) -> Iterator[Segment]:
    """Segment per non-empty cell: line = physical line where the record starts, cell = "B7"
    (row = 1-based record number, header included), context = column header if row 1 is one."""
    default = "\t" if blob.suffix == ".tsv" else ","
    with blob.open() as raw, open_text(raw) as text:
        delimiter = sniff_delimiter(text.read(SNIFF_SIZE), default)
        text.seek(0)
        reader = csv.reader(text, delimiter=delimiter)
        header: list[str] = []
        line = 1
        try:
            for row_no, row in enumerate(reader, start=1):
                if row_no == 1 and looks_like_header(row):
                    header = [cell.strip() for cell in row]
                for col, value in enumerate(row, start=1):
                    if not value.strip():
                        continue
                    context = header[col - 1] if row_no > 1 and col <= len(header) else ""
                    yield Segment(value, Location(line=line, cell=f"{column_letters(col)}{row_no}"), context)
                line = reader.line_num + 1
        except csv.Error as exc:
            raise ExtractionError("corrupt", f"csv: {exc} (line {reader.line_num})") from exc
