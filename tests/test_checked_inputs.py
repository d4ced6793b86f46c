"""Every file the build reads is checked like the data: content/ui.yaml, the about pages, the archived
texts, the templates, and files under data/ the build would not read. Each mistake ends in exit 1 with
the file named and no traceback, from `check` and `build` alike, and site/ is left as it was.

Seen to fail, every case, with the code before these checks (a traceback, or a build that went on:
the .yml district passed over in silence, the empty about page published).
"""
import re
import subprocess
import sys

import pytest

from conftest import ScratchProject
from pipeline.builder import build_site
from pipeline.paths import ROOT


def replace(relative: str, old: str, new: str):
    def edit(project: ScratchProject) -> None:
        path = project.root / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, (relative, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return edit


def write_bytes(relative: str, content: bytes):
    def edit(project: ScratchProject) -> None:
        (project.root / relative).write_bytes(content)
    return edit


def remove(relative: str):
    def edit(project: ScratchProject) -> None:
        (project.root / relative).unlink()
    return edit


def rename(relative: str, new_name: str):
    def edit(project: ScratchProject) -> None:
        path = project.root / relative
        path.rename(path.with_name(new_name))
    return edit


GBK = "乙区报告：新增就业1.08万人。\n".encode("gbk")

# (case, edit, the file and line the message must name, its words; commands that must refuse it)
CASES = [
    ("ui.yaml with a tab", replace("content/ui.yaml", "  en: ", "\ten: "), "content/ui.yaml:\\d+", "YAML syntax error"),
    ("ui.yaml with an unclosed quote", replace("content/ui.yaml", "site_title:\n  zh: ", 'site_title:\n  zh: "'),
     "content/ui.yaml:3:7", "this quote is not closed on its line"),
    ("ui.yaml without a language", replace("content/ui.yaml", "site_title:\n  zh: ", "site_title:\n  fr: "),
     "content/ui.yaml:\\d+:\\d+: site_title", "no zh text"),
    ("ui.yaml with a number for text", replace("content/ui.yaml", "copy_button:\n  zh: 复制", "copy_button:\n  zh: 5"),
     "content/ui.yaml:\\d+:\\d+: copy_button.zh", "expected text, got 5"),
    ("ui.yaml missing", remove("content/ui.yaml"), "content/ui.yaml:1:1", "missing"),
    ("about.en.md missing", remove("content/about.en.md"), "content/about.en.md:1:1", "missing"),
    ("about.zh.md empty", write_bytes("content/about.zh.md", b"\n  \n"), "content/about.zh.md:1:1", "empty"),
    ("about.en.md not UTF-8", write_bytes("content/about.en.md", b"# About\n\n" + GBK),
     "content/about.en.md:3:1", "not UTF-8"),
    ("an archived text in GBK", write_bytes("data/sources/beta-report.txt", GBK),
     "data/sources/beta-report.txt:1:1", "not UTF-8"),
    ("a template syntax error", replace("templates/topic.html", "{% if charts %}", "{% if charts %"),
     "templates/topic.html:\\d+", "template error"),
    ("a template's unknown filter", replace("templates/topic.html", "{{ topic['name_' + lang] }}",
                                            "{{ topic['name_' + lang] | shout }}"),
     "templates/topic.html:\\d+", "No filter named 'shout'"),
    ("a district saved as .yml", rename("data/districts/beta.yaml", "beta.yml"), "data/districts/beta.yml:1:1",
     "rename it to beta.yaml"),
    ("a stray file in data/", write_bytes("data/export.xlsx", b"PK\x03\x04"), "data/export.xlsx:1:1",
     "does not read"),
]


def run(project: ScratchProject, command: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), "--project", str(project.root), command],
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("edit, where, words", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_mistake_in_any_input_file_is_named_without_a_traceback(tmp_path, edit, where, words):
    project = ScratchProject(tmp_path / "project")
    build_site(project.paths)
    before = {p.relative_to(project.paths.site): p.read_bytes() for p in project.paths.site.rglob("*") if p.is_file()}
    edit(project)
    for command in ("check", "build"):
        result = run(project, command)
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr + result.stdout
        assert re.search(rf"(^|\n){where}[:\s].*{re.escape(words)}", result.stderr), (command, result.stderr)
    after = {p.relative_to(project.paths.site): p.read_bytes() for p in project.paths.site.rglob("*") if p.is_file()}
    assert after == before


def test_a_template_naming_an_unknown_variable_fails_the_build_at_its_line(tmp_path):
    """Jinja meets an unknown name only as a page is rendered: `build` names the template and line."""
    project = ScratchProject(tmp_path / "project")
    replace("templates/topic.html", "{{ topic['name_' + lang] }}", "{{ topic['name_' + lang] }}{{ no_such_name }}")(
        project)
    result = run(project, "build")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert re.search(r"templates/topic\.html:\d+: template error: 'no_such_name' is undefined", result.stderr)
