"""Glyph metrics of PDF fonts, enough to place every glyph a text operator shows.

The content-stream editor (pdf_content.py) must know where each glyph of a string lands to
decide which ones sit under a redaction box, and how far to move the pen when it drops them.
That needs, per font: how the string's bytes split into character codes, each code's
advance width, and a rough glyph height. Fonts this module cannot measure raise
`Unsupported`; the caller then rasterises the page instead of guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pikepdf

# The standard 14 fonts may come without /Widths; their metrics ship with pdfminer.six
# (a dependency of pdfplumber), keyed by Unicode character.
from pdfminer.encodingdb import EncodingDB
from pdfminer.fontmetrics import FONT_METRICS
from pdfminer.psparser import LIT


class Unsupported(Exception):
    """The content cannot be edited with confidence; the page is rasterised instead."""


# Names of the standard fonts as producers write them, mapped to the metrics' names.
_STANDARD_ALIASES = {
    "arial": "Helvetica", "arialmt": "Helvetica", "helvetica": "Helvetica",
    "arial,bold": "Helvetica-Bold", "arial-boldmt": "Helvetica-Bold", "helvetica-bold": "Helvetica-Bold",
    "arial,italic": "Helvetica-Oblique", "arial-italicmt": "Helvetica-Oblique",
    "helvetica-oblique": "Helvetica-Oblique",
    "arial,bolditalic": "Helvetica-BoldOblique", "arial-bolditalicmt": "Helvetica-BoldOblique",
    "helvetica-boldoblique": "Helvetica-BoldOblique",
    "timesnewroman": "Times-Roman", "timesnewromanpsmt": "Times-Roman", "times-roman": "Times-Roman",
    "timesnewroman,bold": "Times-Bold", "timesnewromanps-boldmt": "Times-Bold", "times-bold": "Times-Bold",
    "timesnewroman,italic": "Times-Italic", "timesnewromanps-italicmt": "Times-Italic",
    "times-italic": "Times-Italic",
    "timesnewroman,bolditalic": "Times-BoldItalic", "timesnewromanps-bolditalicmt": "Times-BoldItalic",
    "times-bolditalic": "Times-BoldItalic",
    "couriernew": "Courier", "couriernewpsmt": "Courier", "courier": "Courier",
    "couriernew,bold": "Courier-Bold", "courier-bold": "Courier-Bold",
    "couriernew,italic": "Courier-Oblique", "courier-oblique": "Courier-Oblique",
    "couriernew,bolditalic": "Courier-BoldOblique", "courier-boldoblique": "Courier-BoldOblique",
    "symbol": "Symbol", "zapfdingbats": "ZapfDingbats",
}
# Descent and ascent (fractions of the font size) when a font does not say.
_DEFAULT_DESCENT, _DEFAULT_ASCENT = -0.2, 0.8


@dataclass
class Font:
    """One font resource: how to split strings into codes and how wide each code is.

    Widths and heights are in text space units per unit of font size (glyph space / 1000
    for all fonts but Type 3)."""

    widths: dict[int, float]
    default_width: float
    descent: float = _DEFAULT_DESCENT
    ascent: float = _DEFAULT_ASCENT
    # Codespace ranges of a composite font: (byte length, low, high); empty for 1-byte fonts.
    codespace: list[tuple[int, int, int]] = field(default_factory=list)
    # Code -> CID for composite fonts with a non-identity CMap (widths are keyed by CID).
    cids: dict[int, int] | None = None

    def codes(self, data: bytes) -> list[tuple[bytes, float, bool]]:
        """(code bytes, width, is the one-byte code 32) for every code in a shown string;
        word spacing (Tw) applies to the last kind only."""
        out = []
        if not self.codespace:
            for b in data:
                out.append((bytes((b,)), self.widths.get(b, self.default_width), b == 32))
            return out
        i = 0
        while i < len(data):
            for length, low, high in self.codespace:
                chunk = data[i:i + length]
                if len(chunk) == length and low <= int.from_bytes(chunk, "big") <= high:
                    break
            else:
                # Bytes outside every range: PDF readers consume the shortest length; so do we.
                length = min(r[0] for r in self.codespace)
                chunk = data[i:i + length]
            code = int.from_bytes(chunk, "big")
            cid = code if self.cids is None else self.cids.get(code, 0)
            out.append((chunk, self.widths.get(cid, self.default_width), chunk == b" "))
            i += length
        return out


def _number(obj, default: float = 0.0) -> float:
    try:
        return float(obj)
    except (TypeError, ValueError):
        return default


def _heights(descriptor, scale: float = 0.001) -> tuple[float, float]:
    """Descent and ascent from a font descriptor, kept within sane bounds: some producers
    write 0 or the whole font box, and a glyph box taller than a line would reach into the
    neighbouring lines."""
    if not isinstance(descriptor, pikepdf.Dictionary):
        return _DEFAULT_DESCENT, _DEFAULT_ASCENT
    descent = _number(descriptor.get("/Descent"), _DEFAULT_DESCENT / scale) * scale
    ascent = _number(descriptor.get("/Ascent"), _DEFAULT_ASCENT / scale) * scale
    descent = min(max(descent, -0.4), -0.1) if descent else _DEFAULT_DESCENT
    ascent = min(max(ascent, 0.6), 1.0) if ascent else _DEFAULT_ASCENT
    return descent, ascent


def _standard_widths(font: pikepdf.Dictionary) -> tuple[dict[int, float], float] | None:
    """Widths of a standard-14 font given without /Widths, through its encoding."""
    base = str(font.get("/BaseFont", ""))[1:]
    base = re.sub(r"^[A-Z]{6}\+", "", base)  # subset prefix
    name = _STANDARD_ALIASES.get(base.lower())
    if name is None or name not in FONT_METRICS:
        return None
    metrics = FONT_METRICS[name][1]
    encoding = font.get("/Encoding")
    # Symbolic fonts use their built-in encoding, which pdfminer keys by code already.
    if name in ("Symbol", "ZapfDingbats") and encoding is None:
        return {ord(k): v / 1000 for k, v in metrics.items() if len(k) == 1}, 0.5
    base_encoding, differences = "StandardEncoding", []
    if isinstance(encoding, pikepdf.Name):
        base_encoding = str(encoding)[1:]
    elif isinstance(encoding, pikepdf.Dictionary):
        base_encoding = str(encoding.get("/BaseEncoding", "/StandardEncoding"))[1:]
        for item in encoding.get("/Differences", []):
            differences.append(LIT(str(item)[1:]) if isinstance(item, pikepdf.Name) else int(item))
    to_unicode = EncodingDB.get_encoding(base_encoding, differences)
    widths = {code: metrics[char] / 1000 for code, char in to_unicode.items() if char in metrics}
    return widths, metrics.get(" ", 500) / 1000


def _simple_font(font: pikepdf.Dictionary, subtype: str) -> Font:
    descriptor = font.get("/FontDescriptor")
    scale = 0.001
    if subtype == "/Type3":
        matrix = [_number(x) for x in font.get("/FontMatrix", [0.001, 0, 0, 0.001, 0, 0])]
        if len(matrix) != 6 or matrix[1] or matrix[2] or not matrix[0]:
            raise Unsupported("Type 3 font with a rotated or skewed font matrix")
        scale = matrix[0]
    widths_array = font.get("/Widths")
    if isinstance(widths_array, pikepdf.Array):
        first = int(_number(font.get("/FirstChar"), 0))
        widths = {first + i: _number(w) * scale for i, w in enumerate(widths_array)}
        missing = _number(descriptor.get("/MissingWidth"), 0) if isinstance(descriptor, pikepdf.Dictionary) else 0
        default = missing * scale
    else:
        standard = _standard_widths(font)
        if standard is None:
            raise Unsupported(f"font {font.get('/BaseFont')} without widths")
        widths, default = standard
    if subtype == "/Type3":
        bbox = [_number(x) for x in font.get("/FontBBox", [0, 0, 0, 0])]
        ys = (bbox[1] * scale, bbox[3] * scale) if len(bbox) == 4 else (0, 0)
        descent, ascent = (min(ys), max(ys)) if ys[0] != ys[1] else (_DEFAULT_DESCENT, _DEFAULT_ASCENT)
    else:
        descent, ascent = _heights(descriptor)
    return Font(widths, default, descent, ascent)


def _cid_widths(descendant: pikepdf.Dictionary) -> tuple[dict[int, float], float]:
    widths: dict[int, float] = {}
    w = list(descendant.get("/W", []))
    i = 0
    # /W is a list of "c [w1 w2 ...]" and "c_first c_last w" entries.
    while i < len(w):
        first = int(w[i])
        if i + 1 < len(w) and isinstance(w[i + 1], pikepdf.Array):
            for k, width in enumerate(w[i + 1]):
                widths[first + k] = _number(width) / 1000
            i += 2
        elif i + 2 < len(w):
            last, width = int(w[i + 1]), _number(w[i + 2]) / 1000
            if last - first > 70000:
                raise Unsupported("implausible /W range")
            for cid in range(first, last + 1):
                widths[cid] = width
            i += 3
        else:
            break
    return widths, _number(descendant.get("/DW"), 1000) / 1000


_HEX = rb"<([0-9A-Fa-f]+)>"


def _embedded_cmap(stream: pikepdf.Stream) -> tuple[list[tuple[int, int, int]], dict[int, int]]:
    """Codespace ranges and code -> CID of an embedded CMap (only the parts widths need)."""
    data = stream.read_bytes()
    if b"usecmap" in data:
        raise Unsupported("CMap that uses another CMap")
    codespace = []
    for block in re.findall(rb"begincodespacerange(.*?)endcodespacerange", data, re.S):
        for low, high in re.findall(_HEX + rb"\s*" + _HEX, block):
            codespace.append((len(low) // 2, int(low, 16), int(high, 16)))
    cids: dict[int, int] = {}
    for block in re.findall(rb"begincidrange(.*?)endcidrange", data, re.S):
        for low, high, cid in re.findall(_HEX + rb"\s*" + _HEX + rb"\s*(\d+)", block):
            lo, hi = int(low, 16), int(high, 16)
            if hi - lo > 70000:
                raise Unsupported("implausible CMap range")
            for k in range(hi - lo + 1):
                cids[lo + k] = int(cid) + k
    for block in re.findall(rb"begincidchar(.*?)endcidchar", data, re.S):
        for code, cid in re.findall(_HEX + rb"\s*(\d+)", block):
            cids[int(code, 16)] = int(cid)
    if not codespace:
        raise Unsupported("CMap without codespace ranges")
    return codespace, cids


def _composite_font(font: pikepdf.Dictionary) -> Font:
    descendants = font.get("/DescendantFonts")
    if not isinstance(descendants, pikepdf.Array) or not len(descendants):
        raise Unsupported("Type0 font without a descendant font")
    descendant = descendants[0]
    widths, default = _cid_widths(descendant)
    descent, ascent = _heights(descendant.get("/FontDescriptor"))
    encoding = font.get("/Encoding")
    if isinstance(encoding, pikepdf.Name):
        name = str(encoding)[1:]
        if name.endswith("-V"):
            raise Unsupported("vertical writing")
        # Identity-H and the UCS-2/UTF-16 CMaps use two bytes per code; the code is the CID
        # only for Identity-H, which is what nearly every producer writes.
        if name != "Identity-H":
            raise Unsupported(f"predefined CMap {name}")
        return Font(widths, default, descent, ascent, codespace=[(2, 0, 0xFFFF)])
    if isinstance(encoding, pikepdf.Stream):
        if str(encoding.get("/WMode", 0)) == "1":
            raise Unsupported("vertical writing")
        codespace, cids = _embedded_cmap(encoding)
        return Font(widths, default, descent, ascent, codespace=codespace, cids=cids)
    raise Unsupported("Type0 font without an encoding")


def load_font(font) -> Font:
    if not isinstance(font, pikepdf.Dictionary):
        raise Unsupported("missing font resource")
    subtype = str(font.get("/Subtype", ""))
    if subtype == "/Type0":
        return _composite_font(font)
    if subtype in ("/Type1", "/MMType1", "/TrueType", "/Type3", ""):
        return _simple_font(font, subtype)
    raise Unsupported(f"font subtype {subtype}")
