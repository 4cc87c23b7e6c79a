"""Word .docx via python-docx: body, tables, headers/footers, comments, footnotes, properties.

Paragraph text is the merge of its runs (python-docx's Paragraph.text), so a number that Word
split over several runs by a spell-check or formatting change is still one string.
"""

from __future__ import annotations

from typing import BinaryIO, Iterator

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from piiscan.extract.tabular import looks_like_header
from piiscan.model import Blob, ExtractionError, Location, Segment

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
_METADATA = (
    ("author", "author"),
    ("last_modified_by", "last modified by"),
    ("title", "title"),
    ("subject", "subject"),
    ("keywords", "keywords"),
    ("comments", "description"),
)


def reject_ole(stream: BinaryIO) -> None:
    """Office Open XML files are zips. A password-protected one is an OLE compound file that
    holds an "EncryptionInfo" stream; any other OLE file is a legacy .doc/.xls under a new name."""
    if stream.read(len(OLE_MAGIC)) != OLE_MAGIC:
        stream.seek(0)
        return
    overlap = b""
    while chunk := stream.read(1024 * 1024):
        if _ENCRYPTION_INFO in overlap + chunk:
            raise ExtractionError("encrypted", "password-protected Office document")
        overlap = chunk[-len(_ENCRYPTION_INFO):]
    raise ExtractionError("corrupt", "OLE compound file, not Office Open XML (legacy binary format?)")


def _table_cells(table: Table, index: int, part: str) -> Iterator[Segment]:
    """One Segment per cell, "R{row}C{col}" 1-based on the table grid; merged cells once."""
    header: dict[int, str] = {}
    for row_no, row in enumerate(table.rows, start=1):
        col = row.grid_cols_before + 1
        cells = []
        for tc in row._tr.tc_lst:
            cells.append((col, _Cell(tc, table).text))
            col += tc.grid_span
        if row_no == 1 and looks_like_header([text for _, text in cells]):
            header = {c: text.strip() for c, text in cells}
        for col, text in cells:
            if text.strip():
                context = header.get(col, "") if row_no > 1 else ""
                yield Segment(text, Location(part=part, line=index, cell=f"R{row_no}C{col}"), context)


def _paragraphs(paragraphs: list[Paragraph], part: str) -> Iterator[Segment]:
    for line, paragraph in enumerate(paragraphs, start=1):
        text = paragraph.text
        if text.strip():
            yield Segment(text, Location(part=part, line=line))


def _headers_footers(document) -> Iterator[Segment]:
    for section in document.sections:
        for part, kinds in (("header", ("header", "first_page_header", "even_page_header")),
                            ("footer", ("footer", "first_page_footer", "even_page_footer"))):
            for kind in kinds:
                story = getattr(section, kind)
                # A linked story has no content of its own; reading it would repeat the
                # previous section's header once per section.
                if story.is_linked_to_previous:
                    continue
                yield from _paragraphs(story.paragraphs, part)
                for index, table in enumerate(story.tables, start=1):
                    yield from _table_cells(table, index, part)


def _related(document, reltype: str):
    try:
        return document.part.part_related_by(reltype)
    except (KeyError, ValueError):
        return None


def _comments(document) -> Iterator[Segment]:
    # `document.comments` would create an empty comments part when there is none.
    if _related(document, RT.COMMENTS) is None:
        return
    for line, comment in enumerate(document.comments, start=1):
        if comment.text.strip():
            yield Segment(comment.text, Location(part="comment", line=line))
        if comment.author and comment.author.strip():
            yield Segment(comment.author, Location(part="comment", line=line), context="comment author")


def _notes(document, reltype: str, tag: str, part: str) -> Iterator[Segment]:
    """Footnotes/endnotes: python-docx has no API for them, so read the part's XML."""
    notes_part = _related(document, reltype)
    if notes_part is None:
        return
    root = parse_xml(notes_part.blob)
    number = 0
    for note in root.iterchildren(qn(tag)):
        if note.get(qn("w:type")) in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        number += 1
        text = "\n".join(Paragraph(p, None).text for p in note.iter(qn("w:p")))
        if text.strip():
            yield Segment(text, Location(part=part, line=number))


def _metadata(document) -> Iterator[Segment]:
    props = document.core_properties
    for attr, label in _METADATA:
        value = getattr(props, attr, None)
        if isinstance(value, str) and value.strip():
            yield Segment(value, Location(part="metadata"), context=label)


def extract_docx(blob: Blob) -> Iterator[Segment]:
    with blob.open() as stream:
        reject_ole(stream)
        document = docx.Document(stream)
    yield from _paragraphs(document.paragraphs, "body")
    for index, table in enumerate(document.tables, start=1):
        yield from _table_cells(table, index, "table")
    yield from _headers_footers(document)
    yield from _comments(document)
    yield from _notes(document, RT.FOOTNOTES, "w:footnote", "footnote")
    yield from _notes(document, RT.ENDNOTES, "w:endnote", "endnote")
    yield from _metadata(document)
