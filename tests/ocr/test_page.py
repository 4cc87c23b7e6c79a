"""OCR boxes into rows: the page's text layout, upright and askew."""

from __future__ import annotations

import math

from piiscan.ocr.engine import OcrLine
from piiscan.ocr.page import rows


def test_boxes_on_one_line_become_one_row_read_left_to_right():
    lines = [OcrLine("Jan Peeters", (300, 12, 480, 40), 0.9), OcrLine("Naam:", (20, 10, 110, 38), 0.9),
             OcrLine("IBAN:", (20, 60, 100, 88), 0.9)]
    assert [row.text for row in rows(lines)] == ["Naam: Jan Peeters", "IBAN:"]


def test_a_page_scanned_askew_keeps_its_rows_apart():
    # Two rows of two boxes each, the page turned 3 degrees: the right-hand box of the first
    # row stands as low as the left-hand box of the second.
    slope = math.tan(math.radians(3))

    def box(x0, x1, y):
        return (x0, y + slope * x0, x1, y + slope * x1 + 24)

    lines = [OcrLine("Geboorteplaats", box(20, 300, 100), 0.9), OcrLine("Antwerpen", box(900, 1150, 100), 0.9),
             OcrLine("Rijksregisternummer", box(20, 380, 150), 0.9), OcrLine("85.07.30-033.28", box(900, 1180, 150), 0.9)]
    assert [row.text for row in rows(lines, skew=0.0)] != ["Geboorteplaats Antwerpen", "Rijksregisternummer 85.07.30-033.28"]
    assert [row.text for row in rows(lines, skew=math.radians(3))] == ["Geboorteplaats Antwerpen", "Rijksregisternummer 85.07.30-033.28"]


def test_whole_lines_keep_their_order():
    lines = [OcrLine("second block", (10, 200, 100, 220), 0.9), OcrLine("first", (10, 10, 100, 30), 0.9)]
    assert [row.text for row in rows(lines, skew=None)] == ["second block", "first"]
