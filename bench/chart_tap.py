#!/usr/bin/env python3
"""Tap-to-interactive of a chart on a throttled phone: the full plotly.js bundle against the basic one.

    .venv/bin/python bench/chart_tap.py                                  # 5 runs of each
    .venv/bin/python bench/chart_tap.py --runs 3 --pages /topics/gdp/ /embed/gdp-growth/

Builds the site into a temporary folder and serves it as Netlify would (gzip,
netlify.toml's headers), twice: as built ("basic", plotly-basic.min.js) and a
copy whose basic bundle file is overwritten with the full plotly.min.js of the
plotly Python package ("full"), same URL, so the page, the chart and the tap
are the same and only the bundle differs.

Each run opens a fresh browser context (empty cache) with Lighthouse's mobile
profile: a 412×823 touch screen at 1.75×, 150 ms latency, 1.6 Mbps down,
750 kbps up, CPU 4× slower. It loads the page, waits for the network to go
quiet, scrolls the first chart into view and taps it. Tap-to-interactive is
the time, measured inside the page, from that tap (its first pointer or touch
event on the chart) to the moment charts.js sets data-drawn="true" on the
tapped chart. Also per run: when the bundle was requested and downloaded,
counted from the tap (a request before it would mean something other than
the tap fetched it); the delay from the touch to the page's listener; the
longest long task that started at or after the tap and their count (read 2 s
after the draw); and the bundle's bytes on the wire. Variants alternate run
by run so that a slow spell of the shared machine hits both.
"""

import argparse
import datetime
import importlib.util
import re
import shutil
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.builder import build_site  # noqa: E402
from pipeline.netlify import SiteServer  # noqa: E402
from pipeline.paths import ProjectPaths  # noqa: E402

DEFAULT_PAGES = ["/topics/gdp/", "/embed/gdp-growth/"]
VARIANTS = ["full", "basic"]
TIMEOUT_MS = 60_000
SETTLE_MS = 2_000  # after the draw, so the long task that ends with it is reported
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

# Lighthouse's mobile profile ("slow 4G" and a mid-range phone).
NETWORK = {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 750e3 / 8}
CPU_SLOWDOWN = 4
PHONE = {"viewport": {"width": 412, "height": 823}, "device_scale_factor": 1.75, "is_mobile": True, "has_touch": True}

# Runs before the page's own scripts and outside its CSP. Everything is timed
# with performance.now() in the page, so the tap and the draw share one clock.
PROBE = """
(() => {
  const bench = window.__chartTap = { tap: null, tapEvent: null, tapped: null, drawn: {}, longTasks: [] };
  try {
    new PerformanceObserver((list) => {
      for (const task of list.getEntries()) bench.longTasks.push([task.startTime, task.duration]);
    }).observe({ type: "longtask", buffered: true });
  } catch (e) { bench.noLongTasks = String(e); }
  // A tap sends pointerenter and pointerdown before touchstart, and charts.js fetches
  // plotly.js on the first of them: the tap is the first of the three on a chart.
  for (const type of ["pointerenter", "pointerdown", "touchstart"]) {
    addEventListener(type, (event) => {
      const plot = event.target.closest && event.target.closest(".chart-plot");
      if (bench.tap !== null || !plot) return;
      bench.tap = performance.now();
      bench.tapEvent = event.timeStamp;  // when the input was made; the line above is when the page saw it
      bench.tapType = type;
      bench.tapped = plot.getAttribute("data-chart");
    }, { capture: true, passive: true });
  }
  new MutationObserver((records) => {
    for (const record of records) {
      const id = record.target.getAttribute("data-chart");
      if (record.target.getAttribute("data-drawn") === "true" && !(id in bench.drawn)) bench.drawn[id] = performance.now();
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-drawn"] });
})();
"""


@dataclass
class Run:
    variant: str
    page: str
    interactive: float | None = None  # s, tap → data-drawn
    requested: float | None = None  # s, tap → bundle requested (≥ 0: the tap, not the load, fetched it)
    fetched: float | None = None  # s, tap → bundle downloaded
    longest_task: float | None = None  # ms, longest long task started at or after the tap
    long_tasks: int | None = None
    bundle_bytes: int | None = None  # on the wire: headers and gzipped body
    input_lag: float | None = None  # ms, the input's timestamp → the page's listener
    console_errors: list[str] | None = None
    tap_event: str | None = None  # which event the tap was first seen as
    error: str | None = None


def full_bundle() -> Path:
    # Found, not imported, as the build used to find it.
    return Path(importlib.util.find_spec("plotly").origin).parent / "package_data" / "plotly.min.js"


def bundle_urls(site: Path, pages: list[str]) -> set[str]:
    """The plotly.js URL(s) that the pages' charts name in data-plotly."""
    urls = set()
    for page in pages:
        html = (site / page.lstrip("/") / "index.html").read_text(encoding="utf-8")
        urls |= set(re.findall(r'class="chart-plot[^"]*"[^>]*\bdata-plotly="([^"]+)"', html))
        urls |= set(re.findall(r'data-plotly="([^"]+)"[^>]*class="chart-plot', html))
    return urls


def make_sites(scratch: Path, pages: list[str]) -> tuple[dict[str, Path], set[str]]:
    basic = scratch / "basic"
    build_site(ProjectPaths(ROOT, site=basic))
    urls = bundle_urls(basic, pages)
    if not urls:
        raise SystemExit(f"no .chart-plot with data-plotly on {', '.join(pages)}")
    full = scratch / "full"
    shutil.copytree(basic, full)
    for url in urls:
        shutil.copyfile(full_bundle(), full / url.lstrip("/"))
    return {"basic": basic, "full": full}, urls


def one_run(browser, base: str, variant: str, page_path: str, bundles: set[str]) -> Run:
    run = Run(variant, page_path, console_errors=[])
    context = browser.new_context(**PHONE)
    try:
        context.add_init_script(PROBE)
        page = context.new_page()
        # A bundle that breaks under the page's CSP would show here, not as a slow run.
        page.on("console", lambda m: m.type == "error" and run.console_errors.append(m.text[:200]))
        page.on("pageerror", lambda e: run.console_errors.append(str(e)[:200]))
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", NETWORK)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        # Bytes on the wire of the bundle, as DevTools counts them (headers included).
        requests: dict[str, str] = {}
        cdp.on("Network.requestWillBeSent", lambda e: requests.__setitem__(e["requestId"], e["request"]["url"]))

        def finished(event):
            if any(requests.get(event["requestId"], "").endswith(url) for url in bundles):
                run.bundle_bytes = int(event["encodedDataLength"])

        cdp.on("Network.loadingFinished", finished)

        page.goto(base + page_path, wait_until="load", timeout=TIMEOUT_MS)
        page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
        chart = page.locator(".chart-plot").first
        chart.scroll_into_view_if_needed(timeout=TIMEOUT_MS)
        page.wait_for_timeout(500)  # let the scroll and its intersection callbacks settle
        chart.tap(timeout=TIMEOUT_MS)
        try:
            page.wait_for_function(
                "() => { const b = window.__chartTap; return b.tapped !== null && b.tapped in b.drawn; }",
                timeout=TIMEOUT_MS,
                polling=100,
            )
        except PlaywrightError:
            run.error = f"not drawn within {TIMEOUT_MS // 1000} s"
        page.wait_for_timeout(SETTLE_MS)
        probe = page.evaluate(
            """(bundles) => {
          const b = window.__chartTap;
          const timing = performance.getEntriesByType("resource").find((r) => bundles.some((u) => r.name.endsWith(u)));
          return { ...b, bundleStart: timing ? timing.startTime : null, bundleEnd: timing ? timing.responseEnd : null,
                   bundleSize: timing ? timing.transferSize : null };
        }""",
            sorted(bundles),
        )
        if probe["tap"] is None:
            run.error = run.error or "the tap reached no .chart-plot"
            return run
        tap = probe["tap"]
        drawn = probe["drawn"].get(probe["tapped"])
        if drawn is not None:
            run.interactive = (drawn - tap) / 1000
        run.input_lag = tap - probe["tapEvent"]
        run.tap_event = probe["tapType"]
        if probe["bundleEnd"]:
            run.requested = (probe["bundleStart"] - tap) / 1000
            run.fetched = (probe["bundleEnd"] - tap) / 1000
        if run.bundle_bytes is None and probe["bundleSize"]:
            run.bundle_bytes = probe["bundleSize"]
        after = [duration for start, duration in probe["longTasks"] if start >= tap]
        run.long_tasks = len(after)
        run.longest_task = max(after, default=0.0)
        if probe.get("noLongTasks"):
            run.error = run.error or "no long-task timing: " + probe["noLongTasks"]
    except PlaywrightError as error:
        run.error = str(error).splitlines()[0]
    finally:
        context.close()
    return run


def describe(run: Run) -> str:
    def number(value, spec):
        return "—" if value is None else format(value, spec)

    return (
        f"{run.variant:<5} {run.page:<22} tap→interactive {number(run.interactive, '.2f')} s, "
        f"bundle requested {number(run.requested, '+.2f')} s, downloaded {number(run.fetched, '+.2f')} s, "
        f"input→{run.tap_event} listener {number(run.input_lag, '.0f')} ms, "
        f"longest task after tap {number(run.longest_task, '.0f')} ms ({number(run.long_tasks, 'd')} long tasks), "
        f"{number(run.bundle_bytes, ',')} B"
        + (f"  FAILED: {run.error}" if run.error else "")
        + (f"  console errors: {run.console_errors}" if run.console_errors else "")
    )


def table(runs: list[Run], pages: list[str]) -> list[str]:
    header = (
        f"{'variant':<7} {'page':<22} {'ok':<5}  {'tap→interactive s (median min–max)':<36}"
        f"{'longest task after tap ms (median, max)':<41}{'bundle on the wire'}"
    )
    lines = [header, "-" * len(header)]
    for page in pages:
        for variant in VARIANTS:
            mine = [r for r in runs if r.variant == variant and r.page == page]
            good = [r for r in mine if r.interactive is not None]
            times = [r.interactive for r in good]
            tasks = [r.longest_task for r in good if r.longest_task is not None]
            sizes = sorted({r.bundle_bytes for r in mine if r.bundle_bytes})
            timing = f"{statistics.median(times):.2f} ({min(times):.2f}–{max(times):.2f})" if times else "—"
            longest = f"{statistics.median(tasks):.0f}, {max(tasks):.0f}" if tasks else "—"
            size = " / ".join(f"{s / 1e6:.2f} MB" for s in sizes) or "—"
            lines.append(f"{variant:<7} {page:<22} {f'{len(good)}/{len(mine)}':<5}  {timing:<36}{longest:<41}{size}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each variant on each page (default 5)")
    parser.add_argument("--pages", nargs="+", default=DEFAULT_PAGES, help="pages with a chart")
    args = parser.parse_args()

    runs: list[Run] = []
    with tempfile.TemporaryDirectory() as scratch:
        sites, bundles = make_sites(Path(scratch), args.pages)
        sizes = {v: (sites[v] / next(iter(bundles)).lstrip("/")).stat().st_size for v in VARIANTS}
        with (
            SiteServer(sites["full"], ROOT / "netlify.toml") as full,
            SiteServer(sites["basic"], ROOT / "netlify.toml") as basic,
            sync_playwright() as p,
        ):
            servers = {"full": full, "basic": basic}
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            version = browser.version
            for number in range(1, args.runs + 1):
                for page in args.pages:
                    for variant in VARIANTS:  # interleaved: full, basic, full, basic…
                        run = one_run(browser, servers[variant].url, variant, page, bundles)
                        runs.append(run)
                        print(f"run {number} {describe(run)}", flush=True)
            browser.close()

    print()
    print(
        f"{datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, Chromium {version}, {args.runs} runs each; "
        f"bundle {', '.join(sorted(bundles))}: full {sizes['full'] / 1e6:.2f} MB, basic {sizes['basic'] / 1e6:.2f} MB "
        f"uncompressed; phone: 412×823 @1.75, 150 ms, 1.6/0.75 Mbps, CPU ×{CPU_SLOWDOWN}"
    )
    print("\n".join(table(runs, args.pages)))
    return 0 if all(r.error is None for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
