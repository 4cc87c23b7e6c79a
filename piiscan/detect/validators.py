"""Checksum and format validators, by the name a rule gives in its `validator:` field.

Each validator takes the matched text and returns its canonical form (what keyed hashes are
computed on, so '0470/12.34.56' and '+32 470 12 34 56' are one number) or None when the text
is not a valid identifier. Checks come from python-stdnum, phonenumbers, schwifty and the
standard library; only MRZ (no permissive library) is our own code.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from functools import lru_cache
from typing import Callable

import phonenumbers
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from stdnum import luhn
from stdnum.be import bis as be_bis
from stdnum.be import eid as be_eid
from stdnum.be import nn as be_nn
from stdnum.be import vat as be_vat
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError
from stdnum.nl import bsn as nl_bsn
from stdnum.nl import identiteitskaartnummer as nl_idnr

from piiscan.detect import mrz as mrz_check

Validator = Callable[[str], "str | None"]

_SEPARATORS = re.compile(r"[\s.\-/()]")


def _digits(text: str) -> str:
    return _SEPARATORS.sub("", text)


def email(text: str) -> str | None:
    local, _, domain = text.rpartition("@")
    if not local or ".." in text or local.startswith(".") or local.endswith("."):
        return None
    return text.lower() if _known_suffix(domain.lower()) else None


@lru_cache(maxsize=4096)
def _known_suffix(domain: str) -> bool:
    return bool(_tld_extractor()(domain).suffix)


@lru_cache(maxsize=1)
def _tld_extractor():
    import tldextract

    # No cache dir and no URLs: use the public-suffix snapshot bundled with tldextract,
    # never the network (FACTS.md: it otherwise tries to download on first use).
    return tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True)


_PHONE_REGIONS = ("BE", "NL")


# "09.06.2023" and "09-09-2022" are dates, whatever phonenumbers thinks of them.
_DATE_SHAPE = re.compile(r"\d{1,2}([./-])\d{1,2}\1(?:19|20)\d{2}")


_NOT_DIGIT = re.compile(r"\D")
_COUNTRY_CODES = {"32": 32, "31": 31}


@lru_cache(maxsize=65536)
def phone(text: str) -> str | None:
    digits = _NOT_DIGIT.sub("", text.replace("(0)", ""))
    if not 8 <= len(digits) <= 15 or _DATE_SHAPE.fullmatch(text.strip()):
        return None
    # Belgian and Dutch numbers: the regex already isolated the digits, so build the number
    # directly; phonenumbers' parse() is five times slower than its validity check.
    if text[0] == "0" and text[1:2] != "0":
        if not 9 <= len(digits) <= 10:
            return None  # national numbers: 9 or 10 digits in Belgium and the Netherlands
        for code in (32, 31):
            if phonenumbers.is_valid_number(phonenumbers.PhoneNumber(country_code=code, national_number=int(digits[1:]))):
                return f"+{code}{digits[1:]}"
        return None
    international = digits[2:] if text.startswith("00") else digits
    code = _COUNTRY_CODES.get(international[:2])
    if text[0] in "+0" and code is not None and international[2:3] != "0":
        number = phonenumbers.PhoneNumber(country_code=code, national_number=int(international[2:]))
        return f"+{international}" if phonenumbers.is_valid_number(number) else None
    for region in _PHONE_REGIONS:
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            return None
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if text.lstrip().startswith(("+", "00")):
            break  # an international number has one reading only
    return None


def iban(text: str) -> str | None:
    try:
        return str(IBAN(text, validate_bban=False).compact)
    except (SchwiftyException, ValueError):
        return None


def be_national_number(text: str) -> str | None:
    number = _digits(text)
    if be_nn.is_valid(number) or be_bis.is_valid(number):
        return number
    return None


def nl_bsn_number(text: str) -> str | None:
    number = _digits(text)
    return number if len(number) == 9 and nl_bsn.is_valid(number) else None


def be_enterprise_number(text: str) -> str | None:
    number = _digits(text)
    return number if len(number) == 10 and be_vat.is_valid(number) else None


def vat(text: str) -> str | None:
    number = _digits(text).upper()
    try:
        return eu_vat.validate(number)
    except ValidationError:
        return None


def nl_kvk(text: str) -> str | None:
    number = _digits(text)
    # No check digit exists; reject only numbers no registry would issue.
    if len(number) != 8 or len(set(number)) == 1:
        return None
    return number


_BE_PASSPORT = re.compile(r"[A-Z]{2}\d{6}")


def id_document(text: str) -> str | None:
    compact = _digits(text).upper()
    if compact.isdigit():
        return compact if be_eid.is_valid(compact) else None
    if nl_idnr.is_valid(compact):
        return compact
    if _BE_PASSPORT.fullmatch(compact):
        return compact
    return None


def mrz(text: str) -> str | None:
    lines = [line.strip() for line in text.splitlines()]
    return "\n".join(lines) if mrz_check.valid_mrz(lines) else None


# Issuer prefixes of the major schemes: Luhn alone passes one random number in ten.
_CARD_PREFIX = re.compile(r"4|5[1-5]|2[2-7]|3[47]|6011|65|64[4-9]|35|36|30[0-5]|38|39|5018|5020|5038|6304|67")


def credit_card(text: str) -> str | None:
    number = _digits(text)
    if not 13 <= len(number) <= 19 or not _CARD_PREFIX.match(number):
        return None
    return number if luhn.is_valid(number) else None


def ip_address(text: str) -> str | None:
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if address.version == 4 and text.count(".") == 3 and any(p != "0" and p.startswith("0") for p in text.split(".")):
        return None  # '01.02.03.04' is a date or reference, not how addresses are written
    if address.is_unspecified or (address.version == 4 and str(address).endswith(".0.0")):
        return None
    return str(address)


_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("januari", "janvier", "january", "jan"),
            ("februari", "février", "february", "feb", "fév"),
            ("maart", "mars", "march", "mrt", "mar"),
            ("april", "avril", "apr", "avr"),
            ("mei", "mai", "may"),
            ("juni", "juin", "june", "jun"),
            ("juli", "juillet", "july", "jul"),
            ("augustus", "août", "august", "aug"),
            ("september", "septembre", "sep", "sept"),
            ("oktober", "octobre", "october", "okt", "oct"),
            ("november", "novembre", "nov"),
            ("december", "décembre", "dec", "déc"),
        ],
        start=1,
    )
    for name in names
}
_WORD = re.compile(r"[^\W\d_]+")
_NUMBER = re.compile(r"\d+")


def birth_date(text: str) -> str | None:
    numbers = [int(n) for n in _NUMBER.findall(text)]
    words = [w.lower() for w in _WORD.findall(text) if w.lower() not in ("er", "st", "nd", "rd", "th")]
    try:
        if words:
            month = _MONTHS[words[0]]
            day, year = (numbers[0], numbers[1]) if numbers[1] > 31 else (numbers[1], numbers[0])
        elif numbers[0] > 31:
            year, month, day = numbers
        else:
            day, month, year = numbers
        born = dt.date(year, month, day)
    except (KeyError, IndexError, ValueError):
        return None
    if not dt.date(1900, 1, 1) <= born <= dt.date.today():
        return None
    return born.isoformat()


VALIDATORS: dict[str, Validator] = {
    "email": email,
    "phone": phone,
    "iban": iban,
    "be_national_number": be_national_number,
    "nl_bsn": nl_bsn_number,
    "be_enterprise_number": be_enterprise_number,
    "vat": vat,
    "nl_kvk": nl_kvk,
    "id_document": id_document,
    "mrz": mrz,
    "credit_card": credit_card,
    "ip_address": ip_address,
    "birth_date": birth_date,
}


def prepare(name: str | None) -> None:
    """Load what a validator needs before the first file, not during it: reading the
    public-suffix list costs ~0.2 s once per process."""
    if name == "email":
        _known_suffix("example.com")


def get_validator(name: str | None) -> Validator:
    if name is None:
        return lambda text: text
    try:
        return VALIDATORS[name]
    except KeyError:
        raise KeyError(f"unknown validator {name!r}; known: {', '.join(sorted(VALIDATORS))}") from None
