"""One count of a district's records in a topic, on every page that shows one.

The rule (data/README.md): the records filed under the topic plus those tagged with it, each once.
The expected counts are computed here from the district files alone; each page's count is read from
the built HTML, the downloads and, for the district page's topic filter, a real Chromium.

Seen to fail: before the rule was one, Haizhu × AI was 23 on the district page's filter and in the
about page's table, and 34 on the topic page.
"""

import csv
import io
import json
import re
from collections import Counter

import pytest
from browser import open_page

from pipeline.builder import check_data
from pipeline.paths import ProjectPaths

KINDS = ("target", "actual", "no-figure")


@pytest.fixture(scope="module")
def dataset():
    return check_data(ProjectPaths())


@pytest.fixture(scope="module")
def expected(dataset) -> Counter:
    """(district, topic) → records filed under the topic or tagged with it."""
    counts: Counter = Counter()
    for district in dataset.districts:
        for record in district.records:
            for topic in {record.topic, *record.tags}:
                counts[district.id, topic] += 1
    return counts


def read(site, relative: str) -> str:
    return (site / relative).read_text(encoding="utf-8")


def cells(row_html: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", row_html, re.S)


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_topic_pages_show_each_districts_count(real_site, dataset, expected, prefix):
    for topic in dataset.topics:
        html = read(real_site, f"{prefix}topics/{topic.id}/index.html")
        columns = re.findall(
            r'<section class="compare-column" aria-labelledby="col-([a-z-]+)">(.*?)</section>', html, re.S
        )
        assert [d for d, _ in columns] == [d.id for d in dataset.districts]
        for district, column in columns:
            assert column.count('<article class="record') == expected[district, topic.id], (topic.id, district)


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_district_pages_topic_filter_counts(real_site, dataset, expected, prefix):
    for district in dataset.districts:
        html = read(real_site, f"{prefix}districts/{district.id}/index.html")
        select = re.search(r'<select id="filter-topic".*?</select>', html, re.S).group(0)
        options = dict(re.findall(r'<option value="([a-z-]+)"[^>]*>[^<]*\((\d+)\)</option>', select))
        shown = {
            topic.id: expected[district.id, topic.id] for topic in dataset.topics if expected[district.id, topic.id]
        }
        assert {k: int(v) for k, v in options.items()} == shown, district.id


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_the_about_table_counts_topics_by_the_same_rule_and_totals_each_record_once(
    real_site, dataset, expected, prefix
):
    html = read(real_site, f"{prefix}about/index.html")
    table = re.search(r'<table class="coverage counts">.*?</table>', html, re.S).group(0)
    rows = re.findall(r'<tr><th scope="row"><a href="[^"]*/topics/([a-z-]+)/">.*?</tr>', table, re.S)
    bodies = re.findall(r'<tr><th scope="row"><a href="[^"]*/topics/[a-z-]+/">(.*?)</tr>', table, re.S)
    assert rows == [t.id for t in dataset.topics]
    for topic_id, body in zip(rows, bodies):
        numbers = [int(n) for n in cells(body)]
        per_district = [sum(numbers[i : i + len(KINDS)]) for i in range(0, len(numbers), len(KINDS))]
        assert per_district == [expected[d.id, topic_id] for d in dataset.districts], topic_id
    totals = [int(n) for n in cells(re.search(r"<tfoot>(.*?)</tfoot>", table, re.S).group(1))]
    assert [sum(totals[i : i + len(KINDS)]) for i in range(0, len(totals), len(KINDS))] == [
        len(d.records) for d in dataset.districts
    ]


def test_count_charts_and_their_downloads(real_site, dataset, expected):
    for topic in dataset.topics:
        rows = list(csv.DictReader(io.StringIO(read(real_site, f"data/charts/{topic.id}--items.csv").lstrip("\ufeff"))))
        items = Counter()
        for row in rows:
            items[row["district"]] += int(row["items"])
        assert items == Counter({d.id: expected[d.id, topic.id] for d in dataset.districts if expected[d.id, topic.id]})
        html = read(real_site, f"embed/{topic.id}--items/index.html")
        figure = json.loads(
            re.search(rf'id="chart-data-{re.escape(topic.id)}--items">(.*?)</script>', html, re.S).group(1)
        )
        names = {d.name_zh: d.id for d in dataset.districts}
        drawn = Counter()
        for trace in figure["data"]:
            for name, n in zip(trace["y"], trace["x"]):
                drawn[names[re.sub(r"<br>|\s", "", name)]] += n or 0
        assert +drawn == items, topic.id


def test_the_downloads_reproduce_every_count_by_the_documented_rule(real_site, dataset, expected):
    counts: Counter = Counter()
    for row in csv.DictReader(io.StringIO(read(real_site, "data/targets.csv").lstrip("\ufeff"))):
        tags = [t for t in row["tags"].split("; ") if t]
        for topic in {row["topic"], *tags}:
            counts[row["district"], topic] += 1
    assert counts == expected


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_the_home_coverage_table_says_not_stated_exactly_where_the_count_is_zero(real_site, dataset, expected, prefix):
    html = read(real_site, f"{prefix}index.html")
    table = re.search(r'<table class="coverage stacked".*?</table>', html, re.S).group(0)
    for topic_id, body in re.findall(
        r'<tr><th scope="row"><a href="[^"]*/topics/([a-z-]+)/">.*?</th>(.*?)</tr>', table, re.S
    ):
        levels = re.findall(r'class="level-([a-z-]+)"', body)
        assert [level == "not-stated" for level in levels] == [
            expected[d.id, topic_id] == 0 for d in dataset.districts
        ], topic_id


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_the_home_pages_standing_counts_the_same(real_site, dataset, expected, prefix):
    html = read(real_site, f"{prefix}index.html")
    table = re.search(r'<table class="glance stacked standing".*?</table>', html, re.S).group(0)
    rows = re.findall(r'<tr><th scope="row"><a href="[^"]*/topics/([a-z-]+)/">.*?</th>(.*?)</tr>', table, re.S)
    assert [topic for topic, _ in rows] == [t.id for t in dataset.topics if t.highlights]
    for topic_id, body in rows:
        shown = []
        for cell in cells(body):
            count = re.search(r'class="glance-count"[^>]*>\D*(\d+)', cell)
            shown.append(int(count.group(1)) if count else 0)
        assert shown == [expected[d.id, topic_id] for d in dataset.districts], topic_id


def test_the_district_filter_shows_the_same_count_in_a_browser(browser_contexts, real_server, dataset, expected):
    tab, watch = open_page(browser_contexts.get(390), real_server.url, "/districts/haizhu/?topic=ai")
    try:
        shown = tab.locator("article.record:visible")
        assert shown.count() == expected["haizhu", "ai"]
        assert str(expected["haizhu", "ai"]) in tab.locator(".filter-status").inner_text()
        # The tagged ones stay in their own topic's section, and say they are tagged.
        sections = tab.locator("section[data-topic]:visible").evaluate_all("els => els.map(e => e.dataset.topic)")
        assert "ai" in sections and len(sections) > 1
        for card in tab.locator("section[data-topic]:not([data-topic=ai]) article.record:visible").all():
            assert "ai" in card.get_attribute("data-tags").split()
            assert "人工智能" in card.locator(".record-kind").inner_text()
        assert watch.problems == []
    finally:
        tab.close()


@pytest.mark.parametrize(("district", "topic"), [("haizhu", "ai"), ("liwan", "ai"), ("yuexiu", "low-altitude")])
def test_the_search_pages_filters_count_the_same(browser_contexts, real_server, expected, district, topic):
    """Search by a district and a topic (Pagefind's filters): its count and the topic choice's count."""
    tab, watch = open_page(browser_contexts.get(390), real_server.url, f"/search/?district={district}&topic={topic}")
    try:
        tab.wait_for_function("() => /\\d/.test(document.querySelector('.search-status')?.textContent || '')")
        status = tab.locator(".search-status").inner_text()
        assert re.search(rf"{expected[district, topic]} 条", status), status
        option = tab.locator(f"#search-topic option[value={topic}]").inner_text()
        assert option.endswith(f"({expected[district, topic]})"), option
        assert watch.problems == []
    finally:
        tab.close()
