"""POSTAL_ADDRESS: street + house number (Dutch and French word order) and postcode + place.

Street words and place names are data (rules/recognizers/postal_address.yaml and
rules/lexicon/): this module only knows how an address line is put together.
"""

from __future__ import annotations

import re
from typing import Iterator

from stdnum.nl import postcode as nl_postcode

from piiscan.detect.context import compile_words, has_word
from piiscan.detect.recognizers import DetectorRecognizer, Hit
from piiscan.detect.rules import Rule, load_lexicon
from piiscan.detect.text_view import Claimed, TextView, leading_digits

_U, _L = "A-ZÀ-ÖØ-Þ", "a-zß-öø-ÿ"
_WORD = rf"[{_U}][\w'’.-]*"
_CONNECTOR = r"(?:van|de|der|den|het|ter|ten|te|'t|op|aan|in|bij|la|le|les|du|des|d'|l'|de la|de l')"
# What may stand right before a postcode that opens a field ('"lijn2": "8900 Ieper"').
_FIELD_OPENERS = "\"':,;>\t|("
_NL_POSTCODE = re.compile(r"\d{4}[ ]?[A-Z]{2}")
_PLACE_PREFIXES = {"Den", "De", "La", "Le", "Les", "Sint", "Saint", "Sainte", "Sankt", "Nieuw", "Oud", "Oude", "Groot", "Klein", "Bad"}
# Words that may precede a street name in running text but are not part of it.
_LEADING_NOISE = {"adres", "adresse", "address", "op", "in", "te", "wonende", "woonachtig", "naar", "aan", "via", "de", "het", "the", "at"}


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


class AddressRecognizer(DetectorRecognizer):
    def __init__(self, rule: Rule, rules_dir):
        super().__init__(rule)
        raw = rule.raw
        self.cities = load_lexicon(rules_dir, raw["lexicon"]["cities"])
        self.score = rule.score
        self.postcode_score = float(raw.get("postcode_score", 0.65))
        self.context_words = compile_words(rule.context.words)
        self.suffixes = tuple(w.lower() for w in load_lexicon(rules_dir, raw["lexicon"]["street_suffixes"]))
        suffixes = _alternation(self.suffixes)
        prefixes = _alternation(s.lower() for s in raw["street_prefixes"])
        boxes = _alternation(raw.get("box_words", ()))
        number = rf"\d{{1,4}}(?:[ ]?[A-Za-z](?![\w]))?(?:-\d{{1,4}})?(?:,?[ ](?i:{boxes})\.?[ ]?\w{{1,4}})?"
        dutch = (
            rf"(?:(?:{_WORD}|{_CONNECTOR})[ ]){{0,3}}(?=[{_U}])[\w'’-]*?(?i:{suffixes})[ ]{number}"
        )
        french = rf"(?:\d{{1,4}}(?:bis|ter)?,?[ ])?(?i:{prefixes})[ ](?:(?:{_WORD}|{_CONNECTOR}|[{_L}]+)[ ]?){{1,6}}?(?:,?[ ]{number})"
        place = rf"(?:'[sS][ -])?[{_U}][\w'’-]*(?:[ -](?:{_WORD}|aan|op|en|de|den|der|bij|sur|lez|la|le)){{0,3}}"
        # Not after "/" or ".": "11/04/2024 Rue de la Fontaine 49" is a date, then a street.
        self._street = re.compile(rf"(?<![\w/.-])(?:{dutch}|{french})(?![\w])")
        self._postcode = re.compile(rf"(?P<pc>(?:[BbLl]-)?[1-9]\d{{3}}(?:[ ]?[A-Z]{{2}})?)[ ]{{1,2}}(?P<place>{place})")
        self._joiner = re.compile(r",?[ ]{1,3}")
        self.french_words = frozenset(w.lower() for w in raw["street_prefixes"])

    def find(self, view: TextView) -> Iterator[Hit]:
        hits = [hit for hit in (self._street_at(view, start, end) for start, end in self._street_words(view)) if hit]
        # Postcodes: the four-digit clusters the detector found anyway ("1000", "1234 AB").
        taken = Claimed([(h.start, h.end) for h in hits])
        for cluster_start, _, shape in view.digit_clusters():
            if leading_digits(shape) == 4 and cluster_start not in taken:
                hit = self._postcode_at(view, cluster_start)
                if hit is not None:
                    hits.append(hit)
        hits.sort(key=lambda hit: hit.start)
        return iter(hits)

    def _street_words(self, view: TextView) -> Iterator[tuple[int, int]]:
        """Capitalised words that can carry a street name: "Kerkstraat", "Markt" in "Oude
        Markt", "Rue" and "Avenue" that open a French one (the view's one pass over
        capitalised words); the street pattern then runs only around these."""
        suffixes, french = self.suffixes, self.french_words
        for start, word in view.capitalised():
            lower = word.lower()
            if lower.endswith(suffixes) or lower in french:
                yield start, start + len(word)

    def _street_at(self, view: TextView, start: int, word_end: int) -> Hit | None:
        """The street address around a street word, if a house number follows it."""
        text = view.text
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", start)
        line_end = len(text) if line_end < 0 else line_end
        for m in self._street.finditer(text, max(line_start, start - 60), min(line_end, word_end + 90)):
            if m.start() <= start < m.end():
                begin, finish = self._trim_leading(text, m.start(), m.end()), m.end()
                joined = self._joiner.match(text, finish)
                if joined:
                    postcode_end = self._postcode_end(text, joined.end(), standalone=False)
                    if postcode_end is not None:
                        finish = postcode_end
                return self._hit(view, begin, finish, self.score, "street")
            if m.start() > start:
                break
        return None

    def _postcode_at(self, view: TextView, start: int) -> Hit | None:
        text = view.text
        if start >= 2 and text[start - 2:start] in ("B-", "b-", "L-", "l-"):
            start -= 2
        end = self._postcode_end(text, start, standalone=True)
        return None if end is None else self._hit(view, start, end, self.postcode_score, "postcode")

    def _postcode_end(self, text: str, pos: int, standalone: bool) -> int | None:
        m = self._postcode.match(text, pos)
        if not m or (pos and (text[pos - 1].isalnum() or text[pos - 1] in "/.-")):
            return None
        code = m.group("pc")
        place_end = self._place_end(text, m.start("place"), m.end("place"))
        if place_end is None:
            return None
        if _NL_POSTCODE.fullmatch(code):
            # "1234 AB" is distinctive enough anywhere (and stdnum knows the unused series).
            return place_end if nl_postcode.is_valid(code) else None
        if not standalone:
            return place_end
        # Four digits and a capitalised word are common in prose ("in 2024 Rue..."): alone,
        # a Belgian postcode must open its line or field ('"lijn2": "8900 Ieper"') and name a
        # known place, or follow a street line.
        line_start = text.rfind("\n", 0, pos) + 1
        before = text[line_start:pos].rstrip()
        if before and before[-1] not in _FIELD_OPENERS:
            return None
        place = text[m.start("place"):place_end]
        if place in self.cities or self._street_line_before(text, line_start):
            return place_end
        return None

    def _street_line_before(self, text: str, line_start: int) -> bool:
        if line_start < 2:
            return False
        prev_start = text.rfind("\n", 0, line_start - 1) + 1
        previous = text[prev_start:line_start - 1].strip()
        return bool(previous) and self._street.fullmatch(previous) is not None

    def _place_end(self, text: str, start: int, end: int) -> int | None:
        """End of the place name at `start`: the longest known name, else one word (two
        after a prefix such as "Den" or "Sint")."""
        words = list(re.finditer(r"[^ ,;:\t\r\n]+", text[start:end]))
        for w in reversed(words):
            candidate = text[start:start + w.end()].rstrip(".")
            if candidate in self.cities:
                return start + len(candidate)
        if not words:
            return None
        first = words[0]
        if first.group() in _PLACE_PREFIXES and len(words) > 1 and words[1].start() == first.end() + 1:
            return start + words[1].end()
        return start + len(first.group().rstrip("."))

    def _trim_leading(self, text: str, start: int, end: int) -> int:
        words = text[start:end].split(" ")
        offset = start
        for word in words[:-2]:
            if word.lower() not in _LEADING_NOISE:
                break
            offset += len(word) + 1
        return offset

    def _hit(self, view: TextView, start: int, end: int, score: float, how: str) -> Hit:
        before, after, header = view.window(start, end, 60, 0)
        if has_word(self.context_words, before, header):
            score = min(1.0, score + 0.15)
        value = view.text[start:end]
        return Hit(start, end, score, " ".join(value.split()).lower(), f"postal_address:{how}")
