"""The charts of the comparison pages, as each page shows them: the Plotly JSON, the static SVG, the
table of the same figures, the share box's embed code and links, and the chart's SVG file.

A chart's view is made once per chart and language, and shown on its topic page, its embed page
and perhaps the home page.
"""

from collections import defaultdict

from markupsafe import Markup

from .. import formatting
from ..assets import PLOTLY_JS
from ..chart_svg import chart_svg, standalone_svg
from ..charts import Chart, items_chart_id
from ..downloads import RELEASES
from ..embed_size import start_height
from ..languages import Lang, in_lang
from ..png_images import fallback_lines_in_cjk_font, svg_fonts
from ..tables import ITEM_KINDS, SERIES_ORDER, ComparisonRow
from ..templating import Fields, figure_filter
from . import core
from .core import Scope, SiteCore, citation, documents_text, images_limited, record_url, scope_cache, script_json

# What charts.js says and offers once a reader reaches for the chart.
SCRIPT_STRINGS = ("chart_loading", "chart_failed", "png_button", "svg_button")


def chart_view(site: SiteCore, scope: Scope, chart: Chart, lang: Lang) -> Fields:
    """A chart's JSON, the table carrying the same figures without JavaScript, and its share links.

    Built once per chart and language: a chart is shown on its topic page, its embed page and
    perhaps the home page.
    """
    views = scope_cache(site, scope).chart_views
    if (chart.id, lang) not in views:
        views[chart.id, lang] = _chart_view(site, scope, chart, lang)
    return views[chart.id, lang]


def topic_charts(site: SiteCore, scope: Scope, topic_id: str, lang: Lang) -> list[Fields]:
    """A topic's comparison charts, in the order of data/metrics.yaml (its editors put first what a reader
    looks for first: investment's growth before its count of projects); a topic with none shows its count
    of items."""
    charts = site.charts[scope.group]
    order = {m.id: i for i, m in enumerate(site.dataset.metrics)}
    compared = [c for c in charts.values() if c.kind == "comparison" and c.topic == topic_id]
    compared.sort(key=lambda c: order.get(c.id, len(order)))  # stable: metrics without a definition keep id order
    views = [chart_view(site, scope, c, lang) for c in compared]
    if not views:
        views.append(chart_view(site, scope, charts[items_chart_id(topic_id)], lang))
    return views


def short_sources(site: SiteCore, lang: Lang, sources) -> str:
    """The source documents by district and kind, for an embed's one-line source: 海珠区重点工作任务分工表、…"""
    if len(sources) > core.NAMED_SOURCES_MAX:  # read at call time, as documents_text does
        return documents_text(site, lang, sources)
    joiner, between = ("", "、") if lang == "zh" else (" ", ", ")
    return between.join(
        in_lang(site.districts[s.district], "name", lang) + joiner + site.ui[f"source_short_{s.kind}"][lang]
        for s in sources
    )


def data_line(site: SiteCore, lang: Lang) -> str:
    """ "数据截至 <date>" / "Data as of <date>"; "<date>版本" / "Version of <date>" for a release's core;
    empty without a history."""
    if site.release:
        return site.ui["release_version"][lang].format(date=site.release)
    return site.t[lang]["data_updated_line"] + site.data_updated if site.data_updated else ""


def embed_url(scope: Scope, lang: Lang, chart_id: str, release: str | None = None) -> str:
    """A chart's embed address: /embed/<id>/, always the latest figures; /embed/<id>/<date>/, pinned to
    the release of that date."""
    return scope.url(lang, "embed", chart_id, *([release] if release else []))


def _chart_view(site: SiteCore, scope: Scope, chart: Chart, lang: Lang) -> Fields:
    cells = _comparison_cells if chart.kind == "comparison" else _items_cells
    series, rows = cells(site, scope, chart, lang)
    topic_url = scope.url(lang, "topics", chart.topic)
    svg_url = "/" + chart.svg_path(lang)
    # A limited site (pages/images.py) has PNG files of its headline charts only.
    headline = chart.definition is not None and chart.definition.headline
    png_url = svg_url.removesuffix(".svg") + ".png" if headline or not images_limited(site) else None
    definition, wording = _definition(site, scope, chart, lang)
    figure = chart.figure(lang)
    figure["strings"] = {key: site.t[lang][key] for key in SCRIPT_STRINGS}
    figure["svg_url"] = svg_url
    figure["png_url"] = png_url
    # A release's core (site.release) makes the view of a pinned embed: its figures and downloads are
    # that release's, and it links to the latest embed; there is no SVG file of a release.
    release = site.release
    view = Fields(
        id=chart.id,
        kind=chart.kind,
        title=chart.titles[lang],
        json=script_json(figure),
        svg=Markup(chart_svg(figure, chart.id)),
        legend=[Fields(name=trace["name"], kind=trace["meta"]) for trace in figure["data"]],
        height=figure["layout"]["height"],
        series=series,
        rows=rows,
        embed_url=embed_url(scope, lang, chart.id, release),
        latest_url=embed_url(scope, lang, chart.id) if release else None,
        csv_url=f"/{RELEASES}/{release}/{chart.csv_path}" if release else f"/data/{chart.csv_path}",
        svg_url=None if release else svg_url,
        png_url=None if release else png_url,
        topic_url=topic_url,
        short_sources=short_sources(site, lang, scope.sources),
        data_line=data_line(site, lang),
        citation=citation(site, lang, chart.titles[lang], topic_url, scope.sources),
        definition=definition,
        definition_lead=_lead_sentence(definition, lang) if definition else None,
        wording=wording,
    )
    if not release:
        view["embed_code"] = _embed_code(site, view, lang)
        view["pinned_label"], view["pinned_code"] = _pinned_code(site, scope, view, lang)
        view["image"] = _chart_image(site, view, figure, lang)
    # The plot and its table, the same on the topic, embed and home pages, are made once.
    view["plot"] = site.macros.chart_plot(view=view, plotly_src=site.assets[PLOTLY_JS].url)
    view["table"] = site.macros.chart_table(view=view, lang=lang, t=site.t[lang])
    return view


def _embed_code(
    site: SiteCore, view: Fields, lang: Lang, url: str | None = None, links: list[str] | None = None
) -> str:
    """The share box's iframe, as high as the embed is at its start (embed_size), and embed.js: of the
    latest embed, or of the embed at `url` whose links line reads `links`."""
    t = site.t[lang]
    links = links or [view.data_line, t["get_the_data"], "SVG", t["full_comparison"]]
    height = start_height(
        view.title,
        view.height,
        [item["name"] for item in view.legend],
        t["items_chart_note_short"] if view.kind == "items" else None,
        " · ".join(filter(None, links)),
        t["embed_more"],
        sources=t["source_line"] + view.short_sources + t["full_stop"],
        definition=_visible_definition(view, t),
    )
    return (
        f'<iframe src="{site.site_url}{url or view.embed_url}" title="{view.title} · {site.ui["site_title"][lang]}" '
        f'width="100%" height="{height}" style="border:0;width:100%" loading="lazy" '
        f"data-district-targets-embed></iframe>\n"
        f'<script src="{site.site_url}/embed.js" async></script>'
    )


def _pinned_code(site: SiteCore, scope: Scope, view: Fields, lang: Lang) -> tuple[str | None, str | None]:
    """The share box's label and embed code fixed to the latest release (/embed/<id>/<date>/); None and
    None where that release has no such chart or there is no release."""
    date = site.latest_release
    url = embed_url(scope, lang, view.id, date) if date else None
    if url not in site.pinned_embeds:
        return None, None
    t = site.t[lang]
    version = site.ui["release_version"][lang].format(date=date)
    links = [version, t["latest_version"], t["get_the_data"], t["full_comparison"]]
    return site.ui["embed_code_pinned"][lang].format(date=date), _embed_code(site, view, lang, url, links)


def _visible_definition(view: Fields, t) -> str | None:
    """The definition line an embed shows under its chart, as embed.html writes it; None for none."""
    return t["metric_definition"] + t["colon"] + view.definition_lead if view.definition_lead else None


def _chart_image(site: SiteCore, view: Fields, figure: dict, lang: Lang) -> bytes:
    """The chart's SVG file, drawn from the same figure, with its definition, sources, date, and the site's
    name and address inside (its PNG file is the same drawing)."""
    t = site.t[lang]
    footer = [
        *([t["metric_definition"] + t["colon"] + view.definition] if view.definition else []),
        t["source_line"] + view.short_sources + t["full_stop"],
        " · ".join(filter(None, [view.data_line, t["licence_line"]])),
        t["site_title"] + " · " + site.site_url + view.topic_url,
    ]
    svg = standalone_svg(figure, view.id, view.title, footer, svg_fonts(lang))
    return fallback_lines_in_cjk_font(svg.decode("utf-8"), lang).encode("utf-8")


def _comparison_cells(site: SiteCore, scope: Scope, chart: Chart, lang: Lang) -> tuple[list[str], list[Fields]]:
    rows = site.tables.groups[scope.group].comparisons[chart.id]
    present = {(r.kind, r.period) for r in rows}
    series = [s for s in SERIES_ORDER if s in present]
    own: dict[str, list[ComparisonRow]] = defaultdict(list)
    for row in rows:
        own[row.district].append(row)
    table = []
    for district in scope.districts:
        cells = []
        for kind, period in series:
            match = [r for r in own[district.id] if r.kind == kind and r.period == period]
            cells.append(
                Fields(text=figure_filter(match[0], lang), url=record_url(lang, match[0]), estimate=match[0].estimate)
                if match
                else None
            )
        table.append(Fields(district=district, cells=cells))
    return [formatting.kind_label(k, p, False, site.t[lang]) for k, p in series], table


def _items_cells(site: SiteCore, scope: Scope, chart: Chart, lang: Lang) -> tuple[list[str], list[Fields]]:
    counts = site.tables.groups[scope.group].topic_counts[chart.topic]
    # A district with no record on the topic is "not stated" here as in the chart, never a row of zeros.
    rows = [
        Fields(
            district=d,
            cells=[Fields(text=str(counts[(d.id, k)]), url=None) for k in ITEM_KINDS]
            if any(counts[(d.id, k)] for k in ITEM_KINDS)
            else [None] * len(ITEM_KINDS),
        )
        for d in scope.districts
    ]
    return [site.ui[f"item_kind_{k}"][lang] for k in ITEM_KINDS], rows


def _definition(site: SiteCore, scope: Scope, chart: Chart, lang: Lang) -> tuple[str | None, str | None]:
    """What the chart's metric measures (data/metrics.yaml), and, where the districts' documents word
    it differently, each district's wording as written (with ours in English) and whether they can
    fairly be compared; None for what is not given."""
    if chart.definition is None:
        return None, None
    definition = in_lang(chart.definition, "definition", lang)
    rows = scope_cache(site, scope).rows.by_id
    labels: dict[str, list] = defaultdict(list)
    for row in site.tables.groups[scope.group].comparisons[chart.id]:
        if not row.stated:
            continue
        record = rows[row.id]
        if (record.label_zh, record.label_en) not in labels[record.district]:
            labels[record.district].append((record.label_zh, record.label_en))
    if len({zh for own in labels.values() for zh, _ in own}) < 2 or not chart.definition.comparability_zh:
        return definition, None
    t = site.t[lang]
    named = []
    for district in scope.districts:
        if district.id in labels:
            written = " / ".join(
                f"“{_nested(zh)}”" if lang == "zh" else f"“{_nested(zh)}” ({en})" for zh, en in labels[district.id]
            )
            named.append(in_lang(district, "name", lang) + (" " if lang == "en" else "") + written)
    wording = (
        t["documents_wording"]
        + t["colon"]
        + t["list_separator"].join(named)
        + t["full_stop"]
        + (" " if lang == "en" else "")
        + in_lang(chart.definition, "comparability", lang)
    )
    return definition, wording


def _lead_sentence(text: str, lang: Lang) -> str:
    """A definition's first sentence, what is measured, which an embed shows under its chart on two lines
    at most; the whole definition is one tap away."""
    end = text.find("。") + 1 if lang == "zh" else text.find(". ") + 1
    return text[:end] if end > 0 else text


def _nested(label: str) -> str:
    """A label quoted inside our quotes: its own double quotes become single ones (“市‘攻城拔寨’项目”)."""
    return label.replace("“", "‘").replace("”", "’")
