"""The change log of the data (/changes/, /en/changes/) and its Atom feeds (/changes.xml, /en/changes.xml),
made from the data's history (history.py): each change's date, commit message and records."""

from xml.sax.saxutils import escape as xml_escape

from markupsafe import Markup

from ..datadiff import changed_fields, written
from ..downloads import RELEASES
from ..languages import HTML_LANG, LANGS, Lang, in_lang
from ..templating import Fields
from .core import SiteCore, change_url, feed_url, page_context, page_url, render


def card_ids(site: SiteCore) -> set[str]:
    """The ids that land on a card: every record's, and the former ids of a record merged into another."""
    former = {old_id for d in site.dataset.districts for r in d.records for old_id in r.former_ids}
    return {row.id for row in site.tables.rows} | former


def change_records(site: SiteCore, lang: Lang, change, with_cards: set[str]) -> dict[str, list[Fields]]:
    """The records a change added, changed and removed, each with its card's address (none for a
    record the data no longer has) and, for a changed one, each field's old and new value."""
    groups: dict[str, list[Fields]] = {"+": [], "~": [], "-": []}
    district_names = {d.id: in_lang(d, "name", lang) for d in site.dataset.districts}
    for record in change.records:
        fields = (
            [
                Fields(name=n, old=written(record.before.get(n)), new=written(record.record.get(n)))
                for n in changed_fields(record.before, record.record)
            ]
            if record.mark == "~"
            else []
        )
        groups[record.mark].append(
            Fields(
                id=record.id,
                label=written(record.record.get(f"label_{lang}")),
                district=district_names.get(record.district, record.district),
                url=page_url(lang, "districts", record.district) + "#" + record.id if record.id in with_cards else None,
                fields=fields,
            )
        )
    return groups


def render_changes(site: SiteCore, lang: Lang) -> bytes:
    """The change log: every change to the data, newest first, and the releases of its downloads."""
    t = site.t[lang]
    with_cards = card_ids(site)
    entries = [
        Fields(
            anchor=c.anchor,
            date=c.date,
            message=c.message,
            commit=c.commit[:10],
            records=change_records(site, lang, c, with_cards),
            other=c.other,
        )
        for c in site.history.changes
    ]
    releases = [
        Fields(date=r.date, url=f"/{RELEASES}/{r.date}/" if site.released.get(r.date) else None)
        for r in site.history.releases
    ]
    return render(
        site,
        "changes.html",
        **page_context(site, lang, site.site_scope, ("changes",), t["changes_title"], t["changes_description"]),
        entries=entries,
        releases=releases,
        unavailable=site.history.unavailable,
    )


def _feed_entry(site: SiteCore, lang: Lang, change, with_cards: set[str]) -> list[str]:
    t = site.t[lang]
    records = change_records(site, lang, change, with_cards)
    url = site.site_url + change_url(lang, change)
    counts = t["change_counts"].format(added=len(records["+"]), changed=len(records["~"]), removed=len(records["-"]))
    body = site.macros.change_body(
        change=Fields(records=records, other=change.other), lang=lang, t=t, base=site.site_url
    )
    return [
        "  <entry>",
        f"    <title>{xml_escape(change.date + t['colon'] + change.message)}</title>",
        f"    <id>{xml_escape(url)}</id>",
        f'    <link rel="alternate" type="text/html" href="{xml_escape(url)}"/>',
        f"    <updated>{change.time}</updated>",
        f"    <summary>{xml_escape(counts)}</summary>",
        f'    <content type="html">{xml_escape(str(Markup(body)).strip())}</content>',
        "  </entry>",
    ]


def render_feed(site: SiteCore, lang: Lang) -> bytes:
    """The Atom feed (RFC 4287) of the change log: one entry per change, newest first."""
    t = site.t[lang]
    home = site.site_url + page_url(lang, "changes")
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{HTML_LANG[lang]}">',
        f"  <title>{xml_escape(t['changes_title'] + ' · ' + t['site_title'])}</title>",
        f"  <id>{xml_escape(home)}</id>",
        f'  <link rel="self" type="application/atom+xml" href="{xml_escape(site.site_url + feed_url(lang))}"/>',
        f'  <link rel="alternate" type="text/html" href="{xml_escape(home)}"/>',
        f"  <updated>{site.history.changes[0].time}</updated>",
        f"  <author><name>{xml_escape(t['site_title'])}</name></author>",
    ]
    with_cards = card_ids(site)
    for change in site.history.changes:
        lines += _feed_entry(site, lang, change, with_cards)
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def feed_files(site: SiteCore) -> dict[str, bytes]:
    """/changes.xml and /en/changes.xml; none without a history."""
    if not site.history.changes:
        return {}
    return {feed_url(lang).lstrip("/"): render_feed(site, lang) for lang in LANGS}
