"""Hostile input, round two: a pull request's files as a deploy preview builds them, in the build's
environment. Every case ends in exit 1 from `build`, naming the file and line, with no traceback, within
30 s and 1 GB; nothing from outside the project (a file's text, the build's environment) appears in
what it prints or in site/, which stays as it was.

Seen to fail before the safe reader (pipeline/safe_files.py) and the checks at load: the archive linked to
/proc/self/environ published the environment on /sources/alpha-tasks/; a district file linked out printed
its target's first line under the error; the FIFO hung the build; {name.__class__.__mro__} published
Python's classes; 5,000 digits, a lone surrogate and 300 nested list levels ended in a traceback.
The git history, faults of the machine and `serve`: tests/test_hostile_history.py.
"""

import os
import re
import subprocess
import time
from pathlib import Path

import pytest
from conftest import ScratchProject
from test_bounded_parsing import run_measured
from test_checked_inputs import replace, write_bytes

from pipeline.builder import build_site

LIMIT_SECONDS = 30
LIMIT_MB = 1024
OUTSIDE_SECRET = "OUTSIDE-SECRET-7f3a"  # in a file beside the project, never part of it
ENV_SECRET = "ENV-SECRET-91c2"  # in the build's environment, as a deploy's token is
ALPHA = "data/districts/alpha.yaml"
ARCHIVE = "data/sources/alpha-tasks.txt"
UI_NAME_EN = 'en: "Every 2025 target and result of {name}, grouped by topic, each with its source text."'


def outside_file(project: ScratchProject) -> Path:
    """A file beside the project holding an archive's text and a secret, as /etc/passwd would be."""
    path = project.root.parent / "outside" / "secret.txt"
    path.parent.mkdir(exist_ok=True)
    text = (project.root / ARCHIVE).read_text(encoding="utf-8")
    path.write_text(f"{OUTSIDE_SECRET}\n{text}", encoding="utf-8")
    return path


def link(relative: str, to: str = "outside"):
    """Replace a file with a symbolic link: to the outside file, to the environment, into the project,
    or to nothing."""

    def edit(project: ScratchProject) -> None:
        path = project.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        target = {
            "outside": lambda: outside_file(project),
            "environ": lambda: Path("/proc/self/environ"),
            "inside": lambda: project.root / "data/topics.yaml",
            "nowhere": lambda: project.root / "no-such-file",
        }[to]()
        path.unlink(missing_ok=True)
        path.symlink_to(target)

    return edit


def special(relative: str, kind: str):
    """Replace a file with a FIFO or a folder of its name."""

    def edit(project: ScratchProject) -> None:
        path = project.root / relative
        path.unlink(missing_ok=True)
        os.mkfifo(path) if kind == "fifo" else path.mkdir()

    return edit


def linked_folder(project: ScratchProject) -> None:
    """data/sources/ itself a link to a folder outside, holding the archives' texts."""
    outside = outside_file(project).parent
    for text in (project.root / "data/sources").glob("*.txt"):
        (outside / text.name).write_text(OUTSIDE_SECRET + "\n" + text.read_text(encoding="utf-8"), encoding="utf-8")
    os.rename(project.root / "data/sources", project.root / "data/sources-old")
    (project.root / "data/sources").symlink_to(outside)


def append(relative: str, text: str):
    def edit(project: ScratchProject) -> None:
        with open(project.root / relative, "a", encoding="utf-8") as file:
            file.write(text)

    return edit


def ui(old_to_new: str):
    """district_description's English text replaced (written in double quotes: escapes work)."""
    return replace("content/ui.yaml", UI_NAME_EN, f'en: "{old_to_new}"')


def repeated_source(project: ScratchProject) -> None:
    """A source of one repeated character and a quote it does not hold: the nearest-passage search."""
    (project.root / ARCHIVE).write_text("1\t" + "增" * 1_500_000 + "\n", encoding="utf-8")
    replace(ALPHA, "quote: 地区生产总值增长5.5%。", "quote: " + "增" * 900 + "长")(project)


WHERE_UI = r"content/ui\.yaml:\d+:\d+: district_description\.en"
WHERE_ALPHA = r"data/districts/alpha\.yaml:\d+:\d+"
WHERE_ABOUT = r"content/about\.en\.md:\d+:\d+"
LONG_ID = "a" * 300

# (case, the edit, the file:line the message names (a regex), words of the message)
CASES = [
    # Files that are not what they seem: links out of the project, specials, the too large.
    ("archive linked to a file outside", link(ARCHIVE), r"data/sources/alpha-tasks\.txt:1:1", "symbolic link"),
    ("archive linked to /proc/self/environ", link(ARCHIVE, "environ"), r"data/sources/alpha-tasks\.txt:1:1", "link"),
    ("archive linked inside the project", link(ARCHIVE, "inside"), r"data/sources/alpha-tasks\.txt:1:1", "link"),
    ("archive a dangling link", link(ARCHIVE, "nowhere"), r"data/sources/alpha-tasks\.txt:1:1", "link"),
    ("archive a folder", special(ARCHIVE, "folder"), r"data/sources/alpha-tasks\.txt:1:1", "a folder, not a file"),
    ("archive a FIFO", special(ARCHIVE, "fifo"), r"data/sources/alpha-tasks\.txt:1:1", "a named pipe"),
    ("a new archive that is a FIFO", special("data/sources/x.txt", "fifo"), r"data/sources/x\.txt:1:1", "pipe"),
    ("data/sources/ linked to a folder outside", linked_folder, r"data/sources/alpha-tasks\.txt:1:1", "outside"),
    ("district linked to a file outside", link(ALPHA), r"data/districts/alpha\.yaml:1:1", "symbolic link"),
    ("district linked to /proc/self/environ", link(ALPHA, "environ"), r"data/districts/alpha\.yaml:1:1", "link"),
    ("a new district that is a FIFO", special("data/districts/g.yaml", "fifo"), r"data/districts/g\.yaml:1:1", "pipe"),
    (
        "a new district that is a folder",
        special("data/districts/g.yaml", "folder"),
        r"data/districts/g\.yaml:1:1",
        "folder",
    ),
    ("topics.yaml linked outside", link("data/topics.yaml"), r"data/topics\.yaml:1:1", "symbolic link"),
    ("sources.yaml a FIFO", special("data/sources.yaml", "fifo"), r"data/sources\.yaml:1:1", "pipe"),
    ("metrics.yaml linked to the environment", link("data/metrics.yaml", "environ"), r"data/metrics\.yaml:1:1", "link"),
    ("about.en.md linked outside", link("content/about.en.md"), r"content/about\.en\.md:1:1", "symbolic link"),
    (
        "about.zh.md linked to the environment",
        link("content/about.zh.md", "environ"),
        r"content/about\.zh\.md:1:1",
        "link",
    ),
    ("about.en.md a FIFO", special("content/about.en.md", "fifo"), r"content/about\.en\.md:1:1", "pipe"),
    ("about.zh.md a folder", special("content/about.zh.md", "folder"), r"content/about\.zh\.md:1:1", "folder"),
    ("ui.yaml linked outside", link("content/ui.yaml"), r"content/ui\.yaml:1:1", "symbolic link"),
    ("site.yaml linked to the environment", link("content/site.yaml", "environ"), r"content/site\.yaml:1:1", "link"),
    ("site.yaml a FIFO", special("content/site.yaml", "fifo"), r"content/site\.yaml:1:1", "pipe"),
    ("a template linked outside", link("templates/topic.html"), r"templates/topic\.html:1:1", "symbolic link"),
    ("a template that is a FIFO", special("templates/extra.html", "fifo"), r"templates/extra\.html:1:1", "pipe"),
    ("a stylesheet linked to the environment", link("assets/style.css", "environ"), r"assets/style\.css:1:1", "link"),
    ("an archive of 6 MB", write_bytes(ARCHIVE, b"x" * (6 * 2**20)), r"data/sources/alpha-tasks\.txt:1:1", "MB"),
    ("an about page of 40 KB", append("content/about.en.md", "word " * 8000), WHERE_ABOUT, "more than the 32 KB"),
    # Interface strings: only the placeholders each is filled with, written as is.
    ("ui: {name.__class__.__mro__}", ui("{name.__class__.__mro__}"), WHERE_UI, "{name.__class__.__mro__}"),
    ("ui: {name.__doc__}", ui("{name.__doc__}"), WHERE_UI, "is not one this string is filled with"),
    ("ui: {name:>300000000}", ui("{name:>300000000}"), WHERE_UI, "{name:>300000000}"),
    ("ui: {0}", ui("{0}"), WHERE_UI, "{0}"),
    ("ui: {}", ui("{} of"), WHERE_UI, "{}"),
    ("ui: {name!r}", ui("{name!r}"), WHERE_UI, "{name!r}"),
    ("ui: {name[0]}", ui("{name[0]}"), WHERE_UI, "{name[0]}"),
    ("ui: a field it is not filled with", ui("{topic}"), WHERE_UI, "it takes {name}"),
    ("ui: a brace left open", ui("{name"), WHERE_UI, "without its pair"),
    (
        "ui: a placeholder in a string that takes none",
        replace("content/ui.yaml", "not_found:", "not_found_x:\n  zh: x\n  en: '{name}'\nnot_found:"),
        r"content/ui\.yaml:\d+:\d+: not_found_x\.en",
        "it takes none",
    ),
    ("ui: a lone surrogate", ui("\\ud800"), r"content/ui\.yaml:\d+:\d+: district_description\.en", "U+D800"),
    ("ui: a right-to-left override", ui("\\u202e{name}"), WHERE_UI, "U+202E"),
    # Values made safe at load: numbers a figure can be, characters text needs.
    ("a value of 5,000 digits", replace(ALPHA, "value: 18000", "value: " + "9" * 5000), WHERE_ALPHA, "5000 digits"),
    (
        "a value of 1.5e308 written out",
        replace(ALPHA, "value: 18000", f"value: 15{'0' * 307}.0"),
        WHERE_ALPHA,
        "digits",
    ),
    ("a value of 1e32 written out", replace(ALPHA, "value: 18000", f"value: 1{'0' * 32}"), WHERE_ALPHA, "33 digits"),
    (
        "a value of 1e32 in quote and value",
        replace(ALPHA, "value: 5.5", f"value: 1{'0' * 32}.5"),
        WHERE_ALPHA,
        "digits",
    ),
    ("a value of 9 decimals", replace(ALPHA, "value: 5.5", "value: 5.500000001"), WHERE_ALPHA, "9 decimals"),
    (
        "a task number of 5,000 digits",
        replace(ALPHA, "task_no: 1\n", f"task_no: {'1' * 5000}\n"),
        WHERE_ALPHA,
        "digits",
    ),
    ("an order of 20 digits", replace(ALPHA, "order: 1\n", f"order: {'1' * 20}\n"), WHERE_ALPHA, "20 digits"),
    (
        "a lone surrogate in a label",
        replace(ALPHA, "label_en: GDP growth", 'label_en: "GDP \\ud800"'),
        WHERE_ALPHA,
        "U+D800",
    ),
    (
        "a right-to-left override in a label",
        replace(ALPHA, "label_en: GDP growth", "label_en: GDP \u202e5.5"),
        WHERE_ALPHA,
        "U+202E",
    ),
    (
        "a left-to-right isolate in a summary",
        replace(ALPHA, "summary_en: Grow", "summary_en: \u2066Grow"),
        WHERE_ALPHA,
        "U+2066",
    ),
    (
        "a \\x01 in a quote",
        replace(ALPHA, "quote: 地区生产总值增长5.5%。", 'quote: "地区\\x01生产"'),
        WHERE_ALPHA,
        "U+0001",
    ),
    ("an ESC in a name", replace(ALPHA, "name_en: Alpha District", 'name_en: "Alpha \\e[31m"'), WHERE_ALPHA, "U+001B"),
    (
        "a C1 control in a name",
        replace(ALPHA, "name_en: Alpha District", 'name_en: "Alpha \\x9b"'),
        WHERE_ALPHA,
        "U+009B",
    ),
    ("a form feed in a lead unit", replace(ALPHA, "[区发改局]", '["区\\f发改局"]'), WHERE_ALPHA, "U+000C"),
    (
        "a non-character in a label",
        replace(ALPHA, "label_zh: 城镇新增就业", 'label_zh: "\\uffff"'),
        WHERE_ALPHA,
        "U+FFFF",
    ),
    (
        "a direction mark in a key",
        replace(ALPHA, "order: 1", "ord\u202eer: 1"),
        WHERE_ALPHA,
        "a key must be a plain name",
    ),
    (
        "an override in a topic's name",
        replace("data/topics.yaml", "name_en: GDP\n", "name_en: G\u202eDP\n"),
        r"data/topics\.yaml:\d+:\d+",
        "U+202E",
    ),
    (
        "a control in a source's title",
        replace("data/sources.yaml", "title_en: Alpha district key tasks for 2025", 'title_en: "Alpha \\x07 district"'),
        r"data/sources\.yaml:\d+:\d+",
        "U+0007",
    ),
    # Ids bounded: each names a folder of the site.
    (
        "a topic id of 300 characters",
        replace("data/topics.yaml", "- id: ai\n", f"- id: {LONG_ID}\n"),
        r"data/topics\.yaml:\d+:\d+",
        "more than the 80 this field may have — an id names a folder",
    ),
    (
        "a source id of 300 characters",
        replace("data/sources.yaml", "- id: beta-report", f"- id: beta-{LONG_ID}"),
        r"data/sources\.yaml:\d+:\d+",
        "more than the 80 this field may have — an id names a folder",
    ),
    (
        "a record id of 300 characters",
        replace(ALPHA, "- id: alpha-ai-zone", f"- id: alpha-{LONG_ID}"),
        WHERE_ALPHA,
        "more than the 80 this field may have — an id names a folder",
    ),
    # The repository and branch the report and edit links are made from.
    (
        "a repository of ../..",
        replace("content/site.yaml", 'repository: ""', 'repository: "https://github.com/../.."'),
        r"content/site\.yaml:\d+:\d+: repository",
        "GitHub repository",
    ),
    (
        "a repository owner starting with a hyphen",
        replace("content/site.yaml", 'repository: ""', 'repository: "https://github.com/-x/y"'),
        r"content/site\.yaml:\d+:\d+: repository",
        "GitHub repository",
    ),
    (
        "a branch of ../../",
        replace("content/site.yaml", "branch: main", 'branch: "../../x"'),
        r"content/site\.yaml:\d+:\d+: branch",
        "not a branch",
    ),
    (
        "a branch with a line break",
        replace("content/site.yaml", "branch: main", 'branch: "main\\nx"'),
        r"content/site\.yaml:\d+:\d+: branch",
        "not a branch",
    ),
    (
        "a branch with a surrogate",
        replace("content/site.yaml", "branch: main", 'branch: "ma\\udc80in"'),
        r"content/site\.yaml:\d+:\d+",
        "U+DC80",
    ),
    (
        "a branch of 200 characters",
        replace("content/site.yaml", "branch: main", "branch: " + "b" * 200),
        r"content/site\.yaml:\d+:\d+: branch",
        "not a branch",
    ),
    # The about page: nothing from another host, nothing that hangs or overflows its parser.
    (
        "about: another host's image",
        append("content/about.en.md", "\n![x](https://evil.example/p.png)\n"),
        WHERE_ABOUT,
        "another host",
    ),
    (
        "about: a protocol-relative image",
        append("content/about.en.md", '\n<img alt="" src="//evil.example/p.png">\n'),
        WHERE_ABOUT,
        "another host",
    ),
    (
        "about: a frame",
        append("content/about.en.md", '\n<iframe\n  src="https://evil.example/"></iframe>\n'),
        WHERE_ABOUT,
        "another host",
    ),
    (
        "about: a script",
        append("content/about.en.md", '\n<script src="https://evil.example/x.js"></script>\n'),
        WHERE_ABOUT,
        "another host",
    ),
    (
        "about: a stylesheet",
        append("content/about.en.md", '\n<link rel="stylesheet" href="https://evil.example/x.css">\n'),
        WHERE_ABOUT,
        "another host",
    ),
    (
        "about: a style element",
        append("content/about.en.md", "\n<style>@import url(https://evil.example/x.css)</style>\n"),
        WHERE_ABOUT,
        "another host",
    ),
    ("about: 30,000 [", append("content/about.en.md", "\n" + "[" * 30_000 + "\n"), WHERE_ABOUT, "more than the 32 KB"),
    ("about: 3,000 [", append("content/about.en.md", "\n" + "[" * 3_000 + "\n"), WHERE_ABOUT, "too many to parse"),
    ("about: 1,000 <a", append("content/about.en.md", "\n" + "<a " * 1_000 + "\n"), WHERE_ABOUT, "too many to parse"),
    (
        "about: 300 nested lists",
        append("content/about.en.md", "\n" + "- " * 300 + "x\n"),
        WHERE_ABOUT,
        "nested",
    ),
    (
        "about: 100 nested lists by indentation",
        append("content/about.en.md", "\n" + "".join("  " * i + "- x\n" for i in range(100))),
        WHERE_ABOUT,
        "nested",
    ),
    ("about: 300 nested quotes", append("content/about.en.md", "\n" + ">" * 300 + " x\n"), WHERE_ABOUT, "nested"),
    ("about: a right-to-left override", append("content/about.en.md", "\nGrowth \u202e5.5%\n"), WHERE_ABOUT, "U+202E"),
    # An archived text is published as it is: no control or direction character.
    (
        "an archive with a right-to-left override",
        append(ARCHIVE, "4\t增长\u202e5.5%\n"),
        r"data/sources/alpha-tasks\.txt:6:5",
        "U+202E",
    ),
    ("an archive with an ESC", append(ARCHIVE, "4\t\x1b[2J\n"), r"data/sources/alpha-tasks\.txt:6:3", "U+001B"),
    # The nearest-passage search, bounded.
    ("a quote absent from a source of one character", repeated_source, WHERE_ALPHA, "copy it exactly"),
]


def run_build(project: ScratchProject) -> tuple[subprocess.CompletedProcess, float, int]:
    """build.py build on the project, a secret in its environment: result, seconds, peak MB."""
    started = time.monotonic()
    environment = os.environ | {"HOSTILE_SECRET": ENV_SECRET}
    result, peak_mb, _ = run_measured(project.root, "build", env=environment, timeout=120)  # wall time: a hang
    return result, time.monotonic() - started, peak_mb


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The scratch project, built once; each case works on a copy of it."""
    project = ScratchProject(tmp_path_factory.mktemp("hostile-files") / "project")
    build_site(project.paths)
    return project.root


def test_there_are_sixty_cases_over_every_kind_of_input():
    files = {re.sub(r"[\\]", "", where).split(":")[0] for _, _, where, _ in CASES}
    assert len(CASES) >= 60
    for kind in (
        "data/districts/",
        "data/topics",
        "data/sources",
        "content/ui",
        "content/site",
        "content/about",
        "templates/",
        "assets/",
    ):
        assert any(f.startswith(kind) for f in files), kind


@pytest.mark.parametrize("edit, where, words", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_hostile_file_is_refused_in_one_line(tmp_path, built, edit, where, words):
    project = ScratchProject.copy_of(built, tmp_path / "project")
    before = site_files(project.paths.site)
    edit(project)
    result, seconds, peak_mb = run_build(project)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output[-2000:]
    assert "Traceback" not in output and "unexpected error" not in output, output[-2000:]
    assert re.search(rf"(^|\n){where}[:\s].*{re.escape(words)}", result.stderr), result.stderr[-2000:]
    assert OUTSIDE_SECRET not in output and ENV_SECRET not in output
    assert seconds < LIMIT_SECONDS and peak_mb < LIMIT_MB, (seconds, peak_mb)
    assert site_files(project.paths.site) == before
    assert [p.name for p in project.root.iterdir() if p.name.startswith(".site")] == []
