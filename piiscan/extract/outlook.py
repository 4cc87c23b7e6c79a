"""Outlook .msg files, read with olefile (BSD): a .msg is an OLE compound file whose streams
hold MAPI properties. extract-msg does this too but is GPL-3.0, so the few properties a
scan needs are read here: sender, recipients, subject, bodies, transport headers (Date,
Message-ID) and attachments, which come back as Blobs like those of an .eml. A message
attached "as item" (a forwarded mail) comes back as a Blob named "….msg" that this extractor
reads again, so its own text and attachments are scanned under "mail.msg!/attachments/x.msg".
"""

from __future__ import annotations

import io
from email.parser import HeaderParser
from functools import partial
from typing import Iterator

import olefile

from piiscan.extract.html import html_to_text
from piiscan.extract.mail import safe_filename
from piiscan.model import Blob, ExtractionError, Location, Segment, member_path
from piiscan.sources.blob import memory_blob

# MAPI property ids (MS-OXPROPS) and the header part they give.
_HEADER_PROPS = (
    ("0C1A", "from"), ("0C1F", "from"), ("5D01", "from"), ("0042", "from"),
    ("0E04", "to"), ("0E03", "cc"), ("0E02", "bcc"),
)
_RECIPIENT_PROPS = ("3001", "39FE", "3003")  # display name, SMTP address, e-mail address
_SUBJECT, _BODY, _HTML, _TRANSPORT = "0037", "1000", "1013", "007D"
_ATTACH_NAME, _ATTACH_SHORT_NAME, _DISPLAY_NAME, _ATTACH_DATA = "3707", "3704", "3001", "3701"
# An attachment's PR_ATTACH_METHOD (PT_LONG) sits in its property stream. ATTACH_EMBEDDED_MSG
# means the attachment is a message, in a storage PR_ATTACH_DATA_OBJ laid out like a whole
# .msg (MS-OXMSG 2.2.2); OLE objects (ATTACH_OLE) use that storage name too, hence the check.
_PROPERTIES, _ATTACH_METHOD, _EMBEDDED_MSG = "__properties_version1.0", 0x37050003, 5
_EMBEDDED = "__substg1.0_3701000D"


class _EmbeddedMessage(io.BytesIO):
    """The outer .msg file with the path of the storage that holds an attached message, which
    extract_msg then reads as its root: the message is read in place, since copying it out
    into a file of its own would take a compound-file writer."""

    def __init__(self, data: bytes, storage: list[str]):
        super().__init__(data)
        self.storage = storage


def extract_msg(blob: Blob) -> Iterator[Segment | Blob]:
    with blob.open() as stream:
        data = stream.read()
        root = list(getattr(stream, "storage", []))  # [] for a .msg file itself
    if not olefile.isOleFile(data):
        raise ExtractionError("corrupt", "not an Outlook message (no OLE header)")
    with olefile.OleFileIO(data) as ole:
        # Every message storage has a property stream: without it, the attachment is broken.
        if root and ole.get_type(root + [_PROPERTIES]) != olefile.STGTY_STREAM:
            raise ExtractionError("corrupt", "attached message without a message storage")
        yield from _message(ole, blob, data, root)


def _message(ole: olefile.OleFileIO, blob: Blob, data: bytes, root: list[str]) -> Iterator[Segment | Blob]:
    headers = HeaderParser().parsestr(_text(ole, root, _TRANSPORT) or "")
    where = {"message_id": headers.get("Message-ID"), "date": headers.get("Date")}
    # The sender's address stands in several properties; each value is reported once.
    seen: set[tuple[str, str]] = set()
    fields = [(part, _text(ole, root, prop)) for prop, part in _HEADER_PROPS]
    recipients = _storages(ole, root, "__recip_version1.0_#")
    fields += [("to", _text(ole, root + [storage], prop)) for storage in recipients for prop in _RECIPIENT_PROPS]
    for part, value in fields:
        if value and (part, value) not in seen:
            seen.add((part, value))
            yield Segment(value, Location(part=part, **where))
    subject = _text(ole, root, _SUBJECT)
    if subject:
        yield Segment(subject, Location(part="subject", **where))
    body = _text(ole, root, _BODY)
    if body and body.strip():
        yield Segment(body, Location(part="body", **where))
    html = _text(ole, root, _HTML)
    if html and not body:
        yield Segment(html_to_text(html), Location(part="body", **where))
    for index, storage in enumerate(_storages(ole, root, "__attach_version1.0_#"), start=1):
        folder = root + [storage]
        names = (_text(ole, folder, prop) for prop in (_ATTACH_NAME, _ATTACH_SHORT_NAME, _DISPLAY_NAME))
        name = next(filter(None, names), f"attachment-{index}")
        embedded = _attach_method(ole, folder) == _EMBEDDED_MSG
        if embedded and not name.lower().endswith(".msg"):
            # So that the registry hands it back to extract_msg, and that it has the path it
            # would have had if attached as a .msg file.
            name += ".msg"
        path = member_path(blob.path, f"attachments/{safe_filename(name)}")
        if embedded:
            yield _embedded_message(ole, data, folder + [_EMBEDDED], path)
        elif (content := _binary(ole, folder, _ATTACH_DATA)) is not None:
            yield memory_blob(path, content)
        # Otherwise an OLE object or a reference to a file elsewhere: not read.


def _embedded_message(ole: olefile.OleFileIO, data: bytes, storage: list[str], path: str) -> Blob:
    size = sum(ole.get_size(entry) for entry in ole.listdir() if entry[:len(storage)] == storage)
    return Blob(path, size, partial(_EmbeddedMessage, data, storage))


def _attach_method(ole: olefile.OleFileIO, folder: list[str]) -> int | None:
    # An attachment's property stream: an 8-byte header, then 16-byte entries of tag, flags
    # and an 8-byte value (MS-OXMSG 2.4).
    raw = _stream(ole, folder + [_PROPERTIES]) or b""
    for offset in range(8, len(raw) - 15, 16):
        if int.from_bytes(raw[offset:offset + 4], "little") == _ATTACH_METHOD:
            return int.from_bytes(raw[offset + 8:offset + 12], "little", signed=True)
    return None


def _storages(ole: olefile.OleFileIO, root: list[str], prefix: str) -> list[str]:
    depth = len(root)
    entries = ole.listdir(streams=True, storages=False)
    return sorted({e[depth] for e in entries if len(e) > depth + 1 and e[:depth] == root and e[depth].startswith(prefix)})


def _text(ole: olefile.OleFileIO, folder: list[str], prop: str) -> str | None:
    for kind, codec in (("001F", "utf-16-le"), ("001E", "cp1252")):
        raw = _stream(ole, folder + [f"__substg1.0_{prop}{kind}"])
        if raw is not None:
            return raw.decode(codec, errors="replace").rstrip("\x00")
    raw = _binary(ole, folder, prop)  # HTML bodies are often stored as bytes
    return raw.decode("utf-8", errors="replace") if raw is not None else None


def _binary(ole: olefile.OleFileIO, folder: list[str], prop: str) -> bytes | None:
    return _stream(ole, folder + [f"__substg1.0_{prop}0102"])


def _stream(ole: olefile.OleFileIO, path: list[str]) -> bytes | None:
    return ole.openstream(path).read() if ole.exists("/".join(path)) else None


def extract_pst(blob: Blob) -> Iterator[Blob]:
    """Outlook .pst/.ost stores, read with libpff-python (LGPL): every item becomes an RFC 822
    message Blob ("archief.pst!/Inbox/00017") that the e-mail extractor reads like any mail."""
    import pypff

    with blob.open() as stream:
        store = pypff.file()
        try:
            store.open_file_object(stream)
        except OSError as exc:
            raise ExtractionError("corrupt", f"libpff: {exc}") from exc
        try:
            yield from _pst_folder(store.get_root_folder(), blob.path, [])
        finally:
            store.close()


def _pst_folder(folder, container: str, names: list[str]) -> Iterator[Blob]:
    for index in range(folder.number_of_sub_messages):
        item = folder.get_sub_message(index)
        path = member_path(container, "/".join(names + [f"{index + 1:05d}"]))
        message = memory_blob(path, _rfc822(item))
        yield Blob(path=message.path, size=message.size, open=message.open, kind="message")
    for index in range(folder.number_of_sub_folders):
        sub = folder.get_sub_folder(index)
        yield from _pst_folder(sub, container, names + [sub.name or f"folder-{index + 1}"])


def _rfc822(item) -> bytes:
    """A PST item as an RFC 822 message: its transport headers (or what the item knows of
    sender and subject), its bodies and its attachments."""
    from email.message import EmailMessage
    from email.policy import default

    message = EmailMessage(policy=default)
    headers = HeaderParser().parsestr(_decode(getattr(item, "transport_headers", None)) or "")
    for name in ("From", "To", "Cc", "Bcc", "Reply-To", "Date", "Message-ID"):
        for value in headers.get_all(name, []):
            try:
                message[name] = value
            except (ValueError, TypeError):  # a header the strict policy will not re-emit
                message[name] = value.encode("ascii", "replace").decode()
    if "From" not in message and getattr(item, "sender_name", None):
        message["From"] = item.sender_name
    subject = getattr(item, "subject", None)
    if subject:
        message["Subject"] = subject.replace("\n", " ")
    message.set_content(_decode(getattr(item, "plain_text_body", None)) or "")
    html = _decode(getattr(item, "html_body", None))
    if html:
        message.add_alternative(html, subtype="html")
    for index in range(getattr(item, "number_of_attachments", 0) or 0):
        attachment = item.get_attachment(index)
        size = attachment.size or 0
        data = attachment.read_buffer(size) if size else b""
        name = getattr(attachment, "long_filename", None) or f"attachment-{index + 1}"
        message.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return message.as_bytes()


def _decode(value) -> str | None:
    if value is None or isinstance(value, str):
        return value
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("cp1252", errors="replace")
