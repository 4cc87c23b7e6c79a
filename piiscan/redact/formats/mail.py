"""E-mail redaction: .eml files, Maildir messages, mbox files, and messages inside them.

A message is parsed the way the scanner parses it (compat32, piiscan.extract.mail), changed
in place and written back with the same generator, so what is not redacted stays as it was:
header order and folding, multipart boundaries, preamble, Content-Types, transfer encodings.

What is redacted, and where the log puts it (member "" is the message itself):
- headers: address headers per address (display name and addr-spec, RFC 2047 names decoded
  and re-encoded), Subject, Received and every other free-text header; kept as they are:
  Message-ID, Date, References and the other identifiers and MIME structure fields;
- bodies: text/plain decoded with its charset, redacted, re-encoded with the same charset
  (utf-8 when a replacement does not fit it) and the same transfer encoding; text/html
  redacted in its text nodes, title, comments and attribute values (a mailto: href), the
  markup untouched (html_source.py);
- attachments: through the format registry ("attachments/klanten.csv", named and numbered as
  the scan names them), and their file names (Content-Disposition filename, Content-Type
  name); a forwarded message/rfc822 part is walked as part of its message, as the scan does.

Detection runs once per piece of text, on the text the scan sees. Through
container.file_wide, a value found anywhere in the file (the body, an attachment, another
message of the mbox) is also replaced wherever else it occurs in it: a name found in the
body is replaced in an attachment's file name too.

An mbox is streamed: one message at a time, its "From " line kept (the envelope sender
redacted), ">From " quoting preserved, messages numbered "00001"... as the scanner numbers
them.
"""

from __future__ import annotations

import base64
import codecs
import dataclasses
import email
import email.errors
import email.policy
import html
import io
import quopri
import re
from dataclasses import dataclass, field
from email.generator import BytesGenerator
from email.header import Header, decode_header, make_header
from email.message import Message
from email.utils import collapse_rfc2231_value, formataddr, getaddresses
from typing import Callable, Iterator

from piiscan.extract import mail as scan_mail  # the scan's naming, numbering and header reading
from piiscan.extract.html import html_to_text
from piiscan.model import Blob, ExtractionError, Location, member_path
from piiscan.redact.formats import LogEntry, RedactedCopy
from piiscan.redact.formats.container import file_wide, limits_scope, member_raw_texts, redact_member
from piiscan.redact.formats.html_source import HtmlSource
from piiscan.redact.text import Replacement, TextRedaction, substitute
from piiscan.sources.blob import memory_blob

_POLICY = email.policy.compat32  # as the scanner: raw header values, lenient with bad MIME

# Headers that identify or structure the message: kept as they are (the brief of a redacted
# copy is that it can still be threaded and opened). Content-Type and Content-Disposition
# are only touched in their file-name and charset parameters.
_KEPT_HEADERS = frozenset((
    "message-id", "date", "mime-version", "content-transfer-encoding", "content-id",
    "in-reply-to", "references", "resent-message-id", "resent-date", "content-type",
    "content-disposition", "content-length",
))
_ADDRESS_HEADERS = frozenset((
    "from", "to", "cc", "bcc", "reply-to", "sender", "resent-from", "resent-to", "resent-cc",
    "resent-bcc", "resent-sender", "resent-reply-to", "return-path", "delivered-to",
    "x-original-to", "envelope-to", "disposition-notification-to", "errors-to",
    "mail-followup-to", "mail-reply-to",
))
# An addr-spec as RFC 5322 dot-atoms: what a replacement must look like to stand in <...>.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_ADDR_SPEC = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*@{_ATEXT}(?:\.{_ATEXT})*")
_NOT_ATEXT = re.compile(r"[^A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+")
_PGP = "-----BEGIN PGP MESSAGE-----"


# ---------------------------------------------------------------------------------------------
# Entry points.


@file_wide
def redact(blob: Blob, redaction: TextRedaction) -> RedactedCopy:
    if blob.kind is None and blob.suffix in (".mbox", ".mbx"):
        return _redact_mbox(blob, redaction)
    with blob.open() as stream:
        data = stream.read()
    # Attachments of a message inside a container continue its member path; of a file,
    # they open a new level (the scanner's rule).
    prefix = f"{blob.path}/attachments" if blob.kind == "message" else member_path(blob.path, "attachments")
    return _redact_message(data, redaction, prefix)


def raw_texts(data: bytes) -> Iterator[str]:
    """Every header (decoded), body, file name and attachment text of the message(s), read
    with email.policy.default: another parser than the redactor's, so verification does not
    share its blind spots. An mbox gives its "From " lines and every message."""
    with limits_scope():
        if data.startswith(b"From "):
            for separator, lines, is_message in _mbox_chunks(io.BytesIO(data)):
                yield separator.decode("utf-8", errors="replace")
                if is_message:
                    yield from _message_texts(b"".join(lines))
        else:
            yield from _message_texts(data)


# ---------------------------------------------------------------------------------------------
# Text pieces.


def _detection_view(text: str) -> str:
    """The text as the scanner decodes it: undecodable bytes (kept as surrogates here, to be
    written back unchanged) read as U+FFFD, one for one, so offsets hold."""
    return re.sub("[\udc80-\udcff]", "\ufffd", text)


@dataclass
class _MessageRedactor:
    """Redacts one parsed message in place. Each piece of text (a header, a body, an HTML
    attribute, a file name) is detected and handed to its writer, which changes the message;
    writers that share one source (an HTML body's pieces, a part's headers) leave the
    rewrite to a finisher, run once every piece is done."""

    redaction: TextRedaction
    attachments_path: str  # display path the scan gives attachments, without "/name"
    log: list[LogEntry] = field(default_factory=list)
    not_redacted: list[str] = field(default_factory=list)
    finishers: list[Callable[[], None]] = field(default_factory=list)
    seen_names: dict[str, int] = field(default_factory=dict)
    where: dict = field(default_factory=dict)

    def run(self, message: Message) -> None:
        self.where = {
            "message_id": scan_mail._header(message, "message-id") or None,
            "date": scan_mail._header(message, "date") or None,
        }
        # message.walk() is the scanner's order: attachments get the same names and numbers.
        for part in message.walk():
            self._headers(part)
            if part.is_multipart():
                if part.get_content_maintype() == "multipart":
                    self._preamble(part)
                continue
            filename = part.get_filename()
            content_type = part.get_content_type()
            if filename or part.get_content_disposition() == "attachment" or not content_type.startswith("text/"):
                self._attachment(part, filename, content_type)
            else:
                self._body(part, content_type)
        for finish in self.finishers:
            finish()

    def add(self, text: str, part: str, write: Callable[[list[Replacement]], list[Replacement] | None], member: str = "") -> None:
        """Detects in one piece of text and has `write` apply the replacements to the
        message; `write` may return them as actually written (an address made valid)."""
        view = _detection_view(text)
        found = self.redaction.replacements(view) if view.strip() else []
        if found:
            written = write(found) or found
            self.log.extend(LogEntry(r, Location(part=part, **self.where), member) for r in written)

    # -- headers ------------------------------------------------------------------------------

    def _headers(self, part: Message) -> None:
        changes: dict[int, object] = {}
        for index, (name, raw) in enumerate(part.raw_items()):
            lower = name.lower()
            if lower in _KEPT_HEADERS:
                continue
            raw = str(raw)
            text = _decoded(raw)
            if not text.strip():
                continue
            if lower in _ADDRESS_HEADERS:
                write = _address_writer(changes, index, name, raw, text)
            else:
                write = _free_text_writer(changes, index, name, raw, text)
            self.add(text, lower, write)
        self.finishers.append(lambda: _apply_header_changes(part, changes))

    def _preamble(self, part: Message) -> None:
        for attribute in ("preamble", "epilogue"):
            value = getattr(part, attribute)
            if value and value.strip():
                def write(replacements, attribute=attribute, value=value):
                    setattr(part, attribute, substitute(value, replacements))
                self.add(value, attribute, write)

    # -- bodies ---------------------------------------------------------------------------

    def _body(self, part: Message, content_type: str) -> None:
        payload = part.get_payload(decode=True) or b""
        codec = _codec(part)
        text = payload.decode(codec, errors="surrogateescape")
        if _PGP in text:
            self.not_redacted.append("body: PGP-encrypted text not redacted")
        if content_type == "text/html":
            document = HtmlSource(text, codec)
            if document.parse():
                document.add_pieces(self.add)

                def finish() -> None:
                    if document.changed:
                        _set_text(part, document.result(), codec, payload)

                self.finishers.append(finish)
                return
            # Markup the parser gives up on is still redacted, as text.
        self.add(text, "body", lambda replacements: _set_text(part, substitute(text, replacements), codec, payload))

    # -- attachments ----------------------------------------------------------------------

    def _attachment(self, part: Message, filename: str | None, content_type: str) -> None:
        payload = part.get_payload(decode=True) or b""
        name = scan_mail._unique(filename or f"part-{len(self.seen_names) + 1}{scan_mail._suffix(content_type)}", self.seen_names)
        safe = scan_mail.safe_filename(name)
        member = f"attachments/{safe}"
        what = "image" if content_type.startswith("image/") else content_type
        copy = redact_member(memory_blob(f"{self.attachments_path}/{safe}", payload), self.redaction, member, what=what)
        self.log.extend(copy.log)
        self.not_redacted.extend(copy.not_redacted)
        if copy.data != payload:
            _set_payload_bytes(part, copy.data, text=False)
        for header, param in (("content-disposition", "filename"), ("content-type", "name")):
            raw = part.get_param(param, header=header) if part.get(header) is not None else None
            if raw is None:
                continue
            value = _decoded(str(collapse_rfc2231_value(raw)), collapse=False)

            def write(replacements, header=header, param=param, value=value):
                new = substitute(value, replacements)
                part.set_param(param, new, header=header, charset=None if new.isascii() else "utf-8", replace=True)

            self.add(value, "filename", write, member)


# ---------------------------------------------------------------------------------------------
# Headers.


def _decoded(raw: str, collapse: bool = True) -> str:
    """A header value as the scanner reads it: encoded words decoded, folding undone."""
    if re.search("[\udc80-\udcff]", raw):  # raw 8-bit bytes in a header: most often utf-8
        raw_bytes = raw.encode("ascii", "surrogateescape")
        try:
            raw = raw_bytes.decode("utf-8")
        except UnicodeDecodeError:
            raw = raw_bytes.decode("cp1252", errors="replace")
    try:
        text = str(make_header(decode_header(raw)))
    except (UnicodeError, LookupError, ValueError, email.errors.HeaderParseError):
        text = raw  # a malformed encoded word: keep what is there
    return " ".join(text.split()) if collapse else text


def _header_charset(raw: str) -> str:
    """The charset of the value's encoded words (kept when the new value fits it)."""
    try:
        for _, charset in decode_header(raw):
            if charset and charset.lower() not in ("us-ascii", "unknown-8bit"):
                return charset
    except (ValueError, email.errors.HeaderParseError):
        pass
    return "utf-8"


def _fitting_charset(text: str, charset: str) -> str:
    try:
        text.encode(charset)
        return charset
    except (UnicodeEncodeError, LookupError):
        return "utf-8"


def _header_value(text: str, name: str, charset: str):
    """A free-text value to store: plain ASCII as it is, anything else as RFC 2047 encoded
    words (the generator folds both)."""
    if text.isascii():
        return text
    return Header(text, charset=_fitting_charset(text, charset), header_name=name)


def _free_text_writer(changes: dict, index: int, name: str, raw: str, text: str):
    def write(replacements):
        changes[index] = _header_value(substitute(text, replacements), name, _header_charset(raw))
    return write


def _address_writer(changes: dict, index: int, name: str, raw: str, text: str):
    """Rewrites an address list address by address, so the result is still an address list
    a client reads: the values found in the header text are replaced in each display name
    and addr-spec, names re-encoded, an address replaced by a label made a valid address."""

    def write(replacements):
        by_value = {r.value: r for r in replacements}
        pairs = getaddresses([raw])
        if _plain_address_list(raw, pairs):
            pattern = re.compile("|".join(re.escape(v) for v in sorted(by_value, key=len, reverse=True)))
            used: set[str] = set()

            def swap(s: str) -> str:
                def one(m):
                    used.add(m.group())
                    return by_value[m.group()].replacement
                return pattern.sub(one, s)

            written: dict[str, str] = {}
            addresses = []
            for display, addr in pairs:
                display = _decoded(display)
                new_display, new_addr = swap(display), swap(addr)
                if new_addr != addr and not _ADDR_SPEC.fullmatch(new_addr):
                    valid = _as_address(new_addr)
                    if addr in by_value:
                        written[addr] = valid
                    new_addr = valid
                addresses.append((new_display, new_addr))
            if used == set(by_value):  # every value found was in a name or an address
                charset = _header_charset(raw)
                if len(addresses) == 1 and not addresses[0][0] and raw.strip().startswith("<"):
                    value = f"<{addresses[0][1]}>"  # Return-Path and the like keep their brackets
                else:
                    value = ", ".join(formataddr(a, charset=_fitting_charset(a[0], charset)) for a in addresses)
                changes[index] = value
                return [dataclasses.replace(r, replacement=written.get(r.value, r.replacement)) for r in replacements]
        # A group, a comment or a value that straddles name and address: replaced as text,
        # which removes it for certain though a strict parser may then see no address.
        changes[index] = _header_value(substitute(text, replacements), name, _header_charset(raw))
        return None

    return write


def _plain_address_list(raw: str, pairs: list[tuple[str, str]]) -> bool:
    if not pairs or any(not addr for _, addr in pairs):
        return False
    outside = re.sub(r'"(?:[^"\\]|\\.)*"|<[^>]*>|\([^)]*\)|=\?[^?]*\?[^?]*\?[^?]*\?=', "", raw)
    return ":" not in outside and ";" not in outside  # no group syntax


def _as_address(replacement: str) -> str:
    """A label or hash standing where an addr-spec must be: made one under the reserved
    .invalid domain (RFC 2606), "[EMAIL_ADDRESS]" -> "EMAIL_ADDRESS@redacted.invalid"."""
    local = _NOT_ATEXT.sub(".", replacement.replace("@", ".")).strip(".") or "redacted"
    local = re.sub(r"\.{2,}", ".", local)
    return f"{local}@redacted.invalid"


def _apply_header_changes(part: Message, changes: dict[int, object]) -> None:
    """Rewrites the changed headers in place: all headers are set again in their order
    (compat32 has no public way to replace the n-th of several Received headers)."""
    if not changes:
        return
    items = list(part.raw_items())
    for index, value in changes.items():
        items[index] = (items[index][0], value)
    for name in {name.lower() for name, _ in items}:
        del part[name]
    for name, value in items:
        part[name] = value


# ---------------------------------------------------------------------------------------------
# Payloads.


def _codec(part: Message) -> str:
    """The codec the scanner decodes a text part with: its charset, utf-8 when it has none,
    cp1252 when the name is unknown."""
    charset = part.get_content_charset() or "utf-8"
    try:
        codecs.lookup(charset)
        return charset
    except LookupError:
        return "cp1252"


def _set_text(part: Message, text: str, codec: str, original: bytes) -> None:
    try:
        data = text.encode(codec, errors="surrogateescape")
    except UnicodeEncodeError:
        # The replacement does not fit the charset (a name with an accent in latin-1 is fine,
        # a pseudonym in us-ascii with one is not): the part switches to utf-8.
        data = text.encode("utf-8", errors="surrogateescape")
        part.set_param("charset", "utf-8", replace=True)
    if data != original:
        _set_payload_bytes(part, data, text=True)


_TRANSFER_ENCODINGS = frozenset(("7bit", "8bit", "binary", "base64", "quoted-printable"))


def _set_payload_bytes(part: Message, data: bytes, text: bool) -> None:
    """New content for a part, in the part's own transfer encoding; a 7bit part that now
    needs 8 bits (or an encoding we do not write, uuencode) is switched to quoted-printable
    (text) or base64."""
    cte = str(part.get("content-transfer-encoding") or "7bit").strip().lower()
    if cte not in _TRANSFER_ENCODINGS or (cte == "7bit" and not data.isascii()):
        cte = "quoted-printable" if text and cte in _TRANSFER_ENCODINGS else "base64"
        if "content-transfer-encoding" in part:
            part.replace_header("Content-Transfer-Encoding", cte)
        else:
            part["Content-Transfer-Encoding"] = cte
    if cte == "base64":
        payload = base64.encodebytes(data).decode("ascii")
    elif cte == "quoted-printable":
        payload = quopri.encodestring(data).decode("ascii")
    else:
        # 8bit/binary: stored as the parser stores raw bytes, which BytesGenerator writes back.
        payload = data.decode("ascii", errors="surrogateescape")
    part.set_payload(payload)


# ---------------------------------------------------------------------------------------------
# One message.


def _redact_message(data: bytes, redaction: TextRedaction, attachments_path: str) -> RedactedCopy:
    if not scan_mail._HEADER_LINE.match(data[:1024]):
        raise ExtractionError("corrupt", "not an e-mail message: no header line at the start")
    first_line = data.split(b"\n", 1)[0]
    linesep = "\r\n" if first_line.endswith(b"\r") else "\n"
    message = email.message_from_bytes(data, policy=_POLICY)
    redactor = _MessageRedactor(redaction, attachments_path)
    redactor.run(message)
    if not redactor.log:
        return RedactedCopy(data, [], redactor.not_redacted)
    # A Content-Length (some mbox writers add one) no longer holds for the new body.
    del message["Content-Length"]
    out = io.BytesIO()
    BytesGenerator(out, mangle_from_=False, policy=_POLICY.clone(linesep=linesep)).flatten(message)
    return RedactedCopy(out.getvalue(), redactor.log, redactor.not_redacted)


def _message_texts(data: bytes) -> Iterator[str]:
    yield data.decode("utf-8", errors="replace")  # the message as stored, encoded words and all
    message = email.message_from_bytes(data, policy=email.policy.default)
    seen: dict[str, int] = {}
    for part in message.walk():
        for name, raw in part.raw_items():
            try:
                yield f"{name}: {part.policy.header_fetch_parse(name, raw)}"
            except Exception:  # noqa: BLE001 - a header the default policy cannot parse
                yield f"{name}: {_decoded(str(raw))}"
        if part.is_multipart():
            for extra in (part.preamble, part.epilogue):
                if extra:
                    yield extra
            continue
        filename = part.get_filename()
        if filename:
            yield _decoded(filename, collapse=False)
        content_type = part.get_content_type()
        payload = part.get_payload(decode=True) or b""
        if filename or part.get_content_disposition() == "attachment" or not content_type.startswith("text/"):
            name = scan_mail._unique(filename or f"part-{len(seen) + 1}{scan_mail._suffix(content_type)}", seen)
            yield from member_raw_texts(scan_mail.safe_filename(name), payload)
            continue
        try:
            text = part.get_content()
        except (LookupError, UnicodeError, KeyError):
            text = payload.decode("utf-8", errors="replace")
        yield text
        if content_type == "text/html":
            yield html.unescape(text)
            yield html_to_text(text)


# ---------------------------------------------------------------------------------------------
# mbox.


def _mbox_chunks(stream) -> Iterator[tuple[bytes, list[bytes], bool]]:
    """(From_ line, message lines with ">From " unquoted, is a message), in file order,
    split exactly as piiscan.extract.mail.extract_mbox splits (so message numbers match).
    A chunk that is no message (a From_ line with only blank lines) is kept as it is."""
    emitted = False
    separator = b""
    lines: list[bytes] = []
    for line in stream:
        if line.startswith(b"From ") and (lines or not emitted):
            if lines:
                yield separator, lines, True
                emitted = True
            elif separator:
                yield separator, [], False
            separator, lines = line, []
            continue
        lines.append(line[1:] if line.startswith(b">From ") else line)
    if separator or lines:
        yield separator, lines, any(line.strip() for line in lines)


def _quoted(data: bytes) -> bytes:
    """The inverse of the split's unquoting: a line starting "From " gets its ">" back."""
    return re.sub(rb"(?m)^From ", b">From ", data)  # (?m)^: after "\n" only, as mbox readers split


def _redact_mbox(blob: Blob, redaction: TextRedaction) -> RedactedCopy:
    out = io.BytesIO()
    log: list[LogEntry] = []
    not_redacted: list[str] = []
    index = 0
    with blob.open() as stream:
        if stream.read(5) != b"From ":
            raise ExtractionError("corrupt", "not an mbox: it does not start with a 'From ' line")
        stream.seek(0)
        for separator, lines, is_message in _mbox_chunks(stream):
            data = b"".join(lines)
            if not is_message:
                out.write(separator + _quoted(data))
                continue
            index += 1
            number = f"{index:05d}"
            child = Blob(path=member_path(blob.path, number), size=len(data), open=lambda data=data: io.BytesIO(data), kind="message")
            copy = redact_member(child, redaction, number, sep="/")
            log.extend(copy.log)
            not_redacted.extend(copy.not_redacted)
            new_separator, envelope = _redact_envelope(separator, redaction)
            log.extend(LogEntry(r, Location(part="envelope"), number) for r in envelope)
            body = copy.data
            if body != data:
                # The generator may drop the blank line that ends a message in an mbox.
                body = body.rstrip(b"\r\n") + data[len(data.rstrip(b"\r\n")):]
            out.write(new_separator + _quoted(body))
    return RedactedCopy(out.getvalue(), log, not_redacted)


def _redact_envelope(separator: bytes, redaction: TextRedaction) -> tuple[bytes, list[Replacement]]:
    """The From_ line with its envelope sender redacted: "From sophie@x.be Tue Mar 12 ..."."""
    match = re.match(rb"From (\S+)", separator)
    if not match:
        return separator, []
    sender = match.group(1).decode("utf-8", errors="surrogateescape")
    replacements = redaction.replacements(_detection_view(sender))
    if not replacements:
        return separator, []
    # One word on the From_ line; a replacement with spaces would split it.
    new = re.sub(r"\s+", "_", substitute(sender, replacements)).encode("utf-8", errors="surrogateescape")
    return separator[:match.start(1)] + new + separator[match.end(1):], replacements
