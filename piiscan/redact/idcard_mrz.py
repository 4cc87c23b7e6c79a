"""The machine-readable zone on an ID-document image, from OCR lines.

A line is MRZ-like when nearly all its characters are in the MRZ alphabet (A-Z, 0-9, '<')
and it is long enough; MRZ-like lines on one row (OCR may split a line) and on consecutive
rows form a block (TD1: 3 x 30, TD2: 2 x 36, TD3: 2 x 44) with its boxes, which is what gets
masked. Its reading comes from piiscan.ocr.mrz_read (OCR repairs per position, kept when the
check digits then hold), else from the rows with their filler runs stretched to the width;
the fields give the document kind and the values that are also printed elsewhere on the
document: the document number and the personal/national number.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from piiscan.detect.mrz import valid_mrz
from piiscan.ocr.mrz_read import read_group
from piiscan.redact.idcard_text import Box, union

MRZ_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<")
_LOOKALIKES = str.maketrans({"«": "<<", "‹": "<", "＜": "<", "(": "<", "{": "<", "[": "<", "|": "I"})
_TO_LETTER = str.maketrans("012586", "OIZSBG")
FORMATS = {30: "TD1", 36: "TD2", 44: "TD3"}
_ROWS = {"TD1": 3, "TD2": 2, "TD3": 2}
_WIDTH = {"TD1": 30, "TD2": 36, "TD3": 44}
_LONE_FILLER = re.compile(r"(?:(?<=\s)|^)[«‹<](?=\s|$)")


def mrz_text(text: str) -> str:
    """The line in MRZ characters, spaces removed; a '«' standing alone between words is a
    separator in printed text ("IDENTITEITSKAART « CARTE"), not filler."""
    text = _LONE_FILLER.sub("·", unicodedata.normalize("NFKC", text))
    return re.sub(r"\s+", "", text.translate(_LOOKALIKES))


def is_mrz_like(text: str, min_length: int = 20) -> bool:
    """True for a line that reads like an MRZ line: at least `min_length` characters, nearly
    all in the MRZ alphabet, with filler ('<') or the digit density of a second line."""
    t = mrz_text(text)
    if len(t) < min_length:
        return False
    good = sum(c in MRZ_ALPHABET for c in t)
    if good < 0.9 * len(t):
        return False
    return t.count("<") >= 3 or sum(c.isdigit() for c in t) >= 10


def _is_fragment(text: str) -> bool:
    t = mrz_text(text)
    return len(t) >= 3 and t.count("<") >= 2 and all(c in MRZ_ALPHABET for c in t)


@dataclass
class MrzBlock:
    rows: list[str]  # the OCR text of each row, MRZ alphabet only
    boxes: list[Box]  # one per row
    format: str  # "TD1", "TD2", "TD3"
    lines: list[str] = field(default_factory=list)  # rows fitted to the format's width, OCR-fixed
    valid: bool = False  # every check digit holds

    @property
    def box(self) -> Box:
        return union(self.boxes)

    @property
    def complete(self) -> bool:
        return len(self.rows) >= _ROWS[self.format]

    @property
    def line_height(self) -> float:
        return max(b[3] - b[1] for b in self.boxes)

    @property
    def pitch(self) -> float:
        """Distance between rows, from the rows found (or 1.6 line heights)."""
        if len(self.boxes) >= 2:
            centres = sorted((b[1] + b[3]) / 2 for b in self.boxes)
            return (centres[-1] - centres[0]) / (len(centres) - 1)
        return 1.6 * self.line_height

    # Fields (empty when the block is too damaged to tell).
    @property
    def document_code(self) -> str:
        return self.lines[0][:2] if self.lines else ""

    @property
    def country(self) -> str:
        return self.lines[0][2:5].translate(_TO_LETTER) if self.lines else ""

    @property
    def document_number(self) -> str:
        """The document number, with a Belgian eID's overflow into the optional data."""
        if not self.lines:
            return ""
        if self.format == "TD1":
            l1 = self.lines[0]
            number, digit, optional = l1[5:14], l1[14], l1[15:30]
        else:
            l2 = self.lines[1]
            number, digit, optional = l2[0:9], l2[9], l2[28:35]
        if digit == "<":
            overflow = optional.split("<", 1)[0]
            if len(overflow) >= 2:
                number += overflow[:-1]
        return number.rstrip("<")

    @property
    def holder(self) -> tuple[str, list[str]]:
        """Surname and given names, as the MRZ spells them ("ERIKSSON", ["ANNA", "MARIA"])."""
        if not self.lines:
            return "", []
        field = self.lines[2] if self.format == "TD1" and len(self.lines) > 2 else self.lines[0][5:]
        surname, _, given = field.partition("<<")
        return surname.replace("<", " ").strip(), [g for g in given.split("<") if g]

    @property
    def personal_numbers(self) -> list[str]:
        """Optional data that holds a national number: the BSN of a Dutch passport (TD3
        personal number) or ID card (TD1 optional data 1), the Belgian national number (TD1
        optional data 2), whatever else a TD1/TD2's optional fields hold."""
        if not self.lines:
            return []
        out = []
        if self.format == "TD3":
            out.append(self.lines[1][28:42])
        elif self.format == "TD1":
            l1, l2 = self.lines[0], self.lines[1]
            optional1 = l1[15:30]
            if l1[14] == "<":  # Belgian overflow: the card number's tail, then '<'
                optional1 = optional1.split("<", 1)[1] if "<" in optional1 else ""
            out += [optional1, l2[18:29]]
        else:
            out.append(self.lines[1][28:35])
        values = []
        for value in out:
            for part in value.split("<"):
                if sum(c.isalnum() for c in part) >= 6:
                    values.append(part)
                    # A Swedish personnummer is YYYYMMDDNNNN in the MRZ, printed YYMMDD-NNNN.
                    if len(part) == 12 and part.isdigit() and part[:2] in ("19", "20"):
                        values.append(part[2:])
        return values


def find_mrz_blocks(lines) -> tuple[list[MrzBlock], list[int]]:
    """MRZ blocks among OCR lines (top to bottom), and the indices of every OCR line that is
    part of one (fragments on the same row included)."""
    candidates = [i for i, line in enumerate(lines) if is_mrz_like(line.text)]
    used: set[int] = set(candidates)
    rows: list[list[int]] = []
    for i in sorted(candidates, key=lambda i: (lines[i].box[1] + lines[i].box[3]) / 2):
        box = lines[i].box
        centre = (box[1] + box[3]) / 2
        for row in rows:
            other = lines[row[0]].box
            if abs(centre - (other[1] + other[3]) / 2) < 0.5 * (other[3] - other[1]):
                row.append(i)
                break
        else:
            rows.append([i])
    # Fragments ("<<<<<<<<") on a row already found belong to it.
    for j, line in enumerate(lines):
        if j in used or not _is_fragment(line.text):
            continue
        centre = (line.box[1] + line.box[3]) / 2
        for row in rows:
            other = lines[row[0]].box
            if abs(centre - (other[1] + other[3]) / 2) < 0.5 * (other[3] - other[1]):
                row.append(j)
                used.add(j)
                break
    blocks: list[MrzBlock] = []
    current: list[list[int]] = []
    for row in rows:
        if current and not _continues(lines, current[-1], row):
            blocks.append(_block(lines, current))
            current = []
        current.append(row)
    if current:
        blocks.append(_block(lines, current))
    return blocks, sorted(used)


def _continues(lines, previous: list[int], row: list[int]) -> bool:
    a = union(lines[i].box for i in previous)
    b = union(lines[i].box for i in row)
    height = max(a[3] - a[1], b[3] - b[1])
    horizontal = min(a[2], b[2]) - max(a[0], b[0])
    return b[1] - a[3] < 2.0 * height and horizontal > 0.5 * min(a[2] - a[0], b[2] - b[0])


def _block(lines, rows: list[list[int]]) -> MrzBlock:
    texts, boxes = [], []
    for row in rows:
        row = sorted(row, key=lambda i: lines[i].box[0])
        texts.append("".join(c for c in mrz_text("".join(lines[i].text for i in row)).upper() if c in MRZ_ALPHABET))
        boxes.append(union(lines[i].box for i in row))
    longest = max(len(t) for t in texts)
    if len(texts) >= 3 and longest <= 33:
        fmt = "TD1"
    else:
        fmt = min(FORMATS, key=lambda width: abs(width - longest))
        fmt = FORMATS[fmt]
        if fmt == "TD1" and len(texts) < 3 and texts[0][:1] == "P":
            fmt = "TD3"
    block = MrzBlock(texts, boxes, fmt)
    block.lines = _fit(texts, fmt)
    block.valid = bool(block.lines) and valid_mrz(block.lines)
    return block


def _fit(texts: list[str], fmt: str) -> list[str]:
    """The rows as `fmt` lines: the reading whose check digits hold after OCR repairs
    (piiscan.ocr.mrz_read), else the rows with filler runs stretched to the width (fields
    then still give the document number to look for); [] when rows are missing."""
    rows, width = _ROWS[fmt], _WIDTH[fmt]
    if len(texts) < rows:
        return []
    texts = texts[:rows] if fmt == "TD1" else texts[-rows:]
    repaired = read_group(texts, fmt)
    if repaired is not None:
        return list(repaired)
    return [_resize(text, width) for text in texts]


def _resize(text: str, width: int) -> str:
    """OCR drops or adds a '<' in long filler runs: the longest run absorbs the difference."""
    if len(text) == width:
        return text
    runs = [(m.end() - m.start(), m.start(), m.end()) for m in re.finditer("<+", text)]
    if runs:
        length, start, end = max(runs)
        if len(text) < width or length > len(text) - width:
            text = text[:start] + "<" * max(1, length + width - len(text)) + text[end:]
    return text[:width].ljust(width, "<")


def document_kind(block: MrzBlock) -> str:
    """What the MRZ says the document is: "BE eID", "NL passport", "ICAO TD1 (ESP)"..."""
    code, country = block.document_code, block.country
    if block.format == "TD3" and code[:1] == "P":
        return {"NLD": "NL passport", "BEL": "BE passport"}.get(country, f"ICAO TD3 passport ({country})")
    if block.format == "TD1":
        if country == "BEL" and code[:1] == "I":
            return "BE eID"
        if country == "NLD" and code in ("I<", "ID"):
            return "NL ID card"
        if country == "NLD":
            return "NL residence document"
        return f"ICAO TD1 ({country})"
    return f"ICAO {block.format} ({country})"
