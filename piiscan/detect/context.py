"""Context words: whole-word, case-insensitive, in a window around a match.

Presidio's enhancer matches substrings ("lic" inside "duplicate") and needs lemmas from a
spaCy model we cannot ship; a compiled alternation of whole words is exact and fast.
"""

from __future__ import annotations

import re


def compile_words(words: tuple[str, ...] | list[str]) -> re.Pattern | None:
    if not words:
        return None
    ordered = sorted({w.lower() for w in words}, key=len, reverse=True)
    alternatives = "|".join(re.escape(w).replace(r"\ ", r"[\s_-]+") for w in ordered)
    # Dutch glues "nummer" onto the noun: "creditcardnummer", "rekeningnr".
    return re.compile(rf"(?<![^\W_])(?:{alternatives})(?:-?(?:nummers?|nr|no))?(?![^\W_])", re.IGNORECASE)


def has_word(pattern: re.Pattern | None, *texts: str) -> bool:
    return pattern is not None and any(text and pattern.search(text) for text in texts)
