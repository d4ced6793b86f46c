"""The PNG images made at build time: a PNG of every chart, in both languages, the same drawing as its SVG
file in the pinned fonts (English in Noto Sans, bold titles included, Chinese in Noto Sans SC); a preview
card named by every page (og:image); the cache that draws each once, kept between Netlify's builds."""

import html
import io
import re
import tomllib
import unicodedata
from pathlib import Path

import numpy as np
from fontTools.ttLib import TTFont
from PIL import Image

from pipeline.builder import site_url
from pipeline.paths import ROOT
from pipeline.png_images import (
    CJK_FONT_FILE,
    LATIN_FONT_FILE,
    SCALE,
    cached_path,
    draw_png,
    image_cache,
    latin_font_characters,
    png_of,
    png_size,
    svg_fonts,
)
from pipeline.text_metrics import BREAK, text_width

PNG_MIN_WIDTH = 1200
MEAN_DIFFERENCE_MAX = 3.0  # of 255, per channel over the whole image: anti-aliasing apart, the same drawing
COMPARED = ("data/charts/gdp-growth", "en/data/charts/fai-total")  # Chinese text; English with "not stated"


def chart_files(site: Path) -> list[Path]:
    """Every chart's SVG file, in both languages."""
    return sorted([*(site / "data" / "charts").glob("*.svg"), *(site / "en" / "data" / "charts").glob("*.svg")])


def test_every_chart_has_a_png_of_its_svg_at_least_1200_pixels_wide_in_both_languages(real_site):
    svgs = chart_files(real_site)
    assert len(svgs) >= 80 and any(p.parts[-4] == "en" for p in svgs)
    for svg in svgs:
        png = svg.with_suffix(".png")
        assert png.is_file(), png
        width, height = png_size(png.read_bytes())
        drawn = re.match(r'<svg [^>]*width="(\d+)" height="(\d+)"', svg.read_text(encoding="utf-8"))
        assert width >= PNG_MIN_WIDTH and (width, height) == (int(drawn[1]) * SCALE, int(drawn[2]) * SCALE), png


def _lines(svg: Path) -> list[tuple[str, bool, str]]:
    """Each line of text of a chart's SVG file: its text, whether it is bold, and the families it names
    first ("en" the Latin font then the CJK one, "zh" the CJK one alone)."""
    lang = "en" if svg.parts[-4] == "en" else "zh"
    lines = []
    for attributes, content in re.findall(r"<text((?: [^>]*)?)>(.*?)</text>", svg.read_text(encoding="utf-8"), re.S):
        fonts = "zh" if lang == "zh" or "font-family=" in attributes else "en"
        bold = 'font-weight="700"' in attributes
        lines += [(html.unescape(text), bold, fonts) for text in re.findall(r"(?:^|>)([^<>]+)(?:<|$)", content)]
    return lines


def _drawn(text: str) -> set[str]:
    # A break point (U+200B) and spaces draw nothing; every other character needs its glyph.
    return {ch for ch in text if ch != BREAK and not ch.isspace() and unicodedata.category(ch) != "Cf"}


def test_the_fonts_hold_every_character_of_every_chart_in_both_languages(real_site):
    cjk = TTFont(CJK_FONT_FILE, lazy=True).getBestCmap()
    latin = TTFont(LATIN_FONT_FILE, lazy=True).getBestCmap()
    assert latin_font_characters() == set(latin)  # the build's own reading of the Latin font's map
    drawn, in_latin_font = set(), set()
    for svg in chart_files(real_site):
        for text, _, fonts in _lines(svg):
            drawn |= _drawn(text)
            if fonts == "en":
                in_latin_font |= _drawn(text)
    assert {"海", "珠", "≈", "%", "’"} <= drawn and "’" in in_latin_font
    assert sorted(ch for ch in drawn if ord(ch) not in cjk and ord(ch) not in latin) == []
    # A line set in the Latin font has every glyph there: resvg would set it wholly in the CJK font else.
    assert sorted(ch for ch in in_latin_font if ord(ch) not in latin) == []


def test_no_chart_text_is_wider_in_its_font_than_the_layout_measured_it(real_site):
    """Charts are laid out with text_metrics' estimate: in the fonts of the PNGs each line is narrower (an
    English line in Noto Sans, Regular or Bold; a Chinese one, or an English one with ≈ or Chinese words,
    in Noto Sans SC), so nothing runs past its box or the image's edge."""
    cjk = TTFont(CJK_FONT_FILE, lazy=True)
    latin = TTFont(LATIN_FONT_FILE, lazy=True)
    cjk_map, latin_map = cjk.getBestCmap(), latin.getBestCmap()
    cjk_width = {code: cjk["hmtx"][name][0] / cjk["head"].unitsPerEm for code, name in cjk_map.items()}
    weights = {bold: latin.getGlyphSet(location={"wght": 700 if bold else 400}) for bold in (False, True)}
    em = latin["head"].unitsPerEm

    def width(line: str, bold: bool, fonts: str) -> float:  # in em: both scale alike with the font size
        if fonts == "zh":
            return sum(cjk_width.get(ord(ch), 0) for ch in line)
        return sum(weights[bold][latin_map[ord(ch)]].width / em for ch in line if ord(ch) in latin_map)

    wider, bold_latin = [], 0
    for svg in chart_files(real_site):
        for line, bold, fonts in _lines(svg):
            bold_latin += bold and fonts == "en"
            if width(line, bold, fonts) > text_width(line, 1, bold):
                wider.append(f"{svg.name}: {line}")
    assert wider == [] and bold_latin >= 40  # every English title is measured in the bold face


def test_an_english_png_sets_quotes_narrow_and_titles_bold_in_the_latin_font():
    """’ is a Latin font's narrow sign in an English drawing, not Noto Sans SC's full-width one; a bold
    title is wider than a Regular one (a real Bold, from the variable font's weight axis)."""

    def inked_width(text: str, weight: int = 400) -> int:
        svg = (
            '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="40"><rect width="300" height="40" fill="#fff"/>'
            f'<text x="0" y="30" font-size="20" font-weight="{weight}" font-family="{svg_fonts("en")}">{text}</text></svg>'
        )
        inked = np.nonzero(_pixels(draw_png(svg))[..., :3].sum(axis=2).min(axis=0) < 600)[0]
        return int(inked.max() - inked.min()) if inked.size else 0

    quote = inked_width("districts’ 2025") - inked_width("districts 2025")
    # 20 px drawn SCALE (2) times as large, 40 px an em: Noto Sans's ’ is 0.175 em (7 px), Noto Sans SC's a full em.
    assert 0 < quote <= 0.3 * 20 * SCALE, quote
    assert inked_width("Haizhu targets", 700) > inked_width("Haizhu targets") * 1.04


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)


def test_a_chart_png_is_its_svg_as_chromium_draws_it_in_the_same_fonts(chromium, real_site):
    """The static SVG in Chromium, its text in the families it names first, from the same font files
    (loaded with @font-face; the Latin one with its range of weights), at the same scale: resvg's PNG
    differs from it only by anti-aliasing, in English (Noto Sans, bold title) and in Chinese."""
    fonts = {"latin.ttf": LATIN_FONT_FILE.read_bytes(), "cjk.otf": CJK_FONT_FILE.read_bytes()}
    faces = (
        "@font-face{font-family:'Noto Sans';font-weight:100 900;src:url(http://images.test/latin.ttf)}"
        "@font-face{font-family:'Noto Sans SC';src:url(http://images.test/cjk.otf)}"
    )
    context = chromium.new_context(device_scale_factor=SCALE, color_scheme="light")
    try:
        page = context.new_page()
        documents = {}
        page.route(
            re.compile(r"http://images\.test/(latin\.ttf|cjk\.otf)"),
            lambda route: route.fulfill(body=fonts[route.request.url.rsplit("/", 1)[1]], content_type="font/sfnt"),
        )
        page.route(
            "http://images.test/*.html",
            lambda route: route.fulfill(body=documents[route.request.url], content_type="text/html; charset=utf-8"),
        )
        for name in COMPARED:
            svg = (real_site / f"{name}.svg").read_text(encoding="utf-8")
            width, height = (int(n) for n in re.match(r'<svg [^>]*width="(\d+)" height="(\d+)"', svg).groups())
            url = f"http://images.test/{name.replace('/', '-')}.html"
            documents[url] = f"<!doctype html><style>{faces}body{{margin:0}}svg{{font-synthesis:none}}</style>" + svg
            page.set_viewport_size({"width": width, "height": height})
            page.goto(url)
            assert page.evaluate(
                "Promise.all([...document.fonts].map(f => f.load())).then(f => f.every(f => f.status == 'loaded'))"
            )
            drawn = _pixels(page.locator("svg").first.screenshot())
            made = _pixels((real_site / f"{name}.png").read_bytes())
            assert drawn.shape == made.shape, name
            difference = float(np.abs(drawn - made).mean())
            assert difference <= MEAN_DIFFERENCE_MAX, f"{name}: {difference:.2f}"
    finally:
        context.close()


def test_every_page_names_a_preview_card_of_1200_by_630_that_the_site_has(real_site):
    pages = sorted(real_site.rglob("*.html"))
    address = site_url().rstrip("/")
    cards = set()
    for page in pages:
        text = page.read_text(encoding="utf-8")
        meta = dict(re.findall(r'<meta (?:property|name)="((?:og:image|twitter:card)[^"]*)" content="([^"]*)">', text))
        where = page.relative_to(real_site)
        assert meta.get("twitter:card") == "summary_large_image", where
        assert (meta.get("og:image:width"), meta.get("og:image:height")) == ("1200", "630"), where
        assert meta.get("og:image:alt"), where
        assert meta["og:image"].startswith(address + "/"), where
        cards.add(meta["og:image"].removeprefix(address + "/"))
    for card in cards:
        assert png_size((real_site / card).read_bytes()) == (1200, 630), card
    # A page's own card where it has one: the home page, a topic, a district, a chart's embed.
    assert {
        "preview.png",
        "en/topics/gdp/preview.png",
        "districts/haizhu/preview.png",
        "embed/gdp-growth/preview.png",
    } <= cards


def test_the_share_box_links_the_chart_png_without_javascript(real_site):
    for prefix in ("", "en/"):
        page = (real_site / prefix / "topics" / "gdp" / "index.html").read_text(encoding="utf-8")
        box = re.search(r'<figure class="chart" id="chart-gdp-growth">.*?</figure>', page, re.S)[0]
        link = re.search(r'<a href="(/[^"]+\.png)" download>([^<]+)</a>', box)
        assert link and link[1] == f"/{prefix}data/charts/gdp-growth.png" and (real_site / link[1][1:]).is_file()
        assert link[2] == ("下载图片（PNG）" if not prefix else "Download this chart (PNG image)")


def test_an_image_is_drawn_once_and_then_read_from_the_cache(tmp_path):
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><text y="15">海珠 Haizhu</text></svg>'
    png = png_of(svg, tmp_path)
    assert png_size(png) == (80, 40) and cached_path(svg, tmp_path).read_bytes() == png
    cached_path(svg, tmp_path).write_bytes(b"kept")  # what a later build reads, without drawing again
    assert png_of(svg, tmp_path) == b"kept"
    other = svg.replace("Haizhu", "Liwan")
    assert cached_path(other, tmp_path) != cached_path(svg, tmp_path) and png_of(other, tmp_path) != b"kept"


def test_netlify_keeps_the_cache_folder_the_build_uses_between_builds(monkeypatch):
    monkeypatch.delenv("IMAGE_CACHE", raising=False)
    plugins = tomllib.loads((ROOT / "netlify.toml").read_text(encoding="utf-8"))["plugins"]
    folder = ROOT / plugins[0]["package"].lstrip("/")
    saved = re.search(r'const CACHE = "([^"]+)";', (folder / "index.js").read_text(encoding="utf-8"))[1]
    assert (folder / "manifest.yml").is_file() and ROOT / saved == image_cache()
