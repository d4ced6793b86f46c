"""Every file the build reads, checked like a compiler would: the district files, topics, sources and
their archived texts, content/ (ui.yaml, site.yaml, the about pages), the templates, and files under
data/ the build would not read. Each mistake, of the 60 and more below, ends in exit 1 from `check` and
from `build` alike, within 5 s of CPU and 300 MB, naming the file and line, with no traceback; site/ is left
as it was. (Inputs made to exhaust the parser: tests/test_bounded_parsing.py.)

Seen to fail, every case of the first thirteen, with the code before these checks (a traceback, or a
build that went on: the .yml district passed over in silence, the empty about page published); a
template's unknown name and a string missing from ui.yaml passed `check` until it rendered a page of
each kind.
"""

import re
import subprocess
from urllib.parse import unquote

import pytest
from conftest import ScratchProject
from test_bounded_parsing import LIMIT_MB, LIMIT_SECONDS, run_measured

import build
from pipeline.builder import build_site


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
ALPHA = "data/districts/alpha.yaml"
BETA = "data/districts/beta.yaml"
A = r"data/districts/alpha\.yaml"


def district(text: str):
    """The alpha district file replaced whole."""
    return write_bytes(ALPHA, ("id: alpha\nname_zh: 甲区\nname_en: Alpha District\norder: 1\n" + text).encode("utf-8"))


def with_bom_and_crlf(relative: str, old: str, new: str):
    def edit(project: ScratchProject) -> None:
        path = project.root / relative
        text = path.read_text(encoding="utf-8").replace(old, new, 1)
        path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))

    return edit


# (case, edit, the file and line the message must name, its words)
CASES = [
    # A district file: YAML syntax
    ("a tab for indentation", replace(ALPHA, "    topic: gdp", "\ttopic: gdp"), A + ":7:1", "a tab"),
    (
        "an unclosed quote",
        replace(ALPHA, "label_zh: 地区生产总值增长", 'label_zh: "地区生产总值增长'),
        A + ":15:15",
        "this quote is not closed",
    ),
    (
        "a line indented too far",
        replace(ALPHA, "    label_en: GDP growth", "      label_en: GDP growth"),
        A + ":16:15",
        "indented further",
    ),
    (
        "a line indented too little",
        replace(ALPHA, "    quote: 地区生产总值增长5.5%。", "   quote: 地区生产总值增长5.5%。"),
        A + ":18:4",
        "does not line up",
    ),
    (
        "a duplicated key",
        replace(ALPHA, "    unit: people\n", "    unit: people\n    unit: people\n"),
        A + ":29:5",
        "duplicate key",
    ),
    (
        "a BOM and CRLF line ends with a wrong value",
        with_bom_and_crlf(ALPHA, "value: 5.5\n", "value: 5.5%\n"),
        A + ":12:12",
        "expected a number",
    ),
    # A district file: shape and types
    ("an empty district file", write_bytes(ALPHA, b""), A + ":1:1", "empty"),
    ("a district file of null", write_bytes(ALPHA, b"null\n"), A + ":1:1", "holds no district"),
    ("a list for a district", write_bytes(ALPHA, b"- alpha\n- beta\n"), A + ":1:1", "expected the district's fields"),
    ("records written as a mapping", district("records: {first: 1}\n"), A + ":5:10", "expected a list of records"),
    (
        "a number where text goes",
        replace(ALPHA, "label_en: GDP growth", "label_en: 5"),
        A + ":16:15",
        "expected text, got 5",
    ),
    ("a value written as text", replace(ALPHA, "value: 5.5\n", 'value: "5.5%"\n'), A + ":12:12", "expected a number"),
    (
        "a period without quotes",
        replace(ALPHA, 'period: "2025"', "period: 2025"),
        A + ":9:13",
        'write it in quotes: "2025"',
    ),
    ("an unknown kind", replace(ALPHA, "kind: target", "kind: goal"), A + ":8:11", "'goal' is not allowed here"),
    (
        "an unknown unit",
        replace(ALPHA, "unit: percent", "unit: percents"),
        A + ":13:11",
        "'percents' is not allowed here",
    ),
    (
        "an unknown bound",
        replace(ALPHA, "bound: exact", "bound: roughly"),
        A + ":14:12",
        "'roughly' is not allowed here",
    ),
    (
        "lead units written as text",
        replace(ALPHA, "lead_units: [区发改局]", "lead_units: 区发改局"),
        A + ":21:17",
        "expected a list",
    ),
    (
        "an unknown field",
        replace(ALPHA, "    task_no: 2\n", "    task_no: 2\n    colour: red\n"),
        A + ":36:5",
        "unknown field 'colour'",
    ),
    (
        "a required field left out",
        replace(ALPHA, "    label_en: New urban jobs\n", ""),
        A + ":22:5",
        "this required field is missing",
    ),
    (
        "a value without its unit",
        replace(ALPHA, "    unit: people\n", ""),
        A + ":22:5",
        "value, unit and bound go together",
    ),
    (
        "a label of a megabyte",
        replace(ALPHA, "label_en: GDP growth", "label_en: " + "GDP-" * 250_000),
        A + ":16:15",
        "1000000 characters, more than the 160",
    ),
    ("a task number of zero", replace(ALPHA, "task_no: 1", "task_no: 0"), A + ":20:14", "0 is too small"),
    # A district file: what it refers to, and what it says
    ("an unknown topic", replace(ALPHA, "topic: gdp", "topic: gdpp"), A + ":7:12", "did you mean 'gdp'"),
    (
        "an unknown source",
        replace(ALPHA, "source: alpha-tasks", "source: alpha-task"),
        A + ":19:13",
        "did you mean 'alpha-tasks'",
    ),
    (
        "a district id unlike its file",
        replace(ALPHA, "id: alpha\n", "id: alfa\n"),
        A + ":1:5",
        "does not match the file name",
    ),
    (
        "a record id used twice",
        replace(ALPHA, "id: alpha-new-jobs", "id: alpha-gdp-growth"),
        A + ":22:9",
        "duplicate id 'alpha-gdp-growth'",
    ),
    (
        "a record id of another district",
        replace(ALPHA, "id: alpha-new-jobs", "id: beta-new-jobs"),
        A + ":22:9",
        "does not start with the district id",
    ),
    (
        "a quote its source does not hold",
        replace(ALPHA, "quote: 力争城镇新增就业1.8万人。", "quote: 力争城镇新增就业2万人。"),
        A + ":33:12",
        "the quote is not in the text of 'alpha-tasks'",
    ),
    (
        "a figure its quote does not say",
        replace(ALPHA, "value: 18000", "value: 20000"),
        A + ":27:12",
        "does not contain the figure 2万人",
    ),
    ("a figure without its 万", replace(ALPHA, "value: 18000", "value: 1.8"), A + ":27:12", "the value lacks its 万"),
    # A district file: encodings and bytes
    (
        "a district file in GBK",
        write_bytes(ALPHA, "id: alpha\nname_zh: 甲区\n".encode("gbk")),
        A + ":2:1",
        "save it as UTF-8",
    ),
    ("a NUL byte", write_bytes(ALPHA, b"id: alpha\x00\n"), A + ":1:10", "a character YAML does not allow"),
    (
        "a picture saved as a district",
        write_bytes(ALPHA, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        A + ":1:1",
        "not UTF-8",
    ),
    ("a district saved as .yml", rename(BETA, "beta.yml"), r"data/districts/beta\.yml:1:1", "rename it to beta.yaml"),
    (
        "a stray file in data/",
        write_bytes("data/export.xlsx", b"PK\x03\x04"),
        r"data/export\.xlsx:1:1",
        "does not read",
    ),
    # data/topics.yaml
    (
        "a topic id used twice",
        replace("data/topics.yaml", "- id: employment", "- id: gdp"),
        r"data/topics\.yaml:7:7",
        "duplicate id 'gdp'",
    ),
    (
        "a topic without its English name",
        replace("data/topics.yaml", "  name_en: Artificial intelligence\n", ""),
        r"data/topics\.yaml:13:3",
        "this required field is missing",
    ),
    (
        "a topic with an unknown field",
        replace(
            "data/topics.yaml",
            "  headline: true\n",
            "  headline: true\n  colour: red\n",
        ),
        r"data/topics\.yaml:\d+",
        "colour",
    ),
    (
        "topics as a mapping",
        write_bytes("data/topics.yaml", b"gdp: GDP\n"),
        r"data/topics\.yaml:1:1",
        "expected a list",
    ),
    ("an empty topics file", write_bytes("data/topics.yaml", b""), r"data/topics\.yaml:1:1", "empty"),
    (
        "topics with a tab",
        replace("data/topics.yaml", "  name_zh: 就业", "\tname_zh: 就业"),
        r"data/topics\.yaml:\d+",
        "a tab",
    ),
    # data/sources.yaml and the archived texts
    (
        "a source of an unknown district",
        replace("data/sources.yaml", "district: beta", "district: betta"),
        r"data/sources\.yaml:13:13",
        "unknown district 'betta'",
    ),
    (
        "a date that is no date",
        replace("data/sources.yaml", 'date: "2025-07-11"', 'date: "2025-13-11"'),
        r"data/sources\.yaml:17:9",
        "is not a date",
    ),
    (
        "an unclosed quote in sources",
        replace("data/sources.yaml", 'date: "2025-07-11"', 'date: "2025-07-11'),
        r"data/sources\.yaml:\d+:\d+",
        "quote",
    ),
    (
        "an address that is no address",
        replace("data/sources.yaml", "archive: beta-report.txt", "archive: beta-report.txt\n  url: www.example.org"),
        r"data/sources\.yaml:21:8",
        "is not a web address",
    ),
    (
        "an unknown kind of source",
        replace("data/sources.yaml", "kind: midyear-report", "kind: memo"),
        r"data/sources\.yaml:14:9",
        "'memo' is not allowed here",
    ),
    (
        "a source id used twice",
        replace("data/sources.yaml", "- id: beta-report", "- id: alpha-tasks"),
        r"data/sources\.yaml:\d+:\d+",
        "duplicate id 'alpha-tasks'",
    ),
    (
        "an archive that is not there",
        replace("data/sources.yaml", "archive: beta-report.txt", "archive: beta-lost.txt"),
        r"data/sources\.yaml:20:12",
        "no archived text data/sources/beta-lost.txt",
    ),
    (
        "an archived text deleted",
        remove("data/sources/alpha-tasks.txt"),
        r"data/sources\.yaml:11:12",
        "no archived text data/sources/alpha-tasks.txt",
    ),
    (
        "an archived text in GBK",
        write_bytes("data/sources/beta-report.txt", GBK),
        r"data/sources/beta-report\.txt:1:1",
        "not UTF-8",
    ),
    (
        "an empty archived text",
        write_bytes("data/sources/beta-report.txt", b""),
        r"data/districts/beta\.yaml:19:12",
        "the quote is not in the text of 'beta-report'",
    ),
    # content/ui.yaml
    ("ui.yaml with a tab", replace("content/ui.yaml", "  en: ", "\ten: "), r"content/ui\.yaml:\d+", "a tab"),
    (
        "ui.yaml with an unclosed quote",
        replace("content/ui.yaml", "site_title:\n  zh: ", 'site_title:\n  zh: "'),
        r"content/ui\.yaml:4:7",
        "this quote is not closed on its line",
    ),
    (
        "ui.yaml without a language",
        replace("content/ui.yaml", "site_title:\n  zh: ", "site_title:\n  fr: "),
        r"content/ui\.yaml:\d+:\d+: site_title",
        "no zh text",
    ),
    (
        "ui.yaml with a number for text",
        replace("content/ui.yaml", "copy_button:\n  zh: 复制", "copy_button:\n  zh: 5"),
        r"content/ui\.yaml:\d+:\d+: copy_button.zh",
        "expected text, got 5",
    ),
    (
        "ui.yaml without a string a page uses",
        replace("content/ui.yaml", "search_title:\n  zh: 搜索\n  en: Search\n", ""),
        r"content/ui\.yaml:1:1: search_title",
        "no such string",
    ),
    (
        "ui.yaml without a string a template uses",
        replace("content/ui.yaml", "nav_search:\n  zh: 搜索\n  en: Search\n", ""),
        r"content/ui\.yaml:1:1: nav_search",
        "no such string",
    ),
    (
        "ui.yaml with a third language",
        replace("content/ui.yaml", "site_title:\n  zh: ", "site_title:\n  fr: x\n  zh: "),
        r"content/ui\.yaml:\d+:\d+: site_title.fr",
        "unknown language",
    ),
    ("ui.yaml as a list", write_bytes("content/ui.yaml", b"- site_title\n"), r"content/ui\.yaml:1:1", "expected"),
    ("ui.yaml missing", remove("content/ui.yaml"), r"content/ui\.yaml:1:1", "missing"),
    # content/site.yaml
    (
        "a repository that is not on GitHub",
        replace("content/site.yaml", 'repository: ""', 'repository: "gitlab.com/x/y"'),
        r"content/site\.yaml:\d+:\d+: repository",
        "GitHub",
    ),
    (
        "an unknown setting",
        replace("content/site.yaml", "branch: main", "branch: main\ntheme: dark"),
        r"content/site\.yaml:\d+:\d+: theme",
        "unknown setting",
    ),
    (
        "an empty branch",
        replace("content/site.yaml", "branch: main", 'branch: ""'),
        r"content/site\.yaml:\d+:\d+: branch",
        "no branch",
    ),
    ("settings as a list", write_bytes("content/site.yaml", b"- main\n"), r"content/site\.yaml:1:1", "expected"),
    (
        "a setting that is a number",
        replace("content/site.yaml", "branch: main", "branch: 5"),
        r"content/site\.yaml:\d+:\d+: branch",
        "expected text",
    ),
    # content/about.*.md
    ("about.en.md missing", remove("content/about.en.md"), r"content/about\.en\.md:1:1", "missing"),
    ("about.zh.md empty", write_bytes("content/about.zh.md", b"\n  \n"), r"content/about\.zh\.md:1:1", "empty"),
    (
        "about.en.md not UTF-8",
        write_bytes("content/about.en.md", b"# About\n\n" + GBK),
        r"content/about\.en\.md:3:1",
        "not UTF-8",
    ),
    # templates/
    (
        "a template syntax error",
        replace("templates/topic.html", "{% if charts %}", "{% if charts %"),
        r"templates/topic\.html:\d+",
        "template error",
    ),
    (
        "a template's unknown filter",
        replace(
            "templates/topic.html", "{{ topic | in_lang('name', lang) }}", "{{ topic | in_lang('name', lang) | shout }}"
        ),
        r"templates/topic\.html:\d+",
        "No filter named 'shout'",
    ),
    (
        "a template's unknown name",
        replace(
            "templates/topic.html",
            "{{ topic | in_lang('name', lang) }}",
            "{{ topic | in_lang('name', lang) }}{{ no_such_name }}",
        ),
        r"templates/topic\.html:4:1",
        "'no_such_name' is undefined",
    ),
    (
        "a template that is not there",
        remove("templates/search.html"),
        r"templates/search\.html:1:1",
        "the template is missing",
    ),
]


def run(project: ScratchProject, command: str) -> tuple[subprocess.CompletedProcess, float, int]:
    """build.py's command on the project: its result, CPU seconds taken and peak memory in MB."""
    result, peak_mb, seconds = run_measured(project.root, command)
    return result, seconds, peak_mb


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The scratch project, built once; each case works on a copy of it."""
    project = ScratchProject(tmp_path_factory.mktemp("checked") / "project")
    build_site(project.paths)
    return project.root


def test_there_are_sixty_cases_over_every_kind_of_input():
    files = {re.sub(r"[\\]", "", c[2]).split(":")[0] for c in CASES}
    assert len(CASES) >= 60
    for kind in (
        "data/districts/",
        "data/topics.yaml",
        "data/sources.yaml",
        "data/sources/",
        "content/ui.yaml",
        "content/site.yaml",
        "content/about.",
        "templates/",
    ):
        assert any(f.startswith(kind) for f in files), kind


@pytest.mark.parametrize("edit, where, words", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_mistake_in_any_input_file_is_named_without_a_traceback(tmp_path, built, edit, where, words):
    project = ScratchProject.copy_of(built, tmp_path / "project")
    before = {p.relative_to(project.paths.site): p.read_bytes() for p in project.paths.site.rglob("*") if p.is_file()}
    edit(project)
    for command in ("check", "build"):
        result, seconds, peak_mb = run(project, command)
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr + result.stdout
        assert re.search(rf"(^|\n){where}[:\s].*{re.escape(words)}", result.stderr), (command, result.stderr)
        assert seconds < LIMIT_SECONDS and peak_mb < LIMIT_MB, (command, seconds, peak_mb)
    after = {p.relative_to(project.paths.site): p.read_bytes() for p in project.paths.site.rglob("*") if p.is_file()}
    assert after == before


def as_text(annotation: str) -> str:
    """A GitHub annotation of `check --format github` read back as "file:line:col: message"."""
    found = re.fullmatch(r"::error(?: file=([^,:]*),line=(\d+),col=(\d+))?::(.*)", annotation)
    assert found, annotation
    file, line, column, message = (unquote(part) if part else part for part in found.groups())
    return f"{file}:{line}:{column}: {message}" if file else message


@pytest.mark.parametrize("edit, where, words", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_mistake_in_any_input_file_is_a_github_annotation_at_its_line(tmp_path, built, capsys, edit, where, words):
    """The same mistakes, as CI reports them in a pull request (build.py check --format github)."""
    project = ScratchProject.copy_of(built, tmp_path / "project")
    edit(project)
    assert build.main(["--project", str(project.root), "check", "--format", "github"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines and all(line.startswith("::error ") or line.startswith("::error::") for line in lines), lines
    text = "\n".join(as_text(line) for line in lines)
    assert "Traceback" not in text
    assert re.search(rf"(^|\n){where}[:\s].*{re.escape(words)}", text), text
