"""Every synthetic generator yields values that the owning validator accepts."""

from __future__ import annotations

import datetime
import ipaddress
import random
import re

import phonenumbers
import pytest
from schwifty import IBAN
from stdnum import iban as std_iban
from stdnum import luhn
from stdnum.be import bis, eid, nn, ogm_vcs
from stdnum.be import iban as be_iban
from stdnum.be import vat as be_vat
from stdnum.nl import bsn, btw, identiteitskaartnummer, postcode

from piiscan import synth
from piiscan.detect.mrz import valid_td1, valid_td2, valid_td3

SEEDS = range(60)


def rngs():
    for seed in SEEDS:
        yield random.Random(seed)


def test_deterministic():
    def sample(seed):
        rng = random.Random(seed)
        first, last = synth.person(rng, "nl_BE")
        return [
            synth.iban(rng, "BE"), synth.iban(rng, "DE"), synth.be_national_number(rng),
            synth.nl_bsn(rng), synth.phone_nl(rng), first, last, synth.address(rng, "fr_BE"),
            synth.mrz_td1(rng, last, first), synth.email(rng, first, last),
        ]

    assert sample(42) == sample(42)
    assert sample(42) != sample(43)


@pytest.mark.parametrize("country", ["BE", "NL", "DE", "FR", "LU"])
@pytest.mark.parametrize("spaced", [True, False])
def test_iban(country, spaced):
    for rng in rngs():
        value = synth.iban(rng, country, spaced=spaced)
        assert value.startswith(country)
        assert (" " in value) == spaced
        assert std_iban.is_valid(value)
        IBAN(value.replace(" ", ""))  # schwifty raises on anything invalid
        if spaced:
            assert value == std_iban.format(value)
        if country == "BE":
            assert be_iban.is_valid(value)
            assert IBAN(value.replace(" ", "")).bic is not None
        if country == "NL":
            assert value.replace(" ", "")[4:8] in synth._NL_BANK_CODES


def test_iban_rejects_unknown_country():
    with pytest.raises(ValueError):
        synth.iban(random.Random(1), "XX")


@pytest.mark.parametrize("style", ["dotted", "compact", "spaced"])
def test_be_national_number(style):
    for rng in rngs():
        birth = synth.birth_date(rng)
        value = synth.be_national_number(rng, birth, style=style)
        assert nn.is_valid(value)
        assert nn.get_birth_date(value) == birth
        assert not bis.is_valid(value)
    patterns = {"dotted": r"\d\d\.\d\d\.\d\d-\d{3}\.\d\d", "compact": r"\d{11}",
                "spaced": r"\d{6} \d{3} \d\d"}
    assert re.fullmatch(patterns[style], value)


def test_be_national_number_born_after_2000():
    for rng in rngs():
        birth = synth.birth_date(rng, 2000, 2020)
        value = synth.be_national_number(rng, birth)
        assert nn.is_valid(value) and nn.get_birth_date(value) == birth


@pytest.mark.parametrize("gender_known", [True, False, None])
@pytest.mark.parametrize("style", ["dotted", "compact", "spaced"])
def test_be_bis_number(style, gender_known):
    for rng in rngs():
        birth = synth.birth_date(rng, 1950, 2015)
        value = synth.be_bis_number(rng, birth, style=style, gender_known=gender_known)
        assert bis.is_valid(value)
        assert not nn.is_valid(value)
        month = int(nn.compact(value)[2:4])
        if gender_known is True:
            assert month == birth.month + 40
        elif gender_known is False:
            assert month == birth.month + 20


@pytest.mark.parametrize("style,pattern", [
    ("plain", r"\d{9}"), ("dotted", r"\d{4}\.\d\d\.\d{3}"), ("spaced", r"\d{3} \d{3} \d{3}")])
def test_nl_bsn(style, pattern):
    for rng in rngs():
        value = synth.nl_bsn(rng, style)
        assert bsn.is_valid(value)
        assert re.fullmatch(pattern, value)


@pytest.mark.parametrize("style,pattern", [
    ("dotted", r"[01]\d{3}\.\d{3}\.\d{3}"), ("spaced", r"[01]\d{3} \d{3} \d{3}"),
    ("compact", r"[01]\d{9}")])
def test_be_enterprise_number(style, pattern):
    for rng in rngs():
        value = synth.be_enterprise_number(rng, style)
        assert be_vat.is_valid(value)
        assert re.fullmatch(pattern, value)


@pytest.mark.parametrize("style,pattern", [
    ("compact", r"BE[01]\d{9}"), ("dotted", r"BE [01]\d{3}\.\d{3}\.\d{3}"),
    ("spaced", r"BE [01]\d{3} \d{3} \d{3}"), ("dotted_nospace", r"BE[01]\d{3}\.\d{3}\.\d{3}")])
def test_be_vat(style, pattern):
    for rng in rngs():
        value = synth.be_vat(rng, style)
        assert be_vat.is_valid(value)
        assert re.fullmatch(pattern, value)
    number = synth.be_enterprise_number(random.Random(3), "dotted")
    assert synth.be_vat(random.Random(4), "dotted", number=number) == "BE " + number


@pytest.mark.parametrize("new_format", [True, False])
def test_nl_vat(new_format):
    for rng in rngs():
        value = synth.nl_vat(rng, new_format=new_format)
        assert btw.is_valid(value)
        assert re.fullmatch(r"NL\d{9}B\d\d", value)
        assert bsn.is_valid(value[2:11]) != new_format


def test_kvk():
    for rng in rngs():
        assert re.fullmatch(r"[1-9]\d{7}", synth.kvk(rng))


@pytest.mark.parametrize("style,pattern", [("dashed", r"\d{3}-\d{7}-\d\d"),
                                           ("compact", r"\d{12}")])
def test_be_eid_card_number(style, pattern):
    for rng in rngs():
        value = synth.be_eid_card_number(rng, style)
        assert eid.is_valid(value)
        assert re.fullmatch(pattern, value)


def test_nl_id_document_number_and_be_passport():
    for rng in rngs():
        assert identiteitskaartnummer.is_valid(synth.nl_id_document_number(rng))
        assert re.fullmatch(r"[A-Z]{2}\d{6}", synth.be_passport_number(rng))


@pytest.mark.parametrize("brand,pattern", [
    ("visa", r"4\d{3} \d{4} \d{4} \d{4}"), ("mastercard", r"[25]\d{3} \d{4} \d{4} \d{4}"),
    ("amex", r"3[47]\d\d \d{6} \d{5}")])
def test_credit_card(brand, pattern):
    for rng in rngs():
        value = synth.credit_card(rng, brand)
        assert re.fullmatch(pattern, value)
        assert luhn.is_valid(value.replace(" ", ""))
        compact = synth.credit_card(rng, brand, spaced=False)
        assert compact.isdigit() and luhn.is_valid(compact)


def _valid_phone(text, region):
    return phonenumbers.is_valid_number(phonenumbers.parse(text, region))


@pytest.mark.parametrize("style", synth.BE_PHONE_STYLES)
@pytest.mark.parametrize("kind", ["mobile", "landline", None])
def test_phone_be(style, kind):
    for rng in rngs():
        value = synth.phone_be(rng, style, kind)
        assert _valid_phone(value, "BE"), value
        number = phonenumbers.parse(value, "BE")
        assert number.country_code == 32
        if kind == "mobile":
            assert phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE
        if style.startswith("intl"):
            assert value.startswith("+32 ")


def test_phone_be_examples_from_the_brief():
    rng = random.Random(11)
    forms = {synth.phone_be(rng, style, "landline") for style in synth.BE_PHONE_STYLES
             for _ in range(20)}
    assert any(re.fullmatch(r"0\d \d{3} \d\d \d\d", f) for f in forms)
    assert any(re.fullmatch(r"\+32 \(0\)\d \d{3} \d\d \d\d", f) for f in forms)
    assert any(re.fullmatch(r"0\d\d/\d\d\.\d\d\.\d\d", f) for f in forms)


@pytest.mark.parametrize("style", synth.NL_PHONE_STYLES)
@pytest.mark.parametrize("kind", ["mobile", "landline", None])
def test_phone_nl(style, kind):
    for rng in rngs():
        value = synth.phone_nl(rng, style, kind)
        assert _valid_phone(value, "NL"), value
        assert phonenumbers.parse(value, "NL").country_code == 31
        if kind == "mobile" and style == "dash":
            assert re.fullmatch(r"06-\d{8}", value)


def test_ip_addresses():
    docs = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24",
                                              "203.0.113.0/24")]
    for rng in rngs():
        v4 = ipaddress.ip_address(synth.ipv4(rng))
        assert any(v4 in n for n in docs)
        text = synth.ipv6(rng)
        assert ipaddress.ip_address(text) in ipaddress.ip_network("2001:db8::/32")
        assert str(ipaddress.ip_address(text)) == text


def test_ogm():
    for rng in rngs():
        value = synth.ogm(rng)
        assert re.fullmatch(r"\+\+\+\d{3}/\d{4}/\d{5}\+\+\+", value)
        assert ogm_vcs.is_valid(value)


def _mrz_ok_chars(lines):
    return all(re.fullmatch(r"[A-Z0-9<]+", line) for line in lines)


@pytest.mark.parametrize("locale", synth.LOCALES)
def test_mrz_td1_belgian_overflow(locale):
    for rng in rngs():
        first, last = synth.person(rng, locale)
        birth = synth.birth_date(rng)
        card = synth.be_eid_card_number(rng, "compact")
        lines = synth.mrz_td1(rng, last, first, birth=birth, doc_number=card)
        assert valid_td1(lines) and _mrz_ok_chars(lines)
        assert lines[0].startswith("IDBEL")
        assert lines[0][5:14] == card[:9] and lines[0][14] == "<"
        assert lines[0][15:18] == card[9:]
        national = lines[1][18:29]
        assert nn.is_valid(national) and nn.get_birth_date(national) == birth


def test_mrz_td1_dutch():
    for rng in rngs():
        first, last = synth.person(rng, "nl_NL")
        lines = synth.mrz_td1(rng, last, first, country="NLD", optional=synth.nl_bsn(rng))
        assert valid_td1(lines) and _mrz_ok_chars(lines)
        assert identiteitskaartnummer.is_valid(lines[0][5:14])


@pytest.mark.parametrize("country", ["NLD", "BEL"])
def test_mrz_td3(country):
    for rng in rngs():
        first, last = synth.person(rng, "nl_NL" if country == "NLD" else "fr_BE")
        personal = synth.nl_bsn(rng) if rng.random() < 0.5 else ""
        lines = synth.mrz_td3(rng, last, first, country=country, personal_number=personal)
        assert valid_td3(lines) and _mrz_ok_chars(lines)
        assert lines[0].startswith("P<" + country)


def test_mrz_td2():
    for rng in rngs():
        first, last = synth.person(rng, "en_GB")
        lines = synth.mrz_td2(rng, last, first)
        assert valid_td2(lines) and _mrz_ok_chars(lines)


def test_mrz_name_transliteration():
    assert synth.mrz_name("O'Sullivan-Dupré", "Jürgen Anne", 30) == \
        "OSULLIVAN<DUPRE<<JURGEN<ANNE<<"
    assert synth.mrz_name("van der Berg", "Jan", 12) == "VAN<DER<BERG"


_SUFFIXES = ("straat", "laan", "weg", "plein", "gracht", "kade", "dijk", "singel", "steenweg",
             "dreef", "lei", "baan", "pad", "markt", "hof")
_FR = ("Rue", "Avenue", "Boulevard", "Chaussée", "Place", "Quai", "Chemin")


@pytest.mark.parametrize("locale", synth.LOCALES)
def test_person_and_email(locale):
    for rng in rngs():
        first, last = synth.person(rng, locale)
        assert first and last and " " not in first
        assert first[0].isupper()
        mail = synth.email(rng, first, last)
        assert re.fullmatch(r"[a-z0-9._]+@[a-z0-9.-]+\.(be|nl|com|eu|org)", mail)
        assert synth.email(rng, first, last, "firma.nl").endswith("@firma.nl")
        local = synth.email(rng, first, last, locale=locale)
        assert local.split("@")[1] in synth._LOCALE_DOMAINS[locale]
        *particles, core = last.split(" ")
        assert all(p.lower() in synth.PARTICLES for p in particles), last


@pytest.mark.parametrize("locale", synth.LOCALES)
def test_address(locale):
    for rng in rngs():
        street, city = synth.address(rng, locale)
        m = re.fullmatch(r"(.+?) (\d{1,3})([A-D]?)(?: (?:bus|bte) \d+)?", street)
        assert m, street
        name, number = m.group(1), int(m.group(2))
        assert 1 <= number <= 250
        assert name.endswith(_SUFFIXES) or name.split()[0] in _FR, name
        if locale == "fr_BE":
            assert name.split()[0] in _FR
            assert " bus " not in street
        if locale in ("nl_NL", "en_GB"):
            assert " bus " not in street and " bte " not in street
            code = city[:7]
            assert postcode.is_valid(code) and postcode.validate(code) == code
            assert city[8:]
        else:
            code = int(city[:4])
            assert 1000 <= code <= 9992 and city[4] == " " and city[5:]


def test_be_postcodes_match_their_language():
    rng = random.Random(5)
    for _ in range(50):
        _street, city = synth.address(rng, "fr_BE")
        assert city[5:] not in ("Brussel", "Gent", "Antwerpen", "Leuven", "Brugge")
        _street, city = synth.address(rng, "nl_BE")
        assert city[5:] not in ("Bruxelles", "Liège", "Namur", "Charleroi", "Mons")


def test_birth_date_range():
    for rng in rngs():
        d = synth.birth_date(rng)
        assert datetime.date(1945, 1, 1) <= d <= datetime.date(2006, 12, 31)
