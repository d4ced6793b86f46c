"""Stage 4: Plotly figures for the comparison tables, honest by construction.

Figures are plain dicts in Plotly's JSON format: the same thing plotly.graph_objects
would emit, without its validation cost per build (tests/test_chart_schema.py validates
every published figure with it). Rules they follow:
- one chart per metric, so growth rates and levels never share an axis;
- targets and results are separate, labelled series with different fills;
- each bar is labelled with its figure and bound (≥10%, >30, ≈1.8万), the unit named once;
- a district with no figure gets a "not stated" note and no bar, never a zero;
- nothing is cut off on a 320-pixel phone, and text from the data is never read as markup;
- labels break between words only, and a wider chart sets them on one line (one_line);
- the chart never takes the page's scroll or drag on a phone.
"""

import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from html import unescape

import pandas as pd

from .formatting import chart_number, figure_label, figure_text, kind_label, unit_caption
from .languages import LANGS, in_lang
from .models import Metric
from .palette import CHART_COLOURS
from .tables import ITEM_KINDS, SERIES_ORDER, ComparisonRow
from .text_metrics import text_width, wrap

# Latin text in a Latin font on English pages, as style.css sets them; CJK fonts first on Chinese ones.
CJK_FONTS = (
    '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", '
    '"WenQuanYi Micro Hei"'
)
FONT = {
    "zh": f"-apple-system, {CJK_FONTS}, sans-serif",
    "en": f'-apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "Liberation Sans", sans-serif, '
    f"{CJK_FONTS}",
}
FONT_SIZE = 12  # every text of a chart, static and interactive alike
LINE_HEIGHT = 15  # of a label's lines, in pixels
# Light colours (palette.py gives each its dark counterpart, which pages and charts.js use in a dark scheme).
TARGET_COLOUR = CHART_COLOURS["target"].light
ACTUAL_COLOUR = CHART_COLOURS["actual"].light
INK = CHART_COLOURS["ink"].light
MUTED = CHART_COLOURS["muted"].light
PAPER = CHART_COLOURS["paper"].light
GRID = CHART_COLOURS["grid"].light
AXIS = CHART_COLOURS["axis"].light
NO_FIGURE = CHART_COLOURS["no-figure"].light
NO_FIGURE_LINE = CHART_COLOURS["no-figure-line"].light
# The narrowest box a chart is drawn in: a 320-pixel phone, less the page's padding and the chart's
# border and padding on a topic page (style.css). Labels are wrapped and margins sized to fit it.
NARROWEST_PLOT_BOX = 320 - 2 * 16 - 2 * (1 + 12)
TICK_GAP = 8  # between a tick label and the plot area
PLOT_AREA_HEIGHT = 216  # of a comparison chart, between its margins
MIN_LABEL_WIDTH = 56  # the narrowest a district's name and notes are wrapped to


def plotly_text(text: str) -> str:
    """Text from the data, made safe for Plotly, which reads <br>, <a>, <b> … in labels and hover text
    as markup: every character shows as written (Plotly turns &lt; &gt; &amp; back into < > &)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def wrapped_label(text: str, width: float) -> str:
    """Text from the data, escaped for Plotly and broken into lines of at most `width` pixels."""
    return "<br>".join(plotly_text(line) for line in wrap(text, width, FONT_SIZE))


def nice_ticks(top: float, count: int = 4) -> list[float]:
    """Round tick values from 0 to just above `top`."""
    if top <= 0:
        return [0.0]
    raw_step = top / count
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw_step)
    ticks = []
    tick = Decimal(0)
    step_d = Decimal(str(step))
    while True:
        ticks.append(float(tick))
        if tick >= Decimal(str(top)):
            return ticks
        tick += step_d


def _lines(label: str) -> int:
    return label.count("<br>") + 1


def comparison_chart(
    export_name: str,
    rows: list[ComparisonRow],
    district_names: dict[str, str],
    lang: str,
    title: str,
    words: Mapping[str, str],
) -> dict:
    """A grouped bar chart of one metric across districts, one series per kind and period.

    words: content/ui.yaml's strings in the chart's language.
    rows: the metric's comparison rows (plain objects are read far faster than a DataFrame, and a large
    site draws thousands of charts).
    Sized so that nothing is cut off in the narrowest box (NARROWEST_PLOT_BOX): the left margin
    holds the longest tick label, district names and "not stated" notes wrap to their slot.
    """
    stated = [row for row in rows if row.stated]
    districts = list(dict.fromkeys(row.district for row in rows))
    unit, counter = stated[0].unit, stated[0].counter
    top = float(max(v for row in stated for v in (row.value, row.value_high) if not pd.isna(v))) * 1.25
    ticks = nice_ticks(top)
    tick_text = [chart_number(t, unit, lang, axis_top=ticks[-1]) for t in ticks]
    margin_left = math.ceil(max(text_width(t, FONT_SIZE) for t in tick_text)) + TICK_GAP
    # A district's slot at the narrowest width; past four districts a slot is too narrow for any name,
    # and names wrap as for four (a chart of a dozen districts needs a wider screen).
    slot = max((NARROWEST_PLOT_BOX - margin_left - 8) / len(districts) - 4, MIN_LABEL_WIDTH)
    names = {d: wrapped_label(district_names[d], slot) for d in districts}
    x_names = [names[d] for d in districts]
    traces = [
        _comparison_trace(series, names, district_names, lang, words)
        for kind, period in SERIES_ORDER
        if (series := [row for row in stated if row.kind == kind and row.period == period])
    ]
    note = "<br>".join(wrap(words["not_stated"], slot, FONT_SIZE))
    annotations = [_not_stated_note(names[row.district], note) for row in rows if not row.stated]
    # Names and notes are wrapped for the narrowest box; a wider chart sets them on one line.
    whole_note = "".join(wrap(words["not_stated"], math.inf, FONT_SIZE))
    one_line = [
        _one_line({names[d]: plotly_text(district_names[d]) for d in districts}, len(districts)),
        _one_line({note: whole_note} if annotations else {}, len(districts)),
    ]
    caption = unit_caption(unit, lang, counter)
    if caption:
        annotations.append(_caption_note(caption, margin_left))
    margin = {
        "l": margin_left,
        "r": 8,
        "t": 32 if caption else 16,
        "b": 16 + max(_lines(name) for name in x_names) * LINE_HEIGHT,
    }
    layout = _comparison_layout(lang, x_names, ticks, tick_text, margin, annotations)
    figure = {"data": traces, "layout": layout, "config": _config(export_name, lang)}
    return figure | {"one_line": [group for group in one_line if group]}


def _not_stated_note(name: str, note: str) -> dict:
    """A district's "not stated", at the foot of its slot where its bar would be: never a zero."""
    return {
        "x": name,
        "y": 0,
        "yref": "y",
        "yanchor": "bottom",
        "showarrow": False,
        "text": note,
        "font": {"size": FONT_SIZE, "color": MUTED},
    }


def _one_line(labels: dict[str, str], slots: int) -> dict | None:
    """Labels wrapped for the narrowest box, set on one line in a wider chart: the plot width from which
    each of `slots` slots holds the widest on one line, and each wrapped label's one-line text (as
    Plotly reads text). charts.js and chart_svg draw them so where the chart is that wide."""
    text = {wrapped: line for wrapped, line in labels.items() if wrapped != line}
    if not text:
        return None
    widest = max(text_width(unescape(line), FONT_SIZE) for line in text.values())
    return {"from": math.ceil(slots * (widest + 12)), "text": text}


# How each series of a comparison looks, and its legend swatch's name (style.css .swatch-<name>): a target
# for the year filled, a task for the second half dotted (a part of the year, never read as the whole
# year's target), a result for the first half hatched in another colour.
SERIES_STYLE = {
    ("target", "2025"): (
        "target",
        {"color": TARGET_COLOUR, "line": {"color": TARGET_COLOUR, "width": 2}, "pattern": {"shape": ""}},
    ),
    ("target", "2025-H2"): (
        "target-h2",
        {
            "color": PAPER,
            "line": {"color": TARGET_COLOUR, "width": 2},
            "pattern": {"shape": ".", "fgcolor": TARGET_COLOUR, "size": 6, "solidity": 0.3},
        },
    ),
    ("actual", "2025-H1"): (
        "actual",
        {
            "color": PAPER,
            "line": {"color": ACTUAL_COLOUR, "width": 2},
            "pattern": {"shape": "/", "fgcolor": ACTUAL_COLOUR, "size": 6},
        },
    ),
}


def _comparison_trace(
    series: list[ComparisonRow], names: dict[str, str], district_names: dict[str, str], lang: str, words
) -> dict:
    """One series (kind and period) of a comparison: a bar per district that states it, labelled with
    its figure and bound, in its series' style (SERIES_STYLE)."""
    kind, period = series[0].kind, series[0].period
    labels, hovers = [], []
    for row in series:
        estimate = bool(row.estimate)
        note = words["estimate_short"] if estimate else ""
        value_high = None if pd.isna(row.value_high) else row.value_high
        figure = (row.value, row.unit, row.bound, lang, value_high, row.counter)
        labels.append(plotly_text(figure_label(*figure) + note))
        hovers.append(
            plotly_text(f"{district_names[row.district]} · {kind_label(kind, period, estimate, words)}")
            + "<br>"
            + plotly_text(figure_text(*figure))
        )
    style, marker = SERIES_STYLE[kind, period]
    return {
        "type": "bar",
        "meta": style,
        "name": kind_label(kind, period, False, words),
        "x": [names[row.district] for row in series],
        "y": [float(row.value) for row in series],
        "text": labels,
        "textposition": "outside",
        "cliponaxis": False,
        "constraintext": "none",  # Plotly would shrink a label to its bar's width; the static chart does not
        "textfont": {"size": FONT_SIZE},
        "customdata": hovers,
        "hovertemplate": "%{customdata}<extra></extra>",
        "marker": marker,
    }


def _caption_note(caption: str, margin_left: int) -> dict:
    """The unit's caption, above the axis, from the figure's left edge."""
    return {
        "x": 0,
        "xref": "paper",
        "xanchor": "left",
        "xshift": -margin_left,
        "y": 1,
        "yref": "paper",
        "yanchor": "bottom",
        "yshift": 10,
        "showarrow": False,
        "text": plotly_text(caption),
        "font": {"size": FONT_SIZE, "color": MUTED},
    }


def _comparison_layout(
    lang: str, x_names: list[str], ticks: list[float], tick_text: list[str], margin: dict, annotations: list[dict]
) -> dict:
    """A comparison's layout: one axis from zero, no legend inside (the page has its own), no drag."""
    return {
        "font": {"family": FONT[lang], "size": FONT_SIZE, "color": INK},
        "barmode": "group",
        "bargap": 0.35,
        "height": margin["t"] + PLOT_AREA_HEIGHT + margin["b"],
        "margin": margin,
        "showlegend": False,
        "xaxis": {"categoryorder": "array", "categoryarray": x_names, "fixedrange": True},
        "yaxis": {
            "fixedrange": True,
            "range": [0, ticks[-1]],
            "tickvals": ticks,
            "ticktext": tick_text,
            "zeroline": True,
            "zerolinecolor": AXIS,
            "gridcolor": GRID,
        },
        "dragmode": False,
        "hovermode": "closest",
        "annotations": annotations,
        "paper_bgcolor": PAPER,
        "plot_bgcolor": PAPER,
    }


ITEM_STYLE = {
    "target": {"color": TARGET_COLOUR, "line": {"color": TARGET_COLOUR, "width": 1}},
    "actual": {
        "color": PAPER,
        "line": {"color": ACTUAL_COLOUR, "width": 2},
        "pattern": {"shape": "/", "fgcolor": ACTUAL_COLOUR, "size": 6},
    },
    "no-figure": {"color": NO_FIGURE, "line": {"color": NO_FIGURE_LINE, "width": 1}},
}
# A count's colour inside its bar, each at least 4.5:1 against what is behind it in both schemes
# (tests/test_count_charts.py computes it from the palette). A hatched bar has no one colour behind
# its count, so the count sits on a patch of paper (ITEM_PATCH) in the middle of the bar.
ITEM_LABEL = {"target": PAPER, "actual": INK, "no-figure": INK}
ITEM_PATCH = {"actual": PAPER}


def items_chart(
    export_name: str,
    counts: dict[tuple[str, str], int],
    districts: list[str],
    district_names: dict[str, str],
    lang: str,
    title: str,
    words: Mapping[str, str],
) -> dict:
    """How many items each district's documents hold on a topic, by kind: a count of statements,
    for topics whose figures measure different things and cannot share an axis.

    counts: (district, kind) → number of records, a row of the group's topic_counts.
    Every row says something: each kind it has is labelled with its count (a kind it lacks draws
    nothing), and a district with no record on the topic is "not stated", never an empty row. Only
    the kinds some district has are drawn, so the legend lists no series the chart lacks.
    """
    # District names on the left, wrapped so that the bars keep at least three fifths of the box.
    name_width = NARROWEST_PLOT_BOX * 0.4 - TICK_GAP
    wrapped = [wrap(district_names[d], name_width, FONT_SIZE) for d in districts]
    names = ["<br>".join(plotly_text(line) for line in lines) for lines in wrapped]
    margin_left = math.ceil(max(text_width(line, FONT_SIZE) for lines in wrapped for line in lines)) + TICK_GAP
    margin = {"l": margin_left, "r": 16, "t": 8, "b": 32}
    totals = [sum(int(counts[(d, kind)]) for kind in ITEM_KINDS) for d in districts]
    ticks = nice_ticks(max(totals + [1]) * 1.05)
    kinds = [kind for kind in ITEM_KINDS if any(counts[(d, kind)] for d in districts)]
    traces = [_items_trace(kind, counts, districts, names, district_names, words) for kind in kinds]
    # "Not stated" from the left of an empty row, wrapped to the plot's width at the narrowest.
    note = "<br>".join(wrap(words["not_stated"], NARROWEST_PLOT_BOX - margin_left - margin["r"] - 8, FONT_SIZE))
    annotations = [_row_note(name, note) for name, total in zip(names, totals) if not total]
    annotations += _patched_labels(traces)
    row_height = max(56, max(len(lines) for lines in wrapped + [note.split("<br>")]) * LINE_HEIGHT + 16)
    layout = {
        "font": {"family": FONT[lang], "size": FONT_SIZE, "color": INK},
        "barmode": "stack",
        "height": 40 + row_height * len(districts),
        "margin": margin,
        "showlegend": False,
        "xaxis": {
            "fixedrange": True,
            "range": [0, ticks[-1]],
            "tickvals": ticks,
            "gridcolor": GRID,
            "zerolinecolor": AXIS,
        },
        "yaxis": {"fixedrange": True, "autorange": "reversed", "categoryorder": "array", "categoryarray": names},
        "dragmode": False,
        "hovermode": "closest",
        "annotations": annotations,
        "paper_bgcolor": PAPER,
        "plot_bgcolor": PAPER,
    }
    figure = {"data": traces, "layout": layout, "config": _config(export_name, lang)}
    # The note from the axis (xshift) wrapped for the narrowest box: on one line in a wider chart.
    one_line = _one_line({note: "".join(wrap(words["not_stated"], math.inf, FONT_SIZE))} if annotations else {}, 1)
    return figure | {"one_line": [one_line] if one_line else []}


def _row_note(name: str, note: str) -> dict:
    """A district's "not stated", in its empty row from the axis, muted as a comparison chart's."""
    return {
        "x": 0,
        "xanchor": "left",
        "xshift": 6,
        "y": name,
        "showarrow": False,
        "text": note,
        "font": {"size": FONT_SIZE, "color": MUTED},
    }


def _patched_labels(traces: list[dict]) -> list[dict]:
    """The counts of the kinds drawn on a patch (ITEM_PATCH), at the middle of their bars in the stack."""
    notes, start = [], [0] * (len(traces[0]["x"]) if traces else 0)
    for trace in traces:
        for row, (name, value) in enumerate(zip(trace["y"], trace["x"])):
            if value and trace["meta"] in ITEM_PATCH:
                notes.append(
                    {
                        "x": start[row] + value / 2,
                        "y": name,
                        "showarrow": False,
                        "text": str(value),
                        "font": {"size": FONT_SIZE, "color": ITEM_LABEL[trace["meta"]]},
                        "bgcolor": ITEM_PATCH[trace["meta"]],
                        "borderpad": 3,
                    }
                )
            start[row] += value
    return notes


def _items_trace(
    kind: str,
    counts: dict[tuple[str, str], int],
    districts: list[str],
    names: list[str],
    district_names: dict[str, str],
    words: Mapping[str, str],
) -> dict:
    """One kind of an items chart: each district's count, labelled inside its bar (none for 0; a
    patched kind's count is an annotation instead, see _patched_labels)."""
    unit_word, kind_name = words["items_counter"], words[f"item_legend_{kind}"]
    values = [int(counts[(d, kind)]) for d in districts]
    return {
        "type": "bar",
        "orientation": "h",
        "name": kind_name,
        "meta": kind,
        "y": names,
        "x": values,
        "text": [str(v) if v and kind not in ITEM_PATCH else "" for v in values],
        "textposition": "inside",
        "insidetextanchor": "middle",
        "constraintext": "none",
        "textfont": {"size": FONT_SIZE, "color": ITEM_LABEL[kind]},
        "customdata": [
            f"{plotly_text(district_names[d])} · {kind_name}: {v}{unit_word}" for d, v in zip(districts, values)
        ],
        "hovertemplate": "%{customdata}<extra></extra>",
        "marker": ITEM_STYLE[kind],
    }


def _config(export_name: str, lang: str) -> dict:
    # The page's scroll is never captured: no scroll zoom, fixed axes, dragmode off.
    return {
        "responsive": True,
        "scrollZoom": False,
        "displaylogo": False,
        "modeBarButtons": [["toImage"]],
        "toImageButtonOptions": {"filename": f"guangzhou-district-targets-2025-{export_name}-{lang}", "format": "png"},
    }


@dataclass(frozen=True)
class Chart:
    """One chart in both languages; its id is stable (a metric key, or '<topic>--items') within its group."""

    id: str
    kind: str  # "comparison" or "items"
    topic: str
    titles: dict[str, str]
    draw: Callable[[str], dict] = field(repr=False, compare=False)  # language → figure
    group: str | None = None  # the city whose districts it compares; None on a site without cities
    definition: Metric | None = None  # what a comparison's metric measures (data/metrics.yaml), if defined

    def figure(self, lang: str) -> dict:
        """The Plotly figure in one language, drawn when asked, not kept: a site of 3,000 districts has
        25,000 figures, a quarter of a gigabyte, and its pages need one city's at a time."""
        return self.draw(lang)

    @property
    def csv_path(self) -> str:
        """Where its figures are published under /data/: charts/<id>.csv, under cities/<city>/ for a city's."""
        return (f"cities/{self.group}/" if self.group else "") + f"charts/{self.id}.csv"

    def svg_path(self, lang: str) -> str:
        """Where its image is published in a language: data/charts/<id>.svg, under en/ in English."""
        return ("en/" if lang == "en" else "") + "data/" + self.csv_path.removesuffix(".csv") + ".svg"


def items_chart_id(topic_id: str) -> str:
    """'ai' → 'ai--items'; the double hyphen cannot occur in a metric key, so ids never collide."""
    return f"{topic_id}--items"


def build_charts(
    tables,
    district_names: dict[str, dict[str, str]],
    topics,
    words: dict[str, Mapping[str, str]],
    metrics=(),
) -> dict[str | None, dict[str, Chart]]:
    """Every chart, by group of districts and id: one per cross-district metric, and one count of items per topic.

    words: content/ui.yaml's strings, by language. A metric chart's title is its definition's name
    (data/metrics.yaml); without one, the label of the metric's first record in district order, so it
    reads as the documents word it.
    """
    first = {row.id: (row.topic, row.label_zh, row.label_en) for row in tables.rows}
    definitions = {m.id: m for m in metrics}
    return {
        group: _group_charts(group, tables.groups[group], first, definitions, district_names, topics, words)
        for group in tables.groups
    }


def _group_charts(group, group_tables, first, definitions, district_names, topics, words) -> dict[str, Chart]:
    # A downloaded image is named after its chart, and its city when the site has several.
    def export_name(chart_id: str) -> str:
        return chart_id if group is None else f"{group}-{chart_id}"

    charts: dict[str, Chart] = {}
    for metric, rows in group_tables.comparisons.items():
        topic, label_zh, label_en = first[group_tables.first_records[metric]]
        definition = definitions.get(metric)
        titles = (
            {lang: in_lang(definition, "name", lang) for lang in LANGS}
            if definition
            else {"zh": label_zh, "en": label_en}
        )
        draw = functools.partial(_draw_comparison, export_name(metric), rows, district_names, titles, words)
        charts[metric] = Chart(metric, "comparison", topic, titles, draw, group, definition)
    for topic in topics:
        chart_id = items_chart_id(topic.id)
        titles = {lang: words[lang]["items_chart_title"].format(topic=in_lang(topic, "name", lang)) for lang in LANGS}
        draw = functools.partial(
            _draw_items,
            export_name(chart_id),
            group_tables.topic_counts[topic.id],
            group_tables.district_ids,
            district_names,
            titles,
            words,
        )
        charts[chart_id] = Chart(chart_id, "items", topic.id, titles, draw, group)
    return dict(sorted(charts.items()))


def _draw_comparison(export_name, rows, district_names, titles, words, lang: str) -> dict:
    return comparison_chart(export_name, rows, district_names[lang], lang, titles[lang], words[lang])


def _draw_items(export_name, counts, districts, district_names, titles, words, lang: str) -> dict:
    return items_chart(export_name, counts, districts, district_names[lang], lang, titles[lang], words[lang])
