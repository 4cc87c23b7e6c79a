"""Word .docx: the redacted copy of a document, written with python-docx.

The walk is the extractor's (piiscan.extract.docx): body paragraphs, tables, headers and
footers, comments, footnotes and endnotes, core properties, with the same Location fields, so
the redaction log lines up with the inventory. Detection runs on a paragraph's merged run
texts, as the scan does; a value that Word split over several runs ("BE68 5390" in one, bold
" 0754 7034" in the next) is then written back run by run: the replacement goes into the part
of the first run the value covers, the rest of the value is cut from the following runs, and
every run keeps its own formatting.

What the extractor does not read is redacted too, so the copy holds no stray copy of a value:
paragraphs in text boxes, content controls and nested tables, tracked deletions, field codes,
hyperlink addresses, alt texts, authors of tracked changes, word/people.xml, docProps/app.xml
and custom XML parts. Images, charts and embedded objects cannot be redacted yet: they are
listed in `not_redacted`. The thumbnail (a picture of the first page) is left out.

The helpers at the end (`located`, `name_field`, `uri_field`, `not_redacted_parts`,
`zip_xml_texts`) serve the .xlsx redactor as well: both formats are zips of XML parts.
"""

from __future__ import annotations

import dataclasses
import io
import zipfile
from typing import Iterable, Iterator
from urllib.parse import quote
from xml.etree import ElementTree

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import XmlPart
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement, parse_xml
from lxml import etree

from piiscan.extract.docx import _METADATA, reject_ole  # the core properties the scan reads
from piiscan.extract.tabular import looks_like_header
from piiscan.model import Blob, Location
from piiscan.redact.formats import LogEntry, RedactedCopy
from piiscan.redact.formats.container import file_wide
from piiscan.redact.text import Replacement, TextRedaction

W_P, W_R, W_T = qn("w:p"), qn("w:r"), qn("w:t")
# The run children that hold text, as python-docx's Run.text reads them.
_RUN_TEXT = "w:br | w:cr | w:noBreakHyphen | w:ptab | w:t | w:tab"
_TXBX = qn("w:txbxContent")
_DELETED = frozenset(qn(t) for t in ("w:del", "w:moveFrom"))
_HIDDEN_TEXT = {"deleted": qn("w:delText"), "field": qn("w:instrText")}
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
# Core properties beyond the extractor's, redacted for what they say.
_MORE_METADATA = (("category", "category"), ("content_status", "status"), ("identifier", "identifier"),
                  ("version", "version"))
_PERSON_PROPERTIES = {"author", "last_modified_by"}
# Attributes that hold text (by local name): authors, accounts, alt texts (descr, title, alt).
_TEXT_ATTRIBUTES = frozenset(("author", "userId", "descr", "title", "alt"))
_ZIP_NOT_REDACTED = (
    ("media/", "image not redacted (OCR not available)"),
    ("embeddings/", "embedded object not redacted"),
    ("charts/", "chart not redacted"),
    ("diagrams/", "diagram (SmartArt) not redacted"),
    ("vbaProject", "macros not redacted"),
    ("pivotCache/", "pivot cache not redacted"),
    ("externalLinks/", "external link cache not redacted"),
)


class _Pieces:
    """The text of one or more paragraphs (joined with "\\n", like a table cell's text) as
    the run elements that hold it, so a span of the text can be rewritten in place.

    kind "text" is the visible text, as python-docx's Paragraph.text reads it (and the runs
    of insertions and content controls, which it skips); "deleted" the text of tracked
    deletions; "field" field codes (HYPERLINK "mailto:…", MERGEFIELD…)."""

    def __init__(self, paragraphs: Iterable, kind: str = "text"):
        self.items: list[list] = []  # [element, offset in the text, its current text]
        texts, pos = [], 0
        for index, p in enumerate(paragraphs):
            if index:
                texts.append("\n")
                pos += 1
            for run in _runs(p, deleted=kind == "deleted"):
                if kind == "text":
                    elements = [(e, str(e)) for e in run.xpath(_RUN_TEXT)]
                else:
                    elements = [(e, e.text or "") for e in run if e.tag == _HIDDEN_TEXT[kind]]
                for element, text in elements:
                    if text:
                        self.items.append([element, pos, text])
                        texts.append(text)
                        pos += len(text)
        self.text = "".join(texts)

    def replace(self, replacements: list[Replacement]) -> None:
        """Write each replacement into the first piece its span covers and cut the rest of the
        span from the following pieces, so every run keeps its formatting."""
        # Last span first: an edit then never moves the offsets of the spans still to do.
        for rep in sorted(replacements, key=lambda r: r.start, reverse=True):
            first = True
            for item in self.items:
                element, start, text = item
                if start >= rep.end or start + len(text) <= rep.start:
                    continue
                lo, hi = max(rep.start - start, 0), min(rep.end - start, len(text))
                item[2] = text[:lo] + (rep.replacement if first else "") + text[hi:]
                item[0] = _set_text(element, item[2])
                first = False


def _runs(p, deleted: bool) -> Iterator:
    """The paragraph's own runs, also those inside hyperlinks, insertions, content controls
    and simple fields; never those of a text box's paragraphs (read as paragraphs of their
    own). Tracked deletions only when `deleted`, and then only them."""
    for run in p.iter(W_R):
        parent, in_deletion = run.getparent(), False
        while parent is not p:
            if parent.tag in (W_P, _TXBX):
                break
            in_deletion = in_deletion or parent.tag in _DELETED
            parent = parent.getparent()
        else:
            if in_deletion == deleted:
                yield run


def _set_text(element, text: str):
    """Put `text` in a run's text element; returns the element that now holds it."""
    if element.tag == W_T or element.tag in _HIDDEN_TEXT.values():
        if text:
            element.text = text
            element.set(_XML_SPACE, "preserve")  # keep the spaces around a replacement
        else:
            element.getparent().remove(element)
        return element
    if text == str(element):
        return element
    # A tab or break inside a value: dropped, or turned into the replacement's text.
    if text:
        new = OxmlElement("w:t")
        new.text = text
        new.set(_XML_SPACE, "preserve")
        element.addprevious(new)
        element.getparent().remove(element)
        return new
    element.getparent().remove(element)
    return element


class _Redactor:
    def __init__(self, redaction: TextRedaction):
        self.redaction = redaction
        self.log: list[LogEntry] = []
        self.done: set = set()  # paragraphs already redacted, by element

    def story(self, paragraphs: list, location: Location, context: str = "") -> None:
        """Redact paragraphs read as one text (a table cell, a comment)."""
        self.done.update(paragraphs)
        for kind in ("text", "deleted", "field"):
            pieces = _Pieces(paragraphs, kind)
            replacements = self.redaction.replacements(pieces.text, context)
            if replacements:
                pieces.replace(replacements)
                self.record(replacements, location, pieces.text)

    def field(self, value: str, location: Location, context: str, person: bool = False) -> str:
        """A short text outside the paragraphs (a property, an attribute, an address) redacted;
        `person`: a field that holds a name if anything (an author)."""
        if person:
            new, replacements = name_field(self.redaction, value, context)
        else:
            new, replacements = self.redaction.apply(value, context)
        self.record(replacements, location, value)
        return new

    def record(self, replacements: list[Replacement], location: Location, text: str) -> None:
        self.log.extend(LogEntry(r, located(location, text, r.start)) for r in replacements)

    def paragraphs(self, paragraphs, part: str) -> None:
        for line, paragraph in enumerate(paragraphs, start=1):
            self.story([paragraph._p], Location(part=part, line=line))

    def table(self, table, index: int, part: str) -> None:
        """Cells as the extractor reads them: "R{row}C{col}" on the grid, header as context."""
        header: dict[int, str] = {}
        for row_no, row in enumerate(table.rows, start=1):
            col, cells = row.grid_cols_before + 1, []
            for tc in row._tr.tc_lst:
                cells.append((col, tc))
                col += tc.grid_span
            if row_no == 1:
                texts = [_cell_text(tc) for _, tc in cells]
                if looks_like_header(texts):
                    header = {c: text.strip() for (c, _), text in zip(cells, texts)}
            for col, tc in cells:
                context = header.get(col, "") if row_no > 1 else ""
                self.story(tc.p_lst, Location(part=part, line=index, cell=f"R{row_no}C{col}"), context)

    def leftovers(self, root, part: str) -> None:
        """Paragraphs the walk above did not reach: text boxes, content controls, nested tables."""
        for p in list(root.iter(W_P)):
            if p not in self.done:
                ancestors = {a.tag for a in p.iterancestors()}
                where = "textbox" if _TXBX in ancestors else "table" if qn("w:tbl") in ancestors else part
                self.story([p], Location(part=where))

    def attributes(self, root, part: str, skip: str | None = None) -> None:
        """Text kept in attributes: authors of tracked changes and in word/people.xml, user
        accounts ("S::name@…"), alt texts of pictures; `skip`: a tag redacted elsewhere."""
        for element in root.iter(etree.Element):  # elements, not XML comments
            if element.tag == skip:
                continue
            for name, value in element.attrib.items():
                local = etree.QName(name).localname
                if local in _TEXT_ATTRIBUTES and value.strip():
                    element.set(name, self.field(value, Location(part=part), local, person=local == "author"))

    def hyperlinks(self, part, kind: str) -> None:
        """Hyperlink addresses ("mailto:…") live in the part's relationships, not its text."""
        for rel in part.rels.values():
            if rel.is_external and rel.reltype == RT.HYPERLINK:
                target, replacements = uri_field(self.redaction, rel.target_ref)
                self.record(replacements, Location(part=kind), rel.target_ref)
                rel._target = target  # python-docx has no setter for an external target


def _cell_text(tc) -> str:
    return "\n".join(_Pieces([p]).text for p in tc.p_lst)


def _related(part, reltype: str):
    try:
        return part.part_related_by(reltype)
    except (KeyError, ValueError):
        return None


def _comments(r: _Redactor, document) -> None:
    # `document.comments` would create an empty comments part when there is none.
    if _related(document.part, RT.COMMENTS) is None:
        return
    for line, comment in enumerate(document.comments, start=1):
        location = Location(part="comment", line=line)
        r.story([p._p for p in comment.paragraphs], location)
        author = comment.author
        if author and author.strip():
            comment.author = r.field(author, location, "comment author", person=True)
            if comment.author != author:
                comment.initials = None  # the initials of a redacted name still point to the person


def _notes(r: _Redactor, notes_part, tag: str, part: str) -> None:
    """Footnotes/endnotes: python-docx has no API for them; read and rewrite the part's XML."""
    root = parse_xml(notes_part.blob)
    number = 0
    for note in root.iterchildren(qn(tag)):
        if note.get(qn("w:type")) in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        number += 1
        r.story(list(note.iter(W_P)), Location(part=part, line=number))
    r.leftovers(root, part)
    r.attributes(root, part)
    r.hyperlinks(notes_part, part)
    notes_part._blob = _serialize(root)


def _headers_footers(r: _Redactor, document) -> list:
    parts, seen = [], set()
    for section in document.sections:
        for part, kinds in (("header", ("header", "first_page_header", "even_page_header")),
                            ("footer", ("footer", "first_page_footer", "even_page_footer"))):
            for kind in kinds:
                story = getattr(section, kind)
                # A linked story has no content of its own (the extractor skips it too); a
                # part shared by two sections is redacted once, or a pseudonym would be
                # replaced by another.
                if story.is_linked_to_previous or story.part.partname in seen:
                    continue
                seen.add(story.part.partname)
                r.paragraphs(story.paragraphs, part)
                for index, table in enumerate(story.tables, start=1):
                    r.table(table, index, part)
                parts.append((story.part, part))
    return parts


def _properties(r: _Redactor, document) -> None:
    props = document.core_properties
    for attr, label in (*_METADATA, *_MORE_METADATA):
        value = getattr(props, attr, None)
        if isinstance(value, str) and value.strip():
            new = r.field(value, Location(part="metadata"), label, person=attr in _PERSON_PROPERTIES)
            if new != value:
                setattr(props, attr, new)


def _other_xml_parts(r: _Redactor, package) -> None:
    """docProps/app.xml (manager, company, titles of parts), custom properties, custom XML data
    (which content controls may be bound to) and word/people.xml (comment authors' names and
    accounts): python-docx keeps them as opaque blobs."""
    for part in package.iter_parts():
        name = str(part.partname)
        if isinstance(part, XmlPart) or not part.content_type.endswith("xml"):
            continue  # XmlParts (document, headers, comments, core properties) are done above
        if (name.startswith("/word/") and name != "/word/people.xml") or name.startswith("/customXml/itemProps"):
            continue
        root = etree.fromstring(part.blob, _PARSER)
        logged = len(r.log)
        r.attributes(root, "metadata")
        for element in root.iter(etree.Element):
            if len(element) or not (element.text or "").strip():
                continue
            # A custom property's name says what its value is: <property name="Klant">.
            parent = element.getparent()
            context = (parent.get("name") if parent is not None else None) or etree.QName(element).localname
            element.text = r.field(element.text, Location(part="metadata"), context)
        if len(r.log) > logged:
            part._blob = _serialize(root)


_PARSER = etree.XMLParser(resolve_entities=False)  # no entity expansion from untrusted files


def _serialize(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


@file_wide  # a value found once is replaced wherever else it stands in the file
def redact(blob: Blob, redaction: TextRedaction) -> RedactedCopy:
    with blob.open() as stream:
        reject_ole(stream)
        document = docx.Document(stream)
    r = _Redactor(redaction)
    r.paragraphs(document.paragraphs, "body")
    for index, table in enumerate(document.tables, start=1):
        r.table(table, index, "table")
    story_parts = [(document.part, "body"), *_headers_footers(r, document)]
    _comments(r, document)
    comments = _related(document.part, RT.COMMENTS)
    if comments is not None:
        story_parts.append((comments, "comment"))
    for part, kind in story_parts:
        r.leftovers(part.element, kind)
        r.attributes(part.element, kind, skip=qn("w:comment"))  # comment authors: _comments
        r.hyperlinks(part, kind)
    for reltype, tag, kind in ((RT.FOOTNOTES, "w:footnote", "footnote"), (RT.ENDNOTES, "w:endnote", "endnote")):
        notes = _related(document.part, reltype)
        if notes is not None:
            _notes(r, notes, tag, kind)
    _properties(r, document)
    package = document.part.package
    _other_xml_parts(r, package)
    # The thumbnail is a picture of the first page, values and all; Word makes a new one on save.
    for rId, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rId]
    out = io.BytesIO()
    document.save(out)
    data = out.getvalue()
    return RedactedCopy(data, r.log, not_redacted_parts(data))


# -- shared with the .xlsx redactor ---------------------------------------------------------


def located(location: Location, text: str, start: int) -> Location:
    """The location the scan gives a finding at `start` of a segment's text: the segment's,
    with the line moved down by the newlines before the finding (Detector.findings)."""
    newlines = text.count("\n", 0, start)
    if location.line is not None:
        line = location.line + newlines
    elif "\n" in text:
        line = newlines + 1
    else:
        return location
    return dataclasses.replace(location, line=line)


def name_field(redaction: TextRedaction, value: str, context: str) -> tuple[str, list[Replacement]]:
    """Redact a field that holds a person's name if anything (an author): first as the scan
    reads it, then as a cell under a name column, so a name is found without the given-name
    or title evidence the scan asks of running text."""
    new, replacements = redaction.apply(value, context)
    if replacements:
        return new, replacements
    column = _name_column(redaction)
    return redaction.apply(value, column) if column else (value, [])


def uri_field(redaction: TextRedaction, uri: str) -> tuple[str, list[Replacement]]:
    """A link address ("mailto:…") redacted, each replacement percent-encoded: Office may
    refuse a file whose link is no valid URI, and "[EMAIL_ADDRESS]" is none."""
    replacements = redaction.replacements(uri, "hyperlink")
    for rep in sorted(replacements, key=lambda r: r.start, reverse=True):
        uri = uri[:rep.start] + quote(rep.replacement, safe="@.+-_") + uri[rep.end:]
    return uri, replacements


def _name_column(redaction: TextRedaction) -> str | None:
    for rule in redaction.detector.rules:
        if rule.kind == "person" and rule.raw.get("name_columns"):
            return rule.raw["name_columns"][0]
    return None


def not_redacted_parts(data: bytes) -> list[str]:
    """The members of the copy that piiscan leaves as they are: images, embedded files..."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
    return [f"{name}: {why}" for name in names for folder, why in _ZIP_NOT_REDACTED if f"/{folder}" in f"/{name}"]


# A line break after these and after every other element holding text of its own (a cell's
# value, a property)...
_BLOCKS = frozenset(("p", "si", "is", "tc", "comment", "footnote", "endnote", "txbxContent"))
# ...but not after the text of a run: the runs of a paragraph or of a shared string are
# joined as they are, so a value split over runs reads as one string.
_INLINE = frozenset(("t", "delText", "instrText"))


def zip_xml_texts(data: bytes) -> Iterator[str]:
    """The text of every XML part of an Office Open XML zip, read with the standard library
    (no python-docx, no openpyxl): one string per part, its text with a line break after every
    paragraph, shared string and field, then its attribute values (sheet names, authors,
    hyperlink targets) one per line."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            raw = archive.read(info)
            try:
                root = ElementTree.fromstring(raw)
            except ElementTree.ParseError:
                yield raw.decode("utf-8", "replace")
                continue
            text: list[str] = []
            attributes: list[str] = []
            _walk(root, text, attributes)
            yield "".join(text) + "\n" + "\n".join(attributes)


def _walk(element, text: list[str], attributes: list[str]) -> None:
    attributes.extend(v for k, v in element.attrib.items() if k != _XML_SPACE)
    text.append(element.text or "")
    for child in element:
        _walk(child, text, attributes)
        text.append(child.tail or "")
    name = element.tag.rsplit("}", 1)[-1]
    if name in _BLOCKS or (name not in _INLINE and not len(element) and (element.text or "").strip()):
        text.append("\n")


raw_texts = zip_xml_texts
