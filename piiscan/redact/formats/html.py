"""HTML files (.html, .htm): redacted in their own source (html_source.py), so the copy
differs from the original only inside the findings. Markup, encoding, byte-order mark and line
endings are kept byte for byte: the file is decoded with the codec the scan uses (its <meta>
charset trusted after a byte-order mark and valid UTF-8, as piiscan.extract.html does) and
refused if it would not give the same bytes back.

Detection sees the text the scan sees: the visible text, in which a name split by tags
("<b>Sophie</b> Peeters") is one value, and the title; and also what the scan does not read
but a reader of the file can: attribute values (a mailto: href, an alt text) and comments.
Character references are decoded for detection, so "&#66;E68..." is found as an IBAN.

A value found in one piece is replaced in every other (container.file_wide): a name the
detector recognises in the body is also replaced in an alt text where nothing marks it as a
name. Markup the parser gives up on is redacted as plain text (text.py), as before.
"""

from __future__ import annotations

import html
from typing import Iterator

from piiscan.extract.html import _META_CHARSET, html_to_text
from piiscan.extract.text import SAMPLE_SIZE, detect_encoding
from piiscan.model import Blob, Location
from piiscan.redact.formats import LogEntry, RedactedCopy, text
from piiscan.redact.formats.container import file_wide
from piiscan.redact.formats.html_source import HtmlSource, Write
from piiscan.redact.text import TextRedaction


@file_wide
def redact(blob: Blob, redaction: TextRedaction) -> RedactedCopy:
    with blob.open() as stream:
        data = stream.read()
    source, codec = text.decode_exactly(data, _codec(data))
    document = HtmlSource(source, codec)
    if not document.parse():
        return text.redact(blob, redaction)
    log: list[LogEntry] = []

    def add(piece: str, part: str, write: Write) -> None:
        found = redaction.replacements(piece) if piece.strip() else []
        if found:
            write(found)
            log.extend(LogEntry(r, Location(part=part)) for r in found)

    document.add_pieces(add)
    if not document.changed:
        return RedactedCopy(data, log)
    # Replacements the codec cannot hold are already character references.
    return RedactedCopy(document.result().encode(codec, errors="xmlcharrefreplace"), log)


def raw_texts(data: bytes) -> Iterator[str]:
    """The source as the scan decodes it, with its character references decoded, its visible
    text (a name split by tags read as one), and every other decoding of the bytes."""
    source = data.decode(_codec(data), errors="replace")
    yield source
    yield html.unescape(source)
    yield html_to_text(source)
    yield from text.raw_texts(data)


def _codec(data: bytes) -> str:
    """The codec the scan decodes the file with (piiscan.extract.html.extract_html)."""
    declared = _META_CHARSET.search(data[:4096])
    hint = declared.group(1).decode("ascii", "replace") if declared else None
    codec, _ = detect_encoding(data[:SAMPLE_SIZE], complete=len(data) <= SAMPLE_SIZE, hint=hint)
    return codec
