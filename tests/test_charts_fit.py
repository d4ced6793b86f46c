"""Charts fit on every screen, in both languages, and embeds do not jump: measured in Chromium.

Every page with a chart (home, topic and embed pages, zh and en) is laid out at
320, 360, 390 and 1280 pixels; no chart text (tick, bar and district labels,
"not stated" notes, the unit) may fall outside its figure or the screen, nor
overlap another. A sample of interactive charts (every kind, both languages) is
drawn by plotly.js and checked the same way. Each embed's first height (the
embed code's) is within 15 % of the height its page settles at.

Seen to fail: with the tick labels of before and their fixed 64-px margin ("10,000
people" outside its figure at 320 px), with the left margin fixed at 20 px, with
district names unwrapped ("Yuexiu District" over "Haizhu District" at 320 px). The
embed code's old fixed height of 560 px is 31 % above the 426 px an embed settles at.
"""

import html
import re

import pytest
from browser import draw_charts, open_page
from site_pages import chart_count, site_pages

WIDTHS = (320, 360, 390, 1280)
EMBED_WIDTHS = (360, 1200)
# The pages of the two longest tests are checked in this many parts, each part a test of its own, so
# that the workers of a parallel run share them (every page is still checked, in one part).
PARTS = 3
EMBED_TOLERANCE = 0.15

# Each visible text of the selected kind, checked against its figure, the screen and its neighbours.
FIT_CHECK = """(selector) => {
  const screen = document.documentElement.clientWidth;
  const problems = [];
  const slack = 0.5;
  document.querySelectorAll('figure.chart').forEach(figure => {
    const box = figure.getBoundingClientRect();
    const boxes = [];
    figure.querySelectorAll(selector).forEach(text => {
      const r = text.getBoundingClientRect();
      if (!text.textContent.trim() || (r.width === 0 && r.height === 0)) return;
      const what = `${figure.id}: "${text.textContent}"`;
      if (r.left < box.left - slack || r.right > box.right + slack || r.top < box.top - slack
          || r.bottom > box.bottom + slack) {
        problems.push(`${what} outside its figure (${Math.round(r.left)}–${Math.round(r.right)} of `
                      + `${Math.round(box.left)}–${Math.round(box.right)})`);
      } else if (r.left < -slack || r.right > screen + slack) {
        problems.push(`${what} outside the screen`);
      }
      boxes.forEach(([other, o]) => {
        const across = Math.min(r.right, o.right) - Math.max(r.left, o.left);
        const down = Math.min(r.bottom, o.bottom) - Math.max(r.top, o.top);
        if (across > 1 && down > 1) problems.push(`${what} overlaps "${other}"`);
      });
      boxes.push([text.textContent, r]);
    });
  });
  return problems;
}"""
STATIC_TEXT = "svg.chart-static text"
PLOTLY_TEXT = ".chart-plot svg.main-svg text"


def chart_pages(site, lang: str) -> list[str]:
    """The URLs of every page of a language that shows a chart."""
    return [page.url for page in site_pages(site) if page.lang == lang and chart_count(site, page)]


def embed_heights(site) -> dict[str, int]:
    """Embed page URL → the height its embed code gives the iframe, from the share boxes of topic pages."""
    heights = {}
    for page in site_pages(site):
        text = (site / page.file).read_text(encoding="utf-8")
        for code in re.findall(r'<textarea id="embed-[^"]+" class="embed-code"[^>]*>(.*?)</textarea>', text, re.S):
            code = html.unescape(code)
            src = re.search(r'<iframe src="https?://[^/"]+([^"]+)"', code).group(1)
            heights[src] = int(re.search(r'height="(\d+)"', code).group(1))
    return heights


@pytest.mark.parametrize("part", range(PARTS))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_static_chart_text_is_cut_off_or_overlaps(browser_contexts, real_server, real_site, lang, part):
    """The SVG drawn at build time: what every reader sees first, and all a reader without JavaScript sees."""
    urls = chart_pages(real_site, lang)
    assert len(urls) > 40  # home, every topic, every embed
    context = browser_contexts.get(WIDTHS[0], javascript=False)
    problems = []
    for url in urls[part::PARTS]:
        tab, watch = open_page(context, real_server.url, url)
        try:
            for width in WIDTHS:
                tab.set_viewport_size({"width": width, "height": 800})
                problems += [f"{url} at {width} px: {p}" for p in tab.evaluate(FIT_CHECK, STATIC_TEXT)]
            problems += watch.problems
        finally:
            tab.close()
    assert problems == []


INTERACTIVE_SAMPLE = {
    # the longest tick and bar labels, a result beside a target in one slot, a count of items, a topic page
    "zh": ["/embed/fai-total/", "/embed/quality-projects-attracted/", "/embed/ai--items/", "/topics/employment/"],
    "en": [
        "/en/embed/new-urban-jobs/",
        "/en/embed/fai-growth/",
        "/en/embed/water-facility-upgrade-households/",
        "/en/embed/quality-projects-attracted/",
        "/en/embed/ai--items/",
        "/en/topics/investment/",
    ],
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_interactive_chart_text_is_cut_off_and_fonts_match_the_static_chart(
    browser_contexts, real_server, real_site, lang
):
    problems = []
    for width in (320, 360, 1280):
        context = browser_contexts.get(width)
        for url in INTERACTIVE_SAMPLE[lang]:
            assert (real_site / url.lstrip("/") / "index.html").is_file(), url
            tab, watch = open_page(context, real_server.url, url)
            try:
                static_sizes = set(
                    tab.eval_on_selector_all(STATIC_TEXT, "texts => texts.map(t => getComputedStyle(t).fontSize)")
                )
                problems += draw_charts(tab)
                where = f"{url} at {width} px"
                problems += [f"{where}: {p}" for p in tab.evaluate(FIT_CHECK, PLOTLY_TEXT)]
                drawn_sizes = set(
                    tab.eval_on_selector_all(
                        ".chart-plot svg.main-svg :is(.xtick text, .ytick text, text.bartext, text.annotation-text)",
                        "texts => texts.map(t => getComputedStyle(t).fontSize)",
                    )
                )
                if static_sizes != {"12px"} or drawn_sizes != {"12px"}:
                    problems.append(f"{where}: font sizes {static_sizes} static, {drawn_sizes} interactive")
                problems += watch.problems
            finally:
                tab.close()
    assert problems == []


@pytest.mark.parametrize("part", range(PARTS))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_embed_starts_within_15_percent_of_the_height_it_settles_at(
    browser_contexts, real_server, real_site, lang, part
):
    first = {
        url: height for url, height in embed_heights(real_site).items() if url.startswith("/en/") == (lang == "en")
    }
    # Every embed whose code is published (a topic's count of items is not, where the topic has metric charts).
    embeds = [url for url in chart_pages(real_site, lang) if "/embed/" in url and url in first]
    assert len(embeds) >= 30
    problems = []
    for width in EMBED_WIDTHS:
        context = browser_contexts.get(width, javascript=False)
        for url in embeds[part::PARTS]:
            tab, _ = open_page(context, real_server.url, url)
            try:
                settled = tab.evaluate("Math.ceil(document.documentElement.getBoundingClientRect().height)")
            finally:
                tab.close()
            if abs(first[url] - settled) > EMBED_TOLERANCE * settled:
                problems.append(f"{url} at {width} px: starts at {first[url]} px, settles at {settled} px")
    assert problems == []
