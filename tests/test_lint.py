"""Warnings: likely mistakes in valid data, named like errors, never failing the check."""

import subprocess
import sys

from conftest import ALPHA_TEXT

from pipeline.lint import check_and_lint
from pipeline.paths import ROOT, ProjectPaths

ALPHA = "data/districts/alpha.yaml"
BETA = "data/districts/beta.yaml"


def warnings(project) -> list[str]:
    _, found = check_and_lint(project.paths)
    return [str(w) for w in found]


def add_alpha_record(project, record_id: str, quote: str, figure: str = "") -> None:
    """Append a record to alpha.yaml; `figure` holds its value, unit and bound lines, if any."""
    project.add_records(
        ALPHA,
        f"""  - id: {record_id}
    topic: gdp
    kind: target
    period: "2025"
{figure}    label_zh: 测试
    label_en: Test
    summary_en: Test.
    quote: {quote}
    source: alpha-tasks
""",
    )


def test_the_real_data_gives_few_warnings():
    """A rule that fires often on curated data needs tuning; a single warning must not fail CI, though."""
    _, found = check_and_lint(ProjectPaths(ROOT))
    assert len(found) <= 3, "\n".join(str(w) for w in found)


def test_the_scratch_project_gives_no_warnings(project):
    assert warnings(project) == []


def test_a_target_for_the_first_half(project):
    project.edit(BETA, "    kind: actual\n", "    kind: target\n")
    assert warnings(project) == [
        f'{BETA}:8:11: beta-h1-gdp-growth.kind: warning: a target for the first half (period "2025-H1")'
        " — the documents report first-half results, not targets: write kind: actual,"
        ' or the period the target is for ("2025" or "2025-H2")'
    ]


def test_a_result_outside_the_first_half(project):
    project.edit(BETA, '    period: "2025-H1"\n', '    period: "2025"\n')
    assert warnings(project) == [
        f'{BETA}:9:13: beta-h1-gdp-growth.period: warning: a result (kind: actual) for period "2025"'
        ' — the documents only report first-half results: write period: "2025-H1",'
        " or kind: target if the document sets it as a goal"
    ]


def test_two_records_with_one_quote_and_one_figure(project):
    add_alpha_record(
        project,
        "alpha-gdp-growth-again",
        "地区生产总值增长5.5%。",
        "    measure: growth\n    value: 5.5\n    unit: percent\n    bound: exact\n",
    )
    assert warnings(project) == [
        f"{ALPHA}:46:9: alpha-gdp-growth-again.id: warning: same quote and figure 5.5 percent (exact) as 'alpha-gdp-growth'"
        " (line 6) — likely a duplicate: delete one, or correct its value, unit or bound"
    ]


def test_a_figure_the_quote_writes_twice_may_be_given_twice(project):
    project.write("data/sources/alpha-tasks.txt", ALPHA_TEXT + "4\t新建5个公园和5个广场。\n", dedent=False)
    five = "    value: 5\n    unit: count\n    bound: exact\n"
    add_alpha_record(project, "alpha-parks", "新建5个公园和5个广场。", five)
    add_alpha_record(project, "alpha-squares", "新建5个公园和5个广场。", five)
    assert warnings(project) == []
    add_alpha_record(project, "alpha-squares-again", "新建5个公园和5个广场。", five)
    assert warnings(project) == [
        f"{ALPHA}:70:9: alpha-squares-again.id: warning: same quote and figure 5 count (exact) as 'alpha-parks' (line 46)"
        " — likely a duplicate: delete one, or correct its value, unit or bound"
    ]


def test_a_commitment_whose_quote_writes_a_figure_nobody_recorded(project):
    project.edit(ALPHA, "    value: 18000\n    unit: people\n    bound: exact\n", "")
    project.edit(ALPHA, "    metric: new-urban-jobs\n", "")
    assert warnings(project) == [
        f"{ALPHA}:29:12: alpha-new-jobs.quote: warning: the quote writes the figure 1.8万人,"
        " but no record of this district gives it"
        " — give this record value, unit and bound, or add a record for the figure"
    ]


def test_numerals_in_names_are_not_figures(project):
    project.write("data/sources/alpha-tasks.txt", ALPHA_TEXT + "4\t深入推进“高效办成一件事”。\n", dedent=False)
    add_alpha_record(project, "alpha-one-thing", "深入推进“高效办成一件事”。")
    assert warnings(project) == []


def test_check_prints_warnings_and_still_succeeds(project):
    project.edit(BETA, "    kind: actual\n", "    kind: target\n")
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--project", str(project.root), "check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0
    assert result.stdout == "ok: 4 records in 2 districts, 2 sources; 1 warning(s)\n"
    assert result.stderr.startswith(f"{BETA}:8:11: beta-h1-gdp-growth.kind: warning: a target for the first half")
