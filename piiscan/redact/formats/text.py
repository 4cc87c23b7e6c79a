"""Text-like files (.txt, .log, .json, .xml, ...): the copy differs from the original
only inside the findings. Encoding, byte-order mark and line endings are kept byte for byte,
because the text is decoded and encoded again with the codec the scan detected, and a file
that would not survive that round trip (bytes of two encodings mixed) is refused rather than
silently altered.

The text is redacted in pieces cut at line ends, each with the end of the previous piece as
context (as the scan reads it), so a multi-gigabyte log never sits in memory as one string.
"""

from __future__ import annotations

import codecs
from typing import Iterator

from piiscan.extract.text import CHUNK_SIZE, OVERLAP_CHARS, SAMPLE_SIZE, _cut, detect_encoding
from piiscan.model import Blob, ExtractionError, Location
from piiscan.redact.formats import LogEntry, RedactedCopy
from piiscan.redact.formats.container import file_wide
from piiscan.redact.text import TextRedaction


@file_wide  # a value found once is replaced wherever else it stands in the file
def redact(blob: Blob, redaction: TextRedaction) -> RedactedCopy:
    with blob.open() as stream:
        data = stream.read()
    text, codec = decode_exactly(data)
    copy = RedactedCopy(b"")
    parts: list[str] = []
    for offset, piece, context_before in _pieces(text):
        redacted, replacements = redaction.apply(piece, before=context_before)
        parts.append(redacted)
        line = text.count("\n", 0, offset) + 1
        for r in replacements:
            where = Location(line=line + piece.count("\n", 0, r.start))
            copy.log.append(LogEntry(r, where))
    try:
        copy.data = "".join(parts).encode(codec)
    except UnicodeEncodeError:
        # A pseudonym with a letter the file's code page lacks: encode what we can; the
        # verification reads the copy back and would catch any damage.
        copy.data = "".join(parts).encode(codec, errors="replace")
    return copy


def decode_exactly(data: bytes, codec: str | None = None) -> tuple[str, str]:
    """(text, codec): the bytes decoded with the codec the scan uses (or `codec`), refused
    unless encoding the text again gives the same bytes, so that a copy never differs from
    its original outside the findings."""
    if codec is None:
        codec, _ = detect_encoding(data[:SAMPLE_SIZE], complete=len(data) <= SAMPLE_SIZE)
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise ExtractionError("corrupt", f"not valid {codec} throughout (mixed encodings): not redacted") from exc
    if text.encode(codec) != data:
        raise ExtractionError("corrupt", f"{codec} does not give the same bytes back: not redacted")
    return text, codec


def _pieces(text: str) -> Iterator[tuple[int, str, str]]:
    """(offset, piece, the text just before it) for pieces of about CHUNK_SIZE characters cut
    after a line end that does not split an MRZ block."""
    start = 0
    while start < len(text):
        end = len(text)
        if end - start > CHUNK_SIZE:
            cut = _cut(text[start:start + CHUNK_SIZE])
            end = start + (cut or CHUNK_SIZE)
        yield start, text[start:end], text[max(0, start - OVERLAP_CHARS):start]
        start = end


def raw_texts(data: bytes) -> Iterator[str]:
    codec, _ = detect_encoding(data[:SAMPLE_SIZE], complete=len(data) <= SAMPLE_SIZE)
    yield data.decode(codec, errors="replace")
    # Every other reading a person's tool might make of the same bytes.
    for other in ("utf-8", "cp1252", "utf-16"):
        if codecs.lookup(other).name != codecs.lookup(codec).name:
            yield data.decode(other, errors="ignore")
