"""Stage 5: page contexts and HTML, in Chinese at / and in English at /en/.

Templates hold layout only; every number is formatted by pipeline.formatting
through the filters registered here.
"""
import json
from dataclasses import dataclass, field
from xml.sax.saxutils import escape as xml_escape

import markdown
import nh3
import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from . import formatting
from .assets import Asset
from .chart_svg import chart_svg
from .charts import Chart, items_chart_id
from .models import Dataset, Source
from .tables import COVERAGE_LEVELS, ITEM_KINDS, SERIES_ORDER, Tables, on_topic
from .validate import without_whitespace

LANGS = ("zh", "en")
HTML_LANG = {"zh": "zh-Hans", "en": "en"}
OG_LOCALE = {"zh": "zh_CN", "en": "en_US"}
EMBED_HEIGHT = {"comparison": 560, "items": 420}  # first guess; embed.js then fits the iframe to its content


def page_url(lang: str, *parts: str) -> str:
    """Root-relative URL of a page: page_url('en', 'topics', 'gdp') → '/en/topics/gdp/'."""
    prefix = "/" if lang == "zh" else "/en/"
    return prefix + "".join(f"{p}/" for p in parts)


def page_file(url: str) -> str:
    """The file a page URL is served from: '/en/topics/gdp/' → 'en/topics/gdp/index.html'."""
    return url.lstrip("/") + "index.html"


def chart_json(figure: dict) -> Markup:
    """Chart JSON safe inside <script type="application/json">: no '<', '>' or '&' can end the element."""
    text = json.dumps(figure, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return Markup(text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"))


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
    record's anchor is placed where its quote begins.
    """
    kept = [i for i, ch in enumerate(text) if not ch.isspace()]
    flat = without_whitespace(text)
    covering: list[set[str]] = [set() for _ in text]
    starts: dict[int, list[str]] = {}
    for record_id, quote in quotes:
        needle = without_whitespace(quote)
        at = flat.find(needle)
        if at < 0 or not needle:
            continue
        begin, end = kept[at], kept[at + len(needle) - 1] + 1
        starts.setdefault(begin, []).append(record_id)
        for i in range(begin, end):
            covering[i].add(record_id)
    passages: list[SourcePassage] = []
    for i, ch in enumerate(text):
        ids = tuple(sorted(covering[i]))
        anchors = tuple(starts.get(i, ()))
        if passages and passages[-1].record_ids == ids and not anchors:
            passages[-1].text += ch
        else:
            passages.append(SourcePassage(ch, ids, anchors))
    return passages


class SiteRenderer:
    """Renders every page of the site from the dataset, tables, charts and assets."""

    def __init__(self, templates_dir, dataset: Dataset, tables: Tables, charts: dict[str, Chart],
                 assets: dict[str, Asset], content: dict[str, str], ui: dict[str, dict[str, str]],
                 site_url: str, data_updated: str | None):
        self.dataset = dataset
        self.tables = tables
        self.charts = charts
        self.assets = assets
        self.content = content
        self.ui = ui
        self.site_url = site_url.rstrip("/")
        self.data_updated = data_updated
        self.env = Environment(loader=FileSystemLoader(str(templates_dir)), autoescape=True,
                               undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
        self.env.filters.update(figure=self._figure, kind=self._kind)
        self.topics = {t.id: t for t in dataset.topics}
        self.sources = {s.id: s for s in dataset.sources}
        self.districts = {d.id: d for d in dataset.districts}
        self.records_by_id = {row["id"]: row for row in self._rows(tables.records)}

    # Filters: a record row in, display text out.
    @staticmethod
    def _figure(row: dict, lang: str) -> str:
        return formatting.figure_text(row["value"], row["unit"], row["bound"], lang, row["value_high"], row["counter"])

    @staticmethod
    def _kind(row: dict, lang: str) -> str:
        return formatting.kind_label(row["kind"], row["period"], row["estimate"], lang)

    @staticmethod
    def _rows(frame: pd.DataFrame) -> list[dict]:
        # NaN and NA from pandas become None so templates test for "no value" one way.
        return [{k: (None if not isinstance(v, (tuple, list)) and pd.isna(v) else v) for k, v in row.items()}
                for row in frame.to_dict("records")]

    def _t(self, lang: str) -> dict[str, str]:
        return {key: text[lang] for key, text in self.ui.items()}

    def documents_text(self, lang: str, sources: list[Source]) -> str:
        """The source documents named with district and date: 海珠区《…》（2025-07-11）; …"""
        not_stated = self.ui["date_not_stated"][lang]
        named = []
        for source in sources:
            district = getattr(self.districts[source.district], f"name_{lang}")
            date = source.date.isoformat() if source.date else not_stated
            named.append(f"{district}《{source.title_zh}》（{date}）" if lang == "zh"
                         else f"{district}, “{source.title_en}” ({date})")
        return "；".join(named) if lang == "zh" else "; ".join(named)

    def citation(self, lang: str, title: str, url: str, sources: list[Source]) -> str:
        """A ready citation line: site, page or chart title, address, source documents, data date."""
        t = self._t(lang)
        documents = self.documents_text(lang, sources)
        updated = self.data_updated or t["date_not_stated"]
        if lang == "zh":
            return f"{t['site_title']}：《{title}》，{self.site_url}{url}。来源：{documents}。{t['data_updated']}{updated}。"
        return (f"{t['site_title']}: “{title}”, {self.site_url}{url}. Sources: {documents}. "
                f"{t['data_updated'].capitalize()} {updated}.")

    def _common(self, lang: str, parts: tuple[str, ...], title: str, description: str,
                sources: list[Source] | None = None) -> dict:
        other = "en" if lang == "zh" else "zh"
        url = page_url(lang, *parts)
        return {
            "lang": lang,
            "html_lang": HTML_LANG[lang],
            "og_locale": OG_LOCALE[lang],
            "t": self._t(lang),
            "title": title,
            "description": description,
            "url": url,
            "absolute_url": self.site_url + url,
            "other_lang": other,
            "other_url": page_url(other, *parts),
            "other_absolute_url": self.site_url + page_url(other, *parts),
            "other_html_lang": HTML_LANG[other],
            "asset": lambda name: self.assets[name].url,
            "page_url": lambda *p: page_url(lang, *p),
            "record_url": lambda row: page_url(lang, "districts", row["district"]) + "#" + row["id"],
            "topics": self.dataset.topics,
            "topic_names": {t.id: getattr(t, f"name_{lang}") for t in self.dataset.topics},
            "districts": self.dataset.districts,
            "sources": self.dataset.sources,
            "not_stated": formatting.NOT_STATED[lang],
            "page_citation": self.citation(lang, title, url, sources if sources is not None else list(self.dataset.sources)),
        }

    def _comparison_cells(self, chart: Chart, lang: str) -> tuple[list[str], list[dict]]:
        table = self.tables.comparisons[chart.id]
        series = [s for s in SERIES_ORDER if ((table["kind"] == s[0]) & (table["period"] == s[1])).any()]
        rows = []
        for district in self.dataset.districts:
            own = self._rows(table[table["district"] == district.id])
            cells = []
            for kind, period in series:
                match = [r for r in own if r["kind"] == kind and r["period"] == period]
                cells.append({"record": match[0], "text": self._figure(match[0], lang)} if match else None)
            rows.append({"district": district, "cells": cells})
        return [formatting.kind_label(k, p, False, lang) for k, p in series], rows

    def _items_cells(self, chart: Chart, lang: str) -> tuple[list[str], list[dict]]:
        counts = self.tables.topic_counts.loc[chart.topic]
        rows = [{"district": d, "cells": [{"record": None, "text": str(int(counts[(d.id, k)]))} for k in ITEM_KINDS]}
                for d in self.dataset.districts]
        return [self.ui[f"item_kind_{k}"][lang] for k in ITEM_KINDS], rows

    def chart_view(self, chart: Chart, lang: str) -> dict:
        """A chart's JSON, the table carrying the same figures without JavaScript, and its share links."""
        series, rows = (self._comparison_cells if chart.kind == "comparison" else self._items_cells)(chart, lang)
        embed_url = page_url(lang, "embed", chart.id)
        topic_url = page_url(lang, "topics", chart.topic)
        title = chart.titles[lang]
        iframe = (f'<iframe src="{self.site_url}{embed_url}" title="{title} · {self.ui["site_title"][lang]}" '
                  f'width="100%" height="{EMBED_HEIGHT[chart.kind]}" style="border:0;width:100%" loading="lazy" '
                  f'data-district-targets-embed></iframe>\n'
                  f'<script src="{self.site_url}/embed.js" async></script>')
        return {
            "id": chart.id,
            "kind": chart.kind,
            "title": title,
            "json": chart_json(chart.figures[lang]),
            "svg": Markup(chart_svg(chart.figures[lang], chart.id)),
            "legend": [{"name": trace["name"], "kind": trace["meta"]} for trace in chart.figures[lang]["data"]],
            "height": chart.figures[lang]["layout"]["height"],
            "series": series,
            "rows": rows,
            "embed_url": embed_url,
            "embed_code": iframe,
            "csv_url": f"/data/charts/{chart.id}.csv",
            "topic_url": topic_url,
            "citation": self.citation(lang, title, topic_url, list(self.dataset.sources)),
        }

    def _topic_charts(self, topic_id: str, lang: str, with_items: bool = True) -> list[dict]:
        views = [self.chart_view(c, lang) for c in self.charts.values()
                 if c.kind == "comparison" and c.topic == topic_id]
        if with_items and not views:
            views.append(self.chart_view(self.charts[items_chart_id(topic_id)], lang))
        return views

    def render(self, template: str, **context) -> bytes:
        return self.env.get_template(template).render(**context).encode("utf-8")

    def home(self, lang: str) -> bytes:
        headline = [t for t in self.dataset.topics if t.headline]
        coverage = [{"topic": self.topics[topic_id], "levels": list(levels)}
                    for topic_id, levels in self.tables.coverage.iterrows()]
        return self.render(
            "home.html",
            **self._common(lang, (), self.ui["site_title"][lang], self.ui["site_description"][lang]),
            headline=[{"topic": t, "charts": self._topic_charts(t.id, lang, with_items=False)} for t in headline],
            coverage=coverage,
            coverage_levels=COVERAGE_LEVELS,
        )

    def _facets(self, topic_id: str, lang: str) -> list[dict]:
        if topic_id not in self.tables.facets:
            return []
        table = self.tables.facets[topic_id]
        facets = {f.id: f for f in self.topics[topic_id].facets}
        return [{"facet": facets[facet_id], "cells": [[self.records_by_id[r] for r in ids] for ids in row]}
                for facet_id, row in table.iterrows()]

    def topic(self, topic_id: str, lang: str) -> bytes:
        topic = self.topics[topic_id]
        records = self.tables.records[on_topic(self.tables.records, topic_id)]
        columns = [{"district": d, "records": self._rows(records[records["district"] == d.id])}
                   for d in self.dataset.districts]
        charts = self._topic_charts(topic_id, lang)
        return self.render(
            "topic.html",
            **self._common(lang, ("topics", topic_id), getattr(topic, f"name_{lang}"), getattr(topic, f"description_{lang}")),
            topic=topic,
            charts=charts,
            items_only=all(c["kind"] == "items" for c in charts),
            facets=self._facets(topic_id, lang),
            columns=columns,
            progress=self._progress(lang),
        )

    def _progress(self, lang: str) -> dict[str, list[dict]]:
        """Record id → its partner records (a result beside its target), for display beside each other."""
        return {record_id: [self.records_by_id[p] for p in partners]
                for record_id, partners in self.tables.progress.items()}

    def district(self, district_id: str, lang: str) -> bytes:
        district = self.districts[district_id]
        records = self.tables.records[self.tables.records["district"] == district_id]
        groups = [{"topic": self.topics[topic_id], "records": self._rows(group)}
                  for topic_id, group in records.groupby("topic", sort=False)]
        name = getattr(district, f"name_{lang}")
        own_sources = [s for s in self.dataset.sources if s.district == district_id]
        return self.render(
            "district.html",
            **self._common(lang, ("districts", district_id), name,
                           self.ui["district_description"][lang].format(name=name), own_sources),
            district=district,
            groups=groups,
            district_sources=own_sources,
            has_lead_units=bool(records["lead_units"].map(len).any()),
            progress=self._progress(lang),
        )

    def lead_units(self, district_id: str, lang: str) -> bytes:
        district = self.districts[district_id]
        records = self._rows(self.tables.records[self.tables.records["district"] == district_id])
        units: dict[str, list[dict]] = {}
        for row in sorted(records, key=lambda r: (r["task_no"] or 0, r["id"])):
            for unit in row["lead_units"]:
                units.setdefault(unit, []).append(row)
        name = getattr(district, f"name_{lang}")
        return self.render(
            "lead_units.html",
            **self._common(lang, ("districts", district_id, "units"), self.ui["lead_units_title"][lang].format(name=name),
                           self.ui["lead_units_description"][lang].format(name=name),
                           [s for s in self.dataset.sources if s.district == district_id]),
            district=district,
            units=sorted(units.items(), key=lambda item: (-len({r["task_no"] for r in item[1]}), item[0])),
        )

    def source(self, source_id: str, lang: str) -> bytes:
        source = self.sources[source_id]
        records = self.tables.records[self.tables.records["source"] == source_id]
        passages = source_passages(self.dataset.source_texts[source_id], list(zip(records["id"], records["quote"])))
        return self.render(
            "source.html",
            **self._common(lang, ("sources", source_id), getattr(source, f"title_{lang}"),
                           self.ui["source_description"][lang], [source]),
            source=source,
            passages=passages,
            record_district={r: d for r, d in zip(records["id"], records["district"])},
            record_count=len(records),
        )

    def embed(self, chart: Chart, lang: str) -> bytes:
        view = self.chart_view(chart, lang)
        return self.render(
            "embed.html",
            **self._common(lang, ("embed", chart.id), view["title"], view["title"]),
            view=view,
            documents=self.documents_text(lang, list(self.dataset.sources)),
        )

    def about(self, lang: str) -> bytes:
        return self.render(
            "about.html",
            **self._common(lang, ("about",), self.ui["about_title"][lang], self.ui["about_description"][lang]),
            body=markdown_html(self.content[f"about.{lang}.md"]),
            counts=[{"topic": self.topics[topic_id], "cells": list(row)} for topic_id, row in self.tables.counts.iterrows()],
            count_kinds=ITEM_KINDS,
            count_totals=list(self.tables.counts.sum()),
        )

    def not_found(self) -> bytes:
        return self.render("404.html", **self._common("zh", (), "404", self.ui["not_found"]["zh"]), t_en=self._t("en"))

    def sitemap(self, urls: list[str]) -> bytes:
        """sitemap.xml of every page, each with its other-language alternate."""
        lines = ['<?xml version="1.0" encoding="UTF-8"?>',
                 '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">']
        for url in urls:
            zh_url = url.removeprefix("/en") if url.startswith("/en/") else url
            lines.append(f"  <url><loc>{xml_escape(self.site_url + url)}</loc>")
            lines.append(f'    <xhtml:link rel="alternate" hreflang="zh-Hans" href="{xml_escape(self.site_url + zh_url)}"/>')
            lines.append(f'    <xhtml:link rel="alternate" hreflang="en" href="{xml_escape(self.site_url + "/en" + zh_url)}"/>')
            lines.append("  </url>")
        lines.append("</urlset>")
        return ("\n".join(lines) + "\n").encode("utf-8")

    def pages(self) -> dict[str, bytes]:
        """Every page of the site: relative file path → bytes."""
        pages: dict[str, bytes] = {"404.html": self.not_found()}
        listed: list[str] = []

        def add(url: str, html: bytes, in_sitemap: bool = True) -> None:
            pages[page_file(url)] = html
            if in_sitemap:
                listed.append(url)

        for lang in LANGS:
            add(page_url(lang), self.home(lang))
            add(page_url(lang, "about"), self.about(lang))
            for topic in self.dataset.topics:
                add(page_url(lang, "topics", topic.id), self.topic(topic.id, lang))
            for district in self.dataset.districts:
                add(page_url(lang, "districts", district.id), self.district(district.id, lang))
                if any(r.lead_units for r in district.records):
                    add(page_url(lang, "districts", district.id, "units"), self.lead_units(district.id, lang))
            for source in self.dataset.sources:
                add(page_url(lang, "sources", source.id), self.source(source.id, lang))
            for chart in self.charts.values():
                add(page_url(lang, "embed", chart.id), self.embed(chart, lang), in_sitemap=False)
        pages["sitemap.xml"] = self.sitemap(sorted(u for u in listed if not u.startswith("/en/")))
        pages["robots.txt"] = f"User-agent: *\nAllow: /\nSitemap: {self.site_url}/sitemap.xml\n".encode("utf-8")
        return pages
