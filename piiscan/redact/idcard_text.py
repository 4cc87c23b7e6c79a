"""Text helpers for ID-document copies: OCR-tolerant normalisation, approximate search, and
where in a line's box a run of characters stands.

OCR of printed numbers confuses a few letters and digits (O/0, I/1, S/5, B/8, Z/2); values are
compared in a "folded" form where each confusable pair is one character, so "XA0000014" on
the page matches "XAOOOO014" read from it.
"""

from __future__ import annotations

import unicodedata

Box = tuple[float, float, float, float]
Quad = tuple[tuple[float, float], ...]  # four corners, clockwise from the top left

# Letters OCR mistakes for digits, folded onto the digit.
_FOLD = str.maketrans({"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "|": "1", "S": "5", "B": "8", "Z": "2", "G": "6"})


def plain(text: str) -> str:
    """Lower case, accents removed, NFKC: for keyword search."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def alnum_index(text: str) -> tuple[str, list[int]]:
    """The letters and digits of `text`, upper case and folded, with the offset in `text` of each."""
    chars, offsets = [], []
    for i, c in enumerate(unicodedata.normalize("NFKC", text)):
        if c.isalnum() and c.isascii():
            chars.append(c.upper())
            offsets.append(i)
    return "".join(chars).translate(_FOLD), offsets


def fold(value: str) -> str:
    return alnum_index(value)[0]


def approx_find(haystack: str, needle: str, max_edits: int) -> list[tuple[int, int]]:
    """(start, end) of the parts of `haystack` within `max_edits` edits (Levenshtein) of
    `needle`, overlapping hits merged (Sellers' algorithm: O(len(needle) * len(haystack)),
    for short strings: values against OCR lines)."""
    m, n = len(needle), len(haystack)
    if not m or not n:
        return []
    if max_edits <= 0:
        spans, pos = [], haystack.find(needle)
        while pos >= 0:
            spans.append((pos, pos + m))
            pos = haystack.find(needle, pos + 1)
        return _disjoint(spans)
    cost = [0] * (n + 1)  # an alignment may start anywhere in the haystack
    origin = list(range(n + 1))
    for i in range(1, m + 1):
        ch = needle[i - 1]
        current, current_origin = [i] + [0] * n, [0] + [0] * n
        for j in range(1, n + 1):
            best, start = cost[j - 1] + (ch != haystack[j - 1]), origin[j - 1]
            if cost[j] + 1 < best:
                best, start = cost[j] + 1, origin[j]
            if current[j - 1] + 1 < best:
                best, start = current[j - 1] + 1, current_origin[j - 1]
            current[j], current_origin[j] = best, start
        cost, origin = current, current_origin
    spans = [(origin[j], j) for j in range(1, n + 1) if cost[j] <= max_edits and j > origin[j]]
    return _disjoint(sorted(spans))


def _disjoint(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def longest_common_run(a: str, b: str) -> str:
    """The longest common substring of two short strings (an OCR line, an MRZ line)."""
    best, best_end = 0, 0
    previous = [0] * (len(b) + 1)
    for i, ca in enumerate(a, 1):
        current = [0] * (len(b) + 1)
        for j, cb in enumerate(b, 1):
            if ca == cb:
                current[j] = previous[j - 1] + 1
                if current[j] > best:
                    best, best_end = current[j], i
        previous = current
    return a[best_end - best:best_end]


def char_box(box: Box, length: int, start: int, end: int, margin: float = 0.5) -> Box:
    """The part of a line's box that characters start..end of a `length`-character line take,
    proportional to character offsets, widened by `margin` characters on each side and a
    quarter of the line height above and below (OCR boxes are tight, fonts are not monospaced)."""
    x0, y0, x1, y1 = box
    length = max(length, 1)
    per_char = (x1 - x0) / length
    pad = (y1 - y0) * 0.25
    return (
        max(x0, x0 + per_char * (start - margin)) - per_char * 0.2,
        y0 - pad,
        min(x1, x0 + per_char * (end + margin)) + per_char * 0.2,
        y1 + pad,
    )


def union(boxes) -> Box:
    boxes = list(boxes)
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def bounds(quad: Quad) -> Box:
    xs, ys = [p[0] for p in quad], [p[1] for p in quad]
    return (min(xs), min(ys), max(xs), max(ys))


def clip(box: Box, width: int, height: int) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = box
    return (max(0, int(x0)), max(0, int(y0)), min(width, int(round(x1 + 0.5))), min(height, int(round(y1 + 0.5))))


def overlap(a: Box, b: Box) -> float:
    """Intersection area over the smaller box's area."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return w * h / smaller if smaller > 0 else 0.0
