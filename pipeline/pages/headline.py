"""The home page's first screen: every district's figure on the headline measures in one table, then
each district's standing on the topics with highlights (AI, the low-altitude economy).

The honesty rules of the charts hold here too: a target and a first-half result are marked apart in
words and by their bars, each row has its own scale (a growth rate and an amount never share one),
and a district whose documents are silent reads "not stated", with no bar.
"""

from .. import formatting
from ..charts import Chart
from ..languages import Lang, in_lang
from ..tables import ITEM_KINDS, ComparisonRow
from ..templating import Fields, figure_filter
from .core import Scope, SiteCore, record_url, scope_rows


def headline_rows(site: SiteCore, scope: Scope, lang: Lang) -> list[Fields]:
    """One row per headline metric (data/metrics.yaml `headline`), in the order of their topics and then
    of metrics.yaml: its title, its chart on the topic page, and each district's figures."""
    metric_order = {m.id: i for i, m in enumerate(site.dataset.metrics)}
    topic_order = {t.id: i for i, t in enumerate(site.dataset.topics)}
    charts = [
        c
        for c in site.charts[scope.group].values()
        if c.kind == "comparison" and c.definition is not None and c.definition.headline
    ]
    charts.sort(key=lambda c: (topic_order[c.topic], metric_order[c.id]))
    return [_headline_row(site, scope, chart, lang) for chart in charts]


def _headline_row(site: SiteCore, scope: Scope, chart: Chart, lang: Lang) -> Fields:
    rows = site.tables.groups[scope.group].comparisons[chart.id]
    widest = max((abs(r.value_high or r.value) for r in rows if r.stated), default=0) or 1
    by_district: dict[str, list[ComparisonRow]] = {d.id: [] for d in scope.districts}
    for row in rows:
        if row.stated:
            by_district[row.district].append(row)
    t = site.t[lang]
    return Fields(
        title=chart.titles[lang],
        url=scope.url(lang, "topics", chart.topic) + "#chart-" + chart.id,
        cells=[
            [
                Fields(
                    kind=row.kind,
                    text=figure_filter(row, lang),
                    label=formatting.kind_label(row.kind, row.period, row.estimate, t, short=True),
                    url=record_url(lang, row),
                    # Each row has its own scale, from zero: the bar's length is the figure's share of the widest.
                    share=round(100 * abs(row.value_high or row.value) / widest),
                )
                for row in by_district[d.id]
            ]
            for d in scope.districts
        ],
    )


def topic_standings(site: SiteCore, scope: Scope, lang: Lang) -> list[Fields]:
    """One row per topic with highlights (data/topics.yaml), in topic order: each district's highlighted
    figures and its records on the topic, counted as every page counts them (filed there or tagged)."""
    counts = site.tables.groups[scope.group].topic_counts
    by_id = scope_rows(site, scope).by_id
    t = site.t[lang]
    standings = []
    for topic in site.dataset.topics:
        if not topic.highlights:
            continue
        highlighted = [by_id[record_id] for record_id in topic.highlights if record_id in by_id]
        cells = []
        for d in scope.districts:
            kinds = [(kind, counts[topic.id][d.id, kind]) for kind in ITEM_KINDS]
            total = sum(n for _, n in kinds)
            cells.append(
                Fields(
                    # "共 34 条记录：目标 11 · 无数字 23"; empty when the district's documents are silent.
                    count=total
                    and (t["standing_count_one"] if total == 1 else t["standing_count"].format(n=total))
                    + t["colon"]
                    + " · ".join(f"{t[f'count_{kind}']} {n}" for kind, n in kinds if n),
                    url=scope.url(lang, "topics", topic.id) + "#col-" + d.id,
                    figures=[
                        Fields(
                            label=in_lang(row, "label", lang),
                            text=figure_filter(row, lang),
                            kind=formatting.kind_label(row.kind, row.period, row.estimate, t, short=True),
                            url=record_url(lang, row),
                        )
                        for row in highlighted
                        if row.district == d.id
                    ],
                )
            )
        standings.append(Fields(topic=topic, url=scope.url(lang, "topics", topic.id), cells=cells))
    return standings
