"""The pages that put districts side by side: the home page, each topic's page and, on a site of several
cities, the lists of cities that lead to each city's own."""

from ..languages import Lang, in_lang
from ..tables import COVERAGE_LEVELS
from ..templating import Fields
from .chart_views import topic_charts
from .core import Scope, SiteCore, page_context, record_cards, render, scope_rows
from .filters import record_filters
from .headline import headline_rows, topic_standings


def render_home(site: SiteCore, scope: Scope, lang: Lang) -> bytes:
    """A scope's home page: every district's headline figures and its standing on the highlighted topics
    at a glance, then each topic's coverage by district."""
    coverage = [
        Fields(topic=site.topics[topic_id], levels=list(levels.values()))
        for topic_id, levels in site.tables.groups[scope.group].coverage.items()
    ]
    return render(
        site,
        "home.html",
        **page_context(site, lang, scope, scope.parts, site.ui["site_title"][lang], site.ui["site_description"][lang]),
        headline=headline_rows(site, scope, lang),
        standings=topic_standings(site, scope, lang),
        coverage=coverage,
        coverage_levels=COVERAGE_LEVELS,
    )


def _facets(site: SiteCore, scope: Scope, topic_id: str) -> list[Fields]:
    facet_tables = site.tables.groups[scope.group].facets
    if topic_id not in facet_tables:
        return []
    facets = {f.id: f for f in site.topics[topic_id].facets}
    by_id = scope_rows(site, scope).by_id
    return [
        Fields(facet=facets[facet_id], cells=[[by_id[r] for r in ids] for ids in row.values()])
        for facet_id, row in facet_tables[topic_id].items()
    ]


def render_topic(site: SiteCore, scope: Scope, topic_id: str, lang: Lang) -> bytes:
    """A topic's page: its charts, and every record on it in a column per district."""
    topic = site.topics[topic_id]
    on_topic = scope_rows(site, scope).on_topic[topic_id]
    columns = [
        Fields(
            district=d,
            url=scope.url(lang, "districts", d.id),
            cards=record_cards(site, scope, lang, on_topic.get(d.id, []), topic_id),
        )
        for d in scope.districts
    ]
    shown = [row for d in scope.districts for row in on_topic.get(d.id, [])]
    charts = topic_charts(site, scope, topic_id, lang)
    return render(
        site,
        "topic.html",
        **page_context(
            site,
            lang,
            scope,
            (*scope.parts, "topics", topic_id),
            in_lang(topic, "name", lang),
            in_lang(topic, "description", lang),
        ),
        topic=topic,
        charts=charts,
        items_only=all(c["kind"] == "items" for c in charts),
        facets=_facets(site, scope, topic_id),
        columns=columns,
        record_filters=record_filters(shown, site.t[lang]),
        record_count=len(shown),
        has_lead_units=any(row.lead_units for row in shown),
    )


def render_city_index(site: SiteCore, lang: Lang, topic_id: str | None = None) -> bytes:
    """On a site of several cities: the home page, or a topic's page, leading to each city's own."""
    cities = {c.id: c for c in site.dataset.cities}
    entries = [
        Fields(
            city=cities[group],
            url=scope.url(lang, *(("topics", topic_id) if topic_id else ())),
            districts=() if topic_id else scope.districts,
        )
        for group, scope in site.scopes.items()
    ]
    if topic_id:
        topic = site.topics[topic_id]
        parts = ("topics", topic_id)
        title, description = in_lang(topic, "name", lang), in_lang(topic, "description", lang)
    else:
        parts, title, description = (), site.ui["site_title"][lang], site.ui["site_description"][lang]
    return render(
        site,
        "cities.html",
        **page_context(site, lang, site.site_scope, parts, title, description),
        cities=entries,
        topic_index=topic_id is not None,
    )
