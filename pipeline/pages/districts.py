"""A district's page, every record by topic, and its view by lead unit (牵头单位)."""

from ..languages import Lang, in_lang
from ..tables import RecordRow
from ..templating import Fields
from .core import SiteCore, page_context, record_cards, render, scope_rows, unit_names
from .filters import record_filters


def render_district(site: SiteCore, district_id: str, lang: Lang) -> bytes:
    """A district's page: its records by topic, with filters by kind, topic and lead unit."""
    district = site.districts[district_id]
    scope = site.scope_of[district_id]
    records = scope_rows(site, scope).by_district[district_id]
    by_topic: dict[str, list[RecordRow]] = {}
    for row in records:  # topics in the order their first record comes
        by_topic.setdefault(row.topic, []).append(row)
    groups = [
        Fields(topic=site.topics[topic_id], count=len(rows), cards=record_cards(site, scope, lang, rows))
        for topic_id, rows in by_topic.items()
    ]
    name = in_lang(district, "name", lang)
    own_sources = site.sources_by_district[district_id]
    has_units = any(row.lead_units for row in records)
    keys = {topic for row in records for topic in row.topic_keys}
    topics = [(t.id, in_lang(t, "name", lang)) for t in site.dataset.topics if t.id in keys]
    return render(
        site,
        "district.html",
        **page_context(
            site,
            lang,
            scope,
            ("districts", district_id),
            name,
            site.ui["district_description"][lang].format(name=name),
            own_sources,
        ),
        district=district,
        groups=groups,
        district_sources=own_sources,
        has_lead_units=has_units,
        record_filters=record_filters(
            records, site.t[lang], topics, with_units=has_units, unit_names=unit_names(site, lang, district_id)
        ),
        record_count=len(records),
    )


def render_lead_units(site: SiteCore, district_id: str, lang: Lang) -> bytes:
    """A district's records by lead unit, the units with the most tasks first."""
    district = site.districts[district_id]
    records = scope_rows(site, site.scope_of[district_id]).by_district[district_id]
    units: dict[str, list[RecordRow]] = {}
    for row in sorted(records, key=lambda r: (r.task_no or 0, r.id)):
        for unit in row.lead_units:
            units.setdefault(unit, []).append(row)
    name = in_lang(district, "name", lang)
    names = unit_names(site, lang, district_id)
    return render(
        site,
        "lead_units.html",
        **page_context(
            site,
            lang,
            site.scope_of[district_id],
            ("districts", district_id, "units"),
            site.ui["lead_units_title"][lang].format(name=name),
            site.ui["lead_units_description"][lang].format(name=name),
            site.sources_by_district[district_id],
        ),
        district=district,
        units=sorted(
            (
                Fields(name=unit, name_en=names and names[unit], records=rows, tasks=len({r.task_no for r in rows}))
                for unit, rows in units.items()
            ),
            key=lambda unit: (-unit["tasks"], unit["name"]),
        ),
    )
