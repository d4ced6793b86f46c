"""The pages and files made for other sites: each chart's embed page and its SVG image, and a page at
the embed address of each chart withdrawn."""

from ..charts import Chart
from ..languages import Lang, in_lang
from ..models import Metric
from .chart_views import chart_view, data_line
from .core import Scope, SiteCore, documents_text, page_context, render


def render_embed(site: SiteCore, scope: Scope, chart: Chart, lang: Lang) -> bytes:
    """A chart's embed page: the chart alone, with its source, date and links, for an iframe."""
    view = chart_view(site, scope, chart, lang)
    return render(
        site,
        "embed.html",
        **page_context(site, lang, scope, (*scope.parts, "embed", chart.id), view["title"], view["title"]),
        view=view,
        documents=documents_text(site, lang, scope.sources),
    )


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
