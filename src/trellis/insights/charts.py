"""SVG charts drawn on the server with pygal and embedded as data: images.

No script reaches the browser (the CSP allows none inline, and an <img> never runs one);
every chart sits above a data table with the same numbers, so the image is a summary and
its alt text says where the detail is.
"""

import base64
import re

import pygal
from pygal.style import Style

from trellis.insights.reports.base import Chart

# Colour-blind-safe palette (Okabe–Ito), dark enough on white for non-text contrast (≥ 3:1).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1a1a1a",
    foreground_strong="#1a1a1a",
    foreground_subtle="#555555",
    colors=PALETTE,
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    title_font_size=18,
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
    value_font_size=12,
    opacity="1",
    opacity_hover="1",
)
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL | re.IGNORECASE)

KINDS = {
    "bar": pygal.Bar,
    "stacked_bar": pygal.StackedBar,
    "hbar": pygal.HorizontalBar,
    "stacked_hbar": pygal.HorizontalStackedBar,
    "line": pygal.Line,
}


def render_svg(chart: Chart) -> str:
    """The chart as a standalone SVG document without scripts."""
    horizontal = chart.kind in ("hbar", "stacked_hbar")
    height = max(360, 90 + 34 * len(chart.labels)) if horizontal else 420
    formatter = (lambda v: f"{v:g} %") if chart.percent else (lambda v: f"{v:,.10g}")
    graph = KINDS[chart.kind](
        style=STYLE,
        title=chart.title,
        width=900,
        height=height,
        js=[],
        legend_at_bottom=True,
        legend_at_bottom_columns=min(4, max(1, len(chart.series))),
        show_legend=len(chart.series) > 1,
        print_values=not chart.kind.startswith("stacked")
        and len(chart.labels) * len(chart.series) <= 40,
        print_values_position="top",
        print_zeroes=False,
        truncate_label=-1,
        truncate_legend=-1,
        value_formatter=formatter,
        include_x_axis=True,
        margin_left=20 if not horizontal else 10,
        no_data_text="No data yet",
        dots_size=4,
        # At most ~6 value labels: wide numbers (e.g. 28,000) must not run into each other.
        # (pygal names the axes before turning a horizontal chart on its side.)
        **(
            {"x_labels_major_count": 6, "show_minor_x_labels": False}
            if horizontal
            else {"y_labels_major_count": 6, "show_minor_y_labels": False}
        ),
    )
    labels, series = list(chart.labels), [(name, list(values)) for name, values in chart.series]
    if horizontal:
        # pygal draws horizontal bars bottom-up; reverse so they read top-down like the table.
        labels = labels[::-1]
        series = [(name, values[::-1]) for name, values in series]
    graph.x_labels = labels
    for name, values in series:
        graph.add(name, [None if v is None else float(v) for v in values])
    return _SCRIPT.sub("", graph.render(is_unicode=True))


def data_uri(chart: Chart) -> str:
    svg = render_svg(chart).encode("utf-8")
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def alt_text(chart: Chart) -> str:
    """A one-sentence summary for screen readers; the table below has every number."""
    names = " and ".join(name for name, _ in chart.series)
    return f"{chart.kind.replace('stacked_', 'stacked ').replace('hbar', 'bar')} chart: {chart.title} — {names} for {len(chart.labels)} categories. The table below lists the values."
