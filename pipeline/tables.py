"""Stage 3: derive the tables every page and chart reads from the validated dataset.

Rows are sorted by fixed keys (district order, topic order, record id) so two
builds of the same data give the same pages byte for byte.

Pages that compare districts compare one group of districts: the districts of
a city when districts name their city (a site of 3,000 districts has hundreds of
cities), else every district of the site. Each table is built in one pass over
the records, never in a scan per district, per topic or per metric, so the
build grows linearly with the number of districts. A group's tables are plain
dicts, read only by key: a site of 3,000 districts has hundreds of groups, and a
small pandas frame costs a millisecond to build and another to read back.
"""

import operator
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd

from .models import Dataset, Topic, has_district_prefix

RECORD_COLUMNS = [
    "id",
    "district",
    "topic",
    "tags",
    "kind",
    "period",
    "estimate",
    "metric",
    "measure",
    "value",
    "value_high",
    "unit",
    "bound",
    "counter",
    "label_zh",
    "label_en",
    "summary_en",
    "quote",
    "source",
    "task_no",
    "lead_units",
    "former_ids",
    "district_order",
    "topic_order",
]
# The columns records_table adds to a record's own fields, and those fields, read straight from its model.
ADDED_COLUMNS = ["district", "district_order", "topic_order", "counter"]
MODEL_COLUMNS = [c for c in RECORD_COLUMNS if c not in ADDED_COLUMNS]

COMPARISON_COLUMNS = [
    "district",
    "stated",
    "id",
    "kind",
    "period",
    "estimate",
    "measure",
    "value",
    "value_high",
    "unit",
    "bound",
    "counter",
    "topic",
]

# The series a comparison shows, in legend order: targets before results.
SERIES_ORDER = [("target", "2025"), ("target", "2025-H2"), ("actual", "2025-H1")]

# How the about page and the items charts count records: with a figure (by kind) or without.
ITEM_KINDS = ["target", "actual", "no-figure"]

# The about page's column of the whole site, on a site of several cities: no id can take this form.
SITE_COLUMN = "*"

# What a district says on a topic, strongest first.
COVERAGE_LEVELS = ["target", "actual", "commitment", "not-stated"]


@dataclass(frozen=True)
class GroupTables:
    """The tables of the pages that put one group of districts side by side."""

    district_ids: list[str]
    comparisons: dict[str, list[dict]]  # metric key → rows, one per district and series (comparisons_by_group)
    first_records: dict[str, str]  # metric key → id of its first record in the group (the chart's wording)
    coverage: dict[str, dict[str, str]]  # topic → district → coverage level
    topic_counts: dict[str, dict[tuple[str, str], int]]  # topic → (district, kind) → records, tags counted too
    facets: dict[str, dict[str, dict[str, tuple[str, ...]]]]  # topic → facet → district → record ids


@dataclass(frozen=True)
class Tables:
    """The derived tables of one build."""

    records: pd.DataFrame  # one row per record
    groups: dict[str | None, GroupTables]  # by city id; one group, None, when no district names a city
    counts: pd.DataFrame  # primary topic × (district, or SITE_COLUMN if cities, kind) → number of records
    city_counts: pd.DataFrame | None  # city × kind → number of records; None when no district names a city
    progress: dict[str, tuple[str, ...]]  # record id → ids of its result/target partners


def records_table(dataset: Dataset) -> pd.DataFrame:
    """Every record as one row, with its district and the measure word its quote uses, in district order
    and then by topic order and id."""
    topic_order = {t.id: i for i, t in enumerate(dataset.topics)}
    record_fields = operator.attrgetter(*MODEL_COLUMNS)
    rows = []
    # Sorted district by district (the districts come in order): one sort of the whole table costs more.
    for district_order, district in enumerate(dataset.districts):
        for record in sorted(district.records, key=lambda r: (topic_order[r.topic], r.id)):
            rows.append(
                (
                    *record_fields(record),
                    district.id,
                    district_order,
                    topic_order[record.topic],
                    dataset.counters.get(record.id),
                )
            )
    # Rows are read as tuples of fields (a model_dump per record took 1.6 times as long) and handed to
    # pandas column by column. Text stays Python objects: pandas' own string type costs a conversion
    # in and another out of every column, and pages read the rows back as Python values.
    names = MODEL_COLUMNS + ADDED_COLUMNS
    cells = zip(*rows) if rows else [[] for _ in names]
    table = pd.DataFrame(dict(zip(names, map(list, cells))), columns=RECORD_COLUMNS, dtype=object)
    return table.astype(
        {
            "value": "float64",
            "value_high": "float64",
            "task_no": "Int64",
            "estimate": "bool",
            "district_order": "int64",
            "topic_order": "int64",
        }
    )


def columns(frame: pd.DataFrame, *names: str) -> Iterator[tuple]:
    """The named columns' cells, row by row, as plain Python values. Each column is read whole as a list:
    pandas 3 reads a string column cell by cell, a boxed call each (seconds for a site of 3,000 districts)."""
    return zip(*(frame[name].tolist() for name in names))


def topic_keys(records: pd.DataFrame) -> list[tuple[str, ...]]:
    """For each record, in table order: its primary topic and its tags, each once."""
    return [tuple(dict.fromkeys((topic, *tags))) for topic, tags in columns(records, "topic", "tags")]


def rows_by_index(frame: pd.DataFrame) -> dict:
    """frame.to_dict("index") of a table of plain values, read through NumPy: pandas' own takes
    milliseconds a table, seconds for a site of hundreds of cities."""
    names = list(frame.columns)
    return {key: dict(zip(names, row)) for key, row in zip(frame.index.tolist(), frame.to_numpy().tolist())}


def plain_columns(frame: pd.DataFrame) -> dict[str, list]:
    """A table's columns as lists of plain Python values; NaN and NA from pandas become None so that
    readers test for "no value" one way.

    Read column by column: to_dict("records") boxes the cells of a nullable column (task_no) one
    call at a time, seconds for a site of 3,000 districts. pandas' isna on a column of tuples is False
    for each tuple, so lists are kept whole.
    """
    columns = {}
    for name in frame.columns:
        column = frame[name]
        values = column.tolist()
        missing = column.isna()
        if missing.any():
            values = [None if gone else value for value, gone in zip(values, missing.tolist())]
        columns[name] = values
    return columns


def plain_rows(frame: pd.DataFrame) -> list[dict]:
    """A table as row dicts of plain values (see plain_columns)."""
    columns = plain_columns(frame)
    names = list(columns)
    return [dict(zip(names, row)) for row in zip(*columns.values())]


def comparisons_by_group(
    records: pd.DataFrame, groups: dict[str | None, list[str]], all_district_ids: set[str]
) -> tuple[dict[str | None, dict[str, list[dict]]], dict[str | None, dict[str, str]]]:
    """For each group: metric key → its comparison rows, and metric key → the id of its first record.

    A metric is compared within a group when its key is cross-district and its figures there share one
    unit; a key that starts with a district id (yuexiu-…) pairs a result with its target inside that
    district and is shown beside its pair instead. The rows are one per district and series (kind,
    period), in district order; a district with no figure gets one row, not stated, with no value.
    One filter and one conversion serve every group, so the cost does not grow with the groups.
    """
    group_of = {d: group for group, ids in groups.items() for d in ids}
    figures = records[records["metric"].notna() & records["value"].notna()]
    units: dict[tuple, set] = defaultdict(set)
    for district, metric, unit in columns(figures, "district", "metric", "unit"):
        units[group_of[district], metric].add(unit)
    comparable = {
        key for key, seen in units.items() if len(seen) == 1 and not has_district_prefix(key[1], all_district_ids)
    }
    stated: dict[tuple, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for row in plain_rows(figures[[c for c in COMPARISON_COLUMNS if c != "stated"] + ["metric"]]):
        key = (group_of[row["district"]], row.pop("metric"))
        if key in comparable:
            stated[key][row["district"]].append({"district": row["district"], "stated": True, **row})
    firsts: dict[str | None, dict[str, str]] = defaultdict(dict)
    for record_id, district, metric in columns(records, "id", "district", "metric"):
        key = (group_of[district], metric)
        if key in comparable and metric not in firsts[key[0]]:
            firsts[key[0]][metric] = record_id
    not_stated = dict.fromkeys(COMPARISON_COLUMNS)
    comparisons: dict[str | None, dict[str, list[dict]]] = defaultdict(dict)
    for group, metric in sorted(comparable, key=lambda key: (key[0] or "", key[1])):
        own = stated[group, metric]
        comparisons[group][metric] = [
            row for d in groups[group] for row in (own.get(d) or [dict(not_stated, district=d, stated=False)])
        ]
    return comparisons, firsts


def coverage_tables(
    records: pd.DataFrame, keys: list[tuple[str, ...]], topic_ids: list[str], groups: dict[str | None, list[str]]
) -> dict[str | None, dict[str, dict[str, str]]]:
    """For each group, topic (primary or tag) and district: a quantified target, a result only, a commitment
    only, or not stated."""
    strongest: dict[tuple[str, str], int] = {}
    rank = {level: i for i, level in enumerate(COVERAGE_LEVELS)}
    for record_keys, (district, kind), has_value in zip(
        keys, columns(records, "district", "kind"), records["value"].notna().tolist()
    ):
        level = rank[("target" if kind == "target" else "actual") if has_value else "commitment"]
        for topic in record_keys:
            strongest[topic, district] = min(level, strongest.get((topic, district), level))
    not_stated = rank["not-stated"]
    return {
        group: {t: {d: COVERAGE_LEVELS[strongest.get((t, d), not_stated)] for d in ids} for t in topic_ids}
        for group, ids in groups.items()
    }


def shown_kinds(records: pd.DataFrame) -> pd.Series:
    """How counts and items charts class each record: its kind if it has a figure, else no-figure."""
    return records["kind"].where(records["value"].notna(), "no-figure")


def topic_counts_tables(
    records: pd.DataFrame, keys: list[tuple[str, ...]], topic_ids: list[str], groups: dict[str | None, list[str]]
) -> dict[str | None, dict[str, dict[tuple[str, str], int]]]:
    """For each group: records per topic, district and kind, a record counting under each of its topic keys."""
    counts: Counter = Counter()
    for record_keys, district, kind in zip(keys, records["district"].tolist(), shown_kinds(records).tolist()):
        for topic in record_keys:
            counts[topic, district, kind] += 1
    return {
        group: {t: {(d, k): counts[t, d, k] for d in ids for k in ITEM_KINDS} for t in topic_ids}
        for group, ids in groups.items()
    }


def counts_table(
    records: pd.DataFrame, topic_ids: list[str], column_ids: list[str], column_of: dict[str, str] | None = None
) -> pd.DataFrame:
    """Records per primary topic, district and kind (target with a figure, result with a figure, no figure),
    each record counted once: the about page's totals. With column_of (district → column), the columns
    are those it names.
    """
    labelled = records.assign(kind_shown=shown_kinds(records))
    if column_of is not None:
        labelled = labelled.assign(district=labelled["district"].map(column_of))
    counts = labelled.groupby(["topic", "district", "kind_shown"]).size()
    columns = pd.MultiIndex.from_product([column_ids, ITEM_KINDS], names=["district", "kind"])
    return (
        counts.unstack(["district", "kind_shown"])
        .reindex(index=topic_ids, columns=columns, fill_value=0)
        .fillna(0)
        .astype(int)
    )


def city_counts_table(records: pd.DataFrame, city_ids: list[str], city_of: dict[str, str]) -> pd.DataFrame:
    """Records per city and kind, each record counted once: on a site of hundreds of cities, the about
    page counts them city by city in rows (a column per city and kind would make a table too wide to read)."""
    labelled = records.assign(kind_shown=shown_kinds(records), city=records["district"].map(city_of))
    counts = labelled.groupby(["city", "kind_shown"]).size().unstack("kind_shown")
    return counts.reindex(index=city_ids, columns=ITEM_KINDS, fill_value=0).fillna(0).astype(int)


def facet_tables(
    records: pd.DataFrame, keys: list[tuple[str, ...]], topics: list[Topic], groups: dict[str | None, list[str]]
) -> dict[str | None, dict[str, dict[str, dict[str, tuple]]]]:
    """For each group and topic with facets: facet × district → the ids of the district's records on the
    topic whose quote names one of the facet's keywords."""
    faceted = [t for t in topics if t.facets]
    cells = {t.id: {d: [[] for _ in t.facets] for ids in groups.values() for d in ids} for t in faceted}
    for record_keys, (record_id, district, quote) in zip(keys, columns(records, "id", "district", "quote")):
        for topic in faceted:
            if topic.id not in record_keys:
                continue
            for i, facet in enumerate(topic.facets):
                if any(k in quote for k in facet.keywords):
                    cells[topic.id][district][i].append(record_id)
    return {
        group: {
            t.id: {f.id: {d: tuple(cells[t.id][d][i]) for d in ids} for i, f in enumerate(t.facets)} for t in faceted
        }
        for group, ids in groups.items()
    }


def progress_pairs(records: pd.DataFrame, district_ids: set[str]) -> dict[str, tuple[str, ...]]:
    """Record id → the ids of its partners: a result and a target under one district-prefixed metric key.

    Only pairs the documents themselves make are linked; no progress figure is computed.
    """
    by_metric: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for record_id, metric, kind in columns(records, "id", "metric", "kind"):
        if isinstance(metric, str) and has_district_prefix(metric, district_ids):
            by_metric[metric].append((record_id, kind))
    pairs: dict[str, tuple[str, ...]] = {}
    for metric in sorted(by_metric):
        members = by_metric[metric]
        if len({kind for _, kind in members}) < 2:
            continue
        for record_id, kind in members:
            pairs[record_id] = tuple(other for other, other_kind in members if other_kind != kind)
    return pairs


def district_groups(dataset: Dataset) -> dict[str | None, list[str]]:
    """District ids by city, in site order; a single group, None, when no district names a city."""
    groups: dict[str | None, list[str]] = {}
    for district in dataset.districts:
        groups.setdefault(district.city, []).append(district.id)
    return groups


def derive_tables(dataset: Dataset) -> Tables:
    """All tables of one build, each in one pass over the records for every group at once."""
    records = records_table(dataset)
    district_ids = [d.id for d in dataset.districts]
    groups = district_groups(dataset)
    keys = topic_keys(records)
    topic_ids = [t.id for t in dataset.topics]
    comparisons, firsts = comparisons_by_group(records, groups, set(district_ids))
    coverage = coverage_tables(records, keys, topic_ids, groups)
    topic_counts = topic_counts_tables(records, keys, topic_ids, groups)
    facets = facet_tables(records, keys, dataset.topics, groups)
    city_of = {d.id: d.city for d in dataset.districts}
    return Tables(
        records=records,
        groups={
            group: GroupTables(
                ids,
                comparisons.get(group, {}),
                firsts.get(group, {}),
                coverage[group],
                topic_counts[group],
                facets[group],
            )
            for group, ids in groups.items()
        },
        counts=(
            counts_table(records, topic_ids, district_ids)
            if list(groups) == [None]
            else counts_table(records, topic_ids, [SITE_COLUMN], column_of=dict.fromkeys(district_ids, SITE_COLUMN))
        ),
        city_counts=None if list(groups) == [None] else city_counts_table(records, list(groups), city_of),
        progress=progress_pairs(records, set(district_ids)),
    )
