"""The real site's essentials: every page type in both languages, comparisons, traceable quotes, budgets."""

import html
import json
import math
import re
from collections import Counter
from xml.etree import ElementTree

import pytest
from test_journalists import first_load_bytes

from pipeline.builder import check_data
from pipeline.history import data_history
from pipeline.pages.core import CHANGES_PER_PAGE
from pipeline.paths import ProjectPaths

# A target's series name, by language and period, as the charts' legends give it.
UI_KIND = {
    "zh": {"2025": "2025年全年目标", "2025-H2": "2025年下半年目标"},
    "en": {"2025": "Target, full year 2025", "2025-H2": "Target, second half of 2025"},
}
PAGE_BUDGET = 80 * 1024  # gzip bytes on first load, before plotly.js (which loads only when a chart is touched)
DISTRICTS = {
    "haizhu": ("海珠区", "Haizhu District"),
    "yuexiu": ("越秀区", "Yuexiu District"),
    "liwan": ("荔湾区", "Liwan District"),
}


@pytest.fixture(scope="module")
def dataset():
    return check_data(ProjectPaths())


def read(site, relative: str) -> str:
    return (site / relative).read_text(encoding="utf-8")


def test_every_page_type_exists_in_both_languages(real_site, dataset):
    for prefix in ("", "en/"):
        assert (real_site / prefix / "index.html").is_file()
        assert (real_site / prefix / "about/index.html").is_file()
        for topic in dataset.topics:
            assert (real_site / prefix / "topics" / topic.id / "index.html").is_file()
        for district in dataset.districts:
            assert (real_site / prefix / "districts" / district.id / "index.html").is_file()
        for source in dataset.sources:
            assert (real_site / prefix / "sources" / source.id / "index.html").is_file()
        assert (real_site / prefix / "districts/haizhu/units/index.html").is_file()  # the lead-unit view
    assert (real_site / "404.html").is_file()


def test_every_topic_page_shows_the_three_districts_side_by_side(real_site, dataset):
    for topic in dataset.topics:
        for prefix in ("", "en/"):
            page = read(real_site, f"{prefix}topics/{topic.id}/index.html")
            columns = re.findall(r'<section class="compare-column" aria-labelledby="col-([a-z]+)">', page)
            assert columns == ["haizhu", "yuexiu", "liwan"], topic.id
            assert 'class="chart-plot' in page, f"{topic.id} has no chart"


def test_a_missing_figure_is_not_stated_and_an_h1_result_is_not_a_target(real_site):
    page = read(real_site, "en/topics/gdp/index.html")
    table = page[page.index('<table class="chart-table">') : page.index("</table>")]
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th>(.*?)</tr>', table, re.S))
    # Yuexiu's document states no annual GDP target: its target cell says so, its H1 result is apart.
    assert "Not stated" in rows["Yuexiu District"].split("</td>")[0]
    assert "2%" in rows["Yuexiu District"].split("</td>")[1] and "estimate" in rows["Yuexiu District"]


def test_a_source_misprint_is_quoted_as_printed_with_a_note_on_how_it_is_read(real_site, dataset):
    """Liwan's report prints 如意坊放射线个项目 with no count before 个: the quote keeps it, and the card says,
    in each language, that the number of projects is not stated; the downloads carry the note."""
    record = next(r for d in dataset.districts for r in d.records if r.id == "liwan-ruyifang-radial-expropriation")
    assert "放射线个项目" in record.quote and record.value is None
    for relative, note in (
        ("districts/liwan/index.html", record.note_zh),
        ("en/districts/liwan/index.html", record.note_en),
    ):
        page = read(real_site, relative)
        card = page[page.index('id="liwan-ruyifang-radial-expropriation"') :]
        card = card[: card.index("</article>")]
        assert '<p class="record-note">' in card and html.escape(note, quote=False) in card, relative
    assert record.note_en in read(real_site, "data/targets.csv")


def test_yuexius_65_storm_the_fortress_projects_are_its_second_half_task_with_what_its_text_leaves_unsaid(real_site):
    """Yuexiu's report says "统筹抓好 65 个“攻城拔寨”项目" without "市": the chart shows the 65 as a task for the
    second half, apart from Haizhu's and Liwan's targets for the year, and says what the text does not state."""
    # Each district's wording is quoted as written, its own quotes nested as single ones.
    cases = (
        ("zh", "", ["没有写“市”", "越秀区“‘攻城拔寨’项目”", "海珠区“市‘攻城拔寨’项目”"]),
        ("en", "en/", ["it does not write “city” (市)", "Yuexiu District “‘攻城拔寨’项目” (“Storm"]),
    )
    for lang, prefix, phrases in cases:
        page = read(real_site, f"{prefix}topics/investment/index.html")
        spec = json.loads(re.search(r'id="chart-data-city-key-projects">(.*?)</script>', page, re.S).group(1))
        haizhu, yuexiu, liwan = (DISTRICTS[d][lang == "en"] for d in ("haizhu", "yuexiu", "liwan"))
        drawn = {
            (trace["meta"], tuple(name.replace("<br>", " ") for name in trace["x"]), tuple(trace["y"]))
            for trace in spec["data"]
        }
        # Two series of targets (the year; the second half, dotted), no district "not stated"
        assert drawn == {("target", (haizhu, liwan), (56, 61)), ("target-h2", (yuexiu,), (65,))}
        assert [trace["name"] for trace in spec["data"]] == [UI_KIND[lang]["2025"], UI_KIND[lang]["2025-H2"]]
        assert not [note for note in spec["layout"]["annotations"] if note.get("xref") != "paper"]
        figure = page[page.index('id="chart-city-key-projects"') :]
        text = html.unescape(figure[: figure.index("</figure>")])
        assert all(phrase in text for phrase in phrases), lang


def test_every_record_is_reachable_with_its_quote(real_site, dataset):
    for district in dataset.districts:
        page = read(real_site, f"districts/{district.id}/index.html")
        for record in district.records:
            assert f'id="{record.id}"' in page
            assert f'href="/sources/{record.source}/#q-{record.id}"' in page
    for source in dataset.sources:
        page = read(real_site, f"sources/{source.id}/index.html")
        anchors = set(re.findall(r'<span id="q-([a-z0-9-]+)"></span>', page))
        cited = {r.id for d in dataset.districts for r in d.records if r.source == source.id}
        assert anchors == cited


def test_haizhu_records_show_task_numbers_and_lead_units(real_site):
    page = read(real_site, "districts/haizhu/index.html")
    assert "序号 83 · 牵头单位：" in page
    units = read(real_site, "districts/haizhu/units/index.html")
    assert "区人社局" in units and "琶洲管委会" in units


def test_a_result_is_shown_beside_its_target_without_a_computed_progress(real_site):
    page = read(real_site, "en/districts/yuexiu/index.html")
    card = page[page.index('id="yuexiu-h2-yaotai-households-signed"') :]
    card = card[: card.index("</article>")]
    assert "2,101 households" in card and "1,692 households" in card
    assert "%" not in card.split("record-quote")[0]  # no share of the target is invented


def test_no_asset_is_loaded_from_another_host(real_site):
    for page in real_site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for url in re.findall(r'(?:src|data-plotly)="([^"]+)"', text) + re.findall(
            r'<link rel="(?:stylesheet|icon)" href="([^"]+)"', text
        ):
            assert url.startswith("/") and not url.startswith("//"), (page, url)


def test_first_load_stays_within_budget(real_site):
    """Deterministic stand-in for the Lighthouse budget: compressed bytes a reader fetches before any chart is touched."""
    pages = [p.relative_to(real_site).as_posix() for p in real_site.rglob("index.html")]
    heaviest = max(pages, key=lambda p: first_load_bytes(real_site, p))
    assert first_load_bytes(real_site, heaviest) <= PAGE_BUDGET, heaviest
    assert first_load_bytes(real_site, "index.html") <= 20 * 1024


def test_search_engines_and_sharing(real_site, dataset):
    sitemap = ElementTree.parse(real_site / "sitemap.xml").getroot()
    entries = list(sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}url"))
    locs = [entry.find("{http://www.sitemaps.org/schemas/sitemap/0.9}loc").text for entry in entries]
    # The change log: each month on pages of its own, CHANGES_PER_PAGE entries to a page, the first
    # publication one entry.
    changes = data_history(ProjectPaths()).changes
    first = changes[-1].date
    per_month = Counter(change.date[:7] for change in changes if change.date > first) + Counter([first[:7]])
    change_pages = sum(math.ceil(count / CHANGES_PER_PAGE) for count in per_month.values())
    assert change_pages > len(per_month)  # a month of more entries than a page holds is on several
    pages_per_language = 3 + len(dataset.topics) + len(dataset.districts) + 1 + len(dataset.sources) + change_pages
    assert len(locs) == len(set(locs)) == 2 * pages_per_language
    assert sum("/en/" in loc for loc in locs) == pages_per_language
    for entry, loc in zip(entries, locs):  # each page names both its language versions, one of them itself
        alternates = {
            link.get("hreflang"): link.get("href") for link in entry.iter("{http://www.w3.org/1999/xhtml}link")
        }
        assert set(alternates) == {"zh-Hans", "en"} and loc in alternates.values()
        origin = "/".join(alternates["zh-Hans"].split("/")[:3])
        assert alternates["en"] == origin + "/en" + alternates["zh-Hans"][len(origin) :]
    changed = {entry.find("{http://www.sitemaps.org/schemas/sitemap/0.9}lastmod").text for entry in entries}
    assert changed == {data_history(ProjectPaths()).last_changed}  # the date of the data's last change
    not_found = read(real_site, "404.html")
    assert 'rel="canonical"' not in not_found and 'rel="alternate"' not in not_found
    assert 'class="citation"' not in not_found  # a page that has no address of its own is not cited
    assert "Sitemap: " in read(real_site, "robots.txt")
    page = read(real_site, "en/topics/ai/index.html")
    assert '<link rel="alternate" hreflang="zh-Hans" href="' in page
    assert '<meta property="og:title" content="Artificial intelligence">' in page
    assert "<title>Artificial intelligence · Guangzhou districts’ 2025 targets, side by side</title>" in page
