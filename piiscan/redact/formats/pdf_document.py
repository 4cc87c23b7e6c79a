"""The parts of a PDF outside the page content: metadata, annotations, form fields,
outlines, page labels, attachments, scripts, and every other string or stream.

Page text is redacted by pdf.py; a value can also hide here, where no page shows it. What
can hold a value is redacted like any other text (an annotation's comment, a field's
value, a bookmark title); what piiscan cannot read or would not keep (XMP, attachments,
JavaScript, thumbnails, application data) is removed. Every value redacted anywhere is
remembered (`KnownValues`) so that its other occurrences go too, even where the detector
would not have recognised it alone (a name in a bookmark without context words).
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from typing import Callable, Iterator

import pikepdf

from piiscan.model import Location
from piiscan.redact.formats import LogEntry
from piiscan.redact.text import Replacement, TextRedaction, substitute

# Values shorter than this (without spaces) are not searched for elsewhere: "12" or "Jan"
# would match everywhere.
_MIN_KNOWN = 4
# Actions that run code, leave the file or send data.
_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/ResetForm", "/GoToE", "/Rendition",
                   "/Sound", "/Movie", "/RichMediaExecute"}
# Info entries that describe the document rather than who made it: kept, redacted.
_INFO_KEPT = ("/Title", "/Subject", "/Keywords", "/Creator")
# Annotations that carry files or media.
_FILE_ANNOTATIONS = {"/FileAttachment", "/Sound", "/Movie", "/Screen", "/RichMedia", "/3D"}
# Keys whose values are dropped wherever they appear: XMP, application data, thumbnails
# (a small picture of the page, values included), additional actions, associated files.
_DROPPED_KEYS = ("/Metadata", "/PieceInfo", "/Thumb", "/AA", "/AF")


def _normalise(value: str) -> str:
    return re.sub(r"\s+", "", value).casefold()


class KnownValues:
    """The values redacted so far in this document, found again wherever they occur:
    case and spacing may differ ("BE81 7512…" / "BE8175 12…"), word boundaries may not."""

    def __init__(self) -> None:
        self._by_value: dict[str, Replacement] = {}
        self._pattern: re.Pattern | None = None

    def __len__(self) -> int:
        return len(self._by_value)

    def add(self, replacement: Replacement) -> None:
        key = _normalise(replacement.value)
        if len(key) >= _MIN_KNOWN and key not in self._by_value:
            self._by_value[key] = replacement
            self._pattern = None

    def values(self) -> list[str]:
        return [r.value for r in self._by_value.values()]

    def _regex(self) -> re.Pattern:
        if self._pattern is None:
            alternatives = [r"\s*".join(re.escape(c) for c in key)
                            for key in sorted(self._by_value, key=len, reverse=True)]
            self._pattern = re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)
        return self._pattern

    def find(self, text: str, taken: list[Replacement] = ()) -> list[Replacement]:
        """Occurrences in `text` that do not overlap `taken`, as replacements of their own."""
        if not self._by_value:
            return []
        found = []
        for match in self._regex().finditer(text):
            if any(match.start() < t.end and t.start < match.end() for t in taken):
                continue
            template = self._by_value[_normalise(match.group())]
            found.append(replace(template, start=match.start(), end=match.end(), value=match.group()))
        return found


def spans(redaction: TextRedaction, known: KnownValues, text: str, context: str = "") -> list[Replacement]:
    """What to redact in one piece of text: the detector's findings, then every other
    occurrence of a value already redacted elsewhere in the document."""
    found = redaction.replacements(text, context)
    for r in found:
        known.add(r)
    return sorted(found + known.find(text, found), key=lambda r: r.start)


def _readable(text: str) -> bool:
    # Binary strings (hashes, IDs) are not text; nothing in them to redact.
    return bool(text.strip()) and sum(not c.isprintable() and not c.isspace() for c in text) <= len(text) // 10


def _text(obj) -> str | None:
    if not isinstance(obj, pikepdf.String):
        return None
    try:
        return str(obj)
    except (UnicodeDecodeError, ValueError):
        return None


def containers(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Object]:
    """Every dictionary (streams' included) and array reachable from the trailer, each once.
    Not the trailer itself: its /ID is binary and its /Info is replaced whole. Objects no
    longer reachable are not visited: the full rewrite drops them anyway."""
    seen: set[tuple[int, int]] = set()
    todo = [child for key, child in pdf.trailer.items() if key != "/ID"]
    while todo:
        obj = todo.pop()
        if not isinstance(obj, (pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream)):
            continue
        if obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        yield obj
        todo.extend(obj.values() if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)) else list(obj))


class DocumentRedactor:
    """Redacts and strips everything of one pikepdf.Pdf but the page content."""

    def __init__(self, pdf: pikepdf.Pdf, redaction: TextRedaction, known: KnownValues, log: list[LogEntry]):
        self.pdf = pdf
        self.redaction = redaction
        self.known = known
        self.log = log

    def redact_string(self, obj, location: Location, context: str = "") -> pikepdf.String | None:
        """The redacted copy of a string object, or None when it holds nothing to redact."""
        text = _text(obj)
        if text is None or not _readable(text):
            return None
        found = spans(self.redaction, self.known, text, context)
        if not found:
            return None
        self.log.extend(LogEntry(r, location) for r in found)
        return pikepdf.String(substitute(text, found))

    def _redact_keys(self, obj: pikepdf.Dictionary, keys: tuple[str, ...], location: Location,
                     context: str = "") -> bool:
        changed = False
        for key in keys:
            new = self.redact_string(obj.get(key), location, context)
            if new is not None:
                obj[key] = new
                changed = True
        return changed

    # -- metadata ----------------------------------------------------------------------------

    def metadata(self) -> None:
        """The Info dictionary keeps its descriptive entries, redacted like any other text;
        the rest goes: the author (a person by definition), dates, custom entries. The
        producer becomes piiscan. XMP goes whole: it repeats the Info entries and adds edit
        histories, tool names and identifiers piiscan does not read. Values found in either
        are logged (and searched for elsewhere) before they go."""
        location = Location(part="metadata")
        new_info = pikepdf.Dictionary(Producer=pikepdf.String("piiscan"))
        info = self.pdf.trailer.get("/Info")
        if isinstance(info, pikepdf.Dictionary):
            for key, value in info.items():
                text = _text(value)
                if not text or not _readable(text):
                    continue
                found = spans(self.redaction, self.known, text, key[1:].lower())
                self.log.extend(LogEntry(r, location) for r in found)
                if key in _INFO_KEPT:
                    new_info[key] = pikepdf.String(substitute(text, found))
        for obj in containers(self.pdf):
            metadata = obj.get("/Metadata") if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)) else None
            if isinstance(metadata, pikepdf.Stream):
                try:
                    xml = metadata.read_bytes().decode("utf-8", "replace")
                except pikepdf.PdfError:
                    continue
                text = html.unescape(re.sub(r"<[^>]*>", "\n", xml))
                for r in spans(self.redaction, self.known, text, "xmp metadata"):
                    self.log.append(LogEntry(r, location))
        self.pdf.trailer.Info = self.pdf.make_indirect(new_info)

    # -- what is removed ---------------------------------------------------------------------

    def strip(self) -> None:
        """Remove attachments, scripts, XMP, thumbnails and application data."""
        root = self.pdf.Root
        names = root.get("/Names")
        if isinstance(names, pikepdf.Dictionary):
            for key in ("/EmbeddedFiles", "/JavaScript"):
                if key in names:
                    del names[key]
        for key in ("/Collection", "/OpenAction"):
            action = root.get(key)
            if key == "/Collection" or (isinstance(action, pikepdf.Dictionary)
                                        and str(action.get("/S")) in _ACTIVE_ACTIONS):
                if key in root:
                    del root[key]
        acroform = root.get("/AcroForm")
        if isinstance(acroform, pikepdf.Dictionary) and "/XFA" in acroform:
            del acroform["/XFA"]  # XFA's XML repeats every field value
        for obj in containers(self.pdf):
            if not isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
                continue
            for key in _DROPPED_KEYS:
                if key in obj:
                    del obj[key]
            if str(obj.get("/S")) in _ACTIVE_ACTIONS:
                for key in ("/JS", "/F", "/Win", "/Mac", "/Unix", "/Fields", "/R"):
                    if key in obj:
                        del obj[key]
            if isinstance(obj.get("/A"), pikepdf.Dictionary) and str(obj.A.get("/S")) in _ACTIVE_ACTIONS:
                del obj["/A"]
            # A file specification's embedded file streams; the spec itself may stay referenced.
            for key in ("/EF", "/RF"):
                if obj.get("/Type") == pikepdf.Name.Filespec and key in obj:
                    del obj[key]
            if isinstance(obj, pikepdf.Stream) and obj.get("/Type") == pikepdf.Name.EmbeddedFile:
                obj.write(b"")

    # -- annotations and form fields ---------------------------------------------------------

    def annotations(self) -> None:
        for index, page in enumerate(self.pdf.pages):
            annots = page.obj.get("/Annots")
            if not isinstance(annots, pikepdf.Array):
                continue
            location = Location(page=index + 1, part="annotation")
            kept = pikepdf.Array()
            for annot in annots:
                if not isinstance(annot, pikepdf.Dictionary):
                    continue
                subtype = str(annot.get("/Subtype"))
                if subtype in _FILE_ANNOTATIONS:
                    continue  # dropped with its file
                kept.append(annot)
                if subtype == "/Widget":
                    continue  # form fields: see fields()
                if "/T" in annot:
                    del annot["/T"]  # a comment's author: a person by definition, like /Author
                changed = self._redact_keys(annot, ("/Contents", "/Subj"), location)
                action = annot.get("/A")
                if isinstance(action, pikepdf.Dictionary):
                    self._redact_keys(action, ("/URI",), location)
                rich = annot.get("/RC")
                if changed or (rich is not None and self.redact_string(rich, location) is not None):
                    # The rich-text twin of /Contents and the drawn appearance both still show
                    # the old text; viewers rebuild them from /Contents.
                    for key in ("/RC", "/AP"):
                        if key in annot:
                            del annot[key]
            page.obj.Annots = kept

    def fields(self) -> None:
        """Redact form field values (and options, names, tooltips). A field whose value
        changed loses its appearance, which is then generated again from the new value."""
        acroform = self.pdf.Root.get("/AcroForm")
        if not isinstance(acroform, pikepdf.Dictionary):
            return
        todo = list(acroform.get("/Fields", []))
        seen: set = set()
        regenerate = False
        while todo:
            field = todo.pop()
            if not isinstance(field, pikepdf.Dictionary) or field.objgen in seen and field.objgen != (0, 0):
                continue
            seen.add(field.objgen)
            name = " ".join(t for t in (_text(field.get("/T")), _text(field.get("/TU"))) if t)
            location = Location(part="form field")
            changed = self._redact_keys(field, ("/V", "/DV"), location, name)
            for key in ("/V", "/Opt"):
                values = field.get(key)
                if isinstance(values, pikepdf.Array):
                    for i, value in enumerate(values):
                        pair = isinstance(value, pikepdf.Array)
                        for j, item in enumerate(value if pair else [value]):
                            new = self.redact_string(item, location, name)
                            if new is not None:
                                changed = True
                                if pair:
                                    value[j] = new
                                else:
                                    values[i] = new
            self._redact_keys(field, ("/T", "/TU", "/TM"), location)
            kids = list(field.get("/Kids", []))
            if changed:
                regenerate = True
                for widget in [field] + kids:
                    if isinstance(widget, pikepdf.Dictionary) and "/AP" in widget:
                        del widget["/AP"]
            todo.extend(kids)
        if regenerate:
            acroform.NeedAppearances = True
            try:
                self.pdf.generate_appearance_streams()
            except pikepdf.PdfError:
                pass  # viewers then draw the fields from their (redacted) values

    # -- navigation --------------------------------------------------------------------------

    def outlines(self) -> None:
        outlines = self.pdf.Root.get("/Outlines")
        todo = [outlines.get("/First")] if isinstance(outlines, pikepdf.Dictionary) else []
        seen: set = set()
        location = Location(part="outline")
        while todo:
            item = todo.pop()
            if not isinstance(item, pikepdf.Dictionary) or item.objgen in seen:
                continue
            seen.add(item.objgen)
            self._redact_keys(item, ("/Title",), location)
            todo.extend((item.get("/Next"), item.get("/First")))

    def page_labels(self) -> None:
        labels = self.pdf.Root.get("/PageLabels")
        todo = [labels] if isinstance(labels, pikepdf.Dictionary) else []
        location = Location(part="page label")
        while todo:
            node = todo.pop()
            if not isinstance(node, pikepdf.Dictionary):
                continue
            todo.extend(node.get("/Kids", []))
            nums = list(node.get("/Nums", []))
            for label in nums[1::2]:
                if isinstance(label, pikepdf.Dictionary):
                    self._redact_keys(label, ("/P",), location)

    # -- the last sweep ----------------------------------------------------------------------

    def strings(self) -> None:
        """Every string left anywhere (structure tree /Alt and /ActualText, named
        destinations, layer names, custom keys): redacted where it holds a value."""
        location = Location(part="object")
        for obj in containers(self.pdf):
            if isinstance(obj, pikepdf.Array):
                for i, item in enumerate(obj):
                    new = self.redact_string(item, location)
                    if new is not None:
                        obj[i] = new
            else:
                for key, item in obj.items():
                    new = self.redact_string(item, location, key[1:])
                    if new is not None:
                        obj[key] = new

    def streams(self, page_of: Callable[[pikepdf.Object], int | None]) -> set[int]:
        """Search every decodable stream but images for a known value, as latin-1 and as
        UTF-16 text. Pages whose content still holds one are returned (to be edited again
        or rasterised); in any other stream (an unused form, an appearance) the value's
        bytes are overwritten with spaces."""
        pages: set[int] = set()
        if not self.known:
            return pages
        pattern = self.known._regex()
        for obj in list(containers(self.pdf)):
            if not isinstance(obj, pikepdf.Stream) or obj.get("/Subtype") == pikepdf.Name.Image:
                continue
            try:
                data = bytearray(obj.read_bytes())
            except pikepdf.PdfError:
                continue
            spans = [(m.start(), m.end(), b" ") for m in pattern.finditer(data.decode("latin-1"))]
            wide = data.decode("utf-16-be", "surrogatepass") if len(data) % 2 == 0 else ""
            if len(wide) * 2 == len(data):  # one character per two bytes, so offsets map back
                spans += [(2 * m.start(), 2 * m.end(), b"\x00 ") for m in pattern.finditer(wide)]
            if not spans:
                continue
            page = page_of(obj)
            if page is not None:
                pages.add(page)
                continue
            for start, end, space in spans:
                data[start:end] = space * ((end - start) // len(space))
            obj.write(bytes(data))
        return pages
