"""The editors' pull-request workflow: a new source document end to end, the mistakes not covered in
test_validation_messages.py, and the files that drive CI, previews and reviews."""

import re
import tomllib

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


def test_ci_runs_the_readme_test_command_and_prints_the_data_diff_for_pull_requests():
    workflow = yaml.safe_load((ROOT / ".github/workflows/ci.yml").read_text(encoding="utf-8"))
    assert "pull_request" in workflow[True]  # YAML 1.1 reads the key `on` as true
    (job,) = workflow["jobs"].values()
    assert job["runs-on"].startswith("ubuntu")
    steps = job["steps"]
    assert any(s.get("with", {}).get("python-version") == "3.11" for s in steps)
    assert any(s.get("run") == "bash .ci/run" for s in steps)
    assert "make test" in (ROOT / ".ci/run").read_text(encoding="utf-8")
    (diff_step,) = [s for s in steps if "build.py diff" in s.get("run", "")]
    assert "github.event_name == 'pull_request'" in diff_step["if"]
    assert diff_step["env"] == {"BASE_REF": "${{ github.base_ref }}"}
    assert '"origin/$BASE_REF"' in diff_step["run"]


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
    (job,) = workflow["jobs"].values()
    assert 0 < job["timeout-minutes"] <= 90
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
