"""The change log of the data (/changes/, /en/changes/), a page per month (/changes/2026-12/ …) and its
Atom feeds (/changes.xml, /en/changes.xml), made from the data's history (history.py): each change said
in the page's language (change_text.py), with its editor's note and version."""

from xml.sax.saxutils import escape as xml_escape

from markupsafe import Markup

from ..downloads import RELEASES
from ..languages import HTML_LANG, LANGS, Lang
from ..templating import Fields
from .change_text import entries
from .core import SiteCore, change_month, feed_url, page_context, page_url, render


def change_months(site: SiteCore) -> list[str]:
    """The months of the change log, newest first ('2026-12'), each a page of its own."""
    return list(dict.fromkeys(change_month(change) for change in site.history.changes))


def month_name(site: SiteCore, lang: Lang, month: str) -> str:
    """'2026年12月' / 'December 2026'."""
    year, number = month.split("-")
    names = site.t[lang]["change_month_names"].split(",")
    name = names[int(number) - 1] if len(names) == 12 else str(int(number))
    return site.t[lang]["change_month"].format(year=year, month=name)


def _page(site: SiteCore, lang: Lang, month: str | None) -> bytes:
    t = site.t[lang]
    months = change_months(site)
    shown = month or (months[0] if months else None)
    parts = ("changes", month) if month else ("changes",)
    title = t["changes_title"] + (" · " + month_name(site, lang, month) if month else "")
    releases = [
        Fields(date=r.date, url=f"/{RELEASES}/{r.date}/" if site.released.get(r.date) else None)
        for r in site.history.releases
    ]
    return render(
        site,
        "changes.html",
        **page_context(site, lang, site.site_scope, parts, title, t["changes_description"]),
        entries=[e for e in entries(site, lang) if e.date[:7] == shown],
        month=month,
        month_name=month_name(site, lang, shown) if shown else None,
        months=[
            Fields(name=month_name(site, lang, m), url=page_url(lang, "changes", m), current=m == month) for m in months
        ],
        releases=releases if month is None else [],
        unavailable=site.history.unavailable,
    )


def render_changes(site: SiteCore, lang: Lang) -> bytes:
    """The change log: the latest month's changes, links to every month's page, the releases of the downloads."""
    return _page(site, lang, None)


def render_changes_month(site: SiteCore, month: str, lang: Lang) -> bytes:
    """One month of the change log, each change in the page's language with its records in view by their anchors."""
    return _page(site, lang, month)


def _feed_entry(site: SiteCore, lang: Lang, entry: Fields) -> list[str]:
    t = site.t[lang]
    url = site.site_url + entry.url
    # An entry's id stays what it was when the log had one page: feed readers know each change by it.
    entry_id = site.site_url + page_url(lang, "changes") + "#" + entry.anchor
    body = site.macros.change_body(change=entry, lang=lang, t=t, base=site.site_url)
    heading = entry.title or entry.note
    return [
        "  <entry>",
        f"    <title>{xml_escape(entry.date + t['colon'] + heading)}</title>",
        f"    <id>{xml_escape(entry_id)}</id>",
        f'    <link rel="alternate" type="text/html" href="{xml_escape(url)}"/>',
        f"    <updated>{entry.time}</updated>",
        f"    <summary>{xml_escape(' '.join(entry.summary))}</summary>",
        f'    <content type="html">{xml_escape(str(Markup(body)).strip())}</content>',
        "  </entry>",
    ]


def render_feed(site: SiteCore, lang: Lang) -> bytes:
    """The Atom feed (RFC 4287) of the change log: one entry per entry of the log, newest first, in the same words."""
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
    for entry in entries(site, lang):
        lines += _feed_entry(site, lang, entry)
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def feed_files(site: SiteCore) -> dict[str, bytes]:
    """/changes.xml and /en/changes.xml; none without a history."""
    if not site.history.changes:
        return {}
    return {feed_url(lang).lstrip("/"): render_feed(site, lang) for lang in LANGS}
