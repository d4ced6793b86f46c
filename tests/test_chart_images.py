"""The PNG images made at build time: a PNG of every chart, in both languages, the same drawing as its SVG
file in the pinned font; a preview card named by every page (og:image); the cache that draws each once,
kept between Netlify's builds."""

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
from pipeline.png_images import FONT_FILE, SCALE, cached_path, image_cache, png_of, png_size
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


def test_the_font_holds_every_character_of_every_chart_in_both_languages(real_site):
    cmap = TTFont(FONT_FILE, lazy=True).getBestCmap()
    used = set()
    for svg in chart_files(real_site):
        for text in re.findall(r">([^<>]+)<", svg.read_text(encoding="utf-8")):
            used.update(html.unescape(text))
    # A break point (U+200B) and spaces draw nothing; every other character needs its glyph.
    drawn = {ch for ch in used if ch != BREAK and not ch.isspace() and unicodedata.category(ch) != "Cf"}
    assert {"海", "珠", "≈", "%"} <= drawn
    assert sorted(ch for ch in drawn if ord(ch) not in cmap) == []


def test_no_chart_text_is_wider_in_the_font_than_the_layout_measured_it(real_site):
    """Charts are laid out with text_metrics' estimate: in the font of the PNGs each line is narrower, so
    nothing runs past its box or the image's edge."""
    font = TTFont(FONT_FILE, lazy=True)
    cmap, advances, em = font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm
    wider = []
    for svg in chart_files(real_site):
        for text in re.findall(r">([^<>]+)<", svg.read_text(encoding="utf-8")):
            line = html.unescape(text)  # widths in em: both scale alike with the font size
            if sum(advances[cmap[ord(ch)]][0] for ch in line if ord(ch) in cmap) / em > text_width(line, 1):
                wider.append(f"{svg.name}: {line}")
    assert wider == []


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)


def test_a_chart_png_is_its_svg_as_chromium_draws_it_in_the_same_font(chromium, real_site):
    """The static SVG in Chromium, its text in the same font file (loaded with @font-face), at the same
    scale: resvg's PNG differs from it only by anti-aliasing."""
    font = FONT_FILE.read_bytes()
    context = chromium.new_context(device_scale_factor=SCALE, color_scheme="light")
    try:
        page = context.new_page()
        documents = {}
        page.route("http://images.test/font.otf", lambda route: route.fulfill(body=font, content_type="font/otf"))
        page.route(
            "http://images.test/*.html",
            lambda route: route.fulfill(body=documents[route.request.url], content_type="text/html; charset=utf-8"),
        )
        for name in COMPARED:
            svg = (real_site / f"{name}.svg").read_text(encoding="utf-8")
            width, height = (int(n) for n in re.match(r'<svg [^>]*width="(\d+)" height="(\d+)"', svg).groups())
            url = f"http://images.test/{name.replace('/', '-')}.html"
            documents[url] = (
                "<!doctype html><style>@font-face{font-family:Pinned;src:url(http://images.test/font.otf)}"
                "body{margin:0}svg,svg text{font-family:Pinned!important;font-synthesis:none}</style>" + svg
            )
            page.set_viewport_size({"width": width, "height": height})
            page.goto(url)
            page.evaluate("document.fonts.ready")
            assert page.evaluate(
                "document.fonts.check('12px Pinned') && [...document.fonts].every(f => f.status == 'loaded')"
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
