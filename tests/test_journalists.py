"""What journalists rely on: embeds that fit on another site, downloads, citations, stable chart ids."""

import csv
import gzip
import html
import io
import json
import re

import pytest
from browser import other_origin, published_embed_code
from frictionless import validate

from pipeline.builder import build_site, site_url
from pipeline.charts import items_chart_id
from pipeline.pages import core as pages_core

EMBED_BUDGET = 60 * 1024  # gzip bytes on first load, before plotly.js


def first_load_bytes(site, page: str) -> int:
    """Gzip bytes of a page and of the styles and scripts it loads at once (plotly.js loads later, if ever)."""
    document = (site / page).read_bytes()
    total = len(gzip.compress(document, mtime=0))
    urls = re.findall(rb'<link rel="(?:stylesheet|icon)" href="(/[^"]+)"', document)
    urls += re.findall(rb'<script src="(/[^"]+)"', document)
    for url in urls:
        total += len(gzip.compress((site / url.decode().lstrip("/")).read_bytes(), mtime=0))
    return total


def test_every_chart_has_an_embed_page_in_both_languages(real_site):
    from pipeline.builder import check_data
    from pipeline.paths import ROOT, ProjectPaths

    # A withdrawn chart's address keeps a page saying why (tests/test_trust_over_time.py), with no chart.
    withdrawn = {m.id for m in check_data(ProjectPaths(ROOT)).metrics if m.withdrawn}
    chart_ids = {p.parent.name for p in (real_site / "embed").glob("*/index.html")} - withdrawn
    assert {"gdp-growth", "fai-growth", "fiscal-revenue-growth", "new-urban-jobs", items_chart_id("ai")} <= chart_ids
    for chart_id in chart_ids:
        page = (real_site / "en" / "embed" / chart_id / "index.html").read_text(encoding="utf-8")
        assert f'id="chart-data-{chart_id}"' in page
        assert "CC BY 4.0" in page  # the licence
        assert "2025-07-11" in page and "2025-04-17" in page  # the documents and their dates
        assert re.search(r'href="/en/topics/[a-z-]+/"', page)  # the full comparison
        assert "<nav" not in page and "site-footer" not in page  # and nothing else


def test_embed_pages_are_light(real_site):
    for page in sorted((real_site / "embed").glob("*/index.html")) + sorted(
        (real_site / "en/embed").glob("*/index.html")
    ):
        relative = page.relative_to(real_site).as_posix()
        assert first_load_bytes(real_site, relative) <= EMBED_BUDGET, relative
        assert "plotly" not in " ".join(re.findall(r'<script src="([^"]+)"', page.read_text(encoding="utf-8")))


def test_chart_ids_do_not_change_when_data_changes(project):
    build_site(project.paths)
    before = sorted(p.parent.name for p in (project.paths.site / "embed").glob("*/index.html"))
    project.edit("data/districts/alpha.yaml", "label_zh: 城镇新增就业", "label_zh: 城镇新增就业人数")
    project.edit("data/districts/alpha.yaml", "summary_en: Grow GDP by 5.5%.", "summary_en: GDP to grow by 5.5%.")
    build_site(project.paths)
    after = sorted(p.parent.name for p in (project.paths.site / "embed").glob("*/index.html"))
    assert before == after == ["ai--items", "employment--items", "gdp--items", "gdp-growth", "new-urban-jobs"]


def test_targets_csv_opens_with_its_chinese_intact(real_site):
    raw = (real_site / "data" / "targets.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    required = [
        "id",
        "district",
        "topic",
        "kind",
        "period",
        "value",
        "unit",
        "bound",
        "quote",
        "source",
        "label_zh",
        "label_en",
        "source_title_zh",
        "lead_units",
    ]
    assert set(required) <= set(rows[0])
    by_id = {row["id"]: row for row in rows}
    assert len(by_id) == len(rows)
    jobs = by_id["haizhu-t83-new-urban-jobs"]
    assert (jobs["district"], jobs["topic"], jobs["value"], jobs["unit"], jobs["bound"]) == (
        "haizhu",
        "employment",
        "18000",
        "people",
        "exact",
    )
    assert "力争城镇新增就业1.8万人" in jobs["quote"]
    assert jobs["lead_units"] == "区人社局"
    assert by_id["haizhu-t61-fai-total"]["value"] == "70000000000"


def test_targets_json_matches_the_csv(real_site):
    records = json.loads((real_site / "data" / "targets.json").read_text(encoding="utf-8"))
    rows = list(csv.DictReader(io.StringIO((real_site / "data" / "targets.csv").read_text(encoding="utf-8-sig"))))
    assert [r["id"] for r in records] == [r["id"] for r in rows]
    low_altitude = [r for r in records if r["topic"] == "low-altitude"]
    assert low_altitude and all(r["district"] in ("haizhu", "yuexiu", "liwan") for r in low_altitude)
    commitment = next(r for r in records if r["value"] is None)
    assert commitment["unit"] is None and commitment["bound"] is None  # not stated, never zero


def test_no_csv_cell_can_run_as_a_spreadsheet_formula(real_site, project):
    """Text cells starting = + - @ tab or CR get a ' in front (OWASP); numbers stay numbers, JSON keeps the text."""
    liwan = [
        r
        for r in csv.DictReader(io.StringIO((real_site / "data/targets.csv").read_text(encoding="utf-8-sig")))
        if r["district"] == "liwan"
    ]
    assert liwan and all(r["source_title_zh"].startswith("'@荔湾街坊") for r in liwan)
    hostile = {
        "label_en: GDP growth": """label_en: '=HYPERLINK("http://example.org")'""",
        "summary_en: Grow GDP by 5.5%.": 'summary_en: "+1 and more"',
        "lead_units: [区发改局]": 'lead_units: ["@unit", "\\tsecond"]',
        "label_zh: 城镇新增就业": 'label_zh: "-城镇新增就业"',
        "  区发改局: District Development and Reform Bureau": '  "@unit": At unit\n  "\\tsecond": Second',
    }
    for old, new in hostile.items():
        project.edit("data/districts/alpha.yaml", old, new)
    build_site(project.paths)
    site = project.paths.site
    rows = {
        r["id"]: r for r in csv.DictReader(io.StringIO((site / "data/targets.csv").read_text(encoding="utf-8-sig")))
    }
    gdp = rows["alpha-gdp-growth"]
    assert gdp["label_en"] == '\'=HYPERLINK("http://example.org")' and gdp["summary_en"] == "'+1 and more"
    assert gdp["lead_units"] == "'@unit; \tsecond" and gdp["value"] == "5.5"
    assert rows["alpha-new-jobs"]["label_zh"] == "'-城镇新增就业" and rows["alpha-new-jobs"]["value"] == "18000"
    chart = list(csv.DictReader(io.StringIO((site / "data/charts/new-urban-jobs.csv").read_text(encoding="utf-8-sig"))))
    assert all(not cell.startswith(("=", "+", "@")) for row in chart for cell in row.values())
    records = {r["id"]: r for r in json.loads((site / "data/targets.json").read_text(encoding="utf-8"))}
    assert records["alpha-gdp-growth"]["label_en"] == '=HYPERLINK("http://example.org")'
    assert records["alpha-gdp-growth"]["lead_units"] == ["@unit", "\tsecond"]


def test_data_package_is_valid_under_frictionless(real_site):
    report = validate(real_site / "data" / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = json.loads((real_site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert len(package["sources"]) == 3
    assert {r["path"] for r in package["resources"]} >= {"targets.csv", "charts/gdp-growth.csv"}


def test_each_chart_links_its_own_csv(real_site):
    page = (real_site / "topics" / "gdp" / "index.html").read_text(encoding="utf-8")
    assert 'href="/data/charts/gdp-growth.csv"' in page
    rows = list(csv.DictReader(io.StringIO((real_site / "data/charts/gdp-growth.csv").read_text(encoding="utf-8-sig"))))
    assert [(r["district"], r["stated"], r["kind"], r["value"]) for r in rows] == [
        ("haizhu", "true", "target", "5.5"),
        ("yuexiu", "true", "actual", "2"),
        ("liwan", "true", "target", "5"),
    ]


def test_each_chart_is_an_svg_file_with_its_title_legend_sources_and_date(real_site):
    """The chart image a reader downloads without JavaScript, in each language, linked from the share box
    and the embed."""
    from xml.etree import ElementTree

    from pipeline.history import data_history
    from pipeline.paths import ROOT, ProjectPaths

    updated = data_history(ProjectPaths(ROOT)).last_changed
    assert updated  # the repository's history gives the date
    for prefix, title, legend, source, date in (
        ("", "新增就业", "2025年全年目标", "来源：海珠区", "数据截至"),
        ("en/", "New jobs", "Target, full year 2025", "Sources: Haizhu District", "Data as of "),
    ):
        file = real_site / prefix / "data" / "charts" / "new-urban-jobs.svg"
        root = ElementTree.fromstring(file.read_bytes())  # well-formed XML
        texts = [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]
        assert root.get("width") == "640" and root.find("{http://www.w3.org/2000/svg}title").text == title
        assert title in texts and legend in texts and any(t.startswith(source) for t in texts)
        assert any(t.startswith(date + updated) for t in texts)
        for page in (f"{prefix}topics/employment/index.html", f"{prefix}embed/new-urban-jobs/index.html"):
            assert f'href="/{prefix}data/charts/new-urban-jobs.svg"' in (real_site / page).read_text(encoding="utf-8")


def test_charts_and_pages_offer_a_citation(real_site):
    page = (real_site / "en" / "topics" / "gdp" / "index.html").read_text(encoding="utf-8")
    citations = re.findall(r'<p class="citation">(.*?)</p>', page, re.S)
    assert len(citations) >= 2  # the chart's and the page's
    assert all("Guangzhou districts’ 2025 targets, side by side" in html.unescape(c) for c in citations)
    assert all("Data as of 20" in c for c in citations)
    zh = (real_site / "topics" / "gdp" / "index.html").read_text(encoding="utf-8")
    assert "《地区生产总值增长》" in zh and "数据截至20" in zh


def test_a_citation_of_many_documents_counts_them_and_points_to_the_data_package(project, monkeypatch):
    def footer_citation(relative: str) -> str:
        page = (project.paths.site / relative).read_text(encoding="utf-8")
        return html.unescape(re.search(r'<footer.*<p class="citation">(.*?)</p>', page, re.S).group(1))

    build_site(project.paths)
    assert "“Alpha district key tasks for 2025”" in footer_citation("en/about/index.html")
    # The scratch site's two documents stand for the thousands of a large site.
    monkeypatch.setattr(pages_core, "NAMED_SOURCES_MAX", 1)
    build_site(project.paths)
    en, zh = footer_citation("en/about/index.html"), footer_citation("about/index.html")
    package = f"{site_url()}/data/datapackage.json"
    assert f"Sources: 2 district government documents, each listed in the data package at {package}." in en
    assert f"来源：2份区政府公开文件，逐份列于数据包 {package}。" in zh
    assert "Alpha district" not in en and "甲区2025年重点工作" not in zh


@pytest.fixture
def host_site(real_site, real_server):
    """A second origin serving a newsroom's article with the published embed code of the GDP chart."""
    page = (real_site / "topics" / "gdp" / "index.html").read_text(encoding="utf-8")
    code = published_embed_code(page, "gdp-growth", real_server.url)
    article = (
        "<!doctype html><html><head><meta charset='utf-8'><title>host</title>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'></head>"
        f"<body style='margin:0'><p>A newsroom's article.</p>{code}<p>After the chart.</p></body></html>"
    )
    with other_origin(lambda path: article) as url:
        yield url + "/"


@pytest.mark.parametrize("width", [360, 1200])
def test_embed_on_another_origin_shows_the_whole_chart_at_the_right_height(chromium, host_site, width):
    page = chromium.new_page(viewport={"width": width, "height": 900})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(host_site)
        frame_element = page.wait_for_selector("iframe[data-district-targets-embed]")
        frame = frame_element.content_frame()
        frame.wait_for_selector(".chart-static")
        # embed.js sets the iframe's height from the embed's postMessage.
        page.wait_for_function("document.querySelector('iframe').style.height !== ''", timeout=10_000)
        content_height = frame.evaluate("Math.ceil(document.documentElement.getBoundingClientRect().height)")
        box = frame_element.bounding_box()
        assert abs(box["height"] - content_height) <= 2
        # No scroll bar inside, nothing cut off: the content fits the frame exactly.
        assert frame.evaluate("document.documentElement.scrollHeight <= window.innerHeight + 1")
        assert frame.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

        def inside_the_frame(selector: str) -> bool:
            inner, outer = frame.locator(selector).bounding_box(), frame_element.bounding_box()
            return inner["y"] >= outer["y"] - 1 and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 1

        # The whole chart (plot, legend and source line) is inside the visible frame.
        assert all(inside_the_frame(s) for s in (".chart-plot", ".chart-legend", ".embed-source"))
        # The table and full citation open with a tap, and the frame grows to show them.
        frame.locator(".embed-more > summary").click()
        page.wait_for_function(
            "h => document.querySelector('iframe').getBoundingClientRect().height > h",
            arg=box["height"] + 50,
            timeout=10_000,
        )
        assert inside_the_frame(".chart-table") and inside_the_frame(".embed-more .citation")
        # Reaching for the chart upgrades it to Plotly inside the frame, on the other origin.
        frame.locator(".chart-plot").hover()
        frame.wait_for_selector(".chart-plot[data-drawn=true] svg.main-svg", timeout=20_000)
        assert errors == []
    finally:
        page.close()
