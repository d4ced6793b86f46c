"""What each change of the data did, in the reader's language: a summary by district ("海珠区：修改 3 条记录的
英文摘要"), and record by record each field named in words with its old and new value formatted as the
cards format them. Made from the history's structured changes (history.py, datadiff.py) for the change
log's pages and its feeds (changes.py); the editors' `diff` keeps its own lines."""

from collections import defaultdict
from decimal import InvalidOperation
from typing import Any

from .. import formatting
from ..datadiff import changed_fields, written
from ..languages import Lang, in_lang
from ..models import has_district_prefix
from ..templating import Fields
from .core import FIRST_PUBLICATION, SiteCore, change_url, page_url

MARKS = ("+", "~", "-")
# An entry of at most this many lines shows them at once; a longer one is collapsed under its summary.
OPEN_UP_TO = 2
# The fields a card shows together as the figure (5.5%, 6%左右): a change to any is shown as the figure's.
FIGURE_FIELDS = ("value", "value_high", "unit", "bound")
# Of those, the ones also named on their own, when both sides have a figure: 约束 确数 → 左右.
NAMED_ON_THEIR_OWN = ("unit", "bound")
# Fields whose coded values content/ui.yaml says in words, by the prefix of their keys.
CODED = {"unit": "unit_word_", "bound": "bound_", "kind": "kind_", "period": "period_", "measure": "measure_"}


def card_ids(site: SiteCore) -> set[str]:
    """The ids that land on a card: every record's, and the former ids of a record merged into another."""
    former = {old_id for d in site.dataset.districts for r in d.records for old_id in r.former_ids}
    return {row.id for row in site.tables.rows} | former


class ChangeWords:
    """The change log's words in one language, with the names it gives records, sources, metrics and
    districts as the data has them now."""

    def __init__(self, site: SiteCore, lang: Lang):
        self.site, self.lang, self.t = site, lang, site.t[lang]
        self.rows = {row.id: row for row in site.tables.rows}
        self.sources = {s.id: in_lang(s, "title", lang) for s in site.dataset.sources}
        self.archives = {s.archive: in_lang(s, "title", lang) for s in site.dataset.sources}
        self.metrics = {m.id: in_lang(m, "name", lang) for m in site.dataset.metrics}
        self.order = {d: i for i, d in enumerate(site.districts)}
        self.with_cards = card_ids(site)

    def field_name(self, kind: str, name: str) -> str:
        """A field in words: 'value' → 数值 / value; a source's `kind` → 文件类型 / type of document."""
        for key in (f"field_{kind}_{name}", f"field_{name}"):
            if key in self.t:
                return self.t[key]
        return self.t["field_other"]

    def joined(self, words: list[str]) -> str:
        """Words as a list in running text: 数值、约束、英文摘要 / value, bound and English summary."""
        if len(words) < 2:
            return "".join(words)
        return self.t["change_comma"].join(words[:-1]) + self.t["change_and"] + words[-1]

    def counted(self, count: int, noun: str) -> str:
        """'3 条记录' / '3 records', '1 record'; '2 项' / '2' for other entries."""
        key = f"change_{noun}_one" if count == 1 else f"change_{noun}_many"
        return self.t[key].format(count=formatting.count_text(count, self.lang))

    def district(self, district: str) -> str:
        return (
            in_lang(self.site.districts[district], "name", self.lang) if district in self.site.districts else district
        )

    def by_district(self, items: dict[str, Any]) -> list[tuple[str, Any]]:
        """Items keyed by district id, in the site's order of districts (those it no longer has last)."""
        return sorted(items.items(), key=lambda item: (self.order.get(item[0], len(self.order)), item[0]))

    # --- Values as the cards show them --------------------------------------------------

    def figure(self, record: dict) -> str:
        """The record's figure as its card writes it (5.5%, 6%左右, about 6%); the card's words for none."""
        if record.get("value") is None:
            return self.t["commitment"]
        try:
            return formatting.figure_text(
                record["value"],
                record.get("unit"),
                record.get("bound"),
                self.lang,
                record.get("value_high"),
                self.site.dataset.counters.get(record.get("id", "")),
            )
        except (KeyError, TypeError, ValueError, InvalidOperation):  # a side written wrong: shown as written
            return written(record.get("value"))

    def listed(self, values: list, names: dict) -> str:
        return self.t["change_comma"].join(
            names.get(v, written(v)) if isinstance(v, str) else written(v) for v in values
        )

    def value(self, record: dict, district: str, name: str) -> str:
        """One field of a record as the card shows it, in the page's language."""
        t, value = self.t, record.get(name)
        if name in ("value", "value_high"):
            return self.figure(record)
        if value is None or value == []:
            return t["change_none"]
        if isinstance(value, bool):
            return t["change_yes"] if value else t["change_no"]
        if name in ("topic", "tags"):
            return self.listed(value if isinstance(value, list) else [value], self.site.topic_names[self.lang])
        if name == "lead_units" and isinstance(value, list):
            known = self.site.districts.get(district)
            return self.listed(value, known.lead_units_en if known and self.lang == "en" else {})
        if name == "source" and isinstance(value, str):
            return self.sources.get(value, value)
        if name == "metric" and isinstance(value, str):
            # A key that starts with a district id pairs a result with its target; it names no chart.
            paired = has_district_prefix(value, set(self.site.districts))
            return t["change_metric_pair"] if paired else self.metrics.get(value, value)
        if name in CODED and isinstance(value, str) and CODED[name] + value in t:
            return t[CODED[name] + value]
        if isinstance(value, list):
            return self.listed(value, {})
        return written(value)

    def record_fields(self, before: dict, after: dict, district: str) -> list[Fields]:
        """Each changed field of a record: its name in words, its old and new value as the card shows
        them; the figure once, then its unit and bound, if both sides have a figure."""
        names = changed_field_names(before, after)
        return [
            Fields(
                name=_sentence(self.field_name("record", name)),
                old=self.value(before, district, name),
                new=self.value(after, district, name),
            )
            for name in names
        ]

    def changed_words(self, kind: str, fields) -> list[str]:
        return _unique(self.field_name(kind, field) for field in fields)

    # --- Names -------------------------------------------------------------------------

    def entry_name(self, change) -> str:
        """A topic, metric, source, city or district by its name in the page's language; a full text by
        its document's title."""
        if change.kind == "archive":
            return self.archives.get(change.id, change.id)
        if change.kind == "district" and change.id in self.site.districts:
            return self.district(change.id)
        name = change.entry.get(("title_" if change.kind == "source" else "name_") + self.lang)
        # Named inside our quotes: its own double quotes nest as single ones.
        return name.replace("“", "‘").replace("”", "’") if isinstance(name, str) else change.id

    def record_label(self, record: dict) -> str:
        """A record by its card's label in the page's language, as the data has it now if it still does."""
        row = self.rows.get(record["id"])
        label = in_lang(row, "label", self.lang) if row else record.get(f"label_{self.lang}")
        return label if isinstance(label, str) else written(record["id"])

    # --- A change in words ------------------------------------------------------------

    def summary(self, change) -> list[str]:
        """The change in a line per district: the records added, removed and changed (which
        fields, in how many records); then the other entries, by kind."""
        t = self.t
        parts: dict[str, list[str]] = defaultdict(list)
        for mark, key in (("+", "change_summary_added"), ("-", "change_summary_removed")):
            counts: dict[str, int] = defaultdict(int)
            for record in change.records:
                if record.mark == mark:
                    counts[record.district] += 1
            for district, count in counts.items():
                parts[district].append(t[key].format(what=self.counted(count, "records")))
        by_fields: dict[tuple[str, tuple[str, ...]], list] = defaultdict(list)
        for record in change.records:
            if record.mark == "~":
                names = tuple(changed_field_names(record.before, record.record))
                by_fields[record.district, names].append(record)
        for (district, names), records in by_fields.items():
            words = [self.field_name("record", name) for name in names]
            sides = (records[0].before, records[0].record)
            if len(records) == 1 and "value" in names and all(side.get("value") is not None for side in sides):
                old, new = (self.figure(side) for side in sides)  # one figure changed: said at once
                at = names.index("value")
                words[at] += f" {old}{t['change_arrow']}{new}" if old != new else ""
            what = self.counted(len(records), "records")
            parts[district].append(t["change_summary_changed"].format(what=what, fields=self.joined(_unique(words))))
        grouped: dict[tuple[str, str, tuple[str, ...]], int] = defaultdict(int)
        for entry in change.entries:
            words = tuple(self.changed_words(entry.kind, entry.fields))
            if entry.kind == "district" and entry.mark == "~":  # a district's own fields: with its records
                parts[entry.id].append(t["change_summary_fields"].format(fields=self.joined(list(words))))
            else:
                grouped[entry.kind, entry.mark, words] += 1
        others: dict[str, list[str]] = defaultdict(list)
        for (kind, mark, words), count in grouped.items():
            what = self.counted(count, "items")
            if mark == "~" and words:
                text = t["change_summary_changed"].format(what=what, fields=self.joined(list(words)))
            elif mark == "~":  # an archived text: changed as a whole
                text = t["change_summary_changed_whole"].format(what=what)
            else:
                text = t["change_summary_added" if mark == "+" else "change_summary_removed"].format(what=what)
            others[t[f"change_kinds_{kind}"]].append(text)
        lines = [
            self.district(district) + t["colon"] + t["list_separator"].join(texts) + t["full_stop"]
            for district, texts in self.by_district(parts)
        ]
        return lines + [
            kind + t["colon"] + t["list_separator"].join(texts) + t["full_stop"] for kind, texts in others.items()
        ]

    def details(self, change) -> dict[str, list[Fields]]:
        """Record by record, and entry by entry, what a change added, changed and removed: each record
        named by its card's label and linked to its card (if the data still has it), each changed field
        in words."""
        t, lang = self.t, self.lang
        groups: dict[str, list[Fields]] = {mark: [] for mark in MARKS}
        for record in change.records:
            groups[record.mark].append(
                Fields(
                    anchor=f"{change.anchor}-{record.id}",
                    name=self.record_label(record.record),
                    district=self.district(record.district),
                    url=page_url(lang, "districts", record.district) + "#" + record.id
                    if record.id in self.with_cards
                    else None,
                    fields=self.record_fields(record.before, record.record, record.district)
                    if record.mark == "~"
                    else [],
                    what=None,
                )
            )
        for entry in change.entries:
            named = t["change_entry_named"].format(kind=t[f"change_kind_{entry.kind}"], name=self.entry_name(entry))
            what = self.joined(self.changed_words(entry.kind, entry.fields)) if entry.mark == "~" else None
            groups[entry.mark].append(Fields(anchor=None, name=named, district=None, url=None, fields=[], what=what))
        return groups

    def note(self, change) -> str:
        """The commit's message as its editor wrote it: on an English page its `English:` line, if any."""
        return change.message_en if self.lang == "en" and change.message_en else change.message

    def version_url(self, commit: str) -> str | None:
        return self.site.repository.commit_url(commit) if self.site.repository else None

    def entry(self, change) -> Fields:
        """One change of the change log, as its page and its feed show it."""
        groups = self.details(change)
        lines = sum(len(group) for group in groups.values())
        return Fields(
            anchor=change.anchor,
            date=change.date,
            time=change.time,
            title=None,
            summary=self.summary(change),
            note=self.note(change),
            version=change.commit[:10],
            version_url=self.version_url(change.commit),
            records=groups,
            lines=lines,
            open=lines <= OPEN_UP_TO,
            url=change_url(self.site, self.lang, change),
        )

    def first_publication(self, changes) -> Fields:
        """Every change of the data's first day as one entry: how many records each district had."""
        t = self.t
        held: dict[str, set[str]] = defaultdict(set)
        for change in reversed(changes):  # oldest first
            for record in change.records:
                (held[record.district].discard if record.mark == "-" else held[record.district].add)(record.id)
        counted = [
            t["first_publication_district"].format(
                district=self.district(district), records=self.counted(len(ids), "records")
            )
            for district, ids in self.by_district(held)
            if ids
        ]
        newest = changes[0]
        text = t["first_publication_text"] + (t["colon"] + t["list_separator"].join(counted) if counted else "")
        text += t["full_stop"]
        return Fields(
            anchor=FIRST_PUBLICATION,
            date=newest.date,
            time=newest.time,
            title=t["first_publication"],
            summary=[text],
            note=None,
            version=newest.commit[:10],
            version_url=self.version_url(newest.commit),
            records={mark: [] for mark in MARKS},
            lines=0,
            open=True,
            url=change_url(self.site, self.lang, newest),
        )


def _sentence(words: str) -> str:
    """Words that begin a line: 'value' → 'Value' (a Chinese word is left as it is)."""
    return words[:1].upper() + words[1:]


def _unique(words) -> list[str]:
    return list(dict.fromkeys(words))


def changed_field_names(before: dict, after: dict) -> list[str]:
    """The fields of a record a change is shown by, in the order the record writes them: 'value' for its
    figure (value, upper end, unit or bound), then unit and bound on their own where both sides have a
    figure, and every other field changed."""
    changed = changed_fields(before, after)
    both_figures = before.get("value") is not None and after.get("value") is not None
    names = []
    for name in changed:
        if name in FIGURE_FIELDS:
            names.append("value")
            if name in NAMED_ON_THEIR_OWN and both_figures:
                names.append(name)
        else:
            names.append(name)
    return _unique(names)


def entries(site: SiteCore, lang: Lang) -> list[Fields]:
    """The change log's entries, newest first: each change after the data's first day, then that day's
    changes as one, the first publication."""
    changes = site.history.changes
    if not changes:
        return []
    if lang not in site.cache.change_entries:  # each month's page and the feed read them all
        words = ChangeWords(site, lang)
        first = changes[-1].date
        later = [words.entry(c) for c in changes if c.date > first]
        site.cache.change_entries[lang] = later + [words.first_publication([c for c in changes if c.date <= first])]
    return site.cache.change_entries[lang]
