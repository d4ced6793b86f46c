"""The search page, and what the search index holds: every record card, and every topic, district and
source page, each as a reader's result shows it (pipeline/search_index.py indexes them)."""

from collections.abc import Iterator

from markupsafe import Markup

from .. import formatting
from ..languages import LANGS, Lang, in_lang, other_lang
from ..search_index import SearchEntry
from ..tables import RecordRow
from ..templating import Fields
from .core import SiteCore, page_context, page_url, record_url, render, script_json, unit_names
from .filters import KIND_GROUPS, kind_group

# Records a site may have and still be searched. Pagefind writes a file per entry and holds the index in
# memory: 18,000 records (300 synthetic districts) took the build from 8.5 s to 33 s and Pagefind to
# 950 MB (bench/NOTES.md), so a site of 3,000 districts (180,000) would miss its time and memory
# budgets many times over. Past this, the site has no search and its search page says so.
SEARCH_RECORDS_MAX = 20_000

FULL_STOP = {"zh": "。", "en": "."}
SPACE = {"zh": "", "en": " "}
ENDS_A_SENTENCE = ("。", "！", "？", ".", "!", "?", "；", ";")
# The kinds of result the search page filters by: the record kinds of the district pages' filter, then pages.
PAGE_KINDS = ("topic", "district", "source")


def sentences(parts, lang: str) -> str:
    """An entry's words, the parts that are not blank each ended as a sentence, so that an excerpt
    reads as text."""
    kept = (part.strip() for part in parts)
    return SPACE[lang].join(p if p.endswith(ENDS_A_SENTENCE) else p + FULL_STOP[lang] for p in kept if p)


def searchable(site: SiteCore) -> bool:
    """Whether the site is small enough to have a search index (SEARCH_RECORDS_MAX)."""
    return len(site.tables.records) <= SEARCH_RECORDS_MAX


def render_search(site: SiteCore, lang: Lang) -> bytes:
    """The search page: the form and its results are drawn by search.js; without JavaScript, or on a
    site too large to search, it says so and leads to the topic and district lists."""
    return render(
        site,
        "search.html",
        **page_context(
            site, lang, site.site_scope, ("search",), site.ui["search_title"][lang], site.ui["search_description"][lang]
        ),
        searchable=searchable(site),
        search_filters=_search_filters(site, lang),
        search_text=_search_text(site, lang),
    )


def _search_filters(site: SiteCore, lang: Lang) -> list[Fields]:
    """The search page's filters (Pagefind's, by the ids the entries carry): district, topic, kind."""
    t = site.t[lang]
    kinds = [(k, t[f"filter_kind_{k}"]) for k in KIND_GROUPS] + [(k, t[f"search_kind_{k}"]) for k in PAGE_KINDS]
    choices = {
        "district": [(d.id, in_lang(d, "name", lang)) for d in site.site_scope.districts],
        "topic": list(site.topic_names[lang].items()),
        "kind": kinds,
    }
    labels = {
        "district": (t["district"], t["search_all_districts"]),
        "topic": (t["topic"], t["filter_all_topics"]),
        "kind": (t["filter_kind"], t["search_all_kinds"]),
    }
    return [
        Fields(name=key, label=label, all=every, choices=[Fields(value=v, label=n) for v, n in choices[key]])
        for key, (label, every) in labels.items()
    ]


def _search_text(site: SiteCore, lang: Lang) -> Markup:
    """What search.js writes around the results, the names it recognises in a query (a district's or a
    topic's, in either language: each becomes a filter) and the pages it suggests when nothing is found."""
    t = site.t[lang]
    keys = (
        "search_loading",
        "search_failed",
        "search_count",
        "search_count_one",
        "search_none",
        "search_none_try",
        "search_without_filters",
        "search_remove_filter",
        "search_as_words",
        "search_other_language",
        "search_more",
        "nav_topics",
    )
    scope = site.site_scope
    pages = {
        "district": {d.id: page_url(lang, "districts", d.id) for d in scope.districts},
        "topic": {topic_id: scope.url(lang, "topics", topic_id) for topic_id in site.topic_names[lang]},
    }
    text = {key: t[key] for key in keys} | {"topics_url": scope.url(lang) + "#topics", "pages": pages}
    text["other_search"] = page_url(other_lang(lang), "search")  # Chinese words find more in Chinese
    return script_json(text | {"names": _names(site)})


def _names(site: SiteCore) -> list[list[str]]:
    """[name, filter, id] for each way a reader may write a district or a topic: its name in each
    language, and a district's without its 区 / District (海珠, Haizhu); longest first, so that 海珠区 is
    taken before 海珠."""
    names = set()
    for district in site.site_scope.districts:
        for name in (district.name_zh, district.name_en):
            names.add((name, "district", district.id))
            short = name.removesuffix("区").removesuffix(" District")
            if len(short) > 1 and short != name:
                names.add((short, "district", district.id))
    for topic in site.dataset.topics:
        names.update({(topic.name_zh, "topic", topic.id), (topic.name_en, "topic", topic.id)})
    return [list(n) for n in sorted(names, key=lambda n: (-len(n[0]), n))]


def search_entries(site: SiteCore) -> Iterator[SearchEntry]:
    """Each record in each language, linked to its card on its district's page; then each topic,
    district and source page."""
    for lang in LANGS:
        names = {d.id: in_lang(d, "name", lang) for d in site.dataset.districts}
        for row in site.tables.rows:
            yield _record_entry(site, lang, row, names[row.district])
        yield from _page_entries(site, lang, names)


def _page_entries(site: SiteCore, lang: Lang, names: dict[str, str]) -> Iterator[SearchEntry]:
    """The entries of each topic, district and source page in one language."""
    t = site.t[lang]
    for scope in site.scopes.values():
        for topic in site.dataset.topics:
            name = in_lang(topic, "name", lang)
            yield SearchEntry(
                scope.url(lang, "topics", topic.id),
                lang,
                sentences((name, in_lang(topic, "description", lang)), lang),
                {"title": name, "where": t["search_kind_topic"]},
                {"topic": (topic.id,), "kind": ("topic",)},
            )
    for district in site.dataset.districts:
        name = names[district.id]
        yield SearchEntry(
            page_url(lang, "districts", district.id),
            lang,
            sentences((name, site.ui["district_description"][lang].format(name=name)), lang),
            {"title": name, "where": t["search_kind_district"]},
            {"district": (district.id,), "kind": ("district",)},
        )
    for source in site.dataset.sources:
        title = in_lang(source, "title", lang)
        yield SearchEntry(
            page_url(lang, "sources", source.id),
            lang,
            sentences((title, source.title_zh, names[source.district]), lang),
            {"title": title, "where": f"{names[source.district]} · {t['search_kind_source']}"},
            {"district": (source.district,), "kind": ("source",)},
        )


def _record_entry(site: SiteCore, lang: Lang, row: RecordRow, district_name: str) -> SearchEntry:
    t = site.t[lang]
    topic_name = site.topic_names[lang][row.topic]
    kind = formatting.kind_label(row.kind, row.period, row.estimate, t)
    figure = (
        formatting.figure_text(row.value, row.unit, row.bound, lang, row.value_high, row.counter)
        if row.value is not None
        else t["commitment"]
    )
    label = in_lang(row, "label", lang)
    words = [
        label,
        figure,
        row.summary_en if lang == "en" else "",
        row.quote,
        district_name,
        topic_name,
        kind,
        _lead_units_text(site, lang, row),
        site.ui["search_task_no"][lang].format(number=row.task_no) if row.task_no is not None else "",
    ]
    return SearchEntry(
        record_url(lang, row),
        lang,
        sentences(words, lang),
        {"title": label, "where": f"{district_name} · {topic_name} · {kind}", "figure": figure},
        # Its topic and its tags: a topic's records are counted one way everywhere (data/README.md).
        {"district": (row.district,), "topic": row.topic_keys, "kind": (kind_group(row),), "unit": row.lead_units},
    )


def _lead_units_text(site: SiteCore, lang: Lang, row: RecordRow) -> str:
    """Its lead units as a card names them: on an English page, our English name with the Chinese beside it."""
    names = unit_names(site, lang, row.district)
    if not names:
        return "、".join(row.lead_units)
    return "; ".join(f"{names[unit]} ({unit})" for unit in row.lead_units)
