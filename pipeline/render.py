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

import functools
from collections.abc import Callable
from dataclasses import dataclass
from xml.sax.saxutils import escape as xml_escape

from .pages.about import AboutPages
from .pages.changes import ChangesPages
from .pages.core import LANGS, Scope, page_file, page_url
from .pages.districts import DistrictPages
from .pages.embeds import EmbedPages
from .pages.home_and_topics import HomeAndTopicPages
from .pages.search import SearchPages
from .pages.sources import SourcePages

__all__ = ["LANGS", "PAGES_PER_TASK", "PageJob", "SiteRenderer", "page_makers", "sitemap_files"]

PAGES_PER_TASK = 400  # at most, pages rendered in one go by a worker of a large site (a city has about 200)
# Pages one sitemap file may list (sitemaps.org); a site of 4,600 districts, in two languages, would pass it.
SITEMAP_URLS_MAX = 50_000


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


class SiteRenderer(HomeAndTopicPages, EmbedPages, DistrictPages, SourcePages, AboutPages, SearchPages, ChangesPages):
    """Renders every page of the site from the dataset, tables, charts and assets: each family of pages
    from its module of pipeline/pages/, each page by the method its PageJob names."""

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
            add(page_url(lang, "changes"), "changes", lang)
            add(page_url(lang, "search"), "search", lang, in_sitemap=False)
            if None in self.scopes:  # on a site of several cities, each city's embeds have addresses of their own
                for metric in self.dataset.metrics:
                    if metric.withdrawn:
                        add(page_url(lang, "embed", metric.id), "withdrawn_embed", metric, lang, in_sitemap=False)
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
                        add(
                            page_url(lang, "districts", district.id, "units"),
                            "lead_units",
                            district.id,
                            lang,
                            scope=scope,
                        )
                for source in scope.sources:
                    add(page_url(lang, "sources", source.id), "source", source.id, lang, scope=scope)
        return jobs

    def render_page(self, job: PageJob) -> bytes:
        return getattr(self, job.method)(*job.args)

    def site_files(self, jobs: list[PageJob]) -> dict[str, bytes]:
        """The files that list the pages: sitemap.xml (with its parts on a very large site) and robots.txt;
        and the feeds of the data's changes."""
        urls = sorted(j.sitemap_url for j in jobs if j.sitemap_url and not j.sitemap_url.startswith("/en/"))
        return {
            **sitemap_files(self.site_url, urls, self.data_updated),
            "robots.txt": f"User-agent: *\nAllow: /\nSitemap: {self.site_url}/sitemap.xml\n".encode(),
            **self.feed_files(),
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
