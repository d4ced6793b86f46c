"""The interactive layer in Chromium: what a tap shows at once, what a failure leaves, what a tap
fetches, the download buttons, the embed code's origin, and data text that Plotly must not read as markup.

Seen to fail: with charts.js's old origin rewrite (English embed code kept the build's address);
with Plotly text unescaped (the district's <a> became a live link inside the chart); with the
full plotly.js bundle (1.4 MB compressed fetched by the first tap).
"""

import gzip
import html
import re
from pathlib import Path

import yaml
from browser import DRAW_TIMEOUT_MS, draw_charts, open_page

from pipeline.builder import build_site
from pipeline.netlify import SiteServer
from pipeline.paths import ROOT
from pipeline.png_images import png_size

UI = yaml.safe_load((ROOT / "content" / "ui.yaml").read_text(encoding="utf-8"))
TAP_BUDGET = 450 * 1024  # gzip bytes of script that the first tap fetches
BUNDLE = "**/plotly-basic.min.*.js"

# Installed before the page's own scripts: when the first tap began, and when the chart said it was busy.
TAP_CLOCK = """
window.tapAt = null; window.busyAt = null;
document.addEventListener('pointerdown', () => { if (window.tapAt === null) window.tapAt = performance.now(); },
                          true);
new MutationObserver(records => {
  if (window.busyAt === null && records.some(r => r.target.getAttribute('aria-busy') === 'true')) {
    window.busyAt = performance.now();
  }
}).observe(document, {attributes: true, attributeFilter: ['aria-busy'], subtree: true});
"""


def touch_context(chromium, width: int = 390):
    context = chromium.new_context(viewport={"width": width, "height": 800}, has_touch=True, is_mobile=True)
    context.add_init_script(TAP_CLOCK)
    return context


def test_a_tap_says_within_100_ms_that_the_chart_is_becoming_interactive(chromium, real_server):
    context = touch_context(chromium)
    try:
        held = []
        context.route(BUNDLE, lambda route: held.append(route))  # plotly.js is held back until the checks are done
        tab, watch = open_page(context, real_server.url, "/en/topics/gdp/")
        plot = tab.locator(".chart-plot").first
        plot.scroll_into_view_if_needed()
        plot.tap()
        tab.wait_for_function("window.busyAt !== null", timeout=5_000)
        assert tab.evaluate("window.busyAt - window.tapAt") <= 100
        status = plot.locator(".chart-status")
        assert plot.get_attribute("aria-busy") == "true"
        assert status.get_attribute("role") == "status" and status.is_visible()
        assert status.inner_text() == UI["chart_loading"]["en"]
        assert plot.locator("svg.chart-static").is_visible()  # the static chart stays until Plotly has drawn
        for _ in range(100):  # the held request reaches the route as Playwright's events are processed
            if held:
                break
            tab.wait_for_timeout(50)
        assert len(held) == 1
        held[0].continue_()
        tab.wait_for_selector(".chart-plot[data-drawn=true] svg.main-svg", timeout=DRAW_TIMEOUT_MS)
        assert plot.get_attribute("aria-busy") is None and plot.locator(".chart-status").count() == 0
        assert watch.problems == []
    finally:
        context.close()


def test_when_plotly_cannot_load_the_chart_says_so_and_the_static_chart_stays(chromium, real_server):
    context = touch_context(chromium)
    try:
        context.route(BUNDLE, lambda route: route.abort("internetdisconnected"))
        tab, _ = open_page(context, real_server.url, "/topics/gdp/")
        plot = tab.locator(".chart-plot").first
        plot.tap()
        failed = plot.locator(".chart-status.failed")
        failed.wait_for(state="visible", timeout=5_000)
        assert failed.inner_text() == UI["chart_failed"]["zh"]
        assert plot.get_attribute("aria-busy") is None
        assert plot.locator("svg.chart-static text").count() > 5 and plot.locator("svg.chart-static").is_visible()
    finally:
        context.close()


def test_the_first_tap_fetches_at_most_450_kb_of_compressed_script(chromium, real_server, real_site):
    context = touch_context(chromium)
    try:
        tab, _ = open_page(context, real_server.url, "/embed/gdp-growth/")
        scripts = []
        tab.on("request", lambda request: request.resource_type == "script" and scripts.append(request.url))
        tab.locator(".chart-plot").tap()
        tab.wait_for_selector(".chart-plot[data-drawn=true]", timeout=DRAW_TIMEOUT_MS)
        assert scripts and all(
            re.search(r"/assets/vendor/plotly-basic\.min\.[0-9a-f]{10}\.js$", url) for url in scripts
        )
        fetched = sum(len(gzip.compress((real_site / url.split("/", 3)[3]).read_bytes(), 6)) for url in scripts)
        assert fetched <= TAP_BUDGET, f"{fetched:,} gzip bytes"
    finally:
        context.close()


def test_the_chart_offers_one_png_and_one_svg_button_that_download_the_chart_files(
    browser_contexts, real_server, real_site
):
    tab, watch = open_page(browser_contexts.get(1280), real_server.url, "/en/embed/gdp-growth/")
    try:
        assert draw_charts(tab) == []
        plot = tab.locator(".chart-plot[data-chart=gdp-growth]")
        plot.hover()
        buttons = plot.locator(".modebar-btn")
        titles = [buttons.nth(i).get_attribute("data-title") for i in range(buttons.count())]
        assert titles == [UI["png_button"]["en"], UI["svg_button"]["en"]]
        icons = {buttons.nth(i).locator("path").get_attribute("d") for i in range(buttons.count())}
        assert len(icons) == 2  # told apart by their icons too
        with tab.expect_download() as download:
            buttons.nth(0).click()
        # The chart's PNG file, the same as the share box's link: drawn at build time, 1,280 px wide.
        assert download.value.url == real_server.url + "/en/data/charts/gdp-growth.png"
        assert download.value.suggested_filename == "guangzhou-district-targets-2025-gdp-growth-en.png"
        png = Path(download.value.path()).read_bytes()
        assert png == (real_site / "en/data/charts/gdp-growth.png").read_bytes() and png_size(png)[0] >= 1200
        with tab.expect_download() as download:
            buttons.nth(1).click()
        assert download.value.url == real_server.url + "/en/data/charts/gdp-growth.svg"
        assert download.value.suggested_filename == "guangzhou-district-targets-2025-gdp-growth-en.svg"
        assert watch.problems == []
    finally:
        tab.close()


def test_without_javascript_the_share_box_offers_only_what_works(browser_contexts, real_server, real_site):
    for javascript in (False, True):
        tab, _ = open_page(browser_contexts.get(360, javascript=javascript), real_server.url, "/topics/gdp/")
        try:
            box = tab.locator("#chart-gdp-growth .chart-share")
            box.locator("summary").click()
            svg = box.locator('a[href$=".svg"]')
            assert svg.is_visible() and (real_site / svg.get_attribute("href").lstrip("/")).is_file()
            copies = box.locator("button.copy")  # the latest code's and the pinned code's
            assert copies.count() == 2 and all(copies.nth(i).is_visible() is javascript for i in range(2))
            png = box.locator('a[href$=".png"]')
            assert png.is_visible() and png.inner_text() == UI["download_png"]["zh"]
            assert (real_site / png.get_attribute("href").lstrip("/")).is_file()
        finally:
            tab.close()


def test_the_embed_code_names_the_address_the_site_is_served_from(browser_contexts, real_server, real_site):
    """The site is built for SITE_URL's address and served here from another port, in both languages."""
    for lang, prefix in (("zh", ""), ("en", "/en")):
        built = (real_site / prefix.lstrip("/") / "topics" / "gdp" / "index.html").read_text(encoding="utf-8")
        code = html.unescape(re.search(r'<textarea id="embed-gdp-growth"[^>]*>(.*?)</textarea>', built, re.S).group(1))
        assert real_server.url not in code  # the built page names the build's own address
        tab, _ = open_page(browser_contexts.get(1280), real_server.url, f"{prefix}/topics/gdp/")
        try:
            shown = tab.locator("#embed-gdp-growth").input_value()
        finally:
            tab.close()
        sources = re.findall(r'src="([^"]+)"', shown)
        assert sources == [f"{real_server.url}{prefix}/embed/gdp-growth/", f"{real_server.url}/embed.js"], lang


MARKUP_NAME = 'Haizhu <i>I</i><a href="https://example.org/">L</a>'


def test_data_text_reaches_plotly_as_text_never_as_markup(chromium, project):
    project.edit("data/districts/alpha.yaml", "name_en: Alpha District", f"name_en: '{MARKUP_NAME}'")
    build_site(project.paths)
    with SiteServer(project.paths.site, ROOT / "netlify.toml") as server:
        context = chromium.new_context(viewport={"width": 1280, "height": 800})
        try:
            tab, watch = open_page(context, server.url, "/en/embed/gdp-growth/")
            static = tab.evaluate("document.querySelector('svg.chart-static').textContent")
            assert MARKUP_NAME.replace(" ", "") in static.replace(" ", "")
            assert draw_charts(tab) == []
            chart = tab.locator(".chart-plot svg.main-svg").first
            assert tab.locator(".chart-plot a").count() == 0
            assert tab.locator(".chart-plot svg [style*=italic]").count() == 0
            ticks = "".join(tab.eval_on_selector_all(".chart-plot .xtick text", "ts => ts.map(t => t.textContent)"))
            assert MARKUP_NAME.replace(" ", "") in ticks.replace(" ", "")
            bar = tab.locator(".chart-plot .point path").first.bounding_box()
            tab.mouse.move(bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] / 2)
            hover = tab.locator(".chart-plot .hovertext")
            hover.wait_for(timeout=5_000)
            assert MARKUP_NAME in hover.text_content() and hover.locator("a").count() == 0
            assert chart.is_visible() and watch.problems == []
        finally:
            context.close()


def test_english_pages_and_charts_put_latin_fonts_first_and_chinese_ones_cjk_fonts(browser_contexts, real_server):
    """A CJK font first would set an English page's quotes full-width (“storm the fortress”)."""
    for url, first in (("/topics/gdp/", "PingFang SC"), ("/en/topics/gdp/", "Segoe UI")):
        tab, _ = open_page(browser_contexts.get(1280), real_server.url, url)
        try:
            families = [
                tab.evaluate(f"getComputedStyle(document.querySelector('{selector}')).fontFamily")
                for selector in ("body", "svg.chart-static text")
            ]
            assert draw_charts(tab) == []
            families.append(
                tab.evaluate("getComputedStyle(document.querySelector('.chart-plot .xtick text')).fontFamily")
            )
        finally:
            tab.close()
        for family in families:
            names = [name.strip().strip('"') for name in family.split(",")]
            assert names[1] == first, (url, family)
