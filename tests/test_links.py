"""Every internal link of the built site resolves: pages, assets, downloads and #fragments.

Walks every HTML file of site/: each href, src and data-plotly (the script charts.js
loads on demand) that stays on the site, root-relative, relative or absolute on the
site's own address, must name a file of the site, and a #fragment must be an id
(or <a name>) of the page it points to. Seen to fail: the scratch site below with a
dead page link, a missing asset, a missing fragment and a javascript: link.
"""

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from site_pages import site_pages

from pipeline.builder import site_url

URL_ATTRIBUTES = {"href", "src", "data-plotly"}


class PageLinks(HTMLParser):
    """The ids a page defines and the URLs it refers to."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.urls: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            elif name in URL_ATTRIBUTES or (name == "content" and value.startswith(site_url())):
                self.urls.append(value)


def target_file(site: Path, path: str) -> Path | None:
    """The file a URL path is served from, as Netlify would find it; None if there is none."""
    local = site / unquote(path).lstrip("/")
    for candidate in (local / "index.html",) if path.endswith("/") else (local, local / "index.html"):
        if candidate.is_file():
            return candidate
    return None


def dead_links(site: Path, own_origin: str) -> list[str]:
    """Every internal URL of the site's HTML that does not resolve, as 'page: url (why)'."""
    parsed = {page.file: PageLinks((site / page.file).read_text(encoding="utf-8")) for page in site_pages(site)}
    problems = []
    for page_file, links in parsed.items():
        page_url = own_origin + "/" + page_file.removesuffix("index.html")
        for url in links.urls:
            absolute = urlsplit(urljoin(page_url, url))
            if absolute.scheme == "javascript":
                problems.append(f"{page_file}: {url} (a javascript: link)")
            if f"{absolute.scheme}://{absolute.netloc}" != own_origin:
                continue  # another site, mailto:, data: — not ours to check
            target = target_file(site, absolute.path or "/")
            if target is None:
                problems.append(f"{page_file}: {url} (no such file)")
            elif absolute.fragment and target.suffix == ".html":
                ids = parsed[target.relative_to(site).as_posix()].ids
                if unquote(absolute.fragment) not in ids:
                    problems.append(f"{page_file}: {url} (no id {absolute.fragment!r} there)")
    return problems


def test_every_internal_link_of_the_real_site_resolves(real_site):
    assert len(site_pages(real_site)) > 20
    assert dead_links(real_site, site_url().rstrip("/")) == []


def test_the_checker_reports_each_kind_of_broken_link(tmp_path):
    """The gate itself, on a small site with one of each broken link."""
    site = tmp_path / "site"
    (site / "topics" / "gdp").mkdir(parents=True)
    (site / "assets").mkdir()
    (site / "assets" / "style.css").write_text("", encoding="utf-8")
    (site / "topics" / "gdp" / "index.html").write_text('<h2 id="figures">Figures</h2>', encoding="utf-8")
    (site / "index.html").write_text(
        '<link rel="stylesheet" href="/assets/style.css"><a href="/topics/gdp/#figures">ok</a>'
        '<a href="topics/gdp/">ok, relative</a><a href="https://example.org/x">elsewhere</a><a href="#top" id="top">ok</a>'
        '<a href="/topics/jobs/">dead page</a><script src="/assets/charts.js"></script>'
        '<a href="/topics/gdp/#charts">missing fragment</a><a href="http://site.test/nowhere/">dead, absolute</a>'
        '<a href="javascript:alert(1)">script</a>',
        encoding="utf-8",
    )
    assert sorted(dead_links(site, "http://site.test")) == sorted(
        [
            "index.html: /topics/jobs/ (no such file)",
            "index.html: /assets/charts.js (no such file)",
            "index.html: /topics/gdp/#charts (no id 'charts' there)",
            "index.html: http://site.test/nowhere/ (no such file)",
            "index.html: javascript:alert(1) (a javascript: link)",
        ]
    )
