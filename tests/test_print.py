"""A printed page, in Chromium's print emulation: each record's quote shows (its <details> closed on
screen), the navigation and sharing chrome does not, a chart Plotly has drawn prints as its static SVG,
and a reader in a dark scheme still prints dark text on white.

Seen to fail: before style.css opened ::details-content in print the quotes were hidden (the old rule on
the blockquote could not reach inside a closed <details>); while charts.js emptied the chart box to
draw, a drawn chart printed as Plotly's, cut to the screen's width.
"""

import pytest
from browser import draw_charts, open_page

DISTRICT = "/districts/haizhu/"
TOPIC = "/en/topics/gdp/"
# Navigation and sharing, some of it not on every page: the test adds an element of each class not there.
CHROME = [
    ".site-header nav",
    ".skip",
    ".chart-share",
    ".toc",
    ".copy",
    ".record-quote summary",
    ".site-search",
    ".filters",
    ".record-links",
    ".compare-switch",
]
VISIBLE = "els => els.map(el => el.checkVisibility() && el.getBoundingClientRect().height > 0)"


def shown_chrome(tab) -> list[str]:
    """Which of CHROME's selectors match an element the page shows."""
    tab.evaluate(
        """selectors => selectors.forEach(selector => {
        if (!document.querySelector(selector) && /^\\.[a-z-]+$/.test(selector)) {
          const element = document.createElement('div');
          element.className = selector.slice(1);
          element.textContent = 'chrome';
          document.querySelector('main').append(element);
        }
      })""",
        CHROME,
    )
    return [
        selector
        for selector in CHROME
        if tab.locator(selector).count() and any(tab.locator(selector).evaluate_all(VISIBLE))
    ]


@pytest.mark.parametrize("url", [DISTRICT, TOPIC])
def test_a_printed_page_shows_every_quote_and_its_source_and_no_navigation(browser_contexts, real_server, url):
    tab, watch = open_page(browser_contexts.get(1280), real_server.url, url)
    try:
        quotes = tab.locator(".record-quote blockquote")
        sources = tab.locator(".record-quote > a")
        assert quotes.count() > 0 and quotes.count() == sources.count()
        assert not any(quotes.evaluate_all(VISIBLE))  # on screen, closed
        assert {".site-header nav", ".site-search"} <= set(shown_chrome(tab))  # on screen, there
        tab.emulate_media(media="print")
        assert all(quotes.evaluate_all(VISIBLE)) and all(sources.evaluate_all(VISIBLE))
        assert shown_chrome(tab) == []
        # A heading is never left at the foot of a sheet, apart from what it heads.
        breaks = tab.locator("main h2, main h3").evaluate_all("els => els.map(el => getComputedStyle(el).breakAfter)")
        assert breaks and set(breaks) == {"avoid"}
        assert watch.problems == []
    finally:
        tab.close()


def test_a_drawn_chart_prints_as_its_static_svg(browser_contexts, real_server):
    tab, watch = open_page(browser_contexts.get(1280), real_server.url, TOPIC)
    try:
        assert draw_charts(tab) == []
        plot = tab.locator(".chart-plot").first
        static, drawn = plot.locator("svg.chart-static"), plot.locator(".plot-container")
        assert drawn.is_visible() and not static.is_visible()
        tab.emulate_media(media="print")
        assert static.is_visible() and not drawn.is_visible()
        assert static.bounding_box()["width"] > 200 and static.locator("rect").count() > 0
        assert watch.problems == []
    finally:
        tab.close()


def test_a_reader_in_a_dark_scheme_prints_dark_on_white(chromium, real_server):
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, color_scheme="dark")
    try:
        tab, _ = open_page(context, real_server.url, DISTRICT)
        tab.emulate_media(media="print")
        colours = tab.evaluate(
            "[getComputedStyle(document.documentElement).backgroundColor, getComputedStyle(document.body).color]"
        )
        assert colours == ["rgb(255, 255, 255)", "rgb(26, 26, 26)"]
    finally:
        context.close()
