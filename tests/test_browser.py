"""The real site in a real browser: Chromium, served with netlify.toml's production headers.

One page of every page type (discovered from the built site, tests/site_pages.py)
in each language, at a phone's and a desktop's width.

Each check has been seen to fail on a deliberately broken input: charts.js loading
plotly.js from a wrong name (a 404, and no chart drawn); a stylesheet linked from
another host (a request to another host); a language switch pointing at the home
page (landed on the wrong page); the source page's #q- anchors removed (no target);
'unsafe-inline' added to script-src (the injected inline script ran).
"""

import re
from urllib.parse import urlsplit

import pytest
from browser import WIDTHS, draw_charts, open_page
from site_pages import OTHER_LANG, chart_count, representatives

# test_browser.py and test_accessibility.py read the same page visits: one pytest-xdist worker runs both.
pytestmark = pytest.mark.xdist_group("page_visits")

LANGS = ("zh", "en")


def pages_in(site, lang: str):
    """The page chosen to stand for each page type of one language."""
    return {kind: page for (page_lang, kind), page in representatives(site).items() if page_lang == lang}


def problems_by_page(site, lang: str, check) -> dict[str, list[str]]:
    """Run a check on each page type of a language; only pages with problems are kept."""
    found = {f"{kind} {page.url}": check(page) for kind, page in pages_in(site, lang).items()}
    return {where: problems for where, problems in found.items() if problems}


def check_page_without_javascript(context, base_url: str, page) -> list[str]:
    """With JavaScript off every chart still shows its table of figures (on an embed, one tap away), and no
    empty plot box."""
    tab, watch = open_page(context, base_url, page.url)
    try:
        problems = list(watch.problems)
        plots = tab.locator(".chart-plot")
        for i in range(plots.count()):
            plot = plots.nth(i)
            chart = plot.get_attribute("data-chart")
            # The box may stay hidden or hold the picture drawn at build time, never show empty.
            if plot.is_visible() and plot.locator("svg").count() == 0:
                problems.append(f"chart {chart}: an empty plot box shows without JavaScript")
            table = tab.locator(f"#chart-{chart} .chart-table")
            # An embed keeps its table one tap away, in a disclosure that opens without JavaScript.
            disclosure = tab.locator(f"#chart-{chart} details:has(.chart-table) > summary")
            if disclosure.count() == 1:
                disclosure.click()
            if table.count() != 1 or not table.is_visible() or not re.search(r"\d", table.inner_text()):
                problems.append(f"chart {chart}: no visible table of figures without JavaScript")
        return problems
    finally:
        tab.close()


def follow_quote_link(tab) -> list[str]:
    """A record's "see it in the source" link lands on the source page, on the quote's anchor."""
    link = tab.locator('.record-quote a[href*="#q-"]').first
    record_id = link.evaluate("a => a.closest('.record').id")
    link.locator("xpath=ancestor::details[1]/summary").click()  # the link sits in a closed <details>
    link.click()
    tab.wait_for_load_state("load")
    landed = urlsplit(tab.url)
    if not re.fullmatch(r"(/en)?/sources/[^/]+/", landed.path) or landed.fragment != f"q-{record_id}":
        return [f"quote link of {record_id} landed on {tab.url}"]
    targeted = tab.evaluate(
        "id => document.getElementById(id) !== null"
        " && document.querySelector(':target') === document.getElementById(id)",
        f"q-{record_id}",
    )
    return [] if targeted else [f"no #q-{record_id} target on {landed.path}"]


def follow_language_switch(tab, page, site) -> list[str]:
    """The language switch leads to the same page in the other language."""
    tab.locator("a.lang-switch").click()
    tab.wait_for_load_state("load")
    problems = []
    landed = urlsplit(tab.url).path
    expected = "/" + page.counterpart.removesuffix("index.html")
    if (site / page.counterpart).is_file() and landed != expected:
        problems.append(f"language switch landed on {landed}, expected {expected}")
    lang = tab.get_attribute("html", "lang") or ""
    if not lang.startswith(OTHER_LANG[page.lang]):
        problems.append(f"language switch landed on a page in {lang!r}")
    return problems


def check_links(context, base_url: str, page, site) -> list[str]:
    """Follow the page's first quote link (where it shows records), come back, then switch language."""
    tab, watch = open_page(context, base_url, page.url)
    try:
        problems = []
        if tab.locator('.record-quote a[href*="#q-"]').count():
            problems += follow_quote_link(tab)
            tab.go_back(wait_until="load")
        if tab.locator("a.lang-switch").count():
            problems += follow_language_switch(tab, page, site)
        elif not page.is_embed:  # an embed shows its chart and nothing else
            problems.append("no language switch")
        return watch.problems + problems
    finally:
        tab.close()


def test_every_page_type_is_found(real_site):
    """The discovery finds at least these page types, in both languages: the change log's months and their later pages too."""
    kinds = set(representatives(real_site))
    for lang in LANGS:
        assert {
            (lang, k)
            for k in ("home", "about", "topics/*", "districts/*", "sources/*", "changes", "changes/*", "changes/*/*")
        } <= kinds
    assert ("zh", "404") in kinds


def test_chosen_pages_have_charts_and_quote_links_to_check(real_site):
    """Guards the tests below against passing because the chosen pages had nothing to check."""
    for lang in LANGS:
        pages = pages_in(real_site, lang)
        # The home page shows its figures in tables; topic pages and embeds draw the charts.
        assert chart_count(real_site, pages["topics/*"]) > 0 and chart_count(real_site, pages["embed/*"]) > 0
        for kind in ("topics/*", "districts/*"):
            assert "#q-" in (real_site / pages[kind].file).read_text(encoding="utf-8")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_every_page_type_loads_cleanly_and_draws_its_charts(page_visits, real_site, lang, width):
    """No console error, no failed request, no request to another host; every chart drawn."""
    assert problems_by_page(real_site, lang, lambda page: list(page_visits.of(page.url, width).problems)) == {}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_without_javascript_every_chart_is_a_table(browser_contexts, real_server, real_site, lang, width):
    context = browser_contexts.get(width, javascript=False)
    assert (
        problems_by_page(real_site, lang, lambda page: check_page_without_javascript(context, real_server.url, page))
        == {}
    )


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_quote_links_and_language_switch_work(browser_contexts, real_server, real_site, lang, width):
    context = browser_contexts.get(width)
    assert problems_by_page(real_site, lang, lambda page: check_links(context, real_server.url, page, real_site)) == {}


def test_the_real_csp_blocks_inline_scripts_and_plotly_still_draws(browser_contexts, real_server, real_site):
    """Served with netlify.toml's headers, the page refuses an inline script, and its charts draw.

    Seen to fail: with 'unsafe-inline' added to script-src the injected script ran.
    """
    page = pages_in(real_site, "zh")["topics/*"]
    tab, watch = open_page(browser_contexts.get(1280), real_server.url, page.url)
    try:
        tab.evaluate("""() => {
            const script = document.createElement('script');
            script.textContent = 'window.inlineScriptRan = true';
            document.body.appendChild(script);
        }""")
        assert tab.evaluate("window.inlineScriptRan") is None
        refusals = [p for p in watch.problems if "Content Security Policy" in p]
        assert len(refusals) == 1, watch.problems
        assert draw_charts(tab) == []
        assert tab.locator(".chart-plot[data-drawn=true]:has(svg.main-svg)").count() == chart_count(real_site, page)
        # Only the refusal provoked above: plotly.js itself needs no inline script and no eval.
        assert watch.problems == refusals
    finally:
        tab.close()
