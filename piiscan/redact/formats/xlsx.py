"""Excel .xlsx/.xlsm: the redacted copy of a workbook, written with openpyxl.

Cells are redacted for what the scan finds in them, and the scan's own reading says what
that is: the extractor (piiscan.extract.xlsx) gives each cell's text as the scan sees it (a
BSN stored as a number reads "012345672"), its location and its column header as context;
the copy's cell gets the redacted text. A number cell whose value is replaced becomes a text
cell. Styles, merged ranges, column widths, sheets and formulas stay as openpyxl keeps them.

Formulas stay, with any value the detector finds in the formula text replaced (by a quoted
string, so the formula still parses). Their cached results are not written: openpyxl saves
formulas without them, so what the scan found in a result is gone from the copy (the log
lists it) and Excel recalculates the result from the redacted cells.

Also redacted: sheet names (and the references to them), cell comments and their authors,
hyperlink addresses, headers and footers, defined names, data validation lists, document
properties. With `whole_columns=True` every cell under a header that names personal data
("Naam", "IBAN", "Rijksregisternummer"...) is replaced, whether the detector finds a value
in it or not.

Not redacted, and listed in `not_redacted`: images, charts, pivot caches, embedded objects,
macros. openpyxl drops what it cannot read (shapes and text boxes of drawings, form controls,
slicers): those are not in the copy at all.
"""

from __future__ import annotations

import io
import re

import openpyxl
from openpyxl.cell.cell import MergedCell
from openpyxl.worksheet.formula import ArrayFormula

from piiscan.detect.context import compile_words
from piiscan.extract.docx import reject_ole
from piiscan.extract.xlsx import extract_xlsx
from piiscan.model import Blob, Location, Segment
from piiscan.redact.formats import LogEntry, RedactedCopy
from piiscan.redact.formats.container import file_wide
from piiscan.redact.formats.docx import located, name_field, not_redacted_parts, uri_field, zip_xml_texts
from piiscan.redact.text import Replacement, TextRedaction

raw_texts = zip_xml_texts  # sharedStrings, sheets, comments, docProps: read with zipfile

_PROPERTIES = ("title", "subject", "description", "keywords", "category", "identifier", "contentStatus", "version")
_PERSON_PROPERTIES = ("creator", "lastModifiedBy")
_HEADERS_FOOTERS = ("oddHeader", "oddFooter", "evenHeader", "evenFooter", "firstHeader", "firstFooter")
_VALIDATION_TEXTS = ("formula1", "formula2", "prompt", "promptTitle", "error", "errorTitle")
_BAD_TITLE = re.compile(r"[\\*?:/\[\]]")  # characters Excel refuses in a sheet name
_COLUMN_LETTERS = re.compile(r"[A-Z]+")

# -- whole columns ---------------------------------------------------------------------------

# Which type a header names when its word is a context word of several rules: "Adres" is a
# postal address before an IP address, "Contact" a person before a phone number.
_COLUMN_PRIORITY = ("PERSON", "POSTAL_ADDRESS", "EMAIL_ADDRESS", "PHONE_NUMBER", "IBAN_CODE",
                    "BE_NATIONAL_NUMBER", "NL_BSN", "DATE_OF_BIRTH", "ID_DOCUMENT_NUMBER")
# Context words that vouch for a number next to them but say nothing as a column header: a
# "Nummer" or "Kaart" column is as likely an invoice number or a map.
_NOT_COLUMN_WORDS = frozenset(("nummer", "numéro", "bel", "bellen", "call", "appeler", "cell", "from", "src",
                               "remote", "host", "hôte", "card", "carte", "kaart", "entreprise", "onderneming",
                               "cc", "visa"))
# Columns of name parts: a given name alone is found by no rule, which is what the option is for.
_NAME_PART_COLUMNS = ("voornaam", "achternaam", "familienaam", "roepnaam", "prénom", "nom de famille",
                      "first name", "last name", "surname", "given name")


def personal_columns(redaction: TextRedaction) -> list[tuple[str, re.Pattern]]:
    """(entity type, header pattern) for the headers that name personal data: the person
    rule's name columns and the context words of the other rules."""
    words: dict[str, list[str]] = {}
    for rule in redaction.detector.rules:
        if rule.kind == "person":
            words.setdefault(rule.entity, []).extend((*rule.raw.get("name_columns", ()), *_NAME_PART_COLUMNS))
        else:
            words.setdefault(rule.entity, []).extend(w for w in rule.context.words if w not in _NOT_COLUMN_WORDS)
    order = sorted(words, key=lambda e: _COLUMN_PRIORITY.index(e) if e in _COLUMN_PRIORITY else len(_COLUMN_PRIORITY))
    return [(entity, compile_words(words[entity])) for entity in order if words[entity]]


def _column_entity(columns: list[tuple[str, re.Pattern]], header: str) -> str | None:
    header = " ".join(header.split()).lower()
    return next((entity for entity, pattern in columns if pattern.fullmatch(header)), None)


# -- the copy --------------------------------------------------------------------------------


class _Redactor:
    def __init__(self, redaction: TextRedaction):
        self.redaction = redaction
        self.log: list[LogEntry] = []

    def text(self, text: str, location: Location, context: str = "", person: bool = False) -> str:
        """`text` redacted (as a name field when `person`), the replacements logged."""
        if person:
            new, replacements = name_field(self.redaction, text, context)
        else:
            new, replacements = self.redaction.apply(text, context)
        self.record(replacements, location, text)
        return new

    def formula(self, formula: str, location: Location, context: str = "") -> str:
        """A formula (or a defined name, a validation list) with every value found replaced by
        a string literal: `="[PERSON]"`, inside quotes already: `="Klant: [PERSON]"`."""
        replacements = self.redaction.replacements(formula, context)
        self.record(replacements, location, formula)
        for rep in sorted(replacements, key=lambda r: r.start, reverse=True):
            value = rep.replacement.replace('"', '""')
            quoted = formula.count('"', 0, rep.start) % 2 == 1
            formula = formula[:rep.start] + (value if quoted else f'"{value}"') + formula[rep.end:]
        return formula

    def record(self, replacements: list[Replacement], location: Location, text: str) -> None:
        self.log.extend(LogEntry(r, located(location, text, r.start)) for r in replacements)


def _formula_text(cell) -> str | None:
    if isinstance(cell.value, ArrayFormula):
        return cell.value.text
    if cell.data_type == "f" and isinstance(cell.value, str):
        return cell.value
    return None


def _set_formula(cell, text: str) -> None:
    if isinstance(cell.value, ArrayFormula):
        cell.value.text = text
    else:
        cell.value = text


def _cells(r: _Redactor, segments: list[Segment], sheets: dict, columns) -> None:
    """Every cell the scan read, redacted for what the scan finds in it."""
    for segment in segments:
        loc = segment.location
        cell = sheets[loc.sheet][loc.cell]
        if isinstance(cell, MergedCell) or _formula_text(cell) is not None:
            # The scan read a formula's cached result, or a value hidden under a merged range:
            # openpyxl writes neither, so the copy does not hold it.
            r.record(r.redaction.replacements(segment.text, segment.context), loc, segment.text)
            continue
        entity = _column_entity(columns, segment.context) if columns and segment.context else None
        if entity is not None:
            cell.value = _whole_cell(r, segment, entity)
            continue
        new = r.text(segment.text, loc, segment.context)
        if new != segment.text:
            cell.value = new  # a rich-text cell becomes plain text, a number text


def _whole_cell(r: _Redactor, segment: Segment, entity: str) -> str:
    """A cell of a personal column, replaced as a whole: by the finding's replacement when
    the detector finds the cell's value, else by the replacer's for the column's type."""
    text = segment.text
    found = r.redaction.replacements(text, segment.context)
    if len(found) == 1 and not (text[:found[0].start] + text[found[0].end:]).strip():
        replacement = found[0]
    else:
        value = text.strip()
        start = text.index(value)
        # Not a finding: the header vouches for the cell, hence the full score.
        replacement = Replacement(entity, start, start + len(value), value, "",
                                  r.redaction.replacer(entity, value, ""), 1.0)
    r.record([replacement], segment.location, text)
    return replacement.replacement


def _renamed(formula: str, renames: dict[str, str]) -> str:
    """References to renamed sheets pointed at their new names ('Jan Peeters'!A1)."""
    for old, new in renames.items():
        target = "'" + new.replace("'", "''") + "'!"
        formula = formula.replace("'" + old.replace("'", "''") + "'!", target)
        formula = re.sub(rf"(?<![\w.']){re.escape(old)}!", lambda _: target, formula)
    return formula


def _sheet_names(r: _Redactor, workbook) -> dict[str, str]:
    renames = {}
    for sheet in workbook.worksheets + workbook.chartsheets:
        old = sheet.title
        new = r.text(old, Location(sheet=old, part="sheet name"))
        if new != old:
            # "[PERSON]" is not a valid sheet name: brackets become parentheses, at most 31 characters.
            sheet.title = _BAD_TITLE.sub(lambda m: {"[": "(", "]": ")"}.get(m.group(), "_"), new)[:31]
            renames[old] = sheet.title
    return renames


def _sheet_extras(r: _Redactor, title: str, ws, headers: dict, renames: dict[str, str]) -> None:
    """Formulas, comments, hyperlinks, headers/footers and validation lists of one sheet."""
    # ws._cells holds the cells that exist; iter_rows() would create every empty one in range.
    for cell in list(ws._cells.values()):
        formula = _formula_text(cell)
        if formula is not None:
            where = Location(sheet=title, cell=cell.coordinate, line=cell.row, part="formula")
            new = r.formula(_renamed(formula, renames), where, headers.get((title, cell.column_letter), ""))
            if new != formula:
                _set_formula(cell, new)
        if cell.comment is not None:
            where = Location(sheet=title, cell=cell.coordinate, line=cell.row, part="comment")
            cell.comment.text = r.text(cell.comment.text or "", where)
            if cell.comment.author:
                cell.comment.author = r.text(cell.comment.author, where, "comment author", person=True)
        if cell.hyperlink is not None and cell.hyperlink.target:
            where = Location(sheet=title, cell=cell.coordinate, line=cell.row, part="hyperlink")
            target, replacements = uri_field(r.redaction, cell.hyperlink.target)
            r.record(replacements, where, cell.hyperlink.target)
            cell.hyperlink.target = target
    for kind in _HEADERS_FOOTERS:
        item = getattr(ws.HeaderFooter, kind)
        for position in (item.left, item.center, item.right):
            if position.text:
                part = "header" if "Header" in kind else "footer"
                position.text = r.text(position.text, Location(sheet=title, part=part))
    for validation in ws.data_validations.dataValidation:
        for attr in _VALIDATION_TEXTS:
            value = getattr(validation, attr)
            if value:
                setattr(validation, attr, r.formula(value, Location(sheet=title, part="data validation")))


def _defined_names(r: _Redactor, workbook, sheets: dict, renames: dict[str, str]) -> None:
    scopes = [(None, workbook.defined_names)]
    scopes += [(title, ws.defined_names) for title, ws in sheets.items()]
    for sheet, names in scopes:
        for defined in names.values():
            if defined.attr_text:
                defined.attr_text = r.formula(_renamed(defined.attr_text, renames),
                                              Location(sheet=sheet, part="defined name"))


def _properties(r: _Redactor, workbook) -> None:
    props, where = workbook.properties, Location(part="metadata")
    for attr in (*_PROPERTIES, *_PERSON_PROPERTIES):
        value = getattr(props, attr)
        if isinstance(value, str) and value.strip():
            setattr(props, attr, r.text(value, where, attr, person=attr in _PERSON_PROPERTIES))
    for prop in workbook.custom_doc_props.props:
        if isinstance(prop.value, str) and prop.value.strip():
            prop.value = r.text(prop.value, where, prop.name or "")


@file_wide  # a value found once is replaced wherever else it stands in the file
def redact(blob: Blob, redaction: TextRedaction, *, whole_columns: bool = False) -> RedactedCopy:
    """The redacted copy; `whole_columns`: replace every cell under a personal-data header."""
    segments = list(extract_xlsx(blob))
    with blob.open() as stream:
        reject_ole(stream)
        # rich_text: cells with mixed formatting keep it unless they are redacted.
        workbook = openpyxl.load_workbook(stream, keep_vba=blob.suffix == ".xlsm", rich_text=True)
    r = _Redactor(redaction)
    sheets = {ws.title: ws for ws in workbook.worksheets}  # by the names the scan saw
    _cells(r, segments, sheets, personal_columns(redaction) if whole_columns else None)
    headers = {}
    for s in segments:
        if s.context:
            headers[s.location.sheet, _COLUMN_LETTERS.match(s.location.cell).group()] = s.context
    renames = _sheet_names(r, workbook)
    for title, ws in sheets.items():
        _sheet_extras(r, title, ws, headers, renames)
    _defined_names(r, workbook, sheets, renames)
    _properties(r, workbook)
    out = io.BytesIO()
    workbook.save(out)
    data = out.getvalue()
    return RedactedCopy(data, r.log, not_redacted_parts(data))
