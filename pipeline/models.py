"""The data model: what a topic, a source, a district and a record are.

Strict pydantic models: a number written as a string, an unknown field or a
missing one is an error, never silently coerced.
"""
import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
Text = Annotated[str, StringConstraints(min_length=1)]

Kind = Literal["target", "actual"]
Period = Literal["2025", "2025-H1", "2025-H2"]
Measure = Literal["level", "growth"]
Bound = Literal["exact", "about", "at_least", "more_than", "at_most", "nearly", "range"]
Unit = Literal[
    "percent",
    "percentage_point",
    "yuan",
    "people",
    "person_time",
    "household",
    "housing_unit",
    "sqm",
    "hectare",
    "metre",
    "count",
    "pflops",
]
SourceKind = Literal["task-list", "midyear-report", "work-report", "news-summary"]

GROWTH_UNITS = ("percent", "percentage_point")


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Topic(Model):
    """A subject the districts set targets on (GDP, AI, housing …)."""

    id: Slug
    name_zh: Text
    name_en: Text
    description_zh: Text
    description_en: Text
    headline: bool = False


class Source(Model):
    """A source document; its full text is archived under data/sources/."""

    id: Slug
    district: Slug
    kind: SourceKind
    title_zh: Text
    title_en: Text
    issuer_zh: Text | None = None
    issuer_en: Text | None = None
    # Written as a quoted "YYYY-MM-DD" string: the loader refuses bare YAML dates.
    date: Annotated[datetime.date | None, Field(strict=False)] = None
    occasion_zh: Text | None = None
    occasion_en: Text | None = None
    period_zh: Text
    period_en: Text
    note_zh: Text | None = None
    note_en: Text | None = None
    archive: Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+\.txt$")]
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] | None = None


class Record(Model):
    """One figure (a target or a reported result), or one commitment without a figure."""

    id: Slug
    topic: Slug
    # YAML gives lists; they are kept as tuples so records stay immutable.
    tags: Annotated[tuple[Slug, ...], Field(strict=False)] = ()
    kind: Kind
    period: Period
    estimate: bool = False
    metric: Slug | None = None
    measure: Measure = "level"
    value: float | None = None
    value_high: float | None = None
    unit: Unit | None = None
    bound: Bound | None = None
    label_zh: Text
    label_en: Text
    summary_en: Text
    quote: Text
    source: Slug
    task_no: Annotated[int, Field(ge=1)] | None = None
    lead_units: Annotated[tuple[Text, ...], Field(strict=False)] = ()

    @model_validator(mode="after")
    def _figure_is_complete(self):
        has_value = self.value is not None
        if has_value != (self.unit is not None) or has_value != (self.bound is not None):
            raise ValueError("value, unit and bound go together: give all three, or none for a commitment")
        if (self.bound == "range") != (self.value_high is not None):
            raise ValueError("value_high is given exactly when bound is range (value is then the low end)")
        if self.measure == "growth" and self.unit not in GROWTH_UNITS:
            raise ValueError("a growth rate needs unit percent or percentage_point")
        return self

    @property
    def has_figure(self) -> bool:
        return self.value is not None


class District(Model):
    """A district and every record curated from its documents."""

    id: Slug
    name_zh: Text
    name_en: Text
    order: Annotated[int, Field(ge=1)] = 100  # position on the site: Haizhu, Yuexiu, Liwan
    records: Annotated[tuple[Record, ...], Field(strict=False)] = ()


class Dataset(Model):
    """Everything the site is built from, validated and cross-checked."""

    topics: tuple[Topic, ...]
    sources: tuple[Source, ...]
    districts: tuple[District, ...]
    source_texts: dict[str, str]
