"""The colours charts are drawn in, defined once: each with its light value and its counterpart in a
dark scheme, named as style.css's custom property (--target …).

Figures and static SVGs are drawn in the light values; on a page style.css gives each custom property
its dark value when the reader's scheme is dark, and charts.js redraws an interactive chart in the
property's current value. tests/test_dark_mode.py checks that style.css and charts.js hold these
same colours.
"""

from typing import NamedTuple


class Colour(NamedTuple):
    """A chart colour in a light and in a dark scheme, as #rrggbb."""

    light: str
    dark: str


CHART_COLOURS = {
    "paper": Colour("#ffffff", "#16181c"),
    "ink": Colour("#1a1a1a", "#e8e6e3"),
    "muted": Colour("#555555", "#a3a9b1"),
    "grid": Colour("#e5e5e5", "#33383f"),
    "axis": Colour("#444444", "#8d939b"),
    "target": Colour("#1f4e79", "#8ab8e6"),
    "actual": Colour("#b35900", "#f0a35c"),
    "no-figure": Colour("#c9ced6", "#4b5361"),
    "no-figure-line": Colour("#8a93a0", "#7d8797"),
}
# Each light colour's dark counterpart: what a standalone SVG file restyles in a dark scheme.
DARK = {colour.light: colour.dark for colour in CHART_COLOURS.values()}
