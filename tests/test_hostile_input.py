"""Hostile and broken input: markup in data and content builds into inert text; broken YAML
ends in a clean list of errors with the previous site untouched.

The browser test serves the hostile site WITHOUT netlify.toml's headers, so that what
keeps the scripts from running is the escaping and sanitising itself, not the CSP.
Seen to fail: with Jinja's autoescape off, the browser test caught the dialogs and
window.pwned and the static check the onerror attributes and inline scripts; with nh3
left out of markdown_html, the static check caught the about page's javascript: links,
onerror attribute and script; the random-YAML property found a district file of just
"null" crashing the renderer (now a DataError, tested below).
"""

import re
import shutil
import tempfile
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from browser import draw_charts
from conftest import ALPHA, ScratchProject
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from site_pages import site_pages

from pipeline.builder import build_site
from pipeline.errors import DataError, DataErrors, render_error
from pipeline.netlify import SiteServer
from pipeline.pages.core import markdown_html

# Each payload sets window.pwned or opens a dialog if it ever runs.
SCRIPT_PAYLOAD = "</script><script>window.pwned=1;alert(1)</script>"
ATTRIBUTE_PAYLOAD = '<img src=x onerror="window.pwned=2;alert(2)">'
HOSTILE_LINE = f"建设{SCRIPT_PAYLOAD}{ATTRIBUTE_PAYLOAD}示范区。"
HOSTILE_RECORD = f"""\
  - id: alpha-hostile
    topic: ai
    kind: target
    period: "2025"
    label_zh: '标签{SCRIPT_PAYLOAD}'
    label_en: 'Label {ATTRIBUTE_PAYLOAD}'
    summary_en: 'Summary {SCRIPT_PAYLOAD}'
    quote: '{HOSTILE_LINE}'
    source: alpha-tasks
    task_no: 4
"""
HOSTILE_MARKDOWN = f"""
[a javascript link](javascript:window.pwned=3;alert(3))

<a href="javascript:alert(4)">raw link</a> <img src=x onerror="window.pwned=4;alert(4)">

<script>window.pwned=5;alert(5)</script>

{SCRIPT_PAYLOAD}
"""


def hostile_project(root: Path) -> ScratchProject:
    """The scratch project with markup in a record, a district's name, a topic and the about page."""
    project = ScratchProject(root)
    project.add_records("data/districts/alpha.yaml", HOSTILE_RECORD)
    source = project.root / "data/sources/alpha-tasks.txt"
    source.write_text(source.read_text(encoding="utf-8") + f"4\t{HOSTILE_LINE}\n", encoding="utf-8")
    project.edit("data/districts/alpha.yaml", "name_en: Alpha District", f"name_en: 'Alpha {ATTRIBUTE_PAYLOAD}'")
    project.edit("data/topics.yaml", "description_en: GDP growth.", f"description_en: 'GDP {SCRIPT_PAYLOAD}'")
    for page in ("about.en.md", "about.zh.md"):
        path = project.root / "content" / page
        path.write_text(path.read_text(encoding="utf-8") + HOSTILE_MARKDOWN, encoding="utf-8")
    return project


class ActiveMarkup(HTMLParser):
    """Markup that could run a script: event-handler attributes, javascript: URLs, inline scripts."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if value and value.strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value}>")
        if tag == "script" and "src" not in attributes and attributes.get("type") != "application/json":
            self.found.append("<script> with inline code")


def active_markup(site: Path) -> dict[str, list[str]]:
    found = {}
    for page in site_pages(site):
        parser = ActiveMarkup()
        parser.feed((site / page.file).read_text(encoding="utf-8"))
        if parser.found:
            found[page.file] = parser.found
    return found


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    project = hostile_project(tmp_path_factory.mktemp("hostile") / "project")
    build_site(project.paths)
    return project.paths.site


def test_hostile_markup_builds_into_text_not_markup(hostile_site):
    assert active_markup(hostile_site) == {}
    district = (hostile_site / "en/districts/alpha/index.html").read_text(encoding="utf-8")
    assert "Label &lt;img src=x onerror=" in district  # kept, as text
    assert "&lt;/script&gt;&lt;script&gt;window.pwned=1" in district
    about = (hostile_site / "en/about/index.html").read_text(encoding="utf-8")
    assert "a javascript link" in about and "raw link" in about  # the links' text stays, their href goes


def test_the_active_markup_check_finds_each_kind(tmp_path):
    """The static gate itself, on a page with each kind of active markup."""
    (tmp_path / "index.html").write_text(
        '<img src=x onerror="alert(1)"><a href=" JavaScript:alert(2)">x</a><script>alert(3)</script>'
        '<script type="application/json">{}</script><script src="/assets/charts.js"></script>',
        encoding="utf-8",
    )
    assert active_markup(tmp_path) == {
        "index.html": ["<img onerror=…>", "<a href= JavaScript:alert(2)>", "<script> with inline code"]
    }


def test_no_hostile_script_runs_in_the_browser(browser_contexts, hostile_site, tmp_path):
    """Every page of the hostile site in Chromium, charts drawn: no dialog, window.pwned never set."""
    no_headers = tmp_path / "netlify.toml"
    no_headers.write_text("", encoding="utf-8")
    context = browser_contexts.get(1280)
    dialogs: list[str] = []
    ran: dict[str, object] = {}
    with SiteServer(hostile_site, no_headers) as server:
        for page in site_pages(hostile_site):
            tab = context.new_page()
            tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            try:
                tab.goto(server.url + page.url, wait_until="load")
                tab.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
                if page.kind == "home":
                    assert draw_charts(tab) == []  # Plotly renders the hostile district name too
                if tab.evaluate("window.pwned") is not None:
                    ran[page.url] = tab.evaluate("window.pwned")
            finally:
                tab.close()
    assert dialogs == [] and ran == {}


def test_the_browser_check_catches_a_script_that_runs(browser_contexts, tmp_path):
    """The browser gate itself: a page whose markup does run the payload is caught."""
    (tmp_path / "index.html").write_text(f"<!doctype html><title>x</title>{ATTRIBUTE_PAYLOAD}", encoding="utf-8")
    no_headers = tmp_path / "netlify.toml"
    no_headers.write_text("", encoding="utf-8")
    dialogs = []
    with SiteServer(tmp_path, no_headers) as server:
        tab = browser_contexts.get(1280).new_page()
        tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        try:
            tab.goto(server.url + "/", wait_until="load")
            tab.wait_for_function("window.pwned === 2")
        finally:
            tab.close()
    assert dialogs == ["2"]


# Broken YAML: a clean list of errors or a good build, never a traceback or a half-written site.


def district_lines() -> list[str]:
    return textwrap.dedent(ALPHA).splitlines()


def mutated_lines(draw, lines: list[str]) -> str:
    """The lines with one to three of them deleted, duplicated, re-indented, swapped or garbled."""
    lines = list(lines)
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        how = draw(st.sampled_from(["delete", "duplicate", "indent", "swap", "unicode"]))
        if how == "delete":
            del lines[i]
        elif how == "duplicate":
            lines.insert(i, lines[i])
        elif how == "indent":
            shift = draw(st.integers(-4, 4))
            lines[i] = lines[i][-shift:] if shift < 0 else " " * shift + lines[i]
        elif how == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            key_i, _, value_i = lines[i].partition(":")
            key_j, _, value_j = lines[j].partition(":")
            lines[i], lines[j] = f"{key_i}:{value_j}", f"{key_j}:{value_i}"
        else:
            text = draw(st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=8))
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + text + lines[i][at:]
        if not lines:
            lines = [""]
    return "\n".join(lines) + "\n"


@st.composite
def mutated_district(draw) -> str:
    """The scratch district file, mutated (mutated_lines)."""
    return mutated_lines(draw, district_lines())


YAML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
random_documents = YAML_VALUES.map(lambda value: yaml.safe_dump(value, allow_unicode=True))
random_text = st.text(max_size=200)


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def assert_clean_outcome(
    project: ScratchProject, district_yaml: str, relative: str = "data/districts/alpha.yaml"
) -> None:
    """Build with this text for the file: a complete new site, or errors naming a file (DataErrors, or a
    template's that render_error names) and the old site byte for byte."""
    site = project.paths.site
    before = site_files(site)
    (project.root / relative).write_text(district_yaml, encoding="utf-8")
    try:
        build_site(project.paths)
    except DataErrors as exc:
        assert exc.errors, "DataErrors without any error"
        for error in exc.errors:
            assert isinstance(error, DataError) and error.file and error.message and str(error)
            assert error.line >= 1 and error.column >= 1
        assert site_files(site) == before, "a failed build changed site/"
    except Exception as exc:  # only what rendering finds, named in its file, may come as another exception
        assert render_error(exc, project.root) is not None, f"{type(exc).__name__}: {exc}"
        assert site_files(site) == before, "a failed build changed site/"
    else:
        built = site_files(site)
        assert {"index.html", "en/index.html", "404.html"} <= built.keys(), "a build left a partial site/"
    assert sorted(p.name for p in site.parent.iterdir() if p.name.startswith(".")) == [], "staging left behind"


@pytest.fixture(scope="module")
def scratch_built() -> ScratchProject:
    """One scratch project for all examples (hypothesis runs many inputs through one test call)."""
    root = Path(tempfile.mkdtemp(prefix="hostile-yaml-"))
    project = ScratchProject(root / "project")
    build_site(project.paths)
    yield project
    shutil.rmtree(root)


PROPERTY_SETTINGS = settings(
    max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(district_yaml=mutated_district())
def test_mutated_yaml_builds_or_fails_cleanly(scratch_built, district_yaml):
    assert_clean_outcome(scratch_built, district_yaml)


@PROPERTY_SETTINGS
@given(district_yaml=random_documents | random_text)
def test_random_yaml_fails_cleanly(scratch_built, district_yaml):
    assert_clean_outcome(scratch_built, district_yaml)


# Every other kind of input file, mutated the same way: the topics, the sources and an archived text,
# the site's strings and settings, an about page and a template.
OTHER_INPUTS = [
    "data/topics.yaml",
    "data/sources.yaml",
    "data/sources/alpha-tasks.txt",
    "content/ui.yaml",
    "content/site.yaml",
    "content/about.en.md",
    "templates/topic.html",
]


@pytest.mark.parametrize("relative", OTHER_INPUTS)
def test_every_kind_of_input_file_mutated_builds_or_fails_cleanly(scratch_built, relative):
    original = (scratch_built.root / relative).read_text(encoding="utf-8")

    @settings(
        max_examples=12,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(data=st.data())
    def mutate_and_build(data):
        mutated = mutated_lines(data.draw, original.splitlines())
        try:
            assert_clean_outcome(scratch_built, mutated, relative)
        finally:
            (scratch_built.root / relative).write_text(original, encoding="utf-8")

    mutate_and_build()


def test_a_district_file_of_just_null_is_an_error_not_a_crash(project):
    """Found by the random-YAML property: such a file used to pass validation and crash the renderer."""
    project.write("data/districts/alpha.yaml", "null\n", dedent=False)
    with pytest.raises(DataErrors) as caught:
        build_site(project.paths)
    assert [str(e) for e in caught.value.errors] == [
        "data/districts/alpha.yaml:1:1: the file holds no district — write its id, name_zh, name_en and records"
    ]


def test_the_clean_outcome_check_catches_a_failed_build_that_touched_the_site(scratch_built, monkeypatch):
    """The property's own check: a build that writes part of site/ and then fails is caught."""

    def write_half_then_fail(write_into, site_dir):
        (site_dir / "index.html").write_bytes(b"<!doctype html>")
        raise DataErrors([DataError("data/districts/alpha.yaml", 1, 1, "", "failed halfway")])

    monkeypatch.setattr("pipeline.builder.write_site", write_half_then_fail)
    with pytest.raises(AssertionError, match="a failed build changed site/"):
        assert_clean_outcome(scratch_built, "\n".join(district_lines()) + "\n")


def test_an_about_page_link_to_another_host_is_marked_as_leaving_the_site():
    html = str(
        markdown_html(
            "[a report](https://example.com/r?a=1&b=2), [ours](https://site.test/data/), [data](/data/), "
            "[elsewhere](//other.example/x), [mail](mailto:editors@site.test)",
            "https://site.test",
        )
    )
    external = re.findall(r'<a class="external" href="([^"]*)"', html)
    assert external == ["https://example.com/r?a=1&amp;b=2", "//other.example/x"]
    assert html.count('rel="noopener noreferrer"') == 5  # every link keeps nh3's rel
