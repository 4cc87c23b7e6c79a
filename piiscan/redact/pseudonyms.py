"""Pseudonyms: realistic stand-ins of the same type and format, the same for the same value.

A value's pseudonym is drawn from a random generator seeded with the keyed hash of its type
and canonical form, so "BE68 5390 0754 7034" and "BE68539007547034" get one pseudonym, in
every file of a run and, with the same key, in every later run. The generators are those of
piiscan.synth (valid check digits, documentation IP ranges, fictional mail domains); names
come from the lexicons the detector ships, so no extra data or library is needed.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import re
from functools import lru_cache
from typing import Callable

from piiscan import synth
from piiscan.detect.rules import load_lexicon
from piiscan.rules_path import default_rules_dir


def _rng(key: bytes, entity_type: str, canonical: str) -> random.Random:
    digest = hmac.new(key, f"pseudonym\0{entity_type}\0{canonical}".encode(), hashlib.sha256).digest()
    return random.Random(int.from_bytes(digest, "big"))


@lru_cache(maxsize=1)
def _names() -> tuple[tuple[str, ...], tuple[str, ...]]:
    rules = default_rules_dir()
    plain = re.compile(r"[A-Z][a-z]{2,}")  # no particles or compound names: reads as a name
    first = tuple(sorted(n for n in load_lexicon(rules, "lexicon/first_names.txt") if plain.fullmatch(n)))
    last = tuple(sorted(n for n in load_lexicon(rules, "lexicon/last_names.txt") if plain.fullmatch(n)))
    return first, last


def _person(rng: random.Random, value: str, canonical: str) -> str:
    first, last = _names()
    words = value.split()
    if len(words) == 1:  # a family name alone ("mevrouw Peeters")
        return rng.choice(last)
    return f"{rng.choice(first)} {rng.choice(last)}"


def _email(rng: random.Random, value: str, canonical: str) -> str:
    first, last = _names()
    return synth.email(rng, rng.choice(first), rng.choice(last))


def _spaced(value: str) -> bool:
    return " " in value.strip()


def _iban(rng: random.Random, value: str, canonical: str) -> str:
    country = value.strip()[:2].upper()
    return synth.iban(rng, country if country in ("BE", "NL") else "BE", spaced=_spaced(value))


def _phone(rng: random.Random, value: str, canonical: str) -> str:
    international = value.strip().startswith(("+", "00"))
    if canonical.startswith("+31"):
        return synth.phone_nl(rng, style="intl" if international else "dash")
    return synth.phone_be(rng, style="intl" if international else "spaced")


def _national_number(rng: random.Random, value: str, canonical: str) -> str:
    style = "dotted" if "." in value else ("compact" if value.strip().isdigit() else "spaced")
    return synth.be_national_number(rng, style=style)


def _vat(rng: random.Random, value: str, canonical: str) -> str:
    if value.strip().upper().startswith("NL"):
        return synth.nl_vat(rng)
    return synth.be_vat(rng, style="dotted" if "." in value else "compact")


def _enterprise(rng: random.Random, value: str, canonical: str) -> str:
    return synth.be_enterprise_number(rng, style="dotted" if "." in value else "compact")


def _card(rng: random.Random, value: str, canonical: str) -> str:
    return synth.credit_card(rng, spaced=_spaced(value))


def _ip(rng: random.Random, value: str, canonical: str) -> str:
    return synth.ipv6(rng) if ":" in value else synth.ipv4(rng)


def _address(rng: random.Random, value: str, canonical: str) -> str:
    street, city = synth.address(rng, "nl_BE" if re.search(r"\b\d{4}\b(?! ?[A-Z]{2}\b)", value) else "nl_NL")
    return f"{street}, {city}" if "," in value or "\n" in value else street


def _birth_date(rng: random.Random, value: str, canonical: str) -> str:
    born = synth.birth_date(rng)
    if re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", value):
        return born.isoformat()
    separator = next((c for c in value if c in "-/."), "-")
    return born.strftime(f"%d{separator}%m{separator}%Y")


def _document(rng: random.Random, value: str, canonical: str) -> str:
    compact = value.replace(" ", "").replace("-", "")
    if compact.isdigit():
        return synth.be_eid_card_number(rng)
    return synth.nl_id_document_number(rng)


_GENERATORS: dict[str, Callable[[random.Random, str, str], str]] = {
    "PERSON": _person,
    "EMAIL_ADDRESS": _email,
    "IBAN_CODE": _iban,
    "PHONE_NUMBER": _phone,
    "BE_NATIONAL_NUMBER": _national_number,
    "NL_BSN": lambda rng, value, canonical: synth.nl_bsn(rng),
    "VAT_NUMBER": _vat,
    "BE_ENTERPRISE_NUMBER": _enterprise,
    "NL_KVK": lambda rng, value, canonical: synth.kvk(rng),
    "CREDIT_CARD": _card,
    "IP_ADDRESS": _ip,
    "POSTAL_ADDRESS": _address,
    "DATE_OF_BIRTH": _birth_date,
    "ID_DOCUMENT_NUMBER": _document,
}


def pseudonym(key: bytes, entity_type: str, value: str, canonical: str) -> str:
    """A stand-in for `value`; types without a generator (an MRZ) get a label."""
    generate = _GENERATORS.get(entity_type)
    if generate is None:
        return f"[{entity_type}]"
    return generate(_rng(key, entity_type, canonical or value), value, canonical or value)
