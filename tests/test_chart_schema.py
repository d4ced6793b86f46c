"""Every chart's figure, as the site publishes it, is valid under plotly.js's own schema.

charts.py writes figures as plain dicts (fast for thousands of charts); the plotly Python
package, a test dependency only, checks them with plotly.graph_objects, which refuses any
property plotly.js does not know (a misspelled key would otherwise be ignored silently).
"""

import json
import re

import plotly.graph_objects as go
import pytest
from site_pages import site_pages

CHART_JSON = re.compile(r'<script type="application/json" id="chart-data-([^"]+)">(.*?)</script>', re.S)


def published_figures(site) -> dict[str, dict]:
    """'<lang> <chart id>' → the chart JSON of its embed page, in both languages."""
    figures = {}
    for page in site_pages(site):
        if page.is_embed:
            for chart_id, text in CHART_JSON.findall((site / page.file).read_text(encoding="utf-8")):
                figures[f"{page.lang} {chart_id}"] = json.loads(text)
    return figures


def test_every_published_figure_is_valid_plotly(real_site):
    figures = published_figures(real_site)
    assert len(figures) >= 80 and {spec["data"][0]["type"] for spec in figures.values()} == {"bar"}
    for spec in figures.values():
        go.Figure(data=spec["data"], layout=spec["layout"])


def test_the_schema_check_refuses_a_misspelled_property(real_site):
    spec = next(iter(published_figures(real_site).values()))
    with pytest.raises(ValueError, match="textpositon"):
        go.Figure(data=[{**spec["data"][0], "textpositon": "outside"}], layout=spec["layout"])
