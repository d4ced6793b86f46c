"""Data downloads for journalists: every record as CSV and JSON, each chart's figures as CSV,
and a Frictionless Data Package describing them.

CSV files start with a UTF-8 byte-order mark so that Excel in China opens the
Chinese text correctly. Values stay in base units, as in the data.
"""

import csv
import functools
import io
import json
from collections.abc import Callable

from .charts import Chart
from .formatting import plain_number
from .models import Dataset, District
from .tables import COMPARISON_COLUMNS, ITEM_KINDS, ComparisonRow, Tables, plain_columns

# Records per part of targets.csv and targets.json, each part made on its own and written before the
# next is made (a large site's targets.json is 150 MB). Parts of 20,000 records added about 60 MB
# to the peak memory of a build of 3,000 districts; parts of 5,000, too little to tell from noise.
ROWS_PER_PART = 5000

LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}

RELEASES = "data/releases"  # where each past release of the downloads is kept, one folder per date

# (column, Frictionless type, description)
TARGET_FIELDS = [
    ("id", "string", "Stable record id"),
    ("district", "string", "District slug: haizhu, yuexiu or liwan"),
    ("district_zh", "string", "District name in Chinese"),
    ("district_en", "string", "District name in English"),
    ("topic", "string", "Primary topic slug, e.g. gdp, low-altitude"),
    ("tags", "string", "Further topic slugs, separated by '; ': the record counts under each of them too"),
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
    ("note_zh", "string", "How the quote is read where the source seems misprinted, in Chinese"),
    ("note_en", "string", "The same note in English"),
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


# A text cell that a spreadsheet could read as a formula starts with one of these; it is written with a
# ' in front, which spreadsheets show as text (OWASP's advice on CSV injection). Numbers are not text
# cells and stay numbers; targets.json keeps every text as written.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """'=1+1' → "'=1+1"; '@荔湾街坊' → "'@荔湾街坊"; any other text as it is."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell(value) -> str:
    """One CSV text: no 'nan', no '70000000000.0', lists joined."""
    if type(value) is str:  # most cells: tested first, as a site of 3,000 districts has 4 million
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (tuple, list)):
        return spreadsheet_safe("; ".join(value))
    if isinstance(value, float):
        return plain_number(value, max_decimals=6)
    return str(value)


# One encoder for every row: json.dumps with options makes a new one per call. Tuples come out as arrays.
_encode_json = json.JSONEncoder(ensure_ascii=False).encode


def row_columns(rows: list[dict], fields) -> list[list]:
    """Rows as the columns of the given fields, in order (a missing key is None)."""
    return [[row.get(name) for row in rows] for name, _, _ in fields]


def json_lines(columns: list[list], fields, first: bool = True, last: bool = True) -> bytes:
    """A JSON array of rows, one object per line, from columns of plain values in the order of fields:
    readable, and encoded by json's C encoder (an indent makes json fall back to its pure-Python
    encoder, minutes for a site of 3,000 districts).

    first and last: whether this part opens and closes the array; a part that does not open it
    continues an earlier part's last row (and so holds at least one row)."""
    names = [name for name, _, _ in fields]
    lines = ",\n".join(_encode_json(dict(zip(names, row))) for row in zip(*columns))
    return (b"[\n" if first else b",\n") + lines.encode("utf-8") + (b"\n]\n" if last else b"")


def csv_bytes(columns: list[list], fields, first: bool = True) -> bytes:
    """CSV with a byte-order mark, from columns of plain values in the order of fields, its text cells
    spreadsheet_safe. A part that is not the first has neither the mark nor the header.

    Made column by column, each text cell taken as it is (most of the 4 million of a site of 3,000 districts):
    a call of _cell per cell and an encoding per row took twice as long."""
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    if first:
        writer.writerow([name for name, _, _ in fields])
    writer.writerows(
        zip(*[[spreadsheet_safe(v) if type(v) is str else _cell(v) for v in column] for column in columns])
    )
    return (("\ufeff" if first else "") + text.getvalue()).encode("utf-8")


def target_columns(dataset: Dataset, tables: Tables, start: int, stop: int) -> list[list]:
    """The download columns (TARGET_FIELDS, in order) of the records from start to stop, each a list of
    plain values."""
    columns = plain_columns(tables.records.iloc[start:stop])
    districts = {d.id: d for d in dataset.districts}
    sources = {s.id: s for s in dataset.sources}
    row_districts = [districts[d] for d in columns["district"]]
    row_sources = [sources[s] for s in columns["source"]]
    columns.update(
        district_zh=[d.name_zh for d in row_districts],
        district_en=[d.name_en for d in row_districts],
        source_title_zh=[s.title_zh for s in row_sources],
        source_title_en=[s.title_en for s in row_sources],
    )
    return [columns[name] for name, _, _ in TARGET_FIELDS]


def _targets_csv_part(dataset: Dataset, tables: Tables, start: int, stop: int) -> bytes:
    return csv_bytes(target_columns(dataset, tables, start, stop), TARGET_FIELDS, first=start == 0)


def _targets_json_part(dataset: Dataset, tables: Tables, start: int, stop: int) -> bytes:
    return json_lines(
        target_columns(dataset, tables, start, stop), TARGET_FIELDS, first=start == 0, last=stop >= len(tables.records)
    )


def targets_parts(
    make_part: Callable[[Dataset, Tables, int, int], bytes], dataset: Dataset, tables: Tables
) -> list[Callable[[], bytes]]:
    """A download of every record as parts of ROWS_PER_PART records, made one by one, written one after another."""
    starts = range(0, max(len(tables.records), 1), ROWS_PER_PART)
    return [functools.partial(make_part, dataset, tables, start, start + ROWS_PER_PART) for start in starts]


def chart_rows(districts: dict[str, District], rows: list[ComparisonRow]) -> list[dict]:
    """The figures of one comparison chart, one row per district and series."""
    return [
        {name: getattr(row, name) for name in COMPARISON_COLUMNS}
        | {
            "record": row.id,
            "district_zh": districts[row.district].name_zh,
            "district_en": districts[row.district].name_en,
        }
        for row in rows
    ]


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
    return [
        {
            "district": d.id,
            "district_zh": d.name_zh,
            "district_en": d.name_en,
            "kind": kind,
            "items": int(counts[(d.id, kind)]),
        }
        for d in districts
        for kind in ITEM_KINDS
    ]


def _schema(fields, primary_key=None) -> dict:
    schema = {"fields": [{"name": n, "type": t, "description": d} for n, t, d in fields], "missingValues": [""]}
    if primary_key:
        schema["primaryKey"] = primary_key
    return schema


def indented_json(value) -> bytes:
    """JSON indented by one space, in UTF-8. Written chunk by chunk into one buffer: json.dumps with an
    indent first keeps every chunk in a list (2.2 million for the data package of 3,000 districts,
    doubling the memory it takes to make it)."""
    text = io.StringIO()
    for chunk in json.JSONEncoder(ensure_ascii=False, indent=1).iterencode(value):
        text.write(chunk)
    return text.getvalue().encode("utf-8")


def datapackage(dataset: Dataset, charts: list[Chart], version: str | None = None) -> dict:
    """A Frictionless Data Package describing the CSV downloads; its version is the date the data last
    changed (None when there is no history to say it)."""
    dialect = {"header": True, "delimiter": ","}
    # One of each, shared by every chart's resource: a site of 3,000 districts has 12,600 charts.
    comparison_schema, items_schema = _schema(CHART_FIELDS), _schema(ITEM_FIELDS)
    resources = [
        {
            "name": "targets",
            "path": "targets.csv",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8-sig",
            "dialect": dialect,
            "schema": _schema(TARGET_FIELDS, ["id"]),
            "title": "Every target and result, one row per record",
        }
    ]
    for chart in charts:
        resources.append(
            {
                "name": "chart-" + (f"{chart.group}-" if chart.group else "") + chart.id,
                "path": chart.csv_path,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "dialect": dialect,
                "schema": comparison_schema if chart.kind == "comparison" else items_schema,
                "title": f"Figures of the chart “{chart.titles['en']}”",
                **(_definition(chart.definition) if chart.definition else {}),
            }
        )
    return {
        "name": "guangzhou-district-targets-2025",
        **({"version": version} if version else {}),
        "title": "Guangzhou districts' 2025 targets (Haizhu, Yuexiu, Liwan)",
        "description": (
            "Targets and first-half results from the districts' 2025 documents, each with its verbatim quote. "
            "A district's records in a topic, as every page counts them: rows whose topic is the topic or "
            "whose tags name it."
        ),
        "licenses": [LICENCE],
        "sources": [
            {"title": f"{s.title_zh} ({s.date.isoformat() if s.date else 'date not stated'})"} for s in dataset.sources
        ],
        "resources": resources,
    }


def _definition(metric) -> dict:
    """A chart resource's description (its metric's definition, and whether differently worded figures
    can fairly be compared) and the definition in both languages, as data/metrics.yaml gives it."""
    description = " ".join(filter(None, [metric.definition_en, metric.comparability_en]))
    return {"description": description, "metric": {k: v for k, v in metric.model_dump().items() if v is not None}}


def comparison_csv(districts: dict[str, District], rows: list[ComparisonRow]) -> bytes:
    """The CSV of one comparison chart."""
    return csv_bytes(row_columns(chart_rows(districts, rows), CHART_FIELDS), CHART_FIELDS)


def items_csv(districts: list[District], counts: dict[tuple[str, str], int]) -> bytes:
    """The CSV of one topic's items chart."""
    return csv_bytes(row_columns(item_rows(districts, counts), ITEM_FIELDS), ITEM_FIELDS)


def download_files(
    dataset: Dataset,
    tables: Tables,
    charts: dict[str | None, dict[str, Chart]],
    version: str | None = None,
    folder: str = "data",
) -> dict[str, list[Callable[[], bytes]]]:
    """Every file under /data/ (or `folder`): relative path → the functions that make its parts, in order.

    Files are made as they are written, one part at a time: a large site's downloads
    run to hundreds of megabytes, which need never be held at once.
    """
    files = {
        f"{folder}/targets.csv": targets_parts(_targets_csv_part, dataset, tables),
        f"{folder}/targets.json": targets_parts(_targets_json_part, dataset, tables),
    }
    districts = {d.id: d for d in dataset.districts}
    for group_id, group in tables.groups.items():
        group_districts = [districts[d] for d in group.district_ids]
        for chart in charts[group_id].values():
            files[f"{folder}/{chart.csv_path}"] = [
                functools.partial(comparison_csv, districts, group.comparisons[chart.id])
                if chart.kind == "comparison"
                else functools.partial(items_csv, group_districts, group.topic_counts[chart.topic])
            ]
    every_chart = [chart for group in charts.values() for chart in group.values()]
    files[f"{folder}/datapackage.json"] = [lambda: indented_json(datapackage(dataset, every_chart, version))]
    return files


def release_files(
    date: str, dataset: Dataset, tables: Tables, charts: dict[str | None, dict[str, Chart]]
) -> dict[str, list[Callable[[], bytes]]]:
    """The downloads of the data as it stood on `date`, at /data/releases/<date>/: kept at that address
    for good, so that a figure can be cited exactly as it was."""
    return download_files(dataset, tables, charts, version=date, folder=f"{RELEASES}/{date}")
