#!/usr/bin/env python
"""(Re)create sample_data/: synthetic Dutch, French and English documents with known PII.

Run from anywhere:  /tmp/venv/bin/python bench/make_sample_data.py

Every document is written from templates in which each piece of personal data is marked with
its entity type. Rendering strips the marks and records (entity type, value) in order of
appearance; this becomes sample_data/expected_findings.jsonl. Before a file is written the
generator asserts that every expected value occurs exactly as often as it was marked (an
occurrence may also sit inside another, longer expected value, such as a document number
inside an MRZ). After writing, it reads the file back the way a scanner would (pypdfium2 for
PDF, python-docx, openpyxl, the csv module, visible HTML text, the file's encoding) and checks
the counts again. Traps (values that look like PII but are not) go to traps.jsonl and are
checked to be really invalid.

Containers (mail/: .eml, mbox, .msg, .pst, zip, Maildir) are built from parts that are Samples of their own, each
listed under its nested path ("mail/x.eml!/attachments/y.csv"); see the "Mail and archives"
section.

All randomness comes from random.Random seeded per file from SEED and the file's path, so one
document can change without reshuffling the others.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import email
import email.policy
import email.utils
import io
import json
import random
import re
import shutil
import sys
import tempfile
import zipfile
from email.message import EmailMessage
from html import escape as html_escape
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import phonenumbers  # noqa: E402
from stdnum import iban as std_iban  # noqa: E402
from stdnum import luhn  # noqa: E402
from stdnum.be import bis as be_bis  # noqa: E402
from stdnum.be import eid as be_eid  # noqa: E402
from stdnum.be import nn as be_nn  # noqa: E402
from stdnum.be import ogm_vcs  # noqa: E402
from stdnum.be import vat as be_vat  # noqa: E402
from stdnum.nl import bsn as nl_bsn  # noqa: E402
from stdnum.nl import btw as nl_btw  # noqa: E402

from piiscan import synth  # noqa: E402
from piiscan.detect.mrz import valid_mrz  # noqa: E402

OUT = ROOT / "sample_data"
SEED = 20240917
FIXED_TIME = dt.datetime(2024, 3, 18, 9, 0, 0)
MAX_FILE_SIZE = 20 * 1024
MAX_PST_SIZE = 300 * 1024  # a PST holds at least one allocation-map region of 248 KiB, mostly empty

ENTITY_TYPES = (
    "EMAIL_ADDRESS", "PHONE_NUMBER", "IBAN_CODE", "BE_NATIONAL_NUMBER", "NL_BSN",
    "BE_ENTERPRISE_NUMBER", "VAT_NUMBER", "NL_KVK", "ID_DOCUMENT_NUMBER", "MRZ", "CREDIT_CARD",
    "IP_ADDRESS", "DATE_OF_BIRTH", "PERSON", "POSTAL_ADDRESS",
)

_OPEN, _SEP, _CLOSE = "\ue000", "\ue001", "\ue002"
_MARK = re.compile(f"{_OPEN}([A-Z_]+){_SEP}(.*?){_CLOSE}", re.S)

NL_MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
             "september", "oktober", "november", "december")
FR_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre")
EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")


def fmt_date(d: dt.date, style: str) -> str:
    """'12-03-1985', '12/03/1985', '12.03.1985', '1985-03-12', '12 maart 1985',
    '3 mars 1979', '3 March 1979', 'March 3, 1979'."""
    return {
        "dmy-": f"{d:%d-%m-%Y}", "dmy/": f"{d:%d/%m/%Y}", "dmy.": f"{d:%d.%m.%Y}",
        "iso": f"{d:%Y-%m-%d}", "nl": f"{d.day} {NL_MONTHS[d.month - 1]} {d.year}",
        "fr": f"{d.day} {FR_MONTHS[d.month - 1]} {d.year}",
        "en": f"{d.day} {EN_MONTHS[d.month - 1]} {d.year}",
        "us": f"{EN_MONTHS[d.month - 1]} {d.day}, {d.year}",
    }[style]


def _phone_valid_anywhere(text: str) -> bool:
    digits = re.sub(r"\D", "", text)
    for candidate in {text, digits}:
        for region in ("BE", "NL"):
            try:
                if phonenumbers.is_valid_number(phonenumbers.parse(candidate, region)):
                    return True
            except phonenumbers.NumberParseException:
                pass
    return False


# --------------------------------------------------------------------------------------------
# Marked text
# --------------------------------------------------------------------------------------------

class Person:
    def __init__(self, s: "Sample", locale: str, sex: str | None = None,
                 birth: dt.date | None = None, domain: str | None = None):
        self.locale = locale
        self.sex = sex or s.rng.choice("MF")
        self.first, self.last = synth.person(s.rng, locale, self.sex)
        self.full = f"{self.first} {self.last}"
        self.birth = birth or synth.birth_date(s.rng, 1958, 2003)
        if self.birth.day == 1:  # French writes '1er mars'; keep every style unambiguous
            self.birth += dt.timedelta(days=1)
        self.email = synth.email(s.rng, self.first, self.last, domain, locale=locale)
        self.street, self.city = synth.address(s.rng, locale)
        self.oneline = f"{self.street}, {self.city}"


class Sample:
    """One output file: its random generator, the findings it expects and the traps it holds."""

    def __init__(self, path: str, target: Path | None = None):
        # path: where the scanner reports the findings, "mail/x.eml!/attachments/y.csv"
        # for a container member; target: where the writer puts the bytes when that is not
        # OUT / path (a member is written to a scratch folder, then packed).
        self.path = path
        self.target = target
        self.rng = random.Random(f"{SEED}:{path}")
        self.pieces: list[tuple[str, list[tuple[int, int, str, str]]]] = []
        self.traps: dict[str, str] = {}
        self.used_names: set[str] = set()

    # -- marks ---------------------------------------------------------------------------
    def m(self, etype: str, value: str) -> str:
        assert etype in ENTITY_TYPES, etype
        assert value and not any(c in value for c in (_OPEN, _SEP, _CLOSE)), value
        assert value == value.strip(), repr(value)
        return f"{_OPEN}{etype}{_SEP}{value}{_CLOSE}"

    def p(self, v): return self.m("PERSON", v)
    def em(self, v): return self.m("EMAIL_ADDRESS", v)
    def ph(self, v): return self.m("PHONE_NUMBER", v)
    def ib(self, v): return self.m("IBAN_CODE", v)
    def rrn(self, v): return self.m("BE_NATIONAL_NUMBER", v)
    def bsn(self, v): return self.m("NL_BSN", v)
    def ent(self, v): return self.m("BE_ENTERPRISE_NUMBER", v)
    def vat(self, v): return self.m("VAT_NUMBER", v)
    def kvk(self, v): return self.m("NL_KVK", v)
    def doc(self, v): return self.m("ID_DOCUMENT_NUMBER", v)
    def cc(self, v): return self.m("CREDIT_CARD", v)
    def ip(self, v): return self.m("IP_ADDRESS", v)
    def dob(self, v): return self.m("DATE_OF_BIRTH", v)
    def ad(self, v): return self.m("POSTAL_ADDRESS", v)
    def mrz(self, lines): return self.m("MRZ", "\n".join(lines))

    def person(self, locale: str, **kw) -> Person:
        for _ in range(50):
            who = Person(self, locale, **kw)
            if who.full not in self.used_names and who.last not in " ".join(self.used_names):
                self.used_names.add(who.full)
                return who
        raise RuntimeError("could not draw a fresh name")

    def trap(self, value: str, why: str) -> str:
        self.traps.setdefault(value, why)
        return value

    def render(self, text: str) -> str:
        """Strip the marks from text, remember the spans, return the plain text."""
        out, spans, pos, last = [], [], 0, 0
        for match in _MARK.finditer(text):
            out.append(text[last:match.start()])
            pos += match.start() - last
            value = match.group(2)
            spans.append((pos, pos + len(value), match.group(1), value))
            out.append(value)
            pos += len(value)
            last = match.end()
        out.append(text[last:])
        plain = "".join(out)
        assert _OPEN not in plain and _CLOSE not in plain, plain
        self.pieces.append((plain, spans))
        return plain

    # -- checks --------------------------------------------------------------------------
    def findings(self) -> list[tuple[str, str]]:
        return [(etype, value) for _, spans in self.pieces for _, _, etype, value in spans]

    def full_text(self) -> tuple[str, list[tuple[int, int, str, str]]]:
        text, spans, offset = [], [], 0
        for plain, piece_spans in self.pieces:
            text.append(plain)
            spans += [(a + offset, b + offset, t, v) for a, b, t, v in piece_spans]
            offset += len(plain) + 1
        return "\n".join(text), spans

    def check(self) -> None:
        text, spans = self.full_text()
        starts = {(a, v) for a, _, _, v in spans}
        for value in {v for _, _, _, v in spans}:
            for i in _occurrences(text, value):
                if (i, value) in starts:
                    continue
                inside = any(a <= i and i + len(value) <= b and v != value
                             for a, b, _, v in spans)
                assert inside, f"{self.path}: unmarked occurrence of {value!r} at {i}"
        types: dict[str, set[str]] = {}
        for _, _, t, v in spans:
            types.setdefault(v, set()).add(t)
        for value, kinds in types.items():
            assert len(kinds) == 1, f"{self.path}: {value!r} marked as {kinds}"
        missing = _unmarked_lookalikes(text, spans)
        assert not missing, f"{self.path}: unmarked {missing}"
        values = {v for _, _, _, v in spans}
        for trap in self.traps:
            assert trap in text, f"{self.path}: trap {trap!r} not in text"
            for value in values:
                assert trap not in value and value not in trap, (self.path, trap, value)

    def counts(self) -> dict[str, int]:
        """How often each expected value and trap occurs in the rendered text."""
        text, spans = self.full_text()
        return {v: len(_occurrences(text, v)) for v in {s[3] for s in spans} | set(self.traps)}

    def verify_extracted(self, extracted: str) -> None:
        for value, n in self.counts().items():
            got = len(_occurrences(extracted, value))
            assert got == n, f"{self.path}: {value!r} found {got}x after writing, expected {n}x"


_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_IPV4_RE = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])")
_IPV6_RE = re.compile(r"(?<![\w:])[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{0,4}){2,7}(?![\w:])")
_IBAN_RE = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b")


def _unmarked_lookalikes(text: str, spans: list[tuple[int, int, str, str]]) -> list[str]:
    """E-mail addresses, IP addresses and valid IBANs in text that no expected span covers:
    a safety net against forgetting to mark a value in a template."""
    import ipaddress

    found = []
    checks = ((_EMAIL_RE, "EMAIL_ADDRESS", lambda v: True),
              (_IPV4_RE, "IP_ADDRESS", lambda v: all(int(p) < 256 for p in v.split("."))),
              (_IPV6_RE, "IP_ADDRESS", lambda v: _is_ip(ipaddress, v)),
              (_IBAN_RE, "IBAN_CODE", std_iban.is_valid))
    for regex, etype, valid in checks:
        for match in regex.finditer(text):
            if not valid(match.group()):
                continue
            if not any(t == etype and a <= match.start() < b for a, b, t, _ in spans):
                found.append(match.group())
    return found


def _is_ip(ipaddress, value: str) -> bool:
    try:
        ipaddress.ip_address(value)
        return True
    except ValueError:
        return False


def _occurrences(text: str, value: str) -> list[int]:
    out, i = [], text.find(value)
    while i >= 0:
        out.append(i)
        i = text.find(value, i + 1)
    return out


# --------------------------------------------------------------------------------------------
# Traps: values that look like PII and must not be reported
# --------------------------------------------------------------------------------------------

def bad_iban(rng: random.Random, country: str = "BE") -> str:
    good = synth.iban(rng, country, spaced=False)
    while True:
        check = f"{rng.randint(2, 98):02d}"
        value = good[:2] + check + good[4:]
        if check != good[2:4] and not std_iban.is_valid(value):
            return std_iban.format(value)


def bad_rrn(rng: random.Random, birth: dt.date) -> str:
    good = be_nn.compact(synth.be_national_number(rng, birth))
    for delta in range(1, 97):
        value = good[:9] + f"{(int(good[9:]) + delta - 1) % 97 + 1:02d}"
        if not be_nn.is_valid(value) and not be_bis.is_valid(value):
            return be_nn.format(value)
    raise AssertionError


def order_number_11proef(rng: random.Random) -> str:
    """A nine-digit number that passes the BSN eleven test but is an order number."""
    while True:
        value = synth.nl_bsn(rng, "plain")
        if value[0] != "0" and not _phone_valid_anywhere(value):
            assert nl_bsn.is_valid(value)
            return value


def plain_number(rng: random.Random, digits: int) -> str:
    while True:
        value = str(rng.randint(10 ** (digits - 1), 10 ** digits - 1))
        if not nl_bsn.is_valid(value) and not _phone_valid_anywhere(value):
            return value


def bad_be_vat(rng: random.Random, style: str = "dotted") -> str:
    while True:
        good = be_vat.compact(synth.be_enterprise_number(rng, "compact"))
        value = good[:8] + f"{(int(good[8:]) + rng.randint(1, 40)) % 100:02d}"
        if not be_vat.is_valid(value) and not _phone_valid_anywhere(value):
            return "BE " + f"{value[:4]}.{value[4:7]}.{value[7:]}" if style == "dotted" \
                else "BE" + value


def bad_card(rng: random.Random) -> str:
    good = synth.credit_card(rng, "visa", spaced=False)
    value = good[:-1] + str((int(good[-1]) + rng.randint(1, 9)) % 10)
    assert not luhn.is_valid(value)
    return " ".join(value[i:i + 4] for i in range(0, 16, 4))


def euro(amount: float, style: str = "nl") -> str:
    """'€ 1.234,56' (nl) or '1 234,56 EUR' (fr)."""
    whole, cents = divmod(round(amount * 100), 100)
    groups = f"{whole:,}"
    if style == "nl":
        return f"€ {groups.replace(',', '.')},{cents:02d}"
    return f"{groups.replace(',', ' ')},{cents:02d} EUR"


# --------------------------------------------------------------------------------------------
# Writers (each verifies the file as a scanner would read it)
# --------------------------------------------------------------------------------------------

def _target(s: Sample) -> Path:
    path = s.target or OUT / s.path
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def write_text(s: Sample, text: str, encoding: str = "utf-8") -> None:
    plain = s.render(text)
    s.check()
    path = _target(s)
    path.write_bytes(plain.encode(encoding))
    s.verify_extracted(path.read_bytes().decode(encoding))


def write_delimited(s: Sample, rows: list[list[str]], delimiter: str) -> None:
    plain_rows = [[s.render(cell) for cell in row] for row in rows]
    s.check()
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(plain_rows)
    path = _target(s)
    path.write_bytes(buf.getvalue().encode("utf-8"))
    with path.open(newline="", encoding="utf-8") as fh:
        cells = [c for row in csv.reader(fh, delimiter=delimiter) for c in row]
    s.verify_extracted("\n".join(cells))


class _Visible(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "title"):
            self.skip += 1
        self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title"):
            self.skip -= 1
        self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(re.sub(r"\s+", " ", data))


def write_html(s: Sample, markup: str) -> None:
    """Values also sit in attributes (mailto:, tel:); only the visible text counts, so the
    check compares the visible text with the number of marks instead of the raw markup."""
    plain = s.render(markup)
    path = _target(s)
    path.write_text(plain, encoding="utf-8")
    parser = _Visible()
    parser.feed(path.read_text(encoding="utf-8"))
    visible = "".join(parser.parts)
    marks: dict[str, int] = {}
    for _, value in s.findings():
        marks[value] = marks.get(value, 0) + 1
    for value, n in marks.items():
        got = len(_occurrences(visible, value))
        assert got == n, f"{s.path}: {value!r} visible {got}x, marked {n}x"
    for trap in s.traps:
        assert trap in visible, trap
    for match in _EMAIL_RE.finditer(visible):
        assert match.group() in marks, f"{s.path}: unmarked {match.group()}"


def write_pdf(s: Sample, pages: list[list], title: str, author: str,
              footer: str | None = None) -> None:
    """pages: lists of lines; a line is a str or a list of (x_mm, str) columns. The footer
    (marked text, with {page} and {pages}) is drawn on every page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    rendered = []
    for number, page in enumerate(pages, start=1):
        lines = []
        for line in page:
            cols = [(20, line)] if isinstance(line, str) else line
            lines.append([(x, s.render(text)) for x, text in cols])
        foot = s.render(footer.format(page=number, pages=len(pages))) if footer else None
        rendered.append((lines, foot))
    s.check()
    path = _target(s)
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setTitle(title)
    c.setAuthor(author)
    c.setSubject(title)
    c.setCreator("piiscan sample data generator")
    width, height = A4
    for lines, foot in rendered:
        y = height - 25 * mm
        for cols in lines:
            for x, text in cols:
                bold = text.isupper() and len(text) > 3
                c.setFont("Helvetica-Bold" if bold else "Helvetica", 10)
                c.drawString(x * mm, y, text)
            y -= 5.2 * mm
            assert y > 25 * mm, "page overflow"
        if foot:
            c.setFont("Helvetica", 8)
            c.drawString(20 * mm, 12 * mm, foot)
        c.showPage()
    c.save()
    s.verify_extracted(_pdf_text(path))


def _pdf_text(path: Path) -> str:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        texts = []
        for page in pdf:
            tp = page.get_textpage()
            texts.append(tp.get_text_range())
            tp.close()
            page.close()
        return "\n".join(texts).replace("\r\n", "\n").replace("\r", "\n")
    finally:
        pdf.close()


def _normalize_zip(path: Path) -> None:
    """Fixed timestamps and order inside .docx/.xlsx so reruns give identical bytes."""
    with zipfile.ZipFile(path) as zin:
        items = [(info.filename, zin.read(info.filename)) for info in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in items:
            if name == "docProps/core.xml":  # openpyxl stamps the save time into 'modified'
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2024-03-18T09:00:00Z",
                              data)
            info = zipfile.ZipInfo(name, date_time=(2024, 3, 18, 9, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(info, data)


def _slim_docx(document, compact: bool = False) -> None:
    """python-docx's template is ~37 kB; drop the optional parts (Word 2010 styles with
    effects, thumbnail, custom XML) and the unused style definitions to keep files small.
    compact (for mail attachments, which base64 makes a third larger): also drop the theme,
    font table, settings, web settings, numbering and app properties, all optional parts
    that Word recreates when it saves the file."""
    from docx.oxml.ns import qn

    optional = {"stylesWithEffects", "thumbnail", "customXml"}
    if compact:
        optional |= {"theme", "fontTable", "settings", "webSettings", "numbering",
                     "extended-properties"}
    for rels in (document.part.rels, document.part.package.rels):
        for r_id, rel in list(rels.items()):
            if rel.reltype.rsplit("/", 1)[-1] in optional:
                del rels[r_id]
    styles = document.styles.element
    latent = styles.find(qn("w:latentStyles"))
    if latent is not None:
        styles.remove(latent)
    used = {"Normal", "TableNormal", "TableGrid", "NoList", "DefaultParagraphFont", "Header",
            "Footer", "HeaderChar", "FooterChar", "CommentText", "CommentTextChar",
            "CommentReference", "CommentSubject", "CommentSubjectChar"}
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:styleId")) not in used:
            styles.remove(style)


def write_docx(s: Sample, *, header: list[str], footer: list[str], body: list,
               comment_on: int, comment: str, comment_author: str, title: str,
               compact: bool = False) -> None:
    """body: list of str (paragraphs) and ("table", rows) items; comment_on: index into
    body of the paragraph whose runs the comment is anchored to."""
    import docx
    from docx.shared import Pt

    document = docx.Document()
    props = document.core_properties
    props.author = comment_author
    props.last_modified_by = comment_author
    props.title = title
    props.subject = ""
    props.keywords = ""
    props.comments = ""
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    document.styles["Normal"].font.name = "Calibri"
    document.styles["Normal"].font.size = Pt(11)
    section = document.sections[0]
    section.header.paragraphs[0].text = s.render(header[0])
    for line in header[1:]:
        section.header.add_paragraph(s.render(line))
    section.footer.paragraphs[0].text = s.render(footer[0])
    for line in footer[1:]:
        section.footer.add_paragraph(s.render(line))
    anchor = None
    for index, item in enumerate(body):
        if isinstance(item, tuple) and item[0] == "table":
            rows = item[1]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            table.style = "Table Grid"
            for r, row in enumerate(rows):
                for col, cell in enumerate(row):
                    table.cell(r, col).text = s.render(cell)
                    if r == 0:
                        for run in table.cell(r, col).paragraphs[0].runs:
                            run.bold = True
        else:
            paragraph = document.add_paragraph()
            # Several runs per paragraph, the way Word stores edited text.
            plain = s.render(item)
            for chunk in re.findall(r".{1,40}(?:\s|$)|.+", plain):
                paragraph.add_run(chunk)
            if index == comment_on:
                anchor = paragraph
    assert anchor is not None and anchor.runs
    note = document.add_comment(anchor.runs, text=s.render(comment), author=comment_author,
                                initials="".join(w[0] for w in comment_author.split()[:2]))
    from docx.oxml.ns import qn
    note._comment_elm.set(qn("w:date"), "2024-03-18T09:00:00Z")  # not the time of the run
    s.check()
    _slim_docx(document, compact)
    path = _target(s)
    document.save(str(path))
    _normalize_zip(path)

    reread = docx.Document(str(path))
    parts = [p.text for p in reread.paragraphs]
    for table in reread.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    for sec in reread.sections:
        parts += [p.text for p in sec.header.paragraphs] + [p.text for p in sec.footer.paragraphs]
    parts += [c.text for c in reread.comments] + [c.author for c in reread.comments]
    s.verify_extracted("\n".join(parts))


def write_xlsx(s: Sample, sheets: list[tuple[str, list[list[str]]]]) -> None:
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "Salarisadministratie"
    wb.properties.lastModifiedBy = "Salarisadministratie"
    wb.properties.created = wb.properties.modified = FIXED_TIME
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for col, cell in enumerate(row, start=1):
                target = ws.cell(row=r, column=col, value=s.render(cell))
                target.number_format = "@"
                if r == 1:
                    target.font = Font(bold=True)
        for col in range(1, len(rows[0]) + 1):
            width = max(len(str(ws.cell(row=r, column=col).value or "")) for r in
                        range(1, len(rows) + 1))
            ws.column_dimensions[openpyxl.utils.get_column_letter(col)].width = width + 2
    s.check()
    path = _target(s)
    wb.save(str(path))
    _normalize_zip(path)
    reread = openpyxl.load_workbook(str(path), read_only=True)
    cells = [str(v) for ws in reread.worksheets for row in ws.iter_rows(values_only=True)
             for v in row if v is not None]
    reread.close()
    s.verify_extracted("\n".join(cells))


# --------------------------------------------------------------------------------------------
# Companies (fictional)
# --------------------------------------------------------------------------------------------

_COMPANIES = {
    "Zonnewende NV": ("zonnewende.be", "BE", "nl_BE"),
    "Atelier Lumière SRL": ("atelier-lumiere.be", "BE", "fr_BE"),
    "Technova BV": ("technova.eu", "BE", "nl_BE"),
    "Polderdata B.V.": ("polderdata.nl", "NL", "nl_NL"),
    "Noorderlicht Logistiek B.V.": ("noorderlicht-logistiek.nl", "NL", "nl_NL"),
}


class Company:
    """A fictional company; the same name gives the same numbers in every document."""

    def __init__(self, name: str):
        domain, country, locale = _COMPANIES[name]
        self.name, self.domain, self.country = name, domain, country
        rng = random.Random(f"{SEED}:company:{name}")
        self.street, self.city = synth.address(rng, locale)
        # Companies do not live in 'bus 3'.
        self.street = re.sub(r" (bus|bte) \d+$", "", self.street)
        self.oneline = f"{self.street}, {self.city}"
        if country == "BE":
            self.enterprise = synth.be_enterprise_number(rng, "dotted")
            self.iban = synth.iban(rng, "BE", spaced=True)
            self.phone = synth.phone_be(rng, "spaced", "landline")
        else:
            self.kvk = synth.kvk(rng)
            # Polderdata still uses the pre-2020 btw-nummer (RSIN + B01).
            self.vat = synth.nl_vat(rng, new_format=name != "Polderdata B.V.")
            self.iban = synth.iban(rng, "NL", spaced=True)
            self.phone = synth.phone_nl(rng, "spaced", "landline")

    def bic(self) -> str:
        from schwifty import IBAN
        return str(IBAN(self.iban.replace(" ", "")).bic)

    def vat_be(self, style: str) -> str:
        return synth.be_vat(random.Random(0), style, number=self.enterprise)


# --------------------------------------------------------------------------------------------
# Documents
# --------------------------------------------------------------------------------------------

def nl_inzageverzoek(s: Sample) -> None:
    me = s.person("nl_BE")
    co = Company("Zonnewende NV")
    rrn = synth.be_national_number(s.rng, me.birth, "dotted")
    phone = synth.phone_be(s.rng, "spaced", "mobile")
    card = synth.be_eid_card_number(s.rng, "dashed")
    account = synth.iban(s.rng, "BE")
    town = me.city.split(" ", 1)[1]
    text = f"""{s.p(me.full)}
{s.ad(me.street)}
{s.ad(me.city)}
Tel. {s.ph(phone)}
E-mail: {s.em(me.email)}

{co.name} (KBO {s.ent(co.enterprise)})
T.a.v. de functionaris voor gegevensbescherming
{s.ad(co.oneline)}

{town}, 4 maart 2024

Betreft: inzageverzoek op grond van artikel 15 AVG

Geachte heer, mevrouw,

Ondergetekende, {s.p(me.full)}, geboren op {s.dob(fmt_date(me.birth, 'nl'))}, is sinds 2019 klant
bij {co.name} voor de levering van energie. Op grond van artikel 15 van de Algemene
Verordening Gegevensbescherming (AVG) verzoek ik u mij mee te delen welke persoonsgegevens u
over mij verwerkt, voor welke doeleinden, aan welke ontvangers u ze heeft
doorgegeven, hoe lang u ze bewaart en van welke bron u ze heeft verkregen.

Om u te helpen mijn gegevens terug te vinden, vermeld ik hieronder mijn identificatiegegevens:

Naam: {s.p(me.full)}
Geboortedatum: {s.dob(fmt_date(me.birth, 'dmy-'))}
Rijksregisternummer: {s.rrn(rrn)}
Rekeningnummer voor de domiciliëring: {s.ib(account)}

Ik ontvang de gegevens bij voorkeur elektronisch, op {s.em(me.email)}. Mocht u bijkomende
informatie nodig hebben om mijn identiteit te controleren, dan kunt u mij overdag bereiken
op het nummer hierboven.

Ik verneem graag binnen de wettelijke termijn van één maand van u.

Met vriendelijke groet,

{s.p(me.full)}

Bijlage: kopie van mijn identiteitskaart (kaartnummer {s.doc(card)})
"""
    write_text(s, text)


def nl_factuur_txt(s: Sample) -> None:
    co = Company("Zonnewende NV")
    client = s.person("nl_BE", sex="M")
    invoice_no = s.trap(plain_number(s.rng, 8), "8-digit invoice number, no KvK context")
    order_no = s.trap(order_number_11proef(s.rng), "passes the 11-test but is an order number")
    ogm = s.trap(synth.ogm(s.rng), "structured payment reference (OGM), not an eID number")
    old_iban = s.trap(bad_iban(s.rng, "BE"), "IBAN with wrong check digits")
    lines = [("Zonnepaneel 410 Wp monokristallijn", 10, 189.0),
             ("Hybride omvormer 5 kW", 1, 1234.56),
             ("Montagesysteem hellend dak", 1, 612.4),
             ("Plaatsing en keuring AREI", 1, 950.0)]
    subtotal = sum(q * p for _, q, p in lines)
    vat = round(subtotal * 0.06, 2)
    amounts = []
    for desc, qty, price in lines:
        amounts.append(f"{desc:<38}{qty:>4}  {euro(price):>12}  {euro(qty * price):>12}")
    s.trap(euro(1234.56), "amount")
    s.trap(euro(subtotal + vat), "amount")
    text = f"""{co.name.upper()}
{s.ad(co.oneline)}
Ondernemingsnummer: {s.ent(co.enterprise)}
BTW {s.vat(co.vat_be('compact'))} - RPR Gent
Tel. {s.ph(co.phone)} - {s.em('facturatie@' + co.domain)}

FACTUUR

Factuurnummer:  {invoice_no}
Factuurdatum:   {s.trap('15-03-2024', 'invoice date, no birth context')}
Vervaldatum:    {s.trap('14-04-2024', 'due date, no birth context')}
Ordernummer:    {order_no}
Uw referentie:  offerte OF-2024-0211

Klant:
dhr. {s.p(client.full)}
{s.ad(client.street)}
{s.ad(client.city)}

Omschrijving                          Aantal  Eenheidsprijs        Totaal
{chr(10).join(amounts)}

Subtotaal excl. btw                                         {euro(subtotal):>12}
Btw 6% (renovatie woning ouder dan 10 jaar)                 {euro(vat):>12}
Te betalen                                                  {euro(subtotal + vat):>12}

Gelieve het totaalbedrag van {euro(subtotal + vat)} vóór de vervaldatum over te schrijven op
rekening {s.ib(co.iban)} (BIC {co.bic()}) met de gestructureerde mededeling
{ogm}.

Opgelet: ons vroegere rekeningnummer {old_iban} is afgesloten. Stortingen op dat nummer
worden teruggestort.

Het btw-tarief van 6% is van toepassing op grond van de verklaring van de klant dat de woning
meer dan tien jaar oud is en als privéwoning wordt gebruikt.

--
{co.name} - Ond.nr. {s.ent(co.enterprise)} - {s.ad(co.oneline)}
"""
    write_text(s, text)


def nl_notulen(s: Sample) -> None:
    chair, scribe = s.person("nl_BE", sex="F"), s.person("nl_BE")
    a1, a2 = s.person("nl_NL"), s.person("nl_BE")
    caller = s.person("nl_BE", sex="F")
    newbie = s.person("nl_BE")
    phone = synth.phone_be(s.rng, "slash", "mobile")
    card = synth.credit_card(s.rng, "visa")
    text = f"""# Notulen teamoverleg klantenservice

**Datum:** 12 maart 2024, 9.30 uur
**Aanwezig:** {s.p(chair.full)} (voorzitter), {s.p(a1.full)}, {s.p(a2.full)}
**Notulist:** {s.p(scribe.full)}

## 1. Release klantportaal

- Versie {s.trap('v2.10.3', 'software version string')} staat sinds maandag live. De nieuwe inlogpagina geeft minder
  fouten, maar de export van facturen naar pdf is nog traag.
- Ticket voor het ontwikkelteam wordt aangemaakt door {s.p(a1.full)}.

## 2. Openstaande klachten

- Klant mevrouw {s.p(caller.full)} (tel. {s.ph(phone)}) belde opnieuw over een dubbele
  aanrekening in februari. De creditnota is verstuurd; {s.p(a2.full)} bevestigt per mail
  aan {s.em(caller.email)}.
- Drie klachten over de wachttijd aan de telefoon: gemiddeld 7 minuten in week 10.
- Een klant gaf aan de telefoon zijn volledige kaartnummer {s.cc(card)} door en dat
  stond in het ticket. Het ticket is aangepast; kaartgegevens nooit in tickets noteren.

## 3. Uitbreiding servicegebied

- Vanaf mei bedienen we ook klanten in regio {s.trap('3500', 'lone postcode in a sentence, not an address')} en omgeving. Extra
  planning nodig voor de technici.

## 4. Varia

- Nieuwe collega {s.p(newbie.full)} (geb. {s.dob(fmt_date(newbie.birth, 'dmy.'))}) start op 2 april in het
  team facturatie; {s.p(scribe.full)} regelt badge en laptop.
- Volgend overleg: 26 maart 2024.

| Actie | Wie | Tegen |
|---|---|---|
| Ticket pdf-export | {s.p(a1.full)} | 19 maart |
| Planning regio Limburg | {s.p(chair.full)} | 26 maart |
"""
    write_text(s, text)


def nl_brief_gemeente(s: Sample) -> None:
    who = s.person("nl_NL", sex="F")
    partner = s.person("nl_NL", sex="M")
    clerk = s.person("nl_NL")
    bsn1 = synth.nl_bsn(s.rng, "plain")
    bsn2 = synth.nl_bsn(s.rng, "plain")
    old1 = synth.address(s.rng, "nl_NL")
    old_oneline = f"{old1[0]}, {old1[1]}"
    muni_street, muni_city = synth.address(s.rng, "nl_NL")
    muni_street = re.sub(r"[A-D]$", "", muni_street)
    muni_city_name = "Zonnedaal"
    phone = synth.phone_nl(s.rng, "spaced", "landline")
    kvk = synth.kvk(s.rng)
    muni_iban = synth.iban(s.rng, "NL")
    body = [
        f"Aan mevrouw {s.p(who.full)}",
        s.ad(who.street),
        s.ad(who.city),
        "",
        "Datum: 8 februari 2024",
        "Ons kenmerk: BZ/2024/00417",
        "Onderwerp: bevestiging adreswijziging",
        "",
        "Geachte heer, mevrouw,",
        "Wij hebben uw verhuizing per 1 februari 2024 verwerkt in de Basisregistratie Personen "
        "(BRP). Hieronder staan de gegevens van u en uw partner zoals die nu zijn geregistreerd.",
        ("table", [
            ["Naam", "BSN", "Geboortedatum", "Vorig adres"],
            [s.p(who.full), s.bsn(bsn1), s.dob(fmt_date(who.birth, "dmy-")), s.ad(old_oneline)],
            [s.p(partner.full), s.bsn(bsn2), s.dob(fmt_date(partner.birth, "dmy-")),
             s.ad(old_oneline)],
        ]),
        "",
        f"Let op: uw burgerservicenummer is niet gewijzigd en blijft {s.bsn(nl_bsn.format(bsn1))}. "
        "U hoeft uw zorgverzekeraar en werkgever niet zelf in te lichten.",
        f"Uw identiteitskaart met documentnummer {s.doc(synth.nl_id_document_number(s.rng))} "
        "blijft geldig: uw adres staat niet op de kaart.",
        "Klopt er iets niet? Neem dan binnen vier weken contact met ons op via telefoonnummer "
        f"{s.ph(phone)} of via {s.em('burgerzaken@zonnedaal.nl')}.",
        "",
        "Met vriendelijke groet,",
        "namens het college van burgemeester en wethouders,",
        "",
        s.p(clerk.full),
        "teamleider Burgerzaken",
    ]
    write_docx(
        s,
        header=[f"Gemeente {muni_city_name} - Afdeling Burgerzaken",
                f"Telefoon {s.ph(phone)}"],
        footer=[f"Bezoekadres: {s.ad(muni_street + ', ' + muni_city)} - "
                f"KvK-nummer {s.kvk(kvk)} - IBAN {s.ib(muni_iban)}"],
        body=body,
        comment_on=body.index(next(b for b in body if isinstance(b, str)
                                   and b.startswith("Let op"))),
        comment=f"Nagekeken in de BRP: BSN {s.bsn(bsn1)} hoort bij {s.p(who.full)}.",
        comment_author="Team Burgerzaken",
        title="Bevestiging adreswijziging",
    )


def fr_demande_acces(s: Sample) -> None:
    me = s.person("fr_BE", sex="F")
    co = Company("Atelier Lumière SRL")
    rrn = synth.be_national_number(s.rng, me.birth, "dotted")
    card = synth.be_eid_card_number(s.rng, "dashed")
    phone = synth.phone_be(s.rng, "intl0", "landline")
    town = me.city.split(" ", 1)[1]
    text = f"""{s.p(me.full)}
{s.ad(me.street)}
{s.ad(me.city)}

À l'attention du délégué à la protection des données
{co.name}
{s.ad(co.oneline)}

{town}, le 4 mars 2024

Objet : demande d'accès à mes données personnelles (article 15 du RGPD)

Madame, Monsieur,

Conformément à l'article 15 du Règlement général sur la protection des données (RGPD), je
vous prie de me communiquer une copie de l'ensemble des données à caractère personnel me
concernant que vous traitez, ainsi que les finalités du traitement, les destinataires, la
durée de conservation et la source des données.

Afin de faciliter mon identification, voici mes coordonnées :

Nom : {s.p(me.full)}
Date de naissance : {s.dob(fmt_date(me.birth, 'dmy/'))}
Numéro de registre national : {s.rrn(rrn)}
Numéro de carte d'identité : {s.doc(card)}
N° de passeport : {s.doc(synth.be_passport_number(s.rng))}
Téléphone : {s.ph(phone)}
Courriel : {s.em(me.email)}

Je suis cliente depuis 2017 et j'ai appris que mes données auraient été transmises à un
partenaire commercial. Je souhaite également savoir si elles ont fait l'objet d'une décision
automatisée, y compris d'un profilage.

Je vous remercie de me répondre dans le délai d'un mois prévu par le RGPD, de préférence par
courrier électronique à l'adresse indiquée ci-dessus.

Veuillez agréer, Madame, Monsieur, l'expression de mes salutations distinguées.

{s.p(me.full)}

P.J. : copie recto verso de ma carte d'identité
"""
    write_text(s, text)


def fr_lettre_cp1252(s: Sample) -> None:
    me = s.person("fr_BE", sex="F")
    co_street, co_city = synth.address(s.rng, "fr_BE")
    co_street = re.sub(r" (bte|bus) \d+$", "", co_street)
    account = synth.iban(s.rng, "BE")
    phone = synth.phone_be(s.rng, "slash", "mobile")
    wrong_vat = s.trap(bad_be_vat(s.rng, "dotted"), "Belgian VAT number with a wrong check")
    town = me.city.split(" ", 1)[1]
    text = f"""Mme {s.p(me.full)}
{s.ad(me.street)}
{s.ad(me.city)}

Assurances Meuse et Sambre SA
Service clientèle
{s.ad(co_street + ', ' + co_city)}

{town}, le 18 janvier 2024

Objet : résiliation du contrat d'assurance habitation n° 2023/HA/118427

Madame, Monsieur,

Par la présente, je vous informe de ma décision de résilier le contrat d'assurance habitation
référencé ci-dessus à son échéance annuelle, le 1er mars 2024.

Pour rappel, le contrat est établi à mon nom ; je suis née le {s.dob(fmt_date(me.birth, 'fr'))}
et l'habitation assurée se trouve à l'adresse ci-dessus.

Je vous prie de rembourser la partie de la prime déjà payée pour la période non couverte sur
mon compte {s.ib(account)}.

Par ailleurs, votre dernier avis d'échéance mentionne le numéro de TVA {wrong_vat}, qui
ne semble pas être le vôtre ; je vous saurais gré de vérifier ce point.

Je reste joignable au {s.ph(phone)} ou par courriel à {s.em(me.email)}.

Je vous prie d'agréer, Madame, Monsieur, l'expression de mes sentiments distingués.

{s.p(me.full)}
"""
    write_text(s, text, encoding="cp1252")


def fr_facture_pdf(s: Sample) -> None:
    co = Company("Atelier Lumière SRL")
    client = s.person("fr_BE", sex="M")
    ogm = s.trap(synth.ogm(s.rng), "structured payment reference (OGM)")
    items = [("Luminaire suspendu laiton, modèle Orion", 2, 617.28),
             ("Applique murale opaline", 4, 89.9),
             ("Pose et raccordement (forfait)", 1, 240.0)]
    subtotal = sum(q * p for _, q, p in items)
    vat = round(subtotal * 0.21, 2)
    total = subtotal + vat
    s.trap(euro(total, "fr"), "amount")
    s.trap("12/03/2024", "invoice date, no birth context")
    bic = co.bic()
    rows = [[(20, desc), (120, str(q)), (135, euro(p, "fr")), (165, euro(q * p, "fr"))]
            for desc, q, p in items]
    page1 = [
        "ATELIER LUMIÈRE SRL",
        s.ad(co.street),
        s.ad(co.city),
        f"BCE {s.ent(co.enterprise)}   TVA {s.vat(co.vat_be('compact'))}",
        f"Tél. {s.ph(co.phone)}   {s.em('compta@' + co.domain)}",
        "",
        "",
        [(110, "Client :")],
        [(110, f"M. {s.p(client.full)}")],
        [(110, s.ad(client.street))],
        [(110, s.ad(client.city))],
        "",
        "FACTURE",
        "",
        [(20, "Facture n° 2024-0342"), (110, "Bon de commande : BC-7781")],
        [(20, "Date de facture : 12/03/2024"), (110, "Échéance : 11/04/2024")],
        "",
        [(20, "Désignation"), (120, "Qté"), (135, "Prix unitaire"), (165, "Montant")],
        *rows,
        "",
        [(110, "Total HTVA"), (165, euro(subtotal, "fr"))],
        [(110, "TVA 21 %"), (165, euro(vat, "fr"))],
        [(110, "Total TVAC"), (165, euro(total, "fr"))],
        "",
        f"Merci de verser le montant de {euro(total, 'fr')} au plus tard le 11/04/2024",
        f"sur le compte {s.ib(co.iban)} (BIC {bic}),",
        f"avec la communication structurée {ogm}.",
    ]
    page2 = [
        "CONDITIONS GÉNÉRALES DE VENTE",
        "",
        "1. Les factures sont payables à 30 jours date de facture, sauf convention contraire.",
        "2. En cas de non-paiement à l'échéance, un intérêt de retard de 8 % l'an est dû de",
        "   plein droit et sans mise en demeure, ainsi qu'une indemnité forfaitaire de 10 %.",
        "3. Les marchandises restent la propriété du vendeur jusqu'au paiement intégral.",
        "4. Toute réclamation doit être adressée par écrit dans les huit jours suivant la",
        "   livraison, à l'adresse du siège ou par courriel.",
        "5. Les données personnelles du client sont traitées conformément au RGPD, uniquement",
        "   pour l'exécution du contrat et la comptabilité. Elles sont conservées sept ans.",
        "6. Tout litige relève de la compétence exclusive des tribunaux de l'arrondissement",
        "   du siège du vendeur.",
        "",
        f"Service après-vente : {s.ph(synth.phone_be(s.rng, 'slash', 'mobile'))}",
    ]
    write_pdf(s, [page1, page2], title="Facture 2024-0342", author=co.name,
              footer=f"{co.name} - BCE {s.ent(co.enterprise)} - IBAN {s.ib(co.iban)}"
                     " - page {page}/{pages}")


def fr_attestation_docx(s: Sample) -> None:
    co = Company("Atelier Lumière SRL")
    hr = s.person("fr_BE", sex="F")
    emp = s.person("fr_BE", sex="M")
    rrn = synth.be_national_number(s.rng, emp.birth, "dotted")
    salary = s.trap(euro(3412.5, "fr"), "amount")
    body = [
        "ATTESTATION D'EMPLOI",
        "",
        f"Je soussignée, Mme {s.p(hr.full)}, responsable des ressources humaines de "
        f"{co.name}, numéro d'entreprise {s.ent(co.enterprise.replace('.', ' '))}, certifie que :",
        f"M. {s.p(emp.full)}, né le {s.dob(fmt_date(emp.birth, 'fr'))}, domicilié "
        f"{s.ad(emp.oneline)},",
        f"numéro de registre national {s.rrn(rrn)},",
        "est occupé au sein de notre société depuis le 1er septembre 2019, sous contrat à durée "
        "indéterminée et à temps plein, en qualité de technicien éclairagiste.",
        ("table", [
            ["Période", "Rémunération brute mensuelle", "Régime"],
            ["janvier 2024", salary, "temps plein (38 h)"],
            ["février 2024", salary, "temps plein (38 h)"],
        ]),
        "",
        "La présente attestation est délivrée à la demande de l'intéressé pour servir à la "
        "constitution d'un dossier de crédit hypothécaire.",
        "",
        f"Fait à {co.city.split(' ', 1)[1]}, le 5 mars 2024.",
        "",
        s.p(hr.full),
        "Responsable RH",
    ]
    write_docx(
        s,
        header=[co.name, f"{s.ad(co.oneline)} - Tél. {s.ph(co.phone)}"],
        footer=[f"TVA {s.vat(co.vat_be('dotted'))} - IBAN {s.ib(co.iban)}"],
        body=body,
        comment_on=4,
        comment=f"Vérifier l'adresse avec le registre national avant envoi ; contact : "
                f"{s.em('rh@' + co.domain)}",
        comment_author="Service RH",
        title="Attestation d'emploi",
    )


def en_sar(s: Sample) -> None:
    me = s.person("en_GB")
    co = Company("Polderdata B.V.")
    bsn = synth.nl_bsn(s.rng, "spaced")
    passport = synth.nl_id_document_number(s.rng)
    phone = synth.phone_nl(s.rng, "intl", "mobile")
    account = synth.iban(s.rng, "NL")
    text = f"""From: {s.p(me.full)} <{s.em(me.email)}>
To: {s.em('privacy@' + co.domain)}
Date: 11 March 2024
Subject: Subject access request under Article 15 GDPR

To: {co.name}, attn. Data Protection Officer, {s.ad(co.oneline)}
(Kamer van Koophandel {s.kvk(co.kvk)}, VAT {s.vat(co.vat)})

Dear Data Protection Officer,

I am writing to make a subject access request under Article 15 of the General Data
Protection Regulation. I have been a customer of {co.name} since 2021 and I would like to
receive a copy of all personal data you hold about me, together with the purposes of the
processing, the recipients, the retention period and the source of the data.

To help you locate my records, my details are as follows:

Name: {s.p(me.full)}
Date of birth: {s.dob(fmt_date(me.birth, 'en'))}
Address: {s.ad(me.oneline)}
BSN: {s.bsn(bsn)}
Passport number: {s.doc(passport)}
Phone: {s.ph(phone)}
Customer account IBAN: {s.ib(account)}

Please also tell me whether my personal data has been shared with third parties, in
particular your payment provider and any marketing partners, and whether any automated
decision-making takes place.

I made a similar request by telephone on 14 February 2024 but did not receive a reply. I
expect your response within one month, as the GDPR requires. A copy of my passport is
available on request; please do not ask for my BSN by e-mail again.

Yours sincerely,

{s.p(me.full)}
"""
    write_text(s, text)


def en_id_copy(s: Sample) -> None:
    be = s.person("nl_BE")
    nl = s.person("nl_NL", sex="F")
    card = synth.be_eid_card_number(s.rng, "dashed")
    rrn = synth.be_national_number(s.rng, be.birth, "dotted")
    td1 = synth.mrz_td1(s.rng, be.last, be.first, birth=be.birth, sex=be.sex,
                        doc_number=card, optional=be_nn.compact(rrn))
    passport = synth.nl_id_document_number(s.rng)
    td3 = synth.mrz_td3(s.rng, nl.last, nl.first, birth=nl.birth, sex=nl.sex,
                        country="NLD", doc_number=passport)
    assert valid_mrz(td1) and valid_mrz(td3)
    expiry1 = dt.datetime.strptime(td1[1][8:14], "%y%m%d").date()
    expiry3 = dt.datetime.strptime(td3[1][21:27], "%y%m%d").date()
    text = f"""Scan description - identity documents received for employee onboarding
Prepared by: HR onboarding team
Date received: 5 February 2024

1) Belgian electronic identity card, front and back

Holder: {s.p(be.full)}
Document number: {s.doc(card)}
National number: {s.rrn(rrn)}
Date of birth: {s.dob(fmt_date(be.birth, 'en'))}
Valid until: {fmt_date(expiry1, 'en')}

Machine-readable zone (back of the card):

{s.mrz(td1)}

The chip was not read. The photo matches the person who came to the office.

2) Netherlands passport, data page

Holder: {s.p(nl.full)}
Passport number: {s.doc(passport)}
Nationality: Dutch
Date of birth: {s.dob(fmt_date(nl.birth, 'dmy.'))}
Date of expiry: {fmt_date(expiry3, 'en')}

Machine-readable zone:

{s.mrz(td3)}

The passport holder, born on {s.dob(fmt_date(nl.birth, 'us'))}, is the employee's spouse; her copy
is needed for the family allowance file. Both copies are stored in the personnel file and will be deleted six months after the end of
employment, in line with the retention schedule.
"""
    write_text(s, text)


def en_contact_html(s: Sample) -> None:
    co = Company("Technova BV")
    dpo = s.person("en_GB", sex="F")
    sales = s.person("nl_BE")
    support = s.person("fr_BE")
    dpo_mail = f"{synth._email_part(dpo.first)}.{synth._email_part(dpo.last)}@{co.domain}"
    sales_mail = f"{synth._email_part(sales.first)}.{synth._email_part(sales.last)}@{co.domain}"
    sup_mail = f"{synth._email_part(support.first)}.{synth._email_part(support.last)}@{co.domain}"
    dpo_phone = synth.phone_be(s.rng, "intl", "mobile")
    sales_phone = synth.phone_be(s.rng, "intl", "mobile")
    sup_phone = synth.phone_be(s.rng, "intl0", "landline")
    main_phone = synth.phone_be(s.rng, "intl", "landline")
    markup = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Contact - Technova</title>
<style>body {{ font-family: sans-serif; max-width: 48em; margin: 2em auto; }}
table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #ccc; padding: .3em .6em; }}</style>
</head>
<body>
<header><h1>Contact us</h1></header>
<main>
<section>
<h2>Head office</h2>
<p>Technova BV<br>
{s.ad(co.street)}<br>
{s.ad(co.city)}<br>
Belgium</p>
<p>Phone: <a href="tel:{re.sub(r'[^0-9+]', '', main_phone)}">{s.ph(main_phone)}</a><br>
Email: <a href="mailto:info@{co.domain}">{s.em('info@' + co.domain)}</a></p>
<p>Enterprise number: {s.ent(co.enterprise)}<br>
VAT: {s.vat(co.vat_be('compact'))}</p>
</section>
<section>
<h2>Our team</h2>
<table>
<thead><tr><th>Name</th><th>Role</th><th>Email</th><th>Phone</th></tr></thead>
<tbody>
<tr><td>{s.p(dpo.full)}</td><td>Data Protection Officer</td><td>{s.em(dpo_mail)}</td><td>{s.ph(dpo_phone)}</td></tr>
<tr><td>{s.p(sales.full)}</td><td>Sales, Flanders and Brussels</td><td>{s.em(sales_mail)}</td><td>{s.ph(sales_phone)}</td></tr>
<tr><td>{s.p(support.full)}</td><td>Customer support (FR/EN)</td><td>{s.em(sup_mail)}</td><td>{s.ph(sup_phone)}</td></tr>
</tbody>
</table>
<p>Questions about your personal data? Write to Dr {s.p(dpo.full)}, our Data Protection
Officer, at {s.em('privacy@' + co.domain)}.</p>
</section>
<section>
<h2>Opening hours</h2>
<p>Monday to Friday, 8.30 to 17.00. Closed on Belgian public holidays.</p>
</section>
</main>
<footer><p>&copy; 2024 Technova BV. All rights reserved.</p></footer>
</body>
</html>
"""
    write_html(s, markup)


def en_payment_note(s: Sample) -> None:
    guest = s.person("en_GB", sex="M")
    card = synth.credit_card(s.rng, "visa")
    amex = synth.credit_card(s.rng, "amex")
    typo = s.trap(bad_card(s.rng), "card-like number that fails the Luhn check")
    phone = synth.phone_nl(s.rng, "intl", "mobile")
    text = f"""Internal note - telephone booking
Taken by: front desk, 14 March 2024, 16:20

Guest: Mr {s.p(guest.full)}, DOB: {s.dob(fmt_date(guest.birth, 'dmy/'))} (for the police registration form)
Arrival 22 April 2024, two nights, double room with breakfast.
Contact: {s.ph(phone)}, {s.em(guest.email)}

The guest asked us to charge the deposit of {s.trap(euro(180.0), 'amount')} to his credit card.
Card number: {s.cc(card)}
Expiry: 09/27 (the guest will give the security code at check-in)

The card number he first gave, {typo}, was rejected by the terminal (a typo).
For the invoice his employer pays by company card, card number {s.cc(amex)}.

Please delete the card details from this note once the deposit has been processed.
"""
    write_text(s, text)


def hr_personeel_csv(s: Sample) -> None:
    rows = [["Personeelsnummer", "Naam", "Rijksregisternummer", "Geboortedatum", "E-mail",
             "Telefoon", "Adres", "IBAN", "Afdeling"]]
    depts = ["Facturatie", "Klantenservice", "Techniek", "Techniek", "Verkoop", "ICT",
             "Boekhouding", "Logistiek"]
    styles = ["dotted", "compact", "spaced", "dotted"]
    bad_row = 5
    for i, dept in enumerate(depts):
        who = s.person("nl_BE" if i % 3 else "fr_BE", domain="zonnewende.be")
        if i == 6:
            number = synth.be_bis_number(s.rng, who.birth, "dotted")
        else:
            number = synth.be_national_number(s.rng, who.birth, styles[i % 4])
        if i == bad_row:
            number_cell = s.trap(bad_rrn(s.rng, who.birth),
                                 "national number with a bad checksum")
        else:
            number_cell = s.rrn(number)
        phone = synth.phone_be(s.rng, ["spaced", "slash", "intl"][i % 3], "mobile")
        mail = f"{synth._email_part(who.first)}.{synth._email_part(who.last)}@zonnewende.be"
        rows.append([f"P{1041 + i * 7:05d}", s.p(who.full), number_cell,
                     s.dob(fmt_date(who.birth, "dmy/")), s.em(mail), s.ph(phone),
                     s.ad(who.oneline), s.ib(synth.iban(s.rng, "BE")), dept])
    write_delimited(s, rows, ";")


def hr_salaris_xlsx(s: Sample) -> None:
    people = [s.person("nl_NL", domain="polderdata.nl") for _ in range(6)]
    staff = [["Naam", "BSN", "Geboortedatum", "E-mail", "Telefoon", "Adres", "IBAN",
              "In dienst sinds"]]
    pay = [["Naam", "Periode", "Bruto", "Netto", "Uitbetaald op", "IBAN"]]
    for i, who in enumerate(people):
        number = synth.nl_bsn(s.rng, ["plain", "plain", "dotted"][i % 3])
        account = synth.iban(s.rng, "NL", spaced=i % 2 == 0)
        start = dt.date(2015 + i, 1 + (i * 5) % 12, 1 + (i * 7) % 27)
        mail = f"{synth._email_part(who.first)}.{synth._email_part(who.last)}@polderdata.nl"
        staff.append([s.p(who.full), s.bsn(number), s.dob(fmt_date(who.birth, "dmy-")),
                      s.em(mail),
                      s.ph(synth.phone_nl(s.rng, ["dash", "spaced", "intl"][i % 3], "mobile")),
                      s.ad(who.oneline), s.ib(account),
                      s.trap(fmt_date(start, "dmy-"), "start date, no birth context")])
        gross = 2800 + 317.5 * i
        pay.append([s.p(who.full), "februari 2024", s.trap(euro(gross), "amount"),
                    euro(gross * 0.71), "23-02-2024", s.ib(account)])
    s.trap("23-02-2024", "payment date, no birth context")
    write_xlsx(s, [("Medewerkers", staff), ("Loonstroken februari", pay)])


def hr_employees_tsv(s: Sample) -> None:
    rows = [["Name", "Date of birth", "National number", "Email", "Phone", "Address",
             "Start date"]]
    for i in range(6):
        who = s.person("en_GB" if i % 2 == 0 else "fr_BE", domain="technova.eu")
        who.street, who.city = synth.address(s.rng, "fr_BE" if i % 3 else "nl_BE")
        who.oneline = f"{who.street}, {who.city}"
        if i % 2 == 0:  # expatriates without a national register entry get a BIS number
            number = synth.be_bis_number(s.rng, who.birth, "dotted")
        else:
            number = synth.be_national_number(s.rng, who.birth, "dotted")
        mail = f"{synth._email_part(who.first)}.{synth._email_part(who.last)}@technova.eu"
        rows.append([s.p(who.full), s.dob(fmt_date(who.birth, ["us", "iso", "en"][i % 3])),
                     s.rrn(number), s.em(mail),
                     s.ph(synth.phone_be(s.rng, "intl", "mobile")), s.ad(who.oneline),
                     f"2023-{1 + i:02d}-01"])
    write_delimited(s, rows, "\t")


def finance_factuur_pdf(s: Sample) -> None:
    co = Company("Noorderlicht Logistiek B.V.")
    client = s.person("nl_NL", sex="F")
    klantnr = s.trap(order_number_11proef(s.rng), "customer number passing the 11-test")
    items = [("Opslag palletplaatsen februari (42 st.)", 42, 12.5),
             ("Orderpicking, per orderregel", 318, 0.85),
             ("Verzending pakketten NL", 117, 6.95),
             ("Retourverwerking", 23, 3.4)]
    subtotal = sum(q * p for _, q, p in items)
    vat = round(subtotal * 0.21, 2)
    total = subtotal + vat
    s.trap(euro(total), "amount")
    s.trap("05-03-2024", "invoice date, no birth context")
    rows = [[(20, d), (120, str(q)), (140, euro(p)), (168, euro(q * p))] for d, q, p in items]
    page1 = [
        "NOORDERLICHT LOGISTIEK B.V.",
        s.ad(co.street),
        s.ad(co.city),
        f"Tel. {s.ph(co.phone)}   {s.em('debiteuren@' + co.domain)}",
        "",
        "",
        [(110, f"T.a.v. mevrouw {s.p(client.full)}")],
        [(110, s.ad(client.street))],
        [(110, s.ad(client.city))],
        "",
        "FACTUUR",
        "",
        [(20, "Factuurnummer: 2024-0118"), (110, "Factuurdatum: 05-03-2024")],
        [(20, f"Klantnummer: {klantnr}"), (110, "Periode: februari 2024")],
        "",
        [(20, "Omschrijving"), (120, "Aantal"), (140, "Prijs"), (168, "Bedrag")],
        *rows,
        "",
        [(110, "Subtotaal"), (168, euro(subtotal))],
        [(110, "Btw 21%"), (168, euro(vat))],
        [(110, "Totaal"), (168, euro(total))],
        "",
        f"Wij verzoeken u het totaalbedrag van {euro(total)} binnen 30 dagen over te maken",
        f"op {s.ib(co.iban)} t.n.v. Noorderlicht Logistiek B.V., onder vermelding van",
        "het factuurnummer.",
    ]
    page2 = [
        "SPECIFICATIE EN VOORWAARDEN",
        "",
        "Op al onze diensten zijn de Nederlandse Logistiek Voorwaarden van toepassing.",
        "Bij betaling na de vervaldatum zijn wij gerechtigd de wettelijke handelsrente",
        "in rekening te brengen, vermeerderd met buitengerechtelijke incassokosten.",
        "",
        "Contactpersoon voor deze factuur:",
        f"Naam: {s.p(s.person('nl_NL').full)}",
        f"Telefoon: {s.ph(synth.phone_nl(s.rng, 'dash', 'mobile'))}",
        "",
        "Bezwaar tegen deze factuur kunt u binnen 14 dagen schriftelijk indienen.",
    ]
    write_pdf(s, [page1, page2], title="Factuur 2024-0118", author=co.name,
              footer=f"{co.name} - KvK {s.kvk(co.kvk)} - BTW {s.vat(co.vat)} - "
                     f"IBAN {s.ib(co.iban)} - pagina {{page}}/{{pages}}")


def finance_klanten_csv(s: Sample) -> None:
    rows = [["klantnummer", "naam", "e-mail", "telefoon", "adres", "iban", "aangemaakt_op",
             "nieuwsbrief"]]
    for i in range(8):
        who = s.person("nl_NL")
        if i in (1, 4, 6):
            number = s.trap(order_number_11proef(s.rng),
                            "customer number passing the 11-test, no BSN context")
        else:
            number = plain_number(s.rng, 9)
        created = f"2023-{1 + i:02d}-{3 + i * 3:02d} {8 + i:02d}:{i * 7 % 60:02d}"
        phone = synth.phone_nl(s.rng, ["dash", "spaced", "intl0", "compact"][i % 4])
        rows.append([number, s.p(who.full), s.em(who.email), s.ph(phone),
                     s.ad(who.oneline),
                     s.ib(synth.iban(s.rng, "NL" if i != 5 else "DE", spaced=i % 2 == 1)),
                     created, "ja" if i % 3 else "nee"])
    write_delimited(s, rows, ",")


def crm_json(s: Sample) -> None:
    records = []
    for i in range(4):
        who = s.person("nl_BE" if i % 2 == 0 else "fr_BE")
        rrn = synth.be_national_number(s.rng, who.birth, ["compact", "dotted"][i % 2])
        rec = {
            "id": 10231 + i * 17,
            "naam": s.p(who.full),
            "rijksregisternummer": s.rrn(rrn),
            "geboortedatum": s.dob(fmt_date(who.birth, "iso")),
            "email": s.em(who.email),
            "telefoon": s.ph(synth.phone_be(s.rng, ["compact", "intl", "spaced"][i % 3])),
        }
        if i % 2 == 0:
            rec["adres"] = {"lijn1": s.ad(who.street), "lijn2": s.ad(who.city)}
        else:
            rec["adres"] = s.ad(who.oneline)
        rec["iban"] = s.ib(synth.iban(s.rng, "BE", spaced=False))
        rec["laatste_login"] = {"tijd": f"2024-03-{10 + i}T{i + 7:02d}:1{i}:00Z",
                                "ip": s.ip(synth.ipv6(s.rng) if i % 2 else synth.ipv4(s.rng))}
        rec["toestemming_marketing"] = i % 2 == 0
        records.append(rec)
    payload = {"export": {"bron": "crm-api", "api_versie": "3.4", "tijdstip":
                          "2024-03-18T09:12:44Z", "aantal": len(records)},
               "klanten": records}
    write_text(s, json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


def crm_xml(s: Sample) -> None:
    who = s.person("nl_NL", sex="M")
    bsn = synth.nl_bsn(s.rng, "plain")
    phone = synth.phone_nl(s.rng, "dash", "mobile")
    account = synth.iban(s.rng, "NL")
    agent = s.person("nl_NL")
    text = f"""<?xml version="1.0" encoding="UTF-8"?>
<klantdossier id="KD-2024-0031" aangemaakt="2024-01-09T10:42:00">
  <persoon>
    <naam>{s.p(who.full)}</naam>
    <geboortedatum>{s.dob(fmt_date(who.birth, 'iso'))}</geboortedatum>
    <bsn>{s.bsn(bsn)}</bsn>
    <paspoortnummer>{s.doc(synth.nl_id_document_number(s.rng))}</paspoortnummer>
    <adres>
      <straat>{s.ad(who.street)}</straat>
      <postcode_plaats>{s.ad(who.city)}</postcode_plaats>
    </adres>
    <telefoon>{s.ph(phone)}</telefoon>
    <email>{s.em(who.email)}</email>
  </persoon>
  <bankrekening>
    <iban>{s.ib(account)}</iban>
    <tenaamstelling>{s.p(who.full)}</tenaamstelling>
  </bankrekening>
  <contract nummer="ZV-2024-118" product="Zorgverzekering Basis" ingangsdatum="2024-01-01"/>
  <notities>
    <notitie datum="2024-02-12" medewerker="{s.p(agent.full)}">Klant vraagt om de polis voortaan per e-mail te ontvangen.</notitie>
    <notitie datum="2024-03-04" medewerker="{s.p(agent.full)}">Adreswijziging doorgegeven, nieuwe polis verstuurd.</notitie>
  </notities>
</klantdossier>
"""
    write_text(s, text)


def logs_access(s: Sample) -> None:
    agents = [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:123.0) Gecko/20100101 Firefox/123.0",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_3) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.3 Safari/605.1.15",
        "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/122.0.6261.94 Mobile Safari/537.36",
        "curl/8.5.0",
    ]
    people = [s.person(loc) for loc in ("nl_BE", "fr_BE", "nl_NL")]
    clients = [synth.ipv4(s.rng) for _ in range(5)] + [synth.ipv6(s.rng) for _ in range(2)]
    paths = ["/", "/nl/producten", "/fr/contact", "/static/css/site.css", "/api/v1/status",
             "/nl/account/facturen", "/favicon.ico", "/fr/produits/onduleurs"]
    lines = []
    t = dt.datetime(2024, 3, 12, 10, 14, 2)
    for i in range(26):
        t += dt.timedelta(seconds=s.rng.randint(1, 90))
        ip = clients[s.rng.randrange(len(clients))]
        if i in (4, 11, 19):
            who = people[(i // 7) % 3]
            path = f"/nieuwsbrief/afmelden?email={s.em(who.email)}"
            status, size = 302, 0
        elif i == 15:
            path, status, size = "/wp-login.php", 404, 153
        else:
            path = s.rng.choice(paths)
            status, size = 200, s.rng.randint(300, 48000)
        ua = agents[s.rng.randrange(len(agents))]
        lines.append(f'{s.ip(ip)} - - [{t:%d/%b/%Y:%H:%M:%S} +0100] "GET {path} HTTP/1.1" '
                     f'{status} {size} "-" "{ua}"')
    write_text(s, "\n".join(lines) + "\n")


def logs_app(s: Sample) -> None:
    users = [s.person(loc) for loc in ("nl_BE", "fr_BE", "nl_NL", "nl_BE")]
    t = dt.datetime(2024, 3, 12, 8, 59, 58)

    def ts():
        nonlocal t
        t += dt.timedelta(seconds=s.rng.randint(2, 240), milliseconds=s.rng.randint(0, 999))
        return f"{t:%Y-%m-%d %H:%M:%S},{t.microsecond // 1000:03d}"

    ip = [synth.ipv4(s.rng) for _ in range(3)] + [synth.ipv6(s.rng)]
    bad = s.trap(bad_iban(s.rng, "NL"), "IBAN with wrong check digits")
    lines = [
        f"{ts()} INFO  [main] klantportaal {s.trap('v2.10.3', 'software version string')} started, 4 workers",
        f"{ts()} INFO  [auth] login ok user {s.p(users[0].full)} <{s.em(users[0].email)}> "
        f"from {s.ip(ip[0])}",
        f"{ts()} INFO  [auth] login ok user {s.p(users[1].full)} <{s.em(users[1].email)}> "
        f"from {s.ip(ip[3])}",
        f"{ts()} WARN  [profile] rejected phone '{s.trap('0000 00 00 00', 'placeholder, not a valid phone number')}' "
        "for customer 10248 (placeholder)",
        f"{ts()} INFO  [mail] password reset sent to {s.em(users[2].email)} for user "
        f"{s.p(users[2].full)}",
        f"{ts()} ERROR [payment] mandate rejected: IBAN {bad} failed checksum (customer 10265)",
        f"{ts()} DEBUG [sms] one-time code sent to {s.ph(synth.phone_be(s.rng, 'intl', 'mobile'))}",
        f"{ts()} INFO  [auth] login failed user {s.p(users[3].full)} from {s.ip(ip[1])} "
        "(wrong password, attempt 2/5)",
        f"{ts()} INFO  [jobs] invoice run finished: 412 invoices, 3 errors, 18.4 s",
        f"{ts()} WARN  [http] slow request GET /api/v1/klanten/10231 from {s.ip(ip[2])} 2.8 s",
        f"{ts()} INFO  [auth] logout user {s.p(users[0].full)}",
    ]
    write_text(s, "\n".join(lines) + "\n")


# --------------------------------------------------------------------------------------------
# Mail and archives: containers whose parts are documents
# --------------------------------------------------------------------------------------------
#
# A finding in a container is listed under the path of the part it is in, one "!/" per level:
# a message's headers and bodies under "mail/x.eml" (a message in an mbox:
# "mail/inbox.mbox!/00003", numbered from 1), an attachment under
# "mail/x.eml!/attachments/<filename>", a zip member under "mail/archief.zip!/2023/x.csv".
# Every part is a Sample of its own. Members are written by the ordinary writers (which read
# them back and check them) into a scratch folder, then packed into their container, which is
# read back again. Headers count as the e-mail package renders them: str(message["From"])
# under email.policy.default, e.g. "Sophie Peeters <sophie.peeters@voorbeeld.be>".

MAIL_HEADERS = ("From", "To", "Cc", "Bcc", "Reply-To", "Sender", "Subject")  # what is scanned
_ADDRESS_HEADERS = ("From", "To", "Cc", "Bcc", "Reply-To", "Sender")
# RFC 5322: a message opens with "Field-Name:"; a file that does not is not a message.
_RFC5322_START = re.compile(rb"[!-9;-~]+:")
CET = dt.timezone(dt.timedelta(hours=1))
ZIP_TIME = (2024, 3, 18, 9, 0, 0)


def member_sample(path: str, scratch: Path) -> Sample:
    """A Sample for a container member: findings under `path`, bytes in the scratch folder."""
    return Sample(path, target=scratch / re.sub(r"[^\w.-]+", "_", path))


def relocated(samples: list[Sample], old: str, new: str) -> list[Sample]:
    """The same parts under another container path (a copy of a mail inside a zip)."""
    out = []
    for s in samples:
        assert s.path.startswith(old), (s.path, old)
        twin = copy.copy(s)
        twin.path = new + s.path[len(old):]
        out.append(twin)
    return out


def when(month: int, day: int, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(2024, month, day, hour, minute, tzinfo=CET)


def message_id(s: Sample, at: dt.datetime, domain: str) -> str:
    return f"<{at:%Y%m%d%H%M%S}.{s.rng.randrange(16 ** 8):08x}@{domain}>"


def html_version(text: str) -> str:
    """The HTML alternative a mail client sends next to the plain text: one <p> per
    paragraph, <br> per line. Marks are private-use characters and survive escaping."""
    paragraphs = []
    for para in text.strip().split("\n\n"):
        lines = [html_escape(line, quote=False) for line in para.split("\n")]
        paragraphs.append("<p>" + "<br>\n".join(lines) + "</p>")
    return ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
            '</head>\n<body style="font-family: Calibri, Arial, sans-serif; font-size: 11pt">\n'
            + "\n".join(paragraphs) + "\n</body></html>\n")


def _visible(markup: str) -> str:
    parser = _Visible()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts)


def build_mail(s: Sample, headers: list[tuple[str, str]], text: str, *, html: str | None = None,
               attachments: tuple[tuple[str, str, bytes], ...] = (),
               legacy_charset: str | None = None) -> bytes:
    """The bytes of one message. headers: (name, value) in order; the values of MAIL_HEADERS
    are marked text, the others (Date, Message-ID, In-Reply-To) hold no personal data.
    attachments: (filename, content type, bytes). legacy_charset: build the message the way
    older clients do (email.mime, compat32): body and non-ASCII headers in that charset, the
    headers as RFC 2047 encoded words."""
    names = [name for name, _ in headers]
    assert "Date" in names and "Message-ID" in names, s.path
    rendered = []
    for name, value in headers:
        if name in MAIL_HEADERS:
            value = s.render(value)
        assert _OPEN not in value, (s.path, name)
        rendered.append((name, value))
    body = s.render(text)
    markup = s.render(html) if html is not None else None
    s.check()
    if legacy_charset:
        msg = _legacy_mail(rendered, body, attachments, legacy_charset)
    else:
        msg = EmailMessage()
        for name, value in rendered:
            msg[name] = value
        msg.set_content(body)
        if markup is not None:
            msg.add_alternative(markup, subtype="html")
        for filename, ctype, data in attachments:
            maintype, subtype = ctype.split("/")
            msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    # Fixed boundaries, so reruns give identical bytes.
    for i, part in enumerate(p for p in msg.walk() if p.is_multipart()):
        part.set_boundary(f"----=_Part_{i}_{s.rng.randrange(16 ** 10):010x}")
    raw = msg.as_bytes()
    _verify_mail(s, raw, rendered, attachments)
    return raw


def _legacy_mail(headers, body: str, attachments, charset: str):
    from email.header import Header
    from email.mime.application import MIMEApplication
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    text = MIMEText(body, "plain", charset)  # quoted-printable for the ISO-8859 charsets
    msg = MIMEMultipart("mixed") if attachments else text
    for name, value in headers:
        if name in _ADDRESS_HEADERS:
            value = ", ".join(email.utils.formataddr(pair, charset=charset)
                              for pair in email.utils.getaddresses([value]))
        elif not value.isascii():
            value = Header(value, charset)
        msg[name] = value
    for name in ("MIME-Version", "Content-Type", "Content-Transfer-Encoding"):
        value = msg[name]  # after the addressing headers, as mail clients write them
        if value is not None:
            del msg[name]
            msg[name] = value
    if attachments:
        msg.attach(text)
        for filename, ctype, data in attachments:
            part = MIMEApplication(data, ctype.split("/", 1)[1])
            part.add_header("Content-Disposition", "attachment", filename=filename)
            msg.attach(part)
    return msg


def _verify_mail(s: Sample, raw: bytes, headers, attachments) -> None:
    """Read the message back as a scanner does: the headers as email.policy.default renders
    them, text bodies, HTML bodies as visible text; attachments must come back intact."""
    assert _RFC5322_START.match(raw), s.path
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    texts = []
    for name, value in headers:
        if name in MAIL_HEADERS:
            got = str(parsed[name])
            assert got == value, f"{s.path}: {name} reads {got!r}, written {value!r}"
            texts.append(got)
    files = []
    for part in parsed.walk():
        if part.is_multipart():
            continue
        if (part.get_filename() or part.get_content_disposition() == "attachment"
                or part.get_content_maintype() != "text"):
            files.append((part.get_filename(), part.get_content_type(),
                          part.get_payload(decode=True)))
            continue
        content = part.get_content()
        texts.append(_visible(content) if part.get_content_type() == "text/html" else content)
    assert files == list(attachments), f"{s.path}: attachments do not read back"
    s.verify_extracted("\n".join(texts))


def mbox_bytes(messages: list[tuple[str, dt.datetime, bytes]]) -> bytes:
    """mboxrd: each message after a "From sender date" line and followed by a blank line;
    body lines starting with (">"*)"From " get one more ">"."""
    out = []
    for sender, at, raw in messages:
        out.append(f"From {sender} {at:%a %b} {at.day:2d} {at:%H:%M:%S %Y}\n".encode())
        quoted = re.sub(rb"(?m)^(>*From )", rb">\1", raw)
        out.append(quoted if quoted.endswith(b"\n") else quoted + b"\n")
        out.append(b"\n")
    data = b"".join(out)
    # Read back: split on the "From " lines, undo the quoting, get each message again.
    parts, lines = [], None
    for line in data.splitlines(keepends=True):
        if line.startswith(b"From "):
            if lines is not None:
                parts.append(b"".join(lines))
            lines = []
            continue
        lines.append(re.sub(rb"^>(>*From )", rb"\1", line))
    parts.append(b"".join(lines))
    assert parts == [raw + b"\n" for _, _, raw in messages]
    return data


def zip_bytes(members: list[tuple]) -> bytes:
    """(name, data[, compression]) -> a zip with fixed timestamps; read back to check."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, data, *method in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = method[0] if method else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=9)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as archive:
        assert [i.filename for i in archive.infolist()] == [m[0] for m in members]
        for name, data, *_ in members:
            if len(data) < MAX_FILE_SIZE:
                assert archive.read(name) == data, name
    return buf.getvalue()


def png_scan(width: int = 96, height: int = 60) -> bytes:
    """A small greyscale PNG: the outline of an ID card with a photo box and grey bars where
    the text was blacked out. No text at all: OCR reads nothing on it, so it gives no findings."""
    import struct
    import zlib

    rows = []
    for y in range(height):
        row = bytearray()
        for x in range(width):
            edge = x in (2, width - 3) or y in (2, height - 3)
            photo = 8 <= x <= 30 and 12 <= y <= 48
            bar = 38 <= x <= 86 and y % 8 in (1, 2) and 12 <= y <= 50
            row.append(40 if edge else 110 if photo else 70 if bar else 235)
        rows.append(b"\x00" + bytes(row))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + tag + data
                + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))


def mail_inzageverzoek(path: str, scratch: Path) -> tuple[bytes, list[Sample]]:
    """Belgian customer to the privacy desk of Zonnewende: text + HTML alternative, a CSV of
    her own payments and the filled-in request form (PDF)."""
    s = Sample(path)
    co = Company("Zonnewende NV")
    me = s.person("nl_BE", sex="F")
    rrn = synth.be_national_number(s.rng, me.birth, "dotted")
    phone = synth.phone_be(s.rng, "spaced", "mobile")
    account = synth.iban(s.rng, "BE", spaced=False)
    card = synth.be_eid_card_number(s.rng, "dashed")
    town = me.city.split(" ", 1)[1]

    pay = member_sample(f"{path}!/attachments/betalingen_2023.csv", scratch)
    rows = [["Datum", "Omschrijving", "Bedrag", "Van rekening", "Naar rekening"]]
    for month, amount in ((1, 142.5), (4, 142.5), (7, 156.0), (10, 156.0)):
        day = pay.trap(f"05-{month:02d}-2023", "payment date, no birth context")
        rows.append([day, f"Voorschot energie {NL_MONTHS[month - 1]}",
                     pay.trap(euro(amount), "amount"), pay.ib(account),
                     pay.ib(co.iban.replace(" ", ""))])
    write_delimited(pay, rows, ";")

    form = member_sample(f"{path}!/attachments/aanvraagformulier_inzage.pdf", scratch)
    page = [
        "ZONNEWENDE NV",
        "AANVRAAGFORMULIER INZAGE IN PERSOONSGEGEVENS (ARTIKEL 15 AVG)",
        "",
        "1. Gegevens van de aanvrager",
        "",
        f"Naam: {form.p(me.full)}",
        f"Geboortedatum: {form.dob(fmt_date(me.birth, 'dmy.'))}",
        f"Rijksregisternummer: {form.rrn(rrn)}",
        f"Adres: {form.ad(me.oneline)}",
        f"E-mail: {form.em(me.email)}",
        f"Telefoon: {form.ph(phone)}",
        f"Identiteitskaart, kaartnummer: {form.doc(card)}",
        "",
        "2. Gevraagde informatie",
        "",
        "[x] een kopie van alle persoonsgegevens die over mij worden verwerkt",
        "[x] de doeleinden van de verwerking en de ontvangers van de gegevens",
        "[x] de bewaartermijn en de bron van de gegevens",
        "[ ] informatie over geautomatiseerde besluitvorming",
        "",
        "3. Wijze van antwoord",
        "",
        "[x] per e-mail, op het adres hierboven      [ ] per post",
        "",
        f"Opgemaakt te {town} op 4 maart 2024.",
        "Handtekening van de aanvrager:",
        "",
        form.p(me.full),
    ]
    write_pdf(form, [page], title="Aanvraagformulier inzage", author=co.name,
              footer=f"{co.name} - {form.ad(co.oneline)} - {form.em('privacy@' + co.domain)}")

    at = when(3, 4, 20, 17)
    text = f"""Geachte heer, mevrouw,

Als klant van {co.name} (contract ZW-2019-08841) vraag ik u op grond van artikel 15
van de AVG om inzage in alle persoonsgegevens die u over mij verwerkt.

Om mijn gegevens terug te vinden:
Naam: {s.p(me.full)}
Adres: {s.ad(me.oneline)}
Geboortedatum: {s.dob(fmt_date(me.birth, 'dmy-'))}
Rijksregisternummer: {s.rrn(rrn)}
Telefoon: {s.ph(phone)}

In de bijlage vindt u het ingevulde aanvraagformulier en een overzicht van mijn
betalingen in 2023, zoals ik ze in mijn eigen administratie heb.

Ik ontvang uw antwoord graag binnen een maand op {s.em(me.email)}.

Met vriendelijke groet,
{s.p(me.full)}
"""
    raw = build_mail(s, [
        ("From", f"{s.p(me.full)} <{s.em(me.email)}>"),
        ("To", f"Privacy Zonnewende <{s.em('privacy@' + co.domain)}>"),
        ("Subject", "Inzageverzoek persoonsgegevens (art. 15 AVG)"),
        ("Date", email.utils.format_datetime(at)),
        ("Message-ID", message_id(s, at, me.email.split("@")[1])),
    ], text, html=html_version(text), attachments=(
        ("aanvraagformulier_inzage.pdf", "application/pdf", _target(form).read_bytes()),
        ("betalingen_2023.csv", "text/csv", _target(pay).read_bytes()),
    ))
    return raw, [s, pay, form]


def mail_demande_acces(path: str, scratch: Path) -> tuple[bytes, list[Sample]]:
    """French access request from an older client: ISO-8859-1 quoted-printable body, sender
    and subject as RFC 2047 encoded words, the request form as a .docx attachment."""
    s = Sample(path)
    co = Company("Atelier Lumière SRL")
    me = s.person("fr_BE", sex="F")
    while me.full.isascii():  # an accent in the name, so the From header is encoded too
        me = s.person("fr_BE", sex="F")
    rrn = synth.be_national_number(s.rng, me.birth, "dotted")
    phone = synth.phone_be(s.rng, "slash", "mobile")
    card = synth.be_eid_card_number(s.rng, "dashed")
    town = me.city.split(" ", 1)[1]

    form = member_sample(f"{path}!/attachments/formulaire_demande_acces.docx", scratch)
    body = [
        "FORMULAIRE DE DEMANDE D'ACCÈS AUX DONNÉES PERSONNELLES (ARTICLE 15 RGPD)",
        "",
        "1. Identité de la personne concernée",
        ("table", [
            ["Nom", "Date de naissance", "Numéro de registre national"],
            [form.p(me.full), form.dob(fmt_date(me.birth, "dmy/")), form.rrn(rrn)],
        ]),
        "",
        f"Numéro de carte d'identité : {form.doc(card)}",
        f"Adresse : {form.ad(me.oneline)}",
        f"Courriel : {form.em(me.email)}",
        "",
        "2. Objet de la demande",
        "Une copie de toutes les données me concernant, y compris les enregistrements des appels "
        "au service clientèle et l'historique de mes commandes depuis 2021.",
        "",
        f"Fait à {town}, le 2 mars 2024.",
        "",
        "Signature :",
        form.p(me.full),
    ]
    write_docx(
        form,
        header=[f"{co.name} - Formulaire de demande d'accès"],
        footer=[f"{co.name} - BCE {form.ent(co.enterprise)} - {form.ad(co.oneline)}"],
        body=body,
        comment_on=5,
        comment="Copie recto verso de la carte d'identité reçue le 4 mars 2024.",
        comment_author="Service clientèle",
        title="Demande d'accès RGPD",
        compact=True,
    )

    at = when(3, 4, 10, 12)
    text = f"""Madame, Monsieur,

Cliente de votre atelier depuis 2021 (commande BC-6912), je souhaite exercer le droit
d'accès prévu à l'article 15 du RGPD. Je vous prie de me communiquer une copie des
données personnelles que vous détenez à mon sujet, les finalités du traitement, les
destinataires et la durée de conservation.

Pour m'identifier :
Nom : {s.p(me.full)}
Date de naissance : {s.dob(fmt_date(me.birth, 'dmy/'))}
Numéro de registre national : {s.rrn(rrn)}
Adresse : {s.ad(me.oneline)}
Téléphone : {s.ph(phone)}

Vous trouverez en annexe le formulaire de demande complété et signé.

Je vous remercie de me répondre à l'adresse {s.em(me.email)}, dans le délai
d'un mois prévu par le règlement.

Veuillez agréer, Madame, Monsieur, l'expression de mes salutations distinguées.

{s.p(me.full)}
"""
    raw = build_mail(s, [
        ("From", f"{s.p(me.full)} <{s.em(me.email)}>"),
        ("To", f"Délégué à la protection des données <{s.em('dpo@' + co.domain)}>"),
        ("Subject", "Demande d'accès à mes données personnelles (article 15 du RGPD)"),
        ("Date", email.utils.format_datetime(at)),
        ("Message-ID", message_id(s, at, me.email.split("@")[1])),
        ("X-Mailer", "Microsoft Outlook 14.0"),
    ], text, attachments=(
        ("formulaire_demande_acces.docx",
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         _target(form).read_bytes()),
    ), legacy_charset="iso-8859-1")
    assert b"=?iso-8859-1?q?" in raw and b"charset=\"iso-8859-1\"" in raw
    return raw, [s, form]


def mail_privacy_inbox(path: str, scratch: Path) -> tuple[bytes, list[Sample]]:
    """The privacy desk's mailbox at Technova: an erasure request (verzoek tot wissing) from
    a Dutch customer, handled over six messages, and a French access request on behalf of a
    mother. Attachments: an ID scan (PNG), a CSV for IT, a confirmation (PDF), a power of
    attorney (DOCX). One English message has a body line starting with "From "."""
    pool = Sample(path)  # draws the people shared by the messages; renders nothing itself
    co = Company("Technova BV")
    desk = f"privacy@{co.domain}"

    def staff(locale: str, sex: str | None = None) -> Person:
        who = pool.person(locale, sex=sex)
        who.email = f"{synth._email_part(who.first)}.{synth._email_part(who.last)}@{co.domain}"
        return who

    cust = pool.person("nl_NL", sex="F")
    cust_phone = synth.phone_nl(pool.rng, "dash", "mobile")
    cust_iban = synth.iban(pool.rng, "NL", spaced=False)
    passport = synth.nl_id_document_number(pool.rng)
    klantnr = order_number_11proef(pool.rng)
    clerk, it, dpo = staff("nl_BE", "F"), staff("nl_BE", "M"), staff("en_GB")
    dpo_phone = synth.phone_be(pool.rng, "intl", "mobile")
    requester = pool.person("fr_BE", sex="F")
    mother = pool.person("fr_BE", sex="F")
    req_rrn = synth.be_national_number(pool.rng, requester.birth, "dotted")
    mother_rrn = synth.be_national_number(pool.rng, mother.birth, "dotted")
    req_phone = synth.phone_be(pool.rng, "intl0", "mobile")
    clerk_fr = staff("fr_BE", "M")
    kenmerk = "AVG-2024-031"

    samples: list[Sample] = []
    messages: list[tuple[str, dt.datetime, bytes]] = []
    ids: list[str] = []

    def message(at: dt.datetime, sender: str, headers: list[tuple[str, str]], text: str,
                attachments=(), reply_to: int | None = None, s: Sample | None = None) -> None:
        mid = message_id(pool, at, sender.split("@")[1])
        extra = [("Date", email.utils.format_datetime(at)), ("Message-ID", mid)]
        if reply_to is not None:
            extra += [("In-Reply-To", ids[reply_to - 1]), ("References", ids[reply_to - 1])]
        raw = build_mail(s, headers[:-1] + extra + headers[-1:], text, attachments=attachments)
        ids.append(mid)
        messages.append((sender, at, raw))
        samples.append(s)

    def msg_sample() -> Sample:
        return Sample(f"{path}!/{len(messages) + 1:05d}")

    def who(s: Sample, person: Person) -> str:
        return f"{s.p(person.full)} <{s.em(person.email)}>"

    def desk_addr(s: Sample) -> str:
        return f"Privacydesk Technova <{s.em(desk)}>"

    # 1. The request.
    s = msg_sample()
    message(when(2, 5, 19, 42), cust.email, [
        ("From", who(s, cust)), ("To", desk_addr(s)),
        ("Subject", "Verzoek tot wissing van mijn gegevens"),
    ], f"""Geachte heer, mevrouw,

Op grond van artikel 17 van de AVG verzoek ik u alle persoonsgegevens die Technova over
mij bewaart te wissen. Mijn abonnement is per 1 februari 2024 opgezegd en ik wil geen
nieuwsbrieven of aanbiedingen meer ontvangen.

Naam: {s.p(cust.full)}
Adres: {s.ad(cust.oneline)}
Klantnummer: {s.trap(klantnr, 'customer number passing the 11-test, no BSN context')}
Telefoon: {s.ph(cust_phone)}

Graag ontvang ik een bevestiging zodra mijn gegevens gewist zijn.

Met vriendelijke groet,
{s.p(cust.full)}
""", s=s)

    # 2. The desk asks for proof of identity (sent from the shared mailbox, copy to the archive).
    s = msg_sample()
    message(when(2, 6, 9, 15), desk, [
        ("From", desk_addr(s)), ("Sender", who(s, clerk)), ("To", who(s, cust)),
        ("Bcc", s.em(f"archief-avg@{co.domain}")),
        ("Subject", "Re: Verzoek tot wissing van mijn gegevens"),
    ], f"""Geachte {s.p(cust.full)},

Wij hebben uw verzoek tot wissing van 5 februari goed ontvangen (ons kenmerk {kenmerk}).

Voordat wij uw gegevens wissen, moeten wij zeker weten dat het verzoek van u komt. Wilt
u een kopie van uw paspoort of identiteitskaart sturen? Uw pasfoto en uw BSN mag u
afschermen; die hebben wij niet nodig.

Wij handelen uw verzoek af binnen een maand nadat wij de kopie hebben ontvangen.

Met vriendelijke groet,
{s.p(clerk.full)}
Privacydesk Technova
Tel. {s.ph(co.phone)}
""", reply_to=1, s=s)

    # 3. The customer sends a scan of her passport (an image: nothing to read without OCR).
    s = msg_sample()
    message(when(2, 6, 21, 3), cust.email, [
        ("From", who(s, cust)), ("To", desk_addr(s)),
        ("Subject", "Re: Verzoek tot wissing van mijn gegevens"),
    ], f"""Geachte {s.p(clerk.full)},

In de bijlage stuur ik een kopie van mijn paspoort, met de pasfoto en het BSN afgeschermd.
Het documentnummer is {s.doc(passport)}.
Mijn geboortedatum is {s.dob(fmt_date(cust.birth, 'nl'))}, voor het geval u die nodig heeft.

Met vriendelijke groet,
{s.p(cust.full)}
""", attachments=(("paspoort_afgeschermd.png", "image/png", png_scan()),), reply_to=2, s=s)

    # 4. Internal: what IT has to erase, as a CSV.
    s = msg_sample()
    sheet = member_sample(f"{s.path}/attachments/te_wissen_gegevens.csv", scratch)
    rows = [["Systeem", "Naam", "E-mail", "Telefoon", "Adres", "IBAN", "Geboortedatum"],
            ["CRM", sheet.p(cust.full), sheet.em(cust.email), sheet.ph(cust_phone),
             sheet.ad(cust.oneline), "", sheet.dob(fmt_date(cust.birth, "dmy-"))],
            ["Facturatie", sheet.p(cust.full), sheet.em(cust.email), "", sheet.ad(cust.oneline),
             sheet.ib(cust_iban), ""],
            ["Nieuwsbrief", "", sheet.em(cust.email), "", "", "", ""]]
    write_delimited(sheet, rows, ";")
    samples.append(sheet)
    message(when(2, 7, 10, 30), clerk.email, [
        ("From", who(s, clerk)), ("To", who(s, it)), ("Cc", who(s, dpo)),
        ("Subject", f"Wissing klant {s.trap(klantnr, 'customer number passing the 11-test, no BSN context')}"),
    ], f"""Beste collega's,

Het identiteitsbewijs is gecontroleerd: de klant uit het onderwerp mag gewist worden uit
het CRM, de facturatie en de nieuwsbrieflijst. In de bijlage staat wat er per systeem over
haar is opgeslagen. De facturen van 2022 en 2023 blijven zeven jaar bewaard (fiscale
bewaarplicht); daarin blijven alleen naam en adres staan.

Wil je de wissing uiterlijk 9 februari uitvoeren en hier bevestigen?

Met vriendelijke groet,
{s.p(clerk.full)}
Privacydesk Technova
""", attachments=(("te_wissen_gegevens.csv", "text/csv", _target(sheet).read_bytes()),),
        s=s)

    # 5. The group DPO answers in English; one body line starts with "From " (mboxrd-quoted).
    s = msg_sample()
    message(when(2, 7, 16, 45), dpo.email, [
        ("From", who(s, dpo)), ("To", who(s, clerk)), ("Cc", desk_addr(s)),
        ("Subject", "Retention after an erasure request"),
    ], f"""Hi both,

Thanks for handling this so quickly. One change to the procedure, before the next request:
From 1 April onwards we keep only a hashed e-mail address of erased customers on the
suppression list, so that they never receive the newsletter again.

Please delete the ID copy as soon as the identity has been checked, including the
attachment in this mailbox, and send IT a ticket instead of a CSV attachment next time.

Kind regards,
{s.p(dpo.full)}
Group Data Protection Officer
Mobile: {s.ph(dpo_phone)}
""", reply_to=4, s=s)

    # 6. Confirmation to the customer, with a PDF letter.
    s = msg_sample()
    letter = member_sample(f"{s.path}/attachments/bevestiging_wissing.pdf", scratch)
    page = [
        "TECHNOVA BV",
        letter.ad(co.street),
        letter.ad(co.city),
        f"Ondernemingsnummer {letter.ent(co.enterprise)}",
        "",
        [(110, f"Mevrouw {letter.p(cust.full)}")],
        [(110, letter.ad(cust.street))],
        [(110, letter.ad(cust.city))],
        "",
        "BEVESTIGING VAN WISSING (ARTIKEL 17 AVG)",
        "",
        f"Ons kenmerk: {kenmerk}",
        f"Klantnummer: {letter.trap(klantnr, 'customer number passing the 11-test, no BSN context')}",
        "Datum: 12 februari 2024",
        "",
        "Op uw verzoek van 5 februari 2024 hebben wij op 8 februari 2024 gewist:",
        f"- uw e-mailadres {letter.em(cust.email)} en uw telefoonnummer {letter.ph(cust_phone)};",
        f"- uw rekeningnummer {letter.ib(cust_iban)};",
        f"- de kopie van uw paspoort met documentnummer {letter.doc(passport)}.",
        "",
        "Uw facturen van 2022 en 2023 bewaren wij tot het einde van de wettelijke",
        "bewaartermijn; daarna worden ook zij vernietigd.",
        "",
        "Met vriendelijke groet,",
        letter.p(clerk.full),
        "Privacydesk Technova",
    ]
    write_pdf(letter, [page], title="Bevestiging wissing", author=co.name)
    samples.append(letter)
    message(when(2, 12, 11, 20), desk, [
        ("From", desk_addr(s)), ("Sender", who(s, clerk)), ("To", who(s, cust)),
        ("Subject", f"Bevestiging wissing persoonsgegevens ({kenmerk})"),
    ], f"""Geachte {s.p(cust.full)},

Wij hebben uw persoonsgegevens op 8 februari 2024 gewist. In de bijlage vindt u de
bevestiging, die u voor uw eigen administratie kunt bewaren.

Met vriendelijke groet,
{s.p(clerk.full)}
Privacydesk Technova
""", attachments=(("bevestiging_wissing.pdf", "application/pdf", _target(letter).read_bytes()),),
        reply_to=3, s=s)

    # 7. A French access request on behalf of a mother, with a power of attorney (DOCX).
    s = msg_sample()
    proxy = member_sample(f"{s.path}/attachments/procuration.docx", scratch)
    mtown = mother.city.split(" ", 1)[1]
    write_docx(
        proxy,
        header=["Procuration - demande d'accès aux données personnelles"],
        footer=["Document signé en deux exemplaires"],
        body=[
            "PROCURATION",
            "",
            f"Je soussignée, {proxy.p(mother.full)}, née le {proxy.dob(fmt_date(mother.birth, 'fr'))}, "
            f"domiciliée {proxy.ad(mother.oneline)}, numéro de registre national "
            f"{proxy.rrn(mother_rrn)},",
            f"donne procuration à ma fille, {proxy.p(requester.full)}, née le "
            f"{proxy.dob(fmt_date(requester.birth, 'fr'))}, domiciliée {proxy.ad(requester.oneline)},",
            f"pour demander en mon nom à {co.name} l'accès à mes données personnelles "
            "(article 15 du RGPD) et pour en recevoir la copie.",
            "",
            f"Fait à {mtown}, le 28 février 2024.",
            "",
            proxy.p(mother.full),
        ],
        comment_on=2,
        comment="Signature à comparer avec la copie de la carte d'identité.",
        comment_author="Privacydesk",
        title="Procuration",
        compact=True,
    )
    samples.append(proxy)
    message(when(3, 1, 14, 5), requester.email, [
        ("From", who(s, requester)), ("To", desk_addr(s)),
        ("Subject", "Demande d'accès aux données de ma mère"),
    ], f"""Madame, Monsieur,

Je vous écris au nom de ma mère, {s.p(mother.full)}, cliente chez vous depuis 2016, qui
ne peut plus gérer ses affaires elle-même. Vous trouverez en pièce jointe la procuration
qu'elle a signée.

Nous souhaitons recevoir une copie de toutes les données personnelles que vous traitez
à son sujet (article 15 du RGPD), y compris les enregistrements des appels.

Mes coordonnées :
Nom : {s.p(requester.full)}
Numéro de registre national : {s.rrn(req_rrn)}
Téléphone : {s.ph(req_phone)}

Cordialement,
{s.p(requester.full)}
""", attachments=(("procuration.docx",
                   "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                   _target(proxy).read_bytes()),), s=s)

    # 8. The desk's French answer.
    s = msg_sample()
    message(when(3, 4, 9, 30), clerk_fr.email, [
        ("From", who(s, clerk_fr)), ("Reply-To", desk_addr(s)), ("To", who(s, requester)),
        ("Subject", "RE: Demande d'accès aux données de ma mère"),
    ], f"""Madame,

Nous avons bien reçu votre demande du 1er mars et la procuration signée par
Mme {s.p(mother.full)}. Nous enverrons la copie des données par courrier recommandé à
son adresse, au plus tard le 1er avril 2024.

Cordialement,
{s.p(clerk_fr.full)}
Privacydesk Technova
Tél. {s.ph(co.phone)}
""", reply_to=7, s=s)

    data = mbox_bytes(messages)
    assert data.count(b"\n>From ") == 1
    return data, samples


def mail_archive(path: str, scratch: Path, eml: tuple[str, bytes, list[Sample]]) -> list[Sample]:
    """A zip from the privacy desk's archive: a copy of a mail (with its attachments), a
    customer export, and an older export zipped inside it."""
    co = Company("Zonnewende NV")
    kl = member_sample(f"{path}!/2023/klanten.csv", scratch)
    rows = [["Klantnummer", "Naam", "Rijksregisternummer", "Geboortedatum", "E-mail",
             "Telefoon", "Adres", "IBAN"]]
    for i in range(4):
        who = kl.person("nl_BE" if i % 2 == 0 else "fr_BE")
        rows.append([f"ZW-{4411 + i * 37:05d}", kl.p(who.full),
                     kl.rrn(synth.be_national_number(kl.rng, who.birth, "dotted")),
                     kl.dob(fmt_date(who.birth, "dmy/")), kl.em(who.email),
                     kl.ph(synth.phone_be(kl.rng, "spaced", "mobile")), kl.ad(who.oneline),
                     kl.ib(synth.iban(kl.rng, "BE"))])
    write_delimited(kl, rows, ";")

    old = member_sample(f"{path}!/oud/export.zip!/klanten_2019.csv", scratch)
    rows = [["klantnummer", "naam", "bsn", "e-mail", "adres"]]
    for i in range(3):
        who = old.person("nl_NL")
        rows.append([f"NL-{4100 + i * 13}", old.p(who.full), old.bsn(synth.nl_bsn(old.rng)),
                     old.em(who.email), old.ad(who.oneline)])
    write_delimited(old, rows, ",")
    inner = zip_bytes([("klanten_2019.csv", _target(old).read_bytes())])

    eml_path, eml_raw, eml_samples = eml
    copy_path = f"{path}!/mails/{eml_path.rsplit('/', 1)[-1]}"
    readme = (f"Archief privacydesk {co.name}, export van 18 maart 2024.\n"
              "Vertrouwelijk: bewaren tot alle lopende verzoeken zijn afgehandeld.\n")
    data = zip_bytes([
        ("LEESMIJ.txt", readme.encode("utf-8")),
        (copy_path.rsplit("!/", 1)[1], eml_raw),
        ("2023/klanten.csv", _target(kl).read_bytes()),
        ("oud/export.zip", inner),
    ])
    target = OUT / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return [kl, old] + relocated(eml_samples, eml_path, copy_path)


def mail_maildir(folder: str, scratch: Path) -> list[Sample]:
    """The privacy desk's Maildir at Noorderlicht Logistiek: cur/ holds two read messages (a
    former driver's Dutch access request and HR's answer to the desk, with an export of his
    personnel file as CSV), new/ one unread French access request with a DOCX form. tmp/ is
    left empty (git keeps no empty folder; piiscan needs only cur/ and new/). A message's
    findings are listed under its file, "mail/Maildir/cur/1710230400.M1P100.mailhost:2,S",
    its attachments under "<file>!/attachments/<filename>"."""
    pool = Sample(folder)  # draws the people shared by the messages; renders nothing itself
    co = Company("Noorderlicht Logistiek B.V.")
    desk = f"privacy@{co.domain}"
    driver = pool.person("nl_NL", sex="M")
    driver_bsn = synth.nl_bsn(pool.rng, "dotted")
    driver_phone = synth.phone_nl(pool.rng, "spaced", "mobile")
    driver_iban = synth.iban(pool.rng, "NL", spaced=True)
    hr = pool.person("nl_NL", sex="F")
    hr.email = f"{synth._email_part(hr.first)}.{synth._email_part(hr.last)}@{co.domain}"
    client = pool.person("fr_BE", sex="F")
    while client.full.isascii():  # an accent in the name, as in the other French mails
        client = pool.person("fr_BE", sex="F")
    client_rrn = synth.be_national_number(pool.rng, client.birth, "dotted")
    client_phone = synth.phone_be(pool.rng, "intl", "mobile")
    client_card = synth.be_eid_card_number(pool.rng, "dashed")
    files: list[tuple[str, bytes]] = []
    samples: list[Sample] = []
    ids: list[str] = []

    def who(s: Sample, person: Person) -> str:
        return f"{s.p(person.full)} <{s.em(person.email)}>"

    def desk_addr(s: Sample) -> str:
        return f"Privacyloket Noorderlicht <{s.em(desk)}>"

    def message(s: Sample, at: dt.datetime, sender: str, headers: list[tuple[str, str]],
                text: str, attachments=(), reply_to: int | None = None) -> None:
        mid = message_id(s, at, sender.split("@")[1])
        extra = [("Date", email.utils.format_datetime(at)), ("Message-ID", mid)]
        if reply_to is not None:
            extra += [("In-Reply-To", ids[reply_to - 1]), ("References", ids[reply_to - 1])]
        raw = build_mail(s, headers[:-1] + extra + headers[-1:], text, attachments=attachments)
        ids.append(mid)
        files.append((s.path, raw))
        samples.append(s)

    # cur/ 1. The request (read): 12 March 2024, 09:00 CET = 1710230400.
    s = Sample(f"{folder}/cur/1710230400.M1P100.mailhost:2,S")
    at = when(3, 12, 9, 0)
    assert int(at.timestamp()) == 1710230400
    message(s, at, driver.email, [
        ("From", who(s, driver)), ("To", desk_addr(s)),
        ("Subject", "Inzageverzoek personeelsdossier (art. 15 AVG)"),
    ], f"""Geachte heer, mevrouw,

Tot 31 december 2023 heb ik als chauffeur bij {co.name} gewerkt. Op grond van
artikel 15 van de AVG vraag ik u om inzage in mijn personeelsdossier: alle
persoonsgegevens die u nog over mij bewaart, met de bewaartermijn en de ontvangers.

Om mij te identificeren:
Naam: {s.p(driver.full)}
Adres: {s.ad(driver.oneline)}
Geboortedatum: {s.dob(fmt_date(driver.birth, 'dmy-'))}
BSN: {s.bsn(driver_bsn)}
Telefoon: {s.ph(driver_phone)}

Mijn laatste loonstrook is gestort op {s.ib(driver_iban)}; ook die rekening mag u
na afloop van de wettelijke termijn uit uw administratie verwijderen.

Met vriendelijke groet,
{s.p(driver.full)}
""")

    # cur/ 2. HR answers the desk with what the personnel system holds (read, replied).
    s = Sample(f"{folder}/cur/1710232200.M2P100.mailhost:2,RS")
    at = when(3, 12, 9, 30)
    assert int(at.timestamp()) == 1710232200
    export = member_sample(f"{s.path}!/attachments/personeelsdossier_export.csv", scratch)
    rows = [["Systeem", "Naam", "BSN", "Geboortedatum", "E-mail", "Telefoon", "Adres", "IBAN"],
            ["Personeelsadministratie", export.p(driver.full), export.bsn(driver_bsn),
             export.dob(fmt_date(driver.birth, "dmy-")), export.em(driver.email),
             export.ph(driver_phone), export.ad(driver.oneline), export.ib(driver_iban)],
            ["Salarisadministratie", export.p(driver.full), export.bsn(driver_bsn), "", "", "",
             export.ad(driver.oneline), export.ib(driver_iban)],
            ["Planning", export.p(driver.full), "", "", "", export.ph(driver_phone), "", ""]]
    write_delimited(export, rows, ";")
    samples.append(export)
    message(s, at, hr.email, [
        ("From", who(s, hr)), ("To", desk_addr(s)),
        ("Subject", "Re: Inzageverzoek personeelsdossier (art. 15 AVG)"),
    ], f"""Hoi,

In de bijlage staat de export van wat wij in de drie systemen nog over
{s.p(driver.full)} bewaren. De loongegevens houden we zeven jaar (fiscale
bewaarplicht); de planning wordt eind maart opgeschoond.

Kun jij het antwoord aan hem opstellen? Zijn verzoek kwam vanochtend binnen.

Groet,
{s.p(hr.full)}
HR Noorderlicht Logistiek
Tel. {s.ph(co.phone)}
""", attachments=(("personeelsdossier_export.csv", "text/csv",
                   _target(export).read_bytes()),), reply_to=1)

    # new/ 3. A French access request (unread): 12 March 2024, 10:00 CET = 1710234000.
    s = Sample(f"{folder}/new/1710234000.M3P100.mailhost")
    at = when(3, 12, 10, 0)
    assert int(at.timestamp()) == 1710234000
    form = member_sample(f"{s.path}!/attachments/demande_acces.docx", scratch)
    town = client.city.split(" ", 1)[1]
    write_docx(
        form,
        header=[f"Demande d'accès - {co.name}"],
        footer=["Formulaire complété par la personne concernée"],
        body=[
            "DEMANDE D'ACCÈS AUX DONNÉES PERSONNELLES (ARTICLE 15 RGPD)",
            "",
            ("table", [
                ["Nom", "Date de naissance", "Numéro de registre national"],
                [form.p(client.full), form.dob(fmt_date(client.birth, "dmy/")),
                 form.rrn(client_rrn)],
            ]),
            "",
            f"Numéro de carte d'identité : {form.doc(client_card)}",
            f"Adresse : {form.ad(client.oneline)}",
            f"Courriel : {form.em(client.email)}",
            "",
            "Données demandées : les images des caméras du dépôt et l'historique des "
            "livraisons à mon adresse depuis janvier 2023.",
            "",
            f"Fait à {town}, le 11 mars 2024.",
            form.p(client.full),
        ],
        comment_on=8,
        comment="Vérifier l'identité avant tout envoi.",
        comment_author="Privacyloket",
        title="Demande d'accès",
        compact=True,
    )
    samples.append(form)
    message(s, at, client.email, [
        ("From", who(s, client)), ("To", desk_addr(s)),
        ("Subject", "Demande d'accès à mes données (RGPD)"),
    ], f"""Madame, Monsieur,

Vos chauffeurs livrent régulièrement des colis à mon domicile. Conformément à l'article
15 du RGPD, je souhaite recevoir une copie des données personnelles que vous traitez à
mon sujet, y compris les images des caméras du dépôt.

Nom : {s.p(client.full)}
Numéro de registre national : {s.rrn(client_rrn)}
Téléphone : {s.ph(client_phone)}

Vous trouverez en pièce jointe le formulaire de demande complété.

Cordialement,
{s.p(client.full)}
""", attachments=(("demande_acces.docx",
                   "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                   _target(form).read_bytes()),))

    for sub in ("cur", "new", "tmp"):
        (OUT / folder / sub).mkdir(parents=True, exist_ok=True)
    for path, raw in files:
        (OUT / path).write_bytes(raw)
    assert sorted(p.name for p in (OUT / folder / "tmp").iterdir()) == []
    return samples


def mail_outlook_msg(path: str, scratch: Path) -> tuple[bytes, list[Sample]]:
    """mail/klacht.msg: an Outlook message, written as an OLE compound file with the
    test-only writer in tests/fixtures/cfb.py (no permissive library writes .msg files)."""
    sys.path.insert(0, str(ROOT))
    from tests.fixtures.cfb import write_compound_file

    s = Sample(path)
    who = s.person("nl_BE")
    at = when(3, 14, 16, 5)
    headers = (f"Date: {at:%a, %d %b %Y %H:%M:%S %z}\r\nMessage-ID: {message_id(s, at, 'voorbeeld.be')}\r\n"
               "Subject: Klacht en inzageverzoek\r\n")
    sender_name = s.render(s.p(who.full))
    sender_address = s.render(s.em(who.email))
    recipient_address = s.render(s.em("privacy@technova.be"))
    body = s.render(
        "Geachte,\r\n\r\nIk dien klacht in over een verkeerde aanrekening en vraag tegelijk inzage in "
        "mijn gegevens.\r\n"
        f"Rijksregisternummer: {s.rrn(synth.be_national_number(s.rng, who.birth))}\r\n"
        f"Rekening: {s.ib(synth.iban(s.rng, 'BE'))}\r\n"
        f"Telefoon: {s.ph(synth.phone_be(s.rng, 'spaced'))}\r\n\r\n"
        f"Met vriendelijke groet,\r\n{s.p(who.full)}\r\n"
    )
    a = member_sample(f"{path}!/attachments/aanrekeningen.csv", scratch)
    write_delimited(a, [["klantnummer", "iban"], ["40211", a.ib(synth.iban(a.rng, "BE", spaced=False))]], ";")

    def utf16(text: str) -> bytes:
        return text.encode("utf-16-le")

    data = write_compound_file({
        ("__substg1.0_0037001F",): utf16("Klacht en inzageverzoek"),
        ("__substg1.0_0C1A001F",): utf16(sender_name),
        ("__substg1.0_0C1F001F",): utf16(sender_address),
        ("__substg1.0_0E04001F",): utf16("Privacydesk"),
        ("__substg1.0_007D001F",): utf16(headers),
        ("__substg1.0_1000001F",): utf16(body),
        ("__recip_version1.0_#00000000", "__substg1.0_3001001F"): utf16("Privacydesk Technova"),
        ("__recip_version1.0_#00000000", "__substg1.0_39FE001F"): utf16(recipient_address),
        ("__attach_version1.0_#00000000", "__substg1.0_3707001F"): utf16("aanrekeningen.csv"),
        ("__attach_version1.0_#00000000", "__substg1.0_37010102"): _target(a).read_bytes(),
    })
    return data, [s, a]


def mail_outlook_pst(path: str, scratch: Path) -> tuple[bytes, list[Sample]]:
    """mail/archief-2023.pst: the Outlook store of Technova's privacy desk, written with the
    test-only writer in tests/fixtures/pst.py (no permissive library writes PST files).
    "Postvak IN": a Dutch access request with a CSV of the customer's invoices and a French
    one with the request form (.docx), both with the transport headers of received mail;
    "Verzonden items": the desk's answer to the Dutch request, without transport headers (a
    sent item has only sender and recipient properties); "Contactpersonen": the Dutch
    customer as a contact (name, e-mail address, phones, company)."""
    from tests.fixtures.pst import Attachment, Contact, Message, Recipient, build_pst

    top = f"{path}!/Top of Personal Folders"
    co = Company("Technova BV")
    desk_name, desk = "Privacy Technova", f"privacy@{co.domain}"

    s = Sample(f"{top}/Postvak IN/00001")
    nl = s.person("nl_BE")
    rrn = synth.be_national_number(s.rng, nl.birth, "dotted")
    mobile = synth.phone_be(s.rng, "spaced", "mobile")
    account = synth.iban(s.rng, "BE", spaced=False)
    invoices = member_sample(f"{s.path}/attachments/facturen_2023.csv", scratch)
    rows = [["Datum", "Omschrijving", "Bedrag", "Betaald van rekening"]]
    for month, amount in ((2, 89.0), (6, 89.0), (10, 94.5)):
        rows.append([invoices.trap(f"12-{month:02d}-2023", "invoice date, no birth context"),
                     f"Abonnement {NL_MONTHS[month - 1]}", invoices.trap(euro(amount), "amount"),
                     invoices.ib(account)])
    write_delimited(invoices, rows, ";")
    at = when(3, 5, 19, 42)
    text = f"""Geachte,

Als klant van Technova vraag ik u op grond van artikel 15 van de AVG om inzage in de
persoonsgegevens die u over mij verwerkt, en om een kopie ervan.

Naam: {s.p(nl.full)}
Adres: {s.ad(nl.oneline)}
Rijksregisternummer: {s.rrn(rrn)}
GSM: {s.ph(mobile)}

In de bijlage vindt u mijn facturen van 2023, met de rekening waarvan ik betaal.

Met vriendelijke groet,
{s.p(nl.full)}
"""
    request_nl = Message(
        subject="Inzageverzoek persoonsgegevens (art. 15 AVG)",
        sender_name=s.render(s.p(nl.full)), sender_address=s.render(s.em(nl.email)),
        recipients=[Recipient(desk_name, s.render(s.em(desk)))],
        body=s.render(text).replace("\n", "\r\n"), date=at, message_id=message_id(s, at, nl.email.split("@")[1]),
        attachments=[Attachment("facturen_2023.csv", _target(invoices).read_bytes(), "text/csv")],
    )
    s.check()
    samples = [s, invoices]

    s = Sample(f"{top}/Postvak IN/00002")
    fr = s.person("fr_BE", sex="F")
    while fr.full.isascii():  # an accent in the name: the From header is an encoded word
        fr = s.person("fr_BE", sex="F")
    fr_rrn = synth.be_national_number(s.rng, fr.birth, "dotted")
    form = member_sample(f"{s.path}/attachments/formulaire_acces.docx", scratch)
    write_docx(
        form,
        header=["Technova - Formulaire de demande d'accès"],
        footer=[f"Technova - {form.ad(co.oneline)}"],
        body=[
            "DEMANDE D'ACCÈS AUX DONNÉES PERSONNELLES (ARTICLE 15 RGPD)",
            ("table", [["Nom", "Date de naissance", "Numéro de registre national"],
                       [form.p(fr.full), form.dob(fmt_date(fr.birth, "dmy/")), form.rrn(fr_rrn)]]),
            f"Adresse : {form.ad(fr.oneline)}",
            f"Courriel : {form.em(fr.email)}",
            f"Fait à {fr.city.split(' ', 1)[1]}, le 6 mars 2024.",
        ],
        comment_on=2, comment="Pièce d'identité vérifiée.", comment_author="Service clientèle",
        title="Demande d'accès", compact=True,
    )
    at = when(3, 6, 11, 3)
    text = f"""Madame, Monsieur,

Je souhaite exercer mon droit d'accès (article 15 du RGPD) et recevoir une copie de toutes
les données personnelles que Technova détient à mon sujet.

Nom : {s.p(fr.full)}
Date de naissance : {s.dob(fmt_date(fr.birth, 'dmy/'))}
Numéro de registre national : {s.rrn(fr_rrn)}
Adresse : {s.ad(fr.oneline)}

Vous trouverez en annexe le formulaire complété.

Cordialement,
{s.p(fr.full)}
"""
    request_fr = Message(
        subject="Demande d'accès à mes données (RGPD)",
        sender_name=s.render(s.p(fr.full)), sender_address=s.render(s.em(fr.email)),
        recipients=[Recipient(desk_name, s.render(s.em(desk)))],
        body=s.render(text).replace("\n", "\r\n"), date=at, message_id=message_id(s, at, fr.email.split("@")[1]),
        attachments=[Attachment("formulaire_acces.docx", _target(form).read_bytes(),
                                "application/vnd.openxmlformats-officedocument.wordprocessingml.document")],
    )
    s.check()
    samples += [s, form]

    # A sent item: no transport headers; the scanner reads From, To and Cc from its properties.
    s = Sample(f"{top}/Verzonden items/00001")
    s.used_names.add(nl.full)
    colleague = s.person("nl_BE", domain=co.domain)
    at = when(3, 12, 14, 20)
    text = f"""Geachte {s.p(nl.full)},

Wij hebben uw inzageverzoek van 5 maart goed ontvangen. Wij verwerken over u de volgende
gegevens: uw naam, uw adres ({s.ad(nl.oneline)}), uw rijksregisternummer en de rekening
{s.ib(account)} waarvan u uw facturen betaalt.

Met vriendelijke groet,
{s.p(colleague.full)}
Privacyteam Technova
"""
    answer = Message(
        subject="Re: Inzageverzoek persoonsgegevens (art. 15 AVG)",
        sender_name=desk_name, sender_address=s.render(s.em(desk)),
        recipients=[Recipient(s.render(s.p(nl.full)), s.render(s.em(nl.email))),
                    Recipient(s.render(s.p(colleague.full)), s.render(s.em(colleague.email)), kind=2)],
        body=s.render(text).replace("\n", "\r\n"), date=at, message_id=message_id(s, at, co.domain),
        headers="",
    )
    s.check()
    samples.append(s)

    # A contact: each distinct text value is scanned once (name, e-mail display name and
    # address, phones, company; given name and surname alone are no finding).
    s = Sample(f"{top}/Contactpersonen/00001")
    landline = synth.phone_be(s.rng, "spaced", "landline")
    contact = Contact(s.render(s.p(nl.full)), email=s.render(s.em(nl.email)), phone=s.render(s.ph(landline)),
                      mobile=s.render(s.ph(mobile)), company="Zonnewende NV")
    s.render(f"{s.p(nl.full)} ({s.em(nl.email)})")  # PidLidEmail1DisplayName
    s.render(f"{nl.first}\n{nl.last}\nZonnewende NV")
    s.check()
    samples.append(s)

    data = build_pst({"Postvak IN": [request_nl, request_fr], "Verzonden items": [answer],
                      "Contactpersonen": [contact]}, name="Archief 2023")
    _pst_read_back(data, {part.path: part for part in samples}, top)
    return data, samples


def _pst_read_back(data: bytes, parts: dict[str, Sample], top: str) -> None:
    """Read the store back with libpff as a scanner sees each item: a received mail's From,
    To and Cc headers, a sent item's sender and recipient properties, then subject and
    body, the attachments byte for byte; a contact's distinct text values."""
    import pypff

    store = pypff.file()
    store.open_file_object(io.BytesIO(data))
    try:
        ipm = next(f for f in store.get_root_folder().sub_folders if f.name == "Top of Personal Folders")
        seen = set()
        for folder in ipm.sub_folders:
            for index, item in enumerate(folder.sub_messages):
                s = parts[f"{top}/{folder.name}/{index + 1:05d}"]
                seen.add(s.path)
                props = {e.entry_type: e.data_as_string for e in item.get_record_set(0).entries
                         if e.value_type == 0x1F}
                if props.get(0x001A) == "IPM.Contact":
                    texts = list(dict.fromkeys(v for v in props.values() if v))
                else:
                    headers = email.message_from_string(item.transport_headers or "", policy=email.policy.default)
                    if headers["From"]:
                        texts = [str(headers[name]) for name in ("From", "To", "Cc") if headers[name]]
                    else:
                        table = item.recipients
                        rows = [{e.entry_type: e.data_as_string for e in table.get_record_set(i).entries
                                 if e.value_type == 0x1F} for i in range(table.number_of_record_sets)]
                        texts = [f"{props[0x0C1A]} <{props[0x0C1F]}>"] + [f"{r[0x3001]} <{r[0x39FE]}>" for r in rows]
                    texts += [item.subject, item.plain_text_body.decode("utf-8")]
                    for k in range(item.number_of_attachments):
                        attachment = item.get_attachment(k)
                        member = parts[f"{s.path}/attachments/{attachment.long_filename}"]
                        assert attachment.read_buffer(attachment.size) == _target(member).read_bytes()
                        seen.add(member.path)
                s.verify_extracted("\n".join(texts))
        assert seen == set(parts), set(parts) - seen
    finally:
        store.close()


def write_mail(scratch: Path) -> list[Sample]:
    """mail/: two .eml files, an mbox, an Outlook .msg and .pst, a zip archive and a Maildir.
    Returns the Samples of all parts."""
    samples = []
    for path, build in (("mail/inzageverzoek.eml", mail_inzageverzoek),
                        ("mail/demande_acces.eml", mail_demande_acces),
                        ("mail/privacy_inbox.mbox", mail_privacy_inbox),
                        ("mail/klacht.msg", mail_outlook_msg),
                        ("mail/archief-2023.pst", mail_outlook_pst)):
        data, parts = build(path, scratch)
        target = OUT / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        samples += parts
        if path == "mail/inzageverzoek.eml":
            copied = (path, data, parts)
    samples += mail_archive("mail/archief.zip", scratch, copied)
    samples += mail_maildir("mail/Maildir", scratch)
    return samples


def write_bad_containers(scratch: Path) -> tuple[list[Sample], list[dict]]:
    """bad/kapot.eml: binary junk, not a message (corrupt). bad/bom.zip: a member of 64 MiB
    of zeros packed into a few hundred bytes (too large, refused before it is read) next to
    an ordinary CSV that must still be scanned."""
    bad = OUT / "bad"
    bad.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"{SEED}:bad/kapot.eml")
    junk = b"\x00\x8fMZ" + bytes(rng.randrange(256) for _ in range(508))
    assert not _RFC5322_START.match(junk)
    (bad / "kapot.eml").write_bytes(junk)

    s = member_sample("bad/bom.zip!/klanten.csv", scratch)
    write_delimited(s, [["klantnummer", "bsn"], ["40187", s.bsn(synth.nl_bsn(s.rng))]], ";")
    bomb = "dump.sql"
    data = zip_bytes([(bomb, b"\0" * (64 * 1024 * 1024), zipfile.ZIP_BZIP2),
                      ("klanten.csv", _target(s).read_bytes())])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(bomb)
        assert info.file_size == 64 * 1024 * 1024 and info.compress_size < 4096
    (bad / "bom.zip").write_bytes(data)
    return [s], [{"path": "bad/kapot.eml", "kind": "corrupt"},
                 {"path": f"bad/bom.zip!/{bomb}", "kind": "too_large"}]


# --------------------------------------------------------------------------------------------
# Files that must fail (or be skipped) cleanly
# --------------------------------------------------------------------------------------------

def write_bad_files() -> list[dict]:
    from reportlab.pdfgen import canvas

    bad = OUT / "bad"
    bad.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"{SEED}:bad")
    (bad / "corrupt.pdf").write_bytes(
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        + bytes(rng.randrange(256) for _ in range(700)))
    c = canvas.Canvas(str(bad / "encrypted.pdf"), invariant=1, encrypt="geheim2024")
    c.drawString(72, 760, "Vertrouwelijk: loonfiche 2023 (beveiligd met wachtwoord)")
    c.showPage()
    c.save()
    (bad / "not_a_zip.docx").write_bytes(
        "Dit is geen Word-document, alleen tekst met de extensie .docx.\n".encode("utf-8"))
    (bad / "unknown.bin").write_bytes(b"\x00\x01PIISCAN-TEST\x00" + bytes(
        rng.randrange(256) for _ in range(240)))

    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c
    for name, code in (("corrupt.pdf", None), ("encrypted.pdf", pdfium_c.FPDF_ERR_PASSWORD)):
        try:
            pdfium.PdfDocument(str(bad / name))
        except pdfium.PdfiumError as exc:
            assert code is None or exc.err_code == code, (name, exc.err_code)
            assert code is not None or exc.err_code != pdfium_c.FPDF_ERR_PASSWORD
        else:
            raise AssertionError(f"{name} opened without error")
    try:
        import docx
        docx.Document(str(bad / "not_a_zip.docx"))
    except Exception:  # noqa: BLE001 - any failure is what we want
        pass
    else:
        raise AssertionError("not_a_zip.docx opened")
    return [{"path": "bad/corrupt.pdf", "kind": "corrupt"},
            {"path": "bad/encrypted.pdf", "kind": "encrypted"},
            {"path": "bad/not_a_zip.docx", "kind": "corrupt"}]


README = """# sample_data

Everything in this folder is **synthetic**. The people, companies, addresses and numbers were
made up by `bench/make_sample_data.py` with `piiscan.synth`: identifiers have valid check
digits (so a scanner treats them as real), but they were drawn at random and do not belong to
anybody on purpose. E-mail domains are fictional, IP addresses come from the documentation
ranges (RFC 5737 / RFC 3849), and companies such as Zonnewende NV, Atelier Lumière SRL,
Technova BV, Polderdata B.V. and Noorderlicht Logistiek B.V. do not exist.

Regenerate (deterministic, fixed seed) from the repository root:

    /tmp/venv/bin/python bench/make_sample_data.py

The script deletes and rewrites the folders and files listed here, including this README;
anything else in sample_data/ is left alone.

## Layout

| Folder | Contents |
|---|---|
| `nl/` | Dutch: GDPR access request (inzageverzoek), Belgian invoice (.txt), meeting notes (.md), municipal letter (.docx with header, footer, table and a comment) |
| `fr/` | French: access request (demande d'accès), termination letter **encoded in cp1252**, invoice (.pdf, 2 pages), employment certificate (.docx) |
| `en/` | English: subject access request, description of ID copies with a Belgian eID MRZ (TD1) and a Dutch passport MRZ (TD3), contact page (.html), payment note with card numbers |
| `hr/` | Staff exports: Belgian `;`-separated CSV, Dutch payroll workbook (.xlsx, two sheets), English TSV |
| `finance/` | Dutch invoice (.pdf, 2 pages), customer export (.csv) |
| `crm/` | JSON API dump, XML customer record |
| `logs/` | Web server access log, application log |
| `mail/` | GDPR request threads as mail. `inzageverzoek.eml`: Dutch access request, text + HTML alternative, a CSV and a PDF attachment. `demande_acces.eml`: French access request from an older client, ISO-8859-1 quoted-printable body, sender and subject as RFC 2047 encoded words, a DOCX attachment. `privacy_inbox.mbox` (mboxrd): eight messages of a privacy desk, an erasure request (verzoek tot wissing) and a French access request by proxy, with CSV, PDF and DOCX attachments, a PNG ID scan (OCR'd; its text is blacked out, so it gives no findings) and a body line starting with `From ` (stored as `>From `). `archief.zip`: a copy of `inzageverzoek.eml`, `2023/klanten.csv` and `oud/export.zip`, a zip inside the zip. `Maildir/`: a privacy desk's Maildir, two read messages in `cur/` (a Dutch access request to a personnel file, and HR's answer with a CSV export) and an unread French access request in `new/` with a DOCX form; `tmp/` is empty (and not kept by git). `klacht.msg`: an Outlook message (a complaint and access request, a CSV attachment), written as an OLE compound file by `tests/fixtures/cfb.py`. `archief-2023.pst`: a privacy desk's Outlook store written by `tests/fixtures/pst.py`: in `Postvak IN` a Dutch access request with a CSV attachment and a French one with a DOCX form, in `Verzonden items` the desk's answer without transport headers (sender and recipients are only item properties), in `Contactpersonen` one contact |
| `bad/` | Files that must fail cleanly: truncated PDF, password-protected PDF, a `.docx` that is not a zip, `kapot.eml` (binary junk, not a message), `bom.zip` (a 64 MiB member of zeros packed into a few bytes, refused before it is read, next to a CSV that is still scanned); and `unknown.bin`, which is skipped (not an error) |

## Ground truth

- `expected_findings.jsonl`: one line per occurrence of personal data,
  `{"path", "entity_type", "value"}`. `value` is the exact text as a reader (or the
  extractor) sees it; the same value twice in a file gives two lines. Conventions, briefly:
  names without titles; addresses as one finding when street and town are on one line
  (`Kerkstraat 12, 1234 AB Amsterdam`) and two when on two lines; an MRZ is one finding whose
  value is its lines joined with `\\n`, and nothing inside it is a separate finding; VAT numbers
  include the country prefix, enterprise numbers do not; dates count only as DATE_OF_BIRTH
  after a birth label or under a birth-date column.
- Paths inside containers: one `!/` per level. A message's headers and bodies are listed under
  the message (`mail/inzageverzoek.eml`; in an mbox `mail/privacy_inbox.mbox!/00003`, numbered
  from 1), an attachment under `<message>!/attachments/<filename>` (in an mbox
  `mail/privacy_inbox.mbox!/00004/attachments/te_wissen_gegevens.csv`), a zip member under
  `mail/archief.zip!/2023/klanten.csv`, nested ones as
  `mail/archief.zip!/mails/inzageverzoek.eml!/attachments/betalingen_2023.csv` and
  `mail/archief.zip!/oud/export.zip!/klanten_2019.csv`. A Maildir message is a file of its
  own (`mail/Maildir/cur/1710232200.M2P100.mailhost:2,RS`), its attachments under
  `mail/Maildir/cur/1710232200.M2P100.mailhost:2,RS!/attachments/personeelsdossier_export.csv`.
  An item of an Outlook store is listed under its folders and its number in the folder
  (`mail/archief-2023.pst!/Top of Personal Folders/Postvak IN/00001`, attachments under
  `…/00001/attachments/facturen_2023.csv`). A mail without transport headers (a sent item)
  counts From, To and Cc as the scanner builds them from the item's sender and recipients
  (`Name <address>`, each recipient once); a contact counts each distinct text value once
  (its name, its e-mail address and the e-mail display name `Name (address)`, its phones;
  a given name or surname alone is no finding).
  Header values are what the e-mail
  package shows (`str(message["From"])` under `email.policy.default`): display names decoded,
  e.g. `Sophie Peeters <sophie.peeters@voorbeeld.be>`, of which the name is a PERSON and the
  address an EMAIL_ADDRESS. Scanned headers: From, To, Cc, Bcc, Reply-To, Sender, Subject
  (not Date or Message-ID). An HTML alternative repeats the text body, so its values are
  listed twice.
- `traps.jsonl`: `{"path", "value", "why"}` for look-alikes that must **not** be reported:
  IBANs and national numbers with wrong check digits, order and customer numbers that pass
  the BSN eleven test, an invoice number of eight digits without KvK context, amounts,
  invoice and payment dates, a Belgian VAT number with a wrong check, a card number that
  fails Luhn, the placeholder phone `0000 00 00 00`, a version string, a structured payment
  reference (OGM), a lone postcode.
- `expected_errors.jsonl`: `{"path", "kind"}` for the files in `bad/` that must be reported
  as errors (`corrupt`, `encrypted`, or `too_large` for the zip bomb's member
  `bad/bom.zip!/dump.sql`). `bad/unknown.bin` is not listed: it is skipped. The PNG
  attachment in the mbox is OCR'd and gives no findings (its text is blacked out).

The generator checks, before writing, that every expected value occurs exactly as often as
it is listed, and after writing, that the file read back (PDF via pypdfium2, .docx via
python-docx, .xlsx via openpyxl, CSV via the csv module, HTML as visible text, the letter as
cp1252, mail via the email package with its attachments compared byte for byte, the mbox split
again on its `From ` lines, zips unpacked) still shows each value that many times.
"""


DOCUMENTS = (
    ("nl/inzageverzoek_avg.txt", nl_inzageverzoek),
    ("nl/factuur_2024_017.txt", nl_factuur_txt),
    ("nl/notulen_teamoverleg.md", nl_notulen),
    ("nl/brief_gemeente.docx", nl_brief_gemeente),
    ("fr/demande_acces_rgpd.txt", fr_demande_acces),
    ("fr/lettre_resiliation.txt", fr_lettre_cp1252),
    ("fr/facture_2024_0342.pdf", fr_facture_pdf),
    ("fr/attestation_emploi.docx", fr_attestation_docx),
    ("en/subject_access_request.txt", en_sar),
    ("en/id_card_copies.txt", en_id_copy),
    ("en/contact.html", en_contact_html),
    ("en/payment_note.txt", en_payment_note),
    ("hr/personeel_export.csv", hr_personeel_csv),
    ("hr/salarisadministratie.xlsx", hr_salaris_xlsx),
    ("hr/employees.tsv", hr_employees_tsv),
    ("finance/factuur_2024_0118.pdf", finance_factuur_pdf),
    ("finance/klanten_export.csv", finance_klanten_csv),
    ("crm/klanten_api_dump.json", crm_json),
    ("crm/klantdossier.xml", crm_xml),
    ("logs/access.log", logs_access),
    ("logs/app.log", logs_app),
)


def _check_traps(samples: list[Sample]) -> None:
    """Traps that claim to be invalid really are."""
    for s in samples:
        for value, why in s.traps.items():
            compact = re.sub(r"[\s./-]", "", value)
            if "IBAN" in why:
                assert not std_iban.is_valid(value), value
            elif "national number" in why:
                assert not be_nn.is_valid(value) and not be_bis.is_valid(value), value
            elif "VAT" in why:
                assert not be_vat.is_valid(value), value
            elif "Luhn" in why:
                assert not luhn.is_valid(compact), value
            elif "11-test" in why:
                assert nl_bsn.is_valid(value), value
            elif "OGM" in why:
                assert ogm_vcs.is_valid(value), value
            elif "phone" in why:
                assert not _phone_valid_anywhere(value), value
            elif "8-digit" in why:
                assert re.fullmatch(r"\d{8}", value) and not nl_bsn.is_valid(value), value
            exempt = ("OGM", "11-test", "date", "postcode")
            if not any(word in why for word in exempt) and compact.isdigit():
                assert not _phone_valid_anywhere(value), (s.path, value)
                assert not be_eid.is_valid(compact), (s.path, value)
            assert not nl_btw.is_valid(compact) or "11-test" in why, value


PIISCANIGNORE = """# Ground truth and documentation, not sample documents (gitignore syntax).
README.md
expected_findings.jsonl
expected_errors.jsonl
traps.jsonl
"""


def main() -> None:
    # Remove only what this script writes, so files others add to sample_data/ survive.
    OUT.mkdir(exist_ok=True)
    for folder in {path.split("/")[0] for path, _ in DOCUMENTS} | {"bad", "mail"}:
        shutil.rmtree(OUT / folder, ignore_errors=True)
    for name in ("expected_findings.jsonl", "traps.jsonl", "expected_errors.jsonl", "README.md", ".piiscanignore"):
        (OUT / name).unlink(missing_ok=True)
    samples = []
    for path, build in DOCUMENTS:
        s = Sample(path)
        build(s)
        size = (OUT / path).stat().st_size
        assert size < MAX_FILE_SIZE, (path, size)
        samples.append(s)
    # Containers: their parts are written to a scratch folder, then packed.
    scratch = Path(tempfile.mkdtemp(prefix="piiscan-sample-data-"))
    try:
        parts = write_mail(scratch)
        errors = write_bad_files()
        bad_parts, bad_errors = write_bad_containers(scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    containers = sorted({re.sub(r"!/.*", "", s.path) for s in parts + bad_parts})
    for path in containers + ["bad/kapot.eml"]:
        size = (OUT / path).stat().st_size
        assert size < (MAX_PST_SIZE if path.endswith(".pst") else MAX_FILE_SIZE), (path, size)
    samples += parts + bad_parts
    errors += bad_errors
    _check_traps(samples)

    with (OUT / "expected_findings.jsonl").open("w", encoding="utf-8") as fh:
        for s in sorted(samples, key=lambda x: x.path):
            for etype, value in s.findings():
                fh.write(json.dumps({"path": s.path, "entity_type": etype, "value": value},
                                    ensure_ascii=False) + "\n")
    with (OUT / "traps.jsonl").open("w", encoding="utf-8") as fh:
        for s in sorted(samples, key=lambda x: x.path):
            for value, why in s.traps.items():
                fh.write(json.dumps({"path": s.path, "value": value, "why": why},
                                    ensure_ascii=False) + "\n")
    with (OUT / "expected_errors.jsonl").open("w", encoding="utf-8") as fh:
        for record in errors:
            fh.write(json.dumps(record) + "\n")
    (OUT / "README.md").write_text(README, encoding="utf-8")
    # The ground truth lists every value in clear: a scan of sample_data/ must not report it.
    (OUT / ".piiscanignore").write_text(PIISCANIGNORE, encoding="utf-8")

    counts: dict[str, int] = {}
    for s in samples:
        for etype, _ in s.findings():
            counts[etype] = counts.get(etype, 0) + 1
    total = sum(counts.values())
    documents = len(DOCUMENTS) + len([c for c in containers if not c.startswith("bad/")])
    bad_files = len({e["path"].split("!/")[0] for e in errors}) + 1
    print(f"wrote {documents} documents ({len(samples)} parts) + {bad_files} bad files to {OUT}")
    for etype in ENTITY_TYPES:
        print(f"  {etype:<22}{counts.get(etype, 0):>5}")
    print(f"  {'total':<22}{total:>5}   traps: {sum(len(s.traps) for s in samples)}")


if __name__ == "__main__":
    main()
