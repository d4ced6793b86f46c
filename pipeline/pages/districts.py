"""A district's page, every record by topic, and its view by lead unit (牵头单位)."""

from ..templating import Fields
from .core import SiteCore
from .filters import record_filters


class DistrictPages(SiteCore):
    """Each district's page, and the lead-unit page of a district whose documents name lead units."""

    def district(self, district_id: str, lang: str) -> bytes:
        district = self.districts[district_id]
        scope = self.scope_of[district_id]
        records = self.scope_rows(scope).by_district[district_id]
        by_topic: dict[str, list[dict]] = {}
        for row in records:  # topics in the order their first record comes
            by_topic.setdefault(row["topic"], []).append(row)
        groups = [
            Fields(topic=self.topics[topic_id], count=len(rows), cards=self.record_cards(scope, lang, rows))
            for topic_id, rows in by_topic.items()
        ]
        name = getattr(district, f"name_{lang}")
        own_sources = self.sources_by_district[district_id]
        has_units = any(row["lead_units"] for row in records)
        return self.render(
            "district.html",
            **self.page_context(
                lang,
                scope,
                ("districts", district_id),
                name,
                self.ui["district_description"][lang].format(name=name),
                own_sources,
            ),
            district=district,
            groups=groups,
            district_sources=own_sources,
            has_lead_units=has_units,
            record_filters=record_filters(
                records,
                self.t[lang],
                [(g.topic.id, getattr(g.topic, f"name_{lang}")) for g in groups],
                with_units=has_units,
            ),
            record_count=len(records),
        )

    def lead_units(self, district_id: str, lang: str) -> bytes:
        district = self.districts[district_id]
        records = self.scope_rows(self.scope_of[district_id]).by_district[district_id]
        units: dict[str, list[dict]] = {}
        for row in sorted(records, key=lambda r: (r["task_no"] or 0, r["id"])):
            for unit in row["lead_units"]:
                units.setdefault(unit, []).append(row)
        name = getattr(district, f"name_{lang}")
        return self.render(
            "lead_units.html",
            **self.page_context(
                lang,
                self.scope_of[district_id],
                ("districts", district_id, "units"),
                self.ui["lead_units_title"][lang].format(name=name),
                self.ui["lead_units_description"][lang].format(name=name),
                self.sources_by_district[district_id],
            ),
            district=district,
            units=sorted(
                (
                    Fields(name=unit, records=rows, tasks=len({r["task_no"] for r in rows}))
                    for unit, rows in units.items()
                ),
                key=lambda unit: (-unit["tasks"], unit["name"]),
            ),
        )
