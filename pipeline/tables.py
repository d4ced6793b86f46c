"""Stage 3: derive the tables every page and chart reads from the validated dataset.

Each record becomes one RecordRow, the one shape every later stage reads it in; the same rows as a
pandas table serve the counts and the downloads. Rows are sorted by fixed keys (district order,
topic order, record id) so two builds of the same data give the same pages byte for byte.

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
from collections.abc import Sequence
from dataclasses import dataclass, fields

import pandas as pd

from .models import Dataset, Topic, has_district_prefix


@dataclass(frozen=True, slots=True)
class RecordRow:
    """A record as every stage after validation reads it: its model's fields, its district, the positions
    of its district and topic, and the counter its quote writes (户 …). Made once per build, in table
    order, by record_rows; templates read it as r.value."""

    id: str
    district: str
    topic: str
    tags: tuple[str, ...]
    kind: str
    period: str
    estimate: bool
    metric: str | None
    measure: str | None
    value: float | None  # in base units, as a float (the records table's column)
    value_high: float | None
    unit: str | None
    bound: str | None
    counter: str | None
    label_zh: str
    label_en: str
    summary_en: str
    quote: str
    source: str
    task_no: int | None
    lead_units: tuple[str, ...]
    former_ids: tuple[str, ...]
    note_zh: str | None
    note_en: str | None
    district_order: int
    topic_order: int

    @property
    def topic_keys(self) -> tuple[str, ...]:
        """Its primary topic and its tags, each once."""
        return tuple(dict.fromkeys((self.topic, *self.tags)))


RECORD_COLUMNS = [f.name for f in fields(RecordRow)]
# The columns record_rows adds to a record's own fields or converts; the others are read from its model.
MADE_COLUMNS = ("district", "district_order", "topic_order", "counter", "value", "value_high")
MODEL_FIELDS = [c for c in RECORD_COLUMNS if c not in MADE_COLUMNS]


@dataclass(frozen=True, slots=True)
class ComparisonRow:
    """One district's figure in one series (kind and period) of a comparison chart; a district that states
    none has one row, not stated, with no value."""

    district: str
    stated: bool
    id: str | None = None
    kind: str | None = None
    period: str | None = None
    estimate: bool | None = None
    measure: str | None = None
    value: float | None = None
    value_high: float | None = None
    unit: str | None = None
    bound: str | None = None
    counter: str | None = None
    topic: str | None = None

    @classmethod
    def of(cls, row: RecordRow) -> "ComparisonRow":
        """A record's figure as its comparison shows it."""
        return cls(row.district, True, *(getattr(row, name) for name in COMPARISON_COLUMNS[2:]))


COMPARISON_COLUMNS = [f.name for f in fields(ComparisonRow)]

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
    comparisons: dict[str, list[ComparisonRow]]  # metric key → one row per district and series
    first_records: dict[str, str]  # metric key → id of its first record in the group (the chart's wording)
    coverage: dict[str, dict[str, str]]  # topic → district → coverage level
    topic_counts: dict[str, dict[tuple[str, str], int]]  # topic → (district, kind) → records, tags counted too
    facets: dict[str, dict[str, dict[str, tuple[str, ...]]]]  # topic → facet → district → record ids


@dataclass(frozen=True)
class Tables:
    """The derived tables of one build."""

    rows: tuple[RecordRow, ...]  # every record, in table order
    records: pd.DataFrame  # the same, a row per record: for counts and downloads
    groups: dict[str | None, GroupTables]  # by city id; one group, None, when no district names a city
    counts: pd.DataFrame  # topic (primary or tag) × (district, or SITE_COLUMN if cities, kind) → number of records
    counts_totals: list[int]  # records per column of counts and kind, each record counted once
    city_counts: pd.DataFrame | None  # city × kind → number of records; None when no district names a city
    progress: dict[str, tuple[str, ...]]  # record id → ids of its result/target partners


def record_rows(dataset: Dataset) -> tuple[RecordRow, ...]:
    """Every record as a row, with its district and the counter its quote uses, in district order and
    then by topic order and id."""
    topic_order = {t.id: i for i, t in enumerate(dataset.topics)}
    rows = []
    # Sorted district by district (the districts come in order): one sort of the whole table costs more.
    for district_order, district in enumerate(dataset.districts):
        for record in sorted(district.records, key=lambda r: (topic_order[r.topic], r.id)):
            rows.append(
                RecordRow(
                    **{name: getattr(record, name) for name in MODEL_FIELDS},
                    value=None if record.value is None else float(record.value),
                    value_high=None if record.value_high is None else float(record.value_high),
                    district=district.id,
                    district_order=district_order,
                    topic_order=topic_order[record.topic],
                    counter=dataset.counters.get(record.id),
                )
            )
    return tuple(rows)


def records_table(rows: Sequence[RecordRow]) -> pd.DataFrame:
    """The rows as a table, for counts and downloads.

    Handed to pandas column by column. Text stays Python objects: pandas' own string type costs a
    conversion in and another out of every column.
    """
    cells = zip(*map(operator.attrgetter(*RECORD_COLUMNS), rows)) if rows else [[] for _ in RECORD_COLUMNS]
    table = pd.DataFrame(dict(zip(RECORD_COLUMNS, map(list, cells))), columns=RECORD_COLUMNS, dtype=object)
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


def comparisons_by_group(
    rows: Sequence[RecordRow], groups: dict[str | None, list[str]], all_district_ids: set[str]
) -> tuple[dict[str | None, dict[str, list[ComparisonRow]]], dict[str | None, dict[str, str]]]:
    """For each group: metric key → its comparison rows, and metric key → the id of its first record.

    A metric is compared within a group when its key is cross-district and its figures there share one
    unit; a key that starts with a district id (yuexiu-…) pairs a result with its target inside that
    district and is shown beside its pair instead. The rows are one per district and series (kind,
    period), in district order; a district with no figure gets one row, not stated, with no value.
    One pass serves every group, so the cost does not grow with the groups.
    """
    group_of = {d: group for group, ids in groups.items() for d in ids}
    figures = [row for row in rows if row.metric is not None and row.value is not None]
    units: dict[tuple, set] = defaultdict(set)
    for row in figures:
        units[group_of[row.district], row.metric].add(row.unit)
    comparable = {
        key for key, seen in units.items() if len(seen) == 1 and not has_district_prefix(key[1], all_district_ids)
    }
    stated: dict[tuple, dict[str, list[ComparisonRow]]] = defaultdict(lambda: defaultdict(list))
    for row in figures:
        if (key := (group_of[row.district], row.metric)) in comparable:
            stated[key][row.district].append(ComparisonRow.of(row))
    firsts: dict[str | None, dict[str, str]] = defaultdict(dict)
    for row in rows:
        key = (group_of[row.district], row.metric)
        if key in comparable and row.metric not in firsts[key[0]]:
            firsts[key[0]][row.metric] = row.id
    comparisons: dict[str | None, dict[str, list[ComparisonRow]]] = defaultdict(dict)
    for group, metric in sorted(comparable, key=lambda key: (key[0] or "", key[1])):
        own = stated[group, metric]
        comparisons[group][metric] = [
            row for d in groups[group] for row in (own.get(d) or [ComparisonRow(district=d, stated=False)])
        ]
    return comparisons, firsts


def coverage_tables(
    rows: Sequence[RecordRow], topic_ids: list[str], groups: dict[str | None, list[str]]
) -> dict[str | None, dict[str, dict[str, str]]]:
    """For each group, topic (primary or tag) and district: a quantified target, a result only, a commitment
    only, or not stated."""
    strongest: dict[tuple[str, str], int] = {}
    rank = {level: i for i, level in enumerate(COVERAGE_LEVELS)}
    for row in rows:
        level = rank[("target" if row.kind == "target" else "actual") if row.value is not None else "commitment"]
        for topic in row.topic_keys:
            strongest[topic, row.district] = min(level, strongest.get((topic, row.district), level))
    not_stated = rank["not-stated"]
    return {
        group: {t: {d: COVERAGE_LEVELS[strongest.get((t, d), not_stated)] for d in ids} for t in topic_ids}
        for group, ids in groups.items()
    }


def shown_kinds(records: pd.DataFrame) -> pd.Series:
    """How counts and items charts class each record: its kind if it has a figure, else no-figure."""
    return records["kind"].where(records["value"].notna(), "no-figure")


def topic_counts_tables(
    rows: Sequence[RecordRow], topic_ids: list[str], groups: dict[str | None, list[str]]
) -> dict[str | None, dict[str, dict[tuple[str, str], int]]]:
    """For each group: records per topic, district and kind, a record counting under each of its topic keys."""
    counts: Counter = Counter()
    for row in rows:
        kind = row.kind if row.value is not None else "no-figure"
        for topic in row.topic_keys:
            counts[topic, row.district, kind] += 1
    return {
        group: {t: {(d, k): counts[t, d, k] for d in ids for k in ITEM_KINDS} for t in topic_ids}
        for group, ids in groups.items()
    }


def _labelled(records: pd.DataFrame, column_of: dict[str, str] | None) -> pd.DataFrame:
    """The records with the kind the counts show, and their column (district, or column_of's)."""
    labelled = records.assign(kind_shown=shown_kinds(records))
    if column_of is not None:
        labelled = labelled.assign(district=labelled["district"].map(column_of))
    return labelled


def counts_table(
    records: pd.DataFrame, topic_ids: list[str], column_ids: list[str], column_of: dict[str, str] | None = None
) -> pd.DataFrame:
    """Records per topic, district and kind (target with a figure, result with a figure, no figure): the
    about page's table. A record counts under its topic and under each of its tags, as on the topic pages
    and every other count of a topic. With column_of (district → column), the columns are those it names.
    """
    labelled = _labelled(records, column_of)
    topic_keys = [tuple(dict.fromkeys((topic, *tags))) for topic, tags in zip(labelled["topic"], labelled["tags"])]
    by_key = labelled.assign(topic=topic_keys).explode("topic")
    counts = by_key.groupby(["topic", "district", "kind_shown"]).size()
    columns = pd.MultiIndex.from_product([column_ids, ITEM_KINDS], names=["district", "kind"])
    return (
        counts.unstack(["district", "kind_shown"])
        .reindex(index=topic_ids, columns=columns, fill_value=0)
        .fillna(0)
        .astype(int)
    )


def counts_totals(records: pd.DataFrame, column_ids: list[str], column_of: dict[str, str] | None = None) -> list[int]:
    """The about page's totals: records per district (or column) and kind, each record counted once."""
    counts = _labelled(records, column_of).groupby(["district", "kind_shown"]).size()
    columns = pd.MultiIndex.from_product([column_ids, ITEM_KINDS])
    return [int(n) for n in counts.reindex(columns, fill_value=0).tolist()]


def city_counts_table(records: pd.DataFrame, city_ids: list[str], city_of: dict[str, str]) -> pd.DataFrame:
    """Records per city and kind, each record counted once: on a site of hundreds of cities, the about
    page counts them city by city in rows (a column per city and kind would make a table too wide to read)."""
    labelled = records.assign(kind_shown=shown_kinds(records), city=records["district"].map(city_of))
    counts = labelled.groupby(["city", "kind_shown"]).size().unstack("kind_shown")
    return counts.reindex(index=city_ids, columns=ITEM_KINDS, fill_value=0).fillna(0).astype(int)


def facet_tables(
    rows: Sequence[RecordRow], topics: list[Topic], groups: dict[str | None, list[str]]
) -> dict[str | None, dict[str, dict[str, dict[str, tuple]]]]:
    """For each group and topic with facets: facet × district → the ids of the district's records on the
    topic whose quote names one of the facet's keywords."""
    faceted = [t for t in topics if t.facets]
    cells = {t.id: {d: [[] for _ in t.facets] for ids in groups.values() for d in ids} for t in faceted}
    for row in rows:
        for topic in faceted:
            if topic.id not in row.topic_keys:
                continue
            for i, facet in enumerate(topic.facets):
                if any(k in row.quote for k in facet.keywords):
                    cells[topic.id][row.district][i].append(row.id)
    return {
        group: {
            t.id: {f.id: {d: tuple(cells[t.id][d][i]) for d in ids} for i, f in enumerate(t.facets)} for t in faceted
        }
        for group, ids in groups.items()
    }


def progress_pairs(rows: Sequence[RecordRow], district_ids: set[str]) -> dict[str, tuple[str, ...]]:
    """Record id → the ids of its partners: a result and a target under one district-prefixed metric key.

    Only pairs the documents themselves make are linked; no progress figure is computed.
    """
    by_metric: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in rows:
        if row.metric is not None and has_district_prefix(row.metric, district_ids):
            by_metric[row.metric].append((row.id, row.kind))
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
    rows = record_rows(dataset)
    records = records_table(rows)
    district_ids = [d.id for d in dataset.districts]
    groups = district_groups(dataset)
    topic_ids = [t.id for t in dataset.topics]
    comparisons, firsts = comparisons_by_group(rows, groups, set(district_ids))
    coverage = coverage_tables(rows, topic_ids, groups)
    topic_counts = topic_counts_tables(rows, topic_ids, groups)
    facets = facet_tables(rows, dataset.topics, groups)
    city_of = {d.id: d.city for d in dataset.districts}
    # On a site of several cities the about page counts the whole site in one column.
    count_columns, column_of = (
        (district_ids, None) if list(groups) == [None] else ([SITE_COLUMN], dict.fromkeys(district_ids, SITE_COLUMN))
    )
    return Tables(
        rows=rows,
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
        counts=counts_table(records, topic_ids, count_columns, column_of),
        counts_totals=counts_totals(records, count_columns, column_of),
        city_counts=None if list(groups) == [None] else city_counts_table(records, list(groups), city_of),
        progress=progress_pairs(rows, set(district_ids)),
    )
