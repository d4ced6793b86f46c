"""The filters above a list of record cards (district and topic pages): each choice with how many
records it keeps. filters.js shows them and narrows the list; without JavaScript every record shows.

A card's group is read by filters.js from its classes (macros.html `record`): `actual` for a result,
`commitment` for a target without a figure, a target with a figure otherwise; its topics from its
section's `data-topic` and its own `data-tags`.
"""

from collections import Counter

from ..tables import RecordRow
from ..templating import Fields

KIND_GROUPS = ("target", "actual", "commitment")


def kind_group(row: RecordRow) -> str:
    """The kind filter's group of a record: a result, a target with a figure, or a commitment only."""
    if row.kind == "actual":
        return "actual"
    return "target" if row.value is not None else "commitment"


def record_filters(
    rows: list[RecordRow],
    t: dict,
    topics: list[tuple[str, str]] | None = None,
    with_units: bool = False,
    unit_names: dict[str, str] | None = None,
) -> list[Fields]:
    """The filters of a list of records: by kind always; by topic given the topics (id, name) in the
    order the page shows them, a record kept under its topic and its tags; by lead unit when asked,
    most records first, named in English too when given unit_names."""
    kinds = Counter(kind_group(row) for row in rows)
    filters = [
        Fields(
            name="kind",
            label=t["filter_kind"],
            all=t["filter_all"],
            choices=[Fields(value=k, label=t[f"filter_kind_{k}"], count=kinds[k]) for k in KIND_GROUPS if kinds[k]],
        )
    ]
    if topics:
        # The one count of a topic everywhere: a record counts under its topic and under each of its tags.
        on_topic = Counter(topic for row in rows for topic in row.topic_keys)
        filters.append(
            Fields(
                name="topic",
                label=t["topic"],
                all=t["filter_all_topics"],
                choices=[Fields(value=topic_id, label=name, count=on_topic[topic_id]) for topic_id, name in topics],
            )
        )
    if with_units:
        units = Counter(unit for row in rows for unit in row.lead_units)
        filters.append(
            Fields(
                name="unit",
                label=t["lead_units"],
                all=t["filter_all_units"],
                choices=[
                    Fields(value=unit, label=f"{unit_names[unit]} ({unit})" if unit_names else unit, count=n)
                    for unit, n in sorted(units.items(), key=lambda u: (-u[1], u[0]))
                ],
            )
        )
    return filters
