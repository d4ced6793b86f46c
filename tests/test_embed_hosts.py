"""Embeds that match the page that hosts them, measured in Chromium with the reader in dark mode: on a white
page the embed stays light, on a dark page it turns dark (embed.js tells it, across origins), ?theme= still
forces either, and a plain iframe, without embed.js, is light. Its source and definition lines wrap on two
lines at most, never cut, and the iframe follows the embed's height as the page narrows or widens."""

import re
from functools import partial

import pytest
from browser import other_origin, published_embed_code
from test_dark_mode import ROOT_BACKGROUND, is_dark, is_light

EMBED = "/en/embed/gdp-growth/"
BACKGROUNDS = {"/white": "#fff", "/dark": "#121212"}
# Each line's count of lines (its height over its line height), and whether all its text is in view.
LINES = """els => els.map(e => [e.className,
  Math.round(e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight)),
  e.scrollWidth <= e.clientWidth && getComputedStyle(e).textOverflow !== 'ellipsis'])"""


def article(code: str, path: str) -> str:
    """A newsroom's article on another origin: the embed code as published, the same embed forced to the
    other look with ?theme=, and a plain iframe that embed.js does not know; on a white or a dark page."""
    background = BACKGROUNDS.get(path, "#fff")
    opposite = "light" if path == "/dark" else "dark"
    iframe = code.split("\n")[0]  # the embed code: its iframe, then embed.js
    src = re.search(r'src="([^"]+)"', iframe)[1]
    forced = iframe.replace(src, f"{src}?theme={opposite}")
    plain = f'<iframe src="{src}" title="plain" width="100%" height="600" style="border:0"></iframe>'
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>host</title>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'></head>"
        f"<body style='margin:0;background:{background}'><p>An article.</p>"
        f"<div id='published'>{code}</div><div id='forced'>{forced}</div><div id='plain'>{plain}</div>"
        "</body></html>"
    )


@pytest.fixture(scope="module")
def host(real_site, real_server):
    """A second origin (its own port) serving the article pages with the published embed code."""
    page = (real_site / "en" / "topics" / "gdp" / "index.html").read_text(encoding="utf-8")
    code = published_embed_code(page, "gdp-growth", real_server.url).replace(' loading="lazy"', "")
    with other_origin(partial(article, code)) as url:
        yield url


def frame_of(page, box: str):
    return page.locator(f"#{box} iframe").element_handle().content_frame()


@pytest.mark.parametrize("host_page", ["/white", "/dark"])
def test_an_embed_takes_its_host_pages_look_and_fits_at_every_width(chromium, host, host_page):
    context = chromium.new_context(viewport={"width": 360, "height": 900}, color_scheme="dark")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(host + host_page)
        published = page.locator("#published iframe")
        page.wait_for_function("document.querySelector('#published iframe').style.height !== ''", timeout=10_000)
        frames = {box: frame_of(page, box) for box in ("published", "forced", "plain")}
        for frame in frames.values():
            frame.wait_for_selector(".chart-static")
        dark_host = host_page == "/dark"
        matches = is_dark if dark_host else is_light
        # The message comes after the first paint: wait for the published embed to take the host's look.
        frames["published"].wait_for_function(
            f"() => document.documentElement.dataset.theme === '{'dark' if dark_host else 'light'}'"
        )
        assert matches(frames["published"].evaluate(ROOT_BACKGROUND))
        assert matches(
            frames["published"].locator(".chart-static rect").first.evaluate("r => getComputedStyle(r).fill")
        )
        assert (is_light if dark_host else is_dark)(frames["forced"].evaluate(ROOT_BACKGROUND))  # ?theme= wins
        assert is_light(frames["plain"].evaluate(ROOT_BACKGROUND))  # no embed.js: light
        for width in (360, 1200):
            page.set_viewport_size({"width": width, "height": 900})
            frame = frames["published"]
            lines = frame.locator(".embed-sources, .embed-definition").evaluate_all(LINES)
            assert len(lines) == 2 and all(count <= 2 and whole for _, count, whole in lines), (width, lines)
            # The iframe is as tall as the embed, at this width too.
            content = frame.evaluate("Math.ceil(document.documentElement.getBoundingClientRect().height)")
            page.wait_for_function(
                "h => Math.abs(document.querySelector('#published iframe').getBoundingClientRect().height - h) <= 2",
                arg=content,
                timeout=10_000,
            )
            assert frame.evaluate("document.documentElement.scrollHeight <= window.innerHeight + 1")
        assert published.is_visible() and errors == []
    finally:
        context.close()
