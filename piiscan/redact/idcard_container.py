"""`piiscan redact-id` on a mail or an archive: the ID-document copies attached or packed in
it are masked as redact-id masks a file; the rest of it is redacted as `piiscan redact` does
(text, headers, other attachments), so the copy can be kept or forwarded as a whole.

The container's own redactor (piiscan.redact.formats) walks the members; each image or short
PDF is first offered to redact-id (container.members_by). A member that is an ID document
comes back masked, watermarked and verified by re-OCR; one that is not goes on to its format
module (a PDF's text is redacted; an image is listed as not redacted, as in `piiscan redact`).
The whole copy is then verified like any redacted copy, except that the ID members may still
show what redact-id leaves readable on purpose (name, birth date, address, that it is an ID
document).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from piiscan.model import Blob, ErrorRecord, ExtractionError
from piiscan.redact import idcard_io
from piiscan.redact.formats import RedactedCopy, format_module
from piiscan.redact.formats.container import join_member, members_by
from piiscan.redact.text import TextRedaction
from piiscan.redact.verify import verify_bytes

# Container formats redact-id opens (those `piiscan redact` can write back).
CONTAINER_MODULES = frozenset({"piiscan.redact.formats.mail", "piiscan.redact.formats.archive"})
# What a masked ID copy still shows by design (idcard_locate keeps these fields readable).
KEPT_ON_ID_COPIES = frozenset({"PERSON", "DATE_OF_BIRTH", "POSTAL_ADDRESS", "ID_DOCUMENT"})
# A PDF longer than this is a document that may quote an ID number, not an ID copy: it goes
# to the PDF text redactor without being rendered and read page by page.
MAX_ID_PDF_PAGES = 4


@dataclass
class IdMember:
    member: str  # path inside the container, as the redaction log names it
    result: object  # the IdResult of redact_id_bytes
    copy: bytes | None = None  # the masked member, None when it could not be masked safely


@dataclass
class ContainerCopy:
    data: bytes | None  # the verified copy, None when there is none
    members: list[IdMember] = field(default_factory=list)
    text_log: list = field(default_factory=list)  # LogEntry of the text redaction
    not_redacted: list[str] = field(default_factory=list)
    error: ErrorRecord | None = None


def is_container(blob: Blob) -> bool:
    module = format_module(blob)
    return module is not None and module.__name__ in CONTAINER_MODULES


def redact_container(blob: Blob, redact_id_bytes, redaction: TextRedaction) -> ContainerCopy:
    """`redact_id_bytes(data, suffix) -> (bytes | None, IdResult)` masks one member."""
    module = format_module(blob)
    # The container's redactor makes two passes (container.file_wide): read each member once.
    done: dict[tuple[str, bytes], IdMember] = {}

    def id_member(child: Blob, data: bytes, member: str) -> RedactedCopy | None:
        if not idcard_io.handles(child.suffix) or _long_pdf(child.suffix, data):
            return None
        key = (member, hashlib.sha256(data).digest())
        if key not in done:
            copy, result = redact_id_bytes(data, child.suffix)
            result.path = f"{blob.path}!/{member}"
            done[key] = IdMember(member, result, copy)
        entry = done[key]
        if entry.result.status == "not an ID document":
            return None
        if entry.copy is None:
            why = entry.result.error.message if entry.result.error else entry.result.status
            raise ExtractionError("leak", f"{member}: ID document not masked safely: {why}")
        return RedactedCopy(entry.copy, [], [])

    try:
        with members_by(id_member):
            copy = module.redact(blob, redaction)
    except ExtractionError as exc:
        return ContainerCopy(None, list(done.values()), error=ErrorRecord(blob.path, exc.kind, exc.message))
    members = [m for m in done.values() if m.result.status != "not an ID document"]
    failed = [m for m in members if m.copy is None]
    if failed:
        # The container's redactor lists a failing member as "not redacted" and goes on; an
        # ID copy that could not be masked safely must stop the whole copy instead.
        reasons = "; ".join(f"{m.member}: {m.result.error.message if m.result.error else m.result.status}" for m in failed)
        return ContainerCopy(None, members, error=ErrorRecord(blob.path, "leak", f"ID document not masked safely: {reasons}"[:500]))
    kept = {join_member(blob.name, m.member): KEPT_ON_ID_COPIES for m in members}
    problems = verify_bytes(blob.name, copy.data, [e.replacement for e in copy.log], redaction.detector, module, kept)
    if problems:
        return ContainerCopy(None, members, error=ErrorRecord(blob.path, "leak", "copy failed verification, not written: " + "; ".join(problems)))
    return ContainerCopy(copy.data, members, copy.log, copy.not_redacted)


def _long_pdf(suffix: str, data: bytes) -> bool:
    if suffix not in idcard_io.PDF_SUFFIXES:
        return False
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return False  # redact-id reports it as unreadable
    try:
        return len(document) > MAX_ID_PDF_PAGES
    finally:
        document.close()
