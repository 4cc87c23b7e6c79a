"""The machinery every container redactor shares: archives (archive.py), and e-mail messages
and mbox files (mail.py). An HTML file (html.py) uses `file_wide` too: its pieces (text,
title, attribute values) are detected one by one, like members.

A container's `redact` hands each member to that member's own format module through
`redact_member`, and each member's raw text to verification through `member_raw_texts`. Both go
through one registry and one set of limits, whatever the container:

- limits: the scan's (piiscan.extract.archive, piiscan.run.worker). A container unpacking to
  more than MAX_TOTAL_BYTES (`limits_scope` opens the budget for one top-level file, `charge`
  spends it) or nesting deeper than MAX_DEPTH stops the whole redaction with an
  ExtractionError ("too_large", "too_deep"): a redacted copy of a bomb is never inflated. Any
  other failure of a member's redactor leaves only that member as it was, listed in
  `not_redacted`, never passed off as clean; a member no module redacts is listed the same way.
- file-wide replacement (`file_wide`, `FileWideRedaction`): a value found anywhere in a
  container is replaced everywhere in it. The detector recognises a value by its context
  ("Mevrouw Peeters" in a letter), which another member may lack (the same name in a CSV cell,
  in an attachment's file name, in another message of the mbox). The copy is verified as one
  file, against every value replaced anywhere in it, and a value left in one place would give
  away what was removed in another: so a first pass collects the values, a second replaces
  all of them wherever they occur as whole words (values of MIN_SWEPT characters or more).
  A container inside a container is redacted in its parent's passes, with its parent's values.
- log paths: a member's log entries and not-redacted lines are placed under its member path
  (`join_member`), named as the scan names it (`display_name`).
"""

from __future__ import annotations

import contextvars
import dataclasses
import functools
import re
from contextlib import contextmanager
from typing import Callable, Iterator

from piiscan.extract import _short
from piiscan.model import Blob, ExtractionError, Finding, member_path
from piiscan.redact.formats import LogEntry, RedactedCopy, format_module
from piiscan.redact.text import TextRedaction
from piiscan.run import worker
from piiscan.sources.blob import memory_blob

# Errors that mean "this input is a bomb": they end the whole redaction. Any other failure of
# a member's redactor only leaves that member unredacted (and listed).
_LIMIT_KINDS = frozenset({"too_large", "too_deep"})

# Nesting depth of the member being redacted, and the bytes the whole top-level file may still
# unpack to. Context variables, because the recursion goes through other modules' `redact`
# (zip -> mail -> zip), whose signature carries no depth.
_DEPTH: contextvars.ContextVar[int] = contextvars.ContextVar("redact_depth", default=0)
_BUDGET: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("redact_budget", default=None)
# `piiscan redact-id` on a mail or an archive: the members that are ID-document copies are
# masked by redact-id, not by their format module (see `members_by`).
MemberRedactor = Callable[[Blob, bytes, str], "RedactedCopy | None"]
_MEMBER_REDACTOR: contextvars.ContextVar[MemberRedactor | None] = contextvars.ContextVar("member_redactor", default=None)

_IMAGE_SUFFIXES = frozenset((".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".heic", ".svg", ".ico"))


@contextmanager
def limits_scope(fresh: bool = False) -> Iterator[None]:
    """Opens the size budget for one top-level file (or one pass over it, `fresh`); nested
    calls share their caller's."""
    if _BUDGET.get() is not None and not fresh:
        yield
        return
    token = _BUDGET.set([worker.MAX_TOTAL_BYTES])
    try:
        yield
    finally:
        _BUDGET.reset(token)


def charge(size: int, where: str) -> None:
    budget = _BUDGET.get()
    if budget is None:
        return
    budget[0] -= size
    if budget[0] < 0:
        raise ExtractionError("too_large", f"{where}: container unpacks to more than {worker.MAX_TOTAL_BYTES} bytes")


# Values shorter than this are not searched for beyond where the detector found them (the
# verification does not look for them either): "Jan" stays in "Jan." for January.
MIN_SWEPT = 4


class FileWideRedaction(TextRedaction):
    """The redaction a container hands to its members' modules: the detector's findings,
    plus every value already found in the same file, wherever else it occurs in the text
    (whole words only, same replacement). Every format module goes through `findings`
    (via `replacements` and `apply`), so a DOCX or CSV member is swept like a mail header."""

    def __init__(self, base: TextRedaction, known: dict[str, Finding] | None = None, sweep: bool = False):
        super().__init__(base.detector, base.replacer)
        self.base = base
        self.known: dict[str, Finding] = dict(known or {})
        self._pattern = _values_pattern(self.known) if sweep else None

    def sweeping(self) -> FileWideRedaction:
        """A redaction that replaces every value this one has collected."""
        return FileWideRedaction(self.base, self.known, sweep=True)

    def findings(self, text: str, context: str = "", before: str = "") -> list[Finding]:
        found = self.base.findings(text, context, before)
        for finding in found:
            if len(finding.value.strip()) >= MIN_SWEPT:
                self.known.setdefault(finding.value, finding)
        if self._pattern is None:
            return found
        swept = [
            dataclasses.replace(self.known[m.group()], start=m.start(), end=m.end(), recognizer="file-wide")
            for m in self._pattern.finditer(text)
        ]
        return _merge(found, swept)


def _merge(found: list[Finding], swept: list[Finding]) -> list[Finding]:
    """The detector's findings, plus the swept ones that overlap none of them."""
    chosen = sorted(found, key=lambda f: f.start)
    spans = [(f.start, f.end) for f in chosen]
    for f in swept:
        if all(f.end <= start or f.start >= end for start, end in spans):
            chosen.append(f)
    return sorted(chosen, key=lambda f: f.start)


def _values_pattern(known: dict[str, Finding]):
    """One regular expression for all the values, as a trie ("Sophie (?:Peeters|Maes)"), so
    a file with thousands of values is searched in one pass of the regex engine. A value
    starting or ending in a letter or digit matches only as whole words."""
    tries: dict[bool, dict] = {True: {}, False: {}}
    for value in known:
        node = tries[bool(re.match(r"\w", value))]
        for char in value:
            node = node.setdefault(char, {})
        node[""] = {}
    parts = [("(?<!\\w)" if word else "") + _trie(node, "") for word, node in tries.items() if node]
    return re.compile("|".join(f"(?:{p})" for p in parts)) if parts else None


def _trie(node: dict, last: str) -> str:
    # A chain without branches is one literal (and no recursion per character of a long value).
    chain = ""
    while len(node) == 1 and "" not in node:
        (last, node), = node.items()
        chain += re.escape(last)
    # Longer continuations first: the regex engine takes the first alternative that matches.
    alternatives = [re.escape(char) + _trie(child, char) for char, child in sorted(node.items()) if char]
    if "" in node:
        alternatives.append("(?!\\w)" if re.match(r"\w", last) else "")
    if len(alternatives) == 1:
        return chain + alternatives[0]
    return chain + "(?:" + "|".join(alternatives) + ")"


def file_wide(redact_once: Callable[[Blob, TextRedaction], RedactedCopy]) -> Callable[[Blob, TextRedaction], RedactedCopy]:
    """A container's `redact`, run so that a value found anywhere in the file is replaced
    everywhere in it: a first pass collects the values (the members' modules find them), a
    second redacts with all of them. A container inside one is redacted in its parent's
    passes, with its parent's values."""

    @functools.wraps(redact_once)
    def redact(blob: Blob, redaction: TextRedaction, **options) -> RedactedCopy:
        if isinstance(redaction, FileWideRedaction):
            with limits_scope():
                return redact_once(blob, redaction, **options)
        collecting = FileWideRedaction(redaction)
        with limits_scope(fresh=True):
            first = redact_once(blob, collecting, **options)
        if not first.log:
            return first
        with limits_scope(fresh=True):
            return redact_once(blob, collecting.sweeping(), **options)

    return redact


@contextmanager
def members_by(redactor: MemberRedactor) -> Iterator[None]:
    """While active, each container member is first offered to `redactor(child, data,
    member)`: a RedactedCopy takes the member's place; None leaves it to its format module."""
    token = _MEMBER_REDACTOR.set(redactor)
    try:
        yield
    finally:
        _MEMBER_REDACTOR.reset(token)


def join_member(prefix: str, child: str, sep: str = "!/") -> str:
    """A member path inside a member: "mails/x.eml" + "attachments/a.pdf" ->
    "mails/x.eml!/attachments/a.pdf", as the scan shows it. `sep` is "/" for a message of an
    mbox, whose attachments continue its path ("00017/attachments/a.pdf")."""
    return f"{prefix}{sep}{child}" if child else prefix


def describe(name: str) -> str:
    """What a member is, for a "not redacted" line ("image", ".dat file")."""
    suffix = name[name.rfind("."):].lower() if "." in name else ""
    if suffix in _IMAGE_SUFFIXES:
        return "image"
    return f"{suffix} file" if suffix else "file without a known format"


def redact_member(child: Blob, redaction, member: str, *, sep: str = "!/", what: str | None = None) -> RedactedCopy:
    """A container member redacted by its format module, its log and not-redacted lines
    placed under `member`. A member no module redacts, or whose module fails, comes back as
    it was and is listed in `not_redacted`, never passed off as clean. Limit errors (a bomb,
    too deep) propagate and end the whole redaction."""
    with child.open() as stream:
        data = stream.read()
    charge(len(data), child.path)
    special = _MEMBER_REDACTOR.get()
    if special is not None:
        copy = special(child, data, member)
        if copy is not None:
            return copy
    module = format_module(child)
    if module is None:
        # An empty member holds nothing to redact; anything else must be looked at by a person.
        listed = [f"{member}: {what or describe(child.name)} not redacted"] if data else []
        return RedactedCopy(data, [], listed)
    depth = _DEPTH.get() + 1
    if depth > worker.MAX_DEPTH:
        raise ExtractionError("too_deep", f"{child.path}: nested deeper than {worker.MAX_DEPTH} containers")
    token = _DEPTH.set(depth)
    try:
        copy = module.redact(child, redaction)
    except ExtractionError as exc:
        if exc.kind in _LIMIT_KINDS:
            raise
        return RedactedCopy(data, [], [f"{member}: not redacted ({exc.kind}: {exc.message})"])
    # Format libraries fed hostile bytes fail in every way; one member must not end the file.
    except Exception as exc:  # noqa: BLE001
        return RedactedCopy(data, [], [f"{member}: not redacted ({_short(exc)})"])
    finally:
        _DEPTH.reset(token)
    log = [LogEntry(e.replacement, e.location, join_member(member, e.member, sep)) for e in copy.log]
    listed = [f"{member}{sep}{line}" for line in copy.not_redacted]
    return RedactedCopy(copy.data, log, listed)


def member_raw_texts(name: str, data: bytes) -> Iterator[str]:
    """A member's text for verification: its module's `raw_texts`, or its bytes decoded
    when the module has none (or fails on them)."""
    depth = _DEPTH.get() + 1
    if depth > worker.MAX_DEPTH:
        raise ExtractionError("too_deep", f"{name}: nested deeper than {worker.MAX_DEPTH} containers")
    yield name
    module = format_module(memory_blob(name, data))
    reader = getattr(module, "raw_texts", None) if module is not None else None
    texts: list[str] | None = None
    if reader is not None:
        token = _DEPTH.set(depth)
        try:
            texts = list(reader(data))
        except ExtractionError as exc:
            if exc.kind in _LIMIT_KINDS:
                raise
        except Exception:  # noqa: BLE001 - a reader that fails still leaves the bytes to search
            pass
        finally:
            _DEPTH.reset(token)
    if texts is None:
        texts = [data.decode("utf-8", errors="replace")]
    yield from texts


def display_name(name: str) -> str:
    """A member name as the scan shows it (member_path's normalisation, without a container)."""
    return member_path("", name)[2:]
