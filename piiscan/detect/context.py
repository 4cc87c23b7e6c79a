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


def compile_gate(words: tuple[str, ...] | list[str]) -> re.Pattern | None:
    """A cheap pre-check, run on lower-cased text, that some context word may be present:
    the phrases without word boundaries. It may say yes wrongly (the real check follows),
    never no wrongly; literal lower-case alternatives run several times faster than
    IGNORECASE."""
    if not words:
        return None
    phrases = sorted({w.lower() for w in words}, key=len, reverse=True)
    return re.compile("|".join(re.escape(p).replace(r"\ ", r"[\s_-]+") for p in phrases))


def has_word(pattern: re.Pattern | None, *texts: str) -> bool:
    return pattern is not None and any(text and pattern.search(text) for text in texts)
