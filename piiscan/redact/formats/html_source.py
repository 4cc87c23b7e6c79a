"""Redacting an HTML document in its own source: the text nodes, the title, comments and
attribute values are redacted where they are written, and the markup between them is left
byte for byte as it was (tags, attribute order and quoting, whitespace, character references
that hold no finding).

`HtmlSource` is the entry point, used by the HTML format module (html.py) and for the HTML
bodies of e-mail (mail.py). It cuts the document into pieces and hands each one to the
caller's `add(text, part, write)`, which detects in `text` and calls `write(replacements)` (at
once, if there is anything to replace); `result()` is then the source with every write applied:

    document = HtmlSource(source, codec)
    if document.parse():  # False: the parser gave up on the markup
        document.add_pieces(add)
        if document.changed:
            new_source = document.result()

The pieces, and their `part` for the log:
- "body": the visible text, built as piiscan.extract.html builds it (blocks and cells break
  lines, source whitespace reads as one space, script and style skipped), so detection sees
  what the scan sees: a name split by tags ("<b>Sophie</b> Peeters") is one value. A
  replacement goes where the value starts; the rest of the value is removed from the nodes
  that follow;
- "title": the <title> text;
- "html-attribute": each attribute value that can hold text (a mailto: href, an alt text;
  not layout attributes such as style or class, nor cid: image references);
- "html-comment": each comment.
Character references are decoded for detection ("&#66;E68..." reads as "BE68..."), each
decoded character mapped back to the reference it came from, so a value written with them is
replaced whole. A replacement the document's codec cannot hold is written as character
references, so the charset (and any <meta charset>) stays true.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Callable

from piiscan.extract.html import _BLOCKS, _CELLS, _SKIPPED
from piiscan.redact.text import Replacement, substitute

# write(replacements): applies one piece's replacements; add(text, part, write): detects in
# one piece and calls `write` with what it found.
Write = Callable[[list[Replacement]], None]
AddPiece = Callable[[str, str, Write], object]


# html.unescape's own pattern: one character reference.
_CHARREF = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
# Attributes that hold layout, not text: left alone so the redactor never breaks a style.
_LAYOUT_ATTRIBUTES = frozenset((
    "style", "class", "id", "width", "height", "align", "valign", "bgcolor", "color", "border",
    "cellpadding", "cellspacing", "dir", "lang", "face", "size", "type", "rel", "target",
    "charset", "http-equiv", "name", "colspan", "rowspan", "span", "frame", "rules", "nowrap",
))


class _Run:
    """A stretch of HTML source (a text node, an attribute value, a comment) and its decoded
    text, each decoded character mapped to the source it came from."""

    def __init__(self, source: str, start: int, end: int, decode: bool = True):
        self.start, self.end = start, end
        chars: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        position = start
        matches = _CHARREF.finditer(source, start, end) if decode else ()
        for match in matches:
            self._plain(source, position, match.start(), chars)
            for char in html.unescape(match.group()):
                chars.append(char)
                self.starts.append(match.start())
                self.ends.append(match.end())
            position = match.end()
        self._plain(source, position, end, chars)
        self.text = "".join(chars)

    def _plain(self, source: str, start: int, end: int, chars: list[str]) -> None:
        chars.extend(source[start:end])
        self.starts.extend(range(start, end))
        self.ends.extend(range(start + 1, end + 1))

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        return self.starts[start], self.ends[end - 1]


class _Events(HTMLParser):
    """Records where every token starts; the source between two starts is the token."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.events: list[tuple[str, int, str, str]] = []  # kind, offset, tag, start-tag text

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        self.events.append(("start", self._offset(), tag, self.get_starttag_text() or ""))

    def handle_startendtag(self, tag, attrs):
        self.events.append(("startend", self._offset(), tag, self.get_starttag_text() or ""))

    def handle_endtag(self, tag):
        self.events.append(("end", self._offset(), tag, ""))

    def handle_data(self, data):
        self.events.append(("data", self._offset(), "", ""))

    def handle_comment(self, data):
        self.events.append(("comment", self._offset(), "", data))

    def handle_decl(self, decl):
        self.events.append(("other", self._offset(), "", ""))

    handle_pi = unknown_decl = handle_decl


class HtmlSource:
    """An HTML document's pieces: the visible text (built as piiscan.extract.html builds it,
    so detection sees what the scan sees), the title, each attribute value and each comment;
    their replacements become edits of the source."""

    def __init__(self, source: str, codec: str):
        self.source = source
        self.codec = codec
        self.edits: list[tuple[int, int, str]] = []
        self.events: list[tuple[str, int, int, str, str]] = []

    @property
    def changed(self) -> bool:
        return bool(self.edits)

    def parse(self) -> bool:
        parser = _Events(self.source)
        try:
            parser.feed(self.source)
            parser.close()
        except Exception:  # noqa: BLE001 - the stdlib parser on hostile markup: fall back to text
            return False
        ends = [offset for _, offset, _, _ in parser.events[1:]] + [len(self.source)]
        self.events = [(kind, offset, end, tag, extra) for (kind, offset, tag, extra), end in zip(parser.events, ends)]
        return True

    def add_pieces(self, add: AddPiece) -> None:
        """Hands every piece to `add` (after `parse`)."""
        chars: list[str] = []
        origin: list[tuple[_Run, int] | None] = []
        skip = pre = 0
        in_title = False
        for kind, offset, end, tag, extra in self.events:
            if kind in ("start", "startend"):
                self._attributes(add, offset, extra)
                if tag in _SKIPPED:
                    skip += 1
                elif tag == "title":
                    in_title = True
                elif tag == "pre":
                    pre += 1
                if tag in _BLOCKS:
                    chars.append("\n")
                    origin.append(None)
            if kind in ("end", "startend"):
                if tag in _SKIPPED:
                    skip = max(skip - 1, 0)
                elif tag == "title":
                    in_title = False
                elif tag == "pre":
                    pre = max(pre - 1, 0)
                if tag in _BLOCKS or tag in _CELLS:
                    chars.append("\n" if tag in _BLOCKS else "\t")
                    origin.append(None)
            elif kind == "data" and not skip:
                run = _Run(self.source, offset, end)
                if in_title:
                    add(run.text, "title", self._run_writer(run, quote=False))
                elif pre:
                    chars.extend(run.text)
                    origin.extend((run, i) for i in range(len(run.text)))
                else:
                    # Source line breaks are not visible breaks: whitespace runs read as one space.
                    for match in re.finditer(r"\s+|\S+", run.text):
                        if match.group().isspace():
                            chars.append(" ")
                            origin.append((run, match.start()))
                        else:
                            chars.extend(match.group())
                            origin.extend((run, i) for i in range(match.start(), match.end()))
            elif kind == "comment" and extra.strip():
                start = offset + 4  # after "<!--"
                if self.source.startswith("<!--", offset) and self.source.startswith(extra, start):
                    run = _Run(self.source, start, start + len(extra), decode=False)
                    add(run.text, "html-comment", self._run_writer(run, quote=False, escape=False))
        text, origin = _tidy_mapped("".join(chars), origin)
        if text.strip():
            add(text, "body", lambda replacements: self._visible_edits(replacements, origin))

    def _attributes(self, add: AddPiece, offset: int, tag_text: str) -> None:
        opening = re.match(r"<[^\s/>]*", tag_text)
        if opening is None:
            return
        name_end = opening.end()
        for match in _ATTRIBUTE.finditer(tag_text, name_end):
            if match.group(1).lower() in _LAYOUT_ATTRIBUTES:
                continue
            group = next((g for g in (2, 3, 4) if match.group(g) is not None), None)
            if group is None:
                continue
            run = _Run(self.source, offset + match.start(group), offset + match.end(group))
            if not run.text.strip() or run.text.lower().startswith("cid:"):
                continue  # a reference to an inline image part: an identifier, not text
            add(run.text, "html-attribute", self._run_writer(run, quote=True, unquoted=group == 4))

    def _encodable(self, text: str) -> str:
        # A replacement the body's charset cannot hold is written as character references,
        # which keeps the charset (and any <meta charset>) true.
        try:
            return text.encode(self.codec, errors="xmlcharrefreplace").decode(self.codec)
        except (UnicodeError, LookupError):
            return text

    def _run_writer(self, run: _Run, quote: bool, escape: bool = True, unquoted: bool = False):
        def write(replacements):
            if unquoted:
                # An unquoted value cannot take a space: the whole value is rewritten quoted.
                new = html.escape(substitute(run.text, replacements), quote=True)
                self.edits.append((run.start, run.end, f'"{self._encodable(new)}"'))
                return
            for r in replacements:
                start, end = run.source_span(r.start, r.end)
                new = html.escape(r.replacement, quote=quote) if escape else r.replacement
                self.edits.append((start, end, self._encodable(new)))
        return write

    def _visible_edits(self, replacements: list[Replacement], origin: list) -> None:
        for r in replacements:
            spans: dict[int, list] = {}  # run id -> [run, first, last] in the order met
            for item in origin[r.start:r.end]:
                if item is None:
                    continue
                run, index = item
                span = spans.setdefault(id(run), [run, index, index])
                span[2] = index
            # The replacement goes where the value starts; the rest of a value that spans
            # several nodes ("<b>Sophie</b> Peeters") is removed from the following ones.
            for position, (run, first, last) in enumerate(spans.values()):
                start, end = run.source_span(first, last + 1)
                new = self._encodable(html.escape(r.replacement, quote=False)) if position == 0 else ""
                self.edits.append((start, end, new))

    def result(self) -> str:
        """The source with every edit written."""
        out, position = [], 0
        for start, end, new in sorted(self.edits, key=lambda e: (e[0], e[1])):
            if start < position:  # overlapping edits of one source span: the first one holds
                start = position
                new = new if end > position else ""
            out.append(self.source[position:start])
            out.append(new)
            position = max(position, end)
        out.append(self.source[position:])
        return "".join(out)


def _tidy_mapped(text: str, origin: list) -> tuple[str, list]:
    """piiscan.extract.html._tidy, keeping each character's origin."""
    for pattern, replacement in ((re.compile(r"[ \t]*\n[ \t]*"), "\n"), (re.compile(r"\n{3,}"), "\n\n")):
        chars: list[str] = []
        mapped: list = []
        position = 0
        for match in pattern.finditer(text):
            chars.append(text[position:match.start()])
            mapped.extend(origin[position:match.start()])
            chars.append(replacement)
            mapped.extend([None] * len(replacement))
            position = match.end()
        chars.append(text[position:])
        mapped.extend(origin[position:])
        text, origin = "".join(chars), mapped
    lead = len(text) - len(text.lstrip())
    trail = len(text.rstrip())
    return text[lead:trail], origin[lead:trail]
