"""What every page shares: the core it is made from (dataset, tables, charts, assets, strings), the
site's URLs, the scopes of districts compared, the record rows and cards of a scope, citations, and
the context every template gets.

Pages are plain functions of a SiteCore, one module per family beside this one (home_and_topics,
districts, sources, embeds, about, search, changes); chart_views makes the charts those pages show.
What pages derive and share is kept in the core's PageCache, keyed by what it is made from.
"""

import html as html_module
import json
import re
import urllib.parse
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import markdown
import nh3
from jinja2 import Environment, Template
from markupsafe import Markup

from .. import formatting
from ..assets import Asset
from ..charts import Chart
from ..history import History
from ..languages import HTML_LANG, LANGS, OG_LOCALE, Lang, in_lang, other_lang
from ..models import Dataset, District, Source, Topic
from ..preview_cards import CARD_HEIGHT, CARD_WIDTH
from ..repository import Repository, mail_url
from ..tables import RecordRow, Tables
from ..templating import Fields, UiStrings, UiText, environment

SCOPED_SECTIONS = ("topics", "embed")  # with the home page, the pages a scope has of its own
# A citation names its source documents one by one up to this many (Guangzhou's eleven districts, a
# document or two each); beyond, it counts them and points to the data package, which lists each:
# a site of 3,000 districts would fill 190 KB at the foot of every site-wide page.
NAMED_SOURCES_MAX = 30
# Scopes whose rows, cards and chart views are held at once: pages come scope by scope, and a large
# site's 180,000 rows would take 200 MB in every process if all were held.
SCOPES_HELD = 1
# A link as nh3 writes it, href first: <a href="https://example.org/x" rel="noopener noreferrer">.
LINK_START = re.compile(r'<a href="([^"]*)"')


def page_url(lang: Lang, *parts: str) -> str:
    """Root-relative URL of a page: page_url('en', 'topics', 'gdp') → '/en/topics/gdp/'."""
    prefix = "/" if lang == "zh" else "/en/"
    return (prefix + "/".join(parts) + "/") if parts else prefix


def page_file(url: str) -> str:
    """The file a page URL is served from: '/en/topics/gdp/' → 'en/topics/gdp/index.html'."""
    return url.lstrip("/") + "index.html"


def record_url(lang: Lang, row: RecordRow) -> str:
    """Where a record's card is on its district's page: '/districts/haizhu/#haizhu-t01-gdp-growth'."""
    return page_url(lang, "districts", row.district) + "#" + row.id


def feed_url(lang: Lang) -> str:
    """The Atom feed of the data's changes: /changes.xml, /en/changes.xml."""
    return ("/" if lang == "zh" else "/en/") + "changes.xml"


# The change log's one entry for every change of the data's first day.
FIRST_PUBLICATION = "c-first-publication"


# A page of the change log holds at most this many entries: ten typical entries fit a phone in twelve screens.
CHANGES_PER_PAGE = 10


def change_month(change) -> str:
    """The month whose pages of the change log hold a change: '2026-12' (the first publication is on the
    oldest date's)."""
    return change.date[:7]


def change_pages(site: "SiteCore") -> dict[str, tuple[str, int]]:
    """Each entry of the change log (by its anchor, 'c-0123456789' or the first publication's) → the page
    that holds it: its month and the page's number in that month. A month's pages are counted from its
    oldest entry, CHANGES_PER_PAGE to a page, so a new change only ever lands on its month's last page and
    every older entry keeps its address."""
    if site.cache.change_pages is None:
        changes = site.history.changes
        first = changes[-1].date if changes else ""
        keys = [(c.anchor, change_month(c)) for c in changes if c.date > first]
        if changes:
            keys.append((FIRST_PUBLICATION, change_month(changes[-1])))
        counted: dict[str, int] = {}
        pages = {}
        for anchor, month in reversed(keys):  # oldest first
            place = counted.get(month, 0)
            counted[month] = place + 1
            pages[anchor] = (month, place // CHANGES_PER_PAGE + 1)
        site.cache.change_pages = pages
    return site.cache.change_pages


def change_page_url(lang: Lang, month: str, page: int) -> str:
    """A page of a month of the change log: '/changes/2026-12/' for its first, '/changes/2026-12/2/' after."""
    return page_url(lang, "changes", month) if page == 1 else page_url(lang, "changes", month, str(page))


def change_url(site: "SiteCore", lang: Lang, change, record_id: str | None = None) -> str:
    """A change's entry on the page of the change log that holds it, '/changes/2026-12/2/#c-0123456789', or
    a record's line in it ('#c-0123456789-<record id>'); for a change of the data's first day, the
    first publication's entry."""
    if change.date <= site.history.changes[-1].date:
        entry, line = FIRST_PUBLICATION, ""
    else:
        entry, line = change.anchor, (f"-{record_id}" if record_id else "")
    month, page = change_pages(site)[entry]
    return change_page_url(lang, month, page) + "#" + entry + line


def markdown_html(text: str, site_url: str) -> Markup:
    """Markdown from content/, rendered and sanitised: no script, no javascript: links; a link to another
    host than the site's marked as such (class="external"), so that a reader knows it leaves the site."""
    html = markdown.markdown(text, extensions=["tables"], output_format="html")
    own = urllib.parse.urlsplit(site_url).netloc

    def marked(link: re.Match) -> str:
        host = urllib.parse.urlsplit(html_module.unescape(link[1])).netloc
        return link[0] if host in ("", own) else f'<a class="external" href="{link[1]}"'

    return Markup(LINK_START.sub(marked, nh3.clean(html, url_schemes={"http", "https", "mailto"})))


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

    def url(self, lang: Lang, *parts: str) -> str:
        """page_url, with the home, topic and embed pages of this scope under its prefix."""
        if not parts or parts[0] in SCOPED_SECTIONS:
            return page_url(lang, *self.parts, *parts)
        return page_url(lang, *parts)


@dataclass(frozen=True)
class ScopeRows:
    """The record rows of one scope's districts, indexed the ways its pages read them, in table order."""

    by_id: dict[str, RecordRow]
    by_district: dict[str, list[RecordRow]]
    by_source: dict[str, list[RecordRow]]
    on_topic: dict[str, dict[str, list[RecordRow]]]  # topic → district → rows, a record under its tags too
    progress: dict[str, list[RecordRow]]  # record id → its partners (a result beside its target)


@dataclass
class ScopeCache:
    """What the pages of one scope make once and share: its rows, and by language its record cards,
    chart views and source passages."""

    rows: ScopeRows
    cards: dict[tuple, Markup] = field(default_factory=dict)  # (record id, lang, tag page) → card
    card_bodies: dict[tuple, Markup] = field(default_factory=dict)  # (record id, lang) → card body
    chart_views: dict[tuple, Fields] = field(default_factory=dict)  # (chart id, lang) → view
    passages: dict[str, list] = field(default_factory=dict)  # source id → its passages


class PageCache:
    """Everything pages derive and share, each kept under the key of what it is made from: a scope's
    ScopeCache under its group (SCOPES_HELD at most, the least recently used dropped first, so pages
    may come in any order), the source lists of citations, the compiled templates, the change log's
    entries and the page that holds each."""

    def __init__(self) -> None:
        self.scopes: OrderedDict[str | None, ScopeCache] = OrderedDict()
        self.documents: dict[tuple, str] = {}  # (lang, source ids) → the documents named
        self.templates: dict[str, Template] = {}
        self.change_entries: dict[str, list] = {}  # lang → the change log's entries, for its pages and feed
        self.change_pages: dict[str, tuple[str, int]] | None = None  # an entry's anchor → its month and page

    def scope(self, group: str | None, make_rows) -> ScopeCache:
        """The cache of a scope's pages, made with its rows (make_rows()) when none is held."""
        if group in self.scopes:
            self.scopes.move_to_end(group)
            return self.scopes[group]
        while len(self.scopes) >= SCOPES_HELD:
            self.scopes.popitem(last=False)  # dropped before the next scope's are made
        self.scopes[group] = ScopeCache(make_rows())
        return self.scopes[group]


@dataclass(frozen=True)
class SiteCore:
    """What every page is made from, read and never changed by the page functions (but for `cache`)."""

    dataset: Dataset
    tables: Tables
    charts: dict[str | None, dict[str, Chart]]
    assets: dict[str, Asset]
    content: dict[str, str]  # content/'s markdown pages by file name
    ui: UiStrings  # content/ui.yaml: key → {lang: text}
    t: dict[str, UiText]  # content/ui.yaml in one language, as templates read it
    site_url: str
    history: History
    released: dict[str, bool]  # release date → whether its downloads could be made
    repository: Repository | None
    record_lines: dict[str, int]  # record id → its line in its district's file
    editors_email: str  # content/site.yaml's: where a card's "report by e-mail" link writes; "" for none
    env: Environment
    macros: Any  # the module of templates/macros.html
    topics: dict[str, Topic]
    sources: dict[str, Source]
    districts: dict[str, District]
    topic_names: dict[str, dict[str, str]]  # lang → topic id → name
    sources_by_district: dict[str, list[Source]]
    scopes: dict[str | None, Scope]
    scope_of: dict[str, Scope]  # district id → its scope
    record_ranges: dict[str, tuple[int, int]]  # district id → its rows in tables.rows
    cache: PageCache
    release: str | None = None  # the release date whose data this core holds (its pinned embeds); None for today's
    pinned_embeds: frozenset[str] = frozenset()  # the address of every pinned embed page of the build

    @property
    def data_updated(self) -> str | None:
        """The date of the data this core holds: its release's, or the date the data last changed, if the
        history is known."""
        return self.release or self.history.last_changed

    @property
    def latest_release(self) -> str | None:
        """The newest release date whose downloads (and pinned embeds) were made; None for none."""
        return next((r.date for r in self.history.releases if self.released.get(r.date)), None)

    @property
    def asset_urls(self) -> dict[str, str]:
        """Each asset's published URL by name: templates read asset['style.css']."""
        return {name: asset.url for name, asset in self.assets.items()}

    @property
    def site_scope(self) -> Scope:
        """The scope of the site-wide pages (about, 404, and the city index on a site of several cities)."""
        return self.scopes.get(None) or Scope(None, (), self.dataset.districts, self.dataset.sources)


def site_core(
    templates_dir: Path,
    dataset: Dataset,
    tables: Tables,
    charts: dict[str | None, dict[str, Chart]],
    assets: dict[str, Asset],
    content: dict[str, str],
    ui: dict[str, dict[str, str]],
    *,
    site_url: str,
    history: History,
    released: dict[str, bool] | None = None,
    repository: Repository | None = None,
    record_lines: dict[str, int] | None = None,
    editors_email: str = "",
    release: str | None = None,
    pinned_embeds: frozenset[str] = frozenset(),
) -> SiteCore:
    """The core of one build's pages, with the lookups every page makes."""
    env = environment(Path(templates_dir).resolve())
    districts = {d.id: d for d in dataset.districts}
    sources_by_district: dict[str, list[Source]] = defaultdict(list)
    for source in dataset.sources:
        sources_by_district[source.district].append(source)
    scopes = _scopes(dataset, tables, districts)
    return SiteCore(
        dataset=dataset,
        tables=tables,
        charts=charts,
        assets=assets,
        content=content,
        ui=UiStrings(ui),
        t={lang: UiText((key, text[lang]) for key, text in ui.items()) for lang in LANGS},
        site_url=site_url.rstrip("/"),
        history=history,
        released=released or {},
        repository=repository,
        record_lines=record_lines or {},
        editors_email=editors_email,
        env=env,
        macros=env.get_template("macros.html").module,
        topics={t.id: t for t in dataset.topics},
        sources={s.id: s for s in dataset.sources},
        districts=districts,
        topic_names={lang: {t.id: in_lang(t, "name", lang) for t in dataset.topics} for lang in LANGS},
        sources_by_district=sources_by_district,
        scopes=scopes,
        scope_of={d.id: scope for scope in scopes.values() for d in scope.districts},
        record_ranges=table_ranges(tables.rows),
        cache=PageCache(),
        release=release,
        pinned_embeds=pinned_embeds,
    )


def _scopes(dataset: Dataset, tables: Tables, districts: dict[str, District]) -> dict[str | None, Scope]:
    """One scope per group of districts: the whole site, or each city under /cities/<id>/."""
    group_of = {d: group for group, group_tables in tables.groups.items() for d in group_tables.district_ids}
    sources: dict[str | None, list[Source]] = defaultdict(list)
    for source in dataset.sources:
        sources[group_of[source.district]].append(source)
    return {
        group: Scope(
            group,
            () if group is None else ("cities", group),
            tuple(districts[d] for d in group_tables.district_ids),
            tuple(sources[group]),
        )
        for group, group_tables in tables.groups.items()
    }


def table_ranges(rows: tuple[RecordRow, ...]) -> dict[str, tuple[int, int]]:
    """District → (start, stop) of its rows in the table's rows, which keep each district's rows together."""
    ranges: dict[str, tuple[int, int]] = {}
    for position, district in enumerate(row.district for row in rows):
        start = ranges[district][0] if district in ranges else position
        ranges[district] = (start, position + 1)
    return ranges


def scope_cache(site: SiteCore, scope: Scope) -> ScopeCache:
    """What a scope's pages share, its rows converted from the records table when its first page is made."""
    return site.cache.scope(scope.group, lambda: index_rows(site, scope))


def scope_rows(site: SiteCore, scope: Scope) -> ScopeRows:
    """The record rows of a scope's districts."""
    return scope_cache(site, scope).rows


def index_rows(site: SiteCore, scope: Scope) -> ScopeRows:
    """A scope's record rows, indexed by id, district, source and topic, with each record's partners."""
    rows = [
        row
        for d in scope.districts
        if d.id in site.record_ranges
        for row in site.tables.rows[slice(*site.record_ranges[d.id])]
    ]
    by_id = {row.id: row for row in rows}
    by_district: dict[str, list[RecordRow]] = defaultdict(list)
    by_source: dict[str, list[RecordRow]] = defaultdict(list)
    on_topic: dict[str, dict[str, list[RecordRow]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        by_district[row.district].append(row)
        by_source[row.source].append(row)
        for topic_id in row.topic_keys:
            on_topic[topic_id][row.district].append(row)
    # Partners share a district-prefixed metric key, so they are in the same scope.
    progress = {
        record_id: [by_id[p] for p in site.tables.progress[record_id]]
        for record_id in by_id
        if record_id in site.tables.progress
    }
    return ScopeRows(by_id, by_district, by_source, on_topic, progress)


def record_card(site: SiteCore, scope: Scope, lang: Lang, row: RecordRow, here: str | None = None) -> Markup:
    """A record's card (macros.html `record`), made once per scope, language and record: the same
    card shows on its district's page and on its topic's page (a third of the pages' work); on a
    page of one of its tags (`here`), it says so and links to its own topic, elsewhere to its tags."""
    cache = scope_cache(site, scope)
    also_under = here if here and row.topic != here else None
    key = (row.id, lang, also_under)
    if key not in cache.cards:
        body_key = (row.id, lang)
        if body_key not in cache.card_bodies:  # the same under its topic and each of its tags
            cache.card_bodies[body_key] = site.macros.record_body(
                r=row,
                lang=lang,
                t=site.t[lang],
                source_url=scope.url(lang, "sources", row.source),
                record_url=lambda r: record_url(lang, r),
                partners=cache.rows.progress.get(row.id, ()),
                links=report_links(site, lang, row),
                changed=last_change(site, lang, row.id),
                unit_names=unit_names(site, lang, row.district),
            )

        def topic_link(topic_id: str) -> Fields:
            return Fields(url=scope.url(lang, "topics", topic_id), name=site.topic_names[lang][topic_id])

        cache.cards[key] = site.macros.record(
            r=row,
            lang=lang,
            t=site.t[lang],
            also_under=topic_link(row.topic) if also_under else None,
            tagged=[] if also_under else [topic_link(tag) for tag in row.topic_keys[1:]],
            body=cache.card_bodies[body_key],
        )
    return cache.cards[key]


def unit_names(site: SiteCore, lang: Lang, district_id: str) -> dict[str, str] | None:
    """The district's lead units by Chinese name, in English (our translation); None on a Chinese page."""
    return site.districts[district_id].lead_units_en if lang == "en" else None


def record_cards(site: SiteCore, scope: Scope, lang: Lang, rows: list[RecordRow], here: str | None = None) -> Markup:
    """The cards of several records, one after another (joined here: a template looping over
    them would call into Python once per card, on every topic and district page)."""
    return Markup("".join(record_card(site, scope, lang, row, here) for row in rows))


def report_links(site: SiteCore, lang: Lang, row: RecordRow) -> Fields | None:
    """Where to report an error in a record: by e-mail to the editors, when their address is set; on
    GitHub, and where to edit the record (its file in GitHub's editor, its line named), when the
    repository is known. None for neither."""
    if site.repository is None and not site.editors_email:
        return None
    page = site.site_url + record_url(lang, row)
    title = site.ui["report_title"][lang].format(record=row.id)
    body = site.ui["report_mail_body"][lang].format(record=row.id, page=page)
    links = Fields(mail=mail_url(site.editors_email, title, body) if site.editors_email else None, report=None)
    if site.repository is not None:
        line = site.record_lines.get(row.id)
        links.update(
            report=site.repository.report_url(row.id, page, title),
            edit=site.repository.edit_url(f"data/districts/{row.district}.yaml"),
            line=site.ui["edit_line"][lang].format(line=line) if line else None,
        )
    return links


def last_change(site: SiteCore, lang: Lang, record_id: str) -> Fields | None:
    """When a record last changed, and where the change log says how; None without a history."""
    change = site.history.last_change.get(record_id)
    return Fields(date=change.date, url=change_url(site, lang, change, record_id)) if change else None


def documents_text(site: SiteCore, lang: Lang, sources: tuple[Source, ...] | list[Source]) -> str:
    """The source documents named with district and date: 海珠区《…》（2025-07-11）; …, or beyond
    NAMED_SOURCES_MAX, how many they are and where the data package lists them."""
    if len(sources) > NAMED_SOURCES_MAX:
        return site.ui["sources_counted"][lang].format(
            count=formatting.count_text(len(sources), lang), url=f"{site.site_url}/data/datapackage.json"
        )
    key = (lang, tuple(s.id for s in sources))
    if key not in site.cache.documents:  # the same list ends every page and chart of a scope
        not_stated = site.ui["date_not_stated"][lang]
        named = []
        for source in sources:
            district = in_lang(site.districts[source.district], "name", lang)
            date = source.date.isoformat() if source.date else not_stated
            named.append(
                f"{district}《{source.title_zh}》（{date}）"
                if lang == "zh"
                else f"{district}, “{source.title_en}” ({date})"
            )
        site.cache.documents[key] = "；".join(named) if lang == "zh" else "; ".join(named)
    return site.cache.documents[key]


def citation(site: SiteCore, lang: Lang, title: str, url: str, sources) -> str:
    """A ready citation line: site, page or chart title, address, source documents, data date."""
    t = site.t[lang]
    documents = documents_text(site, lang, sources)
    updated = site.data_updated or t["date_not_stated"]
    if lang == "zh":
        return (
            f"{t['site_title']}：《{title}》，{site.site_url}{url}。来源：{documents}。{t['data_updated']}{updated}。"
        )
    return (
        f"{t['site_title']}: “{title}”, {site.site_url}{url}. Sources: {documents}. "
        f"{t['data_updated'].capitalize()} {updated}."
    )


def page_context(
    site: SiteCore, lang: Lang, scope: Scope, parts: tuple[str, ...], title: str, description: str, sources=None
) -> dict:
    """What every template gets: the page's language, title and addresses, the site's strings and links."""
    other = other_lang(lang)
    url = page_url(lang, *parts)
    return {
        "lang": lang,
        "html_lang": HTML_LANG[lang],
        "og_locale": OG_LOCALE[lang],
        "t": site.t[lang],
        "title": title,
        "description": description,
        "url": url,
        "absolute_url": site.site_url + url,
        "has_address": True,  # the 404 page has none: it is served at any address that has no page
        "other_lang": other,
        "other_url": page_url(other, *parts),
        "other_absolute_url": site.site_url + page_url(other, *parts),
        "other_html_lang": HTML_LANG[other],
        "asset": site.asset_urls,
        "page_url": lambda *p: scope.url(lang, *p),
        # Every page links to these twice or more: written once here, not called for in the template.
        "home_url": scope.url(lang),
        "about_url": page_url(lang, "about"),
        "search_url": page_url(lang, "search"),
        "changes_url": page_url(lang, "changes"),
        "feed_url": feed_url(lang) if site.history.changes else None,
        "record_url": lambda row: record_url(lang, row),
        "topics": site.dataset.topics,
        "topic_names": site.topic_names[lang],
        "districts": scope.districts,
        "sources": scope.sources,
        "not_stated": site.t[lang]["not_stated"],
        "page_citation": citation(site, lang, title, url, sources if sources is not None else scope.sources),
        "preview": preview_image(site, scope, lang, parts, title),
    }


PREVIEW_FILE = "preview.png"  # a page's card, in the page's folder (pages/images.py)


def images_limited(site: SiteCore) -> bool:
    """Whether the site's images are limited to its headline charts and a card per city (pages/images.py)."""
    return len(site.scopes) > 1


def preview_image(site: SiteCore, scope: Scope, lang: Lang, parts: tuple[str, ...], title: str) -> Fields:
    """The og:image a page names (its absolute URL, size and alt text): its own card, its city's or the
    site's."""
    t = site.t[lang]
    own = parts[len(scope.parts) :] if parts[: len(scope.parts)] == scope.parts else None
    url, name = page_url(lang), t["site_title"]
    if images_limited(site):
        if scope.group is not None:
            url = scope.url(lang)
    elif scope.group in site.charts and own is not None:
        charts = site.charts[scope.group]
        if own == () or (len(own) == 2 and own[0] == "topics" and own[1] in site.topics):
            url, name = page_url(lang, *parts), title
        elif len(own) == 2 and own[0] == "embed" and own[1] in charts:
            url, name = page_url(lang, *parts), charts[own[1]].titles[lang]
    if len(parts) >= 2 and parts[0] == "districts" and parts[1] in site.districts and not images_limited(site):
        url, name = page_url(lang, "districts", parts[1]), in_lang(site.districts[parts[1]], "name", lang)
    alt = name if name == t["site_title"] else name + t["preview_alt_separator"] + t["site_title"]
    return Fields(url=site.site_url + url + PREVIEW_FILE, width=CARD_WIDTH, height=CARD_HEIGHT, alt=alt)


def render(site: SiteCore, template: str, **context) -> bytes:
    """A template rendered with its context, as the bytes of a page."""
    if template not in site.cache.templates:  # a template cannot change during one build
        site.cache.templates[template] = site.env.get_template(template)
    return site.cache.templates[template].render(**context).encode("utf-8")
