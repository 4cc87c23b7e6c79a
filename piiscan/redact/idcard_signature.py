"""The signature on an ID-document view: where to mask it.

Under a "Handtekening / Signature / Unterschrift" label (about nine label heights deep, a
third of the document wide); without a readable label, under the portrait (0.45 portrait
heights), where Belgian, Dutch and most ICAO layouts put it. Both areas stop at printed text
(confident OCR lines of ordinary height) and at the MRZ, and grow over the scribbles OCR
reports in them (low confidence, or a line much taller than print) and, under a label, over
whatever OCR reads right under it (a neat cursive signature reads like print). More than two
lines naming a signature are running text (a passport's multilingual notes page), not labels. A signature elsewhere,
without a label, is found only when OCR reads it as the holder's name (`signed_names`).
"""

from __future__ import annotations

import re

from piiscan.redact.idcard_faces import clip_by_text
from piiscan.redact.idcard_text import Box, alnum_index, approx_find, char_box, plain, union

_SIGNATURE_LABEL = re.compile(r"hand ?t[eo]k[eo]n|signat|unterschr|firma\b|podpis")
MAX_LABELS = 2  # more lines naming a signature than this: running text, not labels


def signature_areas(lines, skip: set[int], mrz_boxes: list[Box], portraits: list[Box], width: int, height: int) -> list[tuple[Box, str]]:
    """(area, "label" or "layout") for each signature on a view `width` x `height`: under each
    signature label, else under the first portrait; both stop at printed text and the MRZ,
    and grow over the scribbles OCR reads there. `skip`: indices of the MRZ lines."""
    out = []
    printed = _printed(lines, skip)
    scribbles = [line.box for i, line in enumerate(lines) if i not in skip and i not in printed]
    stops = [lines[i].box for i in printed] + list(mrz_boxes)
    written = {lines[i].box for i in printed if _could_be_handwritten(lines[i].text)}
    labels = [i for i, line in enumerate(lines) if i not in skip and _SIGNATURE_LABEL.search(plain(line.text))
              and line.box[2] - line.box[0] > line.box[3] - line.box[1]]  # level text, not a page turned on its side
    if len(labels) > MAX_LABELS:
        labels = []  # running text about signatures (a passport's notes page), not a field label
    for index in labels:
        line = lines[index]
        text = plain(line.text)
        match = _SIGNATURE_LABEL.search(text)
        label = char_box(line.box, len(text), _phrase_start(text, match.start()), match.end(), margin=0)
        h = line.box[3] - line.box[1]
        if index not in printed:
            h = min(h, 30.0)
        below = line.box[3]
        area = (label[0] - h, below, label[0] + max(label[2] - label[0], width / 3), below + max(9 * h, 0.2 * height))
        core = (label[0], below + 1, label[0] + 1, below + 2)
        # What stands right under the label is the signature, even when OCR reads it well
        # (a neat cursive "Anna Maria Eriksson"): it does not stop the area, it is taken in —
        # unless it reads as a printed field (capitals, a date: "5: 01/01/1999").
        first = [b for b in stops if b in written and line.box[1] + 0.5 * h <= b[1] <= line.box[3] + 2.5 * h
                 and b[0] < area[2] and b[2] > area[0] and b not in mrz_boxes
                 and b[2] - b[0] <= 1.5 * (area[2] - area[0]) and b[3] - b[1] <= 3 * h]
        own_stops = [b for b in stops if b is not line.box and b not in first]
        taken = _take_in(clip_by_text(area, core, own_stops), scribbles)
        out.append((union([taken] + first) if first else taken, "label"))
    if not out and portraits:
        p = portraits[0]
        top = p[3]
        # a label line right under the portrait (a signature label OCR garbled) is stepped over
        for b in stops:
            if b[0] < p[2] and b[2] > p[0] and p[3] - 2 <= b[1] <= p[3] + 1.5 * (b[3] - b[1]):
                top = max(top, b[3] + 2)
        area = (p[0], top, p[2], top + 0.45 * (p[3] - p[1]))
        out.append((_take_in(clip_by_text(area, (p[0], top, p[2], top + 1), stops), scribbles), "layout"))
    return out


def _could_be_handwritten(text: str) -> bool:
    """A line OCR read well that may still be a signature: some small letters, no date or
    number (printed field values are capitals or digits)."""
    return any(c.islower() for c in text) and sum(c.isdigit() for c in text) < 2


def _printed(lines, skip) -> set[int]:
    """Lines that read as print: confident, and not much taller than the usual line (a
    signature OCR reads as "DAM" is tall)."""
    heights = sorted(line.box[3] - line.box[1] for i, line in enumerate(lines) if i not in skip)
    usual = heights[len(heights) // 2] if heights else 0
    return {i for i, line in enumerate(lines)
            if i not in skip and line.confidence >= 0.6 and line.box[3] - line.box[1] <= 1.8 * usual}


def _take_in(area: Box, scribbles: list[Box]) -> Box:
    """The area grown over the scribbles that start inside it."""
    depth = area[3] - area[1]
    inside = [b for b in scribbles if area[0] <= (b[0] + b[2]) / 2 <= area[2]
              and area[1] - 0.5 * (b[3] - b[1]) <= b[1] <= area[3] and b[3] <= area[3] + 0.5 * depth]
    if not inside:
        return area
    grown = union([area] + inside)
    # never over printed text to the side: only as wide as the area itself
    return (area[0], grown[1], area[2], grown[3])


def _phrase_start(text: str, position: int) -> int:
    """Where the label phrase holding `position` starts: after the previous wide gap, or 0."""
    gap = text.rfind("  ", 0, position)
    return gap + 2 if gap >= 0 else 0


def signed_names(lines, skip: set[int], surname: str, given: list[str]) -> list[Box]:
    """Lines that read as the holder signing: the surname and a given name (from the MRZ) in
    mixed case ("Anna Maria Eriksson", "Sven Specimen"). The printed name fields are in
    capitals, or hold the surname and the given names on separate lines, and stay readable."""
    surname = alnum_index(surname)[0]
    given = [alnum_index(g)[0] for g in given if len(g) >= 3]
    if len(surname) < 3 or not given:
        return []
    boxes = []
    for index, line in enumerate(lines):
        letters = [c for c in line.text if c.isalpha()]
        if index in skip or not any(c.islower() for c in letters) or not any(c.isupper() for c in letters):
            continue
        folded = alnum_index(line.text)[0]
        surnames = approx_find(folded, surname, 1 if len(surname) > 4 else 0)
        givens = [span for g in given for span in approx_find(folded, g, 1 if len(g) >= 4 else 0)]
        # the surname and a given name side by side, not one word read as both
        if any(a[1] <= b[0] or b[1] <= a[0] for a in surnames for b in givens):
            x0, y0, x1, y1 = line.box
            pad = 0.3 * (y1 - y0)
            boxes.append((x0 - pad, y0 - pad, x1 + pad, y1 + pad))
    return boxes
