"""The change log of the data (/changes/, /en/changes/) and its Atom feeds (/changes.xml, /en/changes.xml),
made from the data's history (history.py): each change's date, commit message and records."""

from xml.sax.saxutils import escape as xml_escape

from markupsafe import Markup

from ..datadiff import changed_fields, written
from ..downloads import RELEASES
from ..templating import Fields
from .core import HTML_LANG, SiteCore, change_url, feed_url, page_url


class ChangesPages(SiteCore):
    """The change log in each language, and the Atom feed of each."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._record_ids = set(self.tables.records["id"].tolist())  # only they have a card to link to
        # A removed record merged into another (its former_ids) still has a card to land on.
        self._former_ids = {old_id for d in self.dataset.districts for r in d.records for old_id in r.former_ids}

    def _change_records(self, lang: str, change) -> dict[str, list[Fields]]:
        """The records a change added, changed and removed, each with its card's address (none for a
        record the data no longer has) and, for a changed one, each field's old and new value."""
        groups: dict[str, list[Fields]] = {"+": [], "~": [], "-": []}
        district_names = {d.id: getattr(d, f"name_{lang}") for d in self.dataset.districts}
        for record in change.records:
            fields = (
                [
                    Fields(name=n, old=written(record.before.get(n)), new=written(record.record.get(n)))
                    for n in changed_fields(record.before, record.record)
                ]
                if record.mark == "~"
                else []
            )
            exists = record.id in self._record_ids or record.id in self._former_ids
            groups[record.mark].append(
                Fields(
                    id=record.id,
                    label=written(record.record.get(f"label_{lang}")),
                    district=district_names.get(record.district, record.district),
                    url=page_url(lang, "districts", record.district) + "#" + record.id if exists else None,
                    fields=fields,
                )
            )
        return groups

    def changes(self, lang: str) -> bytes:
        """The change log: every change to the data, newest first, and the releases of its downloads."""
        t = self.t[lang]
        entries = [
            Fields(
                anchor=c.anchor,
                date=c.date,
                message=c.message,
                commit=c.commit[:10],
                records=self._change_records(lang, c),
                other=c.other,
            )
            for c in self.history.changes
        ]
        releases = [
            Fields(date=r.date, url=f"/{RELEASES}/{r.date}/" if self.released.get(r.date) else None)
            for r in self.history.releases
        ]
        return self.render(
            "changes.html",
            **self.page_context(lang, self.site_scope, ("changes",), t["changes_title"], t["changes_description"]),
            entries=entries,
            releases=releases,
            unavailable=self.history.unavailable,
        )

    def feed(self, lang: str) -> bytes:
        """The Atom feed (RFC 4287) of the change log: one entry per change, newest first."""
        t = self.t[lang]
        home = self.site_url + page_url(lang, "changes")
        lines = [
            '<?xml version="1.0" encoding="utf-8"?>',
            f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{HTML_LANG[lang]}">',
            f"  <title>{xml_escape(t['changes_title'] + ' · ' + t['site_title'])}</title>",
            f"  <id>{xml_escape(home)}</id>",
            f'  <link rel="self" type="application/atom+xml" href="{xml_escape(self.site_url + feed_url(lang))}"/>',
            f'  <link rel="alternate" type="text/html" href="{xml_escape(home)}"/>',
            f"  <updated>{self.history.changes[0].time}</updated>",
            f"  <author><name>{xml_escape(t['site_title'])}</name></author>",
        ]
        for change in self.history.changes:
            records = self._change_records(lang, change)
            url = self.site_url + change_url(lang, change)
            counts = t["change_counts"].format(
                added=len(records["+"]), changed=len(records["~"]), removed=len(records["-"])
            )
            body = self._macros.change_body(Fields(records=records, other=change.other), lang, t, self.site_url)
            lines += [
                "  <entry>",
                f"    <title>{xml_escape(change.date + t['colon'] + change.message)}</title>",
                f"    <id>{xml_escape(url)}</id>",
                f'    <link rel="alternate" type="text/html" href="{xml_escape(url)}"/>',
                f"    <updated>{change.time}</updated>",
                f"    <summary>{xml_escape(counts)}</summary>",
                f'    <content type="html">{xml_escape(str(Markup(body)).strip())}</content>',
                "  </entry>",
            ]
        lines.append("</feed>")
        return ("\n".join(lines) + "\n").encode("utf-8")

    def feed_files(self) -> dict[str, bytes]:
        """/changes.xml and /en/changes.xml; none without a history."""
        if not self.history.changes:
            return {}
        return {feed_url(lang).lstrip("/"): self.feed(lang) for lang in ("zh", "en")}
