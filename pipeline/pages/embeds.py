"""The pages and files made for other sites: each chart's embed page and its SVG image, and a page at
the embed address of each chart withdrawn."""

from ..charts import Chart
from ..models import Metric
from .chart_views import ChartViews
from .core import Scope


class EmbedPages(ChartViews):
    """Each chart's embed page, and its SVG file (drawn with its view)."""

    def embed(self, scope: Scope, chart: Chart, lang: str) -> bytes:
        view = self.chart_view(scope, chart, lang)
        return self.render(
            "embed.html",
            **self.page_context(lang, scope, (*scope.parts, "embed", chart.id), view["title"], view["title"]),
            view=view,
            documents=self.documents_text(lang, scope.sources),
        )

    def chart_image(self, scope: Scope, chart: Chart, lang: str) -> bytes:
        """A chart's SVG file: the chart with its title, legend, sources and data date inside."""
        return self.chart_view(scope, chart, lang)["image"]

    def withdrawn_embed(self, metric: Metric, lang: str) -> bytes:
        """The page left at a withdrawn chart's embed address: an article that embeds it shows why the
        chart is gone (data/metrics.yaml's withdrawn_zh/en) and where the change log says when."""
        title = getattr(metric, f"name_{lang}")
        return self.render(
            "embed_withdrawn.html",
            **self.page_context(lang, self.site_scope, ("embed", metric.id), title, self.t[lang]["chart_withdrawn"]),
            reason=getattr(metric, f"withdrawn_{lang}"),
            data_line=self.t[lang]["data_updated_line"] + self.data_updated if self.data_updated else "",
        )
