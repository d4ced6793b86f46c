"""A site of several cities: each city's districts are compared with each other, never with every district.

The real site names no city and is built as one group (tests/test_expected_site.py
keeps it byte for byte); these tests give the scratch project's two districts a
city each and add a third beside beta.
"""

import csv
import io
import json
import re
import textwrap

import pytest

from pipeline import charts
from pipeline.builder import build_site
from pipeline.errors import DataErrors
from pipeline.pages import core as pages_core

CITIES = """\
    - id: north
      name_zh: 北市
      name_en: North City
    - id: south
      name_zh: 南市
      name_en: South City
    """

GAMMA = """\
    id: gamma
    name_zh: 丙区
    name_en: Gamma District
    order: 3
    city: south
    records:
      - id: gamma-gdp-growth
        topic: gdp
        kind: target
        period: "2025"
        metric: gdp-growth
        measure: growth
        value: 6
        unit: percent
        bound: exact
        label_zh: 地区生产总值增长
        label_en: GDP growth
        summary_en: Grow GDP by 6%.
        quote: 地区生产总值增长6%。
        source: gamma-tasks
    """

GAMMA_SOURCE = """\
    - id: gamma-tasks
      district: gamma
      kind: task-list
      title_zh: 丙区2025年重点工作
      title_en: Gamma district key tasks for 2025
      period_zh: 2025年目标
      period_en: Targets for 2025
      archive: gamma-tasks.txt
    """


@pytest.fixture
def cities(project):
    """alpha in North City; beta and gamma in South City."""
    project.write("data/cities.yaml", CITIES)
    project.edit("data/districts/alpha.yaml", "order: 1\n", "order: 1\ncity: north\n")
    project.edit("data/districts/beta.yaml", "order: 2\n", "order: 2\ncity: south\n")
    project.write("data/districts/gamma.yaml", GAMMA)
    with open(project.root / "data/sources.yaml", "a", encoding="utf-8") as sources:
        sources.write(textwrap.dedent(GAMMA_SOURCE))
    project.write("data/sources/gamma-tasks.txt", "丙区2025年重点工作\n1\t地区生产总值增长6%。\n", dedent=False)
    return project


def read(site, relative: str) -> str:
    return (site / relative).read_text(encoding="utf-8")


def chart_spec(html: str, chart_id: str) -> dict:
    match = re.search(rf'<script type="application/json" id="chart-data-{chart_id}">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_each_city_compares_its_own_districts(cities):
    build_site(cities.paths)
    site = cities.paths.site
    south = chart_spec(read(site, "cities/south/topics/gdp/index.html"), "gdp-growth")
    assert sorted(x for trace in south["data"] for x in trace["x"]) == ["丙区", "乙区"]
    north = chart_spec(read(site, "en/cities/north/topics/gdp/index.html"), "gdp-growth")
    assert [trace["x"] for trace in north["data"]] == [["Alpha District"]]
    embed = read(site, "cities/south/embed/gdp-growth/index.html")
    assert "丙区" in embed and "甲区" not in embed
    rows = list(csv.DictReader(io.StringIO(read(site, "data/cities/south/charts/gdp-growth.csv").lstrip("\ufeff"))))
    assert [row["district"] for row in rows] == ["beta", "gamma"]
    package = json.loads(read(site, "data/datapackage.json"))
    assert "cities/north/charts/gdp-growth.csv" in [r["path"] for r in package["resources"]]


def test_the_home_and_topic_pages_lead_to_each_city(cities):
    build_site(cities.paths)
    site = cities.paths.site
    home = read(site, "index.html")
    assert '<a href="/cities/north/">北市</a>' in home and '<a href="/cities/south/">南市</a>' in home
    assert '<a href="/districts/gamma/">丙区</a>' in home
    topic = read(site, "en/topics/gdp/index.html")
    assert '<a href="/en/cities/south/topics/gdp/">South City</a>' in topic
    # A district's page links to its own city's topic pages.
    assert 'href="/cities/north/topics/gdp/"' in read(site, "districts/alpha/index.html")


def test_the_about_page_counts_records_per_topic_for_the_site_and_per_city_in_rows(cities):
    """A column per city and kind would make hundreds of columns for a site of 3,000 districts."""
    build_site(cities.paths)
    about = read(cities.paths.site, "en/about/index.html")
    topic_table, city_table = re.findall(r"<table.*?</table>", about, re.S)
    assert '<th scope="colgroup" colspan="3">All cities</th>' in topic_table
    assert "North City" not in topic_table and "Alpha District" not in topic_table + city_table
    gdp = re.search(r'<tr><th scope="row"><a href="/en/topics/gdp/">.*?</tr>', topic_table).group(0)
    assert re.findall(r"<td>(\d+)</td>", gdp) == ["2", "1", "0"]  # alpha's and gamma's targets, beta's result
    rows = re.findall(r'<tr><th scope="row"><a href="(/en/cities/[a-z]+/)">([^<]+)</a></th>(.*?)</tr>', city_table)
    assert [(url, name, re.findall(r"<td>(\d+)</td>", cells)) for url, name, cells in rows] == [
        ("/en/cities/north/", "North City", ["2", "0", "1"]),
        ("/en/cities/south/", "South City", ["1", "1", "0"]),
    ]


def test_every_internal_link_of_a_city_site_resolves(cities):
    build_site(cities.paths)
    site = cities.paths.site
    broken = set()
    for page in site.rglob("*.html"):
        for href in re.findall(r'(?:href|src)="(/[^"#?]*)', page.read_text(encoding="utf-8")):
            target = site / href.lstrip("/")
            if not (target / "index.html" if href.endswith("/") else target).is_file():
                broken.add((page.relative_to(site).as_posix(), href))
    assert broken == set()


def test_every_district_names_a_city_or_none(cities):
    cities.edit("data/districts/beta.yaml", "city: south\n", "")
    with pytest.raises(DataErrors) as caught:
        build_site(cities.paths)
    assert [str(e) for e in caught.value.errors] == [
        "data/districts/beta.yaml:1:1: city: this district names no city, but others do"
        " — add 'city: <id>' with an id from data/cities.yaml: every district names its city, or none"
    ]


def test_an_unknown_city_is_named_where_it_is_written(cities):
    cities.edit("data/districts/gamma.yaml", "city: south\n", "city: sooth\n")
    with pytest.raises(DataErrors) as caught:
        build_site(cities.paths)
    assert [str(e) for e in caught.value.errors] == [
        "data/districts/gamma.yaml:5:7: city: unknown city 'sooth' — did you mean 'south'?"
    ]


def test_a_city_site_converts_each_citys_records_and_draws_its_charts_once(cities, monkeypatch):
    """A site of several cities keeps one city's record rows and chart figures at a time: the pages come city by
    city, so each city's rows are converted once and each chart drawn once per language. Pages that
    interleaved cities would convert a city's rows again each time it came back."""
    converted, drawn = [], []
    index_rows = pages_core.index_rows
    monkeypatch.setattr(
        pages_core, "index_rows", lambda site, scope: converted.append(scope.group) or index_rows(site, scope)
    )
    figure = charts.Chart.figure
    monkeypatch.setattr(
        charts.Chart, "figure", lambda chart, lang: drawn.append((chart.group, chart.id, lang)) or figure(chart, lang)
    )
    build_site(cities.paths)
    assert sorted(converted) == ["north", "south"]
    assert drawn and len(drawn) == len(set(drawn))
    assert {group for group, _, _ in drawn} == {"north", "south"}
