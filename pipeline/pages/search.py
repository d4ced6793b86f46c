"""The search page, and what the search index holds: every record card, and every topic, district and
source page, each as a reader's result shows it (pipeline/search_index.py indexes them)."""

from collections.abc import Iterator

from markupsafe import Markup

from .. import formatting
from ..search_index import SearchEntry
from ..tables import plain_columns
from .core import SiteCore, page_url, record_url, script_json

# Records a site may have and still be searched. Pagefind writes a file per entry and holds the index in
# memory: 18,000 records (300 synthetic districts) took the build from 8.5 s to 33 s and Pagefind to
# 950 MB (bench/NOTES.md), so a site of 3,000 districts (180,000) would miss its time and memory
# budgets many times over. Past this, the site has no search and its search page says so.
SEARCH_RECORDS_MAX = 20_000

# What a record's entry is made of: its words, and what its result shows.
SEARCHED_COLUMNS = (
    "id",
    "district",
    "topic",
    "kind",
    "period",
    "estimate",
    "value",
    "value_high",
    "unit",
    "bound",
    "counter",
    "label_zh",
    "label_en",
    "summary_en",
    "quote",
    "lead_units",
)
FULL_STOP = {"zh": "。", "en": "."}
SPACE = {"zh": "", "en": " "}
ENDS_A_SENTENCE = ("。", "！", "？", ".", "!", "?", "；", ";")


def sentences(parts, lang: str) -> str:
    """An entry's words, the parts that are not blank each ended as a sentence, so that an excerpt
    reads as text."""
    kept = (part.strip() for part in parts)
    return SPACE[lang].join(p if p.endswith(ENDS_A_SENTENCE) else p + FULL_STOP[lang] for p in kept if p)


class SearchPages(SiteCore):
    """The search page in each language, and the entries of the search index."""

    @property
    def searchable(self) -> bool:
        """Whether the site is small enough to have a search index (SEARCH_RECORDS_MAX)."""
        return len(self.tables.records) <= SEARCH_RECORDS_MAX

    def search(self, lang: str) -> bytes:
        """The search page: the form and its results are drawn by search.js; without JavaScript, or on a
        site too large to search, it says so and leads to the topic and district lists."""
        return self.render(
            "search.html",
            **self.page_context(
                lang, self.site_scope, ("search",), self.ui["search_title"][lang], self.ui["search_description"][lang]
            ),
            searchable=self.searchable,
            search_text=self._search_text(lang),
        )

    def _search_text(self, lang: str) -> Markup:
        """What search.js writes around the results."""
        t = self.t[lang]
        keys = (
            "search_loading",
            "search_failed",
            "search_count",
            "search_count_one",
            "search_none",
            "search_more",
            "nav_topics",
        )
        text = {key: t[key] for key in keys} | {"topics_url": self.site_scope.url(lang) + "#topics"}
        return script_json(text)

    def search_entries(self) -> Iterator[SearchEntry]:
        """Each record in each language, linked to its card on its district's page; then each topic,
        district and source page. Records are read from the records table, column by column, not
        through the pages' rows: those are converted once per scope, for its pages."""
        cells = plain_columns(self.tables.records[list(SEARCHED_COLUMNS)])
        for lang in ("zh", "en"):
            t = self.t[lang]
            names = {d.id: getattr(d, f"name_{lang}") for d in self.dataset.districts}
            for values in zip(*cells.values()):
                row = dict(zip(SEARCHED_COLUMNS, values))
                yield self._record_entry(lang, row, names[row["district"]])
            for scope in self.scopes.values():
                for topic in self.dataset.topics:
                    name = getattr(topic, f"name_{lang}")
                    yield SearchEntry(
                        scope.url(lang, "topics", topic.id),
                        lang,
                        sentences((name, getattr(topic, f"description_{lang}")), lang),
                        {"title": name, "where": t["search_kind_topic"]},
                    )
            for district in self.dataset.districts:
                name = names[district.id]
                yield SearchEntry(
                    page_url(lang, "districts", district.id),
                    lang,
                    sentences((name, self.ui["district_description"][lang].format(name=name)), lang),
                    {"title": name, "where": t["search_kind_district"]},
                )
            for source in self.dataset.sources:
                title = getattr(source, f"title_{lang}")
                yield SearchEntry(
                    page_url(lang, "sources", source.id),
                    lang,
                    sentences((title, source.title_zh, names[source.district]), lang),
                    {"title": title, "where": f"{names[source.district]} · {t['search_kind_source']}"},
                )

    def _record_entry(self, lang: str, row: dict, district_name: str) -> SearchEntry:
        t = self.t[lang]
        topic_name = self.topic_names[lang][row["topic"]]
        kind = formatting.kind_label(row["kind"], row["period"], row["estimate"], lang)
        figure = (
            formatting.figure_text(row["value"], row["unit"], row["bound"], lang, row["value_high"], row["counter"])
            if row["value"] is not None
            else t["commitment"]
        )
        label = row[f"label_{lang}"]
        words = [
            label,
            figure,
            row["summary_en"] if lang == "en" else "",
            row["quote"],
            district_name,
            topic_name,
            kind,
            "、".join(row["lead_units"]),
        ]
        return SearchEntry(
            record_url(lang, row),
            lang,
            sentences(words, lang),
            {"title": label, "where": f"{district_name} · {topic_name} · {kind}", "figure": figure},
        )
