"""Debian's Chromium driven by Playwright, and what the browser tests watch on a page.

Playwright's own browser download is not available everywhere, so the tests use
the system's Chromium. `make test` installs it when missing (.ci/ensure-test-tools);
under CI (CI=true) a missing browser fails the run rather than skipping it.
"""

import html
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import axe_playwright_python
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright
from tools import missing_tool

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
WIDTHS = (360, 1280)
AXE_JS = Path(axe_playwright_python.__file__).parent / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DRAW_TIMEOUT_MS = 20_000


def find_chromium() -> str | None:
    """Debian's Chromium, if installed."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return found or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


def require_chromium() -> str:
    """The browser's path; a missing browser fails under CI and skips (saying why) elsewhere."""
    path = find_chromium()
    if path:
        return path
    missing_tool("Chromium is not installed: `make test` installs it (.ci/ensure-test-tools)")


@contextmanager
def chromium_browser():
    """A headless Chromium for the duration of the block."""
    executable = require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


class PageWatch:
    """Collects what a reader should never meet: console errors, script errors, failed or foreign requests."""

    def __init__(self, page, base_url: str):
        self.host = urlsplit(base_url).netloc
        self.problems: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        page.on("request", self._request)
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _console(self, message) -> None:
        if message.type == "error":
            self.problems.append(f"console error: {message.text}")

    def _request(self, request) -> None:
        url = urlsplit(request.url)
        # data: and blob: URLs stay inside the page; anything over the network must stay on our host.
        if url.scheme in ("http", "https", "ws", "wss") and url.netloc != self.host:
            self.problems.append(f"request to another host: {request.url}")

    def _failed(self, request) -> None:
        # ERR_ABORTED: cancelled because the test moved on to another page (a favicon still loading).
        if request.failure != "net::ERR_ABORTED":
            self.problems.append(f"request failed: {request.url} ({request.failure})")

    def _response(self, response) -> None:
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")


def open_page(context, base_url: str, url: str):
    """A new tab on base_url + url, watched from before the first request; returns (page, watch)."""
    page = context.new_page()
    watch = PageWatch(page, base_url)
    page.goto(base_url + url, wait_until="load")
    return page, watch


def draw_charts(page) -> list[str]:
    """Bring each chart into view and point at it, as a reader would, and wait until Plotly has drawn it.

    Charts load lazily: plotly.js is fetched when a reader nears or reaches for a chart.
    Returns the problems found.
    """
    problems = []
    plots = page.locator(".chart-plot")
    for i in range(plots.count()):
        plot = plots.nth(i)
        name = plot.get_attribute("data-chart")
        try:
            plot.scroll_into_view_if_needed(timeout=5_000)
            plot.hover(timeout=5_000)
            page.wait_for_function(
                "el => el.dataset.drawn === 'true' && el.querySelector('svg.main-svg') !== null",
                arg=plot.element_handle(),
                timeout=DRAW_TIMEOUT_MS,
            )
        except PlaywrightError as error:
            problems.append(f"chart {name} was not drawn: {str(error).splitlines()[0]}")
    page.mouse.move(0, 0)  # the pointer leaves the last chart, and its hover label goes
    return problems


def axe_violations(page) -> list[str]:
    """WCAG 2.1 A and AA violations that axe-core finds on the page, one line each."""
    # Injected through the DevTools protocol, which the page's CSP does not govern.
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", WCAG_TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
    ]


class ContextPool:
    """Browser contexts shared between tests, one per (width, JavaScript on or off).

    Sharing keeps the hashed assets in the browser's cache, as they are for a reader
    going from page to page, so plotly.js is not fetched and compiled afresh each test.
    """

    def __init__(self, browser):
        self.browser = browser
        self.contexts = {}

    def get(self, width: int, javascript: bool = True):
        key = (width, javascript)
        if key not in self.contexts:
            self.contexts[key] = self.browser.new_context(
                viewport={"width": width, "height": 800}, java_script_enabled=javascript
            )
        return self.contexts[key]

    def close(self) -> None:
        for context in self.contexts.values():
            context.close()


@dataclass(frozen=True)
class Visit:
    """What a visit to a page found, once every chart on it was drawn."""

    problems: tuple[str, ...]  # console errors, failed or foreign requests, charts not drawn
    violations: tuple[str, ...]  # axe-core's WCAG 2.1 A and AA violations


class Visits:
    """Each (page, width) visited once per session: load, draw every chart, then audit with axe.

    The browser test and the accessibility test read the same visit, so the slowest
    part of the suite (compiling plotly.js and drawing) is done once, not twice.
    """

    def __init__(self, contexts: ContextPool, base_url: str):
        self.contexts = contexts
        self.base_url = base_url
        self.seen: dict[tuple[str, int], Visit] = {}

    def of(self, url: str, width: int) -> Visit:
        if (url, width) not in self.seen:
            tab, watch = open_page(self.contexts.get(width), self.base_url, url)
            try:
                drawn = draw_charts(tab)
                problems = tuple(watch.problems + drawn)
                self.seen[url, width] = Visit(problems, tuple(axe_violations(tab)))
            finally:
                tab.close()
        return self.seen[url, width]


def published_embed_code(page: str, chart_id: str, base_url: str) -> str:
    """The embed code of a chart as its share box publishes it, naming base_url (the served copy) instead
    of the address the build names."""
    code = html.unescape(re.search(rf'<textarea id="embed-{chart_id}"[^>]*>(.*?)</textarea>', page, re.S)[1])
    return re.sub(r"https?://[^/\"]+", base_url, code)


@contextmanager
def other_origin(page_for: Callable[[str], str]) -> Iterator[str]:
    """A second origin (its own port), serving as HTML page_for(path): a newsroom's article pasting our
    embed code; its address, for as long as it is needed."""

    class Article(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            body = page_for(self.path).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Article)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
