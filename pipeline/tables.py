"""Stage 3: derive the tables every page and chart reads from the validated dataset.

Rows are sorted by fixed keys (district order, topic order, record id) so two
builds of the same data give the same pages byte for byte.
"""
from dataclasses import dataclass

import pandas as pd

from .chinese_numbers import matching_figure
from .models import Dataset, Topic

RECORD_COLUMNS = [
    "id", "district", "topic", "tags", "kind", "period", "estimate", "metric", "measure",
    "value", "value_high", "unit", "bound", "counter", "label_zh", "label_en", "summary_en",
    "quote", "source", "task_no", "lead_units", "district_order", "topic_order",
]

# The series a comparison shows, in legend order: targets before results.
SERIES_ORDER = [("target", "2025"), ("target", "2025-H2"), ("actual", "2025-H1")]

# How the about page and the items charts count records: with a figure (by kind) or without.
ITEM_KINDS = ["target", "actual", "no-figure"]

# What a district says on a topic, strongest first.
COVERAGE_LEVELS = ["target", "actual", "commitment", "not-stated"]


@dataclass(frozen=True)
class Tables:
    """The derived tables of one build."""

    records: pd.DataFrame        # one row per record
    comparisons: dict[str, pd.DataFrame]  # metric key → one row per district and series
    coverage: pd.DataFrame       # topic × district → coverage level
    counts: pd.DataFrame         # primary topic × (district, kind) → number of records
    topic_counts: pd.DataFrame   # the same, counting a record under each of its tags too
    facets: dict[str, pd.DataFrame]  # topic → facet × district → record ids
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


def comparison_metrics(records: pd.DataFrame, district_ids: list[str]) -> list[str]:
    """Metric keys worth a side-by-side chart: cross-district keys whose figures share one unit.

    A key that starts with a district id (yuexiu-…) pairs a result with its target
    inside that district; it is shown beside its pair, never as a comparison of districts.
    """
    with_figures = records[records["metric"].notna() & records["value"].notna()]
    local = tuple(f"{d}-" for d in district_ids)
    units = with_figures.groupby("metric")["unit"].nunique()
    return sorted(m for m, n in units.items() if n == 1 and not m.startswith(local))


def comparison_table(records: pd.DataFrame, metric: str, district_ids: list[str]) -> pd.DataFrame:
    """One row per district and series (kind, period) for a metric; a district with no figure gets a row with no value."""
    rows = records[(records["metric"] == metric) & records["value"].notna()]
    frames = []
    for district_id in district_ids:
        own = rows[rows["district"] == district_id]
        if own.empty:
            frames.append(pd.DataFrame([{"district": district_id, "stated": False}]))
        else:
            frames.append(own.assign(stated=True))
    table = pd.concat(frames, ignore_index=True)
    return table[["district", "stated", "id", "kind", "period", "estimate", "measure", "value", "value_high",
                  "unit", "bound", "counter", "topic"]]


def on_topic(records: pd.DataFrame, topic_id: str) -> pd.Series:
    """Records whose primary topic is `topic_id` or that carry it as a tag."""
    return (records["topic"] == topic_id) | records["tags"].map(lambda tags: topic_id in tags)


def coverage_table(records: pd.DataFrame, topic_ids: list[str], district_ids: list[str]) -> pd.DataFrame:
    """For each topic (primary or tag) and district: a quantified target, a result only, a commitment only, or not stated."""
    def level(subset: pd.DataFrame) -> str:
        figures = subset[subset["value"].notna()]
        if (figures["kind"] == "target").any():
            return "target"
        if not figures.empty:
            return "actual"
        return "commitment" if not subset.empty else "not-stated"

    grid = {
        district_id: [level(records[on_topic(records, t) & (records["district"] == district_id)]) for t in topic_ids]
        for district_id in district_ids
    }
    return pd.DataFrame(grid, index=pd.Index(topic_ids, name="topic"))


def counts_table(records: pd.DataFrame, topic_ids: list[str], district_ids: list[str],
                 include_tags: bool = False) -> pd.DataFrame:
    """Records per topic, district and kind (target with a figure, result with a figure, no figure).

    By primary topic, each record is counted once (the about page's totals);
    with tags, a record counts under every topic it belongs to (the topic pages).
    """
    labelled = records.assign(kind_shown=records["kind"].where(records["value"].notna(), "no-figure"))
    if include_tags:
        labelled = pd.concat([labelled[on_topic(labelled, t)].assign(topic=t) for t in topic_ids])
    counts = labelled.groupby(["topic", "district", "kind_shown"]).size()
    columns = pd.MultiIndex.from_product([district_ids, ITEM_KINDS], names=["district", "kind"])
    return (counts.unstack(["district", "kind_shown"])
            .reindex(index=topic_ids, columns=columns, fill_value=0).fillna(0).astype(int))


def facet_table(records: pd.DataFrame, topic: Topic, district_ids: list[str]) -> pd.DataFrame:
    """For a topic's facets: the ids of each district's records whose quote names a facet keyword."""
    tagged = records[on_topic(records, topic.id)]
    cells = {}
    for district_id in district_ids:
        own = tagged[tagged["district"] == district_id]
        cells[district_id] = [
            tuple(own.loc[own["quote"].map(lambda q, f=facet: any(k in q for k in f.keywords)), "id"])
            for facet in topic.facets
        ]
    return pd.DataFrame(cells, index=pd.Index([f.id for f in topic.facets], name="facet"))


def progress_pairs(records: pd.DataFrame, district_ids: list[str]) -> dict[str, tuple[str, ...]]:
    """Record id → the ids of its partners: a result and a target under one district-prefixed metric key.

    Only pairs the documents themselves make are linked; no progress figure is computed.
    """
    local = records[records["metric"].notna()
                    & records["metric"].str.startswith(tuple(f"{d}-" for d in district_ids), na=False)]
    pairs: dict[str, tuple[str, ...]] = {}
    for _, group in local.groupby("metric", sort=True):
        if group["kind"].nunique() < 2:
            continue
        for row in group.itertuples():
            pairs[row.id] = tuple(group.loc[group["kind"] != row.kind, "id"])
    return pairs


def derive_tables(dataset: Dataset) -> Tables:
    """All tables of one build."""
    records = records_table(dataset)
    district_ids = [d.id for d in dataset.districts]
    topic_ids = [t.id for t in dataset.topics]
    return Tables(
        records=records,
        comparisons={m: comparison_table(records, m, district_ids) for m in comparison_metrics(records, district_ids)},
        coverage=coverage_table(records, topic_ids, district_ids),
        counts=counts_table(records, topic_ids, district_ids),
        topic_counts=counts_table(records, topic_ids, district_ids, include_tags=True),
        facets={t.id: facet_table(records, t, district_ids) for t in dataset.topics if t.facets},
        progress=progress_pairs(records, district_ids),
    )
