"""What an inventory may show of a value: a masked form and a keyed hash, never the value.

The hash is an HMAC with a per-installation secret, so one IBAN in two files has one hash
(and a privacy officer can look it up), while nobody without the key can test guesses
against the inventory — a plain SHA-256 of a 9-digit BSN is reversed by brute force in
seconds.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

KEY_ENV = "PIISCAN_KEY_FILE"


def config_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "piiscan"


def key_path() -> Path:
    return Path(os.environ[KEY_ENV]) if os.environ.get(KEY_ENV) else config_dir() / "hash.key"


def load_or_create_key(path: Path | None = None) -> bytes:
    path = path or key_path()
    try:
        return bytes.fromhex(path.read_text().strip())
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_hex(32)
    try:
        # O_EXCL: two scans starting at once must not end up with two different keys.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return bytes.fromhex(path.read_text().strip())
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return bytes.fromhex(key)


def keyed_hash(key: bytes, entity_type: str, canonical: str) -> str:
    digest = hmac.new(key, f"{entity_type}:{canonical}".encode("utf-8"), hashlib.sha256)
    return digest.hexdigest()[:32]


# How many leading/trailing characters stay visible; separators are always kept so the
# shape stays recognisable ("BE68 **** **** 7034").
_VISIBLE = {
    "IBAN_CODE": (4, 4),
    "CREDIT_CARD": (0, 4),
    "PHONE_NUMBER": (3, 2),
    "VAT_NUMBER": (2, 3),
    "BE_ENTERPRISE_NUMBER": (0, 3),
    "NL_KVK": (0, 2),
    "MRZ": (5, 0),
    "IP_ADDRESS": (0, 0),
    "DATE_OF_BIRTH": (0, 0),
    "NL_BSN": (0, 0),
}
_WORDWISE = {"PERSON", "POSTAL_ADDRESS"}


def mask(entity_type: str, value: str) -> str:
    if entity_type == "EMAIL_ADDRESS":
        return _mask_email(value)
    if entity_type in _WORDWISE:
        return " ".join(w[:1] + "*" * (len(w) - 1) if w[:1].isalpha() else "*" * len(w) for w in value.split(" "))
    if entity_type == "IP_ADDRESS":
        return _mask_ip(value)
    head, tail = _VISIBLE.get(entity_type, (0, 2))
    return _mask_alnum(value, head, tail)


def _mask_alnum(value: str, head: int, tail: int) -> str:
    positions = [i for i, c in enumerate(value) if c.isalnum()]
    keep = set(positions[:head]) | (set(positions[-tail:]) if tail else set())
    return "".join(c if (i in keep or not c.isalnum()) else "*" for i, c in enumerate(value))


def _mask_email(value: str) -> str:
    local, _, domain = value.rpartition("@")
    tld = domain.rsplit(".", 1)[-1]
    return f"{local[:1]}***@{domain[:1]}***.{tld}"


def _mask_ip(value: str) -> str:
    if ":" in value:
        groups = value.split(":")
        return ":".join(groups[:2] + ["*" * len(g) if g else "" for g in groups[2:]])
    parts = value.split(".")
    return ".".join(parts[:2] + ["*" * len(p) for p in parts[2:]])
