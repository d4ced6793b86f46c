"""The data model: what a topic, a source, a district and a record are.

Strict pydantic models: a number written as a string, an unknown field or a
missing one is an error, never silently coerced.
"""

import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from .repository import BRANCH_PATTERN, EMAIL_PATTERN, GITHUB_PATTERN, MAX_BRANCH

# An id names a folder of the site (/topics/<id>/): 80 characters keep it far within a file name's 255
# bytes (the longest written is 46).
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
Text = Annotated[str, StringConstraints(min_length=1)]
# A label is a short name (the longest written: 23 characters in Chinese, 87 in English); the quote
# holds the sentence. The limits stop a pasted paragraph, or a hostile megabyte, at `check`.
LabelZh = Annotated[str, StringConstraints(min_length=1, max_length=60)]
LabelEn = Annotated[str, StringConstraints(min_length=1, max_length=160)]

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


def has_district_prefix(key: str, district_ids: set[str]) -> bool:
    """True when `key` starts with a district id and a hyphen (yuexiu-…): a key local to that district.

    Looks up each prefix ending at a hyphen, so the cost does not grow with the number of districts.
    """
    return any(key[:i] in district_ids for i, ch in enumerate(key) if ch == "-")


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class InterfaceText(Model):
    """One string of the site's interface, in content/ui.yaml: its text in each language."""

    zh: str = Field(description='The Chinese text ("" for a note the language does not need).')
    en: str = Field(description='The English text ("" for a note the language does not need).')


class SiteSettings(Model):
    """content/site.yaml: the site's settings, each with its default."""

    repository: Annotated[str, StringConstraints(pattern=rf"^$|{GITHUB_PATTERN}")] = Field(
        "",
        description=(
            "The GitHub repository the site is built from (https://github.com/<owner>/<name>), for each record "
            'card\'s "report an error" and "edit" links; "" for none. Netlify\'s REPOSITORY_URL wins.'
        ),
    )
    branch: Annotated[str, StringConstraints(max_length=MAX_BRANCH, pattern=BRANCH_PATTERN)] = Field(
        "main", description='The branch whose files the "edit" links open.'
    )
    editors_email: Annotated[str, StringConstraints(pattern=rf"^$|{EMAIL_PATTERN}")] = Field(
        "",
        description=(
            "The editors' e-mail address, for each record card's \"report by e-mail\" link (no GitHub account "
            'needed); "" for no such link.'
        ),
    )


class Facet(Model):
    """A strand of a topic (large models, computing power …), recognised by keywords in quotes."""

    id: Slug = Field(description="Facet id, unique within its topic (large-models).")
    name_zh: Text = Field(description="The facet's name in Chinese, as the topic page shows it.")
    name_en: Text = Field(description="The facet's name in English, as the topic page shows it.")
    keywords: Annotated[tuple[Text, ...], Field(strict=False, min_length=1)] = Field(
        description="Words that place a record of the topic in this facet when its quote contains one of them."
    )


class Topic(Model):
    """A subject the districts set targets on (GDP, AI, housing …)."""

    id: Slug = Field(
        description=(
            "Topic id: lower-case letters, digits and hyphens (gdp, low-altitude). Records name it in "
            "`topic` and `tags`."
        )
    )
    name_zh: Text = Field(description="The topic's name in Chinese.")
    name_en: Text = Field(description="The topic's name in English.")
    description_zh: Text = Field(description="What the topic covers, in Chinese: one sentence, shown on its page.")
    description_en: Text = Field(description="What the topic covers, in English: one sentence, shown on its page.")
    headline: bool = Field(False, description="`true` for a headline topic, shown first on the home page.")
    facets: Annotated[tuple[Facet, ...], Field(strict=False)] = Field(
        (),
        description=(
            "Strands of the topic (large models, computing power …); the topic page groups its records by them."
        ),
    )
    highlights: Annotated[tuple[Slug, ...], Field(strict=False)] = Field(
        (),
        description=(
            "Ids of a few records with a figure, filed under the topic or tagged with it, that the home page "
            "shows as each district's flagship figures on the topic, beside its count of records. A topic with "
            "highlights gets a row in the home page's second table; its figures are not one measure across "
            "districts, and the page says so."
        ),
    )


class Source(Model):
    """A source document; its full text is archived under data/sources/."""

    id: Slug = Field(
        description=(
            "Source id: lower-case letters, digits and hyphens, starting with the district id "
            "(haizhu-2025-key-tasks). Records cite it in `source`."
        )
    )
    district: Slug = Field(description="The id of the district the document belongs to (a file in data/districts/).")
    kind: SourceKind = Field(
        description="What the document is: `task-list`, `midyear-report`, `work-report` or `news-summary`."
    )
    title_zh: Text = Field(description="The document's title, exactly as written.")
    title_en: Text = Field(description="Our English translation of the title.")
    issuer_zh: Text | None = Field(None, description="Who issued the document, as written; null when it does not say.")
    issuer_en: Text | None = Field(None, description="Who issued the document, in English; null when it does not say.")
    # Written as a quoted "YYYY-MM-DD" string: the loader refuses bare YAML dates.
    date: Annotated[datetime.date | None, Field(strict=False)] = Field(
        None, description='The date of the document, in quotes: "2025-07-11"; null when it gives none.'
    )
    occasion_zh: Text | None = Field(
        None, description="The meeting or occasion the document was presented at, as written; null if none."
    )
    occasion_en: Text | None = Field(None, description="The meeting or occasion, in English; null if none.")
    period_zh: Text = Field(description="What period the document's figures cover, in Chinese (2025年目标).")
    period_en: Text = Field(description="What period the document's figures cover, in English (Targets for 2025).")
    note_zh: Text | None = Field(
        None,
        description=(
            "What a reader should know about the document (how its district was identified, what it "
            "leaves out), in Chinese; or null."
        ),
    )
    note_en: Text | None = Field(None, description="The same note in English; or null.")
    archive: Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+\.txt$")] = Field(
        description="File name of the document's full text under data/sources/: `<id>.txt`, archived byte for byte."
    )
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] | None = Field(
        None, description="Where the document is published (http:// or https://); null when no address is known."
    )


# Each set of fields written in a record, by its fields (see Record.model_post_init).
_FIELDS_WRITTEN: dict[frozenset[str], set[str]] = {}


class Record(Model):
    """One figure (a target or a reported result), or one commitment without a figure."""

    id: Slug = Field(
        description=(
            "Stable id, unique across all districts: lower-case letters, digits and hyphens, starting with "
            "the district id (haizhu-t09-llm-projects). Never change an id once published: pages and embeds "
            "link to it."
        )
    )
    topic: Slug = Field(description="The one primary topic, an id from topics.yaml.")
    # YAML gives lists; they are kept as tuples so records stay immutable.
    tags: Annotated[tuple[Slug, ...], Field(strict=False)] = Field(
        (), description="Further topic ids the record also belongs to."
    )
    kind: Kind = Field(
        description="`target` (what the district commits to) or `actual` (a result the document reports)."
    )
    period: Period = Field(
        description='"2025" (the whole year), "2025-H1" (first half) or "2025-H2" (second half). Always in quotes.'
    )
    estimate: bool = Field(False, description="`true` when the document marks the figure as an estimate (预计).")
    metric: Slug | None = Field(
        None,
        description=(
            "A key shared by records that measure the same thing, so pages can put them side by side. "
            "A key without a district prefix compares districts (gdp-growth, new-urban-jobs): its "
            "figures must share one unit and measure, and it gets a chart. A key that starts with a "
            "district id pairs a result with its target inside that district "
            "(yuexiu-yaotai-households-signed); the figures may differ in unit and are never drawn on "
            "one axis."
        ),
    )
    measure: Measure = Field(
        "level",
        description=(
            "`growth` for a year-on-year growth rate, `level` (the default) for an amount, a count "
            "or a share. Growth rates and levels are never drawn on one axis."
        ),
    )
    value: float | None = Field(
        None,
        description=(
            "The figure in base units, as a plain number: 18000 for 1.8万人, 70000000000 for 700亿元, 5.5 "
            "for 5.5%. Leave out for a commitment without a figure. Never a string, never 0 for “not "
            "stated”."
        ),
    )
    value_high: float | None = Field(
        None,
        description=("With `bound: range`: the upper end of a range such as 1-2家; `value` is then the lower end."),
    )
    unit: Unit | None = Field(
        None, description="With `value`: the unit of the figure in base units (people for 1.8万人, yuan for 700亿元)."
    )
    bound: Bound | None = Field(
        None,
        description=(
            "With `value`: how the document qualifies the figure: `exact`; `about` (左右/约); `at_least` "
            "(以上/不少于/不低于/迈上); `more_than` (超/超过); `at_most` (以下/以内/不超过); `nearly` (近); "
            "`range` (1-2)."
        ),
    )
    label_zh: LabelZh = Field(
        description="A short name, in Chinese, of what is measured or promised (at most 60 characters)."
    )
    label_en: LabelEn = Field(
        description="A short name, in English, of what is measured or promised (at most 160 characters)."
    )
    summary_en: Text = Field(description="Our English rendering of the quote's meaning, with the same figures.")
    quote: Text = Field(
        description=(
            "The shortest complete clause or sentence of the source that holds the figure, copied exactly "
            "(white space may differ)."
        )
    )
    source: Slug = Field(description="A source id from sources.yaml.")
    task_no: Annotated[int, Field(ge=1)] | None = Field(None, description="The task number (序号) in a task list.")
    lead_units: Annotated[tuple[Text, ...], Field(strict=False)] = Field(
        (), description="The lead unit(s) (牵头单位) the document names."
    )
    former_ids: Annotated[tuple[Slug, ...], Field(strict=False)] = Field(
        (),
        description=(
            "Ids this record was published under before, when two records of one clause were merged into "
            "it: links to them still land on this card."
        ),
    )
    note_zh: Text | None = Field(
        None,
        description=(
            "What a reader should know to read the quote, in Chinese: how an apparent misprint of the source "
            "is read (the quote keeps it as written), shown on the card; or null."
        ),
    )
    note_en: Text | None = Field(None, description="The same note in English; given with note_zh.")

    def model_post_init(self, context) -> None:
        # pydantic gives each model its own set of the fields written (728 bytes for a record's): records
        # written alike share one (a build of 180,000 records peaked 180 MB higher without).
        written = self.__pydantic_fields_set__
        object.__setattr__(self, "__pydantic_fields_set__", _FIELDS_WRITTEN.setdefault(frozenset(written), written))

    @model_validator(mode="after")
    def _figure_is_complete(self):
        has_value = self.value is not None
        if has_value != (self.unit is not None) or has_value != (self.bound is not None):
            raise ValueError("value, unit and bound go together: give all three, or none for a commitment")
        if (self.bound == "range") != (self.value_high is not None):
            raise ValueError("value_high is given exactly when bound is range (value is then the low end)")
        if self.measure == "growth" and self.unit not in GROWTH_UNITS:
            raise ValueError("a growth rate needs unit percent or percentage_point")
        if (self.note_zh is None) != (self.note_en is None):
            raise ValueError("note_zh and note_en go together: give both, or neither")
        return self

    @property
    def has_figure(self) -> bool:
        return self.value is not None


class Metric(Model):
    """What a metric compared across districts measures (an entry of data/metrics.yaml), and how the
    districts' documents word it."""

    id: Slug = Field(
        description=("The metric key its records share, without a district prefix (gdp-growth, new-urban-jobs).")
    )
    name_zh: LabelZh = Field(description="The chart's title in Chinese: what is compared, in a few words.")
    name_en: LabelEn = Field(description="The chart's title in English.")
    definition_zh: Text = Field(
        description=(
            "What is measured, in which unit and for which period, in Chinese: one or two short sentences, "
            "shown under the chart, in its embed and in the data package."
        )
    )
    definition_en: Text = Field(description="The same definition in English.")
    comparability_zh: Text | None = Field(
        None,
        description=(
            "Where the districts' documents word the measure differently (the records' `label_zh` differ): one "
            "plain sentence, in Chinese, on whether the figures can fairly be compared, and why. Required then; "
            "null otherwise. Figures that cannot fairly be compared get different metrics, not this sentence."
        ),
    )
    comparability_en: Text | None = Field(
        None, description="The same sentence in English; given with comparability_zh."
    )
    withdrawn_zh: Text | None = Field(
        None,
        description=(
            "For a chart withdrawn because its figures turned out not to measure the same thing: why, in Chinese, "
            "in one or two sentences. No record may then have this metric; the chart's embed addresses keep a page "
            "saying so, so that an article embedding it shows why rather than an error."
        ),
    )
    withdrawn_en: Text | None = Field(None, description="The same explanation in English; given with withdrawn_zh.")
    headline: bool = Field(
        False,
        description=(
            "`true` for a row of the home page's headline table, which shows every district's figure at a glance: "
            "give it to the metrics of headline topics that a reader looks for first (GDP growth, investment, "
            "fiscal revenue, jobs)."
        ),
    )

    @model_validator(mode="after")
    def _both_languages(self):
        for name in ("comparability", "withdrawn"):
            if (getattr(self, f"{name}_zh") is None) != (getattr(self, f"{name}_en") is None):
                raise ValueError(f"{name}_zh and {name}_en go together: give both, or neither")
        return self

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_zh is not None


class City(Model):
    """A city whose districts the site compares with each other (an entry of data/cities.yaml)."""

    id: Slug = Field(
        description="City id: lower-case letters, digits and hyphens (guangzhou). Districts name it in `city`."
    )
    name_zh: Text = Field(description="The city's name in Chinese (广州市).")
    name_en: Text = Field(description="The city's name in English (Guangzhou).")


class District(Model):
    """A district and every record curated from its documents."""

    id: Slug = Field(
        description=(
            "The district id, the same as the file name (haizhu for haizhu.yaml); its record ids start with it."
        )
    )
    name_zh: Text = Field(description="The district's name in Chinese (海珠区).")
    name_en: Text = Field(description="The district's name in English (Haizhu District).")
    order: Annotated[int, Field(ge=1)] = Field(
        100, description="The district's position on the site, 1 first (Haizhu, Yuexiu, Liwan); without it, last."
    )
    city: Slug | None = Field(
        None,
        description=(
            "The id of the district's city, from data/cities.yaml, for a site covering several cities: pages "
            "then compare the districts of one city. Leave it out on a site of one city (as now); give it "
            "to every district or to none."
        ),
    )
    lead_units_en: dict[Text, Text] = Field(
        {},
        description=(
            "Our English name of each lead unit (牵头单位) its records name, keyed by the Chinese name as the "
            "records write it (区发改局: District Development and Reform Bureau). English pages show it with the "
            "Chinese name beside it; every lead unit needs one."
        ),
    )
    records: Annotated[tuple[Record, ...], Field(strict=False)] = Field(
        (), description="The district's records: one per figure, or per commitment without a figure."
    )


class ReleaseDate(Model):
    """A release of the data, kept for good: the data as it stood at the end of a day on which it changed."""

    # Written as a quoted "YYYY-MM-DD" string: the loader refuses bare YAML dates.
    date: Annotated[datetime.date, Field(strict=False)] = Field(
        description=(
            'A day on which the data changed, in quotes: "2026-12-05". Its release is the data as the day\'s '
            "last change left it, at /data/releases/<date>/."
        )
    )


class Dataset(Model):
    """Everything the site is built from, validated and cross-checked."""

    topics: tuple[Topic, ...]
    sources: tuple[Source, ...]
    districts: tuple[District, ...]
    source_texts: dict[str, str]
    cities: tuple[City, ...] = ()
    metrics: tuple[Metric, ...] = ()
    # Record id → the measure word (个, 家, 条 …) its quote writes with the figure, where it writes one.
    counters: dict[str, str] = {}
    releases: tuple[str, ...] = ()  # the days of data/releases.yaml, "YYYY-MM-DD", as listed
