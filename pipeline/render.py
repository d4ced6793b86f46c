"""Stage 5: every page of the site, in Chinese at / and in English at /en/, and the files that list them.

Templates hold layout only; every number is formatted by pipeline.formatting through the filters
of pipeline.templating. The pages are made by family in pipeline/pages/ (home and topics,
districts, sources, embeds, about, search; chart views; the core they share): this module puts them
together, lists every page to make and how, and writes the sitemap.

Pages that put districts side by side (home, topics, embeds) are rendered per scope: the whole
site, or on a site covering several cities each city under /cities/<id>/, so that no chart or
table compares thousands of districts. Everything a page reads is prepared once per build (record
rows by district, source and topic; chart views), never filtered out of a table per page.
"""

from collections.abc import Callable
from dataclasses import dataclass
from xml.sax.saxutils import escape as xml_escape

from .languages import LANGS
from .pages.about import render_about, render_not_found
from .pages.changes import change_log_pages, feed_files, render_changes, render_changes_page
from .pages.core import Scope, SiteCore, change_page_url, page_file, page_url
from .pages.districts import render_district, render_lead_units
from .pages.embeds import render_chart_image, render_embed, render_withdrawn_embed
from .pages.home_and_topics import render_city_index, render_home, render_topic
from .pages.images import card_jobs, chart_png_path, chart_png_svg, home_card_svg, page_url_file, png_charts, render_png
from .pages.search import render_search
from .pages.sources import render_source

__all__ = ["PageJob", "page_jobs", "sitemap_files", "site_listing_files"]

# Pages one sitemap file may list (sitemaps.org); a site of 4,600 districts, in two languages, would pass it.
SITEMAP_URLS_MAX = 50_000


@dataclass(frozen=True)
class PageJob:
    """One page or chart image to make: the file it is written to, the page function of pipeline/pages/
    and the arguments after the core that make it, its URL if the sitemap lists it, and the scope
    whose records it shows (None for a site-wide page)."""

    file: str
    make: Callable[..., bytes]
    args: tuple
    sitemap_url: str | None
    scope: Scope | None = None

    def render(self, site: SiteCore) -> bytes:
        """The page's bytes."""
        return self.make(site, *self.args)


def page_jobs(site: SiteCore, with_images: bool = True) -> list[PageJob]:
    """Every page of the site, each made by its PageJob on its own, in any order and any process
    (with_images=False leaves out the PNG images, for bench/images.py to measure what they cost).

    A scope's pages (its comparisons, and its districts' and sources' own pages) come together,
    so that its record rows and chart views are made once and dropped when the next scope begins.
    """
    jobs = [PageJob("404.html", render_not_found, (), None)]

    def add(url: str, make: Callable[..., bytes], *args, scope: Scope | None = None, in_sitemap: bool = True) -> None:
        jobs.append(PageJob(page_file(url), make, args, url if in_sitemap else None, scope))

    for lang in LANGS:
        if None not in site.scopes:  # several cities: an index leads to each city's pages
            add(page_url(lang), render_city_index, lang)
            for topic in site.dataset.topics:
                add(page_url(lang, "topics", topic.id), render_city_index, lang, topic.id)
        add(page_url(lang, "about"), render_about, lang)
        add(page_url(lang, "changes"), render_changes, lang)
        for month, page in change_log_pages(site):
            add(change_page_url(lang, month, page), render_changes_page, month, page, lang)
        add(page_url(lang, "search"), render_search, lang, in_sitemap=False)
        if (
            with_images and None not in site.scopes
        ):  # the site's card, which the city index and the site-wide pages name
            jobs.append(
                PageJob(page_url_file(page_url(lang)), render_png, (home_card_svg, site.site_scope, lang), None)
            )
        if None in site.scopes:  # on a site of several cities, each city's embeds have addresses of their own
            for metric in site.dataset.metrics:
                if metric.withdrawn:
                    add(page_url(lang, "embed", metric.id), render_withdrawn_embed, metric, lang, in_sitemap=False)
    for scope in site.scopes.values():
        jobs += _scope_jobs(site, scope, with_images)
    return jobs


def _scope_jobs(site: SiteCore, scope: Scope, with_images: bool) -> list[PageJob]:
    """A scope's pages: its home, topic and embed pages, chart images and preview cards, its districts' and
    sources' pages."""
    with_units = {d.id for d in scope.districts if any(r.lead_units for r in d.records)}
    jobs = []

    def add(url: str, make: Callable[..., bytes], *args, in_sitemap: bool = True) -> None:
        jobs.append(PageJob(page_file(url), make, args, url if in_sitemap else None, scope))

    for lang in LANGS:
        add(scope.url(lang), render_home, scope, lang)
        for topic in site.dataset.topics:
            add(scope.url(lang, "topics", topic.id), render_topic, scope, topic.id, lang)
        for chart in site.charts[scope.group].values():
            add(scope.url(lang, "embed", chart.id), render_embed, scope, chart, lang, in_sitemap=False)
            jobs.append(PageJob(chart.svg_path(lang), render_chart_image, (scope, chart, lang), None, scope))
        for chart in png_charts(site, scope) if with_images else []:
            jobs.append(
                PageJob(chart_png_path(chart, lang), render_png, (chart_png_svg, scope, chart, lang), None, scope)
            )
        for file, draw, args in card_jobs(site, scope, lang) if with_images else []:
            jobs.append(PageJob(file, render_png, (draw, *args), None, scope))
        for district in scope.districts:
            add(page_url(lang, "districts", district.id), render_district, district.id, lang)
            if district.id in with_units:
                add(page_url(lang, "districts", district.id, "units"), render_lead_units, district.id, lang)
        for source in scope.sources:
            add(page_url(lang, "sources", source.id), render_source, source.id, lang)
    return jobs


def site_listing_files(site: SiteCore, jobs: list[PageJob]) -> dict[str, bytes]:
    """The files that list the pages: sitemap.xml (with its parts on a very large site) and robots.txt;
    and the feeds of the data's changes."""
    urls = sorted(j.sitemap_url for j in jobs if j.sitemap_url and not j.sitemap_url.startswith("/en/"))
    return {
        **sitemap_files(site.site_url, urls, site.data_updated),
        "robots.txt": f"User-agent: *\nAllow: /\nSitemap: {site.site_url}/sitemap.xml\n".encode(),
        **feed_files(site),
    }


def sitemap_files(site_url: str, urls: list[str], last_changed: str | None = None) -> dict[str, bytes]:
    """sitemap.xml listing every page in both languages, each with its two language versions and the date
    the data last changed. Past SITEMAP_URLS_MAX pages, the sitemap protocol's limit for one file, the
    pages are listed in sitemap-1.xml, sitemap-2.xml … and sitemap.xml becomes the index of those files.

    urls are the Chinese pages' addresses; each English page's is the same under /en."""
    pages = [(lang, url) for url in urls for lang in LANGS]
    if len(pages) <= SITEMAP_URLS_MAX:
        return {"sitemap.xml": _urlset(site_url, pages, last_changed)}
    parts = {
        f"sitemap-{n}.xml": _urlset(site_url, pages[start : start + SITEMAP_URLS_MAX], last_changed)
        for n, start in enumerate(range(0, len(pages), SITEMAP_URLS_MAX), start=1)
    }
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        *(f"  <sitemap><loc>{xml_escape(site_url + '/' + name)}</loc></sitemap>" for name in parts),
        "</sitemapindex>",
    ]
    return {"sitemap.xml": ("\n".join(lines) + "\n").encode("utf-8"), **parts}


def _urlset(site_url: str, pages: list[tuple[str, str]], last_changed: str | None) -> bytes:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    lastmod = f"<lastmod>{xml_escape(last_changed)}</lastmod>" if last_changed else ""
    for lang, url in pages:
        zh, en = xml_escape(site_url + url), xml_escape(site_url + "/en" + url)
        lines.append(f"  <url><loc>{zh if lang == 'zh' else en}</loc>{lastmod}")
        lines.append(f'    <xhtml:link rel="alternate" hreflang="zh-Hans" href="{zh}"/>')
        lines.append(f'    <xhtml:link rel="alternate" hreflang="en" href="{en}"/>')
        lines.append("  </url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")
