"""Synthetic identifiers with valid checksums, for tests, sample data, benchmarks and pseudonyms.

Every generator takes a ``random.Random`` as its first argument and is deterministic given
that generator's state: the same seed gives the same values. Nothing here reads the clock.

Every value is checked before it is returned by the library that owns the format
(python-stdnum, phonenumbers, schwifty, or ``piiscan.detect.mrz``). Where stdnum offers a
function that computes check digits, it is used; where it only offers a validator, the check
digits are found by trying the candidates against that validator, so no checksum rule is
written out a second time here.

The values are synthetic: they are well-formed, but they are drawn at random and do not
describe anybody. IP addresses come from the documentation ranges (RFC 5737, RFC 3849).
"""

from __future__ import annotations

import datetime
import ipaddress
import random
import re
import string
import unicodedata
import warnings

import phonenumbers
from schwifty import BBAN, IBAN
from stdnum import iban as std_iban
from stdnum import luhn
from stdnum.be import bis as be_bis
from stdnum.be import eid as be_eid
from stdnum.be import iban as be_iban
from stdnum.be import nn as be_nn
from stdnum.be import ogm_vcs as be_ogm
from stdnum.be import vat as be_vat_mod
from stdnum.iso7064 import mod_97_10
from stdnum.nl import bsn as nl_bsn_mod
from stdnum.nl import btw as nl_btw
from stdnum.nl import identiteitskaartnummer as nl_idnr
from stdnum.nl import postcode as nl_postcode

from piiscan.detect.mrz import check_digit, valid_td1, valid_td2, valid_td3

__all__ = [
    "iban", "be_national_number", "be_bis_number", "nl_bsn", "be_enterprise_number",
    "be_vat", "nl_vat", "kvk", "be_eid_card_number", "nl_id_document_number",
    "be_passport_number", "credit_card", "phone_be", "phone_nl", "ipv4", "ipv6", "ogm",
    "mrz_td1", "mrz_td2", "mrz_td3", "mrz_name", "person", "address", "street_name", "email",
    "birth_date", "LOCALES", "PARTICLES", "BE_PHONE_STYLES", "NL_PHONE_STYLES",
]

LOCALES = ("nl_NL", "nl_BE", "fr_BE", "en_GB")

# A fixed reference day, so that nothing depends on when the generator runs.
REFERENCE_DATE = datetime.date(2025, 1, 1)


def _digits(rng: random.Random, n: int, first_nonzero: bool = False) -> str:
    out = [rng.choice(string.digits) for _ in range(n)]
    if first_nonzero and n:
        out[0] = rng.choice("123456789")
    return "".join(out)


def _group(s: str, sizes: tuple[int, ...], sep: str = " ") -> str:
    parts, i = [], 0
    for size in sizes:
        parts.append(s[i:i + size])
        i += size
    if i < len(s):
        parts.append(s[i:])
    return sep.join(p for p in parts if p)


# --------------------------------------------------------------------------------------------
# Bank accounts
# --------------------------------------------------------------------------------------------

# Belgian bank codes (first three BBAN digits) of large retail banks; each one is checked
# against both stdnum's and schwifty's bank registries when used.
_BE_BANK_CODES = (
    "001", "068", "063", "310", "320", "340", "363", "735", "737", "750", "751", "973",
    "979", "523", "143", "210", "220", "230", "290", "645", "083", "091",
)
_NL_BANK_CODES = ("ABNA", "INGB", "RABO", "TRIO", "SNSB", "ASNB", "KNAB", "BUNQ", "RBRB")
_DE_BANK_CODES = ("37040044", "10070000", "50010517", "12030000", "20041133", "70150000",
                  "60050101", "10010010", "76050101", "30050110")
_FR_BANK_CODES = ("30004", "30003", "20041", "10278", "30002", "11315", "16006", "30066")
_LU_BANK_CODES = ("001", "002", "003", "014", "019", "030", "060")


def _schwifty_ok(value: str, national: bool) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            IBAN(value).validate(validate_bban=national)
        except Exception:  # noqa: BLE001 - any schwifty error means "not valid"
            return False
    return True


def _iban_from_bban(country: str, bban: str) -> str:
    check = std_iban.calc_check_digits(country + "00" + bban)
    return country + check + bban


def _iban_be(rng: random.Random) -> str:
    while True:
        bank = rng.choice(_BE_BANK_CODES)
        account = _digits(rng, 7)
        bban = str(BBAN.from_components("BE", bank_code=bank, account_code=account))
        value = _iban_from_bban("BE", bban)
        if (be_iban.is_valid(value) and _schwifty_ok(value, True)
                and IBAN(value).bic is not None):
            return value


def _iban_nl(rng: random.Random) -> str:
    while True:
        bank = rng.choice(_NL_BANK_CODES)
        account = "000" + _digits(rng, 7) if bank == "INGB" else _digits(rng, 10)
        # The old Dutch "elfproef" on the account number is no longer required for new
        # accounts, but most accounts still pass it; keep to those (schwifty's old algorithm).
        if sum(int(d) * (10 - i) for i, d in enumerate(account)) % 11:
            continue
        value = _iban_from_bban("NL", bank + account)
        if _schwifty_ok(value, False):
            return value


def _iban_random(rng: random.Random, country: str, banks: tuple[str, ...],
                 account_len: int) -> str:
    while True:
        bank = rng.choice(banks)
        kwargs = {"bank_code": bank, "account_code": _digits(rng, account_len)}
        if country == "FR":
            kwargs["branch_code"] = _digits(rng, 5)
        try:
            bban = str(BBAN.from_components(country, **kwargs))
        except Exception:  # noqa: BLE001 - e.g. a German account code that cannot carry a check
            continue
        value = _iban_from_bban(country, bban)
        if _schwifty_ok(value, country in ("DE", "FR")):
            return value


def iban(rng: random.Random, country: str = "BE", spaced: bool = True) -> str:
    """A valid IBAN of BE, NL, DE, FR or LU; spaced in groups of four or compact."""
    country = country.upper()
    if country == "BE":
        value = _iban_be(rng)
    elif country == "NL":
        value = _iban_nl(rng)
    elif country == "DE":
        value = _iban_random(rng, "DE", _DE_BANK_CODES, 10)
    elif country == "FR":
        value = _iban_random(rng, "FR", _FR_BANK_CODES, 11)
    elif country == "LU":
        value = _iban_random(rng, "LU", _LU_BANK_CODES, 13)
    else:
        raise ValueError(f"unsupported IBAN country: {country}")
    assert std_iban.is_valid(value), value
    assert _schwifty_ok(value, False), value
    return std_iban.format(value) if spaced else value


def ogm(rng: random.Random, framed: bool = True) -> str:
    """A Belgian structured payment reference (OGM-VCS), '+++090/9337/55493+++'."""
    base = _digits(rng, 10)
    number = base + be_ogm.calc_check_digits(base)
    assert be_ogm.is_valid(number), number
    text = be_ogm.format(number)
    return f"+++{text}+++" if framed else text


# --------------------------------------------------------------------------------------------
# Personal numbers
# --------------------------------------------------------------------------------------------

def birth_date(rng: random.Random, min_year: int = 1945, max_year: int = 2006) -> datetime.date:
    """A date of birth between 1 Jan min_year and 31 Dec max_year."""
    start = datetime.date(min_year, 1, 1).toordinal()
    end = datetime.date(max_year, 12, 31).toordinal()
    return datetime.date.fromordinal(rng.randint(start, end))


_NN_STYLES = ("dotted", "compact", "spaced")


def _format_nn(number: str, style: str) -> str:
    if style == "dotted":
        return be_nn.format(number)
    if style == "compact":
        return number
    if style == "spaced":
        return f"{number[:6]} {number[6:9]} {number[9:]}"
    raise ValueError(f"unknown style: {style}")


def _nn_like(rng: random.Random, birth: datetime.date, month_offset: int,
             validate) -> str:
    while True:
        counter = rng.randint(1, 997)
        base = f"{birth:%y}{birth.month + month_offset:02d}{birth.day:02d}{counter:03d}"
        # stdnum has no function that computes these check digits; find them by asking
        # its validator, which also applies the rule for births from 2000 onwards.
        for check in range(1, 98):
            number = f"{base}{check:02d}"
            if validate(number) and be_nn.get_birth_date(number) == birth:
                return number


def be_national_number(rng: random.Random, birth: datetime.date | None = None,
                       style: str = "dotted") -> str:
    """A Belgian rijksregisternummer: '85.07.30-033.28', '85073003328', '850730 033 28'."""
    birth = birth or birth_date(rng)
    number = _nn_like(rng, birth, 0, be_nn.is_valid)
    value = _format_nn(number, style)
    assert be_nn.is_valid(value) and be_nn.get_birth_date(value) == birth, value
    return value


def be_bis_number(rng: random.Random, birth: datetime.date | None = None,
                  style: str = "dotted", gender_known: bool | None = None) -> str:
    """A Belgian BIS number: month + 40 when the gender is known, + 20 when it is not."""
    birth = birth or birth_date(rng)
    if gender_known is None:
        gender_known = rng.random() < 0.7
    number = _nn_like(rng, birth, 40 if gender_known else 20, be_bis.is_valid)
    value = _format_nn(number, style)
    assert be_bis.is_valid(value), value
    return value


def nl_bsn(rng: random.Random, style: str = "plain") -> str:
    """A Dutch burgerservicenummer: '123456782', '1234.56.782', '123 456 782'."""
    while True:
        base = _digits(rng, 8, first_nonzero=True)
        candidates = [base + d for d in string.digits if nl_bsn_mod.checksum(base + d) == 0]
        if candidates:
            number = candidates[0]
            break
    if style == "plain":
        value = number
    elif style == "dotted":
        value = nl_bsn_mod.format(number)
    elif style == "spaced":
        value = f"{number[:3]} {number[3:6]} {number[6:]}"
    else:
        raise ValueError(f"unknown style: {style}")
    assert nl_bsn_mod.is_valid(value), value
    return value


# --------------------------------------------------------------------------------------------
# Companies
# --------------------------------------------------------------------------------------------

def _enterprise_compact(rng: random.Random) -> str:
    while True:
        # Numbers starting with 1 are only issued since 2023; most companies have a 0.
        base = ("0" if rng.random() < 0.85 else "1") + _digits(rng, 7)
        if int(base) < 2000000:  # stay clear of implausibly small numbers
            continue
        for check in range(100):
            number = f"{base}{check:02d}"
            if be_vat_mod.is_valid(number):
                return number


def _format_enterprise(number: str, style: str) -> str:
    if style == "dotted":
        return f"{number[:4]}.{number[4:7]}.{number[7:]}"
    if style == "spaced":
        return f"{number[:4]} {number[4:7]} {number[7:]}"
    if style == "compact":
        return number
    raise ValueError(f"unknown style: {style}")


def be_enterprise_number(rng: random.Random, style: str = "dotted") -> str:
    """A Belgian ondernemingsnummer (KBO/BCE): '0403.170.701', '0403 170 701', '0403170701'."""
    value = _format_enterprise(_enterprise_compact(rng), style)
    assert be_vat_mod.is_valid(value), value
    return value


def be_vat(rng: random.Random, style: str = "compact", number: str | None = None) -> str:
    """A Belgian VAT number: 'BE0403170701' (compact), 'BE 0403.170.701' (dotted),
    'BE 0403 170 701' (spaced) or 'BE0403.170.701' (dotted_nospace).

    ``number`` reuses an enterprise number (any style) instead of drawing a new one."""
    compact = be_vat_mod.compact(number) if number else _enterprise_compact(rng)
    if style == "compact":
        value = "BE" + compact
    elif style == "dotted":
        value = "BE " + _format_enterprise(compact, "dotted")
    elif style == "spaced":
        value = "BE " + _format_enterprise(compact, "spaced")
    elif style == "dotted_nospace":
        value = "BE" + _format_enterprise(compact, "dotted")
    else:
        raise ValueError(f"unknown style: {style}")
    assert be_vat_mod.is_valid(value), value
    return value


def nl_vat(rng: random.Random, new_format: bool = True) -> str:
    """A Dutch btw-identificatienummer.

    Old format: 'NL' + RSIN/BSN (eleven test) + 'B01'. The 2020 format: 'NL' + nine digits +
    'B' + two digits that make the whole ISO 7064 mod 97-10 valid."""
    if new_format:
        while True:
            base = _digits(rng, 9, first_nonzero=True) + "B"
            check = mod_97_10.calc_check_digits("NL" + base)
            if check == "00" or nl_bsn_mod.is_valid(base[:9]):
                continue
            value = "NL" + base + check
            if mod_97_10.is_valid(value):
                break
    else:
        value = "NL" + nl_bsn(rng) + "B" + rng.choice(("01", "01", "01", "02", "03"))
    assert nl_btw.is_valid(value), value
    return value


def kvk(rng: random.Random) -> str:
    """A Dutch Kamer van Koophandel number: eight digits, not starting with 0."""
    value = _digits(rng, 8, first_nonzero=True)
    assert re.fullmatch(r"[1-9]\d{7}", value)
    return value


# --------------------------------------------------------------------------------------------
# Identity documents
# --------------------------------------------------------------------------------------------

def be_eid_card_number(rng: random.Random, style: str = "dashed") -> str:
    """A Belgian eID card number: '592-1234567-89' (dashed) or '592123456789' (compact)."""
    while True:
        base = rng.choice(("591", "592", "593", "600", "601", "602")) + _digits(rng, 7)
        for check in range(1, 98):
            number = f"{base}{check:02d}"
            if be_eid.is_valid(number):
                break
        else:
            continue
        break
    if style == "dashed":
        value = be_eid.format(number)
    elif style == "compact":
        value = number
    else:
        raise ValueError(f"unknown style: {style}")
    assert be_eid.is_valid(value), value
    return value


_NL_DOC_LETTERS = "ABCDEFGHIJKLMNPQRSTUVWXYZ"  # never 'O'
_NL_DOC_CHARS = _NL_DOC_LETTERS + "123456789"  # no zeros since December 2019


def nl_id_document_number(rng: random.Random) -> str:
    """A Dutch passport / identity card document number: 'NXC4P2R13'."""
    value = (
        "".join(rng.choice(_NL_DOC_LETTERS) for _ in range(2))
        + "".join(rng.choice(_NL_DOC_CHARS) for _ in range(6))
        + rng.choice("123456789")
    )
    assert nl_idnr.is_valid(value), value
    return value


def be_passport_number(rng: random.Random) -> str:
    """A Belgian passport number: two letters and six digits, 'EM123456'."""
    value = rng.choice(("EH", "EJ", "EK", "EL", "EM", "EN", "EP", "ER")) + _digits(rng, 6)
    assert re.fullmatch(r"[A-Z]{2}\d{6}", value)
    return value


# --------------------------------------------------------------------------------------------
# Payment cards
# --------------------------------------------------------------------------------------------

_CARD_PREFIXES = {
    "visa": ("4539", "4556", "4916", "4532", "4929", "4485", "4716", "4024"),
    "mastercard": ("5105", "5204", "5311", "5425", "5555", "2221", "2223", "2720", "5196"),
    "amex": ("34", "37"),
}


def credit_card(rng: random.Random, brand: str = "visa", spaced: bool = True) -> str:
    """A Luhn-valid card number with a real IIN prefix; 4-4-4-4 (Amex 4-6-5) when spaced."""
    prefix = rng.choice(_CARD_PREFIXES[brand])
    length = 15 if brand == "amex" else 16
    body = prefix + _digits(rng, length - len(prefix) - 1)
    number = body + luhn.calc_check_digit(body)
    assert luhn.is_valid(number) and len(number) == length, number
    if not spaced:
        return number
    return _group(number, (4, 6, 5) if brand == "amex" else (4, 4, 4, 4))


# --------------------------------------------------------------------------------------------
# Phone numbers
# --------------------------------------------------------------------------------------------

_BE_MOBILE = (
    "470", "471", "472", "473", "474", "475", "476", "477", "478", "479", "483", "484",
    "485", "486", "487", "488", "489", "491", "492", "493", "494", "495", "496", "497",
    "498", "499", "456", "460", "465", "466", "467", "468",
)
_BE_ZONE_1 = ("2", "3", "4", "9")  # seven-digit subscriber numbers
_BE_ZONE_2 = ("10", "11", "13", "14", "15", "16", "19", "50", "51", "52", "53", "54", "55",
              "56", "57", "58", "59", "60", "63", "64", "65", "67", "69", "71", "80", "81",
              "82", "83", "84", "85", "87", "89")
BE_PHONE_STYLES = ("spaced", "slash", "intl", "intl0", "compact")


def _is_valid_phone(text: str, region: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(text, region))
    except phonenumbers.NumberParseException:
        return False


def phone_be(rng: random.Random, style: str = "spaced", kind: str | None = None) -> str:
    """A Belgian phone number as people write it.

    Mobile: '0470 12 34 56' (spaced), '0470/12.34.56' (slash), '+32 470 12 34 56' (intl),
    '+32 (0)470 12 34 56' (intl0), '0470123456' (compact). Landline: '02 670 00 00',
    '02/670.00.00', '+32 2 670 00 00', '+32 (0)2 670 00 00', '016 12 34 56'..."""
    if style not in BE_PHONE_STYLES:
        raise ValueError(f"unknown style: {style}")
    kind = kind or rng.choice(("mobile", "mobile", "landline"))
    while True:
        if kind == "mobile":
            zone = rng.choice(_BE_MOBILE)
            sub = _digits(rng, 6)
            groups = (sub[:2], sub[2:4], sub[4:])
        elif kind == "landline":
            # Brussels, Antwerp, Liège and Ghent (one-digit zones) get half of the draws.
            zone = rng.choice(_BE_ZONE_1 if rng.random() < 0.5 else _BE_ZONE_2)
            if len(zone) == 1:
                sub = rng.choice("2345678") + _digits(rng, 6)
                groups = (sub[:3], sub[3:5], sub[5:])
            else:
                sub = rng.choice("2345678") + _digits(rng, 5)
                groups = (sub[:2], sub[2:4], sub[4:])
        else:
            raise ValueError(f"unknown kind: {kind}")
        if style == "spaced":
            value = f"0{zone} " + " ".join(groups)
        elif style == "slash":
            value = f"0{zone}/" + ".".join(groups)
        elif style == "intl":
            value = f"+32 {zone} " + " ".join(groups)
        elif style == "intl0":
            value = f"+32 (0){zone} " + " ".join(groups)
        else:
            value = f"0{zone}" + "".join(groups)
        if _is_valid_phone(value, "BE"):
            return value


_NL_AREA_3 = ("10", "13", "15", "20", "23", "24", "26", "30", "33", "35", "36", "38", "40",
              "43", "45", "46", "50", "53", "55", "58", "70", "71", "72", "73", "74", "75",
              "76", "77", "78", "79")
_NL_AREA_4 = ("172", "180", "294", "313", "411", "492", "513", "570", "592", "251", "346")
NL_PHONE_STYLES = ("dash", "spaced", "intl", "intl0", "compact")


def phone_nl(rng: random.Random, style: str = "dash", kind: str | None = None) -> str:
    """A Dutch phone number as people write it.

    Mobile: '06-12345678' (dash), '06 1234 5678' (spaced), '+31 6 12345678' (intl),
    '+31 (0)6 1234 5678' (intl0), '0612345678' (compact). Landline: '020-1234567',
    '030 753 9075', '+31 20 123 4567', '+31 (0)20 123 4567', '0172-123456'..."""
    if style not in NL_PHONE_STYLES:
        raise ValueError(f"unknown style: {style}")
    kind = kind or rng.choice(("mobile", "mobile", "landline"))
    while True:
        if kind == "mobile":
            area = "6"
            sub = rng.choice("12345") + _digits(rng, 7)
            spaced = f"{sub[:4]} {sub[4:]}"
            intl = sub
        elif kind == "landline":
            area = rng.choice(_NL_AREA_3 if rng.random() < 0.7 else _NL_AREA_4)
            if len(area) == 2:
                sub = rng.choice("2345678") + _digits(rng, 6)
                spaced = f"{sub[:3]} {sub[3:]}"
            else:
                sub = rng.choice("2345678") + _digits(rng, 5)
                spaced = f"{sub[:3]} {sub[3:]}"
            intl = spaced
        else:
            raise ValueError(f"unknown kind: {kind}")
        if style == "dash":
            value = f"0{area}-{sub}"
        elif style == "spaced":
            value = f"0{area} {spaced}"
        elif style == "intl":
            value = f"+31 {area} {intl}"
        elif style == "intl0":
            value = f"+31 (0){area} {spaced}"
        else:
            value = f"0{area}{sub}"
        if _is_valid_phone(value, "NL"):
            return value


# --------------------------------------------------------------------------------------------
# Network
# --------------------------------------------------------------------------------------------

_V4_NETS = tuple(ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24",
                                                    "203.0.113.0/24"))
_V6_NET = ipaddress.ip_network("2001:db8::/32")


def ipv4(rng: random.Random) -> str:
    """An IPv4 address from the documentation ranges (RFC 5737)."""
    net = rng.choice(_V4_NETS)
    addr = net.network_address + rng.randint(1, 254)
    assert addr in net
    return str(addr)


def ipv6(rng: random.Random) -> str:
    """An IPv6 address under 2001:db8::/32 (RFC 3849), in compressed notation."""
    groups = [rng.randint(0, 0xFFFF) for _ in range(6)]
    if rng.random() < 0.5:  # leave a run of zeros so that '::' shows up
        groups[1:4] = [0, 0, 0]
    addr = ipaddress.IPv6Address(int(_V6_NET.network_address) | int(
        "".join(f"{g:04x}" for g in groups), 16))
    assert addr in _V6_NET
    return str(addr)


# --------------------------------------------------------------------------------------------
# Machine-readable zones
# --------------------------------------------------------------------------------------------

_MRZ_SPECIAL = {"ß": "SS", "Æ": "AE", "æ": "AE", "Ø": "OE", "ø": "OE", "Œ": "OE", "œ": "OE",
                "Ĳ": "IJ", "ĳ": "IJ", "Ł": "L", "ł": "L"}


def _mrz_text(text: str) -> str:
    text = "".join(_MRZ_SPECIAL.get(c, c) for c in text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).upper()
    text = text.replace("'", "").replace("’", "")
    text = re.sub(r"[^A-Z]+", "<", text)
    return text.strip("<")


def mrz_name(surname: str, given_names: str, width: int) -> str:
    """The name field 'SURNAME<<GIVEN<NAMES', truncated and padded to ``width``."""
    field = _mrz_text(surname) + "<<" + _mrz_text(given_names)
    return field[:width].ljust(width, "<")


def _mrz_date(d: datetime.date) -> str:
    return f"{d:%y%m%d}"


def _field(value: str, width: int) -> str:
    value = _mrz_text(value) if not re.fullmatch(r"[A-Z0-9<]*", value) else value
    return value[:width].ljust(width, "<")


def _expiry(rng: random.Random) -> datetime.date:
    issued = REFERENCE_DATE - datetime.timedelta(days=rng.randint(30, 9 * 365))
    try:
        return issued.replace(year=issued.year + 10)
    except ValueError:  # 29 February
        return issued.replace(year=issued.year + 10, day=28)


def mrz_td1(rng: random.Random, surname: str, given_names: str,
            birth: datetime.date | None = None, sex: str | None = None,
            expiry: datetime.date | None = None, country: str = "BEL",
            nationality: str | None = None, doc_number: str | None = None,
            optional: str | None = None) -> list[str]:
    """Three 30-character lines of an identity card.

    For country 'BEL' the document number is a 12-digit eID card number: its first nine digits
    fill the number field, a '<' stands where the check digit would be, and the last three
    digits plus the check digit over all twelve open the optional data of line 1 (the Belgian
    overflow). The optional data of line 2 then holds the rijksregisternummer. For other
    countries (e.g. 'NLD') the document number has nine characters and ``optional`` goes on
    line 1 (the Dutch card carries the BSN there)."""
    birth = birth or birth_date(rng)
    sex = sex or rng.choice("MF")
    expiry = expiry or _expiry(rng)
    nationality = nationality or country
    opt1, opt2 = "", ""
    if country == "BEL":
        number = be_eid.compact(doc_number) if doc_number else be_eid_card_number(rng, "compact")
        if len(number) != 12:
            raise ValueError("a Belgian card number has 12 digits")
        doc_field = number[:9] + "<"
        opt1 = number[9:] + check_digit(number)
        if optional is None:
            optional = be_nn.compact(be_national_number(rng, birth, "compact"))
        opt2 = optional
    else:
        number = doc_number or nl_id_document_number(rng)
        doc_field = _field(number, 9) + check_digit(_field(number, 9))
        opt1 = optional if optional is not None else ""
    line1 = ("I" + ("D" if country == "BEL" else "<") + country + doc_field
             + _field(opt1, 15))
    head2 = (_mrz_date(birth) + check_digit(_mrz_date(birth)) + sex + _mrz_date(expiry)
             + check_digit(_mrz_date(expiry)) + _field(nationality, 3) + _field(opt2, 11))
    composite = check_digit(line1[5:30] + head2[0:7] + head2[8:15] + head2[18:29])
    line2 = head2 + composite
    line3 = mrz_name(surname, given_names, 30)
    lines = [line1, line2, line3]
    assert valid_td1(lines), lines
    return lines


def mrz_td2(rng: random.Random, surname: str, given_names: str,
            birth: datetime.date | None = None, sex: str | None = None,
            expiry: datetime.date | None = None, country: str = "NLD",
            nationality: str | None = None, doc_number: str | None = None,
            optional: str = "") -> list[str]:
    """Two 36-character lines (older identity cards, visas)."""
    birth = birth or birth_date(rng)
    sex = sex or rng.choice("MF")
    expiry = expiry or _expiry(rng)
    nationality = nationality or country
    number = _field(doc_number or nl_id_document_number(rng), 9)
    line1 = "I<" + _field(country, 3) + mrz_name(surname, given_names, 31)
    head = (number + check_digit(number) + _field(nationality, 3) + _mrz_date(birth)
            + check_digit(_mrz_date(birth)) + sex + _mrz_date(expiry)
            + check_digit(_mrz_date(expiry)) + _field(optional, 7))
    line2 = head + check_digit(head[0:10] + head[13:20] + head[21:35])
    lines = [line1, line2]
    assert valid_td2(lines), lines
    return lines


def mrz_td3(rng: random.Random, surname: str, given_names: str,
            birth: datetime.date | None = None, sex: str | None = None,
            expiry: datetime.date | None = None, country: str = "NLD",
            nationality: str | None = None, doc_number: str | None = None,
            personal_number: str = "") -> list[str]:
    """Two 44-character lines of a passport ('P<NLD...')."""
    birth = birth or birth_date(rng)
    sex = sex or rng.choice("MF")
    expiry = expiry or _expiry(rng)
    nationality = nationality or country
    if doc_number is None:
        doc_number = be_passport_number(rng) if country == "BEL" else nl_id_document_number(rng)
    number = _field(doc_number, 9)
    personal = _field(personal_number, 14)
    personal_cd = check_digit(personal) if personal_number else "<"
    line1 = "P<" + _field(country, 3) + mrz_name(surname, given_names, 39)
    head = (number + check_digit(number) + _field(nationality, 3) + _mrz_date(birth)
            + check_digit(_mrz_date(birth)) + sex + _mrz_date(expiry)
            + check_digit(_mrz_date(expiry)) + personal + personal_cd)
    line2 = head + check_digit(head[0:10] + head[13:20] + head[21:43])
    lines = [line1, line2]
    assert valid_td3(lines), lines
    return lines


# --------------------------------------------------------------------------------------------
# People and places
# --------------------------------------------------------------------------------------------

_FAKERS: dict = {}


def _faker(rng: random.Random, locale: str):
    if locale not in LOCALES:
        raise ValueError(f"unsupported locale: {locale}")
    from faker import Faker

    fake = _FAKERS.get(locale)
    if fake is None:
        fake = _FAKERS[locale] = Faker(locale)
    fake.seed_instance(rng.getrandbits(32))
    return fake


_NAME_RE = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ' -]*")
PARTICLES = ("van", "de", "der", "den", "ter", "ten", "te", "het", "la", "le", "du", "des",
             "op", "in", "'t", "vanden", "vander", "d'")


# Faker's nl_NL surnames include medieval and noble ones ('Chrodtrud', 'Adriaensdr',
# 'Aelftrud van Wessex'); these patterns keep the sample people ordinary.
_ODD_SURNAME = re.compile(r"(?:dr|sz|trud|idis|rada|augh|ije)$|^'s|[A-Z].*[A-Z]|-")


def _plain_last_name(last: str) -> bool:
    """A surname, possibly after particles ('van der Berg', 'De Smet'), never two names."""
    *particles, core = last.split(" ")
    return all(p.lower() in PARTICLES for p in particles) and not _ODD_SURNAME.search(core)


def person(rng: random.Random, locale: str = "nl_NL", sex: str | None = None) -> tuple[str, str]:
    """(first name, last name) from Faker's lists for the locale; last names may carry a
    tussenvoegsel or particle ('van der Berg', 'De Smet')."""
    fake = _faker(rng, locale)
    sex = sex or rng.choice("MF")
    while True:
        first = fake.first_name_male() if sex == "M" else fake.first_name_female()
        last = fake.last_name()
        if (_NAME_RE.fullmatch(first) and _NAME_RE.fullmatch(last) and " " not in first
                and len(first) >= 3 and len(last) >= 3 and _plain_last_name(last)):
            return first, last


# Street stems and suffixes from which Dutch street names are built. Only suffixes from the
# list the address recognizer knows; stems are ordinary words, never person names.
_NL_STEMS = (
    "Kerk", "Molen", "Dorps", "School", "Stations", "Beuken", "Linden", "Eiken", "Berken",
    "Kastanje", "Zand", "Veld", "Heide", "Akker", "Brug", "Haven", "Hoog", "Bloemen", "Rozen",
    "Tulpen", "Prinsen", "Heren", "Wilgen", "Populieren", "Zuider", "Noorder", "Ooster",
    "Wester", "Abdij", "Boomgaard", "Vijver", "Beek", "Sluis", "Dijk", "Water", "Zon",
    "Meidoorn", "Hazel", "Esdoorn", "Klaver", "Koren", "Vlas", "Hop", "Gasthuis", "Kloosters",
    "Kapel", "Leeuwerik", "Merel", "Zwaluw", "Vinken", "Reiger", "Nachtegaal", "Lijster",
)
_NL_SUFFIXES = ("straat", "straat", "straat", "laan", "laan", "weg", "weg", "plein", "gracht",
                "kade", "dijk", "singel", "dreef", "pad", "markt", "hof")
_BE_NL_SUFFIXES = ("straat", "straat", "straat", "laan", "steenweg", "dreef", "lei", "baan",
                   "weg", "plein", "markt", "hof", "dijk", "pad", "kaai")
_STREET_SUFFIXES = ("straat", "laan", "weg", "plein", "gracht", "kade", "dijk", "singel",
                    "steenweg", "dreef", "lei", "baan", "pad", "markt", "hof")
_FR_STREETS = (
    "Rue de la Station", "Rue de l'Église", "Rue du Moulin", "Rue des Écoles", "Rue du Marché",
    "Rue de la Gare", "Rue des Champs", "Rue du Château", "Rue de la Fontaine", "Rue des Prés",
    "Rue du Centre", "Rue de la Loi", "Rue Haute", "Rue des Tilleuls", "Rue du Parc",
    "Avenue des Tilleuls", "Avenue du Parc", "Avenue des Lilas", "Avenue de la Forêt",
    "Avenue des Acacias", "Boulevard de la Sauvenière", "Boulevard du Midi",
    "Boulevard des Combattants", "Chaussée de Louvain", "Chaussée de Wavre",
    "Chaussée de Namur", "Chaussée de Charleroi", "Place du Marché", "Place de la Gare",
    "Place communale", "Quai de la Batte", "Quai des Vennes", "Chemin des Prés",
    "Chemin du Bois", "Chemin de la Carrière",
)
_FR_PREFIXES = ("Rue", "Avenue", "Boulevard", "Chaussée", "Place", "Quai", "Chemin")

# Belgian postcodes with the municipality in Dutch and in French (French name only for
# Walloon towns, Dutch only for Flemish ones; Brussels has both).
_BE_PLACES = (
    ("1000", "Brussel", "Bruxelles"), ("1030", "Schaarbeek", "Schaerbeek"),
    ("1040", "Etterbeek", "Etterbeek"), ("1050", "Elsene", "Ixelles"),
    ("1060", "Sint-Gillis", "Saint-Gilles"), ("1070", "Anderlecht", "Anderlecht"),
    ("1080", "Sint-Jans-Molenbeek", "Molenbeek-Saint-Jean"), ("1180", "Ukkel", "Uccle"),
    ("1200", "Sint-Lambrechts-Woluwe", "Woluwe-Saint-Lambert"),
    ("1300", None, "Wavre"), ("1348", None, "Louvain-la-Neuve"), ("1400", None, "Nivelles"),
    ("1410", None, "Waterloo"), ("1500", "Halle", None), ("1800", "Vilvoorde", None),
    ("1930", "Zaventem", None), ("2000", "Antwerpen", None), ("2018", "Antwerpen", None),
    ("2100", "Deurne", None), ("2300", "Turnhout", None), ("2800", "Mechelen", None),
    ("2500", "Lier", None), ("3000", "Leuven", None), ("3300", "Tienen", None),
    ("3500", "Hasselt", None), ("3600", "Genk", None), ("3290", "Diest", None),
    ("4000", None, "Liège"), ("4020", None, "Liège"), ("4800", None, "Verviers"),
    ("4500", None, "Huy"), ("5000", None, "Namur"), ("5500", None, "Dinant"),
    ("6000", None, "Charleroi"), ("6700", None, "Arlon"), ("6900", None, "Marche-en-Famenne"),
    ("7000", None, "Mons"), ("7500", None, "Tournai"), ("7700", None, "Mouscron"),
    ("8000", "Brugge", None), ("8400", "Oostende", None), ("8500", "Kortrijk", None),
    ("8800", "Roeselare", None), ("8900", "Ieper", None), ("9000", "Gent", None),
    ("9100", "Sint-Niklaas", None), ("9200", "Dendermonde", None), ("9300", "Aalst", None),
    ("9700", "Oudenaarde", None), ("9900", "Eeklo", None),
)
_NL_CITIES = (
    ("10", "Amsterdam"), ("11", "Amsterdam"), ("20", "Haarlem"), ("23", "Leiden"),
    ("25", "Den Haag"), ("30", "Rotterdam"), ("31", "Rotterdam"), ("35", "Utrecht"),
    ("38", "Amersfoort"), ("52", "Den Bosch"), ("56", "Eindhoven"), ("62", "Maastricht"),
    ("65", "Nijmegen"), ("68", "Arnhem"), ("75", "Enschede"), ("80", "Zwolle"),
    ("97", "Groningen"), ("89", "Leeuwarden"), ("48", "Breda"), ("50", "Tilburg"),
    ("33", "Dordrecht"), ("26", "Delft"), ("73", "Apeldoorn"), ("24", "Alphen aan den Rijn"),
)
_PC_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"


def _house_number(rng: random.Random, belgian: bool, french: bool) -> str:
    number = str(rng.randint(1, 250) if rng.random() < 0.5 else rng.randint(1, 80))
    roll = rng.random()
    if roll < 0.12:
        number += rng.choice("ABCD")
    elif belgian and roll < 0.3:
        number += (" bte " if french else " bus ") + str(rng.randint(1, 12))
    return number


def _nl_postcode(rng: random.Random, prefix: str) -> str:
    while True:
        value = f"{prefix}{rng.randint(0, 99):02d} " + "".join(
            rng.choice(_PC_LETTERS) for _ in range(2))
        if nl_postcode.is_valid(value) and nl_postcode.validate(value) == value:
            return value


def street_name(rng: random.Random, locale: str) -> str:
    if locale == "fr_BE":
        name = rng.choice(_FR_STREETS)
        assert name.split()[0] in _FR_PREFIXES
    else:
        suffixes = _BE_NL_SUFFIXES if locale == "nl_BE" else _NL_SUFFIXES
        while True:
            name = rng.choice(_NL_STEMS) + rng.choice(suffixes)
            if name.endswith(_STREET_SUFFIXES):
                break
    return name


def address(rng: random.Random, locale: str = "nl_NL") -> tuple[str, str]:
    """(street line, postcode-and-city line): ('Kerkstraat 12', '1234 AB Amsterdam'),
    ('Rue de la Loi 16 bte 2', '1000 Bruxelles'), ('Molenstraat 8 bus 3', '9000 Gent').

    en_GB has no addresses of its own here: it gives a Dutch address (an expatriate)."""
    if locale not in LOCALES:
        raise ValueError(f"unsupported locale: {locale}")
    if locale in ("nl_NL", "en_GB"):
        street = f"{street_name(rng, 'nl_NL')} {_house_number(rng, False, False)}"
        prefix, city = rng.choice(_NL_CITIES)
        return street, f"{_nl_postcode(rng, prefix)} {city}"
    french = locale == "fr_BE"
    street = f"{street_name(rng, locale)} {_house_number(rng, True, french)}"
    places = [p for p in _BE_PLACES if (p[2] if french else p[1])]
    code, nl_name, fr_name = rng.choice(places)
    assert 1000 <= int(code) <= 9992
    return street, f"{code} {fr_name if french else nl_name}"


_EMAIL_DOMAINS = ("voorbeeld.be", "voorbeeld.nl", "exemple.be", "example.com", "example.org",
                  "mail-demo.eu", "postvak-demo.nl", "courrier-demo.be")
_LOCALE_DOMAINS = {
    "nl_NL": ("voorbeeld.nl", "postvak-demo.nl", "example.com", "mail-demo.eu"),
    "nl_BE": ("voorbeeld.be", "example.com", "mail-demo.eu"),
    "fr_BE": ("exemple.be", "courrier-demo.be", "example.com", "mail-demo.eu"),
    "en_GB": ("example.com", "example.org", "mail-demo.eu"),
}


def _email_part(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "", text)


def email(rng: random.Random, first: str, last: str, domain: str | None = None,
          locale: str | None = None) -> str:
    """An e-mail address built from a name: 'sophie.peeters@voorbeeld.be', 'j.devries@...'.

    Without ``domain`` one of a few fictional mail domains is used, matching ``locale``."""
    domain = domain or rng.choice(_LOCALE_DOMAINS.get(locale or "", _EMAIL_DOMAINS))
    f, last_part = _email_part(first), _email_part(last)
    pattern = rng.choice(("f.l", "f.l", "fl", "i.l", "f_l", "f.lN"))
    local = {
        "f.l": f"{f}.{last_part}", "fl": f"{f}{last_part}", "i.l": f"{f[:1]}.{last_part}",
        "f_l": f"{f}_{last_part}", "f.lN": f"{f}.{last_part}{rng.randint(1, 99)}",
    }[pattern]
    value = f"{local}@{domain}"
    assert re.fullmatch(r"[a-z0-9._]+@[a-z0-9.-]+\.(be|nl|com|eu|org)", value), value
    return value
