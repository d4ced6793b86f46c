"""Dark mode in Chromium: pages, embeds, static and interactive charts and the standalone SVG follow the
reader's colour scheme; an embed's ?theme=light|dark overrides it from the first frame; and axe-core finds
no contrast violation in the dark scheme on any page type in either language (test_accessibility.py
audits the light scheme).

Seen to fail: with charts.js drawing the figure's own colours (the drawn chart stayed white on a dark page);
with theme.js deferred (the first frame was drawn in the reader's scheme, then switched).
"""

import re

import pytest
import tinycss2
from browser import AXE_JS, draw_charts, open_page
from site_pages import representatives

from pipeline.palette import CHART_COLOURS, DARK
from pipeline.paths import ROOT

WIDTH = 1280
EMBED = "/en/embed/gdp-growth/"
TOPIC = "/topics/gdp/"
LIGHT_COLOURS = set(DARK)
# Installed before the page's scripts: the theme the first frame is drawn in.
FIRST_FRAME = "requestAnimationFrame(() => { window.themeAtFirstFrame = document.documentElement.dataset.theme; });"
ROOT_BACKGROUND = "getComputedStyle(document.documentElement).backgroundColor"


@pytest.fixture(scope="module")
def schemes(chromium):
    """A browser context for each colour scheme, at one width."""
    contexts = {
        scheme: chromium.new_context(viewport={"width": WIDTH, "height": 800}, color_scheme=scheme)
        for scheme in ("light", "dark")
    }
    for context in contexts.values():
        context.add_init_script(FIRST_FRAME)
    yield contexts
    for context in contexts.values():
        context.close()


def luminance(css_colour: str) -> float:
    """The relative luminance (WCAG) of a computed colour such as 'rgb(22, 24, 28)'."""
    channels = [int(c) / 255 for c in re.findall(r"\d+", css_colour)[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _rgb(hex_colour: str) -> str:
    """'#16181c' or '#fff' as 'rgb(22, 24, 28)'."""
    digits = hex_colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return "rgb({}, {}, {})".format(*(int(digits[i : i + 2], 16) for i in (0, 2, 4)))


def is_dark(css_colour: str) -> bool:
    return luminance(css_colour) < 0.05


def is_light(css_colour: str) -> bool:
    return luminance(css_colour) > 0.6


def open_in(schemes, real_server, scheme: str, url: str):
    """A new tab on url in the given scheme; returns (page, watch)."""
    return open_page(schemes[scheme], real_server.url, url)


@pytest.mark.parametrize("url", [TOPIC, EMBED])
def test_a_page_and_an_embed_follow_the_readers_scheme(schemes, real_server, url):
    found = {}
    for scheme in ("light", "dark"):
        tab, watch = open_in(schemes, real_server, scheme, url)
        try:
            found[scheme] = (tab.evaluate(ROOT_BACKGROUND), tab.evaluate("getComputedStyle(document.body).color"))
            assert watch.problems == []
        finally:
            tab.close()
    assert is_light(found["light"][0]) and is_dark(found["light"][1]), found
    assert is_dark(found["dark"][0]) and is_light(found["dark"][1]), found


@pytest.mark.parametrize(
    "scheme, theme, check",
    [("light", "dark", is_dark), ("dark", "light", is_light), ("dark", "dark", is_dark), ("light", "purple", is_light)],
)
def test_theme_in_an_embeds_address_forces_its_look_from_the_first_frame(schemes, real_server, scheme, theme, check):
    tab, watch = open_in(schemes, real_server, scheme, f"{EMBED}?theme={theme}")
    try:
        assert check(tab.evaluate(ROOT_BACKGROUND))
        assert check(tab.locator(".chart-static").evaluate("svg => getComputedStyle(svg.querySelector('rect')).fill"))
        forced = theme if theme in ("light", "dark") else None
        tab.wait_for_function("() => 'themeAtFirstFrame' in window")  # a loaded machine may draw the frame late
        assert tab.evaluate("window.themeAtFirstFrame") == forced
        assert watch.problems == []
    finally:
        tab.close()


def test_the_static_chart_takes_the_dark_palette_and_its_hatching_shows(schemes, real_server):
    tab, _ = open_in(schemes, real_server, "dark", TOPIC)
    try:
        # Every colour attribute chart_svg.py writes is restyled: none shows as written.
        kept = tab.evaluate("""() => [...document.querySelectorAll('.chart-static, .chart-static *')].flatMap(el =>
            ['fill', 'stroke'].filter(name => /^#/.test(el.getAttribute(name) || '')).map(name => {
              const probe = document.createElement('i');
              probe.style.color = el.getAttribute(name);
              document.body.append(probe);
              const written = getComputedStyle(probe).color;
              probe.remove();
              return getComputedStyle(el)[name] === written ? el.tagName + ' ' + name + '=' + written : null;
            })).filter(Boolean)""")
        assert kept == []
        hatch = tab.evaluate("""() => { const p = document.querySelector('.chart-static pattern');
            return [getComputedStyle(p.querySelector('rect')).fill, getComputedStyle(p.querySelector('line')).stroke]; }""")
        assert is_dark(hatch[0]) and luminance(hatch[1]) > 0.3, hatch
    finally:
        tab.close()


def test_a_chart_drawn_in_the_dark_is_dark_and_follows_a_change_of_scheme(chromium, real_server):
    context = chromium.new_context(viewport={"width": WIDTH, "height": 800}, color_scheme="dark")
    try:
        tab, watch = open_page(context, real_server.url, TOPIC)
        assert draw_charts(tab) == []
        colours = """plot => { const layout = plot._fullLayout;
            return {paper: layout.paper_bgcolor, plot: layout.plot_bgcolor, font: layout.font.color,
                    grid: layout.yaxis.gridcolor, zeroline: layout.yaxis.zerolinecolor,
                    bars: plot._fullData.flatMap(t => [t.marker.color, t.marker.line.color, t.marker.pattern.fgcolor])
                                        .filter(Boolean),
                    hatch: plot._fullData.filter(t => t.marker.pattern.shape)
                                         .map(t => [t.marker.color, t.marker.pattern.fgcolor])[0]}; }"""
        plot = tab.locator(".chart-plot[data-chart=gdp-growth]")
        dark = plot.evaluate(colours)
        assert dark["paper"] == dark["plot"] and is_dark(_rgb(dark["paper"])) and is_light(_rgb(dark["font"])), dark
        left = {name: value for name, value in dark.items() if isinstance(value, str) and value in LIGHT_COLOURS}
        assert left == {} and not LIGHT_COLOURS & set(dark["bars"]), dark
        # The result bars' hatching: light stripes on the dark paper.
        assert is_dark(_rgb(dark["hatch"][0])) and luminance(_rgb(dark["hatch"][1])) > 0.3, dark
        assert tab.locator(".chart-plot[data-chart=gdp-growth] svg.main-svg pattern path").count() > 0
        tab.emulate_media(color_scheme="light")
        tab.wait_for_function(
            "plot => plot._fullLayout.paper_bgcolor === '#fff'", arg=plot.element_handle(), timeout=5_000
        )
        assert watch.problems == []
    finally:
        context.close()


@pytest.mark.parametrize("svg", ["/data/charts/gdp-growth.svg", "/en/data/charts/gdp-growth.svg"])
def test_the_standalone_svg_has_dark_rules(schemes, real_server, svg):
    backgrounds = {}
    for scheme in ("light", "dark"):
        tab = schemes[scheme].new_page()
        try:
            tab.goto(real_server.url + svg)
            backgrounds[scheme] = tab.evaluate("""() => [getComputedStyle(document.querySelector('svg > rect')).fill,
                                                        getComputedStyle(document.querySelector('svg > text')).fill]""")
        finally:
            tab.close()
    assert is_light(backgrounds["light"][0]) and is_dark(backgrounds["light"][1]), backgrounds
    assert is_dark(backgrounds["dark"][0]) and is_light(backgrounds["dark"][1]), backgrounds


def _custom_properties(rules, select) -> dict[str, dict[str, str]]:
    """Each style rule's custom properties by selector, for the rules `select` accepts (given the @media text)."""
    found = {}

    def walk(rules, media):
        for rule in rules:
            if rule.type == "at-rule" and rule.lower_at_keyword == "media":
                walk(
                    tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True),
                    tinycss2.serialize(rule.prelude).strip(),
                )
            elif rule.type == "qualified-rule" and select(media, tinycss2.serialize(rule.prelude).strip()):
                declarations = tinycss2.parse_declaration_list(rule.content, skip_comments=True, skip_whitespace=True)
                found[(media, tinycss2.serialize(rule.prelude).strip())] = {
                    d.name: tinycss2.serialize(d.value).strip().lower()
                    for d in declarations
                    if d.type == "declaration" and d.name.startswith("--")
                }

    walk(rules, "")
    return found


def _long_hex(colour: str) -> str:
    return "#" + "".join(d * 2 for d in colour[1:]) if len(colour) == 4 else colour


def test_style_css_and_charts_js_hold_the_palette_of_pipeline_palette():
    """The chart colours are defined once (pipeline/palette.py): style.css's custom properties hold each
    light and dark value under the colour's name, and charts.js maps each light value to that property."""
    rules = tinycss2.parse_stylesheet(
        (ROOT / "assets" / "style.css").read_text(encoding="utf-8"), skip_comments=True, skip_whitespace=True
    )
    light = _custom_properties(rules, lambda media, selector: not media and selector == ":root")[("", ":root")]
    dark = list(_custom_properties(rules, lambda media, selector: "dark" in media + selector).values())
    assert len(dark) == 2 and dark[0] == dark[1]  # the scheme's and ?theme=dark's
    for name, colour in CHART_COLOURS.items():
        assert (_long_hex(light[f"--{name}"]), _long_hex(dark[0][f"--{name}"])) == colour, name
    script = (ROOT / "assets" / "charts.js").read_text(encoding="utf-8")
    mapped = dict(
        re.findall(r'"(#[0-9a-f]{6})": "--([a-z-]+)"', re.search(r"var PALETTE = \{(.*?)\};", script, re.S)[1])
    )
    assert mapped == {colour.light: name for name, colour in CHART_COLOURS.items()}


AXE_CONTRAST = (
    "() => axe.run(document, {runOnly: {type: 'rule', values: ['color-contrast']}})"
    ".then(r => r.violations.flatMap(v => v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)))"
)


def contrast_violations(tab) -> list[str]:
    """What axe-core's color-contrast rule finds on the page, one line per element."""
    tab.evaluate(AXE_JS.read_text(encoding="utf-8"))
    return tab.evaluate(AXE_CONTRAST)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_contrast_violations_in_the_dark_on_any_page_type(schemes, real_server, real_site, lang):
    found = {}
    for (page_lang, kind), page in representatives(real_site).items():
        if page_lang != lang:
            continue
        tab, _ = open_in(schemes, real_server, "dark", page.url)
        try:
            # Quotes, embed code and an embed's table too: what a tap opens is audited as well.
            tab.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
            violations = contrast_violations(tab)
            if violations:
                found[f"{kind} {page.url}"] = violations
        finally:
            tab.close()
    assert found == {}


def test_the_contrast_audit_fails_on_faint_text_in_the_dark(schemes):
    tab = schemes["dark"].new_page()
    try:
        tab.set_content(
            '<!doctype html><html lang="en"><head><title>x</title></head>'
            '<body style="background:#16181c"><main><p style="color:#555">faint</p></main></body></html>'
        )
        assert contrast_violations(tab) != []
    finally:
        tab.close()
