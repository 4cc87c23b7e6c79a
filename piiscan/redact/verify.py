"""Every copy is checked before it is kept: a redaction that leaves data recoverable is worse
than none.

Two independent readings of the copy's bytes:
1. the scan's own path: the copy is opened by piiscan's extractors (recursively, for mail and
   archives) and scanned again; it must open, and nothing may be found in it but the
   replacements themselves (a pseudonym is a valid IBAN on purpose);
2. the format's raw reading (`raw_texts`: the XML of every part of a Word file, every
   decompressed stream of a PDF, each decoding of a text file) is searched for every
   original value, also with its separators removed, so a value hidden where the extractors
   do not look (white text, an old PDF revision, a document property) is caught too.
Any problem makes the copy an error: it is deleted, never published.
"""

from __future__ import annotations

import re
from types import ModuleType
from typing import Iterable, Iterator

from piiscan.detect.engine import Detector
from piiscan.model import Blob
from piiscan.redact.text import Replacement
from piiscan.run.worker import scan_blob
from piiscan.sources.blob import memory_blob

MAX_PROBLEMS = 5
# Text read off an image (OCR) is not redacted by `piiscan redact`; an ID-document copy is.
_IMAGE_HINT = " — text in an image: ID-document copies are masked by piiscan redact-id"
_WORDS = ("PERSON", "POSTAL_ADDRESS")
_SEPARATORS = re.compile(r"[\s.\-/()]+")


def verify(copy: Blob, replacements: Iterable[Replacement], detector: Detector, module: ModuleType,
           kept: dict[str, frozenset[str]] | None = None) -> list[str]:
    """Problems with a redacted copy; an empty list means it is clean. `kept`: members
    (paths as the scan shows them) that may still show some entity types — the ID-document
    copies `piiscan redact-id` masked and verified itself, whose name and birth date stay
    readable on purpose."""
    replacements = list(replacements)
    problems: list[str] = []
    result = scan_blob(copy, detector)
    if result.error is not None:
        problems.append(f"the copy does not open: {result.error.message}")
    for error in result.member_errors:
        if error.kind not in ("unsupported", "binary"):
            problems.append(f"{error.path}: does not open in the copy: {error.message}")
    ours = {r.replacement for r in replacements}
    for finding in result.findings:
        if _kept(finding, kept):
            continue
        if finding.value not in ours and finding.value.strip() not in ours:
            where = finding.location.as_dict()
            hint = _IMAGE_HINT if where.get("part") == "ocr" else ""
            problems.append(f"{finding.path}: still holds a {finding.entity_type} ({where or 'offset ' + str(finding.start)}){hint}")
    with copy.open() as stream:
        data = stream.read()
    texts = list(_raw_texts(module, data))
    for needle, entity_type in _needles(replacements):
        if entity_type in _WORDS:
            # A name is words: "Field" found as a name must not condemn "fields" elsewhere.
            word = re.compile(rf"(?<![^\W_]){re.escape(needle)}(?![^\W_])")
            found = any(word.search(text) for text in texts)
        else:
            found = any(needle in text for text in texts)
        if found:
            problems.append(f"an original {entity_type} is still in the copy's raw content")
    return problems[:MAX_PROBLEMS]


def verify_bytes(name: str, data: bytes, replacements: Iterable[Replacement], detector: Detector, module: ModuleType,
                 kept: dict[str, frozenset[str]] | None = None) -> list[str]:
    return verify(memory_blob(name, data), replacements, detector, module, kept)


def _kept(finding, kept: dict[str, frozenset[str]] | None) -> bool:
    if not kept:
        return False
    for member, types in kept.items():
        if finding.path == member or finding.path.startswith(member + "!/"):
            return finding.entity_type in types
    return False


def _raw_texts(module: ModuleType, data: bytes) -> Iterator[str]:
    reader = getattr(module, "raw_texts", None)
    if reader is not None:
        for text in reader(data):
            yield text
            yield _SEPARATORS.sub("", text)
    else:
        text = data.decode("utf-8", errors="ignore")
        yield text
        yield _SEPARATORS.sub("", text)


def _needles(replacements: list[Replacement]) -> set[tuple[str, str]]:
    """The strings whose presence would give a value away: the value as written and without
    separators. Names and addresses are searched as written only (their words alone are not
    the value: "Peeters" also names a street)."""
    needles: set[tuple[str, str]] = set()
    for r in replacements:
        value = r.value.strip()
        if len(value) < 4 or value == r.replacement:
            continue
        needles.add((value, r.entity_type))
        if r.entity_type not in _WORDS:
            compact = _SEPARATORS.sub("", value)
            if len(compact) >= 6 and compact not in r.replacement:
                needles.add((compact, r.entity_type))
    return needles
