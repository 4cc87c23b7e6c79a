"""Outlook .msg files, read with olefile (BSD): a .msg is an OLE compound file whose streams
hold MAPI properties. extract-msg does this too but is GPL-3.0, so the few properties a
scan needs are read here: sender, recipients, subject, bodies, transport headers (Date,
Message-ID) and attachments, which come back as Blobs like those of an .eml.
"""

from __future__ import annotations

from email.parser import HeaderParser
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
_ATTACH_NAME, _ATTACH_SHORT_NAME, _ATTACH_DATA = "3707", "3704", "3701"


def extract_msg(blob: Blob) -> Iterator[Segment | Blob]:
    with blob.open() as stream:
        data = stream.read()
    if not olefile.isOleFile(data):
        raise ExtractionError("corrupt", "not an Outlook message (no OLE header)")
    with olefile.OleFileIO(data) as ole:
        yield from _message(ole, blob)


def _message(ole: olefile.OleFileIO, blob: Blob) -> Iterator[Segment | Blob]:
    headers = HeaderParser().parsestr(_text(ole, [], _TRANSPORT) or "")
    where = {"message_id": headers.get("Message-ID"), "date": headers.get("Date")}
    # The sender's address stands in several properties; each value is reported once.
    seen: set[tuple[str, str]] = set()
    fields = [(part, _text(ole, [], prop)) for prop, part in _HEADER_PROPS]
    fields += [("to", _text(ole, [storage], prop)) for storage in _storages(ole, "__recip_version1.0_#") for prop in _RECIPIENT_PROPS]
    for part, value in fields:
        if value and (part, value) not in seen:
            seen.add((part, value))
            yield Segment(value, Location(part=part, **where))
    subject = _text(ole, [], _SUBJECT)
    if subject:
        yield Segment(subject, Location(part="subject", **where))
    body = _text(ole, [], _BODY)
    if body and body.strip():
        yield Segment(body, Location(part="body", **where))
    html = _text(ole, [], _HTML)
    if html and not body:
        yield Segment(html_to_text(html), Location(part="body", **where))
    for index, storage in enumerate(_storages(ole, "__attach_version1.0_#"), start=1):
        data = _binary(ole, [storage], _ATTACH_DATA)
        if data is None:
            continue  # an embedded message or an OLE object: not read yet
        name = _text(ole, [storage], _ATTACH_NAME) or _text(ole, [storage], _ATTACH_SHORT_NAME) or f"attachment-{index}"
        yield memory_blob(member_path(blob.path, f"attachments/{safe_filename(name)}"), data)


def _storages(ole: olefile.OleFileIO, prefix: str) -> list[str]:
    return sorted({entry[0] for entry in ole.listdir(streams=True, storages=False) if len(entry) > 1 and entry[0].startswith(prefix)})


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
