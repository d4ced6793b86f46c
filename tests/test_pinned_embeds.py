"""Pinned embeds (/embed/<chart-id>/<date>/): every release's charts, each with that release's figures, in
both languages; the share box's two embed codes; and a chart withdrawn later keeps the pinned pages of the
releases that held it."""

import csv
import html
import io
import json
import re

from test_journalists import EMBED_BUDGET, first_load_bytes
from test_trust_over_time import DATES, git

from pipeline.builder import build_site, check_data
from pipeline.history import data_history
from pipeline.netlify import header_rules, headers_for
from pipeline.paths import ROOT, ProjectPaths

LANG_PREFIXES = {"zh": "", "en": "en/"}


def read(site, relative: str) -> str:
    return (site / relative).read_text(encoding="utf-8")


def chart_figures(page: str, chart_id: str, lang: str) -> set[tuple]:
    """The figures a chart's page draws, from its Plotly JSON: (district, kind, value) for each bar (a series
    of a half year is its kind's)."""
    found = re.search(rf'<script type="application/json" id="chart-data-{chart_id}">(.*?)</script>', page, re.S)
    figures = set()
    for trace in json.loads(found[1])["data"]:
        districts, values = (trace["x"], trace["y"]) if trace.get("orientation") != "h" else (trace["y"], trace["x"])
        for district, value in zip(districts, values, strict=True):
            if value:  # a count of items draws its zeros as empty bars; the CSV lists them
                district = district.replace("<br>", "" if lang == "zh" else " ")
                figures.add((district, trace["meta"].removesuffix("-h1").removesuffix("-h2"), float(value)))
    return figures


def csv_figures(text: str, lang: str) -> set[tuple]:
    """The same figures from a chart's CSV download: a stated value, or a count of items above zero."""
    figures = set()
    for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff"))):
        value = row.get("value") if "value" in row else row["items"]
        if value and float(value) and row.get("stated", "true") == "true":
            figures.add((row[f"district_{lang}"], row["kind"], float(value)))
    return figures


def test_every_release_has_pinned_embeds_with_its_own_figures(real_site):
    dataset = check_data(ProjectPaths(ROOT))
    releases = [r.date for r in data_history(ProjectPaths(ROOT)).with_releases(dataset.releases).releases]
    assert releases, "the real site has releases"
    rules = header_rules(ROOT / "netlify.toml")
    for date in releases:
        charts = sorted(p.stem for p in (real_site / "data/releases" / date / "charts").glob("*.csv"))
        assert len(charts) > 30, date
        for chart_id in charts:
            figures = read(real_site, f"data/releases/{date}/charts/{chart_id}.csv")
            for lang, prefix in LANG_PREFIXES.items():
                url = f"/{prefix}embed/{chart_id}/{date}/"
                page = read(real_site, url.lstrip("/") + "index.html")
                assert chart_figures(page, chart_id, lang) == csv_figures(figures, lang), url
                assert ("Version of " + date if lang == "en" else date + "版本") in page, url
                assert f'href="/{prefix}embed/{chart_id}/"' in page  # the latest
                assert f'href="/data/releases/{date}/charts/{chart_id}.csv"' in page
                assert '<meta name="robots" content="noindex">' in page
                assert headers_for(url, rules)["Content-Security-Policy"][-1] == "frame-ancestors *"
    # Pinned pages weigh what the latest embed does.
    assert first_load_bytes(real_site, f"en/embed/gdp-growth/{releases[0]}/index.html") <= EMBED_BUDGET
    # The share box offers the latest and the newest release, each with its own address.
    box = html.unescape(read(real_site, "en/topics/gdp/index.html"))
    assert "Always the latest figures" in box and f"Fixed to the version of {releases[0]}" in box
    assert re.search(r'<iframe src="[^"]+/en/embed/gdp-growth/"', box)
    assert re.search(rf'<iframe src="[^"]+/en/embed/gdp-growth/{releases[0]}/"', box)


WITHDRAWN = """\
  withdrawn_zh: 两区的数字不是同一时段。
  withdrawn_en: The two districts' figures are not for the same period.
"""


def test_a_chart_withdrawn_later_keeps_its_pinned_embeds(project):
    """A release made before a chart was withdrawn keeps its pinned embeds, with the figures it had; the
    release after the withdrawal has none, and the latest address says why the chart is gone."""
    project.write("data/releases.yaml", "".join(f'- date: "{date}"\n' for date in DATES[:2]))
    git(project.root, "init", "-q", "-b", "main")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-qm", "First publication", date=DATES[0])
    project.edit("data/districts/alpha.yaml", "    metric: gdp-growth\n", "")
    project.edit("data/districts/beta.yaml", "    metric: gdp-growth\n", "")
    project.edit("data/metrics.yaml", "  headline: true\n", "  headline: true\n" + WITHDRAWN)
    git(project.root, "commit", "-qam", "GDP growth: withdrawn", date=DATES[1])
    build_site(project.paths)
    site = project.paths.site
    first, withdrawn = DATES[0], DATES[1]
    for lang, prefix in LANG_PREFIXES.items():
        page = read(site, f"{prefix}embed/gdp-growth/{first}/index.html")
        figures = read(site, f"data/releases/{first}/charts/gdp-growth.csv")
        assert chart_figures(page, "gdp-growth", lang) == csv_figures(figures, lang) != set()
        assert not (site / f"{prefix}embed/gdp-growth/{withdrawn}").exists()
        latest = html.unescape(read(site, f"{prefix}embed/gdp-growth/index.html"))
        assert "not for the same period" in latest or "不是同一时段" in latest
        assert (site / f"{prefix}embed/ai--items/{withdrawn}/index.html").is_file()
    # The topic's share box now offers its count of items, fixed to the newest release.
    assert f"/en/embed/gdp--items/{withdrawn}/" in read(site, "en/topics/gdp/index.html")
