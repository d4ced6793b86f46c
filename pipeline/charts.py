"""Stage 4: Plotly figures for the comparison tables, honest by construction.

Figures are plain dicts in Plotly's JSON format: the same thing plotly.graph_objects
would emit, without its validation cost per build. Rules they follow:
- one chart per metric, so growth rates and levels never share an axis;
- targets and results are separate, labelled series with different fills;
- each bar is labelled with its figure and bound (≥10%, >30个, ≈5%);
- a district with no figure gets a "not stated" note and no bar, never a zero;
- the chart never takes the page's scroll or drag on a phone.
"""
import math
from decimal import Decimal

import pandas as pd

from .tables import SERIES_ORDER
from .formatting import NOT_STATED, figure_short, figure_text, kind_label, number_en, number_zh

FONT = ('-apple-system, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", '
        '"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif')
TARGET_COLOUR = "#1f4e79"
ACTUAL_COLOUR = "#b35900"


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


def _tick_text(value: float, unit: str, lang: str) -> str:
    if value == 0:
        return "0"
    return number_zh(value, unit) if lang == "zh" else number_en(value, unit)


def comparison_chart(chart_id: str, table: pd.DataFrame, district_names: dict[str, str], lang: str,
                     title: str) -> dict:
    """A grouped bar chart of one metric across districts, one series per kind and period."""
    stated = table[table["stated"]]
    x_names = [district_names[d] for d in table["district"].drop_duplicates()]
    unit = stated["unit"].iloc[0]
    traces = []
    for kind, period in SERIES_ORDER:
        series = stated[(stated["kind"] == kind) & (stated["period"] == period)]
        if series.empty:
            continue
        labels, hovers = [], []
        for row in series.itertuples():
            estimate = bool(row.estimate)
            note = ("（预计）" if lang == "zh" else " (estimate)") if estimate else ""
            value_high = None if pd.isna(row.value_high) else row.value_high
            labels.append(figure_short(row.value, row.unit, row.bound, lang, value_high, row.counter) + note)
            hovers.append(f"{district_names[row.district]} · {kind_label(kind, period, estimate, lang)}<br>"
                          + figure_text(row.value, row.unit, row.bound, lang, value_high, row.counter))
        is_target = kind == "target"
        traces.append({
            "type": "bar",
            "name": kind_label(kind, period, False, lang),
            "x": [district_names[d] for d in series["district"]],
            "y": [float(v) for v in series["value"]],
            "text": labels,
            "textposition": "outside",
            "cliponaxis": False,
            "customdata": hovers,
            "hovertemplate": "%{customdata}<extra></extra>",
            "marker": {
                "color": TARGET_COLOUR if is_target else "#ffffff",
                "line": {"color": TARGET_COLOUR if is_target else ACTUAL_COLOUR, "width": 2},
                "pattern": {"shape": "" if is_target else "/", "fgcolor": ACTUAL_COLOUR, "size": 6},
            },
        })
    missing = [district_names[d] for d in table.loc[~table["stated"], "district"]]
    top = float(stated[["value", "value_high"]].max().max()) * 1.25
    ticks = nice_ticks(top)
    annotations = [{
        "x": name, "y": 0, "yref": "y", "yanchor": "bottom", "showarrow": False,
        "text": NOT_STATED[lang].replace("in the sourced documents", "<br>in the sourced documents"),
        "font": {"size": 12, "color": "#555555"},
    } for name in missing]
    layout = {
        "title": {"text": title, "font": {"size": 16}, "x": 0, "xanchor": "left"},
        "font": {"family": FONT, "size": 13, "color": "#1a1a1a"},
        "barmode": "group",
        "bargap": 0.35,
        "height": 360,
        "margin": {"l": 64, "r": 16, "t": 48, "b": 72},
        "legend": {"orientation": "h", "x": 0, "y": -0.12, "yanchor": "top"},
        "xaxis": {"categoryorder": "array", "categoryarray": x_names, "fixedrange": True},
        "yaxis": {"fixedrange": True, "range": [0, ticks[-1]], "tickvals": ticks,
                  "ticktext": [_tick_text(t, unit, lang) for t in ticks], "zeroline": True,
                  "gridcolor": "#e5e5e5"},
        "dragmode": False,
        "hovermode": "closest",
        "annotations": annotations,
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
    }
    config = {
        "responsive": True,
        "scrollZoom": False,
        "displaylogo": False,
        "modeBarButtons": [["toImage"]],
        "toImageButtonOptions": {"filename": f"{chart_id}-{lang}", "format": "png"},
    }
    return {"data": traces, "layout": layout, "config": config}


def build_charts(tables, district_names: dict[str, dict[str, str]]) -> dict[str, dict[str, dict]]:
    """Every comparison chart, by chart id (its metric key) and language.

    The title is the label of the metric's first record in district order, so it
    reads as the documents word it.
    """
    charts: dict[str, dict[str, dict]] = {}
    for metric, table in tables.comparisons.items():
        first = tables.records[tables.records["metric"] == metric].iloc[0]
        charts[metric] = {
            lang: comparison_chart(metric, table, district_names[lang], lang, first[f"label_{lang}"])
            for lang in ("zh", "en")
        }
    return charts
