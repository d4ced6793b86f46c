"""A reader's first minute, in a real Chromium: the headline figures at a glance on a phone and a desktop,
every page type fitting a phone of 320 and 390 px; and English pages in English.

Seen to fail: with the home page's six full-width charts (as it was), the jobs figures came some five
phone screens down and the first desktop screen showed GDP alone; with the about page's table in a plain
box, its first column scrolled away and no cue said it scrolled; the home page's coverage table was wider
than a 320-px phone.
"""

import re

import pytest
import yaml
from browser import open_page
from site_pages import representatives, site_pages

from pipeline.paths import ROOT

HEADLINE_TOPICS = ["gdp", "investment", "fiscal", "employment"]
STANDING_TOPICS = ["ai", "low-altitude"]
PHONE, PHONE_SCREEN = 390, 844
DESKTOP, DESKTOP_SCREEN = 1280, 800

# Each of the table's cells: its topic (from its row's link), its text, and how far down the page it ends.
CELLS = """table => [...table.querySelectorAll("tbody tr")].flatMap(row => {
  const topic = row.querySelector("th a").getAttribute("href").split("/topics/")[1].split("/")[0];
  return [...row.querySelectorAll("td")].map(cell => ({
    topic, text: cell.innerText.trim(), bottom: cell.getBoundingClientRect().bottom + scrollY,
    width: cell.getBoundingClientRect().width }));
})"""


@pytest.mark.parametrize("prefix", ["/", "/en/"])
@pytest.mark.parametrize(
    "width, headline_limit, standing_limit",
    [(PHONE, 2 * PHONE_SCREEN, 3 * PHONE_SCREEN), (DESKTOP, DESKTOP_SCREEN, 2 * DESKTOP_SCREEN)],
)
def test_every_districts_headline_figures_are_on_the_first_screens(
    browser_contexts, real_server, prefix, width, headline_limit, standing_limit
):
    tab, watch = open_page(browser_contexts.get(width), real_server.url, prefix)
    try:
        tables = tab.locator("table.glance")
        headline, standing = tables.nth(0).evaluate(CELLS), tables.nth(1).evaluate(CELLS)
        assert [c["topic"] for c in headline if c["topic"] not in HEADLINE_TOPICS] == []
        assert sorted({c["topic"] for c in headline}) == sorted(HEADLINE_TOPICS)
        assert sorted({c["topic"] for c in standing}) == sorted(STANDING_TOPICS)
        districts = tab.locator("table.glance").nth(0).locator("thead th").count()
        assert districts == 3 and len(headline) % districts == 0 and len(standing) == 2 * districts
        for cell in headline + standing:
            assert cell["text"] and cell["width"] > 0, cell  # a figure, a count, or "not stated": never blank
        assert max(c["bottom"] for c in headline) <= headline_limit
        assert max(c["bottom"] for c in standing) <= standing_limit
        assert watch.problems == []
    finally:
        tab.close()


def test_a_first_half_result_and_not_stated_never_look_like_a_target(browser_contexts, real_server):
    tab, _ = open_page(browser_contexts.get(PHONE), real_server.url, "/")
    try:
        table = tab.locator("table.glance").first
        targets, results = table.locator("a.glance-figure.target"), table.locator("a.glance-figure.actual")
        assert targets.count() > 0 and results.count() > 0
        assert all("全年目标" in text for text in targets.all_inner_texts())
        assert all("上半年结果" in text for text in results.all_inner_texts())

        def bar(figures):
            return figures.first.locator(".glance-bar").evaluate("b => getComputedStyle(b).backgroundImage")

        assert bar(targets) == "none" and "gradient" in bar(results)  # solid against hatched
        silent = table.locator("td:has(.not-stated)")
        assert silent.count() > 0
        assert silent.locator(".glance-bar").count() == 0 and "未提及" in silent.first.inner_text()
    finally:
        tab.close()


# Where each element is wider than the screen, unless it is inside a box that scrolls and fits the screen.
OVERFLOW = """() => {
  const screen = document.documentElement.clientWidth;
  const scroller = el => { for (let p = el.parentElement; p; p = p.parentElement) {
    if (["auto", "scroll"].includes(getComputedStyle(p).overflowX)) return p; } return null; };
  const wide = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || el.matches(".skip")) continue;  // the skip link waits off-screen for focus
    if (box.right <= screen + 1 && box.left >= -1) continue;
    const own = scroller(el);
    if (own && own.getBoundingClientRect().right <= screen + 1) continue;
    wide.push(`${el.tagName.toLowerCase()}.${el.className} (${Math.round(box.right)} px)`);
  }
  const scrolling = [...document.querySelectorAll(".table-scroll")].filter(s => s.scrollWidth > s.clientWidth + 1);
  const unmarked = scrolling.flatMap(s => {
    const sticky = [...s.querySelectorAll("tr > :first-child")].every(c => getComputedStyle(c).position === "sticky");
    const shadow = getComputedStyle(s).backgroundImage.includes("gradient");
    const hint = s.previousElementSibling && s.previousElementSibling.matches(".scroll-hint")
      && s.previousElementSibling.offsetHeight > 0;
    return sticky && shadow && hint ? [] : [`a table scrolls without a cue or a sticky first column`];
  });
  // A cell of Chinese text narrower than two characters sets its words one character a line.
  const squeezed = [...document.querySelectorAll("th, td")].filter(c => {
    const style = getComputedStyle(c);
    const inner = c.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return c.offsetParent && c.textContent.trim().length > 1 && inner < 1.9 * parseFloat(style.fontSize);
  }).map(c => `a cell one character wide: ${c.textContent.trim().slice(0, 12)}`);
  return wide.concat(unmarked, squeezed);
}"""


def phone_pages(site) -> list[str]:
    """One page of every page type in each language, and every topic page with a table of facets."""
    chosen = {page.url for page in representatives(site).values()}
    faceted = {
        page.url
        for page in site_pages(site)
        if page.kind == "topics/*" and 'class="coverage facets' in (site / page.file).read_text(encoding="utf-8")
    }
    return sorted(chosen | faceted)


PARTS = 2  # the pages in parts, so that the workers of a parallel run share them


@pytest.mark.parametrize("part", range(PARTS))
def test_every_page_type_fits_a_phone(browser_contexts, real_server, real_site, part):
    """At 320 and 390 px: each page loaded once, then narrowed."""
    found = {}
    for url in phone_pages(real_site)[part::PARTS]:
        tab, _ = open_page(browser_contexts.get(390), real_server.url, url)
        try:
            for width in (390, 320):
                tab.set_viewport_size({"width": width, "height": 800})
                problems = tab.evaluate(OVERFLOW)
                if problems:
                    found[f"{url} at {width} px"] = problems[:5]
        finally:
            tab.close()
    assert found == {}


def test_english_interface_strings_use_typographic_apostrophes_and_dashes():
    ui = yaml.safe_load((ROOT / "content/ui.yaml").read_text(encoding="utf-8"))
    careless = {key: v["en"] for key, v in ui.items() if re.search(r"[A-Za-z]'|'[A-Za-z]| - ", v["en"])}
    assert careless == {}


def test_english_pages_name_lead_units_in_english_beside_the_chinese(real_site):
    html = (real_site / "en/districts/haizhu/index.html").read_text(encoding="utf-8")
    shown = re.findall(r'<span data-units="([^"]+)">(.*?)</span></p>', html)
    assert len(shown) > 50
    for units, text in shown:
        for unit in units.split("|"):
            # "District Development and Reform Bureau (<span lang="zh-Hans">区发改局</span>)"
            assert re.search(rf'[A-Z][A-Za-z ,–-]+ \(<span lang="zh-Hans">{unit}</span>\)', text), text
    options = re.findall(r'<option value="(区[^"]*|[^"]*街|琶洲管委会)" data-label="([^"]*)"', html)
    assert options and all(label.endswith(f"({unit})") and re.match(r"[A-Z]", label) for unit, label in options)
    assert html.count('class="translation-note"') == 1
    assert 'class="translation-note"' not in (real_site / "districts/haizhu/index.html").read_text(encoding="utf-8")


def test_a_topics_charts_come_in_the_order_of_metrics_yaml(real_site):
    """Investment opens with investment's growth, not with its count of "storm the fortress" projects."""
    order = [m["id"] for m in yaml.safe_load((ROOT / "data/metrics.yaml").read_text(encoding="utf-8"))]
    for prefix in ("", "en/"):
        html = (real_site / f"{prefix}topics/investment/index.html").read_text(encoding="utf-8")
        shown = re.findall(r'<div class="chart-plot[^"]*" data-chart="([^"]+)"', html)
        assert len(shown) >= 2 and shown == sorted(shown, key=order.index)
        assert shown[0] == "fai-growth"
