"""A source document's page: its metadata and full archived text, each quoted passage highlighted and
linked to its record."""

from collections import defaultdict
from dataclasses import dataclass, field

from ..languages import Lang, in_lang
from ..validate import without_whitespace
from .core import SiteCore, page_context, record_url, render, scope_cache


@dataclass
class SourcePassage:
    """A stretch of a source text, with the records that quote it (none for plain text)."""

    text: str
    record_ids: tuple[str, ...] = ()
    anchors: tuple[str, ...] = field(default_factory=tuple)


def source_passages(text: str, quotes: list[tuple[str, str]]) -> list[SourcePassage]:
    """Split a source text into plain and quoted stretches; quotes are (record id, quote) pairs.

    Quotes are matched ignoring white space, as the validator does, and each
    record's anchor is placed where its quote begins. The text is cut only where
    a quote begins or ends, so the work grows with the quotes, not the characters.
    """
    kept = [i for i, ch in enumerate(text) if not ch.isspace()]
    flat = without_whitespace(text)
    starts: dict[int, list[str]] = defaultdict(list)
    ends: dict[int, list[str]] = defaultdict(list)
    for record_id, quote in quotes:
        needle = without_whitespace(quote)
        at = flat.find(needle)
        if at < 0 or not needle:
            continue
        starts[kept[at]].append(record_id)
        ends[kept[at + len(needle) - 1] + 1].append(record_id)
    cuts = sorted({0, len(text)} | starts.keys() | ends.keys())
    passages: list[SourcePassage] = []
    covering: set[str] = set()  # the records whose quote covers the stretch from `begin`
    for begin, end in zip(cuts, cuts[1:]):
        covering.difference_update(ends.get(begin, ()))
        covering.update(starts.get(begin, ()))
        ids = tuple(sorted(covering))
        anchors = tuple(starts.get(begin, ()))
        if passages and passages[-1].record_ids == ids and not anchors:
            passages[-1].text += text[begin:end]
        else:
            passages.append(SourcePassage(text[begin:end], ids, anchors))
    return passages


def render_source(site: SiteCore, source_id: str, lang: Lang) -> bytes:
    """A source document's page: its full text, each quoted passage linked to its record."""
    source = site.sources[source_id]
    scope = site.scope_of[source.district]
    cache = scope_cache(site, scope)
    records = cache.rows.by_source[source_id]
    if source_id not in cache.passages:  # the same in both languages
        cache.passages[source_id] = source_passages(
            site.dataset.source_texts[source_id], [(r.id, r.quote) for r in records]
        )
    return render(
        site,
        "source.html",
        **page_context(
            site,
            lang,
            scope,
            ("sources", source_id),
            in_lang(source, "title", lang),
            site.ui["source_description"][lang],
            [source],
        ),
        source=source,
        passages=cache.passages[source_id],
        card_url={r.id: record_url(lang, r) for r in records},
        record_count=len(records),
    )
