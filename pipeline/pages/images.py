"""The site's PNG images: each chart's PNG file, and the preview card each page names as its og:image.

An image's job draws its SVG (chart_svg for a chart, preview_cards for a card) and png_images makes it
a PNG, from the cache when the same SVG was drawn before. A page's card sits beside it (`preview.png`
in the page's folder): the home page's, a topic's, a district's and a chart's embed page's; every other
page names the home page's card, the site's.

A site of several cities (thousands of districts) limits its images: PNG files for the headline charts
only, and every page names its city's card (or the site's): a card per page would be tens of thousands
of images.
"""

from collections.abc import Callable

from ..charts import Chart
from ..languages import Lang, in_lang
from ..png_images import png_of
from ..preview_cards import chart_card, page_card
from ..templating import Fields
from .chart_views import chart_view, topic_charts
from .core import PREVIEW_FILE, Scope, SiteCore, images_limited, page_url
from .headline import headline_rows

CARD_COLUMNS = 4  # districts on a home page's card, at most: a city of many shows its first ones


def render_png(site: SiteCore, draw: Callable[..., str], *args) -> bytes:
    """The PNG of the SVG that draw(site, *args) makes."""
    return png_of(draw(site, *args))


def chart_png_svg(site: SiteCore, scope: Scope, chart: Chart, lang: Lang) -> str:
    """The SVG a chart's PNG is drawn from: its SVG file, the same drawing."""
    return chart_view(site, scope, chart, lang)["image"].decode("utf-8")


def chart_png_path(chart: Chart, lang: Lang) -> str:
    """A chart's PNG file, beside its SVG file: data/charts/<chart id>.png, en/data/charts/<chart id>.png."""
    return chart.svg_path(lang).removesuffix(".svg") + ".png"


def png_charts(site: SiteCore, scope: Scope) -> list[Chart]:
    """The charts of a scope that have a PNG file: all, or on a limited site the headline charts."""
    charts = list(site.charts[scope.group].values())
    if images_limited(site):
        return [c for c in charts if c.definition is not None and c.definition.headline]
    return charts


def _address(site: SiteCore, url: str) -> str:
    return site.site_url + url


def home_card_svg(site: SiteCore, scope: Scope, lang: Lang) -> str:
    """The card of a scope's home page (the site's card): the site's title and every district's headline
    figures."""
    t = site.t[lang]
    rows = []
    for row in headline_rows(site, scope, lang) if scope.group in site.charts else []:
        rows.append((row.title, [_first_figure(cells, t) for cells in row.cells[:CARD_COLUMNS]]))
    columns = [in_lang(d, "name", lang) for d in scope.districts[:CARD_COLUMNS]] if rows else []
    return page_card(t["site_title"], t["site_title"], _address(site, scope.url(lang)), columns, rows, lang)


def district_card_svg(site: SiteCore, district_id: str, lang: Lang) -> str:
    """A district's card: its name and its headline figures."""
    t = site.t[lang]
    scope = site.scope_of[district_id]
    column = [d.id for d in scope.districts].index(district_id)
    rows = [(row.title, [_first_figure(row.cells[column], t)]) for row in headline_rows(site, scope, lang)]
    name = in_lang(site.districts[district_id], "name", lang)
    address = _address(site, page_url(lang, "districts", district_id))
    return page_card(t["site_title"], name, address, [name], rows, lang)


def topic_card_svg(site: SiteCore, scope: Scope, topic_id: str, lang: Lang) -> str:
    """A topic's card: its name, and its first chart's figures by district."""
    t = site.t[lang]
    view = topic_charts(site, scope, topic_id, lang)[0]
    rows = [
        (
            in_lang(row.district, "name", lang),
            [(cell.text, "") if cell else (t["coverage_not-stated"], "") for cell in row.cells],
        )
        for row in view.rows
    ]
    name = site.topic_names[lang][topic_id]
    # "GDP growth", not "GDP: GDP growth": the topic is named once.
    title = view.title if view.title.startswith(name) else name + t["colon"] + view.title
    address = _address(site, scope.url(lang, "topics", topic_id))
    return page_card(t["site_title"], title, address, view.series, rows, lang)


def chart_card_svg(site: SiteCore, scope: Scope, chart: Chart, lang: Lang) -> str:
    """A chart's card (for its embed page): its SVG file on the card."""
    return chart_card(chart_view(site, scope, chart, lang)["image"], lang)


def _first_figure(cells: list[Fields], t) -> tuple[str, str]:
    """A district's figure on a headline row and its note: its target, else its first figure with its
    kind; "not stated" where its documents are silent."""
    if not cells:
        return t["coverage_not-stated"], ""
    targets = [c for c in cells if c.kind == "target"]
    if targets:
        return targets[0].text, ""
    return cells[0].text, cells[0].label


def card_jobs(site: SiteCore, scope: Scope, lang: Lang) -> list[tuple[str, Callable[..., str], tuple]]:
    """The cards of a scope's pages in one language: (file, draw, arguments after the core)."""
    jobs = [(page_url_file(scope.url(lang)), home_card_svg, (scope, lang))]
    if images_limited(site):
        return jobs
    for topic in site.dataset.topics:
        jobs.append((page_url_file(scope.url(lang, "topics", topic.id)), topic_card_svg, (scope, topic.id, lang)))
    for district in scope.districts:
        jobs.append((page_url_file(page_url(lang, "districts", district.id)), district_card_svg, (district.id, lang)))
    for chart in site.charts[scope.group].values():
        jobs.append((page_url_file(scope.url(lang, "embed", chart.id)), chart_card_svg, (scope, chart, lang)))
    return jobs


def page_url_file(url: str) -> str:
    """The file of the card of the page at `url`."""
    return url.lstrip("/") + PREVIEW_FILE
