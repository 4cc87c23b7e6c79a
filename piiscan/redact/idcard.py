"""`piiscan redact-id`, one file: a copy of an ID document fit to hand over.

For each page of the input (idcard_io): find the documents on it and straighten them
(idcard_geometry), read them (OCR) and find the faces (idcard_faces), decide what to mask
(idcard_locate; the numbers an MRZ on one page gives are looked for on every page), draw the KOPIE watermark and the black masks (idcard_draw), write the
copy's bytes, decode them again and verify them (idcard_verify). Only a verified copy is
written, privately (0600, temp file and rename, as `piiscan redact` does).

Inputs that do not look like an ID document (no MRZ, no document keyword on any page) get
no copy unless `non_id` is set: then the copy has the watermark and any faces masked.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass, field
from functools import partial

from piiscan.model import ErrorRecord
from piiscan.privacy import keyed_hash, mask
from piiscan.redact import idcard_container, idcard_io
from piiscan.redact.idcard_draw import OPACITY, add_watermark, black_out, font_size, watermark_text
from piiscan.redact.idcard_faces import find_faces
from piiscan.redact.idcard_geometry import views as find_views
from piiscan.redact.idcard_locate import Located, Region, ViewText, locate, mrz_blocks
from piiscan.redact.idcard_text import bounds, clip
from piiscan.redact.idcard_verify import default_ocr, engines, verify_page
from piiscan.redact.job import Destination, RedactTask, _write_private, log_record


@dataclass(frozen=True)
class IdOptions:
    purpose: str
    recipient: str | None = None
    date: str = field(default_factory=lambda: datetime.date.today().isoformat())
    keep_photo: bool = False
    non_id: bool = False  # also copy images that do not look like ID documents

    @property
    def watermark(self) -> str:
        return watermark_text(self.purpose, self.recipient, self.date)


@dataclass
class PageRedaction:
    image: object  # the redacted page (PIL), before encoding
    located: Located
    masks: list  # Regions actually drawn (page pixels, clipped)
    watermark_size: int = 0
    timings: dict = field(default_factory=dict)  # seconds: locate (OCR, faces, rules), mask (watermark, masks)


@dataclass
class IdResult:
    path: str
    output: str | None = None
    # "redacted", "review" (written, verified, but a human should look: a fallback mask was
    # used), "not an ID document", "not handled", "failed"
    status: str = "failed"
    kind: str | None = None
    log: list[dict] = field(default_factory=list)
    review: list[str] = field(default_factory=list)
    note: str = ""  # why an input got no copy (not handled)
    error: ErrorRecord | None = None
    size: int = 0
    timings: dict = field(default_factory=dict)
    pages: list[PageRedaction] = field(default_factory=list)  # kept only with keep_pages
    verification_lines: list = field(default_factory=list)  # per page, per view: OCR lines of the copy

    @property
    def entity_types(self) -> list[str]:  # for the progress bar's count
        return [record["entity_type"] for record in self.log if record.get("record") == "redaction"]




def read_page(page, ocr=default_ocr) -> list[ViewText]:
    """The documents on a page (PIL image, RGB), read: OCR lines and faces per view."""
    texts = []
    for view in find_views(page):
        lines = ocr(view.image)
        faces = find_faces(view.image, [line.box for line in lines if line.confidence >= 0.6])
        texts.append(ViewText(view, lines, faces))
    return texts


def redact_page(page, options: IdOptions, detector=None, ocr=default_ocr, texts=None, elsewhere=()) -> PageRedaction:
    """Locate, watermark and mask one page (PIL image, RGB; not modified). `texts`: the page
    already read (read_page); `elsewhere`: MRZ blocks of the file's other pages."""
    started = time.perf_counter()
    texts = texts if texts is not None else read_page(page, ocr)
    located = locate(texts, detector, options.keep_photo, elsewhere)
    located_at = time.perf_counter()
    masks = []
    for region in located.regions:
        box = clip(region.box, page.width, page.height)
        if box[2] > box[0] and box[3] > box[1]:
            masks.append(Region(region.label, box, region.how, region.value, region.quad))
    redaction = draw(page, PageRedaction(None, located, masks), options)
    redaction.timings = {"locate": located_at - started, "mask": time.perf_counter() - located_at}
    return redaction


def draw(page, redaction: PageRedaction, options: IdOptions, watermark_style: tuple[float, float] = (1.0, OPACITY)) -> PageRedaction:
    """`redaction`'s image made anew from the page: the watermark in this style (letter size
    factor, ink opacity), then its masks."""
    scale, opacity = watermark_style
    views = redaction.located.views
    redaction.watermark_size = round(scale * font_size([(vt.view.box[2] - vt.view.box[0], vt.view.box[3] - vt.view.box[1]) for vt in views]))
    redaction.image = add_watermark(page, options.watermark, redaction.watermark_size, opacity)
    black_out(redaction.image, [m.quad for m in redaction.masks])
    return redaction


MAX_ROUNDS = 3  # verifications per copy: what one reading still finds is masked, then read again
# On a small or busy image the watermark may not read back: it is drawn again, darker, in
# other sizes (smaller letters repeat more often between the masks; larger ones stand out on a
# busy ground; the smallest for thumbnail-sized images), up to four times: (letter size factor,
# ink opacity). Tried on the specimens.
WATERMARK_STYLES = ((1.0, OPACITY), (0.8, 0.5), (1.2, 0.5), (1.4, 0.65), (0.65, 0.6))


def redact_id_bytes(data: bytes, suffix: str, options: IdOptions, detector=None, ocr=None, verify_ocrs=None,
                    result: IdResult | None = None) -> tuple[bytes | None, IdResult]:
    """The verified copy's bytes (None when there is none) and what happened. `ocr` locates,
    `verify_ocrs` verify (default: idcard_verify.engines())."""
    if ocr is None or verify_ocrs is None:
        locate_engine, verify_engines = engines()
        ocr = ocr or partial(default_ocr, engine=locate_engine)
        verify_ocrs = verify_ocrs or [partial(default_ocr, engine=e) for e in verify_engines]
    result = result or IdResult(path="")
    started = time.perf_counter()
    pages = idcard_io.read_pages(data, suffix)
    result.timings["read"] = time.perf_counter() - started
    started = time.perf_counter()
    read = [read_page(page, ocr) for page in pages.images]
    blocks = [mrz_blocks(texts) for texts in read]
    reading = time.perf_counter() - started
    redactions = [redact_page(page, options, detector, ocr, texts, [b for other in blocks if other is not own for b in other])
                  for page, texts, own in zip(pages.images, read, blocks)]
    result.timings["locate"] = reading + sum(r.timings["locate"] for r in redactions)
    result.timings["mask"] = sum(r.timings["mask"] for r in redactions)
    result.pages = redactions
    kinds = [r.located.kind for r in redactions if r.located.is_id]
    result.kind = kinds[0] if kinds else None
    if not kinds and not options.non_id:
        result.status = "not an ID document"
        return None, result
    for r in redactions:
        result.review.extend(r.located.review)
    result.review = list(dict.fromkeys(result.review))
    result.timings["verify"] = 0.0
    rounds, styles = 0, iter(WATERMARK_STYLES[1:])
    while rounds < MAX_ROUNDS:
        rounds += 1
        started = time.perf_counter()
        copy = idcard_io.write_pages(pages, [r.image for r in redactions])
        result.timings["mask"] += time.perf_counter() - started
        started = time.perf_counter()
        problems, leaks = _verify(copy, pages, redactions, options, verify_ocrs, result)
        result.timings["verify"] += time.perf_counter() - started
        if not problems:
            result.status = "review" if result.review else "redacted"
            return copy, result
        if all("KOPIE" in p for p in problems):
            style = next(styles, None)
            if style is None:
                break
            rounds -= 1  # a larger watermark is not a masking round
            # Only the drawing changes: what was located, and the masks verification added, stay.
            started = time.perf_counter()
            for page, r in zip(pages.images, redactions):
                draw(page, r, options, style)
            result.timings["mask"] += time.perf_counter() - started
            continue
        if not leaks or len(problems) > sum(1 for p in problems if "readable" in p and "KOPIE" not in p):
            break  # something masking more cannot fix
        for r, page_leaks in zip(redactions, leaks):
            extra = [Region(label, clip(bounds(quad), r.image.width, r.image.height), "verify", "", quad) for label, quad in page_leaks]
            r.masks.extend(extra)
            black_out(r.image, [m.quad for m in extra])
    result.status = "failed"
    result.error = ErrorRecord(result.path, "leak", "copy failed verification, not written: " + "; ".join(problems[:5]))
    return None, result


def _verify(copy: bytes, pages, redactions, options: IdOptions, readers, result: IdResult):
    """Problems with the copy and, per page, the leaks found (label, page box)."""
    problems, leaks = [], []
    if pages.suffix in idcard_io.PDF_SUFFIXES and idcard_io.text_layer(copy).strip():
        problems.append("the PDF copy has a text layer")
    result.verification_lines = []
    for number, (decoded, r) in enumerate(zip(idcard_io.render_copy(copy, pages), redactions), 1):
        if not r.located.is_id and not options.non_id:
            leaks.append([])
            continue
        check = verify_page(decoded, [vt.view for vt in r.located.views], r.masks, r.located.secrets, readers, (options.watermark, r.watermark_size))
        result.verification_lines.append(check.lines)
        leaks.append(check.leaks)
        problems.extend(f"page {number}: {p}" if len(redactions) > 1 else p for p in check.problems)
    return problems, leaks


def redact_id_file(task: RedactTask, options: IdOptions, destination: Destination, key: bytes, detector=None,
                   keep_pages: bool = False, text_redaction=None) -> IdResult:
    """The runner's unit of work for `piiscan redact-id`. `text_redaction` (a TextRedaction):
    how the rest of a mail or an archive is redacted around the ID copies in it."""
    blob = task.blob
    result = IdResult(path=blob.path, size=blob.size)
    container = text_redaction is not None and idcard_container.is_container(blob)
    if not container and not idcard_io.handles(blob.suffix):
        result.status = "not handled"
        result.note = "not an image, a PDF, a mail or an archive piiscan can write back"
        return result
    try:
        if container:
            copy = _redact_container(blob, options, detector, text_redaction, key, result)
        else:
            with blob.open() as stream:
                data = stream.read()
            copy, result = redact_id_bytes(data, blob.suffix, options, detector, result=result)
            result.log = log_records(result, key)
    except idcard_io.NotReadable as exc:
        result.status, result.error = "failed", ErrorRecord(blob.path, "corrupt", str(exc))
        return result
    except Exception as exc:  # noqa: BLE001 - one bad file must not end the run
        result.status, result.error = "failed", ErrorRecord(blob.path, "internal", f"{type(exc).__name__}: {exc}"[:300])
        return result
    if not keep_pages:
        result.pages, result.verification_lines = [], []
    if copy is None:
        return result
    target = destination.root / idcard_io.copy_name(task.relative)
    try:
        _write_private(target, copy, destination.force)
    except FileExistsError:
        result.status, result.error = "failed", ErrorRecord(blob.path, "exists", f"{target} exists (use --force to overwrite)")
        return result
    except OSError as exc:
        result.status, result.error = "failed", ErrorRecord(blob.path, "unwritable", f"{target}: {exc.strerror or exc}")
        return result
    result.output = str(target)
    return result


def _redact_container(blob, options: IdOptions, detector, text_redaction, key: bytes, result: IdResult) -> bytes | None:
    """A mail or an archive: its ID copies masked, the rest redacted (idcard_container)."""
    def one(data: bytes, suffix: str):
        return redact_id_bytes(data, suffix, options, detector)

    copy = idcard_container.redact_container(blob, one, text_redaction)
    members = copy.members
    for m in members:
        result.log.extend(log_records(m.result, key))
        result.review.extend(f"{m.member}: {why}" for why in m.result.review)
        for name, seconds in m.result.timings.items():
            result.timings[name] = result.timings.get(name, 0.0) + seconds
    result.log.extend(log_record(blob.path, entry, key) for entry in copy.text_log)
    result.log.extend({"record": "not_redacted", "path": blob.path, "reason": why} for why in copy.not_redacted)
    kinds = [m.result.kind for m in members if m.result.kind]
    result.kind = ", ".join(dict.fromkeys(kinds)) or None
    if copy.error is not None:
        result.status, result.error = "failed", copy.error
        return None
    if not members and not options.non_id:
        result.status = "not an ID document"
        result.note = "no ID-document copy among its attachments or members (--non-id copies it anyway)"
        return None
    result.status = "review" if result.review or copy.not_redacted else "redacted"
    if copy.not_redacted:
        result.review.extend(f"not redacted: {why}" for why in copy.not_redacted)
    return copy.data


def log_records(result: IdResult, key: bytes) -> list[dict]:
    """The redaction log of one file: each mask drawn, with the masked value and keyed hash."""
    records = []
    for number, page in enumerate(result.pages, 1):
        for region in page.masks:
            record = {"record": "redaction", "path": result.path, "page": number, "entity_type": region.label,
                      "how": region.how, "box": list(region.box)}
            if region.value:
                record["masked"] = mask(region.label, region.value)
                record["hash"] = keyed_hash(key, region.label, region.value)
            records.append(record)
    return records
