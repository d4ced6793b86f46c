"""Editors' mistakes and the exact messages they get: file:line:column: field: problem — what to do."""

import re
import shutil

import pytest

from pipeline.builder import check_data
from pipeline.errors import DataErrors
from pipeline.paths import ROOT, ProjectPaths

ALPHA = "data/districts/alpha.yaml"


def problems(project) -> list[str]:
    with pytest.raises(DataErrors) as caught:
        check_data(project.paths)
    return [str(e) for e in caught.value.errors]


def test_the_scratch_project_is_valid(project):
    dataset = check_data(project.paths)
    assert [d.id for d in dataset.districts] == ["alpha", "beta"]
    assert sum(len(d.records) for d in dataset.districts) == 4


def test_duplicate_key_is_an_error_not_a_silent_overwrite(project):
    project.edit(ALPHA, "    value: 5.5\n", "    value: 5.5\n    value: 6.0\n")
    assert problems(project) == [
        f"{ALPHA}:13:5: alpha-gdp-growth.value: duplicate key (first written on line 12)"
        " — keep one of the two: YAML would silently drop the first"
    ]


def test_typo_in_a_field_name_suggests_the_field(project):
    project.edit(ALPHA, "    value: 5.5\n", "    valeu: 5.5\n")
    assert problems(project) == [
        f"{ALPHA}:12:5: alpha-gdp-growth.valeu: unknown field 'valeu' — did you mean 'value'?",
    ]


def test_number_written_as_text(project):
    project.edit(ALPHA, "    value: 5.5\n", "    value: 5.5%\n")
    assert problems(project) == [
        f"{ALPHA}:12:12: alpha-gdp-growth.value: expected a number, got the text '5.5%'"
        " — write the bare number in base units, without quotes, % or unit words (5.5, 18000, 70000000000)"
    ]


def test_wrong_unit_for_the_quote(project):
    project.edit(ALPHA, "    unit: people\n", "    unit: person_time\n")
    assert problems(project) == [
        f"{ALPHA}:27:12: alpha-new-jobs.value: the quote does not contain the figure 1.8万人次 (18,000 person-times; 18000 person_time, exact)"
        " — make value, unit and bound say what the quote says (e.g. 1.8万人 → 18000 people exact)"
    ]


def test_wrong_bound_for_the_quote(project):
    project.edit(
        ALPHA, "    bound: exact\n    label_zh: 城镇新增就业", "    bound: at_least\n    label_zh: 城镇新增就业"
    )
    assert problems(project) == [
        f"{ALPHA}:27:12: alpha-new-jobs.value: the quote does not contain the figure 1.8万人以上 (at least 18,000 people; 18000 people, at_least)"
        " — make value, unit and bound say what the quote says (e.g. 1.8万人 → 18000 people exact)"
    ]


def test_unknown_unit_lists_the_units(project):
    project.edit(ALPHA, "    unit: people\n", "    unit: persons\n")
    (message,) = problems(project)
    assert message.startswith(
        f"{ALPHA}:28:11: alpha-new-jobs.unit: 'persons' is not allowed here — expected 'percent', "
    )


def test_unknown_source_and_topic(project):
    project.edit(ALPHA, "    source: alpha-tasks\n    task_no: 3", "    source: alpha-task\n    task_no: 3")
    project.edit(ALPHA, "    topic: ai\n", "    topic: a-i\n")
    assert problems(project) == [
        f"{ALPHA}:37:12: alpha-ai-zone.topic: unknown topic 'a-i' — did you mean 'ai'?",
        f"{ALPHA}:44:13: alpha-ai-zone.source: unknown source 'alpha-task' — did you mean 'alpha-tasks'?",
    ]


def test_unknown_tag_is_named_by_its_place_in_the_list(project):
    project.edit(ALPHA, "    topic: ai\n", "    topic: ai\n    tags: [employment, a-i]\n")
    assert problems(project) == [
        f"{ALPHA}:38:24: alpha-ai-zone.tags[1]: unknown topic 'a-i' — did you mean 'ai'?",
    ]


def test_quote_not_in_source(project):
    """The nearest passage of the source, and where the quote parts from it."""
    project.edit(ALPHA, "quote: 建设人工智能应用示范区。", "quote: 建设人工智能应用先导区。")
    assert problems(project) == [
        f"{ALPHA}:43:12: alpha-ai-zone.quote: the quote is not in the text of 'alpha-tasks'"
        " — the nearest passage reads “建设人工智能应用示范区。”: where it has “示范”, the quote has “先导”;"
        " copy it exactly from data/sources/alpha-tasks.txt (white space may differ)"
    ]


def test_quote_is_matched_ignoring_white_space(project):
    # The archived text breaks this sentence across lines; the quote does not.
    assert "人工智能\n  应用示范区" in (project.root / "data/sources/alpha-tasks.txt").read_text(encoding="utf-8")
    check_data(project.paths)


def test_unquoted_period_is_a_number_not_a_period(project):
    project.edit(ALPHA, '    period: "2025"\n    metric: gdp-growth', "    period: 2025\n    metric: gdp-growth")
    assert problems(project) == [
        f"{ALPHA}:9:13: alpha-gdp-growth.period: '2025' is not allowed here"
        " — expected '2025', '2025-H1' or '2025-H2'; write it in quotes: \"2025\""
    ]


def test_bad_period(project):
    project.edit(ALPHA, '    period: "2025"\n    metric: gdp-growth', '    period: "2025-Q3"\n    metric: gdp-growth')
    assert problems(project) == [
        f"{ALPHA}:9:13: alpha-gdp-growth.period: '2025-Q3' is not allowed here — expected '2025', '2025-H1' or '2025-H2'"
    ]


def test_duplicate_record_ids_across_files(project):
    project.edit("data/districts/beta.yaml", "  - id: beta-h1-gdp-growth", "  - id: alpha-gdp-growth")
    assert problems(project) == [
        "data/districts/beta.yaml:6:9: alpha-gdp-growth.id: 'alpha-gdp-growth' does not start with the district id"
        " — ids in this file start with 'beta-'",
        "data/districts/beta.yaml:6:9: alpha-gdp-growth.id: duplicate id 'alpha-gdp-growth'"
        f" (first used in {ALPHA}:6) — give every entry its own id",
    ]


@pytest.mark.parametrize(
    "written, message",
    [
        ("estimate: no", "'no' would be read as a yes/no value — write true or false, or put text in quotes"),
        (
            "task_no: 010",
            "'010' is an ambiguous number (YAML reads it as octal, hex or base 60)"
            " — write a plain decimal number such as 8, or put text in quotes",
        ),
        (
            "task_no: 1:30",
            "'1:30' is an ambiguous number (YAML reads it as octal, hex or base 60)"
            " — write a plain decimal number such as 8, or put text in quotes",
        ),
        (
            "metric: 2025-07-11",
            "'2025-07-11' would be read as a date object — write the date in quotes: \"2025-07-11\"",
        ),
    ],
)
def test_yaml_1_1_traps(project, written, message):
    """PyYAML reads these as booleans, octal or base-60 integers and dates; each is refused where it is written."""
    project.edit(ALPHA, "    task_no: 3\n", f"    {written}\n")
    field = written.split(":")[0]
    assert problems(project) == [f"{ALPHA}:45:{len(field) + 7}: alpha-ai-zone.{field}: {message}"]


def test_unquoted_date_in_sources(project):
    project.edit("data/sources.yaml", 'date: "2025-07-11"', "date: 2025-07-11")
    assert problems(project) == [
        "data/sources.yaml:17:9: [1].date: '2025-07-11' would be read as a date object"
        ' — write the date in quotes: "2025-07-11"'
    ]


def test_yaml_syntax_error_names_the_line_and_does_not_cascade(project):
    project.edit(ALPHA, "    label_zh: 城镇新增就业\n", "    label_zh: [城镇新增就业\n")
    (message,) = problems(project)
    assert message.startswith(f"{ALPHA}:31:")
    assert "YAML syntax error" in message


def test_every_problem_is_reported_at_once(project):
    project.edit(ALPHA, "    value: 5.5\n", "    value: '5.5'\n")
    project.edit(ALPHA, "    topic: ai\n", "    topic: robots\n")
    project.edit("data/districts/beta.yaml", "    estimate: true\n", "    estimate: yes\n")
    project.edit("data/sources.yaml", "archive: beta-report.txt", "archive: beta.txt")
    found = problems(project)
    assert [m.split(": ")[0] for m in found] == [
        f"{ALPHA}:12:12",
        f"{ALPHA}:37:12",
        "data/districts/beta.yaml:10:15",
        "data/sources.yaml:20:12",
    ]


def test_a_growth_rate_must_be_in_percent(project):
    project.edit(ALPHA, "    metric: new-urban-jobs\n", "    metric: new-urban-jobs\n    measure: growth\n")
    assert problems(project) == [f"{ALPHA}:22:5: alpha-new-jobs: a growth rate needs unit percent or percentage_point"]


def test_metric_shared_across_districts_needs_one_unit(project):
    project.edit(
        "data/districts/beta.yaml",
        "    metric: gdp-growth\n    measure: growth\n",
        "    metric: new-urban-jobs\n    measure: growth\n",
    )
    assert problems(project) == [
        "data/districts/beta.yaml:11:13: beta-h1-gdp-growth.metric: metric 'new-urban-jobs' is level in people on"
        " 'alpha-new-jobs', but growth in percent here"
        " — records of different districts that share a metric must share unit and measure"
    ]


def test_missing_required_field(project):
    project.edit(ALPHA, "    summary_en: Build an AI application demonstration zone.\n", "")
    assert problems(project) == [
        f"{ALPHA}:36:5: alpha-ai-zone.summary_en: this required field is missing — add 'summary_en: …'"
    ]


def test_citing_another_districts_source_is_one_error(project):
    project.edit(ALPHA, "    source: alpha-tasks\n    task_no: 3", "    source: beta-report\n    task_no: 3")
    assert problems(project) == [
        f"{ALPHA}:44:13: alpha-ai-zone.source: source 'beta-report' belongs to district 'beta' — cite a source of 'alpha'"
    ]


def test_one_root_cause_is_one_message_on_the_real_data(tmp_path):
    """A mistyped district id, a source's district or a renamed topic reached hundreds of records each:
    239, 120 and 37 messages before they were folded into the one that says what to fix."""

    def messages(edit) -> list[str]:
        root = tmp_path / f"p{len(list(tmp_path.iterdir()))}"
        for folder in ("data", "content", "templates", "assets"):
            shutil.copytree(ROOT / folder, root / folder)
        edit(root)
        with pytest.raises(DataErrors) as raised:
            check_data(ProjectPaths(root))
        return [str(e) for e in raised.value.errors]

    def replace(relative, old, new):
        def edit(root):
            path = root / relative
            path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")

        return edit

    (district,) = messages(replace("data/districts/haizhu.yaml", "\nid: haizhu\n", "\nid: haizhuu\n"))
    assert "district id 'haizhuu' does not match the file name" in district
    (source,) = messages(replace("data/sources.yaml", "district: haizhu\n", "district: haizhuu\n"))
    assert "unknown district 'haizhuu'" in source and "records that cite it are checked once it is fixed" in source
    topic, duplicate = messages(replace("data/topics.yaml", "- id: investment", "- id: gdp"))
    assert "duplicate id 'gdp'" in duplicate
    assert re.search(r"unknown topic 'investment', used here and in \d\d more place\(s\): data/districts/", topic)


def test_a_value_without_its_multiplier_gets_a_hint(project):
    """1.8 written for 1.8万人: the message says the figure as the documents write it, and what to write."""
    project.edit(ALPHA, "    value: 18000\n", "    value: 1.8\n")
    assert problems(project) == [
        f"{ALPHA}:27:12: alpha-new-jobs.value: the quote does not contain the figure 1.8人 (1.8 people; 1.8 people, exact)"
        " — the quote says 1.8万人: the value lacks its 万; write it in base units, 18000"
    ]


@pytest.mark.parametrize(
    "highlight, message",
    [
        (
            "alpha-gdp-growht",
            "no record has id 'alpha-gdp-growht' — did you mean 'alpha-gdp-growth'?",
        ),
        ("alpha-ai-zone", "record 'alpha-ai-zone' has no figure — highlight a record with a value"),
        (
            "alpha-new-jobs",
            "record 'alpha-new-jobs' is not on topic 'gdp' — give the record the tag 'gdp', or highlight one of "
            "the topic's records",
        ),
    ],
)
def test_a_topics_highlights_are_figures_on_the_topic(project, highlight, message):
    project.edit("data/topics.yaml", "GDP growth.\n", f"GDP growth.\n  highlights: [{highlight}]\n")
    assert problems(project) == [f"data/topics.yaml:6:16: [0].highlights[0]: {message}"]


def test_a_lead_unit_without_an_english_name(project):
    project.edit(ALPHA, "lead_units: [区发改局]", "lead_units: [区发改局, 区财政局]")
    found = problems(project)
    assert len(found) == 1 and re.fullmatch(
        rf"{ALPHA}:\d+:\d+: alpha-[a-z-]+\.lead_units\[1\]: lead unit '区财政局' has no English name — add "
        r"'区财政局: <its English name>' under the file's lead_units_en",
        found[0],
    ), found
