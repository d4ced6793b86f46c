"""JSON Schemas for editors: generated from the models, committed in sync, and pointed to by every data file."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft7Validator

from pipeline.models import Record
from pipeline.paths import ROOT
from pipeline.schema import ALL_SCHEMAS, BEGIN, END, field_reference, modeline, schema_for, stale_files

DATA_FILES = [
    "data/topics.yaml",
    "data/sources.yaml",
    "data/releases.yaml",
    "content/ui.yaml",
    "content/site.yaml",
    *sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "data/districts").glob("*.yaml")),
]


def validator(name: str) -> Draft7Validator:
    return Draft7Validator(json.loads((ROOT / "data/schema" / name).read_text(encoding="utf-8")))


def schema_name(data_file: str) -> str:
    return (
        "district.schema.json"
        if data_file.startswith("data/districts/")
        else Path(data_file).name.replace(".yaml", ".schema.json")
    )


def test_committed_schemas_and_field_reference_are_up_to_date():
    assert stale_files(ROOT) == [], "pipeline/models.py changed: run `python build.py schema` and commit the result"


@pytest.mark.parametrize("name", sorted(ALL_SCHEMAS))
def test_each_schema_is_valid_draft_7(name):
    schema = json.loads((ROOT / "data/schema" / name).read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    Draft7Validator.check_schema(schema)


@pytest.mark.parametrize("data_file", DATA_FILES)
def test_each_data_file_points_to_its_schema_and_validates(data_file):
    first_line = (ROOT / data_file).read_text(encoding="utf-8").split("\n", 1)[0]
    assert first_line == modeline(data_file)
    # The YAML extension resolves the path from the data file's folder.
    target = (ROOT / data_file).parent / first_line.split("$schema=", 1)[1]
    assert target.resolve() == (ROOT / "data/schema" / schema_name(data_file)).resolve()
    data = yaml.safe_load((ROOT / data_file).read_text(encoding="utf-8"))
    assert [e.message for e in validator(schema_name(data_file)).iter_errors(data)] == []


def test_every_field_has_a_description_for_the_hover():
    for name in ALL_SCHEMAS:
        schema = schema_for(name)
        objects = [schema, *schema.get("$defs", {}).values()]
        for definition in (d for d in objects if d.get("type") == "object"):
            for field, prop in definition.get("properties", {}).items():
                assert prop.get("description"), f"{name}: {definition.get('title')}.{field} has no description"


FIGURE = {"value": 5.5, "unit": "percent", "bound": "exact"}
BASE = {
    "id": "alpha-x",
    "topic": "gdp",
    "kind": "target",
    "period": "2025",
    "label_zh": "甲",
    "label_en": "A",
    "summary_en": "A.",
    "quote": "甲。",
    "source": "alpha-tasks",
}


@pytest.mark.parametrize(
    "extra",
    [
        {},
        FIGURE,
        {**FIGURE, "measure": "growth"},
        {"value": 18000, "unit": "people", "bound": "exact", "measure": "growth"},
        {"value": 1, "value_high": 2, "unit": "count", "bound": "range"},
        {"value": 1, "unit": "count", "bound": "range"},
        {**FIGURE, "value_high": 6},
        {"value": 5.5},
        {"unit": "percent", "bound": "exact"},
        {"value": None, "unit": None, "bound": None},
        {"value": 5.5, "unit": "percent", "bound": None},
        {"measure": "growth"},
        {"value": "5.5", "unit": "percent", "bound": "exact"},
        {"valeu": 5.5},
        {"period": 2025},
        {"period": "2025-Q3"},
        {"task_no": 0},
        {"id": "Alpha_X"},
    ],
)
def test_the_schema_accepts_and_refuses_the_records_the_model_does(extra):
    record = {**BASE, **extra}
    try:
        Record.model_validate(record)
        model_accepts = True
    except ValueError:
        model_accepts = False
    record_schema = schema_for("district.schema.json")["$defs"]["Record"]
    schema_accepts = Draft7Validator({**record_schema, "$defs": {}}).is_valid(record)
    assert schema_accepts == model_accepts


def test_a_typo_is_underlined_with_the_allowed_fields():
    district = {"id": "alpha", "name_zh": "甲区", "name_en": "Alpha", "records": [{**BASE, "valeu": 5.5}]}
    (error,) = validator("district.schema.json").iter_errors(district)
    assert list(error.absolute_path) == ["records", 0]
    assert "'valeu' was unexpected" in error.message


def test_the_field_reference_is_the_generated_section_of_both_documents():
    for doc in ("CONTRIBUTING.md", "data/README.md"):
        text = (ROOT / doc).read_text(encoding="utf-8")
        assert text.count(BEGIN) == 1 and text.count(END) == 1, doc
        assert field_reference() in text, doc
    reference = field_reference()
    assert "| `value_high` | with `bound: range` | number or `null` |" in reference
    assert '| `period` | yes | `"2025"`, `"2025-H1"`, `"2025-H2"` |' in reference


def test_the_schema_command_regenerates_what_is_stale(tmp_path):
    (tmp_path / "data").mkdir()
    doc = tmp_path / "CONTRIBUTING.md"
    doc.write_text(f"# Contributing\n\n{BEGIN}\nold table\n{END}\n\nAfter.\n", encoding="utf-8")

    def run():
        return subprocess.run(
            [sys.executable, str(ROOT / "build.py"), "--project", str(tmp_path), "schema"],
            capture_output=True,
            text=True,
            timeout=120,
        )

    first = run()
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [
        "wrote data/schema/district.schema.json",
        "wrote data/schema/topics.schema.json",
        "wrote data/schema/sources.schema.json",
        "wrote data/schema/cities.schema.json",
        "wrote data/schema/metrics.schema.json",
        "wrote data/schema/releases.schema.json",
        "wrote data/schema/ui.schema.json",
        "wrote data/schema/site.schema.json",
        "wrote CONTRIBUTING.md",
    ]
    text = doc.read_text(encoding="utf-8")
    assert text.startswith("# Contributing\n\n" + field_reference()) and text.endswith("\n\nAfter.\n")
    assert run().stdout == "schemas and field reference are up to date\n"
    assert stale_files(tmp_path) == []


def test_the_content_schemas_refuse_what_check_refuses():
    ui, site = validator("ui.schema.json"), validator("site.schema.json")
    assert not list(ui.iter_errors({"site_title": {"zh": "标题", "en": "Title"}}))
    assert list(ui.iter_errors({"site_title": {"zh": "标题"}}))  # a language missing
    assert list(ui.iter_errors({"site_title": {"zh": "标题", "en": "Title", "fr": "Titre"}}))
    assert list(ui.iter_errors({"copy_button": {"zh": 5, "en": "Copy"}}))
    assert not list(site.iter_errors({"repository": "https://github.com/civic-data/gz-targets", "branch": "main"}))
    assert list(site.iter_errors({"repository": "gitlab.com/x/y"}))
    assert list(site.iter_errors({"theme": "dark"}))
