"""The report's inline SVG charts: valid markup, honest proportions, escaped labels."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from piiscan.audit import charts
from piiscan.audit.charts import Series


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # raises on anything that is not well-formed XML
    assert root.tag == "svg"
    return root


def bars(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter("rect") if r.get("class") == "bar"]


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter("text")]


TYPES = [("E-mail address", 219), ("Person name", 193), ("IBAN", 145), ("Phone number", 106),
         ("Belgian national number", 77), ("Dutch BSN", 9), ("ID document copy", 4)]


def test_horizontal_bars_are_proportional_and_labelled_with_counts():
    root = parse(charts.horizontal_bar_chart(TYPES, title="Findings by type", value_label="Findings"))
    widths = [float(b.get("width")) for b in bars(root)]
    assert len(widths) == len(TYPES)
    for (_, value), width in zip(TYPES, widths):
        assert width / widths[0] == pytest.approx(value / TYPES[0][1], rel=1e-3)
    shown = texts(root)
    for label, value in TYPES:
        assert label in shown
        assert f"{value:,}" in shown
    assert "Findings" in shown  # the axis label


def test_every_chart_has_a_title_and_aria_label():
    svgs = [
        charts.horizontal_bar_chart(TYPES, title="By type", value_label="Findings"),
        charts.column_chart(["a", "b"], [Series("New", [1, 2])], title="Per run", x_label="Run", y_label="N"),
        charts.line_chart(["a", "b"], [Series("Findings", [1, 2])], title="Trend", x_label="Run", y_label="N"),
        charts.horizontal_bar_chart([], title="Nothing", value_label="Findings"),
    ]
    for svg, title in zip(svgs, ["By type", "Per run", "Trend", "Nothing"]):
        root = parse(svg)
        assert root.get("role") == "img"
        assert root.get("aria-label") == title
        assert root.find("title").text == title


def test_column_heights_are_proportional_and_sit_on_the_axis():
    values = [37, 0, 12, 65, 30]
    root = parse(charts.column_chart(
        ["06 Jan", "13 Jan", "20 Jan", "27 Jan", "03 Feb"], [Series("New", values, charts.ORANGE)],
        title="New per run", x_label="Run (start date)", y_label="Findings"))
    rects = bars(root)
    heights = [float(r.get("height")) for r in rects]
    bottoms = {round(float(r.get("y")) + float(r.get("height")), 1) for r in rects}
    assert len(bottoms) == 1  # all bars start at the zero line
    assert heights[1] == 0
    for value, height in zip(values, heights):
        assert height / heights[3] == pytest.approx(value / 65, rel=1e-3)
    shown = texts(root)
    assert "Run (start date)" in shown and "Findings" in shown
    assert "65" in shown and "06 Jan" in shown


def test_grouped_columns_have_a_legend_and_one_bar_per_value():
    root = parse(charts.column_chart(
        ["a", "b", "c"], [Series("New", [5, 6, 7], charts.ORANGE), Series("Resolved", [1, 0, 2], charts.GREEN)],
        title="Changes", x_label="Run", y_label="Findings"))
    colours = [r.get("fill") for r in bars(root)]
    assert colours.count(charts.ORANGE) == 3 and colours.count(charts.GREEN) == 3
    assert {"New", "Resolved"} <= set(texts(root))


def test_line_chart_points_rise_with_the_values():
    values = [812, 845, 861, 902, 874]
    root = parse(charts.line_chart(["r1", "r2", "r3", "r4", "r5"], [Series("Findings", values)],
                                   title="Trend", x_label="Run", y_label="Findings"))
    points = [c for c in root.iter("circle") if c.get("class") == "point"]
    ys = [float(c.get("cy")) for c in points]
    xs = [float(c.get("cx")) for c in points]
    assert xs == sorted(xs)
    # SVG y grows downwards: a larger value sits higher, i.e. has a smaller y.
    order_by_value = sorted(range(5), key=lambda i: values[i])
    order_by_height = sorted(range(5), key=lambda i: -ys[i])
    assert order_by_value == order_by_height
    assert len(list(root.iter("polyline"))) == 1
    assert "902" in texts(root)


def test_line_chart_with_one_run_draws_a_point_and_no_line():
    root = parse(charts.line_chart(["06 Jan"], [Series("Findings", [12])], title="T", x_label="Run", y_label="N"))
    assert len(list(root.iter("circle"))) == 1
    assert not list(root.iter("polyline"))


def test_many_runs_get_thinned_x_labels():
    labels = [f"run {i}" for i in range(60)]
    root = parse(charts.line_chart(labels, [Series("Findings", list(range(60)))],
                                   title="T", x_label="Run", y_label="N"))
    ticks = [t for t in root.iter("text") if t.get("class") == "tick"]
    assert 5 <= len(ticks) <= 11
    assert "".join(ticks[-1].itertext()) == "run 59"  # the latest run is always labelled


def test_hostile_labels_are_escaped():
    hostile = '<script>alert("x")</script> & "quotes"'
    svgs = [
        charts.horizontal_bar_chart([(hostile, 3)], title=hostile, value_label=hostile),
        charts.column_chart([hostile], [Series(hostile, [2])], title=hostile, x_label=hostile, y_label=hostile),
        charts.line_chart([hostile, "b"], [Series(hostile, [1, 2])], title=hostile, x_label="x", y_label="y"),
        charts.mini_bar(1, 2, label=hostile),
    ]
    for svg in svgs:
        assert "<script>" not in svg
        root = parse(svg)
        assert not list(root.iter("script"))
        # The text survives as text: escaped in the markup, intact once parsed.
        assert any(hostile in "".join(el.itertext()) or el.get("aria-label") == hostile for el in root.iter())


def test_mini_bar_shows_the_share_and_clamps():
    half = parse(charts.mini_bar(50, 100, label="50 findings", width=120))
    assert float(bars(half)[0].get("width")) == pytest.approx(60)
    assert float(bars(parse(charts.mini_bar(5, 0, label="x")))[0].get("width")) == 0
    assert float(bars(parse(charts.mini_bar(300, 100, label="x", width=120)))[0].get("width")) == 120


def test_empty_data_says_so_instead_of_failing():
    for svg in (charts.horizontal_bar_chart([], title="T", value_label="v"),
                charts.column_chart([], [], title="T", x_label="x", y_label="y"),
                charts.line_chart([], [Series("s", [])], title="T", x_label="x", y_label="y")):
        assert "No data" in texts(parse(svg))


@pytest.mark.parametrize("value, top", [(0, 1), (1, 1), (2, 2), (3, 5), (7, 10), (11, 20), (23, 25),
                                         (99, 100), (101, 200), (968, 1000), (45678, 50000)])
def test_axis_top_is_a_round_number_at_or_above_the_maximum(value, top):
    assert charts.nice_ceiling(value) == top
    ticks = charts.axis_ticks(charts.nice_ceiling(value))
    assert ticks[0] == 0 and ticks[-1] == top
    assert all(float(t).is_integer() for t in ticks)  # counts: no 6.25 on the axis
    assert 2 <= len(ticks) <= 6


def test_no_svg_carries_a_url():
    svg = charts.line_chart(["a", "b"], [Series("s", [1, 2]), Series("t", [2, 1])], title="T", x_label="x", y_label="y")
    assert "http" not in svg and "xmlns" not in svg
