"""Small inline SVG charts for the audit report, drawn in Python.

Why not a chart library or a script: the report is one file that is mailed around and
opened offline under a Content-Security-Policy that forbids scripts, so charts must be
plain markup. Each function takes plain numbers and labels and returns an SVG string
that carries its own <title> and aria-label (screen readers, hover) and axis labels.

Every piece of text that goes into the SVG is XML-escaped here: labels may come from a
user's own recognizer names, and the caller inserts the SVG into the page unescaped.
No xmlns attribute: SVG inside HTML needs none, and the report must hold no URL at all.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

# Okabe–Ito colours: told apart by people with the common colour-vision deficiencies,
# and still distinct when printed in greyscale (different lightness).
BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
VERMILLION = "#D55E00"
SKY = "#56B4E9"
TEXT = "#222222"
AXIS = "#555555"
GRID = "#dddddd"

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
_CHAR_WIDTH = 6.6  # rough width of one 12px character, to size the label column


@dataclass(frozen=True)
class Series:
    """One named row of values, drawn in one colour."""

    name: str
    values: Sequence[float]
    colour: str = BLUE


def _esc(text: object) -> str:
    return escape(str(text), quote=True)


def format_count(value: float) -> str:
    """12345 -> '12,345'; counts are whole numbers, but keep a fraction when one is given."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^k that is >= value: a round top for an axis."""
    if value <= 0:
        return 1
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        candidate = step * 10**exponent
        if candidate >= value:
            # Counts never need a fractional top (an axis to 2.5 for a maximum of 2).
            return candidate if candidate >= 10 or float(candidate).is_integer() else math.ceil(candidate)
    return 10 ** (exponent + 1)  # pragma: no cover - the loop always returns


def axis_ticks(top: float) -> list[float]:
    """Evenly spaced ticks from 0 to top, with a whole-number step where one exists.

    Counts read badly as 6.25 or 12,500, so prefer 4 or 5 steps of 1, 2, 2.5 or 5 × 10^k.
    """
    def round_step(step: float) -> bool:
        mantissa = step / 10 ** math.floor(math.log10(step))
        return float(step).is_integer() and round(mantissa, 6) in (1, 2, 2.5, 5)

    for count in (4, 5, 2, 3, 1):
        if round_step(top / count):
            break
    else:
        count = 4
    step = top / count
    return [round(i * step, 6) for i in range(count + 1)]


def _svg_open(width: int, height: int, title: str, kind: str) -> list[str]:
    return [
        f'<svg class="chart chart-{kind}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{_esc(title)}" font-family="{_esc(FONT)}" '
        f'font-size="12" fill="{TEXT}">',
        f"<title>{_esc(title)}</title>",
    ]


def _no_data(width: int, height: int, title: str, kind: str, message: str) -> str:
    parts = _svg_open(width, height, title, kind)
    parts.append(
        f'<text x="{width / 2:.1f}" y="{height / 2:.1f}" text-anchor="middle" fill="{AXIS}">{_esc(message)}</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts)


def _shorten(label: str, max_chars: int) -> str:
    return label if len(label) <= max_chars else label[: max_chars - 1] + "…"


def horizontal_bar_chart(
    items: Sequence[tuple[str, float]],
    *,
    title: str,
    value_label: str,
    colour: str = BLUE,
    width: int = 640,
    bar_height: int = 22,
) -> str:
    """One bar per (label, value), longest first as given, each labelled with its count.

    Bar lengths are proportional to the values, scaled so the largest fills the plot.
    """
    if not items:
        return _no_data(width, 80, title, "hbar", "No data")
    max_chars = 30
    label_w = min(max(len(label) for label, _ in items), max_chars) * _CHAR_WIDTH + 12
    count_w = max(len(format_count(v)) for _, v in items) * _CHAR_WIDTH + 10
    top, bottom = 8, 34
    plot_left = label_w
    plot_w = width - label_w - count_w - 8
    height = top + bar_height * len(items) + bottom
    largest = max(v for _, v in items) or 1

    parts = _svg_open(width, height, title, "hbar")
    for i, (label, value) in enumerate(items):
        y = top + i * bar_height
        bar_w = plot_w * value / largest
        mid = y + bar_height / 2
        parts.append(
            f'<text x="{plot_left - 8:.1f}" y="{mid + 4:.1f}" text-anchor="end">{_esc(_shorten(label, max_chars))}</text>'
        )
        parts.append(
            f'<rect class="bar" x="{plot_left:.1f}" y="{y + 3:.1f}" width="{bar_w:.2f}" '
            f'height="{bar_height - 6}" fill="{colour}" data-value="{_esc(value)}">'
            f"<title>{_esc(label)}: {format_count(value)}</title></rect>"
        )
        parts.append(
            f'<text class="value" x="{plot_left + bar_w + 6:.1f}" y="{mid + 4:.1f}">{format_count(value)}</text>'
        )
    axis_y = top + bar_height * len(items)
    parts.append(
        f'<line x1="{plot_left}" y1="{top}" x2="{plot_left}" y2="{axis_y}" stroke="{AXIS}" stroke-width="1"/>'
    )
    parts.append(
        f'<text class="axis-label" x="{plot_left + plot_w / 2:.1f}" y="{axis_y + 22}" '
        f'text-anchor="middle" fill="{AXIS}">{_esc(value_label)}</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts)


class _Frame:
    """The plot area of a chart with a category x axis and a count y axis."""

    def __init__(self, width: int, height: int, top_value: float, legend: bool):
        self.left, self.right = 58, 14
        self.top = 30 if legend else 14
        self.bottom = 52
        self.width, self.height = width, height
        self.plot_w = width - self.left - self.right
        self.plot_h = height - self.top - self.bottom
        self.y_top = nice_ceiling(top_value)

    def y(self, value: float) -> float:
        return self.top + self.plot_h * (1 - value / self.y_top)

    def axes(self, categories: Sequence[str], x_of, x_label: str, y_label: str) -> list[str]:
        out: list[str] = []
        for tick in axis_ticks(self.y_top):
            y = self.y(tick)
            out.append(
                f'<line x1="{self.left}" y1="{y:.1f}" x2="{self.width - self.right}" y2="{y:.1f}" '
                f'stroke="{GRID}" stroke-width="1"/>'
            )
            out.append(
                f'<text x="{self.left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{AXIS}">{format_count(tick)}</text>'
            )
        base = self.top + self.plot_h
        out.append(
            f'<line x1="{self.left}" y1="{base}" x2="{self.width - self.right}" y2="{base}" stroke="{AXIS}" stroke-width="1"/>'
        )
        # Many runs: label every k-th category so the labels never overlap.
        every = max(1, math.ceil(len(categories) / 10))
        for i, category in enumerate(categories):
            if i % every and i != len(categories) - 1:
                continue
            out.append(
                f'<text class="tick" x="{x_of(i):.1f}" y="{base + 16}" text-anchor="middle" fill="{AXIS}">'
                f"{_esc(_shorten(category, 12))}</text>"
            )
        out.append(
            f'<text class="axis-label" x="{self.left + self.plot_w / 2:.1f}" y="{self.height - 8}" '
            f'text-anchor="middle" fill="{AXIS}">{_esc(x_label)}</text>'
        )
        mid_y = self.top + self.plot_h / 2
        out.append(
            f'<text class="axis-label" x="14" y="{mid_y:.1f}" text-anchor="middle" fill="{AXIS}" '
            f'transform="rotate(-90 14 {mid_y:.1f})">{_esc(y_label)}</text>'
        )
        return out

    def legend(self, series: Sequence[Series]) -> list[str]:
        out, x = [], self.left
        for s in series:
            out.append(f'<rect x="{x}" y="8" width="12" height="12" fill="{s.colour}"/>')
            out.append(f'<text x="{x + 17}" y="18">{_esc(s.name)}</text>')
            x += 17 + len(s.name) * _CHAR_WIDTH + 22
        return out


def column_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    x_label: str,
    y_label: str,
    width: int = 640,
    height: int = 260,
) -> str:
    """Vertical bars per category, grouped when there is more than one series.

    Bar heights are proportional to the values (the axis starts at zero).
    """
    if not categories or not series:
        return _no_data(width, 80, title, "columns", "No data")
    largest = max((v for s in series for v in s.values), default=0)
    frame = _Frame(width, height, largest, legend=len(series) > 1)
    band = frame.plot_w / len(categories)
    group_w = band * 0.7
    bar_w = group_w / len(series)

    def centre(i: int) -> float:
        return frame.left + band * (i + 0.5)

    parts = _svg_open(width, height, title, "columns")
    parts += frame.axes(categories, centre, x_label, y_label)
    if len(series) > 1:
        parts += frame.legend(series)
    show_values = len(categories) * len(series) <= 30
    base = frame.top + frame.plot_h
    for si, s in enumerate(series):
        for i, value in enumerate(s.values):
            x = centre(i) - group_w / 2 + si * bar_w
            y = frame.y(value)
            parts.append(
                f'<rect class="bar" x="{x:.2f}" y="{y:.2f}" width="{bar_w * 0.92:.2f}" height="{base - y:.2f}" '
                f'fill="{s.colour}" data-value="{_esc(value)}">'
                f"<title>{_esc(categories[i])} — {_esc(s.name)}: {format_count(value)}</title></rect>"
            )
            if show_values and value:
                parts.append(
                    f'<text class="value" x="{x + bar_w * 0.46:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
                    f'font-size="11">{format_count(value)}</text>'
                )
    parts.append("</svg>")
    return "\n".join(parts)


def line_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    x_label: str,
    y_label: str,
    width: int = 640,
    height: int = 260,
) -> str:
    """One line with a dot per category for each series; dots carry their value."""
    if not categories or not series:
        return _no_data(width, 80, title, "line", "No data")
    largest = max((v for s in series for v in s.values), default=0)
    frame = _Frame(width, height, largest, legend=len(series) > 1)
    n = len(categories)

    def x_of(i: int) -> float:
        if n == 1:
            return frame.left + frame.plot_w / 2
        return frame.left + 16 + (frame.plot_w - 32) * i / (n - 1)

    parts = _svg_open(width, height, title, "line")
    parts += frame.axes(categories, x_of, x_label, y_label)
    if len(series) > 1:
        parts += frame.legend(series)
    label_every_point = n <= 15
    for s in series:
        points = [(x_of(i), frame.y(v)) for i, v in enumerate(s.values)]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(
                f'<polyline class="line" points="{path}" fill="none" stroke="{s.colour}" stroke-width="2.5" '
                f'stroke-linejoin="round"/>'
            )
        for i, ((x, y), value) in enumerate(zip(points, s.values)):
            parts.append(
                f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{s.colour}" data-value="{_esc(value)}">'
                f"<title>{_esc(categories[i])} — {_esc(s.name)}: {format_count(value)}</title></circle>"
            )
            if label_every_point or i == n - 1:
                parts.append(
                    f'<text class="value" x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle" font-size="11">'
                    f"{format_count(value)}</text>"
                )
    parts.append("</svg>")
    return "\n".join(parts)


def mini_bar(value: float, maximum: float, *, label: str, width: int = 120, height: int = 10,
             colour: str = BLUE) -> str:
    """A small bar for a table cell: value's share of maximum, on a light track."""
    share = 0.0 if maximum <= 0 else max(0.0, min(1.0, value / maximum))
    return (
        f'<svg class="mini-bar" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{_esc(label)}"><title>{_esc(label)}</title>'
        f'<rect x="0" y="0" width="{width}" height="{height}" rx="2" fill="#eeeeee"/>'
        f'<rect class="bar" x="0" y="0" width="{width * share:.2f}" height="{height}" rx="2" fill="{colour}"/>'
        f"</svg>"
    )
