"""Excel .xlsx/.xlsm via openpyxl in read-only mode (streams rows instead of building a DOM)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Iterator

import openpyxl

from piiscan.extract.docx import reject_ole
from piiscan.extract.tabular import column_letters, looks_like_header
from piiscan.model import Blob, Location, Segment

_ZERO_PADDED = re.compile(r"0+")


def render(value: object, number_format: str | None = None) -> str:
    """Cell value as a person reading the sheet sees it, as far as identifiers go: integers
    without ".0" (a BSN stored as a number), leading zeros kept when the format pads them,
    dates as ISO."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e20:
        value = int(value)
    if isinstance(value, int):
        text = str(value)
        # Format "000000000" is how a BSN with a leading zero survives as a number.
        if number_format and _ZERO_PADDED.fullmatch(number_format) and value >= 0:
            text = text.zfill(len(number_format))
        return text
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _sheet(ws) -> Iterator[Segment]:
    header: dict[int, str] = {}
    seen_content = False
    for row in ws.iter_rows():
        cells = [c for c in row if c.value is not None and c.value != ""]
        if not cells:
            continue
        # The first row with content, not literally row 1: many sheets start with blank rows.
        is_header = not seen_content and looks_like_header([c.value for c in cells])
        seen_content = True
        for cell in cells:
            text = render(cell.value, cell.number_format)
            if text.strip():
                address = f"{column_letters(cell.column)}{cell.row}"
                location = Location(sheet=ws.title, cell=address, line=cell.row)
                yield Segment(text, location, "" if is_header else header.get(cell.column, ""))
        if is_header:
            header = {c.column: str(c.value).strip() for c in cells}


def extract_xlsx(blob: Blob) -> Iterator[Segment]:
    """Segment per non-empty cell: sheet, cell "B7", line = row; context = column header."""
    with blob.open() as stream:
        reject_ole(stream)
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True, keep_links=False)
        try:
            for ws in workbook.worksheets:
                # Some exporters write a wrong <dimension> (often just "A1"); read-only mode
                # would trust it and silently drop every cell outside it.
                ws.reset_dimensions()
                yield from _sheet(ws)
        finally:
            workbook.close()
