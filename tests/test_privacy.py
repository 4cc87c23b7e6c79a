"""Masks and keyed hashes: what an inventory may show of a value."""

from __future__ import annotations

import stat

import pytest

from piiscan.privacy import keyed_hash, load_or_create_key, mask


@pytest.mark.parametrize(
    "entity,value,masked",
    [
        ("IBAN_CODE", "BE68 5390 0754 7034", "BE68 **** **** 7034"),
        ("IBAN_CODE", "NL91ABNA0417164300", "NL91**********4300"),
        ("CREDIT_CARD", "4111 1111 1111 1111", "**** **** **** 1111"),
        ("BE_NATIONAL_NUMBER", "85.07.30-033.28", "**.**.**-***.28"),
        ("EMAIL_ADDRESS", "sophie.peeters@example.be", "s***@e***.be"),
        ("PERSON", "Sophie Peeters", "S***** P******"),
        ("IP_ADDRESS", "192.0.2.44", "192.0.*.**"),
        ("VAT_NUMBER", "BE 0403.170.701", "BE ****.***.701"),
    ],
)
def test_masks_keep_shape_but_not_value(entity, value, masked):
    assert mask(entity, value) == masked


def test_key_is_created_private_once(tmp_path):
    path = tmp_path / "piiscan" / "hash.key"
    key = load_or_create_key(path)
    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_key(path) == key


def test_hash_depends_on_key_type_and_value():
    k1, k2 = b"a" * 32, b"b" * 32
    h = keyed_hash(k1, "IBAN_CODE", "BE68539007547034")
    assert h == keyed_hash(k1, "IBAN_CODE", "BE68539007547034")
    assert h != keyed_hash(k2, "IBAN_CODE", "BE68539007547034")
    assert h != keyed_hash(k1, "IBAN_CODE", "BE68539007547035")
    assert h != keyed_hash(k1, "PHONE_NUMBER", "BE68539007547034")
    assert "BE68539007547034" not in h
