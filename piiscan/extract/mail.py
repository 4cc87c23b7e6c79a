"""E-mail: .eml files, messages inside an mbox, and their attachments.

A message gives text segments for its headers (part "from", "to", "cc", "bcc", "reply-to",
"subject") and bodies (part "body"; HTML turned into text), each located by the message's
Date and Message-ID; every attachment comes back as a Blob that the worker scans like a file
("mail/x.eml!/attachments/id.pdf", "inbox.mbox!/00017/attachments/id.pdf").
"""

from __future__ import annotations

import email
import email.errors
import email.policy
import re
from email.header import decode_header, make_header
from email.message import EmailMessage
from typing import Iterator

from piiscan.extract.html import html_to_text
from piiscan.model import Blob, ExtractionError, Location, Segment, member_path
from piiscan.sources.blob import memory_blob

# RFC 5322: a message opens with "Field-Name:" (printable ASCII without ':').
_HEADER_LINE = re.compile(rb"[!-9;-~]+:")
_ADDRESS_HEADERS = ("from", "to", "cc", "bcc", "reply-to", "sender")
# The compat32 policy parses several times faster than policy.default (which builds header
# objects for every field); headers are decoded here, where they are needed. Malformed MIME
# and odd charsets are read as far as possible instead of failing the whole message.
_POLICY = email.policy.compat32


def extract_eml(blob: Blob) -> Iterator[Segment | Blob]:
    with blob.open() as stream:
        head = stream.read(1024)
        if not _HEADER_LINE.match(head):
            raise ExtractionError("corrupt", "not an e-mail message: no header line at the start")
        stream.seek(0)
        message = email.message_from_binary_file(stream, policy=_POLICY)
    # Attachments of a message inside a container continue its member path; of a file on
    # disk (an .eml, a Maildir message), they open a new level.
    prefix = f"{blob.path}/attachments" if blob.kind == "message" else member_path(blob.path, "attachments")
    yield from message_parts(message, prefix)


def message_parts(message: EmailMessage, attachments_prefix: str) -> Iterator[Segment | Blob]:
    where = {"message_id": _header(message, "message-id") or None, "date": _header(message, "date") or None}
    for name in _ADDRESS_HEADERS:
        value = _header(message, name)
        if value:
            yield Segment(value, Location(part=name, **where))
    subject = _header(message, "subject")
    if subject:
        yield Segment(subject, Location(part="subject", **where))
    seen_names: dict[str, int] = {}
    for part in message.walk():
        if part.is_multipart():
            continue
        filename = part.get_filename()
        content_type = part.get_content_type()
        if filename or part.get_content_disposition() == "attachment" or not content_type.startswith("text/"):
            payload = part.get_payload(decode=True) or b""
            name = _unique(filename or f"part-{len(seen_names) + 1}{_suffix(content_type)}", seen_names)
            yield memory_blob(f"{attachments_prefix}/{safe_filename(name)}", payload)
            continue
        text = _text(part)
        if content_type == "text/html":
            text = html_to_text(text)
        if text.strip():
            yield Segment(text, Location(part="body", **where))


def _header(message: EmailMessage, name: str) -> str:
    """A header's value(s), RFC 2047 encoded words decoded, folding undone."""
    decoded = []
    for value in message.get_all(name) or []:
        try:
            text = str(make_header(decode_header(str(value))))
        except (UnicodeError, LookupError, ValueError, email.errors.HeaderParseError):
            text = str(value)  # a malformed encoded word: keep what is there
        decoded.append(" ".join(text.split()))
    return "\n".join(decoded)


def _text(part) -> str:
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:  # an unknown charset name
        return payload.decode("cp1252", errors="replace")


def _unique(name: str, seen: dict[str, int]) -> str:
    count = seen.get(name, 0)
    seen[name] = count + 1
    if not count:
        return name
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}-{count + 1}.{suffix}" if dot else f"{name}-{count + 1}"


def safe_filename(name: str) -> str:
    """An attachment's name as one path part: no separators, no control characters."""
    return "".join(c if c.isprintable() and c not in "/\\" else "_" for c in name) or "_"


_SUFFIXES = {"text/plain": ".txt", "text/html": ".html", "application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


def _suffix(content_type: str) -> str:
    return _SUFFIXES.get(content_type, ".bin")


def extract_mbox(blob: Blob) -> Iterator[Blob]:
    """One child Blob per message ("inbox.mbox!/00001"), split on the "From " lines; the
    stream is read line by line, so a 50,000-message mbox never sits in memory whole."""
    index = 0
    lines: list[bytes] = []
    with blob.open() as stream:
        if not stream.read(5) == b"From ":
            raise ExtractionError("corrupt", "not an mbox: it does not start with a 'From ' line")
        stream.seek(0)
        for line in stream:
            if line.startswith(b"From ") and (lines or index == 0):
                if lines:
                    index += 1
                    yield _message_blob(blob, index, lines)
                lines = []
                continue
            # mboxrd quoting: ">From " at the start of a body line stands for "From ".
            lines.append(line[1:] if line.startswith(b">From ") else line)
    if any(line.strip() for line in lines):
        index += 1
        yield _message_blob(blob, index, lines)


def _message_blob(blob: Blob, index: int, lines: list[bytes]) -> Blob:
    data = b"".join(lines)
    child = memory_blob(member_path(blob.path, f"{index:05d}"), data)
    return Blob(path=child.path, size=child.size, open=child.open, kind="message")
