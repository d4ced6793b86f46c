"""The height an embed page will have at a given width, estimated at build time for the embed code.

The embed code's iframe starts at a height between those of a phone and a wide column (start_height),
so that a host article does not jump when embed.js fits the iframe to the height the page reports. The figures
below are those of style.css (body.embed and the chart's parts); a change there
needs one here, and tests/test_charts_fit.py measures the real height in Chromium.
"""

import math

from .text_metrics import text_width, wrap

PHONE_WIDTH = 360  # a common phone width, in CSS pixels
WIDE_WIDTH = 1200  # a wide column of a host page
ROOT_FONT = 16
LINE_HEIGHT = 1.6  # :root line-height
PAGE_PADDING = 8  # body.embed main: .5rem on every side
TITLE = (1.05, 4)  # .chart-title: font size in rem, bottom margin in px
LEGEND = (0.85, 4)  # .chart-legend: font size, top margin
NOTE = (0.85, 4)  # .chart-note
SOURCE = (0.8, 8)  # .embed-source
DETAILS = (0.8, 4)  # .embed-more summary
LEGEND_SWATCH = 1.25  # a legend item's swatch and its gap, in em
LEGEND_GAP = 16  # between legend items (1rem)


def _lines(text: str, rem: float, width: float) -> int:
    return len(wrap(text, width, rem * ROOT_FONT))


def _legend_lines(names: list[str], width: float) -> int:
    size = LEGEND[0] * ROOT_FONT
    lines, x = 1, 0.0
    for name in names:
        item = min(width, LEGEND_SWATCH * size + text_width(name, size))
        if x and x + LEGEND_GAP + item > width:
            lines, x = lines + 1, 0.0
        x += (LEGEND_GAP if x else 0) + item
    return lines


def embed_height(
    title: str,
    plot_height: int,
    legend: list[str],
    note: str | None,
    links_line: str,
    details_label: str,
    width: int = PHONE_WIDTH,
    sources: str = "",
    definition: str | None = None,
) -> int:
    """The embed page's height in CSS pixels at `width`: its title, chart, legend, note, the metric's
    definition line and the source line (each wrapped, two lines at most as written), the links line and the
    closed disclosure of its table and full citation, each line as tall as style.css makes it."""
    inner = width - 2 * PAGE_PADDING

    def block(text: str, style: tuple[float, int]) -> float:
        rem, gap = style
        return _lines(text, rem, inner) * rem * ROOT_FONT * LINE_HEIGHT + gap

    height = 2 * PAGE_PADDING + block(title, TITLE) + plot_height
    height += _legend_lines(legend, inner) * LEGEND[0] * ROOT_FONT * LINE_HEIGHT + LEGEND[1]
    if note:
        height += block(note, NOTE)
    if definition:
        height += _lines(definition, NOTE[0], inner) * NOTE[0] * ROOT_FONT * LINE_HEIGHT + NOTE[1]
    height += max(_lines(sources, SOURCE[0], inner), 1) * SOURCE[0] * ROOT_FONT * LINE_HEIGHT
    height += block(links_line, SOURCE)
    height += block(details_label, DETAILS)
    return math.ceil(height)


def start_height(*args, **kwargs) -> int:
    """The height the embed code gives the iframe: midway between the embed's heights on a phone and in a
    wide column (embed_height's arguments but the width). The source and definition lines take two lines
    on a phone and one in a wide column, so neither height alone stays within 15 % of the other."""
    return math.ceil(
        (embed_height(*args, width=PHONE_WIDTH, **kwargs) + embed_height(*args, width=WIDE_WIDTH, **kwargs)) / 2
    )
