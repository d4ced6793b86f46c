#!/usr/bin/env python3
"""Lighthouse (mobile) on the built site, served as Netlify would serve it (gzip, real headers).

    .venv/bin/python bench/lighthouse.py            # home, a topic page, a district page, an embed
    .venv/bin/python bench/lighthouse.py /about/    # any pages

Runs lighthouse from the npm registry with Debian's Chromium and prints, per
page, the performance and accessibility scores and the core timings. The
figures in README.md come from this script. Budget: performance ≥ 95 and
accessibility = 100 on the home, topic and district pages.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.builder import build_site  # noqa: E402
from pipeline.netlify import SiteServer  # noqa: E402
from pipeline.paths import ProjectPaths  # noqa: E402

LIGHTHOUSE = "lighthouse@12.8.2"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking"
DEFAULT_PAGES = ["/", "/topics/gdp/", "/districts/haizhu/", "/embed/gdp-growth/"]
TIMINGS = [
    "first-contentful-paint",
    "largest-contentful-paint",
    "total-blocking-time",
    "cumulative-layout-shift",
    "speed-index",
    "total-byte-weight",
]


def run_lighthouse(url: str, report: Path) -> dict:
    """One mobile Lighthouse run (its default: emulated phone, slow 4G, 4× CPU slowdown)."""
    env = dict(os.environ, CHROME_PATH=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
    subprocess.run(
        [
            "npx",
            "--yes",
            LIGHTHOUSE,
            url,
            "--quiet",
            f"--chrome-flags={CHROME_FLAGS}",
            "--only-categories=performance,accessibility",
            "--output=json",
            f"--output-path={report}",
        ],
        check=True,
        env=env,
        timeout=600,
    )
    return json.loads(report.read_text(encoding="utf-8"))


def summary(result: dict) -> str:
    scores = {name: round(category["score"] * 100) for name, category in result["categories"].items()}
    timings = ", ".join(f"{a}: {result['audits'][a]['displayValue']}" for a in TIMINGS)
    return f"performance {scores['performance']}, accessibility {scores['accessibility']} ({timings})"


def main(pages: list[str]) -> int:
    with tempfile.TemporaryDirectory() as scratch:
        site = Path(scratch) / "site"
        build_site(ProjectPaths(ROOT, site=site))
        with SiteServer(site, ROOT / "netlify.toml") as server:
            for page in pages:
                result = run_lighthouse(server.url + page, Path(scratch) / "report.json")
                print(f"{page}: {summary(result)}".replace("\xa0", " "))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or DEFAULT_PAGES))
