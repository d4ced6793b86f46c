"""`build.py diff <ref>`: data changes in plain words, against a real git repository made in tmp_path."""

import subprocess
import sys

import pytest

from pipeline.datadiff import GitError, data_diff
from pipeline.paths import ROOT

ALPHA = "data/districts/alpha.yaml"
BETA = "data/districts/beta.yaml"


@pytest.fixture
def repo(project, tmp_path):
    """The scratch project committed in a git repository whose root is one folder above the project."""

    def git(*args: str) -> str:
        result = subprocess.run(
            ["git", "-c", "user.name=Editor", "-c", "user.email=editor@example.org", *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout

    git("init", "--quiet", "--initial-branch=main")
    git("add", "project")
    git("commit", "--quiet", "-m", "Scratch data")
    return git


def commit_all(repo, message: str) -> None:
    repo("add", "project")
    repo("commit", "--quiet", "-m", message)


def diff(project, ref: str = "main"):
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--project", str(project.root), "diff", ref],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_no_changes(repo, project):
    assert data_diff(project.paths, "main") == "No data changes between main and the working tree.\n"


def test_records_added_removed_and_changed(repo, project):
    # A corrected transcription: the archived text, the quote and the figure change together.
    project.edit("data/sources/alpha-tasks.txt", "地区生产总值增长5.5%。", "地区生产总值增长6%。")
    project.edit(ALPHA, "    value: 5.5\n", "    value: 6.0\n")
    project.edit(ALPHA, "summary_en: Grow GDP by 5.5%.", "summary_en: Grow GDP by 6%.")
    project.edit(ALPHA, "quote: 地区生产总值增长5.5%。", "quote: 地区生产总值增长6%。")
    ai_zone = (project.root / ALPHA).read_text(encoding="utf-8").split("  - id: alpha-ai-zone\n")[1]
    ai_zone = ai_zone.split("lead_units_en:")[0]  # the last record, before the file's English unit names
    project.edit(ALPHA, "  - id: alpha-ai-zone\n" + ai_zone, "")
    with (project.root / BETA).open("a", encoding="utf-8") as beta:
        beta.write("""\
  - id: beta-h1-new-jobs
    topic: employment
    kind: actual
    period: "2025-H1"
    value: 10800
    unit: people
    bound: exact
    label_zh: 上半年新增就业
    label_en: New jobs in the first half
    summary_en: 10,800 new jobs in the first half.
    quote: 新增就业 1.08 万人
    source: beta-report
""")
    project.edit("data/topics.yaml", "name_en: Artificial intelligence", "name_en: AI")

    result = diff(project)
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout
        == """\
Data changes from main to the working tree:

Records
  + beta beta-h1-new-jobs (actual, 2025-H1): 上半年新增就业 / New jobs in the first half — 10800 people
  - alpha alpha-ai-zone (target, 2025): 人工智能应用示范区 / AI application zone — no figure
  ~ alpha alpha-gdp-growth: value 5.5 → 6.0 percent
  ~ alpha alpha-gdp-growth: summary_en Grow GDP by 5.5%. → Grow GDP by 6%.
  ~ alpha alpha-gdp-growth: quote 地区生产总值增长5.5%。 → 地区生产总值增长6%。

Topics
  ~ topic ai: name_en Artificial intelligence → AI

Sources
  ~ archived text data/sources/alpha-tasks.txt: 1 line(s) added, 1 removed
"""
    )


def test_sources_and_districts_added(repo, project):
    project.write("data/sources/beta-plan.txt", "乙区2025年计划\n新增就业超2万人。\n", dedent=False)
    with (project.root / "data/sources.yaml").open("a", encoding="utf-8") as sources:
        sources.write(
            "- id: beta-plan\n  district: beta\n  kind: work-report\n  title_zh: 乙区2025年计划\n"
            "  title_en: Beta district plan for 2025\n  period_zh: 2025年目标\n  period_en: Targets for 2025\n"
            "  archive: beta-plan.txt\n"
        )
    project.write(
        "data/districts/gamma.yaml",
        """\
        id: gamma
        name_zh: 丙区
        name_en: Gamma District
        """,
    )
    project.edit(BETA, "order: 2", "order: 3")
    assert (
        data_diff(project.paths, "main")
        == """\
Data changes from main to the working tree:

Districts
  ~ district beta: order 2 → 3
  + district added: gamma (丙区 / Gamma District, 0 records)

Sources
  + source added: beta-plan (乙区2025年计划 / Beta district plan for 2025)
  + archived text added: data/sources/beta-plan.txt (2 lines)
"""
    )


def test_an_invalid_old_side_is_named_and_still_compared(repo, project):
    project.edit(ALPHA, "    value: 5.5\n", "    value: 5.5%\n")
    commit_all(repo, "Broken value")
    project.edit(ALPHA, "    value: 5.5%\n", "    value: 5.5\n")
    assert (
        data_diff(project.paths, "main")
        == """\
Note: the data in main does not validate (1 problem(s)); what can be read is compared.
    main:data/districts/alpha.yaml:12:12: alpha-gdp-growth.value: expected a number, got the text '5.5%' \
— write the bare number in base units, without quotes, % or unit words (5.5, 18000, 70000000000)

Data changes from main to the working tree:

Records
  ~ alpha alpha-gdp-growth: value 5.5% → 5.5 percent
"""
    )


def test_a_file_that_cannot_be_read_is_left_out_not_shown_as_all_new(repo, project):
    project.edit(ALPHA, "    label_zh: 城镇新增就业\n", "    label_zh: [城镇新增就业\n")
    commit_all(repo, "Broken YAML")
    project.edit(ALPHA, "    label_zh: [城镇新增就业\n", "    label_zh: 城镇新增就业\n")
    output = data_diff(project.paths, "main")
    assert output.startswith(
        "Note: the data in main does not validate (1 problem(s)); what can be read is compared.\n"
        "    main:data/districts/alpha.yaml:31:"
    )
    assert output.endswith(
        "Districts\n  ! data/districts/alpha.yaml cannot be read in main; its changes are not shown\n"
    )
    assert "alpha-gdp-growth" not in output


def test_an_unknown_ref_is_an_error(repo, project):
    result = diff(project, "no-such-branch")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("cannot read the data at 'no-such-branch': ")
    with pytest.raises(GitError):
        data_diff(project.paths, "--output=x")


def test_a_topics_facets_are_compared_one_by_one(repo, project):
    project.edit(
        "data/topics.yaml",
        "  description_en: AI.\n",
        """\
  description_en: AI.
  facets:
    - id: computing
      name_zh: 算力
      name_en: Computing power
      keywords: [算力]
""",
    )
    commit_all(repo, "Facets")
    project.edit(
        "data/topics.yaml",
        "keywords: [算力]\n",
        """\
keywords: [算力, 智算]
    - id: robots
      name_zh: 机器人
      name_en: Robots
      keywords: [机器人]
""",
    )
    assert (
        data_diff(project.paths, "main")
        == """\
Data changes from main to the working tree:

Topics
  ~ topic ai: facets added: robots (机器人 / Robots)
  ~ topic ai: facets computing: keywords [算力] → [算力, 智算]
"""
    )
