"""Count charts say everything: every district's row carries its counts or "not stated" (never a blank
row), the legend lists only the series drawn, and every count is readable against what is behind it, in
the light and the dark scheme. Checked in the figures, the static SVGs and, in Chromium, the drawn charts.
And chart labels break between words: a Chinese label only where its string chooses, never inside a word.

Seen to fail: with the counts drawn only inside bars (Liwan's row on /topics/low-altitude/ was empty);
with every kind drawn whatever the counts (a "结果" swatch on /topics/ai/, where no district has a
result); with a hatched bar's count on the hatch (1.7:1 against the dark scheme's orange lines); with
"所引文件未提及" broken between any two characters ("所引文件未提/及").
"""

import html
import json
import re

import pytest
import yaml
from browser import draw_charts, open_page
from site_pages import site_pages
from test_dark_mode import luminance

from pipeline.charts import ITEM_LABEL, ITEM_PATCH, ITEM_STYLE
from pipeline.palette import DARK
from pipeline.paths import ROOT
from pipeline.text_metrics import BREAK, wrap

UI = yaml.safe_load((ROOT / "content" / "ui.yaml").read_text(encoding="utf-8"))
FIGURE = re.compile(r'<script type="application/json" id="chart-data-([^"]+)">(.*?)</script>', re.S)
LEGEND = re.compile(r'<figure class="chart" id="chart-([^"]+)">.*?<ul class="chart-legend">(.*?)</ul>', re.S)
WCAG_AA = 4.5

# Per row of each horizontal chart drawn on the page: the row's name and every text drawn across the row
# (counts, notes), told apart by where they are. Static: names are the text anchored at the end, left
# of the plot; drawn: Plotly's y tick labels. Tick labels of the x axis lie below every row.
ROW_TEXTS = """([plotSelector, names, texts]) => {
  const found = {};
  document.querySelectorAll(plotSelector).forEach(plot => {
    const id = plot.closest('.chart-plot').dataset.chart;
    const centre = el => { const r = el.getBoundingClientRect(); return (r.top + r.bottom) / 2; };
    const rows = [...plot.querySelectorAll(names)].map(el => ({name: el.textContent, y: centre(el), texts: []}));
    const gap = rows.length > 1 ? Math.abs(rows[1].y - rows[0].y) : 56;
    plot.querySelectorAll(texts).forEach(el => {
      if (!el.textContent.trim()) return;
      const row = rows.find(r => Math.abs(r.y - centre(el)) < gap / 2);
      if (row) row.texts.push(el.textContent);
    });
    found[id] = rows.sort((a, b) => a.y - b.y).map(r => [r.name, r.texts]);
  });
  return found;
}"""
STATIC = ("svg.chart-static", "text[text-anchor=end]", "text:not([text-anchor=end])")
DRAWN = (".plot-container", ".ytick text", "text.bartext, text.annotation-text")


def squeeze(text: str) -> str:
    """Text as compared across renderings: lines joined, spaces dropped (tspans lose them)."""
    return re.sub(r"[\s\u200b]+", "", html.unescape(text.replace("<br>", "")))


def figures(site, page) -> dict[str, dict]:
    text = (site / page.file).read_text(encoding="utf-8")
    return {chart_id: json.loads(body) for chart_id, body in FIGURE.findall(text)}


def expected_rows(figure: dict) -> list[tuple[str, list[str]]]:
    """Each row's name and what should be written across it, read from the figure: its nonzero counts,
    else its "not stated" note."""
    names = figure["layout"]["yaxis"]["categoryarray"]
    rows = []
    for r, name in enumerate(names):
        counts = [str(trace["x"][r]) for trace in figure["data"] if trace["x"][r]]
        notes = [
            note["text"] for note in figure["layout"]["annotations"] if note["y"] == name and "bgcolor" not in note
        ]
        rows.append((squeeze(name), sorted(squeeze(t) for t in counts + notes)))
    return rows


def count_chart_pages(site) -> list:
    """The topic pages that show a count chart, in both languages."""
    return [
        page
        for page in site_pages(site)
        if page.kind == "topics/*" and any(c.endswith("--items") for c in figures(site, page))
    ]


def test_every_row_of_every_count_chart_has_a_count_or_not_stated_in_its_figure(real_site):
    pages = count_chart_pages(real_site)
    assert len(pages) >= 20 and {p.file for p in pages} >= {"topics/low-altitude/index.html", "en/topics/ai/index.html"}
    for page in pages:
        for chart_id, figure in figures(real_site, page).items():
            if not chart_id.endswith("--items"):
                continue
            not_stated = squeeze(UI["not_stated"][page.lang])
            for name, texts in expected_rows(figure):
                assert texts, (page.file, chart_id, name)  # never a blank row
                counts = [t for t in texts if t.isdigit()]
                assert (texts == [not_stated]) is (not counts), (page.file, chart_id, name, texts)
                # each count is written once: in its bar, or on its patch
                written = [trace["text"][i] for trace in figure["data"] for i in range(len(trace["x"]))]
                written += [n["text"] for n in figure["layout"]["annotations"] if "bgcolor" in n]
                assert sorted(t for t in written if t) == sorted(str(v) for t in figure["data"] for v in t["x"] if v)


def test_liwan_has_no_low_altitude_record_and_its_row_says_so(real_site):
    figure = figures(real_site, next(p for p in site_pages(real_site) if p.file == "topics/low-altitude/index.html"))
    rows = dict(expected_rows(figure["low-altitude--items"]))
    assert rows["荔湾区"] == [squeeze(UI["not_stated"]["zh"])]
    assert all(texts and texts[0].isdigit() for name, texts in rows.items() if name != "荔湾区")


def test_legends_list_only_the_series_a_chart_draws(real_site):
    """In the figure, the page's legend list and the chart's SVG file, for every chart on every page."""
    checked = 0
    for page in site_pages(real_site):
        text = (real_site / page.file).read_text(encoding="utf-8")
        legends = {chart_id: re.findall(r"swatch-([\w-]+)", items) for chart_id, items in LEGEND.findall(text)}
        for chart_id, figure in figures(real_site, page).items():
            drawn = [t["meta"] for t in figure["data"] if any(t["x"] if t.get("orientation") == "h" else t["y"])]
            assert [t["meta"] for t in figure["data"]] == drawn, (page.file, chart_id)
            if chart_id in legends:
                assert legends[chart_id] == drawn, (page.file, chart_id)
            svg = (real_site / figure["svg_url"].lstrip("/")).read_text(encoding="utf-8")
            named = [name for name in (UI[f"item_legend_{k}"][page.lang] for k in ITEM_STYLE) if f">{name}<" in svg]
            if chart_id.endswith("--items"):
                assert named == [UI[f"item_legend_{k}"][page.lang] for k in drawn], (figure["svg_url"], named)
            checked += 1
    assert checked > 100
    ai = (real_site / "topics/ai/index.html").read_text(encoding="utf-8")
    assert "swatch-actual" not in dict(LEGEND.findall(ai))["ai--items"]


def test_no_two_series_of_a_chart_look_alike(real_site):
    """A target for the second half beside one for the year, or a result beside a target: each series has
    its own fill, outline and pattern, in the figure and in the legend's swatch."""
    for page in site_pages(real_site):
        text = (real_site / page.file).read_text(encoding="utf-8")
        legends = {chart_id: re.findall(r"swatch-([\w-]+)", items) for chart_id, items in LEGEND.findall(text)}
        for chart_id, figure in figures(real_site, page).items():
            looks = [json.dumps(trace["marker"], sort_keys=True) for trace in figure["data"]]
            assert len(set(looks)) == len(looks), (page.file, chart_id)
            if chart_id in legends:
                assert len(set(legends[chart_id])) == len(legends[chart_id]), (page.file, chart_id)
    css = (ROOT / "assets" / "style.css").read_text(encoding="utf-8")
    assert all(f".swatch-{kind} " in css for kind in ("target", "target-h2", "actual", "no-figure"))


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours, each '#rrggbb' or 'rgb(r, g, b)'."""
    rgb = [
        f"rgb{tuple(int(c.lstrip('#')[i : i + 2], 16) for i in (0, 2, 4))}" if c.startswith("#") else c for c in (a, b)
    ]
    high, low = sorted((luminance(c) for c in rgb), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_count_is_readable_against_its_bar_or_patch_in_the_palette(scheme):
    for kind, style in ITEM_STYLE.items():
        # a hatched bar has no one colour behind its count: the count must sit on a patch
        if style.get("pattern", {}).get("shape"):
            assert kind in ITEM_PATCH, kind
        behind = ITEM_PATCH.get(kind, style["color"])
        label = ITEM_LABEL[kind]
        if scheme == "dark":
            behind, label = DARK[behind], DARK[label]
        assert contrast(label, behind) >= WCAG_AA, (scheme, kind, label, behind)


# A drawn chart's counts, each with the colour behind it: its bar's fill, or its annotation's patch.
DRAWN_COUNTS = """() => {
  const pairs = [];
  document.querySelectorAll('.chart-items svg.main-svg').forEach(svg => {
    svg.querySelectorAll('.bars .point').forEach(point => {
      const text = point.querySelector('text.bartext');
      if (text && text.textContent.trim()) pairs.push([text.textContent, getComputedStyle(text).fill,
                                                      getComputedStyle(point.querySelector('path')).fill]);
    });
    svg.querySelectorAll('g.annotation').forEach(note => {
      const bg = note.querySelector('rect.bg');
      const text = note.querySelector('text.annotation-text');
      if (/^\\d+$/.test(text.textContent)) pairs.push([text.textContent, getComputedStyle(text).fill,
                                                      getComputedStyle(bg).fill]);
    });
  });
  return pairs;
}"""


# The static chart's counts, each with what is drawn just before it: its bar, or its patch.
STATIC_COUNTS = """() => [...document.querySelectorAll('.chart-items svg.chart-static text')]
  .filter(t => /^\\d+$/.test(t.textContent) && t.previousElementSibling
          && t.previousElementSibling.tagName === 'rect')
  .map(t => [t.textContent, getComputedStyle(t).fill, getComputedStyle(t.previousElementSibling).fill])"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_counts_are_readable_on_a_topic_page_static_and_drawn(chromium, real_server, scheme):
    context = chromium.new_context(viewport={"width": 390, "height": 800}, color_scheme=scheme)
    try:
        tab, watch = open_page(context, real_server.url, "/topics/low-altitude/")
        static = tab.evaluate(STATIC_COUNTS)
        assert draw_charts(tab) == []
        for pairs in (static, tab.evaluate(DRAWN_COUNTS)):
            assert sorted(text for text, _, _ in pairs) == ["1", "1", "2", "4"]
            low = [(text, fg, bg, round(contrast(fg, bg), 2)) for text, fg, bg in pairs if contrast(fg, bg) < WCAG_AA]
            assert low == [], scheme
        assert watch.problems == []
    finally:
        context.close()


@pytest.mark.parametrize("part", range(2))  # the pages in two parts, so that the workers of a parallel run share them
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_row_is_labelled_on_screen_in_the_static_and_the_drawn_chart(
    browser_contexts, real_server, real_site, lang, part
):
    """Every count chart of a topic page, as a reader without JavaScript sees it; and once Plotly has drawn it,
    every chart with a "not stated" row (its note is drawn apart from the bars: the rows of counts are drawn by
    the same code on every page, and that code is checked on these pages too)."""
    pages = [p for p in count_chart_pages(real_site) if p.lang == lang][part::2]
    expected = {
        page: {c: expected_rows(f) for c, f in figures(real_site, page).items() if c.endswith("--items")}
        for page in pages
    }
    with_a_note = [
        page for page in pages if any(not t.isdigit() for rows in expected[page].values() for _, ts in rows for t in ts)
    ]
    assert with_a_note
    problems = []
    for javascript, (plot, names, texts) in ((False, STATIC), (True, DRAWN)):
        for page in with_a_note if javascript else pages:
            url = "/" + page.file.removesuffix("index.html")
            tab, watch = open_page(browser_contexts.get(390, javascript=javascript), real_server.url, url)
            try:
                if javascript:
                    problems += draw_charts(tab)
                shown = tab.evaluate(ROW_TEXTS, [plot, names, texts])
                for chart_id, rows in expected[page].items():
                    seen = [(squeeze(name), sorted(squeeze(t) for t in found)) for name, found in shown[chart_id]]
                    where = f"{url} {chart_id} ({'drawn' if javascript else 'static'})"
                    problems += [f"{where}: {name}'s row is blank" for name, found in seen if not found]
                    if seen != rows:
                        problems.append(f"{where}: {seen} != {rows}")
                problems += watch.problems
            finally:
                tab.close()
    assert problems == []


def chosen_lines(text: str) -> set[str]:
    """The lines a label with chosen breaks may be set in: each run of its consecutive words."""
    words = text.split(BREAK)
    return {"".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1)}


def test_a_chinese_label_breaks_between_its_words_never_inside_one():
    not_stated = UI["not_stated"]["zh"]
    assert BREAK in not_stated
    for width in range(24, 100, 4):  # from two characters a line to the whole label
        lines = wrap(not_stated, width, 12)
        assert "".join(lines) == not_stated.replace(BREAK, "") and set(lines) <= chosen_lines(not_stated), width


def test_every_not_stated_note_of_every_chart_breaks_between_words(real_site):
    allowed = chosen_lines(UI["not_stated"]["zh"])
    notes = 0
    for page in site_pages(real_site):
        for chart_id, figure in figures(real_site, page).items():
            for note in figure["layout"]["annotations"]:
                lines = note["text"].split("<br>")
                if squeeze(note["text"]) != squeeze(UI["not_stated"][page.lang]):
                    continue
                notes += 1
                if page.lang == "zh":
                    assert set(lines) <= allowed, (page.file, chart_id, lines)
                else:  # English breaks at spaces only
                    assert " ".join(lines) == UI["not_stated"]["en"], (page.file, chart_id, lines)
    assert notes > 20


# The visible district names of the first comparison chart: each as drawn, with its number of lines.
SHOWN_NAMES = """([plotSelector, names, chart = '.chart-comparison']) => {
  const plot = document.querySelector(chart + ' ' + plotSelector);
  return [...plot.querySelectorAll('text')].filter(t => t.getBoundingClientRect().width > 0)
    .filter(t => names.some(n => t.textContent.replace(/\\s/g, '') === n.replace(/\\s/g, '')))
    .map(t => [t.textContent, Math.max(1, t.querySelectorAll('tspan[dy], tspan.line').length)]);
}"""
NAMES = {"zh": ["海珠区", "越秀区", "荔湾区"], "en": ["Haizhu District", "Yuexiu District", "Liwan District"]}


def test_english_district_names_are_on_one_line_where_they_fit_and_wrap_between_words_where_not(
    browser_contexts, real_server
):
    """/en/topics/gdp/ at 1280 px: "Haizhu District" on one line, in the static and the drawn chart;
    at 320 px, on two, broken at the space; the drawn chart follows the window from one to the other."""
    tab, watch = open_page(browser_contexts.get(1280), real_server.url, "/en/topics/gdp/")
    try:
        static = tab.evaluate(SHOWN_NAMES, ["svg.chart-static", NAMES["en"]])
        assert static == [[name, 1] for name in NAMES["en"]]
        assert draw_charts(tab) == []
        assert tab.evaluate(SHOWN_NAMES, [".plot-container", NAMES["en"]]) == [[name, 1] for name in NAMES["en"]]
        tab.set_viewport_size({"width": 320, "height": 800})
        tab.wait_for_function(
            "() => document.querySelector('.chart-comparison .xtick tspan.line') !== null", timeout=5_000
        )
        drawn = tab.evaluate(SHOWN_NAMES, [".plot-container", NAMES["en"]])
        assert [lines for _, lines in drawn] == [2, 2, 2]
        assert watch.problems == []
    finally:
        tab.close()
    tab, _ = open_page(browser_contexts.get(320, javascript=False), real_server.url, "/en/topics/gdp/")
    try:
        assert [lines for _, lines in tab.evaluate(SHOWN_NAMES, ["svg.chart-static", NAMES["en"]])] == [2, 2, 2]
    finally:
        tab.close()
    # A "not stated" note too, in a comparison and a count chart: on one line in a wide chart (an embed, as
    # wide as its frame; a topic page keeps each chart to one of two columns), between words in a narrow one.
    note = [UI["not_stated"]["en"]]
    for url, chart in (
        ("/en/embed/quality-projects-attracted/", ".chart-comparison"),
        ("/en/embed/low-altitude--items/", ".chart-items"),
    ):
        tab, _ = open_page(browser_contexts.get(1280, javascript=False), real_server.url, url)
        try:
            assert tab.evaluate(SHOWN_NAMES, ["svg.chart-static", note, chart]) == [[note[0], 1]], url
            tab.set_viewport_size({"width": 320, "height": 800})
            assert tab.evaluate(SHOWN_NAMES, ["svg.chart-static", note, chart])[0][1] > 1, url
        finally:
            tab.close()


def test_a_chart_file_sets_names_on_one_line_where_its_width_holds_them(real_site):
    """The chart's SVG file is 640 px wide: three districts' English names fit there on one line."""
    for path in ("en/data/charts/gdp-growth.svg", "en/data/charts/quality-projects-attracted.svg"):
        svg = (real_site / path).read_text(encoding="utf-8")
        assert all(f">{name}</text>" in svg for name in NAMES["en"]), path
        assert "Haizhu</tspan>" not in svg and 'class="n' not in svg and "@container" not in svg
