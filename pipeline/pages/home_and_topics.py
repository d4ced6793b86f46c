"""The pages that put districts side by side: the home page, each topic's page and, on a site of several
cities, the lists of cities that lead to each city's own."""

from ..tables import COVERAGE_LEVELS
from ..templating import Fields
from .chart_views import ChartViews
from .core import Scope
from .filters import record_filters


class HomeAndTopicPages(ChartViews):
    """The home page and the topic pages of each scope."""

    def home(self, scope: Scope, lang: str) -> bytes:
        headline = [t for t in self.dataset.topics if t.headline]
        coverage = [
            Fields(topic=self.topics[topic_id], levels=list(levels.values()))
            for topic_id, levels in self.tables.groups[scope.group].coverage.items()
        ]
        return self.render(
            "home.html",
            **self.page_context(
                lang, scope, scope.parts, self.ui["site_title"][lang], self.ui["site_description"][lang]
            ),
            headline=[
                Fields(topic=t, charts=self._topic_charts(scope, t.id, lang, with_items=False)) for t in headline
            ],
            coverage=coverage,
            coverage_levels=COVERAGE_LEVELS,
        )

    def _facets(self, scope: Scope, topic_id: str) -> list[dict]:
        facet_tables = self.tables.groups[scope.group].facets
        if topic_id not in facet_tables:
            return []
        facets = {f.id: f for f in self.topics[topic_id].facets}
        by_id = self.scope_rows(scope).by_id
        return [
            Fields(facet=facets[facet_id], cells=[[by_id[r] for r in ids] for ids in row.values()])
            for facet_id, row in facet_tables[topic_id].items()
        ]

    def topic(self, scope: Scope, topic_id: str, lang: str) -> bytes:
        topic = self.topics[topic_id]
        rows = self.scope_rows(scope)
        on_topic = rows.on_topic[topic_id]
        columns = [
            Fields(
                district=d,
                url=scope.url(lang, "districts", d.id),
                cards=self.record_cards(scope, lang, on_topic.get(d.id, []), topic_id),
            )
            for d in scope.districts
        ]
        shown = [row for d in scope.districts for row in on_topic.get(d.id, [])]
        charts = self._topic_charts(scope, topic_id, lang)
        return self.render(
            "topic.html",
            **self.page_context(
                lang,
                scope,
                (*scope.parts, "topics", topic_id),
                getattr(topic, f"name_{lang}"),
                getattr(topic, f"description_{lang}"),
            ),
            topic=topic,
            charts=charts,
            items_only=all(c["kind"] == "items" for c in charts),
            facets=self._facets(scope, topic_id),
            columns=columns,
            record_filters=record_filters(shown, self.t[lang]),
            record_count=len(shown),
        )

    def city_index(self, lang: str, topic_id: str | None = None) -> bytes:
        """On a site of several cities: the home page, or a topic's page, leading to each city's own."""
        cities = {c.id: c for c in self.dataset.cities}
        entries = [
            Fields(
                city=cities[group],
                url=scope.url(lang, *(("topics", topic_id) if topic_id else ())),
                districts=() if topic_id else scope.districts,
            )
            for group, scope in self.scopes.items()
        ]
        if topic_id:
            topic = self.topics[topic_id]
            parts, title, description = (
                ("topics", topic_id),
                getattr(topic, f"name_{lang}"),
                getattr(topic, f"description_{lang}"),
            )
        else:
            parts, title, description = (), self.ui["site_title"][lang], self.ui["site_description"][lang]
        return self.render(
            "cities.html",
            **self.page_context(lang, self.site_scope, parts, title, description),
            cities=entries,
            topic_index=topic_id is not None,
        )
