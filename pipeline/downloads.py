"""Data downloads for journalists: every record as CSV and JSON, each chart's figures as CSV,
and a Frictionless Data Package describing them.

CSV files start with a UTF-8 byte-order mark so that Excel in China opens the
Chinese text correctly. Values stay in base units, as in the data.
"""
import csv
import io
import json

import pandas as pd

from .formatting import plain_number
from .charts import Chart
from .models import Dataset, District
from .tables import ITEM_KINDS, Tables

LICENCE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
           "path": "https://creativecommons.org/licenses/by/4.0/"}

# (column, Frictionless type, description)
TARGET_FIELDS = [
    ("id", "string", "Stable record id"),
    ("district", "string", "District slug: haizhu, yuexiu or liwan"),
    ("district_zh", "string", "District name in Chinese"),
    ("district_en", "string", "District name in English"),
    ("topic", "string", "Primary topic slug, e.g. gdp, low-altitude"),
    ("tags", "string", "Further topic slugs, separated by '; '"),
    ("kind", "string", "target or actual (a reported result)"),
    ("period", "string", "2025, 2025-H1 or 2025-H2"),
    ("estimate", "boolean", "true where the document marks the figure as an estimate (预计)"),
    ("metric", "string", "Key shared by records that measure the same thing"),
    ("measure", "string", "growth (year-on-year rate) or level"),
    ("value", "number", "The figure in base units; empty for a commitment without a figure"),
    ("value_high", "number", "Upper end when bound is range"),
    ("unit", "string", "Base unit: percent, yuan, people, sqm, count …"),
    ("bound", "string", "exact, about, at_least, more_than, at_most, nearly or range"),
    ("label_zh", "string", "Short label in Chinese"),
    ("label_en", "string", "Short label in English"),
    ("summary_en", "string", "English rendering of the quote"),
    ("quote", "string", "The verbatim sentence of the source that holds the figure"),
    ("source", "string", "Source document id"),
    ("source_title_zh", "string", "Source document title"),
    ("source_title_en", "string", "Source document title in English (our translation)"),
    ("task_no", "integer", "Task number (序号) in a task list"),
    ("lead_units", "string", "Lead units (牵头单位), separated by '; '"),
]
CHART_FIELDS = [
    ("district", "string", "District slug"),
    ("district_zh", "string", "District name in Chinese"),
    ("district_en", "string", "District name in English"),
    ("stated", "boolean", "false where the district's documents state no figure"),
    ("record", "string", "Record id"),
    ("kind", "string", "target or actual"),
    ("period", "string", "2025, 2025-H1 or 2025-H2"),
    ("estimate", "boolean", "true for an estimate (预计)"),
    ("value", "number", "The figure in base units"),
    ("value_high", "number", "Upper end of a range"),
    ("unit", "string", "Base unit"),
    ("bound", "string", "exact, about, at_least, more_than, at_most, nearly or range"),
]


def _cell(value) -> str:
    """One CSV/JSON-ready text: no 'nan', no '70000000000.0', lists joined."""
    if value is None or (not isinstance(value, (tuple, list)) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (tuple, list)):
        return "; ".join(value)
    if isinstance(value, float):
        return plain_number(value, max_decimals=6)
    return str(value)


def _json_value(value):
    if value is None or (not isinstance(value, (tuple, list, bool)) and pd.isna(value)):
        return None
    if isinstance(value, tuple):
        return list(value)
    if hasattr(value, "item"):
        return value.item()  # numpy scalar → Python
    return value


def csv_bytes(rows: list[dict], fields) -> bytes:
    """CSV with a byte-order mark, columns in the given order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([name for name, _, _ in fields])
    for row in rows:
        writer.writerow([_cell(row.get(name)) for name, _, _ in fields])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def target_rows(dataset: Dataset, tables: Tables) -> list[dict]:
    """One dict per record with every download column."""
    districts = {d.id: d for d in dataset.districts}
    sources = {s.id: s for s in dataset.sources}
    rows = []
    for row in tables.records.to_dict("records"):
        district, source = districts[row["district"]], sources[row["source"]]
        rows.append(dict(row, district_zh=district.name_zh, district_en=district.name_en,
                         source_title_zh=source.title_zh, source_title_en=source.title_en))
    return rows


def chart_rows(districts: dict[str, District], rows: list[dict]) -> list[dict]:
    """The figures of one comparison chart, one row per district and series."""
    return [dict(row, record=row["id"], district_zh=districts[row["district"]].name_zh,
                 district_en=districts[row["district"]].name_en)
            for row in rows]


ITEM_FIELDS = [
    ("district", "string", "District slug"),
    ("district_zh", "string", "District name in Chinese"),
    ("district_en", "string", "District name in English"),
    ("kind", "string", "target (with a figure), actual (with a figure) or no-figure"),
    ("items", "integer", "Number of records of this kind on the topic"),
]


def item_rows(districts: list[District], counts: dict[tuple[str, str], int]) -> list[dict]:
    """The counts behind a topic's items chart, one row per district (of the chart's group) and kind.

    counts: (district, kind) → number of records, a row of the group's topic_counts.
    """
    return [{"district": d.id, "district_zh": d.name_zh, "district_en": d.name_en, "kind": kind,
             "items": int(counts[(d.id, kind)])}
            for d in districts for kind in ITEM_KINDS]


def _schema(fields, primary_key=None) -> dict:
    schema = {"fields": [{"name": n, "type": t, "description": d} for n, t, d in fields],
              "missingValues": [""]}
    if primary_key:
        schema["primaryKey"] = primary_key
    return schema


def datapackage(dataset: Dataset, charts: list[Chart]) -> dict:
    """A Frictionless Data Package describing the CSV downloads."""
    dialect = {"header": True, "delimiter": ","}
    resources = [{
        "name": "targets", "path": "targets.csv", "format": "csv", "mediatype": "text/csv",
        "encoding": "utf-8-sig", "dialect": dialect, "schema": _schema(TARGET_FIELDS, ["id"]),
        "title": "Every target and result, one row per record",
    }]
    for chart in charts:
        resources.append({
            "name": "chart-" + (f"{chart.group}-" if chart.group else "") + chart.id, "path": chart.csv_path,
            "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8-sig", "dialect": dialect,
            "schema": _schema(CHART_FIELDS if chart.kind == "comparison" else ITEM_FIELDS),
            "title": f"Figures of the chart “{chart.titles['en']}”",
        })
    return {
        "name": "guangzhou-district-targets-2025",
        "title": "Guangzhou districts' 2025 targets (Haizhu, Yuexiu, Liwan)",
        "description": "Targets and first-half results from the districts' 2025 documents, each with its verbatim quote.",
        "licenses": [LICENCE],
        "sources": [{"title": f"{s.title_zh} ({s.date.isoformat() if s.date else 'date not stated'})"}
                    for s in dataset.sources],
        "resources": resources,
    }


def download_files(dataset: Dataset, tables: Tables, charts: dict[str | None, dict[str, Chart]]) -> dict[str, bytes]:
    """Every file under /data/: relative path → bytes."""
    rows = target_rows(dataset, tables)
    files = {
        "data/targets.csv": csv_bytes(rows, TARGET_FIELDS),
        "data/targets.json": json.dumps(
            [{name: _json_value(row.get(name)) for name, _, _ in TARGET_FIELDS} for row in rows],
            ensure_ascii=False, indent=1).encode("utf-8"),
    }
    districts = {d.id: d for d in dataset.districts}
    every_chart = [chart for group in charts.values() for chart in group.values()]
    for group_id, group in tables.groups.items():
        topic_counts = group.topic_counts.to_dict("index")
        for chart in charts[group_id].values():
            if chart.kind == "comparison":
                content = csv_bytes(chart_rows(districts, group.comparisons[chart.id]), CHART_FIELDS)
            else:
                content = csv_bytes(item_rows([districts[d] for d in group.district_ids], topic_counts[chart.topic]),
                                    ITEM_FIELDS)
            files[f"data/{chart.csv_path}"] = content
    package = datapackage(dataset, every_chart)
    files["data/datapackage.json"] = json.dumps(package, ensure_ascii=False, indent=1).encode("utf-8")
    return files
