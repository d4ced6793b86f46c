"""Stage 5: page contexts and HTML, in Chinese at / and in English at /en/.

Templates hold layout only; every number is formatted by pipeline.formatting
through the filters registered here.
"""
import json
from dataclasses import dataclass, field

import markdown
import nh3
import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from . import formatting
from .assets import Asset
from .models import Dataset
from .tables import COVERAGE_LEVELS, SERIES_ORDER, Tables
from .validate import without_whitespace

LANGS = ("zh", "en")
HTML_LANG = {"zh": "zh-Hans", "en": "en"}


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

    def __init__(self, templates_dir, dataset: Dataset, tables: Tables, charts: dict, assets: dict[str, Asset],
                 content: dict[str, str], ui: dict[str, dict[str, str]]):
        self.dataset = dataset
        self.tables = tables
        self.charts = charts
        self.assets = assets
        self.content = content
        self.ui = ui
        self.env = Environment(loader=FileSystemLoader(str(templates_dir)), autoescape=True,
                               undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
        self.env.filters.update(figure=self._figure, kind=self._kind)
        self.topics = {t.id: t for t in dataset.topics}
        self.sources = {s.id: s for s in dataset.sources}
        self.districts = {d.id: d for d in dataset.districts}

    # Filters: a record row in, display text out.
    @staticmethod
    def _figure(row: dict, lang: str) -> str:
        return formatting.figure_text(row["value"], row["unit"], row["bound"], lang, row["value_high"], row["counter"])

    @staticmethod
    def _kind(row: dict, lang: str) -> str:
        return formatting.kind_label(row["kind"], row["period"], row["estimate"], lang)

    def _rows(self, frame: pd.DataFrame) -> list[dict]:
        # NaN and NA from pandas become None so templates test for "no value" one way.
        return [{k: (None if not isinstance(v, (tuple, list)) and pd.isna(v) else v) for k, v in row.items()}
                for row in frame.to_dict("records")]

    def _common(self, lang: str, parts: tuple[str, ...], title: str, description: str) -> dict:
        other = "en" if lang == "zh" else "zh"
        return {
            "lang": lang,
            "html_lang": HTML_LANG[lang],
            "t": {key: text[lang] for key, text in self.ui.items()},
            "title": title,
            "description": description,
            "url": page_url(lang, *parts),
            "other_lang": other,
            "other_url": page_url(other, *parts),
            "other_html_lang": HTML_LANG[other],
            "asset": lambda name: self.assets[name].url,
            "page_url": lambda *p: page_url(lang, *p),
            "record_url": lambda row: page_url(lang, "districts", row["district"]) + "#" + row["id"],
            "topics": self.dataset.topics,
            "districts": self.dataset.districts,
            "sources": self.dataset.sources,
            "not_stated": formatting.NOT_STATED[lang],
        }

    def _chart_view(self, chart_id: str, lang: str) -> dict:
        """A chart's JSON and the table that carries the same figures without JavaScript."""
        table = self.tables.comparisons[chart_id]
        series = [s for s in SERIES_ORDER
                  if ((table["kind"] == s[0]) & (table["period"] == s[1])).any()]
        rows = []
        for district in self.dataset.districts:
            own = self._rows(table[table["district"] == district.id])
            cells = []
            for kind, period in series:
                match = [r for r in own if r["kind"] == kind and r["period"] == period]
                cells.append(match[0] if match else None)
            rows.append({"district": district, "cells": cells})
        figure = self.charts[chart_id][lang]
        return {
            "id": chart_id,
            "title": figure["layout"]["title"]["text"],
            "json": chart_json(figure),
            "series": [formatting.kind_label(k, p, False, lang) for k, p in series],
            "rows": rows,
        }

    def _topic_charts(self, topic_id: str, lang: str) -> list[dict]:
        records = self.tables.records
        metrics = sorted(set(records.loc[records["topic"] == topic_id, "metric"].dropna()) & set(self.charts))
        return [self._chart_view(m, lang) for m in metrics]

    def render(self, template: str, **context) -> bytes:
        return self.env.get_template(template).render(**context).encode("utf-8")

    def home(self, lang: str) -> bytes:
        headline = [t for t in self.dataset.topics if t.headline]
        coverage = [{"topic": self.topics[topic_id], "levels": list(levels)}
                    for topic_id, levels in self.tables.coverage.iterrows()]
        return self.render(
            "home.html",
            **self._common(lang, (), self.ui["site_title"][lang], self.ui["site_description"][lang]),
            headline=[{"topic": t, "charts": self._topic_charts(t.id, lang)} for t in headline],
            coverage=coverage,
            coverage_levels=COVERAGE_LEVELS,
        )

    def topic(self, topic_id: str, lang: str) -> bytes:
        topic = self.topics[topic_id]
        records = self.tables.records[self.tables.records["topic"] == topic_id]
        columns = [{"district": d, "records": self._rows(records[records["district"] == d.id])}
                   for d in self.dataset.districts]
        name = getattr(topic, f"name_{lang}")
        return self.render(
            "topic.html",
            **self._common(lang, ("topics", topic_id), name, getattr(topic, f"description_{lang}")),
            topic=topic,
            charts=self._topic_charts(topic_id, lang),
            columns=columns,
        )

    def district(self, district_id: str, lang: str) -> bytes:
        district = self.districts[district_id]
        records = self.tables.records[self.tables.records["district"] == district_id]
        groups = [{"topic": self.topics[topic_id], "records": self._rows(group)}
                  for topic_id, group in records.groupby("topic", sort=False)]
        name = getattr(district, f"name_{lang}")
        return self.render(
            "district.html",
            **self._common(lang, ("districts", district_id), name, self.ui["district_description"][lang].format(name=name)),
            district=district,
            groups=groups,
            district_sources=[s for s in self.dataset.sources if s.district == district_id],
        )

    def source(self, source_id: str, lang: str) -> bytes:
        source = self.sources[source_id]
        records = self.tables.records[self.tables.records["source"] == source_id]
        passages = source_passages(self.dataset.source_texts[source_id], list(zip(records["id"], records["quote"])))
        title = getattr(source, f"title_{lang}")
        return self.render(
            "source.html",
            **self._common(lang, ("sources", source_id), title, self.ui["source_description"][lang]),
            source=source,
            passages=passages,
            record_district={r: d for r, d in zip(records["id"], records["district"])},
            record_count=len(records),
        )

    def about(self, lang: str) -> bytes:
        return self.render(
            "about.html",
            **self._common(lang, ("about",), self.ui["about_title"][lang], self.ui["about_description"][lang]),
            body=markdown_html(self.content[f"about.{lang}.md"]),
            counts=[{"topic": self.topics[topic_id], "cells": list(row)} for topic_id, row in self.tables.counts.iterrows()],
            count_kinds=list(self.tables.counts.columns.get_level_values("kind").unique()),
            count_totals=list(self.tables.counts.sum()),
        )

    def not_found(self) -> bytes:
        return self.render("404.html", **self._common("zh", (), "404", self.ui["not_found"]["zh"]),
                           t_en={key: text["en"] for key, text in self.ui.items()})

    def pages(self) -> dict[str, bytes]:
        """Every page of the site: relative file path → HTML bytes."""
        pages: dict[str, bytes] = {"404.html": self.not_found()}
        for lang in LANGS:
            pages[page_file(page_url(lang))] = self.home(lang)
            pages[page_file(page_url(lang, "about"))] = self.about(lang)
            for topic in self.dataset.topics:
                pages[page_file(page_url(lang, "topics", topic.id))] = self.topic(topic.id, lang)
            for district in self.dataset.districts:
                pages[page_file(page_url(lang, "districts", district.id))] = self.district(district.id, lang)
            for source in self.dataset.sources:
                pages[page_file(page_url(lang, "sources", source.id))] = self.source(source.id, lang)
        return pages
