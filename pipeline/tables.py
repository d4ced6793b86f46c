"""Stage 3: derive the tables every page and chart reads from the validated dataset.

Rows are sorted by fixed keys (district order, topic order, record id) so two
builds of the same data give the same pages byte for byte.

Pages that compare districts compare one group of districts: the districts of
a city when districts name their city (a national edition has hundreds of
cities), else every district of the site. Each table is built in one pass over
the records, never in a scan per district, per topic or per metric, so the
build grows linearly with the number of districts.
"""
from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from .chinese_numbers import matching_figure
from .models import Dataset, Topic

RECORD_COLUMNS = [
    "id", "district", "topic", "tags", "kind", "period", "estimate", "metric", "measure",
    "value", "value_high", "unit", "bound", "counter", "label_zh", "label_en", "summary_en",
    "quote", "source", "task_no", "lead_units", "district_order", "topic_order",
]

COMPARISON_COLUMNS = ["district", "stated", "id", "kind", "period", "estimate", "measure", "value", "value_high",
                      "unit", "bound", "counter", "topic"]

# The series a comparison shows, in legend order: targets before results.
SERIES_ORDER = [("target", "2025"), ("target", "2025-H2"), ("actual", "2025-H1")]

# How the about page and the items charts count records: with a figure (by kind) or without.
ITEM_KINDS = ["target", "actual", "no-figure"]

# What a district says on a topic, strongest first.
COVERAGE_LEVELS = ["target", "actual", "commitment", "not-stated"]


@dataclass(frozen=True)
class GroupTables:
    """The tables of the pages that put one group of districts side by side."""

    district_ids: list[str]
    comparisons: dict[str, pd.DataFrame]  # metric key → one row per district and series
    first_records: dict[str, str]  # metric key → id of its first record in the group (the chart's wording)
    coverage: pd.DataFrame       # topic × district → coverage level
    topic_counts: pd.DataFrame   # topic × (district, kind) → records, counting a record under each of its tags too
    facets: dict[str, pd.DataFrame]  # topic → facet × district → record ids


@dataclass(frozen=True)
class Tables:
    """The derived tables of one build."""

    records: pd.DataFrame        # one row per record
    groups: dict[str | None, GroupTables]  # by city id; one group, None, when no district names a city
    counts: pd.DataFrame         # primary topic × (district, or city if any, kind) → number of records
    progress: dict[str, tuple[str, ...]]  # record id → ids of its result/target partners


def records_table(dataset: Dataset) -> pd.DataFrame:
    """Every record as one row, with its district and the measure word its quote uses."""
    topic_order = {t.id: i for i, t in enumerate(dataset.topics)}
    rows = []
    for district_order, district in enumerate(dataset.districts):
        for record in district.records:
            row = record.model_dump()
            figure = (matching_figure(record.quote, record.value, record.unit, record.bound, record.value_high)
                      if record.has_figure else None)
            row.update(
                district=district.id,
                district_order=district_order,
                topic_order=topic_order[record.topic],
                counter=figure.counter if figure else None,
            )
            rows.append(row)
    table = pd.DataFrame(rows, columns=RECORD_COLUMNS)
    table = table.astype({"value": "float64", "value_high": "float64", "task_no": "Int64"})
    return table.sort_values(["district_order", "topic_order", "id"], kind="stable").reset_index(drop=True)


def has_district_prefix(key: str, district_ids: set[str]) -> bool:
    """True when `key` starts with a district id and a hyphen (yuexiu-…): a key local to that district.

    Looks up each prefix ending at a hyphen, so the cost does not grow with the number of districts.
    """
    return any(key[:i] in district_ids for i, ch in enumerate(key) if ch == "-")


def topic_keys(records: pd.DataFrame) -> list[tuple[str, ...]]:
    """For each record, in table order: its primary topic and its tags, each once."""
    return [tuple(dict.fromkeys((topic, *tags))) for topic, tags in zip(records["topic"], records["tags"])]


def comparison_metrics(records: pd.DataFrame, district_ids: set[str]) -> list[str]:
    """Metric keys worth a side-by-side chart: cross-district keys whose figures share one unit.

    A key that starts with a district id (yuexiu-…) pairs a result with its target
    inside that district; it is shown beside its pair, never as a comparison of districts.
    """
    with_figures = records[records["metric"].notna() & records["value"].notna()]
    units = with_figures.groupby("metric")["unit"].nunique()
    return sorted(m for m, n in units.items() if n == 1 and not has_district_prefix(m, district_ids))


def comparison_table(rows: pd.DataFrame, district_ids: list[str]) -> pd.DataFrame:
    """One row per district and series (kind, period) for one metric's rows with a figure, in district order;
    a district with no figure gets a row with no value."""
    present = set(rows["district"])
    missing = [{"district": d, "stated": False} for d in district_ids if d not in present]
    stated = rows.assign(stated=True)[COMPARISON_COLUMNS]  # fewer columns to concatenate and reorder
    if not missing:
        return stated.reset_index(drop=True)  # the records come in district order already
    table = pd.concat([stated, pd.DataFrame(missing)], ignore_index=True)
    position = {d: i for i, d in enumerate(district_ids)}
    order = table["district"].map(position).to_numpy().argsort(kind="stable")
    return table.iloc[order].reset_index(drop=True)[COMPARISON_COLUMNS]


def comparison_tables(records: pd.DataFrame, metrics: list[str], district_ids: list[str]) -> dict[str, pd.DataFrame]:
    """comparison_table of each metric, from one grouping of the records."""
    rows = records[records["metric"].isin(metrics) & records["value"].notna()]
    by_metric = dict(tuple(rows.groupby("metric", sort=False)))
    return {m: comparison_table(by_metric[m], district_ids) for m in metrics}


def coverage_table(records: pd.DataFrame, keys: list[tuple[str, ...]], topic_ids: list[str],
                   district_ids: list[str]) -> pd.DataFrame:
    """For each topic (primary or tag) and district: a quantified target, a result only, a commitment only, or not stated."""
    strongest: dict[tuple[str, str], int] = {}
    rank = {level: i for i, level in enumerate(COVERAGE_LEVELS)}
    for record_keys, district, kind, has_value in zip(keys, records["district"], records["kind"],
                                                      records["value"].notna()):
        level = rank[("target" if kind == "target" else "actual") if has_value else "commitment"]
        for topic in record_keys:
            strongest[topic, district] = min(level, strongest.get((topic, district), level))
    not_stated = rank["not-stated"]
    grid = {d: [COVERAGE_LEVELS[strongest.get((t, d), not_stated)] for t in topic_ids] for d in district_ids}
    return pd.DataFrame(grid, index=pd.Index(topic_ids, name="topic"))


def counts_table(records: pd.DataFrame, topic_ids: list[str], column_ids: list[str],
                 keys: list[tuple[str, ...]] | None = None, column_of: dict[str, str] | None = None) -> pd.DataFrame:
    """Records per topic, district and kind (target with a figure, result with a figure, no figure).

    By primary topic, each record is counted once (the about page's totals); given
    each record's topic keys, a record counts under every topic it belongs to (the
    topic pages). With column_of (district → city), columns are cities.
    """
    labelled = records.assign(kind_shown=records["kind"].where(records["value"].notna(), "no-figure"))
    if column_of is not None:
        labelled = labelled.assign(district=labelled["district"].map(column_of))
    if keys is not None:
        labelled = labelled.assign(topic=keys).explode("topic")
    counts = labelled.groupby(["topic", "district", "kind_shown"]).size()
    columns = pd.MultiIndex.from_product([column_ids, ITEM_KINDS], names=["district", "kind"])
    return (counts.unstack(["district", "kind_shown"])
            .reindex(index=topic_ids, columns=columns, fill_value=0).fillna(0).astype(int))


def facet_table(records: pd.DataFrame, topic: Topic, district_ids: list[str]) -> pd.DataFrame:
    """For a topic's facets: the ids of each district's records (of the topic) whose quote names a facet keyword."""
    cells: dict[str, list[list[str]]] = {d: [[] for _ in topic.facets] for d in district_ids}
    for record_id, district, quote in zip(records["id"], records["district"], records["quote"]):
        for i, facet in enumerate(topic.facets):
            if any(k in quote for k in facet.keywords):
                cells[district][i].append(record_id)
    return pd.DataFrame({d: [tuple(ids) for ids in lists] for d, lists in cells.items()},
                        index=pd.Index([f.id for f in topic.facets], name="facet"))


def progress_pairs(records: pd.DataFrame, district_ids: set[str]) -> dict[str, tuple[str, ...]]:
    """Record id → the ids of its partners: a result and a target under one district-prefixed metric key.

    Only pairs the documents themselves make are linked; no progress figure is computed.
    """
    by_metric: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for record_id, metric, kind in zip(records["id"], records["metric"], records["kind"]):
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


def group_tables(records: pd.DataFrame, dataset: Dataset, district_ids: list[str],
                 all_district_ids: set[str]) -> GroupTables:
    """The comparison tables of one group of districts, from that group's records."""
    keys = topic_keys(records)
    topic_ids = [t.id for t in dataset.topics]
    rows_by_topic: dict[str, list[int]] = defaultdict(list)
    for position, record_keys in enumerate(keys):
        for topic in record_keys:
            rows_by_topic[topic].append(position)
    metrics = comparison_metrics(records, all_district_ids)
    firsts = records[records["metric"].isin(metrics)].drop_duplicates("metric")
    return GroupTables(
        district_ids=district_ids,
        comparisons=comparison_tables(records, metrics, district_ids),
        first_records=dict(zip(firsts["metric"], firsts["id"])),
        coverage=coverage_table(records, keys, topic_ids, district_ids),
        topic_counts=counts_table(records, topic_ids, district_ids, keys=keys),
        facets={t.id: facet_table(records.iloc[rows_by_topic[t.id]], t, district_ids)
                for t in dataset.topics if t.facets},
    )


def district_groups(dataset: Dataset) -> dict[str | None, list[str]]:
    """District ids by city, in site order; a single group, None, when no district names a city."""
    groups: dict[str | None, list[str]] = {}
    for district in dataset.districts:
        groups.setdefault(district.city, []).append(district.id)
    return groups


def derive_tables(dataset: Dataset) -> Tables:
    """All tables of one build."""
    records = records_table(dataset)
    district_ids = [d.id for d in dataset.districts]
    groups = district_groups(dataset)
    city_of = {d.id: d.city for d in dataset.districts}
    by_group = ({None: records} if list(groups) == [None]
                else dict(tuple(records.groupby(records["district"].map(city_of), sort=False))))
    topic_ids = [t.id for t in dataset.topics]
    return Tables(
        records=records,
        groups={key: group_tables(by_group.get(key, records.iloc[:0]), dataset, ids, set(district_ids))
                for key, ids in groups.items()},
        counts=(counts_table(records, topic_ids, district_ids) if list(groups) == [None]
                else counts_table(records, topic_ids, list(groups), column_of=city_of)),
        progress=progress_pairs(records, set(district_ids)),
    )
