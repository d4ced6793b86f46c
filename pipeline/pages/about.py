"""The about page, with its generated counts of records, and the 404 page."""

from ..tables import ITEM_KINDS, rows_by_index
from ..templating import Fields
from .core import SiteCore, markdown_html, page_url


class AboutPages(SiteCore):
    """The about page in each language and the bilingual 404 page."""

    def about(self, lang: str) -> bytes:
        """The about page. Its table counts records per topic and district; on a site of several cities,
        per topic for the whole site, and a second table counts them per city."""
        if self.tables.city_counts is None:
            count_columns = [getattr(d, f"name_{lang}") for d in self.site_scope.districts]
            city_counts = []
        else:
            cities = {c.id: c for c in self.dataset.cities}
            count_columns = [self.ui["counts_all_cities"][lang]]
            city_counts = [
                Fields(
                    url=self.scopes[city_id].url(lang),
                    name=getattr(cities[city_id], f"name_{lang}"),
                    cells=list(row.values()),
                )
                for city_id, row in rows_by_index(self.tables.city_counts).items()
            ]
        return self.render(
            "about.html",
            **self.page_context(
                lang, self.site_scope, ("about",), self.ui["about_title"][lang], self.ui["about_description"][lang]
            ),
            body=markdown_html(self.content[f"about.{lang}.md"]),
            counts=[
                Fields(
                    url=page_url(lang, "topics", topic_id),
                    name=getattr(self.topics[topic_id], f"name_{lang}"),
                    cells=list(row.values()),
                )
                for topic_id, row in rows_by_index(self.tables.counts).items()
            ],
            count_columns=count_columns,
            count_kinds=ITEM_KINDS,
            count_totals=list(self.tables.counts.sum()),
            city_counts=city_counts,
        )

    def not_found(self) -> bytes:
        context = self.page_context("zh", self.site_scope, (), "404", self.ui["not_found"]["zh"])
        return self.render("404.html", **(context | {"has_address": False}), t_en=self.t["en"])
