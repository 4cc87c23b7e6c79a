"""Plain text: encoding detection shared by every text-like format, and a bounded-memory reader.

Files on Belgian and Dutch shares are UTF-8, UTF-16 from Windows tools, or cp1252 from older
Windows machines; the detection order below reflects that, not a general-purpose guesser.
"""

from __future__ import annotations

import codecs
import re
import io
from typing import BinaryIO, Iterator

from charset_normalizer import from_bytes

from piiscan.model import Blob, ExtractionError, Location, Segment

SAMPLE_SIZE = 64 * 1024
BINARY_PROBE = 8 * 1024
CHUNK_SIZE = 1024 * 1024
# A file without newlines must still be cut somewhere, or one line could fill memory.
MAX_CARRY = 4 * CHUNK_SIZE

# utf-32 before utf-16: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_LATIN_ALPHABETS = {"Basic Latin", "Control character", "General Punctuation"}


def _utf8_or_cp1252(exc: UnicodeError) -> tuple[str, int]:
    """Decode bytes that are not UTF-8 as cp1252: mixed files (a UTF-8 log with one
    cp1252 line appended) keep their accents instead of turning into U+FFFD."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start:exc.end]
    return bad.decode("cp1252", errors="replace"), exc.end


codecs.register_error("piiscan-utf8-cp1252", _utf8_or_cp1252)


def _is_latin(alphabets: list[str]) -> bool:
    return all(a in _LATIN_ALPHABETS or a.startswith("Latin") for a in alphabets)


def detect_encoding(head: bytes, complete: bool = False, hint: str | None = None) -> tuple[str, str]:
    """Return (codec, errors) for a file starting with `head`.

    `complete` says `head` is the whole file (so a multibyte character cut at the end of the
    sample is a real error); `hint` is a declared charset (e.g. HTML <meta>), trusted after
    BOM and valid UTF-8. Raises ExtractionError("binary") for NUL bytes without a UTF-16/32 BOM.
    """
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return codec, "replace"
    if b"\x00" in head[:BINARY_PROBE]:
        raise ExtractionError("binary", "binary content")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=complete)
        # The sample was clean; later bytes that are not UTF-8 fall back to cp1252.
        return "utf-8", "piiscan-utf8-cp1252"
    except UnicodeDecodeError:
        pass
    if hint:
        try:
            return codecs.lookup(hint).name, "replace"
        except LookupError:
            pass
    matches = from_bytes(head)
    best = matches.best()
    # On short samples charset-normalizer ranks many codepages equal and picks an arbitrary one
    # (cp1250 turning "à" into "ŕ", even cp1006). cp1252 is what Belgian/Dutch Windows machines
    # write, so it wins whenever the text is Latin script or cp1252 fits as well as the best.
    if (
        best is None
        or _is_latin(best.alphabets)
        or any(m.encoding == "cp1252" and m.chaos <= best.chaos for m in matches)
    ):
        try:
            head.decode("cp1252")
            return "cp1252", "replace"
        except UnicodeDecodeError:
            pass
    if best is not None:
        return best.encoding, "replace"
    return "cp1252", "replace"


def iter_decoded(stream: BinaryIO, chunk_size: int = CHUNK_SIZE, hint: str | None = None) -> Iterator[str]:
    """Decode a binary stream incrementally; yields text pieces of roughly chunk_size bytes."""
    head = stream.read(SAMPLE_SIZE)
    codec, errors = detect_encoding(head, complete=len(head) < SAMPLE_SIZE, hint=hint)
    decoder = codecs.getincrementaldecoder(codec)(errors=errors)
    data = head
    while data:
        text = decoder.decode(data)
        if text:
            yield text
        data = stream.read(chunk_size)
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail


def open_text(stream: BinaryIO) -> io.TextIOWrapper:
    """Wrap a seekable binary stream as text with the detected encoding, newlines untouched
    (what the csv module wants). Closing the wrapper closes the stream."""
    head = stream.read(SAMPLE_SIZE)
    stream.seek(0)
    codec, errors = detect_encoding(head, complete=len(head) < SAMPLE_SIZE)
    return io.TextIOWrapper(stream, encoding=codec, errors=errors, newline="")


# A machine-readable zone spans two or three lines: never cut between them.
_MRZ_LINE = re.compile(r"[A-Z0-9<]{28,46}\r?")
# Lines repeated at the start of the next piece, so a keyword just before a cut still counts
# as context for a number just after it.
OVERLAP_CHARS = 300


def _cut(carry: str) -> int:
    """Where to cut: after the last newline that does not split an MRZ block (0 = none)."""
    cut = carry.rfind("\n") + 1
    for _ in range(3):
        if cut <= 1:
            break
        line_start = carry.rfind("\n", 0, cut - 1) + 1
        if not _MRZ_LINE.fullmatch(carry, line_start, cut - 1):
            break
        cut = line_start
    return cut


def extract_text(blob: Blob) -> Iterator[Segment]:
    """One Segment per ~1 MiB of text, cut after a newline; line = 1-based start line.

    From the second piece on, a segment opens with the last lines of the previous one
    (`overlap`), so context words are not lost at a cut; findings there are not repeated."""
    line = 1
    carry = ""
    overlap = ""
    with blob.open() as stream:
        for piece in iter_decoded(stream):
            carry += piece
            if len(carry) < CHUNK_SIZE:
                continue
            cut = _cut(carry)
            if cut == 0:
                if len(carry) < MAX_CARRY:
                    continue
                cut = len(carry)
            chunk, carry = carry[:cut], carry[cut:]
            yield _piece(overlap, chunk, line)
            line += chunk.count("\n")
            overlap = _tail(chunk)
    if carry:
        yield _piece(overlap, carry, line)


def _tail(chunk: str) -> str:
    """The last whole lines of a chunk, at most OVERLAP_CHARS long."""
    start = chunk.find("\n", max(0, len(chunk) - OVERLAP_CHARS - 1)) + 1
    return chunk[start:] if 0 < start < len(chunk) else ""


def _piece(overlap: str, chunk: str, line: int) -> Segment:
    return Segment(overlap + chunk, Location(line=line - overlap.count("\n")), overlap=len(overlap))
