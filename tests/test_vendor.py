"""The plotly.js bundle the site serves is the pinned npm package's file, byte for byte.

assets/vendor/README.md says how to update it. The tests' figure schema (the plotly Python
package, tests/test_chart_schema.py) must describe the same plotly.js version.
"""

import importlib.util
import json
import re
from pathlib import Path

from tools import missing_tool

from pipeline.assets import PLOTLY_JS
from pipeline.paths import ROOT

PACKAGE = "plotly.js-basic-dist-min"
NPM_FILE = ROOT / "node_modules" / PACKAGE / "plotly-basic.min.js"


def pinned_version() -> str:
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    return lock["packages"][f"node_modules/{PACKAGE}"]["version"]


def header_version(path: Path) -> str:
    """The version in a plotly.js bundle's licence header: '* plotly.js (basic - minified) v3.3.1'."""
    return re.search(r"\* plotly\.js .*?v(\d+\.\d+\.\d+)", path.read_text(encoding="utf-8")[:300]).group(1)


def test_the_served_bundle_is_the_pinned_npm_package_byte_for_byte():
    if not NPM_FILE.is_file():
        missing_tool("node_modules is not installed: `make test` runs `npm ci` (.ci/ensure-test-tools)")
    package = json.loads((NPM_FILE.parent / "package.json").read_text(encoding="utf-8"))
    assert package["version"] == pinned_version()
    assert (
        json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["devDependencies"][PACKAGE] == pinned_version()
    )
    assert (ROOT / "assets" / PLOTLY_JS).read_bytes() == NPM_FILE.read_bytes()
    assert (ROOT / "assets" / "vendor" / "plotly-basic.LICENSE").read_bytes() == (
        NPM_FILE.parent / "LICENSE"
    ).read_bytes()


def test_the_bundle_version_is_the_one_recorded_and_the_one_the_chart_schema_describes():
    version = header_version(ROOT / "assets" / PLOTLY_JS)
    assert version == pinned_version()
    assert f"| {version} |" in (ROOT / "assets" / "vendor" / "README.md").read_text(encoding="utf-8")
    schema_bundle = Path(importlib.util.find_spec("plotly").origin).parent / "package_data" / "plotly.min.js"
    assert header_version(schema_bundle) == version
