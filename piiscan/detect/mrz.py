"""ICAO 9303 machine-readable zones: check digits and line validation.

No permissive library checks MRZ (the `mrz` package is GPL-3.0); the check is a few lines.
"""

from __future__ import annotations

_WEIGHTS = (7, 3, 1)


def char_value(ch: str) -> int:
    if ch.isdigit():
        return int(ch)
    if "A" <= ch <= "Z":
        return ord(ch) - ord("A") + 10
    if ch == "<":
        return 0
    raise ValueError(f"not an MRZ character: {ch!r}")


def check_digit(field: str) -> str:
    """The ICAO 9303 check digit of an MRZ field (weights 7-3-1, '<' = 0, A=10..Z=35)."""
    return str(sum(char_value(c) * _WEIGHTS[i % 3] for i, c in enumerate(field)) % 10)


def _ok(field: str, digit: str) -> bool:
    try:
        return check_digit(field) == digit
    except ValueError:
        return False


def _doc_number_ok(number: str, digit: str, optional: str) -> bool:
    # Belgian eID numbers overflow the 9-character field: a '<' replaces the check digit
    # and the rest of the number plus its check digit open the optional data.
    if digit == "<":
        overflow = optional.split("<", 1)[0]
        return len(overflow) >= 2 and _ok(number + overflow[:-1], overflow[-1])
    return _ok(number, digit)


def valid_td1(lines: list[str]) -> bool:
    """Three lines of 30 characters (ID cards)."""
    if len(lines) != 3 or any(len(line) != 30 for line in lines):
        return False
    l1, l2 = lines[0], lines[1]
    return (
        _doc_number_ok(l1[5:14], l1[14], l1[15:30])
        and _ok(l2[0:6], l2[6])
        and _ok(l2[8:14], l2[14])
        and _ok(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29], l2[29])
    )


def valid_td2(lines: list[str]) -> bool:
    """Two lines of 36 characters (older ID cards, visas)."""
    if len(lines) != 2 or any(len(line) != 36 for line in lines):
        return False
    l2 = lines[1]
    return (
        _doc_number_ok(l2[0:9], l2[9], l2[28:35])
        and _ok(l2[13:19], l2[19])
        and _ok(l2[21:27], l2[27])
        and _ok(l2[0:10] + l2[13:20] + l2[21:35], l2[35])
    )


def valid_td3(lines: list[str]) -> bool:
    """Two lines of 44 characters (passports)."""
    if len(lines) != 2 or any(len(line) != 44 for line in lines):
        return False
    l2 = lines[1]
    personal_ok = _ok(l2[28:42], l2[42]) or (l2[28:43] == "<" * 15)
    return (
        _ok(l2[0:9], l2[9])
        and _ok(l2[13:19], l2[19])
        and _ok(l2[21:27], l2[27])
        and personal_ok
        and _ok(l2[0:10] + l2[13:20] + l2[21:43], l2[43])
    )


def valid_mrz(lines: list[str]) -> bool:
    return valid_td1(lines) or valid_td2(lines) or valid_td3(lines)
