"""The about page, with its generated counts of records, and the 404 page."""

from ..languages import Lang, in_lang
from ..tables import ITEM_KINDS, rows_by_index
from ..templating import Fields
from .core import SiteCore, markdown_html, page_context, page_url, render


def render_about(site: SiteCore, lang: Lang) -> bytes:
    """The about page. Its table counts records per topic and district; on a site of several cities,
    per topic for the whole site, and a second table counts them per city."""
    if site.tables.city_counts is None:
        count_columns = [in_lang(d, "name", lang) for d in site.site_scope.districts]
        city_counts = []
    else:
        cities = {c.id: c for c in site.dataset.cities}
        count_columns = [site.ui["counts_all_cities"][lang]]
        city_counts = [
            Fields(
                url=site.scopes[city_id].url(lang),
                name=in_lang(cities[city_id], "name", lang),
                cells=list(row.values()),
            )
            for city_id, row in rows_by_index(site.tables.city_counts).items()
        ]
    return render(
        site,
        "about.html",
        **page_context(
            site, lang, site.site_scope, ("about",), site.ui["about_title"][lang], site.ui["about_description"][lang]
        ),
        body=markdown_html(site.content[f"about.{lang}.md"], site.site_url),
        counts=[
            Fields(
                url=page_url(lang, "topics", topic_id),
                name=in_lang(site.topics[topic_id], "name", lang),
                cells=list(row.values()),
            )
            for topic_id, row in rows_by_index(site.tables.counts).items()
        ],
        count_columns=count_columns,
        count_kinds=ITEM_KINDS,
        count_totals=site.tables.counts_totals,
        city_counts=city_counts,
    )


def render_not_found(site: SiteCore) -> bytes:
    """The 404 page, in both languages, served at any address that has no page."""
    context = page_context(site, "zh", site.site_scope, (), "404", site.ui["not_found"]["zh"])
    return render(site, "404.html", **(context | {"has_address": False}), t_en=site.t["en"])
