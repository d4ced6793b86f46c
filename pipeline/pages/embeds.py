"""The pages and files made for other sites: each chart's embed page and its SVG image, a page at
the embed address of each chart withdrawn, and each release's pinned embeds."""

from collections.abc import Callable
from functools import partial

from ..charts import Chart
from ..languages import LANGS, Lang, in_lang
from ..models import Metric
from .chart_views import chart_view, data_line, embed_url
from .core import Scope, SiteCore, documents_text, page_context, page_file, render


def render_embed(site: SiteCore, scope: Scope, chart: Chart, lang: Lang) -> bytes:
    """A chart's embed page: the chart alone, with its source, date and links, for an iframe. Made with a
    release's core (site.release), the chart as that release had it, at its pinned address."""
    view = chart_view(site, scope, chart, lang)
    parts = (*scope.parts, "embed", chart.id, *([site.release] if site.release else []))
    return render(
        site,
        "embed.html",
        **page_context(site, lang, scope, parts, view["title"], view["title"]),
        view=view,
        documents=documents_text(site, lang, scope.sources),
    )


def pinned_embed_files(release_site: SiteCore) -> dict[str, list[Callable[[], bytes]]]:
    """The pinned embeds of one release, /embed/<chart-id>/<date>/ in each language: every chart of the
    release's core (charts.build_charts of its data, already made for its downloads), each page rendered
    only when written. A chart withdrawn since keeps them: the release still holds it."""
    files: dict[str, list[Callable[[], bytes]]] = {}
    for scope in release_site.scopes.values():
        for chart in release_site.charts[scope.group].values():
            for lang in LANGS:
                url = embed_url(scope, lang, chart.id, release_site.release)
                files[page_file(url)] = [partial(render_embed, release_site, scope, chart, lang)]
    return files


def render_chart_image(site: SiteCore, scope: Scope, chart: Chart, lang: Lang) -> bytes:
    """A chart's SVG file: the chart with its title, legend, sources and data date inside."""
    return chart_view(site, scope, chart, lang)["image"]


def render_withdrawn_embed(site: SiteCore, metric: Metric, lang: Lang) -> bytes:
    """The page left at a withdrawn chart's embed address: an article that embeds it shows why the
    chart is gone (data/metrics.yaml's withdrawn_zh/en) and where the change log says when."""
    title = in_lang(metric, "name", lang)
    return render(
        site,
        "embed_withdrawn.html",
        **page_context(site, lang, site.site_scope, ("embed", metric.id), title, site.t[lang]["chart_withdrawn"]),
        reason=in_lang(metric, "withdrawn", lang),
        data_line=data_line(site, lang),
    )
