"""`schema`: JSON Schemas of the data files (and of content/ui.yaml and site.yaml) and the field
reference, both generated from the models.

The schemas let an editor's YAML extension complete field names, underline
mistakes while typing and show each field's description on hover; the data
files point to them on their first line. The field reference in CONTRIBUTING.md
and data/README.md is generated from the same schemas, so none of the three can
drift from pipeline/models.py: tests/test_schema.py fails until `python build.py
schema` has been run after a change to the models.
"""

import json
import posixpath
from pathlib import Path

from pydantic import TypeAdapter
from pydantic.json_schema import GenerateJsonSchema

from .models import City, District, InterfaceText, Metric, ReleaseDate, SiteSettings, Source, Topic

# Draft 7: the newest draft VS Code's YAML extension validates fully.
DRAFT = "http://json-schema.org/draft-07/schema#"

SCHEMAS = {
    "district.schema.json": (District, "A district file, data/districts/<id>.yaml: its names and all its records."),
    "topics.schema.json": (list[Topic], "data/topics.yaml: the topics, in the order the site lists them."),
    "sources.schema.json": (list[Source], "data/sources.yaml: the source documents' metadata."),
    "cities.schema.json": (list[City], "data/cities.yaml (only on a site of several cities): the cities."),
    "metrics.schema.json": (list[Metric], "data/metrics.yaml: what each metric compared across districts measures."),
    "releases.schema.json": (list[ReleaseDate], "data/releases.yaml: the days whose data is kept as a release."),
}
# The site's own files in content/, checked by pipeline/content.py; not part of the data's field reference.
CONTENT_SCHEMAS = {
    "ui.schema.json": (dict[str, InterfaceText], "content/ui.yaml: every string of the interface, in zh and en."),
    "site.schema.json": (SiteSettings, "content/site.yaml: the site's settings."),
}
ALL_SCHEMAS = SCHEMAS | CONTENT_SCHEMAS


def modeline(data_file: str) -> str:
    """The first line a data file (path relative to the project root) should have: where its schema is."""
    folder, name = posixpath.split(data_file)
    schema = "district.schema.json" if folder == "data/districts" else name.replace(".yaml", ".schema.json")
    # content/ui.yaml → ui.schema.json; the schemas all live in data/schema/.
    # The YAML extension resolves the path relative to the data file.
    return f"# yaml-language-server: $schema={posixpath.relpath(f'data/schema/{schema}', folder)}"


BEGIN = (
    "<!-- BEGIN field reference: generated from pipeline/models.py by `python build.py schema`;"
    " edit the models, not this section -->"
)
END = "<!-- END field reference -->"
GENERATED_DOCS = ("CONTRIBUTING.md", "data/README.md")

# Headings of the field reference, in this order; a model not named here follows under its own name.
REFERENCE_HEADINGS = {
    "District": "区文件 · A district file: `data/districts/<id>.yaml`",
    "Record": "记录 · A record: each entry under `records:`",
    "Topic": "主题 · A topic: each entry of `data/topics.yaml`",
    "Facet": "分项 · A facet: each entry under a topic's `facets:`",
    "Source": "来源 · A source: each entry of `data/sources.yaml`",
    "City": "城市 · A city: each entry of `data/cities.yaml`, only on a site of several cities",
    "Metric": "指标 · A metric compared across districts: each entry of `data/metrics.yaml`",
    "ReleaseDate": "发布 · A release of the data: each entry of `data/releases.yaml`",
}


class _WithoutFieldTitles(GenerateJsonSchema):
    """Pydantic titles each field after its name ("Name Zh"); the description says more on hover."""

    def field_title_should_be_set(self, schema) -> bool:
        return False


def _given(field: str) -> dict:
    """'field is written and not null', in JSON Schema."""
    return {"required": [field], "properties": {field: {"not": {"type": "null"}}}}


def _figure_rules() -> list[dict]:
    """Record's cross-field rules (models.Record._figure_is_complete), so the editor underlines them too.

    tests/test_schema.py checks that schema and model accept and refuse the same records.
    """
    together = ("value", "unit", "bound")
    rules = [{"if": _given(f), "then": {"allOf": [_given(g) for g in together if g != f]}} for f in together]
    rules.append(
        {"if": {"required": ["bound"], "properties": {"bound": {"const": "range"}}}, "then": _given("value_high")}
    )
    rules.append(
        {"if": _given("value_high"), "then": {"required": ["bound"], "properties": {"bound": {"const": "range"}}}}
    )
    rules.append(
        {
            "if": {"required": ["measure"], "properties": {"measure": {"const": "growth"}}},
            "then": {"required": ["unit"], "properties": {"unit": {"enum": ["percent", "percentage_point"]}}},
        }
    )
    return rules


# Fields whose need depends on another one, as the field reference says it.
CONDITIONALLY_REQUIRED = {"unit": "with `value`", "bound": "with `value`", "value_high": "with `bound: range`"}


def schema_for(name: str) -> dict:
    """The JSON Schema written to data/schema/<name>."""
    model, description = ALL_SCHEMAS[name]
    generated = TypeAdapter(model).json_schema(schema_generator=_WithoutFieldTitles)
    schema = {"$schema": DRAFT, "title": name.removesuffix(".schema.json"), "description": description}
    schema.update({k: v for k, v in generated.items() if k not in ("title", "description")})
    definitions = schema.get("$defs", {})
    if "Record" in definitions:
        definitions["Record"]["allOf"] = _figure_rules()
    return schema


def schema_text(name: str) -> str:
    """The schema as committed: stable key order, UTF-8, two-space indents."""
    return json.dumps(schema_for(name), ensure_ascii=False, indent=2) + "\n"


def _definitions() -> dict[str, dict]:
    """Every object definition of the three schemas, by model name."""
    found = {}
    for name in SCHEMAS:
        schema = schema_for(name)
        found.update(schema.get("$defs", {}))
        if schema.get("type") == "object":
            found[SCHEMAS[name][0].__name__] = schema
    return found


def _allowed(prop: dict) -> str:
    """What a property accepts, in a few words: `target`, `actual`; number; list of text …"""
    if "anyOf" in prop:
        return " or ".join(_allowed(p) for p in prop["anyOf"]).replace("or null", "or `null`")
    if "enum" in prop:
        return ", ".join(
            f"`{json.dumps(v, ensure_ascii=False)}`" if isinstance(v, str) and v[0].isdigit() else f"`{v}`"
            for v in prop["enum"]
        )
    if "const" in prop:
        return f"`{prop['const']}`"
    if "$ref" in prop:
        return prop["$ref"].rsplit("/", 1)[-1].lower() + "s (below)"
    kind = prop.get("type")
    if kind == "array":
        item = _allowed(prop["items"])
        return "list of " + ("ids" if item == "id" else item)
    if kind == "string":
        if prop.get("format") == "date":
            return 'date in quotes, `"YYYY-MM-DD"`'
        return "id" if prop.get("pattern", "").startswith("^[a-z0-9]+") else "text"
    if kind == "integer":
        return f"whole number ≥ {prop['minimum']}" if "minimum" in prop else "whole number"
    return {"number": "number", "boolean": "`true` or `false`", "null": "null"}.get(kind, str(kind))


def _required(name: str, definition: dict) -> str:
    if name in definition.get("required", ()):
        return "yes"
    return CONDITIONALLY_REQUIRED.get(name, "no")


def field_reference() -> str:
    """The markdown tables of every file's fields, generated from the schemas."""
    definitions = _definitions()
    order = list(REFERENCE_HEADINGS)
    lines = [BEGIN]
    for model_name in sorted(definitions, key=lambda n: order.index(n) if n in order else len(order)):
        definition = definitions[model_name]
        lines += [
            "",
            f"#### {REFERENCE_HEADINGS.get(model_name, model_name)}",
            "",
            "| field | required | allowed | meaning |",
            "|---|---|---|---|",
        ]
        for name, prop in definition["properties"].items():
            meaning = prop.get("description", "").replace("|", "\\|")
            lines.append(f"| `{name}` | {_required(name, definition)} | {_allowed(prop)} | {meaning} |")
    lines += ["", END]
    return "\n".join(lines)


def with_reference(text: str, doc: str) -> str:
    """`text` with its generated section replaced; a document without the markers is an error."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"{doc}: the markers of the generated field reference are missing")
    return text[:start] + field_reference() + text[end + len(END) :]


def generated_files(root: Path) -> dict[Path, str]:
    """Every generated file under the project root and the text it should have."""
    files = {root / "data" / "schema" / name: schema_text(name) for name in ALL_SCHEMAS}
    for doc in GENERATED_DOCS:
        path = root / doc
        if path.is_file():  # a scratch project may have no CONTRIBUTING.md
            files[path] = with_reference(path.read_text(encoding="utf-8"), doc)
    return files


def stale_files(root: Path) -> list[str]:
    """The generated files that differ from what the models give now (relative paths)."""
    return [
        path.relative_to(root).as_posix()
        for path, text in generated_files(root).items()
        if not path.is_file() or path.read_text(encoding="utf-8") != text
    ]


def write_generated(root: Path) -> list[str]:
    """Write the schemas and the field reference; return the files that changed (relative paths)."""
    changed = stale_files(root)
    for path, text in generated_files(root).items():
        if path.relative_to(root).as_posix() in changed:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return changed
