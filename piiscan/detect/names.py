"""PERSON: names found with lookup lists, titles, labels and column headers, not a model.

spaCy's Dutch and French models are not installable offline, so names come from evidence a
reader would use too: a known given name followed by a family name; a title ("mevrouw",
"M.", "Mrs") or label ("Naam:", "Nom :") before capitalised words; a closing formula
("Met vriendelijke groet,") above a signature; a cell under a "Naam" column.
"""

from __future__ import annotations

import re
from typing import Iterator

from piiscan.detect.context import compile_words
from piiscan.detect.recognizers import DetectorRecognizer, Hit
from piiscan.detect.rules import Rule, load_lexicon
from piiscan.detect.text_view import Claimed, TextView

_UPPER = "A-ZÀ-ÖØ-Þ"
_LOWER = "a-zß-öø-ÿ"
# A capitalised name word: "Sophie", "Jean-Pierre", "D'Hondt", "O'Brien", "Van" (particles are
# filtered later), never all-caps (MRZ lines, acronyms) and never inside an e-mail address.
NAME_WORD = rf"(?:[DdOL]'[{_UPPER}{_LOWER}]|Ma?c[{_UPPER}]|[{_UPPER}])[{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)*"
_CAPWORD = re.compile(rf"(?<![\w.@/'-]){NAME_WORD}(?![\w@])")
_NOT_BEFORE_NAME = ".@/'-_"
_LONGEST_CLOSING = 48
_NEXT_WORD = re.compile(r"[ ]+([\w.]+)")
_HOUSE_NUMBER = re.compile(r",?[ ]\d")
_TOKEN = re.compile(rf"[ ]+({NAME_WORD}|[{_LOWER}]+'?[{_LOWER}]*|'t|'s)(?![\w@-])")


class PersonRecognizer(DetectorRecognizer):
    def __init__(self, rule: Rule, rules_dir):
        super().__init__(rule)
        raw = rule.raw
        lex = raw.get("lexicon", {})
        stop = set(raw.get("not_first_names", ()))
        self.first_names = load_lexicon(rules_dir, lex["first_names"]) - stop
        self.last_names = load_lexicon(rules_dir, lex["last_names"])
        self.particles = {p.lower() for p in raw.get("particles", ())}
        self.street_suffixes = tuple(w.lower() for w in load_lexicon(rules_dir, lex["street_suffixes"]))
        self.score = rule.score
        self.label_score = float(raw.get("label_score", 0.85))
        self.titles = _phrases(w for ws in raw.get("titles", {}).values() for w in ws)
        # Last words of titles as they appear before a name ("heer" of "de heer", "m.").
        self._title_tails = {p.split()[-1] for ps in self.titles.values() for p in ps}
        self.labels = _phrases(w for ws in raw.get("labels", {}).values() for w in ws)
        self.closings = {w.lower() for ws in raw.get("closings", {}).values() for w in ws}
        self.name_columns = compile_words(raw.get("name_columns", ()))
        self.company_suffixes = frozenset(raw.get("company_suffixes", ()))

    # -- parsing --------------------------------------------------------------------------

    def _is_surname(self, word: str, text: str = "", end: int = 0) -> bool:
        lower = word.lower()
        if lower in self.particles:
            return False
        # "Berg" is a family name, "Kerkstraat 12" is a street: only a house number tells.
        return not (lower.endswith(self.street_suffixes) and _HOUSE_NUMBER.match(text, end))

    def _read_name(self, text: str, pos: int, need_given: bool) -> int | None:
        """End offset of a name starting at `pos`, or None.

        need_given: the first word must be a known given name (no title/label evidence).
        """
        first = _CAPWORD.match(text, pos)
        if not first or (need_given and first.group() not in self.first_names):
            return None
        end, words = first.end(), [first.group()]
        while len(words) < 5:
            token = _TOKEN.match(text, end)
            if not token:
                break
            word = token.group(1)
            if word.lower() in self.particles or word.lower().rstrip("'") in self.particles:
                end_if_particle = token.end()
                nxt = _TOKEN.match(text, end_if_particle)
                # Multi-word particles ("van der", "de la"): consume while particles follow.
                while nxt and nxt.group(1).lower() in self.particles:
                    end_if_particle = nxt.end()
                    nxt = _TOKEN.match(text, end_if_particle)
                if not nxt or not _CAPWORD.fullmatch(nxt.group(1)) or not self._is_surname(nxt.group(1), text, nxt.end()):
                    break
                end, words = nxt.end(), words + [nxt.group(1)]
                break  # a family name after a particle ends the name
            if not _CAPWORD.fullmatch(word) or not self._is_surname(word, text, token.end()):
                break
            words.append(word)
            end = token.end()
            if word not in self.first_names:
                break  # a family name ends the name; given names may repeat before it
        if need_given and len(words) < 2:
            return None
        following = _NEXT_WORD.match(text, end)
        if following and following.group(1).rstrip(",") in self.company_suffixes:
            return None  # "Immo Ardennes SA", "Peeters BV": a company
        return end

    # -- evidence -------------------------------------------------------------------------

    def find(self, view: TextView) -> Iterator[Hit]:
        text = view.text
        in_columns: list[tuple[int, int]] = []
        yield from self._name_columns(view, in_columns)
        claimed = Claimed(in_columns)
        first_names = self.first_names
        claimed_until = -1
        # One pass over the capitalised words (shared with the address recognizer); the
        # costly checks run only for known given names and for words after a title or label.
        for start, word in view.capitalised():
            if start < claimed_until:
                continue
            if start >= 2 and text[start - 2] in "DdOL" and text[start - 1] == "'":
                start -= 2  # "D'Hondt" starts at the D
            previous = text[start - 1] if start else "\n"
            if previous.isalnum() or previous in _NOT_BEFORE_NAME:
                continue
            given = word in first_names
            evidence = self._introduced(text, start)
            # Under a closing formula stands a signature, which may be a team's
            # ("Privacydesk Technova"): only a known given name opens a person's.
            has_label = evidence is not None and (given or evidence != "closing")
            if not (has_label or given):
                continue
            if start in claimed:
                continue
            end = self._read_name(text, start, need_given=not has_label)
            if end is None and has_label and given:
                end = self._read_name(text, start, need_given=True)
            if end is None:
                continue
            claimed_until = end
            if has_label:
                yield self._hit(text, start, end, self.label_score, "label")
            else:
                surname = text[start:end].rsplit(" ", 1)[-1]
                score = self.score + (0.1 if surname in self.last_names else 0.0)
                yield self._hit(text, start, end, score, "given_name")

    def _introduced(self, text: str, start: int) -> str | None:
        """What introduces the word at `start`: "title" ("mevrouw "), "label" ("Naam: "),
        "closing" (a closing formula on the line above), or None."""
        if start == 0:
            return None
        previous = text[start - 1]
        if previous == " " and start >= 2 and text[start - 2] not in " \t:：":
            # The common case, a word before: look it up before doing anything costlier.
            window_start = max(0, start - 24)
            word_start = max(text.rfind(" ", window_start, start - 1) + 1, text.rfind("\n", window_start, start - 1) + 1, window_start)
            word = text[word_start:start - 1].lower()
            if word.rstrip(".") not in self.titles and word not in self._title_tails:
                return None
        before = text[max(0, start - 40):start]
        stripped = before.rstrip(" \t")
        if not stripped or stripped.endswith("\n"):
            return "closing" if self._after_closing(text, start) else None
        colon = stripped.endswith((":", "："))
        if colon:
            stripped = stripped[:-1].rstrip(" \t")
        elif len(stripped) == len(before):
            return None  # no space between the word and what precedes it
        lower = stripped.lower()
        phrases = self.labels if colon else self.titles
        cut_at = max(lower.rfind(" "), lower.rfind("\n"), lower.rfind("\t")) + 1
        last = lower[cut_at:]
        if not colon and len(last) > 1 and stripped[cut_at:].isupper():
            return None  # "MS" in "9707 MS Groningen" is a postcode, not "Ms"
        for phrase in phrases.get(last.rstrip("."), ()):
            if lower.endswith(phrase) or lower.endswith(phrase.rstrip(".")):
                cut = len(lower) - len(phrase if lower.endswith(phrase) else phrase.rstrip("."))
                if cut == 0 or not lower[cut - 1].isalnum():
                    return "label" if colon else "title"
        return None

    def _after_closing(self, text: str, start: int) -> bool:
        line_start = text.rfind("\n", 0, start) + 1
        if line_start < 2 or (start > line_start and text[line_start:start].strip()):
            return False
        # A closing formula is a short line: never look further back than that.
        window = max(0, line_start - 1 - _LONGEST_CLOSING)
        prev_start = text.rfind("\n", window, line_start - 1) + 1
        if prev_start == 0 and window > 0:
            return False
        previous = text[prev_start:line_start - 1].strip().rstrip(",.!").lower()
        return previous in self.closings

    def _name_columns(self, view: TextView, claimed: list) -> Iterator[Hit]:
        if self.name_columns is None:
            return
        for span in view.spans_with_context():
            if not self.name_columns.fullmatch(span.context.strip().lower()):
                continue
            cell = view.text[span.start:span.end]
            lead = len(cell) - len(cell.lstrip())
            end = self._read_name(view.text, span.start + lead, need_given=False)
            if end is not None and not view.text[end:span.end].strip():
                claimed.append((span.start + lead, end))
                yield self._hit(view.text, span.start + lead, end, self.label_score, "column")

    def _hit(self, text: str, start: int, end: int, score: float, how: str) -> Hit:
        value = text[start:end]
        return Hit(start, end, min(score, 1.0), " ".join(value.split()).lower(), f"person:{how}")


def _phrases(words) -> dict[str, list[str]]:
    """Titles or labels indexed by their last word ("de heer" under "heer"), longest first."""
    index: dict[str, list[str]] = {}
    for phrase in sorted({w.lower() for w in words}, key=len, reverse=True):
        last = phrase.split()[-1].rstrip(".")
        index.setdefault(last, []).append(phrase)
    return index

