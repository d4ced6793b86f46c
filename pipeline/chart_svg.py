"""A static SVG of each chart, drawn at build time from the same figure dict Plotly draws.

The page shows this SVG at once, with JavaScript off too; plotly.js (360 KB
compressed) is fetched only when a reader reaches for a chart, and then takes
the SVG's place in the same box (the SVG stays there, for print). The SVG
element is the plot area (the page margins are CSS), horizontal positions
inside it are percentages, so the bars stretch to any width while the text
keeps its real size; axis labels sit outside it at negative x, as Plotly places
them in its margin. Title and legend are HTML around the chart, so they wrap on
a phone. A label wrapped for a phone is drawn twice, wrapped and on one line, and
the width of the chart's box (a CSS container) shows the one that fits.

Attribute values are written as they are: each is a number, a colour, a slug
or a name of our own, never a reader's text (a large site draws tens of
thousands of charts). Text content is escaped: the figure's text is written for
Plotly (lines joined by <br>, the data's characters as entities), so each line is
unescaped from Plotly's form and escaped again for SVG.
"""

import math
from html import unescape
from xml.sax.saxutils import escape, quoteattr

from .charts import (
    AXIS,
    FONT_SIZE,
    GRID,
    INK,
    LINE_HEIGHT,
    MUTED,
    PAPER,
    plotly_text,
)
from .palette import DARK
from .text_metrics import text_width, wrap

# On a page style.css restyles the colour attributes; a standalone file, opened on its own, carries
# each colour's dark counterpart (palette.DARK) as its own rules.
DARK_STYLE = (
    "<style>@media screen and (prefers-color-scheme: dark) {"
    + "".join(f'[fill="{light}"]{{fill:{dark}}}[stroke="{light}"]{{stroke:{dark}}}' for light, dark in DARK.items())
    + "}</style>"
)


def _text(x, y, content: str, anchor: str = "start", fill: str | None = None, css_class: str | None = None) -> str:
    # Size and colour not given are the <svg> element's own, inherited: most of a chart is text.
    lines = [escape(unescape(line)) for line in content.split("<br>")]
    if len(lines) == 1:
        body = lines[0]
    else:
        body = "".join(
            f'<tspan x="{x}" dy="{"0" if i == 0 else LINE_HEIGHT}">{line}</tspan>' for i, line in enumerate(lines)
        )
    attributes = (
        (f' text-anchor="{anchor}"' if anchor != "start" else "")
        + (f' fill="{fill}"' if fill else "")
        + (f' class="{css_class}"' if css_class else "")
    )
    return f'<text x="{x}" y="{_px(y)}"{attributes}>{body}</text>'


def _px(value: float) -> str:
    """A length in pixels to a tenth, without a trailing '.0': '173.3', '248'."""
    return f"{value:.1f}".removesuffix(".0")


def _pct(value: float) -> str:
    """A horizontal position in hundredths of a percent: a hundredth of a 400-pixel chart is 0.04 pixel."""
    return f"{value:.2f}%"


def _fill(marker: dict, pattern_id: str) -> tuple[str, str]:
    if marker.get("pattern", {}).get("shape"):
        return f"url(#{pattern_id})", marker["line"]["color"]
    return marker["color"], marker["line"]["color"]


def _defs(figure: dict, chart_id: str) -> str:
    """The patterns of the figure's patterned series: hatched ('/', a result) or dotted ('.', a task
    for the second half), on paper, as Plotly draws them."""
    patterns = []
    for i, trace in enumerate(figure["data"]):
        pattern = trace["marker"].get("pattern", {})
        if pattern.get("shape") == "/":
            patterns.append(
                f'<pattern id="hatch-{chart_id}-{i}" width="6" height="6" patternUnits="userSpaceOnUse" '
                f'patternTransform="rotate(45)">'
                f'<rect width="6" height="6" fill="{PAPER}"/>'
                f'<line x1="0" y1="0" x2="0" y2="6" stroke="{pattern["fgcolor"]}" stroke-width="2"/></pattern>'
            )
        elif pattern.get("shape") == ".":
            patterns.append(
                f'<pattern id="hatch-{chart_id}-{i}" width="6" height="6" patternUnits="userSpaceOnUse">'
                f'<rect width="6" height="6" fill="{PAPER}"/>'
                f'<circle cx="3" cy="3" r="1.8" fill="{pattern["fgcolor"]}"/></pattern>'
            )
    return f"<defs>{''.join(patterns)}</defs>" if patterns else ""


def _variants(figure: dict, width: float | None) -> dict[str, list[tuple[str, str | None]]]:
    """Each label wrapped for the narrowest box (the figure's one_line) → the texts to draw for it, with
    their class. In a page (width None) both, the wrapped one (n<group>) and the one-line one (w<group>),
    which _one_line_style shows by the chart's width; in a file of known width, the one that fits."""
    variants = {}
    for g, group in enumerate(figure.get("one_line", [])):
        for wrapped, line in group["text"].items():
            if width is None:
                variants[wrapped] = [(wrapped, f"n{g}"), (line, f"w{g}")]
            elif width >= group["from"]:
                variants[wrapped] = [(line, None)]
    return variants


def _one_line_style(figure: dict, chart_id: str) -> str:
    """Rules that show a label's one-line text, not its wrapped one, where the chart's box (a CSS
    container, style.css) is wide enough for it."""
    margin, rules = figure["layout"]["margin"], []
    for g, group in enumerate(figure.get("one_line", [])):
        scope = f'[data-chart="{chart_id}"]'
        rules.append(
            f"{scope} .w{g}{{display:none}}@container (min-width:{group['from'] + margin['l'] + margin['r']}px)"
            f"{{{scope} .w{g}{{display:inline}}{scope} .n{g}{{display:none}}}}"
        )
    return f"<style>{''.join(rules)}</style>" if rules else ""


def _vertical_groups(figure: dict, chart_id: str, top: float, bottom: float, width: float | None = None) -> list[str]:
    layout = figure["layout"]
    variants = _variants(figure, width)
    categories = layout["xaxis"]["categoryarray"]
    ticks, tick_text = layout["yaxis"]["tickvals"], layout["yaxis"]["ticktext"]
    y_max = ticks[-1] or 1

    def y_of(value: float) -> float:
        return bottom - value / y_max * (bottom - top)

    parts = []
    for value, label in zip(ticks, tick_text):
        y = _px(y_of(value))
        parts.append(f'<line x1="0" x2="100%" y1="{y}" y2="{y}" stroke="{GRID}"/>')
        parts.append(_text(-6, y_of(value) + 4, label, anchor="end", fill=MUTED))
    # Like Plotly, a category's slot is shared only by the series that have a bar there.
    slot_share = (1 - layout["bargap"]) / len(categories) * 100
    present = {name: [i for i, trace in enumerate(figure["data"]) if name in trace["x"]] for name in categories}
    for i, trace in enumerate(figure["data"]):
        fill, stroke = _fill(trace["marker"], f"hatch-{chart_id}-{i}")
        for name, value, label in zip(trace["x"], trace["y"], trace["text"]):
            bar_share = slot_share / len(present[name])
            centre = (categories.index(name) + 0.5) / len(categories) * 100
            left = centre - slot_share / 2 + present[name].index(i) * bar_share
            parts.append(
                f'<rect x="{_pct(left)}" y="{_px(y_of(value))}" width="{_pct(bar_share)}" '
                f'height="{_px(bottom - y_of(value))}" fill="{fill}" stroke="{stroke}" stroke-width="2"/>'
            )
            parts.append(_text(_pct(left + bar_share / 2), y_of(value) - 5, label, anchor="middle"))
    for note in layout.get("annotations", []):
        if note.get("xref") == "paper":  # the unit, above the axis from the figure's left edge
            parts.append(_text(note["xshift"], top - 12, note["text"], fill=MUTED))
            continue
        centre = (categories.index(note["x"]) + 0.5) / len(categories) * 100
        for text, css_class in variants.get(note["text"], [(note["text"], None)]):
            lines = text.count("<br>")
            parts.append(_text(_pct(centre), bottom - 6 - lines * LINE_HEIGHT, text, "middle", MUTED, css_class))
    parts.append(f'<line x1="0" x2="100%" y1="{_px(bottom)}" y2="{_px(bottom)}" stroke="{AXIS}"/>')
    for i, name in enumerate(categories):
        for text, css_class in variants.get(name, [(name, None)]):
            parts.append(_text(_pct((i + 0.5) / len(categories) * 100), bottom + 17, text, "middle", None, css_class))
    return parts


def _horizontal_stack(figure: dict, chart_id: str, top: float, bottom: float, width: float | None = None) -> list[str]:
    layout = figure["layout"]
    variants = _variants(figure, width)
    categories = layout["yaxis"]["categoryarray"]
    ticks = layout["xaxis"]["tickvals"]
    x_max = ticks[-1] or 1
    row = (bottom - top) / len(categories)
    bar_height = row * 0.6
    parts = []
    for value in ticks:
        x = _pct(value / x_max * 100)
        parts.append(f'<line x1="{x}" x2="{x}" y1="{_px(top)}" y2="{_px(bottom)}" stroke="{GRID}"/>')
        parts.append(_text(x, bottom + 16, f"{value:g}", anchor="middle" if value else "start", fill=MUTED))
    for r, name in enumerate(categories):
        bar_y = top + r * row + (row - bar_height) / 2
        first_line = bar_y + bar_height / 2 + 4 - name.count("<br>") * LINE_HEIGHT / 2
        parts.append(_text(-6, first_line, name, anchor="end"))
        start = 0.0
        for i, trace in enumerate(figure["data"]):
            value = trace["x"][r]
            if not value:
                continue
            fill, stroke = _fill(trace["marker"], f"hatch-{chart_id}-{i}")
            width = value / x_max * 100
            parts.append(
                f'<rect x="{_pct(start)}" y="{_px(bar_y)}" width="{_pct(width)}" height="{_px(bar_height)}" '
                f'fill="{fill}" stroke="{stroke}"/>'
            )
            # Ink is the <svg>'s own colour, inherited, so that a page restyles it in a dark scheme.
            colour = trace["textfont"]["color"]
            if trace["text"][r]:
                centre = bar_y + bar_height / 2 + 4
                parts.append(_text(_pct(start + width / 2), centre, trace["text"][r], "middle", _own(colour)))
            start += width
    for note in layout.get("annotations", []):
        centre = top + categories.index(note["y"]) * row + row / 2
        for text, css_class in variants.get(note["text"], [(note["text"], None)]):
            parts.append(_note(note | {"text": text}, note["x"] / x_max * 100, centre, css_class))
    return parts


def _own(colour: str) -> str | None:
    """A text's colour as an attribute, None for ink: the <svg>'s own, which a page restyles when dark."""
    return None if colour == INK else colour


def _note(note: dict, x: float, centre: float, css_class: str | None = None) -> str:
    """An annotation of a horizontal chart at x percent, vertically centred: a row's "not stated" from
    the axis, or a count on its patch (bgcolor) in the middle of a bar."""
    lines = note["text"].count("<br>")
    first_line = centre + 4 - lines * LINE_HEIGHT / 2
    colour = _own(note["font"]["color"])
    if "bgcolor" not in note:
        return _text(_px(note["xshift"]), first_line, note["text"], fill=colour, css_class=css_class)
    # A nested <svg> at the bar's middle, so that the patch is sized in pixels around the text.
    width = text_width(unescape(note["text"]), FONT_SIZE) + 2 * (note["borderpad"] + 1)
    height = LINE_HEIGHT + 2 * note["borderpad"]
    return (
        f'<svg x="{_pct(x)}" y="0" overflow="visible"><rect x="{_px(-width / 2)}" y="{_px(centre - height / 2)}" '
        f'width="{_px(width)}" height="{height}" fill="{note["bgcolor"]}"/>'
        f"{_text(0, centre + 4, note['text'], 'middle', colour)}</svg>"
    )


def chart_svg(figure: dict, chart_id: str) -> str:
    """The figure as an inline SVG element of the same height as the Plotly chart."""
    layout = figure["layout"]
    height, margin = layout["height"], layout["margin"]
    top, bottom = margin["t"], height - margin["b"]
    horizontal = "categoryarray" in layout["yaxis"]
    body = (_horizontal_stack if horizontal else _vertical_groups)(figure, chart_id, top, bottom)
    box = f"margin-left:{margin['l']}px;width:calc(100% - {margin['l'] + margin['r']}px)"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" height="{height}" class="chart-static" style="{box}" '
        f'aria-hidden="true" overflow="visible" font-size="{layout["font"]["size"]}" fill="{INK}">',
        _one_line_style(figure, chart_id),
        _defs(figure, chart_id),
        *body,
        "</svg>",
    ]
    return "".join(parts)


STANDALONE_WIDTH = 640
PADDING = 16
TITLE_SIZE = 18
NOTE_SIZE = 11


def _legend(figure: dict, chart_id: str, y: float, width: float) -> tuple[list[str], float]:
    """Swatches and series names left to right, wrapping; returns the parts and the height taken."""
    size = figure["layout"]["font"]["size"]
    parts, x, line = [], 0.0, 0
    for i, trace in enumerate(figure["data"]):
        item = 12 + 6 + text_width(trace["name"], size) + 16
        if x and x + item > width:
            x, line = 0.0, line + 1
        fill, stroke = _fill(trace["marker"], f"hatch-{chart_id}-{i}")
        top = y + line * 20
        parts.append(
            f'<rect x="{_px(PADDING + x)}" y="{_px(top)}" width="12" height="12" fill="{fill}" stroke="{stroke}"/>'
        )
        parts.append(_text(_px(PADDING + x + 18), top + 10.5, plotly_text(trace["name"])))
        x += item
    return parts, (line + 1) * 20


def standalone_svg(figure: dict, chart_id: str, title: str, footer: list[str], font_family: str) -> bytes:
    """The chart as an SVG file of its own, for download: its title, the plot, the legend and the
    source lines (footer) inside a 640-pixel-wide image, so that it reads without the page around it;
    dark where the viewer's scheme is dark."""
    layout = figure["layout"]
    margin, height = layout["margin"], layout["height"]
    inner = STANDALONE_WIDTH - 2 * PADDING
    parts: list[str] = []
    y = PADDING
    for line in wrap(title, inner, TITLE_SIZE, bold=True):
        y += TITLE_SIZE * 1.3
        parts.append(
            f'<text x="{PADDING}" y="{_px(y - 5)}" font-size="{TITLE_SIZE}" font-weight="700">{escape(line)}</text>'
        )
    y += 8
    plot_width = inner - margin["l"] - margin["r"]
    horizontal = "categoryarray" in layout["yaxis"]
    top, bottom = margin["t"], height - margin["b"]
    # The file's width is known: each label is drawn as it fits.
    body = (_horizontal_stack if horizontal else _vertical_groups)(figure, chart_id, top, bottom, plot_width)
    parts.append(
        f'<svg x="{PADDING + margin["l"]}" y="{_px(y)}" width="{plot_width}" height="{height}" '
        f'overflow="visible">{"".join(body)}</svg>'
    )
    y += height + 4
    legend, legend_height = _legend(figure, chart_id, y, inner)
    parts += legend
    y += legend_height + 6
    for text in footer:
        for line in wrap(text, inner, NOTE_SIZE):
            y += NOTE_SIZE * 1.45
            parts.append(
                f'<text x="{PADDING}" y="{_px(y)}" font-size="{NOTE_SIZE}" fill="{MUTED}">{escape(line)}</text>'
            )
    total = math.ceil(y + PADDING)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{STANDALONE_WIDTH}" height="{total}" '
        f'viewBox="0 0 {STANDALONE_WIDTH} {total}" font-family={quoteattr(font_family)} '
        f'font-size="{layout["font"]["size"]}" fill="{INK}">'
        f"<title>{escape(title)}</title>{DARK_STYLE}{_defs(figure, chart_id)}"
        f'<rect width="100%" height="100%" fill="{PAPER}"/>{"".join(parts)}</svg>\n'
    )
    return svg.encode("utf-8")
