"""ID_DOCUMENT: an OCR'd page or image that is a copy of an identity document.

Evidence, strongest first: a machine-readable zone whose ICAO 9303 check digits hold (read
with piiscan/ocr/mrz_read.py, which forgives OCR's usual confusions), or a document title
with enough field labels on a short page. The kind ("BE eID", "NL passport", "ICAO TD3") comes
from the MRZ's issuing state and document code, or from the issuer and title keywords. All
words and kinds are data: rules/recognizers/id_document_copy.yaml.

A finding is about the whole page, not a piece of its text: it stands at the page's start
with an empty value, so it never competes with the MRZ, name or number findings on that page.
Its recognizer name carries the kind ("id_document_copy:BE eID"); its canonical value, the
kind and the document number (what the keyed hash is made of).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterator

from piiscan.detect.recognizers import DetectorRecognizer, Hit
from piiscan.detect.rules import Rule, RuleError
from piiscan.detect.text_view import SEPARATOR, TextView
from piiscan.ocr.mrz_read import MrzRead, find_mrz


def fold(text: str) -> str:
    """Lower case, accents dropped, typographic apostrophes as "'": OCR loses accents
    ("Belgie", "carte d'identite") as often as it keeps them."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'").replace("`", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _words(spec, source) -> list[str]:
    if isinstance(spec, dict):
        words = [w for ws in spec.values() for w in (ws or ())]
    elif isinstance(spec, list):
        words = list(spec)
    else:
        raise RuleError(f"{source}: expected a list of words or a mapping of language to words")
    return list(dict.fromkeys(fold(str(w)) for w in words))


def _pattern(words: list[str]) -> re.Pattern | None:
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])")


@dataclass(frozen=True)
class Kind:
    name: str
    states: frozenset[str] | None
    code: re.Pattern | None
    formats: frozenset[str] | None
    issuer: str | None
    titles: re.Pattern | None

    def fits_mrz(self, read: MrzRead) -> bool:
        if self.states is None and self.code is None and self.formats is None:
            return False  # a kind told by keywords only
        state = read.issuing_state.replace("<", "")
        return (
            (self.states is None or state in self.states)
            and (self.code is None or self.code.search(read.document_code) is not None)
            and (self.formats is None or read.format in self.formats)
        )


class IdCopyRecognizer(DetectorRecognizer):
    def __init__(self, rule: Rule):
        super().__init__(rule)
        raw, source = rule.raw, rule.source
        self.score = rule.score
        self.keyword_score = float(raw.get("keyword_score", 0.8))
        self.parts = frozenset(raw.get("parts") or ("ocr",))
        self.min_fields = int(raw.get("min_fields", 3))
        self.max_chars = int(raw.get("max_chars", 2500))
        self.titles = _pattern(_words(raw.get("titles") or {}, source))
        self.fields = _pattern(_words(raw.get("fields") or {}, source))
        self.issuers = {
            country: _pattern(_words(words, source)) for country, words in (raw.get("issuers") or {}).items()
        }
        self.kinds = [self._kind(spec, source) for spec in raw.get("kinds") or ()]

    def _kind(self, spec: dict, source) -> Kind:
        if "name" not in spec:
            raise RuleError(f"{source}: every kind needs a name")
        mrz = spec.get("mrz") or {}
        keywords = spec.get("keywords") or {}
        issuer = keywords.get("issuer")
        if issuer is not None and issuer not in self.issuers:
            raise RuleError(f"{source}: kind {spec['name']!r}: unknown issuer {issuer!r}")
        return Kind(
            name=str(spec["name"]),
            states=frozenset(mrz["states"]) if mrz.get("states") else None,
            code=re.compile(mrz["code"]) if mrz.get("code") else None,
            formats=frozenset(mrz["formats"]) if mrz.get("formats") else None,
            issuer=issuer,
            titles=_pattern(_words(keywords.get("titles") or [], source)) if keywords else None,
        )

    def find(self, view: TextView) -> Iterator[Hit]:
        offset = 0
        hits = []
        for segment in view.segments:
            if segment.location.part in self.parts and segment.text.strip():
                hits.extend(self._page(segment.text, offset))
            offset += len(segment.text) + len(SEPARATOR)
        return iter(hits)

    def _page(self, text: str, offset: int) -> list[Hit]:
        """The documents on one page: one hit per valid MRZ, or one from keywords."""
        reads = find_mrz(text.splitlines())
        if reads:
            hits = []
            for read in reads:
                kind = self.mrz_kind(read)
                canonical = f"{kind} {read.issuing_state.replace('<', '')} {read.document_number}"
                hits.append(Hit(offset, offset, self.score, canonical, f"{self.rule.id}:{kind}"))
            return hits
        kind = self.keyword_kind(text)
        if kind is None:
            return []
        digest = hashlib.sha256(fold(text).encode()).hexdigest()[:16]
        return [Hit(offset, offset, self.keyword_score, f"{kind} {digest}", f"{self.rule.id}:{kind}")]

    def mrz_kind(self, read: MrzRead) -> str:
        for kind in self.kinds:
            if kind.fits_mrz(read):
                return kind.name
        return f"ICAO {read.format}"

    def keyword_kind(self, text: str) -> str | None:
        """The kind the page's keywords show, or None when they are not enough evidence."""
        if len(text) > self.max_chars or self.titles is None or self.fields is None:
            return None
        folded = fold(text)
        if not self.titles.search(folded):
            return None
        fields = {m.group() for m in self.fields.finditer(folded)}
        if len(fields) < self.min_fields:
            return None
        for kind in self.kinds:
            if kind.titles is None or kind.issuer is None:
                continue
            if kind.titles.search(folded) and self.issuers[kind.issuer].search(folded):
                return kind.name
        return "ID document"
