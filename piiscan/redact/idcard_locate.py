"""What to mask on an ID-document image, and whether it is one.

Input: the views of the page (idcard_geometry), each with its OCR lines and faces. Output:
the regions to black out, in page pixels, the values that must not be readable in the copy,
the document kind, and the reasons a human should look at the copy ("review").

- Photo: every face (portrait and ghost image, idcard_faces). A document side that should
  carry a photo but shows no face gets the left 40% of its view masked, flagged for review.
- MRZ: each block of MRZ-like lines (idcard_mrz) masked across the whole document width,
  with 0.8 line of margin (one more row each way when a row was not read). A passport
  page, or an ID page without face nor MRZ, whose MRZ is not found gets its lower third
  masked, flagged for review.
- Numbers: the document number and the personal/national number read from the MRZ, wherever
  else they are printed (OCR-tolerant match, up to two edits); whatever the Detector finds
  as BE_NATIONAL_NUMBER, NL_BSN or ID_DOCUMENT_NUMBER in the OCR text (with document words
  as context); and the value printed under or after a number label ("Kaartnr", "Document
  no.", "Rijksregisternr.", "Persoonsnummer"...), even when OCR cannot read the value.
- Signature: under its label, else under the portrait, and wherever OCR reads the holder's
  name (from the MRZ) written in mixed case (idcard_signature).
- The multi-page case: numbers from an MRZ on another page of the file (`elsewhere`) are
  looked for on this page too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from piiscan.model import Segment
from piiscan.redact.idcard_faces import Face
from piiscan.redact.idcard_mrz import MrzBlock, document_kind, find_mrz_blocks
from piiscan.redact.idcard_signature import signature_areas, signed_names
from piiscan.redact.idcard_text import Box, Quad, alnum_index, approx_find, bounds, char_box, plain

NUMBER_ENTITIES = frozenset({"BE_NATIONAL_NUMBER", "NL_BSN", "ID_DOCUMENT_NUMBER"})
# Context the Detector gets for text read off an ID document (its number rules need a
# document keyword near the value; on a card the keyword is the field label, often misread).
ID_CONTEXT = "identiteitskaart documentnummer paspoort rijksregisternummer bsn persoonsnummer identity card"

_ID_WORDS = (
    "identiteitskaart", "identitykard", "identitycard", "cartedidentite", "personalausweis", "paspoort",
    "passport", "passeport", "reisepass", "pasaporte", "passaporto", "rijbewijs", "drivinglicence",
    "permisdeconduire", "fuhrerschein", "verblijfsdocument", "verblijfsvergunning", "residencepermit",
    "titredesejour", "aufenthaltstitel", "koninkrijkdernederlanden", "kingdomofthenetherlands",
    "royaumedebelgique", "koninkrijkbelgie", "belgiebelgiquebelgien", "traveldocument", "documentdidentite",
)
_PASSPORT_WORDS = ("paspoort", "passport", "passeport", "reisepass", "pasaporte", "passaporto")
_DOCUMENT_LABEL = re.compile(
    r"kaartn|card ?n[or°]|n[°o] ?de ?carte|documentn|document ?n[or°]|doc\.? ?n[or°]|n[°o] ?du ?doc|"
    r"paspoortn|passport ?n[or°]|passeport ?n|reisepass ?n|ausweis ?n|numero de document|documento n")
_NATIONAL_LABEL = re.compile(
    r"rijksregister|registre ?national|national ?regist|nationaal ?nummer|numero ?national|persoonsnummer|"
    r"personal ?n[or°]|personal ?number|burgerservice|\bbsn\b|n[°o] ?personnel|personennummer")


@dataclass
class Region:
    label: str  # PHOTO, GHOST_PHOTO, MRZ, ID_DOCUMENT_NUMBER, BE_NATIONAL_NUMBER, NL_BSN, PERSONAL_NUMBER, SIGNATURE
    box: Box  # page pixels: the bounds of `quad`
    how: str  # face | fallback | layout | mrz | value | detector | label | name | verify
    value: str = ""  # the value under the mask, when there is one (never logged as is)
    quad: Quad = ()  # the masked area on the page (a turned rectangle on a straightened view)


@dataclass
class ViewText:
    """One view with what was read on it (coordinates of the view image)."""

    view: object  # idcard_geometry.View
    lines: list  # OcrLine
    faces: list[Face]
    blocks: list[MrzBlock] = field(default_factory=list)
    mrz_lines: set[int] = field(default_factory=set)


@dataclass
class Located:
    is_id: bool
    kind: str | None
    regions: list[Region]
    review: list[str]
    secrets: list[tuple[str, str]]  # (entity type, value) that must not be readable in the copy
    mrz_valid: bool = False
    views: list[ViewText] = field(default_factory=list)


def mrz_blocks(texts: list[ViewText]) -> list[MrzBlock]:
    """The MRZ blocks on the views (kept on each ViewText too)."""
    for vt in texts:
        blocks, used = find_mrz_blocks(vt.lines)
        vt.blocks = [b for b in blocks if _credible(b)]
        vt.mrz_lines = set(used) if vt.blocks else set()
    return [b for vt in texts for b in vt.blocks]


def locate(texts: list[ViewText], detector=None, keep_photo: bool = False, elsewhere: list[MrzBlock] = ()) -> Located:
    """What to mask on one page. `elsewhere`: MRZ blocks found on the file's other pages (a
    card's back on page 2): their numbers are looked for on this page too."""
    blocks = mrz_blocks(texts)
    words = _words(" ".join(line.text for vt in texts for line in vt.lines))
    keyword = any(w in words for w in _ID_WORDS)
    is_id = bool(blocks) or keyword
    known = blocks or list(elsewhere)
    kind = document_kind(known[0]) if known and is_id else _keyword_kind(words) if keyword else None
    located = Located(is_id, kind, [], [], [], mrz_valid=any(b.valid for b in blocks), views=texts)
    if not is_id:  # copied only when asked (--non-id): then with its faces masked
        for vt in texts:
            for face in vt.faces if not keep_photo else ():
                quad = vt.view.to_page_quad(face.portrait)
                located.regions.append(Region("GHOST_PHOTO" if face.ghost else "PHOTO", bounds(quad), "face", "", quad))
        return located
    country = known[0].country if known else ("BEL" if kind and kind.startswith("BE") else "NLD" if kind and kind.startswith("NL") else "")
    national = {"BEL": "BE_NATIONAL_NUMBER", "NLD": "NL_BSN"}.get(country, "PERSONAL_NUMBER")
    values = _mrz_values(blocks + [b for b in elsewhere if b not in blocks], national)
    located.secrets.extend(values)
    for block in blocks:
        located.secrets.extend(("MRZ", line) for line in block.lines or block.rows)
    holders = list(dict.fromkeys((b.holder[0], tuple(b.holder[1])) for b in known if b.holder[0]))
    for vt in texts:
        _locate_view(vt, located, values, national, detector, keep_photo, passport=any(w in words for w in _PASSPORT_WORDS),
                     holders=holders)
    located.secrets = list(dict.fromkeys(located.secrets))
    return located


def _credible(block: MrzBlock) -> bool:
    """An MRZ, not a row of digits: check digits hold, or fillers on two rows or more."""
    return block.valid or sum("<" in row for row in block.rows) >= min(2, len(block.rows)) and any(row.count("<") >= 3 for row in block.rows)


def _words(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", plain(text))


def _keyword_kind(words: str) -> str:
    if "belgie" in words or "belgique" in words or "belgien" in words:
        return "BE eID" if "identiteitskaart" in words or "cartedidentite" in words or "personalausweis" in words else "BE ID document"
    if "nederlanden" in words or "netherlands" in words:
        if any(w in words for w in _PASSPORT_WORDS):
            return "NL passport"
        return "NL ID card" if "identiteitskaart" in words else "NL ID document"
    return "ID document"


def _mrz_values(blocks: list[MrzBlock], national: str) -> list[tuple[str, str]]:
    values = []
    for block in blocks:
        number = block.document_number
        if sum(c.isalnum() for c in number) >= 6:
            values.append(("ID_DOCUMENT_NUMBER", number))
        values.extend((national, value) for value in block.personal_numbers)
    return list(dict.fromkeys(values))


def _locate_view(vt: ViewText, located: Located, values, national: str, detector, keep_photo: bool, passport: bool,
                 holders=()) -> None:
    view, lines = vt.view, vt.lines
    width, height = view.image.size

    def add(label: str, box: Box, how: str, value: str = "") -> None:
        quad = view.to_page_quad(box)
        located.regions.append(Region(label, bounds(quad), how, value, quad))

    # MRZ bands
    for block in vt.blocks:
        add("MRZ", _band(block, width), "mrz", "\n".join(block.lines or block.rows))
    # Photos
    if not keep_photo:
        for face in vt.faces:
            add("GHOST_PHOTO" if face.ghost else "PHOTO", face.portrait, "face")
    # Numbers: MRZ values printed elsewhere, Detector findings, label positions
    numbers = []
    for index, line in enumerate(lines):
        if index in vt.mrz_lines:
            continue
        folded, offsets = alnum_index(line.text)
        for entity, value in values:
            target = alnum_index(value)[0]
            for start, end in approx_find(folded, target, _edits(len(target))):
                numbers.append((entity, _part(line, offsets[start], offsets[end - 1] + 1), "value", value))
    if detector is not None:
        numbers.extend(_detector_numbers(lines, vt.mrz_lines, detector))
    numbers.extend(_label_numbers(lines, vt.mrz_lines, national))
    for entity, box, how, value in numbers:
        add(entity, box, how, value)
        if value and how in ("detector", "value"):
            located.secrets.append((entity, value))
    # Signature
    for box, how in signature_areas(lines, vt.mrz_lines, [b.box for b in vt.blocks], [f.portrait for f in vt.faces], width, height):
        add("SIGNATURE", box, how)
    for surname, given in holders:
        for box in signed_names(lines, vt.mrz_lines, surname, given):
            add("SIGNATURE", box, "name")
    _fallbacks(vt, located, add, width, height, keep_photo, passport, numbers)


def _part(line, start: int, end: int) -> Box:
    """Where characters start..end of an OCR line stand; the whole line for text turned on
    its side (its box says nothing about where along it a character is)."""
    x0, y0, x1, y1 = line.box
    if x1 - x0 <= y1 - y0:
        return (x0 - 2, y0 - 2, x1 + 2, y1 + 2)
    return char_box(line.box, len(line.text), start, end)


def _edits(length: int) -> int:
    return 0 if length < 6 else 1 if length < 9 else 2


def _band(block: MrzBlock, width: int) -> Box:
    """The MRZ rows across the document's width, 0.8 line above and below; one more row
    each way when the block misses rows."""
    x0, y0, x1, y1 = block.box
    line_height = block.line_height
    if x1 - x0 > 0.6 * width:
        x0, x1 = 0, width  # the view is the document: mask its full width
    else:
        char = (x1 - x0) / max(1, max(len(r) for r in block.rows))
        x0, x1 = x0 - 3 * char, x1 + 3 * char
    grow = 0.0 if block.complete else block.pitch
    return (x0, y0 - 0.8 * line_height - grow, x1, y1 + 0.8 * line_height + grow)


def _detector_numbers(lines, skip: set[int], detector):
    kept = [i for i in range(len(lines)) if i not in skip]
    if not kept:
        return []
    text = "\n".join(lines[i].text for i in kept)
    starts, pos = [], 0
    for i in kept:
        starts.append(pos)
        pos += len(lines[i].text) + 1
    out = []
    for span in detector.detect([Segment(text=text, context=ID_CONTEXT)]):
        if span.entity_type not in NUMBER_ENTITIES:
            continue
        k = max(j for j, s in enumerate(starts) if s <= span.start)
        line = lines[kept[k]]
        start, end = span.start - starts[k], min(span.end - starts[k], len(line.text))
        out.append((span.entity_type, _part(line, start, end), "detector", line.text[start:end]))
    return out


def _label_numbers(lines, skip: set[int], national: str):
    """The value after a number label on its line, or on the line under it (masked even
    when it cannot be read: the label says what is there)."""
    out = []
    for index, line in enumerate(lines):
        if index in skip or line.box[2] - line.box[0] <= line.box[3] - line.box[1]:
            continue  # an MRZ line, or text turned on its side (no label layout to follow)
        text = plain(line.text)
        for pattern, entity in ((_DOCUMENT_LABEL, "ID_DOCUMENT_NUMBER"), (_NATIONAL_LABEL, national)):
            match = pattern.search(text)
            if not match:
                continue
            label = char_box(line.box, len(text), match.start(), match.end(), margin=0)
            label_height = line.box[3] - line.box[1]
            tail = line.text[match.end():]
            digits_after = sum(c.isdigit() for c in tail)
            if digits_after >= 4:  # "Rijksregisternr. 85.03.30-033.28" on one line
                first = match.end() + next(i for i, c in enumerate(tail) if c.isdigit())
                out.append((entity, char_box(line.box, len(text), first, len(text)), "label", ""))
                continue
            below = _line_below(lines, skip, index, label, label_height)
            if below is not None:
                value_line = lines[below]
                box = value_line.box
                # only the column under the label when OCR merged two columns into one line
                out.append((entity, (max(box[0], label[0] - label_height), box[1] - 2, box[2], box[3] + 2), "label", ""))
            else:
                out.append((entity, (label[0] - label_height, line.box[3], label[0] + max(label[2] - label[0], 12 * label_height), line.box[3] + 3 * label_height), "label", ""))
    return out


def _line_below(lines, skip, index: int, label: Box, label_height: float) -> int | None:
    best, best_gap = None, None
    for j, other in enumerate(lines):
        if j == index or j in skip:
            continue
        gap = other.box[1] - label[3]
        if not (-0.4 * label_height <= gap <= 2.5 * label_height):
            continue
        if other.box[2] < label[0] or other.box[0] > label[0] + 3 * label_height:
            continue  # the value starts under the label's first letters
        if best_gap is None or gap < best_gap:
            best, best_gap = j, gap
    return best


def _fallbacks(vt: ViewText, located: Located, add, width: int, height: int, keep_photo: bool, passport: bool, numbers) -> None:
    blocks = vt.blocks
    fmt = blocks[0].format if blocks else None
    substantial = sum(1 for i, line in enumerate(vt.lines) if i not in vt.mrz_lines and len(line.text.strip()) >= 3)
    if not substantial and not blocks and not vt.faces:
        return  # nothing on this view (a blank back, a stain)
    photo_expected = fmt in ("TD2", "TD3") or fmt is None or _front_above(vt)
    if photo_expected and not vt.faces and not keep_photo:
        add("PHOTO", (0, 0, 0.4 * width, height), "fallback")
        located.review.append("no face found: the left 40% of the document masked as its photo")
    if not blocks and (passport or not vt.faces):
        add("MRZ", (0, height * 2 / 3, width, height), "fallback")
        located.review.append("no MRZ found: the lower third of the document masked")
    if fmt in ("TD2", "TD3") and not any(n[0] == "ID_DOCUMENT_NUMBER" for n in numbers):
        located.review.append("the document number printed on the page was not located")


def _front_above(vt: ViewText) -> bool:
    """A TD1 view that also holds the card's front: text well above the back side's top."""
    if not vt.blocks or vt.blocks[0].format != "TD1":
        return False
    x0, y0, x1, y1 = vt.blocks[0].box
    card_height = (x1 - x0) / 0.89 * 0.631
    top = y1 + 0.5 * vt.blocks[0].pitch - 1.05 * card_height
    above = [line for i, line in enumerate(vt.lines) if i not in vt.mrz_lines and line.box[3] < top and len(line.text.strip()) >= 3]
    return len(above) >= 3
