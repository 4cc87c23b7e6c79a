"""Outlook .msg files, read with olefile (BSD): a .msg is an OLE compound file whose streams
hold MAPI properties. extract-msg does this too but is GPL-3.0, so the few properties a
scan needs are read here: sender, recipients, subject, bodies, transport headers (Date,
Message-ID) and attachments, which come back as Blobs like those of an .eml. A message
attached "as item" (a forwarded mail) comes back as a Blob named "….msg" that this extractor
reads again, so its own text and attachments are scanned under "mail.msg!/attachments/x.msg".
"""

from __future__ import annotations

import io
import json
from email.parser import HeaderParser
from email.utils import formataddr
from functools import partial
from typing import Iterator

import olefile

from piiscan.extract.html import html_to_text
from piiscan.extract.mail import _unique, safe_filename
from piiscan.model import Blob, ErrorRecord, ExtractionError, Location, Segment, member_path
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


# ---------------------------------------------------------------------------- .pst and .ost
#
# Every item of a store becomes a Blob of its own. An e-mail becomes an RFC 822 message, which
# the e-mail extractor reads like any mail. Any other item (a contact, an appointment, a task,
# a note...) has no such form: it becomes a "pst-item" Blob, the item's text as JSON, that
# extract_pst_item reads back.

_PT_LONG, _PT_STRING8, _PT_UNICODE = 0x0003, 0x001E, 0x001F
_MESSAGE_CLASS, _SUBJECT_TAG, _RECIPIENT_TYPE, _DISPLAY_NAME_TAG = 0x001A, 0x0037, 0x0C15, 0x3001
# Message classes read as e-mail: mail, meeting requests and responses, posts, delivery
# reports. A class names its subclasses after a dot ("IPM.Note.SMIME"); case does not matter.
_MAIL_CLASSES = ("ipm.note", "ipm.schedule.meeting", "ipm.post", "report")
# The part under which the text of another item is reported; any other class: "item".
_ITEM_PARTS = {"ipm.contact": "contact", "ipm.distlist": "contact", "ipm.appointment": "appointment",
               "ipm.task": "task", "ipm.stickynote": "note", "ipm.activity": "journal"}
# Of an item that is not an e-mail, every string property is scanned: a contact keeps its
# addresses, phones and company in dozens of properties, many of them named properties (ids
# from 0x8000, the e-mail addresses and business address among them) whose names pypff does
# not resolve, so no list of "personal" properties would be complete. Left out are only the
# properties that name a format or identify a message: nobody's data, and message ids
# look like e-mail addresses.
_NOT_CONTENT = {
    _MESSAGE_CLASS,
    0x0064, 0x0075, 0x0077, 0x0C1E, 0x3002,  # address types: "SMTP", "EX"
    0x1035, 0x1039, 0x1042,  # Internet message id, references, in-reply-to
}
# Sender and recipients of a mail without transport headers (drafts, sent items, mail composed
# in Outlook). Only values with an "@" count as addresses: an Exchange sender's PR_SENDER_EMAIL_ADDRESS
# is a directory name ("/O=EXCHANGELABS/OU=..."), not an e-mail address.
_SENDER_NAMES = (0x0C1A, 0x0042)  # PR_SENDER_NAME, PR_SENT_REPRESENTING_NAME
_SENDER_ADDRESSES = (0x0C1F, 0x5D01, 0x0065)  # sender e-mail and SMTP address, sent-representing address
_RECIPIENT_ADDRESSES = (0x39FE, 0x3003)  # PR_SMTP_ADDRESS, PR_EMAIL_ADDRESS
_RECIPIENT_HEADERS = {1: "To", 2: "Cc", 3: "Bcc"}  # PR_RECIPIENT_TYPE: MAPI_TO, MAPI_CC, MAPI_BCC
# An attachment's name when PR_ATTACH_LONG_FILENAME is missing, as in the .msg reader: the
# 8.3 filename, then the display name.
_PST_ATTACH_NAMES = (0x3704, _DISPLAY_NAME_TAG)


def extract_pst(blob: Blob) -> Iterator[Blob | ErrorRecord]:
    """Outlook .pst/.ost stores, read with libpff-python (LGPL): every item becomes a Blob
    numbered in its folder ("archief.pst!/Inbox/00017"); then come the items libpff finds
    outside the folder tree, such as deleted items whose folder is gone
    ("archief.pst!/_orphans/00001"). An item that libpff cannot read becomes an error record
    and the rest of the store is still scanned.

    A password-protected store is scanned like any other, without an error: its password is
    only a CRC that Outlook compares before it shows the store (PR_PST_PASSWORD, 0x67FF, in
    the store's properties). Nothing is encrypted with it and libpff reads the store without
    asking; the "encryption" a store may have (bCryptMethod "compressible" or "high") is a
    fixed byte substitution that libpff undoes. Reporting such a store as "encrypted" would
    leave unscanned personal data that anyone with the file can read."""
    import pypff

    with blob.open() as stream:
        store = pypff.file()
        try:
            store.open_file_object(stream)
        except OSError as exc:
            raise ExtractionError("corrupt", f"libpff: {exc}") from exc
        try:
            yield from _pst_folder(store.get_root_folder(), blob.path, [])
            for index in range(store.number_of_orphan_items):
                path = member_path(blob.path, f"_orphans/{index + 1:05d}")
                yield from _pst_item(partial(store.get_orphan_item, index), path)
        finally:
            store.close()


def _pst_folder(folder, container: str, names: list[str]) -> Iterator[Blob | ErrorRecord]:
    for index in range(folder.number_of_sub_messages):
        path = member_path(container, "/".join(names + [f"{index + 1:05d}"]))
        yield from _pst_item(partial(folder.get_sub_message, index), path)
    for index in range(folder.number_of_sub_folders):
        sub = folder.get_sub_folder(index)
        yield from _pst_folder(sub, container, names + [sub.name or f"folder-{index + 1}"])


def _pst_item(get_item, path: str) -> list[Blob | ErrorRecord]:
    """The Blobs of one item: an e-mail as one RFC 822 message that holds its attachments;
    another item as its text, then its attachments. Read whole, so that an item libpff
    fails on gives one error record and nothing half-read."""
    try:
        item = get_item()
        if hasattr(item, "sub_folders"):
            # A folder among the orphans: libpff lists the items in it as orphans of their own
            # (and may list the folder twice).
            return []
        properties = _properties(item.get_record_set(i) for i in range(item.number_of_record_sets))
        message_class = str(properties.get(_MESSAGE_CLASS, "")).lower()
        if not message_class or _is_class(message_class, _MAIL_CLASSES):
            return [_item_blob(path, _rfc822(item, properties), "message")]
        part = next((part for name, part in _ITEM_PARTS.items() if _is_class(message_class, (name,))), "item")
        values: dict[str, None] = {}  # each value once, in the order of the item's properties
        for record in [properties] + _recipients(item):
            for tag, value in record.items():
                if isinstance(value, str) and tag not in _NOT_CONTENT:
                    if tag == _SUBJECT_TAG and value.startswith("\x01"):
                        value = value[2:]  # stored as "\x01", the length of a prefix ("RE: "), the subject
                    if value.strip():
                        values.setdefault(value)
        text = json.dumps({"part": part, "values": list(values)})
        blobs: list[Blob | ErrorRecord] = [_item_blob(path, text.encode("ascii"), "pst-item")]
        seen: dict[str, int] = {}
        for name, data in _pst_attachments(item):
            # Named and numbered like the attachments of an e-mail (mail._unique).
            blobs.append(memory_blob(f"{path}/attachments/{safe_filename(_unique(name, seen))}", data))
        return blobs
    # libpff fails on damaged items in many ways (OSError mostly); one item must not end the store.
    except Exception as exc:  # noqa: BLE001
        return [ErrorRecord(path, "corrupt", f"libpff: {type(exc).__name__}: {exc}"[:200])]


def extract_pst_item(blob: Blob) -> Iterator[Segment]:
    """A PST item that is not an e-mail (blob kind "pst-item"), as extract_pst wrote it: each
    of its text values as a segment of its part ("contact", "appointment", ...)."""
    with blob.open() as stream:
        item = json.load(stream)
    for value in item["values"]:
        yield Segment(value, Location(part=item["part"]))


def _is_class(message_class: str, names: tuple[str, ...]) -> bool:
    return any(message_class == name or message_class.startswith(name + ".") for name in names)


def _item_blob(path: str, data: bytes, kind: str) -> Blob:
    blob = memory_blob(path, data)
    return Blob(path=blob.path, size=blob.size, open=blob.open, kind=kind)


def _properties(record_sets) -> dict[int, str | int]:
    """The string and 32-bit integer properties of pypff record sets, by property id; the
    first value of an id wins."""
    found: dict[int, str | int] = {}
    for record in record_sets:
        for entry in record.entries:
            if entry.entry_type in found:
                continue
            if entry.value_type in (_PT_UNICODE, _PT_STRING8):
                value = entry.data_as_string
            elif entry.value_type == _PT_LONG:
                value = entry.data_as_integer
            else:
                continue
            if value is not None:
                found[entry.entry_type] = value
    return found


def _recipients(item) -> list[dict[int, str | int]]:
    table = getattr(item, "recipients", None)  # pypff.item (not a message) has none
    if table is None:
        return []
    return [_properties([table.get_record_set(i)]) for i in range(table.number_of_record_sets)]


def _address(properties: dict[int, str | int], tags: tuple[int, ...]) -> str:
    return next((str(properties[t]) for t in tags if "@" in str(properties.get(t, ""))), "")


def _mailbox(name, address: str) -> str:
    """'Name <address>', or whichever of the two there is."""
    name = str(name or "").strip()
    if not address or not name or name == address:
        return address or name
    return formataddr((name, address))


def _set_header(message, name: str, value: str) -> None:
    try:
        message[name] = value
    except (ValueError, TypeError):  # a header the strict policy will not re-emit
        message[name] = value.encode("ascii", "replace").decode()


def _rfc822(item, properties: dict[int, str | int]) -> bytes:
    """A PST item as an RFC 822 message: its transport headers, completed from the item's
    sender and recipients where they lack From, To, Cc or Bcc, then its subject, bodies and
    attachments."""
    from email.message import EmailMessage
    from email.policy import default

    message = EmailMessage(policy=default)
    headers = HeaderParser().parsestr(_decode(getattr(item, "transport_headers", None)) or "")
    for name in ("From", "To", "Cc", "Bcc", "Reply-To", "Date", "Message-ID"):
        for value in headers.get_all(name, []):
            _set_header(message, name, value)
    if "From" not in message:
        sender_name = getattr(item, "sender_name", None) or next(
            (properties[t] for t in _SENDER_NAMES if properties.get(t)), "")
        sender = _mailbox(sender_name, _address(properties, _SENDER_ADDRESSES))
        if sender:
            _set_header(message, "From", sender)
    # Each recipient once per header, in the order of the recipient table.
    recipients: dict[str, dict[str, None]] = {}
    for row in _recipients(item):
        header = _RECIPIENT_HEADERS.get(int(row.get(_RECIPIENT_TYPE, 1)) & 0xF, "To")
        mailbox = _mailbox(row.get(_DISPLAY_NAME_TAG), _address(row, _RECIPIENT_ADDRESSES))
        if mailbox:
            recipients.setdefault(header, {}).setdefault(mailbox)
    for header, mailboxes in recipients.items():
        if header not in message:
            _set_header(message, header, ", ".join(mailboxes))
    subject = getattr(item, "subject", None)
    if subject:
        message["Subject"] = subject.replace("\n", " ")
    message.set_content(_decode(getattr(item, "plain_text_body", None)) or "")
    html = _decode(getattr(item, "html_body", None))
    if html:
        message.add_alternative(html, subtype="html")
    for name, data in _pst_attachments(item):
        message.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return message.as_bytes()


def _pst_attachments(item) -> Iterator[tuple[str, bytes]]:
    """(name, content) of an item's attachments."""
    for index in range(getattr(item, "number_of_attachments", 0) or 0):
        attachment = item.get_attachment(index)
        size = attachment.size or 0
        data = attachment.read_buffer(size) if size else b""
        name = getattr(attachment, "long_filename", None)
        if not name:
            records = [attachment.get_record_set(i) for i in range(attachment.number_of_record_sets)]
            properties = _properties(records)
            name = next(filter(None, (properties.get(t) for t in _PST_ATTACH_NAMES)), None)
        yield str(name or f"attachment-{index + 1}"), data


def _decode(value) -> str | None:
    if value is None or isinstance(value, str):
        return value
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("cp1252", errors="replace")
