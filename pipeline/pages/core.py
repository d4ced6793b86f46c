"""What every page shares: the site's languages and URLs, the scopes of districts compared, the record
rows and cards of a scope, citations, and the context and Jinja environment every template gets.

The pages themselves are made by family, in the modules beside this one: home_and_topics,
districts, sources, embeds and about; chart_views makes the charts those pages show.
"""

import functools
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import markdown
import nh3
from markupsafe import Markup

from .. import formatting
from ..assets import Asset
from ..charts import Chart
from ..history import History
from ..models import Dataset, District, Source
from ..repository import Repository
from ..tables import Tables, plain_rows, topic_keys
from ..templating import Fields, UiStrings, UiText, environment

LANGS = ("zh", "en")
HTML_LANG = {"zh": "zh-Hans", "en": "en"}
OG_LOCALE = {"zh": "zh_CN", "en": "en_US"}
SCOPED_SECTIONS = ("topics", "embed")  # with the home page, the pages a scope has of its own
# A citation names its source documents one by one up to this many (Guangzhou's eleven districts, a
# document or two each); beyond, it counts them and points to the data package, which lists each:
# a site of 3,000 districts would fill 190 KB at the foot of every site-wide page.
NAMED_SOURCES_MAX = 30


def page_url(lang: str, *parts: str) -> str:
    """Root-relative URL of a page: page_url('en', 'topics', 'gdp') → '/en/topics/gdp/'."""
    prefix = "/" if lang == "zh" else "/en/"
    return (prefix + "/".join(parts) + "/") if parts else prefix


def page_file(url: str) -> str:
    """The file a page URL is served from: '/en/topics/gdp/' → 'en/topics/gdp/index.html'."""
    return url.lstrip("/") + "index.html"


def record_url(lang: str, row: dict) -> str:
    """Where a record's card is on its district's page: '/districts/haizhu/#haizhu-t01-gdp-growth'."""
    return page_url(lang, "districts", row["district"]) + "#" + row["id"]


def feed_url(lang: str) -> str:
    """The Atom feed of the data's changes: /changes.xml, /en/changes.xml."""
    return ("/" if lang == "zh" else "/en/") + "changes.xml"


def change_url(lang: str, change) -> str:
    """A change's entry on the change log: '/changes/#c-0123456789'."""
    return page_url(lang, "changes") + "#" + change.anchor


def markdown_html(text: str) -> Markup:
    """Markdown from content/, rendered and sanitised: no script, no javascript: links."""
    html = markdown.markdown(text, extensions=["tables"], output_format="html")
    return Markup(nh3.clean(html, url_schemes={"http", "https", "mailto"}))


def script_json(value) -> Markup:
    """JSON safe inside <script type="application/json">: no '<', '>' or '&' can end the element."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return Markup(text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"))


@dataclass(frozen=True)
class Scope:
    """The districts one set of comparison pages puts side by side, and where those pages live."""

    group: str | None  # key of tables.groups and of the charts: a city id, or None
    parts: tuple[str, ...]  # URL prefix of its pages: () or ("cities", <id>)
    districts: tuple[District, ...]
    sources: tuple[Source, ...]

    def url(self, lang: str, *parts: str) -> str:
        """page_url, with the home, topic and embed pages of this scope under its prefix."""
        if not parts or parts[0] in SCOPED_SECTIONS:
            return page_url(lang, *self.parts, *parts)
        return page_url(lang, *parts)


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


class SiteCore:
    """The dataset, tables, charts and assets every page is made from, with what pages share."""

    def __init__(
        self,
        templates_dir,
        dataset: Dataset,
        tables: Tables,
        charts: dict[str | None, dict[str, Chart]],
        assets: dict[str, Asset],
        content: dict[str, str],
        ui: dict[str, dict[str, str]],
        site_url: str,
        history: History,
        released: dict[str, bool] | None = None,
        repository: Repository | None = None,
        record_lines: dict[str, int] | None = None,
    ):
        self.dataset = dataset
        self.tables = tables
        self.charts = charts
        self.assets = assets
        self.asset_urls = {name: asset.url for name, asset in assets.items()}  # templates read asset['style.css']
        self.content = content
        self.ui = UiStrings(ui)
        self.site_url = site_url.rstrip("/")
        self.history = history
        self.data_updated = history.last_changed
        self.released = released or {}  # release date → whether its downloads could be made
        self.repository = repository
        self.record_lines = record_lines or {}
        self.env = environment(Path(templates_dir).resolve())
        self.templates = {}
        self.topics = {t.id: t for t in dataset.topics}
        self.sources = {s.id: s for s in dataset.sources}
        self.districts = {d.id: d for d in dataset.districts}
        self.t = {lang: UiText((key, text[lang]) for key, text in ui.items()) for lang in LANGS}
        self.topic_names = {lang: {t.id: getattr(t, f"name_{lang}") for t in dataset.topics} for lang in LANGS}
        self.record_ranges = table_ranges(tables.records)
        self.sources_by_district: dict[str, list[Source]] = defaultdict(list)
        for source in dataset.sources:
            self.sources_by_district[source.district].append(source)
        self.scopes = self._scopes()
        self.scope_of = {d.id: scope for scope in self.scopes.values() for d in scope.districts}
        self._rows: ScopeRows | None = None
        self._rows_group: str | None = None
        self._cards: dict[tuple, Markup] = {}  # the cards of the scope whose rows are held
        self._card_bodies: dict[tuple, Markup] = {}
        self._macros = self.env.get_template("macros.html").module
        self._documents: dict[tuple, str] = {}
        # The source pages' passages, dropped with the rows of their scope (scope_rows).
        self._passages: dict[str, list] = {}

    def scope_rows(self, scope: Scope) -> ScopeRows:
        """The record rows of a scope's districts, converted from the records table when its first page
        is rendered. Pages come scope by scope, so only one scope's are held: a large site's
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
                    row,
                    lang,
                    self.t[lang],
                    scope.url(lang, "sources", row["source"]),
                    functools.partial(record_url, lang),
                    rows.progress.get(row["id"], ()),
                    self.repository_links(lang, row),
                    self.last_change(lang, row["id"]),
                )
            own_topic = (
                Fields(url=scope.url(lang, "topics", row["topic"]), name=self.topic_names[lang][row["topic"]])
                if also_under
                else None
            )
            self._cards[key] = self._macros.record(row, lang, self.t[lang], own_topic, self._card_bodies[body_key])
        return self._cards[key]

    def repository_links(self, lang: str, row: Fields) -> Fields | None:
        """Where to report an error in a record and to edit it, or None when the repository is not known."""
        if self.repository is None:
            return None
        path = f"data/districts/{row['district']}.yaml"
        return Fields(
            report=self.repository.report_url(row["id"], self.site_url + record_url(lang, row)),
            edit=self.repository.file_url(path, self.record_lines.get(row["id"])),
        )

    def last_change(self, lang: str, record_id: str) -> Fields | None:
        """When a record last changed, and where the change log says how; None without a history."""
        change = self.history.last_change.get(record_id)
        return Fields(date=change.date, url=change_url(lang, change)) if change else None

    def record_cards(self, scope: Scope, lang: str, rows: list[Fields], here: str | None = None) -> Markup:
        """The cards of several records, one after another (joined here: a template looping over
        them would call into Python once per card, on every topic and district page)."""
        return Markup("".join(self.record_card(scope, lang, row, here) for row in rows))

    def _index_rows(self, scope: Scope) -> ScopeRows:
        records = self.tables.records
        positions = [p for d in scope.districts if d.id in self.record_ranges for p in range(*self.record_ranges[d.id])]
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
        progress = {
            record_id: [by_id[p] for p in self.tables.progress[record_id]]
            for record_id in by_id
            if record_id in self.tables.progress
        }
        return ScopeRows(by_id, by_district, by_source, on_topic, progress)

    def _scopes(self) -> dict[str | None, Scope]:
        """One scope per group of districts: the whole site, or each city under /cities/<id>/."""
        group_of = {d: group for group, tables in self.tables.groups.items() for d in tables.district_ids}
        sources: dict[str | None, list[Source]] = defaultdict(list)
        for source in self.dataset.sources:
            sources[group_of[source.district]].append(source)
        return {
            group: Scope(
                group,
                () if group is None else ("cities", group),
                tuple(self.districts[d] for d in tables.district_ids),
                tuple(sources[group]),
            )
            for group, tables in self.tables.groups.items()
        }

    @property
    def site_scope(self) -> Scope:
        """The scope of the site-wide pages (about, 404, and the city index on a site of several cities)."""
        return self.scopes.get(None) or Scope(None, (), self.dataset.districts, self.dataset.sources)

    def documents_text(self, lang: str, sources: tuple[Source, ...] | list[Source]) -> str:
        """The source documents named with district and date: 海珠区《…》（2025-07-11）; …, or beyond
        NAMED_SOURCES_MAX, how many they are and where the data package lists them."""
        if len(sources) > NAMED_SOURCES_MAX:
            return self.ui["sources_counted"][lang].format(
                count=formatting.count_text(len(sources), lang), url=f"{self.site_url}/data/datapackage.json"
            )
        key = (lang, tuple(s.id for s in sources))
        if key not in self._documents:  # the same list ends every page and chart of a scope
            not_stated = self.ui["date_not_stated"][lang]
            named = []
            for source in sources:
                district = getattr(self.districts[source.district], f"name_{lang}")
                date = source.date.isoformat() if source.date else not_stated
                named.append(
                    f"{district}《{source.title_zh}》（{date}）"
                    if lang == "zh"
                    else f"{district}, “{source.title_en}” ({date})"
                )
            self._documents[key] = "；".join(named) if lang == "zh" else "; ".join(named)
        return self._documents[key]

    def citation(self, lang: str, title: str, url: str, sources) -> str:
        """A ready citation line: site, page or chart title, address, source documents, data date."""
        t = self.t[lang]
        documents = self.documents_text(lang, sources)
        updated = self.data_updated or t["date_not_stated"]
        if lang == "zh":
            return (
                f"{t['site_title']}：《{title}》，{self.site_url}{url}。来源：{documents}。"
                f"{t['data_updated']}{updated}。"
            )
        return (
            f"{t['site_title']}: “{title}”, {self.site_url}{url}. Sources: {documents}. "
            f"{t['data_updated'].capitalize()} {updated}."
        )

    def page_context(
        self, lang: str, scope: Scope, parts: tuple[str, ...], title: str, description: str, sources=None
    ) -> dict:
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
            "has_address": True,  # the 404 page has none: it is served at any address that has no page
            "other_lang": other,
            "other_url": page_url(other, *parts),
            "other_absolute_url": self.site_url + page_url(other, *parts),
            "other_html_lang": HTML_LANG[other],
            "asset": self.asset_urls,
            "page_url": lambda *p: scope.url(lang, *p),
            # Every page links to these twice or more: written once here, not called for in the template.
            "home_url": scope.url(lang),
            "about_url": page_url(lang, "about"),
            "search_url": page_url(lang, "search"),
            "changes_url": page_url(lang, "changes"),
            "feed_url": feed_url(lang) if self.history.changes else None,
            "record_url": functools.partial(record_url, lang),
            "topics": self.dataset.topics,
            "topic_names": self.topic_names[lang],
            "districts": scope.districts,
            "sources": scope.sources,
            "not_stated": formatting.NOT_STATED[lang],
            "page_citation": self.citation(lang, title, url, sources if sources is not None else scope.sources),
        }

    def render(self, template: str, **context) -> bytes:
        if template not in self.templates:  # a template cannot change during one build
            self.templates[template] = self.env.get_template(template)
        return self.templates[template].render(**context).encode("utf-8")
