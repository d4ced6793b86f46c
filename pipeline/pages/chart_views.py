"""The charts of the comparison pages, as each page shows them: the Plotly JSON, the static SVG, the
table of the same figures, the share box's embed code and links, and the chart's SVG file.

A chart's view is made once per chart and language, and shown on its topic page, its embed page
and perhaps the home page.
"""

from collections import defaultdict

from markupsafe import Markup

from .. import formatting
from ..assets import PLOTLY_JS
from ..chart_svg import chart_svg, standalone_svg
from ..charts import FONT, Chart, items_chart_id
from ..embed_size import embed_height
from ..tables import ITEM_KINDS, SERIES_ORDER
from ..templating import Fields, figure_filter
from . import core
from .core import Scope, SiteCore, record_url, script_json


class ChartViews(SiteCore):
    """Chart views, by scope, chart and language (pages come scope by scope; only one scope's are held)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._chart_views: dict[tuple, dict] = {}
        self._views_group: str | None = None
        self._comparison_rows: dict[tuple, list[Fields]] = {}

    def _comparison_cells(self, scope: Scope, chart: Chart, lang: str) -> tuple[list[str], list[dict]]:
        key = (scope.group, chart.id)
        if key not in self._comparison_rows:  # once for both languages
            self._comparison_rows[key] = [Fields(row) for row in self.tables.groups[scope.group].comparisons[chart.id]]
        rows = self._comparison_rows[key]
        present = {(r["kind"], r["period"]) for r in rows}
        series = [s for s in SERIES_ORDER if s in present]
        own: dict[str, list[dict]] = defaultdict(list)
        for row in rows:
            own[row["district"]].append(row)
        table = []
        for district in scope.districts:
            cells = []
            for kind, period in series:
                match = [r for r in own[district.id] if r["kind"] == kind and r["period"] == period]
                cells.append(
                    Fields(
                        text=figure_filter(match[0], lang),
                        url=record_url(lang, match[0]),
                        estimate=match[0]["estimate"],
                    )
                    if match
                    else None
                )
            table.append(Fields(district=district, cells=cells))
        return [formatting.kind_label(k, p, False, lang) for k, p in series], table

    def _items_cells(self, scope: Scope, chart: Chart, lang: str) -> tuple[list[str], list[dict]]:
        counts = self.tables.groups[scope.group].topic_counts[chart.topic]
        rows = [
            Fields(district=d, cells=[Fields(text=str(counts[(d.id, k)]), url=None) for k in ITEM_KINDS])
            for d in scope.districts
        ]
        return [self.ui[f"item_kind_{k}"][lang] for k in ITEM_KINDS], rows

    def chart_view(self, scope: Scope, chart: Chart, lang: str) -> dict:
        """A chart's JSON, the table carrying the same figures without JavaScript, and its share links.

        Built once per chart and language: a chart is shown on its topic page, its embed page and
        perhaps the home page.
        """
        key = (scope.group, chart.id, lang)
        if key not in self._chart_views:
            if scope.group != self._views_group:
                # Pages come scope by scope: the last scope's views are done with (a large
                # site's would fill hundreds of megabytes).
                self._chart_views.clear()
                self._comparison_rows.clear()
                self._views_group = scope.group
            self._chart_views[key] = self._chart_view(scope, chart, lang)
        return self._chart_views[key]

    def short_sources(self, lang: str, sources) -> str:
        """The source documents by district and kind, for an embed's one-line source: 海珠区重点工作任务分工表、…"""
        if len(sources) > core.NAMED_SOURCES_MAX:  # read at call time, as documents_text does
            return self.documents_text(lang, sources)
        joiner, between = ("", "、") if lang == "zh" else (" ", ", ")
        return between.join(
            getattr(self.districts[s.district], f"name_{lang}") + joiner + self.ui[f"source_short_{s.kind}"][lang]
            for s in sources
        )

    def _chart_view(self, scope: Scope, chart: Chart, lang: str) -> dict:
        cells = self._comparison_cells if chart.kind == "comparison" else self._items_cells
        series, rows = cells(scope, chart, lang)
        t = self.t[lang]
        embed_url = scope.url(lang, "embed", chart.id)
        topic_url = scope.url(lang, "topics", chart.topic)
        svg_url = "/" + chart.svg_path(lang)
        title = chart.titles[lang]
        definition, wording = self._definition(scope, chart, lang)
        figure = chart.figure(lang)
        # What charts.js says and offers once a reader reaches for the chart.
        figure["strings"] = {key: t[key] for key in ("chart_loading", "chart_failed", "png_button", "svg_button")}
        figure["svg_url"] = svg_url
        legend = [Fields(name=trace["name"], kind=trace["meta"]) for trace in figure["data"]]
        short_sources = self.short_sources(lang, scope.sources)
        data_line = t["data_updated_line"] + self.data_updated if self.data_updated else ""
        links = " · ".join(filter(None, [data_line, t["get_the_data"], "SVG", t["full_comparison"]]))
        height = embed_height(
            title,
            figure["layout"]["height"],
            [item["name"] for item in legend],
            t["items_chart_note_short"] if chart.kind == "items" else None,
            links,
            t["embed_more"],
            definition=definition is not None,
        )
        iframe = (
            f'<iframe src="{self.site_url}{embed_url}" title="{title} · {self.ui["site_title"][lang]}" '
            f'width="100%" height="{height}" style="border:0;width:100%" loading="lazy" '
            f"data-district-targets-embed></iframe>\n"
            f'<script src="{self.site_url}/embed.js" async></script>'
        )
        view = Fields(
            {
                "id": chart.id,
                "kind": chart.kind,
                "title": title,
                "json": script_json(figure),
                "svg": Markup(chart_svg(figure, chart.id)),
                "legend": legend,
                "height": figure["layout"]["height"],
                "series": series,
                "rows": rows,
                "embed_url": embed_url,
                "embed_code": iframe,
                "csv_url": f"/data/{chart.csv_path}",
                "svg_url": svg_url,
                "topic_url": topic_url,
                "short_sources": short_sources,
                "data_line": data_line,
                "citation": self.citation(lang, title, topic_url, scope.sources),
                "definition": definition,
                "wording": wording,
            }
        )
        # The chart's SVG file, drawn from the same figure (figures are drawn once per chart and language).
        footer = [
            t["source_line"] + short_sources + t["full_stop"],
            " · ".join(filter(None, [data_line, t["licence_line"], self.site_url + topic_url])),
        ]
        view["image"] = standalone_svg(figure, chart.id, title, footer, FONT[lang])
        # The plot and its table, the same on the topic, embed and home pages, are made once.
        view["plot"] = self._macros.chart_plot(view, self.assets[PLOTLY_JS].url)
        view["table"] = self._macros.chart_table(view, lang, self.t[lang])
        return view

    def _definition(self, scope: Scope, chart: Chart, lang: str) -> tuple[str | None, str | None]:
        """What the chart's metric measures (data/metrics.yaml), and, where the districts' documents word
        it differently, each district's wording as written (with ours in English) and whether they can
        fairly be compared; None for what is not given."""
        if chart.definition is None:
            return None, None
        definition = getattr(chart.definition, f"definition_{lang}")
        rows = self.scope_rows(scope).by_id
        labels: dict[str, list] = defaultdict(list)
        for row in self.tables.groups[scope.group].comparisons[chart.id]:
            if not row["stated"]:
                continue
            record = rows[row["id"]]
            if (record["label_zh"], record["label_en"]) not in labels[record["district"]]:
                labels[record["district"]].append((record["label_zh"], record["label_en"]))
        if len({zh for own in labels.values() for zh, _ in own}) < 2 or not chart.definition.comparability_zh:
            return definition, None
        t = self.t[lang]
        named = []
        for district in scope.districts:
            if district.id in labels:
                written = " / ".join(f"“{zh}”" if lang == "zh" else f"“{zh}” ({en})" for zh, en in labels[district.id])
                named.append(getattr(district, f"name_{lang}") + (" " if lang == "en" else "") + written)
        wording = (
            t["documents_wording"]
            + t["colon"]
            + t["list_separator"].join(named)
            + t["full_stop"]
            + (" " if lang == "en" else "")
            + getattr(chart.definition, f"comparability_{lang}")
        )
        return definition, wording

    def _topic_charts(self, scope: Scope, topic_id: str, lang: str, with_items: bool = True) -> list[dict]:
        charts = self.charts[scope.group]
        views = [
            self.chart_view(scope, c, lang) for c in charts.values() if c.kind == "comparison" and c.topic == topic_id
        ]
        if with_items and not views:
            views.append(self.chart_view(scope, charts[items_chart_id(topic_id)], lang))
        return views
