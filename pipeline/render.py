"""Stage 5: page contexts and HTML, in Chinese at / and in English at /en/.

Templates hold layout only; every number is formatted by pipeline.formatting
through the filters registered here.

Pages that put districts side by side (home, topics, embeds) are rendered per
scope: the whole site, or on a site covering several cities each city under
/cities/<id>/, so that no chart or table compares thousands of districts.
Everything a page reads is prepared once per build (record rows by district,
source and topic; chart views), never filtered out of a table per page.
"""
import functools
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import markdown
import nh3
from markupsafe import Markup

from . import formatting
from .assets import PLOTLY_JS, Asset
from .chart_svg import chart_svg, standalone_svg
from .charts import FONT, Chart, items_chart_id
from .embed_size import embed_height
from .models import Dataset, District, Source
from .tables import COVERAGE_LEVELS, ITEM_KINDS, SERIES_ORDER, Tables, plain_rows, rows_by_index, topic_keys
from .templating import Fields, environment, figure_filter
from .validate import without_whitespace

LANGS = ("zh", "en")
HTML_LANG = {"zh": "zh-Hans", "en": "en"}
OG_LOCALE = {"zh": "zh_CN", "en": "en_US"}
SCOPED_SECTIONS = ("topics", "embed")  # with the home page, the pages a scope has of its own
PAGES_PER_TASK = 400  # at most, pages rendered in one go by a worker of a large site (a city has about 200)
# A citation names its source documents one by one up to this many (Guangzhou's eleven districts, a
# document or two each); beyond, it counts them and points to the data package, which lists each:
# a national edition's 3,000 would fill 190 KB at the foot of every site-wide page.
NAMED_SOURCES_MAX = 30
# Pages one sitemap file may list (sitemaps.org); a national edition of 9,200 districts would pass it.
SITEMAP_URLS_MAX = 50_000


def page_url(lang: str, *parts: str) -> str:
    """Root-relative URL of a page: page_url('en', 'topics', 'gdp') → '/en/topics/gdp/'."""
    prefix = "/" if lang == "zh" else "/en/"
    return (prefix + "/".join(parts) + "/") if parts else prefix


def page_file(url: str) -> str:
    """The file a page URL is served from: '/en/topics/gdp/' → 'en/topics/gdp/index.html'."""
    return url.lstrip("/") + "index.html"


def chart_json(figure: dict) -> Markup:
    """Chart JSON safe inside <script type="application/json">: no '<', '>' or '&' can end the element."""
    text = json.dumps(figure, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return Markup(text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"))


def record_url(lang: str, row: dict) -> str:
    """Where a record's card is on its district's page: '/districts/haizhu/#haizhu-t01-gdp-growth'."""
    return page_url(lang, "districts", row["district"]) + "#" + row["id"]


def markdown_html(text: str) -> Markup:
    """Markdown from content/, rendered and sanitised: no script, no javascript: links."""
    html = markdown.markdown(text, extensions=["tables"], output_format="html")
    return Markup(nh3.clean(html, url_schemes={"http", "https", "mailto"}))


@dataclass
class SourcePassage:
    """A stretch of a source text, with the records that quote it (none for plain text)."""

    text: str
    record_ids: tuple[str, ...] = ()
    anchors: tuple[str, ...] = field(default_factory=tuple)


def source_passages(text: str, quotes: list[tuple[str, str]]) -> list[SourcePassage]:
    """Split a source text into plain and quoted stretches; quotes are (record id, quote) pairs.

    Quotes are matched ignoring white space, as the validator does, and each
    record's anchor is placed where its quote begins. The text is cut only where
    a quote begins or ends, so the work grows with the quotes, not the characters.
    """
    kept = [i for i, ch in enumerate(text) if not ch.isspace()]
    flat = without_whitespace(text)
    starts: dict[int, list[str]] = defaultdict(list)
    ends: dict[int, list[str]] = defaultdict(list)
    for record_id, quote in quotes:
        needle = without_whitespace(quote)
        at = flat.find(needle)
        if at < 0 or not needle:
            continue
        starts[kept[at]].append(record_id)
        ends[kept[at + len(needle) - 1] + 1].append(record_id)
    cuts = sorted({0, len(text)} | starts.keys() | ends.keys())
    passages: list[SourcePassage] = []
    covering: set[str] = set()  # the records whose quote covers the stretch from `begin`
    for begin, end in zip(cuts, cuts[1:]):
        covering.difference_update(ends.get(begin, ()))
        covering.update(starts.get(begin, ()))
        ids = tuple(sorted(covering))
        anchors = tuple(starts.get(begin, ()))
        if passages and passages[-1].record_ids == ids and not anchors:
            passages[-1].text += text[begin:end]
        else:
            passages.append(SourcePassage(text[begin:end], ids, anchors))
    return passages


@dataclass(frozen=True)
class Scope:
    """The districts one set of comparison pages puts side by side, and where those pages live."""

    group: str | None             # key of tables.groups and of the charts: a city id, or None
    parts: tuple[str, ...]        # URL prefix of its pages: () or ("cities", <id>)
    districts: tuple[District, ...]
    sources: tuple[Source, ...]

    def url(self, lang: str, *parts: str) -> str:
        """page_url, with the home, topic and embed pages of this scope under its prefix."""
        if not parts or parts[0] in SCOPED_SECTIONS:
            return page_url(lang, *self.parts, *parts)
        return page_url(lang, *parts)


@dataclass(frozen=True)
class PageJob:
    """One page or chart image to render: the file it is written to, the SiteRenderer method and arguments
    that make it, its URL if the sitemap lists it, and the scope whose records it shows (None for a
    site-wide page)."""

    file: str
    method: str
    args: tuple
    sitemap_url: str | None
    scope: Scope | None = None


@dataclass(frozen=True)
class ScopeRows:
    """The record rows of one scope's districts, indexed the ways its pages read them, in table order."""

    by_id: dict[str, Fields]
    by_district: dict[str, list[Fields]]
    by_source: dict[str, list[Fields]]
    on_topic: dict[str, dict[str, list[Fields]]]  # topic → district → rows, a record under its tags too
    progress: dict[str, list[Fields]]  # record id → its partners (a result beside its target)


def table_ranges(records) -> dict[str, tuple[int, int]]:
    """District → (start, stop) of its rows in the records table, which keeps each district's rows together."""
    ranges: dict[str, tuple[int, int]] = {}
    for position, district in enumerate(records["district"].tolist()):
        start = ranges[district][0] if district in ranges else position
        ranges[district] = (start, position + 1)
    return ranges


class SiteRenderer:
    """Renders every page of the site from the dataset, tables, charts and assets."""

    def __init__(self, templates_dir, dataset: Dataset, tables: Tables, charts: dict[str | None, dict[str, Chart]],
                 assets: dict[str, Asset], content: dict[str, str], ui: dict[str, dict[str, str]],
                 site_url: str, data_updated: str | None):
        self.dataset = dataset
        self.tables = tables
        self.charts = charts
        self.assets = assets
        self.asset_urls = {name: asset.url for name, asset in assets.items()}  # templates read asset['style.css']
        self.content = content
        self.ui = ui
        self.site_url = site_url.rstrip("/")
        self.data_updated = data_updated
        self.env = environment(Path(templates_dir).resolve())
        self.templates = {}
        self.topics = {t.id: t for t in dataset.topics}
        self.sources = {s.id: s for s in dataset.sources}
        self.districts = {d.id: d for d in dataset.districts}
        self.t = {lang: Fields((key, text[lang]) for key, text in ui.items()) for lang in LANGS}
        self.topic_names = {lang: {t.id: getattr(t, f"name_{lang}") for t in dataset.topics} for lang in LANGS}
        self.record_ranges = table_ranges(tables.records)
        self.sources_by_district: dict[str, list[Source]] = defaultdict(list)
        for source in dataset.sources:
            self.sources_by_district[source.district].append(source)
        self.scopes = self._scopes()
        self.scope_of = {d.id: scope for scope in self.scopes.values() for d in scope.districts}
        self._chart_views: dict[tuple, dict] = {}
        self._views_group: str | None = None
        self._rows: ScopeRows | None = None
        self._rows_group: str | None = None
        self._cards: dict[tuple, Markup] = {}  # the cards of the scope whose rows are held
        self._card_bodies: dict[tuple, Markup] = {}
        self._macros = self.env.get_template("macros.html").module
        self._documents: dict[tuple, str] = {}
        self._comparison_rows: dict[tuple, list[Fields]] = {}
        self._passages: dict[str, list[SourcePassage]] = {}  # of the sources of the scope whose rows are held

    def scope_rows(self, scope: Scope) -> ScopeRows:
        """The record rows of a scope's districts, converted from the records table when its first page
        is rendered. Pages come scope by scope, so only one scope's are held: a national edition's
        180,000 rows would take 200 MB in every process."""
        if self._rows is None or scope.group != self._rows_group:
            self._rows, self._cards, self._card_bodies, self._passages = None, {}, {}, {}  # the last scope's go first
            self._rows, self._rows_group = self._index_rows(scope), scope.group
        return self._rows

    def record_card(self, scope: Scope, lang: str, row: Fields, here: str | None = None) -> Markup:
        """A record's card (macros.html `record`), made once per scope, language and record: the same
        card shows on its district's page and on its topic's page (a third of the pages' work); on a
        page of one of its tags (`here`), it also links to its own topic."""
        rows = self.scope_rows(scope)
        also_under = here if here and row["topic"] != here else None
        key = (row["id"], lang, also_under)
        if key not in self._cards:
            body_key = (row["id"], lang)
            if body_key not in self._card_bodies:  # the same under its topic and each of its tags
                self._card_bodies[body_key] = self._macros.record_body(
                    row, lang, self.t[lang], scope.url(lang, "sources", row["source"]),
                    functools.partial(record_url, lang), rows.progress.get(row["id"], ()))
            own_topic = (Fields(url=scope.url(lang, "topics", row["topic"]), name=self.topic_names[lang][row["topic"]])
                         if also_under else None)
            self._cards[key] = self._macros.record(row, lang, self.t[lang], own_topic, self._card_bodies[body_key])
        return self._cards[key]

    def record_cards(self, scope: Scope, lang: str, rows: list[Fields], here: str | None = None) -> Markup:
        """The cards of several records, one after another (joined here: a template looping over
        them would call into Python once per card, on every topic and district page)."""
        return Markup("".join(self.record_card(scope, lang, row, here) for row in rows))

    def _index_rows(self, scope: Scope) -> ScopeRows:
        records = self.tables.records
        positions = [p for d in scope.districts if d.id in self.record_ranges
                     for p in range(*self.record_ranges[d.id])]
        own = records.iloc[positions]
        rows = [Fields(row) for row in plain_rows(own)]
        by_id = {row["id"]: row for row in rows}
        by_district: dict[str, list[Fields]] = defaultdict(list)
        by_source: dict[str, list[Fields]] = defaultdict(list)
        on_topic: dict[str, dict[str, list[Fields]]] = defaultdict(lambda: defaultdict(list))
        for row, keys in zip(rows, topic_keys(own)):
            by_district[row["district"]].append(row)
            by_source[row["source"]].append(row)
            for topic_id in keys:
                on_topic[topic_id][row["district"]].append(row)
        # Partners share a district-prefixed metric key, so they are in the same scope.
        progress = {record_id: [by_id[p] for p in self.tables.progress[record_id]]
                    for record_id in by_id if record_id in self.tables.progress}
        return ScopeRows(by_id, by_district, by_source, on_topic, progress)

    def _scopes(self) -> dict[str | None, Scope]:
        """One scope per group of districts: the whole site, or each city under /cities/<id>/."""
        group_of = {d: group for group, tables in self.tables.groups.items() for d in tables.district_ids}
        sources: dict[str | None, list[Source]] = defaultdict(list)
        for source in self.dataset.sources:
            sources[group_of[source.district]].append(source)
        return {group: Scope(group, () if group is None else ("cities", group),
                             tuple(self.districts[d] for d in tables.district_ids), tuple(sources[group]))
                for group, tables in self.tables.groups.items()}

    @property
    def site_scope(self) -> Scope:
        """The scope of the site-wide pages (about, 404, and the city index on a site of several cities)."""
        return self.scopes.get(None) or Scope(None, (), self.dataset.districts, self.dataset.sources)

    def documents_text(self, lang: str, sources: tuple[Source, ...] | list[Source]) -> str:
        """The source documents named with district and date: 海珠区《…》（2025-07-11）; …, or beyond
        NAMED_SOURCES_MAX, how many they are and where the data package lists them."""
        if len(sources) > NAMED_SOURCES_MAX:
            return self.ui["sources_counted"][lang].format(
                count=formatting.count_text(len(sources), lang), url=f"{self.site_url}/data/datapackage.json")
        key = (lang, tuple(s.id for s in sources))
        if key not in self._documents:  # the same list ends every page and chart of a scope
            not_stated = self.ui["date_not_stated"][lang]
            named = []
            for source in sources:
                district = getattr(self.districts[source.district], f"name_{lang}")
                date = source.date.isoformat() if source.date else not_stated
                named.append(f"{district}《{source.title_zh}》（{date}）" if lang == "zh"
                             else f"{district}, “{source.title_en}” ({date})")
            self._documents[key] = "；".join(named) if lang == "zh" else "; ".join(named)
        return self._documents[key]

    def citation(self, lang: str, title: str, url: str, sources) -> str:
        """A ready citation line: site, page or chart title, address, source documents, data date."""
        t = self.t[lang]
        documents = self.documents_text(lang, sources)
        updated = self.data_updated or t["date_not_stated"]
        if lang == "zh":
            return f"{t['site_title']}：《{title}》，{self.site_url}{url}。来源：{documents}。{t['data_updated']}{updated}。"
        return (f"{t['site_title']}: “{title}”, {self.site_url}{url}. Sources: {documents}. "
                f"{t['data_updated'].capitalize()} {updated}.")

    def _common(self, lang: str, scope: Scope, parts: tuple[str, ...], title: str, description: str,
                sources=None) -> dict:
        other = "en" if lang == "zh" else "zh"
        url = page_url(lang, *parts)
        return {
            "lang": lang,
            "html_lang": HTML_LANG[lang],
            "og_locale": OG_LOCALE[lang],
            "t": self.t[lang],
            "title": title,
            "description": description,
            "url": url,
            "absolute_url": self.site_url + url,
            "other_lang": other,
            "other_url": page_url(other, *parts),
            "other_absolute_url": self.site_url + page_url(other, *parts),
            "other_html_lang": HTML_LANG[other],
            "asset": self.asset_urls,
            "page_url": lambda *p: scope.url(lang, *p),
            # Every page links to these twice or more: written once here, not called for in the template.
            "home_url": scope.url(lang),
            "about_url": page_url(lang, "about"),
            "record_url": functools.partial(record_url, lang),
            "topics": self.dataset.topics,
            "topic_names": self.topic_names[lang],
            "districts": scope.districts,
            "sources": scope.sources,
            "not_stated": formatting.NOT_STATED[lang],
            "page_citation": self.citation(lang, title, url, sources if sources is not None else scope.sources),
        }

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
                cells.append(Fields(text=figure_filter(match[0], lang), url=record_url(lang, match[0]),
                                    estimate=match[0]["estimate"]) if match else None)
            table.append(Fields(district=district, cells=cells))
        return [formatting.kind_label(k, p, False, lang) for k, p in series], table

    def _items_cells(self, scope: Scope, chart: Chart, lang: str) -> tuple[list[str], list[dict]]:
        counts = self.tables.groups[scope.group].topic_counts[chart.topic]
        rows = [Fields(district=d, cells=[Fields(text=str(counts[(d.id, k)]), url=None) for k in ITEM_KINDS])
                for d in scope.districts]
        return [self.ui[f"item_kind_{k}"][lang] for k in ITEM_KINDS], rows

    def chart_view(self, scope: Scope, chart: Chart, lang: str) -> dict:
        """A chart's JSON, the table carrying the same figures without JavaScript, and its share links.

        Built once per chart and language: a chart is shown on its topic page, its embed page and
        perhaps the home page.
        """
        key = (scope.group, chart.id, lang)
        if key not in self._chart_views:
            if scope.group != self._views_group:
                # Pages come scope by scope: the last scope's views are done with (a national
                # edition's would fill hundreds of megabytes).
                self._chart_views.clear()
                self._comparison_rows.clear()
                self._views_group = scope.group
            self._chart_views[key] = self._chart_view(scope, chart, lang)
        return self._chart_views[key]

    def short_sources(self, lang: str, sources) -> str:
        """The source documents by district and kind, for an embed's one-line source: 海珠区重点工作任务分工表、…"""
        if len(sources) > NAMED_SOURCES_MAX:
            return self.documents_text(lang, sources)
        joiner, between = ("", "、") if lang == "zh" else (" ", ", ")
        return between.join(getattr(self.districts[s.district], f"name_{lang}") + joiner
                            + self.ui[f"source_short_{s.kind}"][lang] for s in sources)

    def _chart_view(self, scope: Scope, chart: Chart, lang: str) -> dict:
        cells = self._comparison_cells if chart.kind == "comparison" else self._items_cells
        series, rows = cells(scope, chart, lang)
        t = self.t[lang]
        embed_url = scope.url(lang, "embed", chart.id)
        topic_url = scope.url(lang, "topics", chart.topic)
        svg_url = "/" + chart.svg_path(lang)
        title = chart.titles[lang]
        figure = chart.figure(lang)
        # What charts.js says and offers once a reader reaches for the chart.
        figure["strings"] = {key: t[key] for key in ("chart_loading", "chart_failed", "png_button", "svg_button")}
        figure["svg_url"] = svg_url
        legend = [Fields(name=trace["name"], kind=trace["meta"]) for trace in figure["data"]]
        short_sources = self.short_sources(lang, scope.sources)
        data_line = t["data_updated_line"] + self.data_updated if self.data_updated else ""
        links = " · ".join(filter(None, [data_line, t["get_the_data"], "SVG", t["full_comparison"]]))
        height = embed_height(title, figure["layout"]["height"], [item["name"] for item in legend],
                              t["items_chart_note_short"] if chart.kind == "items" else None, links, t["embed_more"])
        iframe = (f'<iframe src="{self.site_url}{embed_url}" title="{title} · {self.ui["site_title"][lang]}" '
                  f'width="100%" height="{height}" style="border:0;width:100%" loading="lazy" '
                  f'data-district-targets-embed></iframe>\n'
                  f'<script src="{self.site_url}/embed.js" async></script>')
        view = Fields({
            "id": chart.id,
            "kind": chart.kind,
            "title": title,
            "json": chart_json(figure),
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
        })
        # The chart's SVG file, drawn from the same figure (figures are drawn once per chart and language).
        footer = [t["source_line"] + short_sources + t["full_stop"],
                  " · ".join(filter(None, [data_line, t["licence_line"], self.site_url + topic_url]))]
        view["image"] = standalone_svg(figure, chart.id, title, footer, FONT[lang])
        # The plot and its table, the same on the topic, embed and home pages, are made once.
        view["plot"] = self._macros.chart_plot(view, self.assets[PLOTLY_JS].url)
        view["table"] = self._macros.chart_table(view, lang, self.t[lang])
        return view

    def chart_image(self, scope: Scope, chart: Chart, lang: str) -> bytes:
        """A chart's SVG file: the chart with its title, legend, sources and data date inside."""
        return self.chart_view(scope, chart, lang)["image"]

    def _topic_charts(self, scope: Scope, topic_id: str, lang: str, with_items: bool = True) -> list[dict]:
        charts = self.charts[scope.group]
        views = [self.chart_view(scope, c, lang) for c in charts.values()
                 if c.kind == "comparison" and c.topic == topic_id]
        if with_items and not views:
            views.append(self.chart_view(scope, charts[items_chart_id(topic_id)], lang))
        return views

    def render(self, template: str, **context) -> bytes:
        if template not in self.templates:  # a template cannot change during one build
            self.templates[template] = self.env.get_template(template)
        return self.templates[template].render(**context).encode("utf-8")

    def home(self, scope: Scope, lang: str) -> bytes:
        headline = [t for t in self.dataset.topics if t.headline]
        coverage = [Fields(topic=self.topics[topic_id], levels=list(levels.values()))
                    for topic_id, levels in self.tables.groups[scope.group].coverage.items()]
        return self.render(
            "home.html",
            **self._common(lang, scope, scope.parts, self.ui["site_title"][lang], self.ui["site_description"][lang]),
            headline=[Fields(topic=t, charts=self._topic_charts(scope, t.id, lang, with_items=False)) for t in headline],
            coverage=coverage,
            coverage_levels=COVERAGE_LEVELS,
        )

    def _facets(self, scope: Scope, topic_id: str) -> list[dict]:
        facet_tables = self.tables.groups[scope.group].facets
        if topic_id not in facet_tables:
            return []
        facets = {f.id: f for f in self.topics[topic_id].facets}
        by_id = self.scope_rows(scope).by_id
        return [Fields(facet=facets[facet_id], cells=[[by_id[r] for r in ids] for ids in row.values()])
                for facet_id, row in facet_tables[topic_id].items()]

    def topic(self, scope: Scope, topic_id: str, lang: str) -> bytes:
        topic = self.topics[topic_id]
        rows = self.scope_rows(scope)
        on_topic = rows.on_topic[topic_id]
        columns = [Fields(district=d, url=scope.url(lang, "districts", d.id),
                          cards=self.record_cards(scope, lang, on_topic.get(d.id, []), topic_id))
                   for d in scope.districts]
        charts = self._topic_charts(scope, topic_id, lang)
        return self.render(
            "topic.html",
            **self._common(lang, scope, (*scope.parts, "topics", topic_id), getattr(topic, f"name_{lang}"),
                           getattr(topic, f"description_{lang}")),
            topic=topic,
            charts=charts,
            items_only=all(c["kind"] == "items" for c in charts),
            facets=self._facets(scope, topic_id),
            columns=columns,
        )

    def district(self, district_id: str, lang: str) -> bytes:
        district = self.districts[district_id]
        scope = self.scope_of[district_id]
        records = self.scope_rows(scope).by_district[district_id]
        by_topic: dict[str, list[dict]] = {}
        for row in records:  # topics in the order their first record comes
            by_topic.setdefault(row["topic"], []).append(row)
        groups = [Fields(topic=self.topics[topic_id], count=len(rows), cards=self.record_cards(scope, lang, rows))
                  for topic_id, rows in by_topic.items()]
        name = getattr(district, f"name_{lang}")
        own_sources = self.sources_by_district[district_id]
        return self.render(
            "district.html",
            **self._common(lang, scope, ("districts", district_id), name,
                           self.ui["district_description"][lang].format(name=name), own_sources),
            district=district,
            groups=groups,
            district_sources=own_sources,
            has_lead_units=any(row["lead_units"] for row in records),
        )

    def lead_units(self, district_id: str, lang: str) -> bytes:
        district = self.districts[district_id]
        records = self.scope_rows(self.scope_of[district_id]).by_district[district_id]
        units: dict[str, list[dict]] = {}
        for row in sorted(records, key=lambda r: (r["task_no"] or 0, r["id"])):
            for unit in row["lead_units"]:
                units.setdefault(unit, []).append(row)
        name = getattr(district, f"name_{lang}")
        return self.render(
            "lead_units.html",
            **self._common(lang, self.scope_of[district_id], ("districts", district_id, "units"),
                           self.ui["lead_units_title"][lang].format(name=name),
                           self.ui["lead_units_description"][lang].format(name=name),
                           self.sources_by_district[district_id]),
            district=district,
            units=sorted((Fields(name=unit, records=rows, tasks=len({r["task_no"] for r in rows}))
                          for unit, rows in units.items()), key=lambda unit: (-unit["tasks"], unit["name"])),
        )

    def source(self, source_id: str, lang: str) -> bytes:
        source = self.sources[source_id]
        records = self.scope_rows(self.scope_of[source.district]).by_source[source_id]
        if source_id not in self._passages:  # the same in both languages
            self._passages[source_id] = source_passages(self.dataset.source_texts[source_id],
                                                        [(r["id"], r["quote"]) for r in records])
        passages = self._passages[source_id]
        return self.render(
            "source.html",
            **self._common(lang, self.scope_of[source.district], ("sources", source_id),
                           getattr(source, f"title_{lang}"), self.ui["source_description"][lang], [source]),
            source=source,
            passages=passages,
            card_url={r["id"]: record_url(lang, r) for r in records},
            record_count=len(records),
        )

    def embed(self, scope: Scope, chart: Chart, lang: str) -> bytes:
        view = self.chart_view(scope, chart, lang)
        return self.render(
            "embed.html",
            **self._common(lang, scope, (*scope.parts, "embed", chart.id), view["title"], view["title"]),
            view=view,
            documents=self.documents_text(lang, scope.sources),
        )

    def about(self, lang: str) -> bytes:
        """The about page. Its table counts records per topic and district; on a site of several cities,
        per topic for the whole site, and a second table counts them per city."""
        if self.tables.city_counts is None:
            count_columns = [getattr(d, f"name_{lang}") for d in self.site_scope.districts]
            city_counts = []
        else:
            cities = {c.id: c for c in self.dataset.cities}
            count_columns = [self.ui["counts_all_cities"][lang]]
            city_counts = [Fields(url=self.scopes[city_id].url(lang), name=getattr(cities[city_id], f"name_{lang}"),
                                  cells=list(row.values()))
                           for city_id, row in rows_by_index(self.tables.city_counts).items()]
        return self.render(
            "about.html",
            **self._common(lang, self.site_scope, ("about",), self.ui["about_title"][lang],
                           self.ui["about_description"][lang]),
            body=markdown_html(self.content[f"about.{lang}.md"]),
            counts=[Fields(url=page_url(lang, "topics", topic_id), name=getattr(self.topics[topic_id], f"name_{lang}"),
                           cells=list(row.values()))
                    for topic_id, row in rows_by_index(self.tables.counts).items()],
            count_columns=count_columns,
            count_kinds=ITEM_KINDS,
            count_totals=list(self.tables.counts.sum()),
            city_counts=city_counts,
        )

    def city_index(self, lang: str, topic_id: str | None = None) -> bytes:
        """On a site of several cities: the home page, or a topic's page, leading to each city's own."""
        cities = {c.id: c for c in self.dataset.cities}
        entries = [Fields(city=cities[group], url=scope.url(lang, *(("topics", topic_id) if topic_id else ())),
                          districts=() if topic_id else scope.districts)
                   for group, scope in self.scopes.items()]
        if topic_id:
            topic = self.topics[topic_id]
            parts, title, description = (("topics", topic_id), getattr(topic, f"name_{lang}"),
                                         getattr(topic, f"description_{lang}"))
        else:
            parts, title, description = (), self.ui["site_title"][lang], self.ui["site_description"][lang]
        return self.render("cities.html", **self._common(lang, self.site_scope, parts, title, description),
                           cities=entries, topic_index=topic_id is not None)

    def not_found(self) -> bytes:
        return self.render("404.html", **self._common("zh", self.site_scope, (), "404", self.ui["not_found"]["zh"]),
                           t_en=self.t["en"])

    def jobs(self) -> list[PageJob]:
        """Every page of the site, each rendered by render_page on its own, in any order and any process.

        A scope's pages (its comparisons, and its districts' and sources' own pages) come together,
        so that its record rows and chart views are made once and dropped when the next scope begins.
        """
        jobs = [PageJob("404.html", "not_found", (), None)]
        with_units = {d.id for d in self.dataset.districts if any(r.lead_units for r in d.records)}

        def add(url: str, method: str, *args, scope: Scope | None = None, in_sitemap: bool = True) -> None:
            jobs.append(PageJob(page_file(url), method, args, url if in_sitemap else None, scope))

        for lang in LANGS:
            if None not in self.scopes:  # several cities: an index leads to each city's pages
                add(page_url(lang), "city_index", lang)
                for topic in self.dataset.topics:
                    add(page_url(lang, "topics", topic.id), "city_index", lang, topic.id)
            add(page_url(lang, "about"), "about", lang)
        for scope in self.scopes.values():
            for lang in LANGS:
                add(scope.url(lang), "home", scope, lang, scope=scope)
                for topic in self.dataset.topics:
                    add(scope.url(lang, "topics", topic.id), "topic", scope, topic.id, lang, scope=scope)
                for chart in self.charts[scope.group].values():
                    add(scope.url(lang, "embed", chart.id), "embed", scope, chart, lang, scope=scope, in_sitemap=False)
                    jobs.append(PageJob(chart.svg_path(lang), "chart_image", (scope, chart, lang), None, scope))
                for district in scope.districts:
                    add(page_url(lang, "districts", district.id), "district", district.id, lang, scope=scope)
                    if district.id in with_units:
                        add(page_url(lang, "districts", district.id, "units"), "lead_units", district.id, lang,
                            scope=scope)
                for source in scope.sources:
                    add(page_url(lang, "sources", source.id), "source", source.id, lang, scope=scope)
        return jobs

    def render_page(self, job: PageJob) -> bytes:
        return getattr(self, job.method)(*job.args)

    def site_files(self, jobs: list[PageJob]) -> dict[str, bytes]:
        """The files that list the pages: sitemap.xml (with its parts on a very large site) and robots.txt."""
        urls = sorted(j.sitemap_url for j in jobs if j.sitemap_url and not j.sitemap_url.startswith("/en/"))
        return {
            **sitemap_files(self.site_url, urls),
            "robots.txt": f"User-agent: *\nAllow: /\nSitemap: {self.site_url}/sitemap.xml\n".encode("utf-8"),
        }


def sitemap_files(site_url: str, urls: list[str]) -> dict[str, bytes]:
    """sitemap.xml listing every page (its Chinese address, each with its English alternate). Past
    SITEMAP_URLS_MAX pages, the sitemap protocol's limit for one file, the pages are listed in
    sitemap-1.xml, sitemap-2.xml … and sitemap.xml becomes the index of those files."""
    if len(urls) <= SITEMAP_URLS_MAX:
        return {"sitemap.xml": _urlset(site_url, urls)}
    parts = {f"sitemap-{n}.xml": _urlset(site_url, urls[start:start + SITEMAP_URLS_MAX])
             for n, start in enumerate(range(0, len(urls), SITEMAP_URLS_MAX), start=1)}
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
             *(f"  <sitemap><loc>{xml_escape(site_url + '/' + name)}</loc></sitemap>" for name in parts),
             "</sitemapindex>"]
    return {"sitemap.xml": ("\n".join(lines) + "\n").encode("utf-8"), **parts}


def _urlset(site_url: str, urls: list[str]) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">']
    for url in urls:  # each a Chinese page's address; its English page's is the same under /en
        lines.append(f"  <url><loc>{xml_escape(site_url + url)}</loc>")
        lines.append(f'    <xhtml:link rel="alternate" hreflang="zh-Hans" href="{xml_escape(site_url + url)}"/>')
        lines.append(f'    <xhtml:link rel="alternate" hreflang="en" href="{xml_escape(site_url + "/en" + url)}"/>')
        lines.append("  </url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _render_run(renderer: SiteRenderer, jobs: list[PageJob]) -> list[tuple[str, bytes]]:
    return [(job.file, renderer.render_page(job)) for job in jobs]


def _scope_group(job: PageJob) -> str | None | bool:
    """The group of the scope a job's page belongs to; False for a site-wide page."""
    return job.scope.group if job.scope else False


def page_makers(renderer: SiteRenderer, jobs: list[PageJob]) -> list[Callable[[], list[tuple[str, bytes]]]]:
    """The pages in runs of at most PAGES_PER_TASK, each run a function that renders it (see parallel.py).

    A run also ends where the scope changes, so that each scope's record rows and chart views are
    made by one worker, not by every worker that renders one of its pages.
    """
    runs: list[list[PageJob]] = []
    for job in jobs:
        if not runs or len(runs[-1]) == PAGES_PER_TASK or _scope_group(job) != _scope_group(runs[-1][0]):
            runs.append([])
        runs[-1].append(job)
    return [functools.partial(_render_run, renderer, run) for run in runs]
