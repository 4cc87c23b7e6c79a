"""How a found value is replaced: the four styles of `piiscan redact --style`.

- label:     "[IBAN_CODE]" (the default: says what was there, nothing of its value);
- mask:      "BE68 **** **** **34", the inventory's masked form (privacy.mask);
- hash:      "[IBAN_CODE:3f9a1c0b7e21]", the keyed hash of the canonical value, so one value
             is recognisable across files and runs without being readable;
- pseudonym: a realistic value of the same type and format (pseudonyms.py).

The key is the inventory's hash key (privacy.py): with the same key, a later run gives the
same hashes and pseudonyms.
"""

from __future__ import annotations

from piiscan.privacy import keyed_hash, mask

STYLES = ("label", "mask", "hash", "pseudonym")


class Replacer:
    def __init__(self, style: str, key: bytes):
        if style not in STYLES:
            raise ValueError(f"unknown style {style!r}; expected one of {', '.join(STYLES)}")
        self.style = style
        self.key = key
        # One value, one replacement within a run, even when a format cuts it differently.
        self._cache: dict[tuple[str, str, str], str] = {}

    def __call__(self, entity_type: str, value: str, canonical: str) -> str:
        cache_key = (entity_type, value, canonical)
        replacement = self._cache.get(cache_key)
        if replacement is None:
            replacement = self._cache[cache_key] = self._make(entity_type, value, canonical or value)
        return replacement

    def _make(self, entity_type: str, value: str, canonical: str) -> str:
        if self.style == "label":
            return f"[{entity_type}]"
        if self.style == "mask":
            return mask(entity_type, value)
        if self.style == "hash":
            return f"[{entity_type}:{keyed_hash(self.key, entity_type, canonical)[:12]}]"
        from piiscan.redact.pseudonyms import pseudonym  # synth and the lexicons: only when asked for

        return pseudonym(self.key, entity_type, value, canonical)
