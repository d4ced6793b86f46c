"""The pages and files made for other sites: each chart's embed page and its SVG image."""
from ..charts import Chart
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
