"""HTML: the text a browser would show, plus the title, via the stdlib parser (no network, no JS)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Iterator

from piiscan.extract.text import iter_decoded
from piiscan.model import Blob, Location, Segment

_SKIPPED = {"script", "style", "template"}
_BLOCKS = {
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "thead",
    "tfoot", "tr", "ul", "option", "body",
}
_CELLS = {"td", "th"}
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.body: list[str] = []
        self.title: list[str] = []
        self._skip = 0
        self._pre = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _SKIPPED:
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag == "pre":
            self._pre += 1
        if tag in _BLOCKS:
            self.body.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skip = max(self._skip - 1, 0)
        elif tag == "title":
            self._in_title = False
        elif tag == "pre":
            self._pre = max(self._pre - 1, 0)
        if tag in _BLOCKS:
            self.body.append("\n")
        elif tag in _CELLS:
            self.body.append("\t")

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._in_title:
            self.title.append(data)
            return
        # Source line breaks are not visible breaks; collapsing them keeps "Jan\n   Peeters"
        # together as a browser shows it.
        self.body.append(data if self._pre else re.sub(r"\s+", " ", data))


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def html_to_text(html: str) -> str:
    """Visible text of an HTML string (an HTML mail body)."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return _tidy("".join(parser.body))


def extract_html(blob: Blob) -> Iterator[Segment]:
    """Title (part "title") then visible body text (part "body"), each one Segment."""
    parser = _VisibleText()
    with blob.open() as stream:
        found = _META_CHARSET.search(stream.read(4096))
        stream.seek(0)
        hint = found.group(1).decode("ascii", "replace") if found else None
        for piece in iter_decoded(stream, hint=hint):
            parser.feed(piece)
    parser.close()
    title = " ".join("".join(parser.title).split())
    if title:
        yield Segment(title, Location(part="title"))
    body = _tidy("".join(parser.body))
    if body:
        yield Segment(body, Location(part="body"))
