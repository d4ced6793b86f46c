"""The change log of the data (/changes/, /en/changes/: its newest entries), each month's pages
(/changes/2026-12/, /changes/2026-12/2/ …, counted from the month's oldest entry so that an address never
changes) and its Atom feeds (/changes.xml, /en/changes.xml), made from the data's history (history.py):
each change said in the page's language (change_text.py), with its editor's note and version."""

from xml.sax.saxutils import escape as xml_escape

from markupsafe import Markup

from ..downloads import RELEASES
from ..languages import HTML_LANG, LANGS, Lang
from ..templating import Fields
from .change_text import entries
from .core import (
    CHANGES_PER_PAGE,
    SiteCore,
    change_page_url,
    change_pages,
    feed_url,
    page_context,
    page_url,
    render,
)


def change_months(site: SiteCore) -> dict[str, int]:
    """The months of the change log, newest first ('2026-12'), each with how many pages it has."""
    months: dict[str, int] = {}
    for month, page in change_pages(site).values():
        months[month] = max(page, months.get(month, 0))
    return dict(sorted(months.items(), reverse=True))


def change_log_pages(site: SiteCore) -> list[tuple[str, int]]:
    """Every page of the change log's months: (month, number of the page in it), newest month first."""
    return [(month, page) for month, count in change_months(site).items() for page in range(1, count + 1)]


def month_name(site: SiteCore, lang: Lang, month: str) -> str:
    """'2026年12月' / 'December 2026'."""
    year, number = month.split("-")
    names = site.t[lang]["change_month_names"].split(",")
    name = names[int(number) - 1] if len(names) == 12 else str(int(number))
    return site.t[lang]["change_month"].format(year=year, month=name)


def page_name(site: SiteCore, lang: Lang, month: str, page: int) -> str:
    """'2026年12月（第2页）' / 'December 2026 (page 2)'; a month of one page by its name alone."""
    name = month_name(site, lang, month)
    return site.t[lang]["change_page"].format(month=name, page=page) if change_months(site)[month] > 1 else name


def _month_links(site: SiteCore, lang: Lang, shown: tuple[str, int] | None) -> list[Fields]:
    """Every month, linked to its first page, with a link to each of its pages where it has more than one."""
    return [
        Fields(
            name=month_name(site, lang, month),
            url=change_page_url(lang, month, 1),
            current=shown is not None and shown[0] == month,
            pages=[
                Fields(number=page, url=change_page_url(lang, month, page), current=shown == (month, page))
                for page in range(1, count + 1)
            ]
            if count > 1
            else [],
        )
        for month, count in change_months(site).items()
    ]


def _page(site: SiteCore, lang: Lang, shown: tuple[str, int] | None) -> bytes:
    t = site.t[lang]
    everything = entries(site, lang)
    held = change_pages(site)
    if shown is None:
        parts: tuple[str, ...] = ("changes",)
        title, heading = t["changes_title"], t["changes_latest"]
        listed = everything[:CHANGES_PER_PAGE]
        earlier = everything[CHANGES_PER_PAGE].url if len(everything) > CHANGES_PER_PAGE else None
        previous = following = None
    else:
        month, page = shown
        parts = ("changes", month) if page == 1 else ("changes", month, str(page))
        heading = page_name(site, lang, month, page)
        title = t["changes_title"] + " · " + heading
        listed = [e for e in everything if held[e.anchor] == shown]
        earlier = None
        previous = change_page_url(lang, month, page - 1) if page > 1 else None
        following = change_page_url(lang, month, page + 1) if page < change_months(site)[month] else None
    releases = [
        Fields(date=r.date, url=f"/{RELEASES}/{r.date}/" if site.released.get(r.date) else None)
        for r in site.history.releases
    ]
    return render(
        site,
        "changes.html",
        **page_context(site, lang, site.site_scope, parts, title, t["changes_description"]),
        entries=listed,
        landing=shown is None,
        heading=heading,
        earlier_url=earlier,
        previous_url=previous,
        next_url=following,
        months=_month_links(site, lang, shown),
        releases=releases if shown is None else [],
        unavailable=site.history.unavailable,
    )


def render_changes(site: SiteCore, lang: Lang) -> bytes:
    """The change log's landing page: its newest entries whatever their month, links to every month's pages,
    the releases of the downloads."""
    return _page(site, lang, None)


def render_changes_page(site: SiteCore, month: str, page: int, lang: Lang) -> bytes:
    """One page of a month of the change log, newest entry first, each change in the page's language with its
    records in view by their anchors, linked to the month's other pages and to the other months."""
    return _page(site, lang, (month, page))


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
