"""The editors' pull-request workflow: a new source document end to end, the mistakes not covered in
test_validation_messages.py, and the files that drive CI, previews and reviews."""

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from pipeline.builder import build_site, check_data
from pipeline.errors import DataErrors
from pipeline.paths import ROOT

ALPHA = "data/districts/alpha.yaml"

NEW_SOURCE = """\
- id: alpha-work-report
  district: alpha
  kind: work-report
  title_zh: 甲区2025年政府工作报告
  title_en: Alpha District government work report for 2025
  issuer_zh: 甲区人民政府
  issuer_en: Alpha District People's Government
  date: "2025-01-20"
  period_zh: 2025年目标
  period_en: Targets for 2025
  archive: alpha-work-report.txt
"""
NEW_TEXT = "甲区2025年政府工作报告\n今年主要预期目标是：社会消费品零售总额增长5%左右。\n"
NEW_RECORD = """\
  - id: alpha-retail-sales-growth
    topic: gdp
    kind: target
    period: "2025"
    measure: growth
    value: 5
    unit: percent
    bound: about
    label_zh: 社会消费品零售总额增长
    label_en: Retail sales growth
    summary_en: Grow retail sales by about 5%.
    quote: 社会消费品零售总额增长5%左右。
    source: alpha-work-report
"""


def append(project, relative: str, text: str) -> None:
    if relative == ALPHA:
        project.add_records(ALPHA, text)
        return
    with (project.root / relative).open("a", encoding="utf-8") as file:
        file.write(text)


def problems(project) -> list[str]:
    with pytest.raises(DataErrors) as caught:
        check_data(project.paths)
    return [str(e) for e in caught.value.errors]


def test_adding_a_second_source_to_a_district(project):
    """CONTRIBUTING.md's three steps: archive the text, describe it in sources.yaml, cite it from records."""
    project.write("data/sources/alpha-work-report.txt", NEW_TEXT, dedent=False)
    append(project, "data/sources.yaml", NEW_SOURCE)
    append(project, ALPHA, NEW_RECORD)
    build_site(project.paths)
    site = project.paths.site

    for prefix, old_title, new_title in (
        ("", "甲区2025年重点工作", "甲区2025年政府工作报告"),
        ("en/", "Alpha district key tasks for 2025", "Alpha District government work report for 2025"),
    ):
        district = (site / prefix / "districts/alpha/index.html").read_text(encoding="utf-8")
        listed = re.search(r"<p>[^<]*<a href=\"[^\"]*/sources/alpha-tasks/\">.*?</p>", district, re.S).group(0)
        assert old_title in listed and new_title in listed
        assert f'/{prefix}sources/alpha-work-report/"' in listed
        source_page = (site / prefix / "sources/alpha-work-report/index.html").read_text(encoding="utf-8")
        assert new_title in source_page
        assert "社会消费品零售总额增长5%左右。" in source_page
        assert "alpha-retail-sales-growth" in source_page  # the quoted passage links to its record
    assert "alpha-retail-sales-growth" in (site / "districts/alpha/index.html").read_text(encoding="utf-8")


def test_a_record_citing_the_new_source_before_it_is_described(project):
    project.write("data/sources/alpha-work-report.txt", NEW_TEXT, dedent=False)
    append(project, ALPHA, NEW_RECORD)
    assert problems(project) == [
        f"{ALPHA}:58:13: alpha-retail-sales-growth.source: unknown source 'alpha-work-report'"
        " — use an id from data/sources.yaml: alpha-tasks, beta-report"
    ]


def test_a_new_source_without_its_archived_text(project):
    append(project, "data/sources.yaml", NEW_SOURCE)
    assert problems(project) == [
        "data/sources.yaml:31:12: [2].archive: no archived text data/sources/alpha-work-report.txt"
        " — add the document's full text under data/sources/"
    ]


def test_a_typo_in_a_source_field(project):
    project.edit("data/sources.yaml", "title_en: Beta district mid-year", "titel_en: Beta district mid-year")
    assert problems(project) == [
        "data/sources.yaml:12:3: [1].title_en: this required field is missing — add 'title_en: …'",
        "data/sources.yaml:16:3: [1].titel_en: unknown field 'titel_en' — did you mean 'title_en'?",
    ]


def test_a_number_in_quotes(project):
    project.edit(ALPHA, "    value: 18000\n", '    value: "18000"\n')
    assert problems(project) == [
        f"{ALPHA}:27:12: alpha-new-jobs.value: expected a number, got the text '18000'"
        " — write the bare number in base units, without quotes, % or unit words (5.5, 18000, 70000000000)"
    ]


def test_a_value_without_unit_and_bound(project):
    project.edit(ALPHA, "    unit: people\n    bound: exact\n", "")
    assert problems(project) == [
        f"{ALPHA}:22:5: alpha-new-jobs: value, unit and bound go together: give all three, or none for a commitment"
    ]


def test_a_range_without_its_upper_end(project):
    project.edit(ALPHA, "    bound: exact\n    label_zh: 城镇新增就业", "    bound: range\n    label_zh: 城镇新增就业")
    assert problems(project) == [
        f"{ALPHA}:22:5: alpha-new-jobs: value_high is given exactly when bound is range (value is then the low end)"
    ]


def test_a_note_without_its_english(project):
    project.edit(ALPHA, "    task_no: 1\n", "    task_no: 1\n    note_zh: 原文如此。\n")
    assert problems(project) == [
        f"{ALPHA}:6:5: alpha-gdp-growth: note_zh and note_en go together: give both, or neither"
    ]


def workflow_jobs() -> dict:
    workflow = yaml.safe_load((ROOT / ".github/workflows/ci.yml").read_text(encoding="utf-8"))
    assert "pull_request" in workflow[True]  # YAML 1.1 reads the key `on` as true
    return workflow["jobs"]


def test_ci_runs_the_readme_test_command():
    job = workflow_jobs()["test"]
    assert job["runs-on"].startswith("ubuntu")
    assert any(s.get("with", {}).get("python-version") == "3.11" for s in job["steps"])
    assert any(s.get("run") == "bash .ci/run" for s in job["steps"])
    assert (ROOT / ".ci/run").read_text(encoding="utf-8").rstrip().endswith("\nmake test")


def test_ci_answers_an_editor_first_with_annotations_data_tests_and_the_data_diff():
    """The data job, beside the whole suite: no "needs", a short timeout, the check as annotations, the
    data tests (files that exist), and on a pull request the data diff."""
    job = workflow_jobs()["data"]
    assert "needs" not in job and job["timeout-minutes"] <= 10
    runs = [s.get("run", "") for s in job["steps"]]
    assert "python build.py check --format github" in runs
    (tests,) = [s for s in job["steps"] if "python -m pytest" in s.get("run", "")]
    assert tests["run"] == "python -m pytest -n auto $DATA_TESTS"
    files = [test.split("::")[0] for test in tests["env"]["DATA_TESTS"].split()]
    assert len(files) >= 8 and all((ROOT / f).is_file() for f in files), files
    (diff_step,) = [s for s in job["steps"] if "build.py diff" in s.get("run", "")]
    assert "github.event_name == 'pull_request'" in diff_step["if"]
    assert diff_step["env"] == {"BASE_REF": "${{ github.base_ref }}"}
    assert '"origin/$BASE_REF"' in diff_step["run"]
    assert "markdown_block" in diff_step["run"] and '>> "$GITHUB_STEP_SUMMARY"' in diff_step["run"]


def test_no_data_diff_can_close_the_fence_of_the_run_summary(tmp_path):
    """The summary step's script (after its diff) on a diff holding fences of its own: one code block,
    whatever it holds."""
    (diff_step,) = [s for s in workflow_jobs()["data"]["steps"] if "build.py diff" in s.get("run", "")]
    first, script = diff_step["run"].split("\n", 1)
    assert first.startswith("python build.py diff")
    text = "alpha-gdp-growth: quote\n```\n~~~\n`````` and `x`\n```js\n"
    (tmp_path / "data-diff.txt").write_text(text, encoding="utf-8")
    summary = tmp_path / "summary.md"
    environment = {
        **os.environ,
        "BASE_REF": "main",
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_STEP_SUMMARY": str(summary),
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",  # `python` is the project's
    }
    subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=ROOT, env=environment, check=True)
    heading, blank, opening, *inside, fence = summary.read_text(encoding="utf-8").rstrip("\n").split("\n")
    assert (heading, blank) == ("## Data changes against main", "")
    assert set(fence) == {"`"} and opening == fence and len(fence) > 6
    assert inside == text.rstrip("\n").split("\n")
    assert not any(line.strip().startswith(fence) for line in inside)


def test_the_data_job_installs_its_test_tools_pinned_with_their_hashes():
    """.ci/test-requirements: the named tools with what they pull in, as requirements-dev.txt pins them."""
    result = subprocess.run(
        [sys.executable, str(ROOT / ".ci/test-requirements"), "pytest", "pytest-xdist", "jsonschema"],
        capture_output=True,
        text=True,
        check=True,
    )
    dev = (ROOT / "requirements-dev.txt").read_text(encoding="utf-8")
    blocks = re.split(r"\n(?=\S)", result.stdout.strip())
    for block in blocks:
        assert block in dev and re.fullmatch(r"\S+==\S+( \\\n    --hash=sha256:[0-9a-f]{64})+", block), block
    names = {block.split("==")[0] for block in blocks}
    assert {"pytest", "pluggy", "iniconfig", "pytest-xdist", "execnet", "jsonschema", "referencing"} <= names
    assert "playwright" not in names


def test_netlify_builds_deploy_previews():
    config = tomllib.loads((ROOT / "netlify.toml").read_text(encoding="utf-8"))
    preview = config["context"]["deploy-preview"]
    assert "python build.py build" in preview["command"]
    assert "SITE_URL=$DEPLOY_PRIME_URL" in preview["command"]


def test_pull_request_template_and_contributing_guide_carry_the_checklist():
    template = (ROOT / ".github/pull_request_template.md").read_text(encoding="utf-8")
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for item in ("quote", "source", "period", "bound"):
        assert f"**{item}**" in guide and f"{item}**" in template
    assert "## 中文" in guide and "## English" in guide
    assert "make serve" in guide and "make check" in guide
    for step in ("data/sources/<id>.txt", "data/sources.yaml", "source: <id>"):
        assert step in guide


def test_ci_pins_its_actions_to_commits_stops_in_time_and_dependabot_proposes_updates():
    text = (ROOT / ".github/workflows/ci.yml").read_text(encoding="utf-8")
    workflow = yaml.safe_load(text)
    assert all(0 < job["timeout-minutes"] <= 90 for job in workflow["jobs"].values())
    assert workflow["concurrency"]["cancel-in-progress"] is True and "github.ref" in workflow["concurrency"]["group"]
    uses = re.findall(r"uses: (\S+)@(\S+)(.*)", text)
    assert uses and all(
        re.fullmatch(r"[0-9a-f]{40}", sha) and re.search(r"# v\d+\.\d+", note) for _, sha, note in uses
    ), uses
    dependabot = yaml.safe_load((ROOT / ".github/dependabot.yml").read_text(encoding="utf-8"))
    assert {u["package-ecosystem"] for u in dependabot["updates"]} == {"pip", "npm", "github-actions"}


def test_requirements_are_compiled_with_hashes_and_the_dev_set_is_constrained_by_the_site_set():
    for name in ("requirements.txt", "requirements-dev.txt"):
        text = (ROOT / name).read_text(encoding="utf-8")
        source = name.replace(".txt", ".in")
        assert re.search(rf"#    pip-compile .*--generate-hashes.* {re.escape(source)}\n", text), name
        pins = re.findall(r"^(\S+)==\S+ \\\n((?:    --hash=sha256:[0-9a-f]{64}(?: \\\n)?)+)", text, re.M)
        assert pins and len(pins) == len(re.findall(r"^\S+==", text, re.M)), name  # every pin has its hashes
        assert "    # via" in text
    assert "-c requirements.txt" in (ROOT / "requirements-dev.in").read_text(encoding="utf-8")
    site = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    assert not re.search(r"^(plotly|pytest|playwright)==", site, re.M)
