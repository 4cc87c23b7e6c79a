"""Method A of PDF redaction: remove the glyphs under the redaction boxes from the content.

The editor replays a page's content stream (and the form XObjects it draws) with enough of
the graphics and text state to know where every glyph lands: CTM, text matrix, font size,
character and word spacing, horizontal scaling, rise, and each font's widths
(pdf_fonts.py). A text-showing operator with a glyph under a box is rewritten as a TJ that
shows the other glyphs of the string and replaces each dropped glyph by a kerning number
of exactly its advance, so everything after it keeps its place. Nothing else in the stream
changes: colours, paths, images and the remaining text are written back as they were.

Forms and images under a box are replaced by edited copies (pdf_images.py paints the
pixels black), drawn under a new name, since the original may appear on other pages. What
the editor cannot measure (vertical writing, unknown CMaps, an inline image under a box)
raises `Unsupported`; the caller rasterises that page.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Callable

import pikepdf

from piiscan.redact.formats.pdf_fonts import Font, Unsupported, load_font
from piiscan.redact.formats.pdf_images import painted_copy

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 in the page's user space
Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_MAX_DEPTH = 12  # nested form XObjects; deeper (or cyclic) nesting is refused


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """m then n (PDF order: a point p maps to p x m x n)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def transform_box(m: Matrix, x0: float, y0: float, x1: float, y1: float) -> Rect:
    a, b, c, d, e, f = m
    xs, ys = [], []
    for x, y in ((x0, y0), (x0, y1), (x1, y0), (x1, y1)):
        xs.append(a * x + c * y + e)
        ys.append(b * x + d * y + f)
    return min(xs), min(ys), max(xs), max(ys)


def _matrix(operands) -> Matrix:
    values = tuple(float(x) for x in operands)
    if len(values) != 6:
        raise Unsupported("malformed matrix")
    return values  # type: ignore[return-value]


def _overlap(a: Rect, b: Rect) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def glyph_hit(glyph: Rect, boxes: list[Rect]) -> bool:
    """A glyph goes when its centre lies in a box or a third of it is covered: a neighbour
    that merely touches the box edge stays, a glyph that is mostly under it does not."""
    cx, cy = (glyph[0] + glyph[2]) / 2, (glyph[1] + glyph[3]) / 2
    area = (glyph[2] - glyph[0]) * (glyph[3] - glyph[1])
    for box in boxes:
        if box[0] <= cx <= box[2] and box[1] <= cy <= box[3]:
            return True
        if area > 0 and _overlap(glyph, box) >= area / 3:
            return True
    return False


def _inherited(page: pikepdf.Dictionary, key: str):
    """A page attribute, looked up the page tree (/Resources may sit on a /Pages node)."""
    node, seen = page, set()
    while isinstance(node, pikepdf.Dictionary) and node.objgen not in seen:
        if key in node:
            return node[key]
        seen.add(node.objgen)
        node = node.get("/Parent")
    return None


@dataclass(frozen=True)
class _State:
    """The graphics state the editor needs; q/Q save and restore all of it."""

    ctm: Matrix = IDENTITY
    font: tuple | None = None  # (resources, name): loaded when text is shown with it
    size: float = 0.0
    char_spacing: float = 0.0
    word_spacing: float = 0.0
    scale: float = 1.0  # Tz / 100
    leading: float = 0.0
    rise: float = 0.0


def _num(value: float) -> Decimal:
    # Enough precision that the dropped glyph's advance is kept to well under a point.
    return Decimal(repr(round(value, 4)))


class ContentEditor:
    """Edits the content of one page. `scrub` cleans marked-content property dictionaries
    (an /ActualText or /Alt can spell the value too) and says whether it changed one."""

    def __init__(self, pdf: pikepdf.Pdf, boxes: list[Rect],
                 scrub: Callable[[pikepdf.Object], bool] = lambda obj: False):
        self.pdf = pdf
        self.boxes = boxes
        self.scrub = scrub
        self.removed = 0  # glyphs dropped
        self._fonts: dict[tuple, Font] = {}
        self._names = 0

    # -- entry point -------------------------------------------------------------------------

    def edit_page(self, page: pikepdf.Page, extra: bytes = b"") -> bool:
        """Rewrite the page's content without the glyphs under the boxes, then append `extra`
        (the black boxes) in the page's initial graphics state. True when anything changed."""
        resources = _inherited(page.obj, "/Resources")
        if not isinstance(resources, pikepdf.Dictionary):
            resources = pikepdf.Dictionary()
        try:
            ops, additions, changed, depth = self._edit(pikepdf.parse_content_stream(page), resources, _State(), 0)
        except (TypeError, ValueError, IndexError, ZeroDivisionError, OverflowError) as exc:
            raise Unsupported(f"malformed content: {exc}") from exc
        if additions:
            page.obj.Resources = self._with_xobjects(resources, additions)
        # The original content may leave q's open or the CTM changed; wrap it so the boxes
        # are drawn in user space whatever it did.
        body = pikepdf.unparse_content_stream(ops)
        data = b"q\n" + body + b"\n" + b"Q\n" * (depth + 1) + extra
        page.obj.Contents = self.pdf.make_stream(data)
        return changed

    # -- the interpreter ---------------------------------------------------------------------

    def _font(self, resources, name) -> Font:
        fonts = resources.get("/Font") if isinstance(resources, pikepdf.Dictionary) else None
        obj = fonts.get(name) if isinstance(fonts, pikepdf.Dictionary) else None
        if not (isinstance(obj, pikepdf.Object) and obj.is_indirect):
            return load_font(obj)  # a direct font has no identity to cache it by
        if obj.objgen not in self._fonts:
            self._fonts[obj.objgen] = load_font(obj)
        return self._fonts[obj.objgen]

    def _edit(self, ops, resources, state: _State, depth: int):
        """Returns (new ops, XObjects to add to `resources`, changed, q's left open)."""
        if depth > _MAX_DEPTH:
            raise Unsupported("form XObjects nested too deeply")
        out = []
        additions: dict[str, pikepdf.Object] = {}
        changed = False
        stack: list[_State] = []
        tm = tlm = IDENTITY
        for instruction in ops:
            if isinstance(instruction, pikepdf.ContentStreamInlineImage):
                self._check_image(state.ctm, "inline image")
                out.append(instruction)
                continue
            operands, op = list(instruction.operands), str(instruction.operator)
            if op == "q":
                stack.append(state)
            elif op == "Q":
                if not stack:
                    continue  # an unmatched Q would pop the wrapper's q: drop it
                state = stack.pop()
            elif op == "cm":
                state = replace(state, ctm=multiply(_matrix(operands), state.ctm))
            elif op == "BT":
                tm = tlm = IDENTITY
            elif op == "Tf" and len(operands) == 2:
                state = replace(state, font=(resources, operands[0]), size=float(operands[1]))
            elif op == "Tc" and operands:
                state = replace(state, char_spacing=float(operands[0]))
            elif op == "Tw" and operands:
                state = replace(state, word_spacing=float(operands[0]))
            elif op == "Tz" and operands:
                state = replace(state, scale=float(operands[0]) / 100)
            elif op == "TL" and operands:
                state = replace(state, leading=float(operands[0]))
            elif op == "Ts" and operands:
                state = replace(state, rise=float(operands[0]))
            elif op in ("Td", "TD") and len(operands) == 2:
                tx, ty = float(operands[0]), float(operands[1])
                if op == "TD":
                    state = replace(state, leading=-ty)
                tm = tlm = multiply((1, 0, 0, 1, tx, ty), tlm)
            elif op == "Tm":
                tm = tlm = _matrix(operands)
            elif op == "T*":
                tm = tlm = multiply((1, 0, 0, 1, 0, -state.leading), tlm)
            elif op in ("Tj", "TJ", "'", '"'):
                prefix = []
                if op == '"' and len(operands) == 3:
                    state = replace(state, word_spacing=float(operands[0]), char_spacing=float(operands[1]))
                    prefix = [([operands[0]], pikepdf.Operator("Tw")), ([operands[1]], pikepdf.Operator("Tc"))]
                    operands = operands[2:]
                if op in ("'", '"'):
                    tm = tlm = multiply((1, 0, 0, 1, 0, -state.leading), tlm)
                    prefix.append(([], pikepdf.Operator("T*")))
                items = list(operands[0]) if op == "TJ" and operands else operands[:1]
                shown, tm, dropped = self._show(items, state, tm)
                if dropped:
                    changed = True
                    out.extend(pikepdf.ContentStreamInstruction(o, p) for o, p in prefix)
                    out.append(pikepdf.ContentStreamInstruction([pikepdf.Array(shown)], pikepdf.Operator("TJ")))
                    continue
            elif op == "Do" and operands:
                replacement = self._do(operands[0], resources, state, depth)
                if replacement is not None:
                    name = self._fresh_name(resources, additions)
                    additions[str(name)] = replacement
                    out.append(pikepdf.ContentStreamInstruction([name], pikepdf.Operator("Do")))
                    changed = True
                    continue
            elif op in ("BDC", "DP") and len(operands) == 2 and isinstance(operands[1], pikepdf.Dictionary):
                if self.scrub(operands[1]):
                    changed = True
                    out.append(pikepdf.ContentStreamInstruction(operands, instruction.operator))
                    continue
            out.append(instruction)
        return out, additions, changed, len(stack)

    def _show(self, items, state: _State, tm: Matrix):
        """Lay out one text-showing operator's strings. Returns the TJ array without the
        glyphs under a box, the text matrix after it, and whether any glyph was dropped."""
        if state.font is None:
            raise Unsupported("text shown without a font")
        font, size, h = self._font(*state.font), state.size, state.scale
        to_user = multiply(tm, state.ctm)
        shown: list = []
        run = bytearray()
        dropped = False
        x = 0.0  # pen position along the baseline, in text space

        def add_number(value: float) -> None:
            if shown and isinstance(shown[-1], Decimal):
                shown[-1] = _num(float(shown[-1]) + value)
            else:
                shown.append(_num(value))

        for item in items:
            if isinstance(item, pikepdf.String):
                for code, width, is_space in font.codes(bytes(item)):
                    advance = (width * size + state.char_spacing + (state.word_spacing if is_space else 0)) * h
                    box = transform_box(to_user, x, state.rise + font.descent * size,
                                        x + width * size * h, state.rise + font.ascent * size)
                    if glyph_hit(box, self.boxes):
                        if run:
                            shown.append(pikepdf.String(bytes(run)))
                            run.clear()
                        # A TJ number n moves the pen by -n/1000 * size * h: the dropped
                        # glyph's exact advance, so the rest of the line keeps its place.
                        if size * h == 0:
                            raise Unsupported("glyph to drop at font size 0")
                        add_number(-advance * 1000 / (size * h))
                        dropped = True
                        self.removed += 1
                    else:
                        run.extend(code)
                    x += advance
            else:
                number = float(item)
                if run:
                    shown.append(pikepdf.String(bytes(run)))
                    run.clear()
                add_number(number)
                x -= number / 1000 * size * h
        if run:
            shown.append(pikepdf.String(bytes(run)))
        return shown, multiply((1, 0, 0, 1, x, 0), tm), dropped

    def _check_image(self, ctm: Matrix, what: str) -> None:
        # An image is drawn in the unit square of its CTM. The pixels of an inline image
        # under a box would still show the value, and it cannot be swapped for a painted
        # copy the way an image XObject is (pdf_images.py): the page is rasterised.
        area = transform_box(ctm, 0, 0, 1, 1)
        if any(_overlap(area, box) > 0 for box in self.boxes):
            raise Unsupported(f"{what} under a redaction box")

    def _do(self, name, resources, state: _State, depth: int):
        """A replacement for the XObject drawn when it shows something under a box (glyphs
        to drop from a form, pixels to paint in an image), else None."""
        xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
        xobject = xobjects.get(name) if isinstance(xobjects, pikepdf.Dictionary) else None
        if not isinstance(xobject, pikepdf.Stream):
            return None
        subtype = xobject.get("/Subtype")
        if subtype == pikepdf.Name.Image:
            return painted_copy(self.pdf, xobject, state.ctm, self.boxes)
        if subtype != pikepdf.Name.Form:
            return None
        matrix = _matrix(xobject.get("/Matrix", IDENTITY))
        inner = replace(state, ctm=multiply(matrix, state.ctm))
        form_resources = xobject.get("/Resources", resources)
        ops, additions, changed, _ = self._edit(pikepdf.parse_content_stream(xobject), form_resources, inner,
                                                depth + 1)
        if not changed:
            return None
        # A copy, never the original: the same form may be drawn on other pages (a letterhead)
        # where nothing is to be removed.
        copy = self.pdf.make_stream(pikepdf.unparse_content_stream(ops))
        for key, value in xobject.items():
            if key not in ("/Length", "/Filter", "/DecodeParms", "/Resources"):
                copy[key] = value
        copy.Resources = self._with_xobjects(form_resources, additions) if additions else form_resources
        return copy

    def _fresh_name(self, resources, additions) -> pikepdf.Name:
        xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
        while True:
            name = f"/PiiscanX{self._names}"
            self._names += 1
            if name not in additions and not (isinstance(xobjects, pikepdf.Dictionary) and name in xobjects):
                return pikepdf.Name(name)

    def _with_xobjects(self, resources, additions: dict[str, pikepdf.Object]) -> pikepdf.Dictionary:
        """A shallow copy of `resources` with `additions` in its /XObject: resource
        dictionaries are often shared between pages and must not change under them."""
        copy = pikepdf.Dictionary()
        if isinstance(resources, pikepdf.Dictionary):
            for key, value in resources.items():
                copy[key] = value
        xobjects = pikepdf.Dictionary()
        old = copy.get("/XObject")
        if isinstance(old, pikepdf.Dictionary):
            for key, value in old.items():
                xobjects[key] = value
        for key, value in additions.items():
            xobjects[key] = value
        copy.XObject = xobjects
        return copy
