"""Machine-readable zones in OCR output, read the way OCR gets them wrong.

OCR engines confuse O and 0 in numeric fields, put spaces inside a line, read '<<' as '«',
drop or add a '<' in a run of fillers and read a name's 'E' as 'É'. This module cleans each
candidate line, fixes characters by what the field at that position may hold (digits in dates
and check digits, letters in country codes and names), pads or trims filler runs to the
line's length, and keeps a reading only when every ICAO 9303 check digit then holds
(piiscan/detect/mrz.py). A reading that fails stays as OCR gave it.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass

from piiscan.detect import mrz as mrz_check

ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<")

# (lines, characters per line), tried longest first so a TD3 line is never read as TD2.
FORMATS = {"TD3": (2, 44), "TD2": (2, 36), "TD1": (3, 30)}
_VALIDATORS = {"TD1": mrz_check.valid_td1, "TD2": mrz_check.valid_td2, "TD3": mrz_check.valid_td3}
# How far from its format's length a cleaned OCR line may be and still be tried. A name line
# (no check digit covers it) may lose more of its trailing fillers: down to NAME_MIN_SHARE of
# its length; the other line(s) of the zone must still pass every check.
LENGTH_SLACK = 4
NAME_MIN_SHARE = 0.4
_NAME_LINE = {"TD1": 2, "TD2": 0, "TD3": 0}

# The first letter of the document code, per format: passports (and visas of passport
# size) and identity cards, residence cards and visas (ICAO 9303 parts 4-7).
DOCUMENT_CODES = {"TD3": "PV", "TD2": "IACV", "TD1": "IAC"}

# What each position may hold: N digits (dates, check digits; '<' too), A letters (codes,
# countries, names), X either (document numbers, optional data), '.' left alone (sex).
_FIELDS = {
    "TD1": ("AAAAAXXXXXXXXXNXXXXXXXXXXXXXXX", "NNNNNNN.NNNNNNNAAAXXXXXXXXXXXN", "A" * 30),
    "TD2": ("A" * 36, "XXXXXXXXXNAAANNNNNNN.NNNNNNNXXXXXXXN"),
    "TD3": ("A" * 44, "XXXXXXXXXNAAANNNNNNN.NNNNNNNXXXXXXXXXXXXXXNN"),
}
_TO_DIGIT = str.maketrans("OQDUILZSGBT", "00001125687")
_TO_LETTER = str.maketrans("012586", "OIZSBG")

# Characters OCR writes for '<' (after NFKD, upper-casing): '«' is two of them.
_FILLER_LOOKALIKES = str.maketrans({"«": "<<", "‹": "<", "≤": "<", "〈": "<", "＜": "<", "(": "<", "[": "<", "{": "<"})
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class MrzRead:
    first: int  # index of its first line in the lines given
    count: int  # how many lines of the input it replaces
    format: str  # "TD1", "TD2" or "TD3"
    lines: tuple[str, ...]  # the valid machine-readable lines

    @property
    def document_code(self) -> str:
        return self.lines[0][:2]

    @property
    def issuing_state(self) -> str:
        return self.lines[0][2:5]

    @property
    def document_number(self) -> str:
        """The document number, with a Belgian eID's overflow into the optional data."""
        if self.format == "TD1":
            number, digit, optional = self.lines[0][5:14], self.lines[0][14], self.lines[0][15:30]
        else:
            line = self.lines[1]
            number, digit = line[0:9], line[9]
            optional = line[28:35] if self.format == "TD2" else ""
        if digit == "<" and optional:
            return number + optional.split("<", 1)[0][:-1]
        return number.rstrip("<")


def clean(text: str) -> str:
    """An OCR line as MRZ characters: accents dropped, upper case, no spaces, filler
    look-alikes as '<'. Other characters stay (and make the line fail)."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub("", plain.upper().translate(_FILLER_LOOKALIKES))


def _plausible(line: str, width: int, name_line: bool = False) -> bool:
    shortest = width * NAME_MIN_SHARE if name_line else width - LENGTH_SLACK
    if not line or not shortest <= len(line) <= width + LENGTH_SLACK:
        return False
    return sum(c in ALPHABET for c in line) >= 0.9 * len(line)


def _by_field(line: str, fields: str) -> str:
    out = []
    for ch, kind in zip(line, fields):
        if kind == "N" and ch != "<":
            ch = ch.translate(_TO_DIGIT)
        elif kind == "A" and ch != "<":
            ch = ch.translate(_TO_LETTER)
        out.append(ch)
    return "".join(out)


def _fit(line: str, width: int, max_variants: int = 8) -> list[str]:
    """Ways to make a line `width` long by growing or shrinking its runs of '<' (OCR
    miscounts long filler runs), trailing run first; the line itself if it fits."""
    line = "".join(c for c in line if c in ALPHABET)
    diff = width - len(line)
    if diff == 0:
        return [line]
    runs = [m for m in re.finditer("<+", line)]
    variants = []
    if diff > 0:
        if not runs or runs[-1].end() != len(line):
            variants.append(line + "<" * diff)  # lost fillers at the end of the line
        for run in reversed(runs):
            variants.append(line[:run.end()] + "<" * diff + line[run.end():])
    else:
        for run in reversed(runs):
            if run.end() - run.start() > -diff:
                variants.append(line[:run.start()] + line[run.start() - diff:])
    return variants[:max_variants]


def _doc_number_variants(line: str, fields: str) -> list[str]:
    """The line as is and with O read as 0 in its X fields (document numbers hold digits
    far more often than the letter O; Dutch ones never hold an O)."""
    alt = "".join("0" if (kind == "X" and ch == "O") else ch for ch, kind in zip(line, fields))
    return [line] if alt == line else [line, alt]


def read_group(lines: list[str], fmt: str) -> tuple[str, ...] | None:
    """The valid MRZ that these OCR lines (cleaned) hold in format `fmt`, or None."""
    count, width = FORMATS[fmt]
    fields = _FIELDS[fmt]
    validate = _VALIDATORS[fmt]
    options = []
    for line, line_fields in zip(lines, fields):
        fitted = [_by_field(v, line_fields) for v in _fit(line, width)]
        options.append([w for v in dict.fromkeys(fitted) for w in _doc_number_variants(v, line_fields)])
    for combo in itertools.islice(itertools.product(*options), 512):
        # The check digits cover only some lines (a TD3 name line not at all): the document
        # code must also be one for this format.
        if combo[0][0] in DOCUMENT_CODES[fmt] and validate(list(combo)):
            return tuple(combo)
    return None


def find_mrz(lines: list[str]) -> list[MrzRead]:
    """Every machine-readable zone on consecutive lines whose check digits hold after the
    OCR repairs above, in line order."""
    cleaned = [clean(line) for line in lines]
    found = []
    i = 0
    while i < len(cleaned):
        for fmt, (count, width) in FORMATS.items():
            group = cleaned[i:i + count]
            plausible = all(_plausible(g, width, n == _NAME_LINE[fmt]) for n, g in enumerate(group))
            if len(group) == count and plausible and any("<" in g for g in group):
                read = read_group(group, fmt)
                if read is not None:
                    found.append(MrzRead(i, count, fmt, read))
                    i += count
                    break
        else:
            i += 1
    return found


def repair_lines(lines: list[str]) -> list[str]:
    """The lines with each machine-readable zone replaced by its valid reading."""
    out = list(lines)
    for read in reversed(find_mrz(lines)):
        out[read.first:read.first + read.count] = read.lines
    return out
