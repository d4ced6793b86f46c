"""The whole build on a scratch project: pages, honesty rules, determinism and all-or-nothing output."""

import json
import os
import pickle
import re
from xml.etree import ElementTree

import pytest

from pipeline import builder, downloads, load, parallel, render, write
from pipeline.builder import build_site
from pipeline.errors import DataErrors
from pipeline.models import Record
from pipeline.tables import derive_tables

SITE_URL = "https://example.org"


def read(site, relative: str) -> str:
    return (site / relative).read_text(encoding="utf-8")


def chart_spec(html: str, chart_id: str) -> dict:
    match = re.search(rf'<script type="application/json" id="chart-data-{chart_id}">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_builds_every_page_in_both_languages(project):
    build_site(project.paths)
    site = project.paths.site
    for prefix in ("", "en/"):
        for page in (
            "index.html",
            "about/index.html",
            "topics/gdp/index.html",
            "topics/ai/index.html",
            "districts/alpha/index.html",
            "districts/beta/index.html",
            "sources/alpha-tasks/index.html",
            "sources/beta-report/index.html",
        ):
            assert (site / prefix / page).is_file(), prefix + page
    assert (site / "404.html").is_file()
    assert '<html lang="zh-Hans">' in read(site, "index.html")
    assert '<html lang="en">' in read(site, "en/index.html")


def test_language_switch_keeps_the_reader_on_the_same_page(project):
    build_site(project.paths)
    zh = read(project.paths.site, "topics/gdp/index.html")
    en = read(project.paths.site, "en/topics/gdp/index.html")
    assert 'class="lang-switch" href="/en/topics/gdp/"' in zh
    assert 'class="lang-switch" href="/topics/gdp/"' in en


def test_figures_are_formatted_per_language(project):
    build_site(project.paths)
    assert "1.8万人" in read(project.paths.site, "topics/employment/index.html")
    assert "18,000 people" in read(project.paths.site, "en/topics/employment/index.html")


def test_a_district_without_a_figure_is_not_stated_never_zero(project):
    build_site(project.paths)
    html = read(project.paths.site, "topics/employment/index.html")
    spec = chart_spec(html, "new-urban-jobs")
    # Beta states nothing on jobs: no bar for it, a "not stated" note instead.
    assert [trace["x"] for trace in spec["data"]] == [["甲区"]]
    notes = [a for a in spec["layout"]["annotations"] if a.get("xref") != "paper"]
    assert [a["x"] for a in notes] == ["乙区"] and "所引文件未提及" in notes[0]["text"]
    # The unit is named once, above the axis, and not in each tick.
    assert [a["text"] for a in spec["layout"]["annotations"] if a.get("xref") == "paper"] == ["单位：人"]
    assert spec["layout"]["yaxis"]["ticktext"][-1] in ("2万", "2.5万", "3万")
    table = html[html.index('<table class="chart-table">') : html.index("</table>")]
    assert re.search(r"乙区</th>\s*<td><span class=\"not-stated\">未提及</span>", table)
    en = read(project.paths.site, "en/topics/ai/index.html")
    assert "The sourced documents say nothing on this topic." in en  # beta has no AI record


def test_a_first_half_result_is_never_shown_as_a_target(project):
    build_site(project.paths)
    spec = chart_spec(read(project.paths.site, "topics/gdp/index.html"), "gdp-growth")
    series = {trace["name"]: trace["x"] for trace in spec["data"]}
    assert series == {"2025年全年目标": ["甲区"], "2025年上半年结果": ["乙区"]}
    hatched = [t["name"] for t in spec["data"] if t["marker"]["pattern"]["shape"] == "/"]
    assert hatched == ["2025年上半年结果"]
    labels = {trace["name"]: trace["text"] for trace in spec["data"]}
    assert labels["2025年上半年结果"] == ["2%（预计）"]


def test_charts_do_not_capture_the_page_scroll(project):
    build_site(project.paths)
    spec = chart_spec(read(project.paths.site, "en/topics/gdp/index.html"), "gdp-growth")
    assert spec["layout"]["dragmode"] is False
    assert spec["layout"]["xaxis"]["fixedrange"] and spec["layout"]["yaxis"]["fixedrange"]
    assert spec["config"]["scrollZoom"] is False
    assert spec["data"][0]["hovertemplate"] == "%{customdata}<extra></extra>"
    assert spec["data"][0]["customdata"] == ["Alpha District · Target, full year 2025<br>5.5%"]


def test_the_static_chart_draws_each_bar_to_its_figure(project):
    """The SVG shown before plotly.js loads: each bar's height is its figure's share of the axis, to a
    tenth of a pixel, and its text takes size and colour from the <svg> unless they differ."""
    build_site(project.paths)
    html = read(project.paths.site, "topics/gdp/index.html")
    spec = chart_spec(html, "gdp-growth")
    svg = re.search(r'<div class="chart-plot[^"]*" data-chart="gdp-growth".*?(<svg.*?</svg>)', html, re.S).group(1)
    layout = spec["layout"]
    plot_height = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
    expected = [value / layout["yaxis"]["range"][1] * plot_height for trace in spec["data"] for value in trace["y"]]
    drawn = [float(h) for h in re.findall(r'<rect x="[^"]+%" y="[^"]+" width="[^"]+" height="([^"]+)"', svg)]
    assert len(drawn) == len(expected) == 2
    assert all(abs(d - e) <= 0.05 for d, e in zip(drawn, expected)), (drawn, expected)
    assert re.match(r'<svg [^>]*font-size="12" fill="#1a1a1a">', svg)
    assert "font-size" not in svg[svg.index(">") :] and "font-weight" not in svg
    assert re.search(r'<text x="[^"]+" y="[^"]+" text-anchor="middle">甲区</text>', svg)


def test_every_quote_links_to_its_highlighted_passage(project):
    build_site(project.paths)
    district = read(project.paths.site, "districts/alpha/index.html")
    assert 'href="/sources/alpha-tasks/#q-alpha-new-jobs"' in district
    source = read(project.paths.site, "sources/alpha-tasks/index.html")
    assert '<span id="q-alpha-new-jobs"></span>' in source
    # The highlighted passage spans the line break of the archived text.
    assert re.search(
        r'<a class="quoted" href="/districts/alpha/#alpha-ai-zone"><mark>建设人工智能\n  应用示范区。</mark></a>',
        source,
    )


def test_assets_are_self_hosted_under_hashed_names(project):
    build_site(project.paths)
    site = project.paths.site
    html = read(site, "topics/gdp/index.html")
    loaded = re.findall(r'(?:src|data-plotly)="([^"]+)"', html) + re.findall(
        r'<link rel="stylesheet" href="([^"]+)"', html
    )
    # style.css, site.js, charts.js, filters.js, and plotly.js when a chart comes into view
    assert len(loaded) == 5
    for url in loaded:
        assert re.fullmatch(r"/assets/(vendor/)?[a-z.-]+\.[0-9a-f]{10}\.(js|css)", url)
        assert (site / url.lstrip("/")).is_file()


def test_hostile_text_in_data_stays_inert(project):
    project.edit(
        "data/districts/alpha.yaml", "label_en: GDP growth", "label_en: GDP </script><script>alert(1)</script>"
    )
    # The chart's title is its metric's name (data/metrics.yaml).
    project.edit("data/metrics.yaml", "name_en: GDP growth", "name_en: GDP </script><script>alert(1)</script>")
    build_site(project.paths)
    html = read(project.paths.site, "en/topics/gdp/index.html")
    assert "<script>alert(1)" not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in html  # in the page text
    # In the chart's SVG file (and so its PNG), escaped as text: opened on its own, it runs nothing.
    svg = read(project.paths.site, "en/data/charts/gdp-growth.svg")
    assert "<script>alert(1)" not in svg and "<title>GDP &lt;/script&gt;&lt;script&gt;alert(1)" in svg


def test_a_records_card_is_the_same_on_its_district_and_topic_pages(project):
    """A card is made once per scope, record and language and shown on both pages (record_card, pipeline/pages/core.py):
    the same heading level on both, and the same links."""
    build_site(project.paths)
    for lang in ("", "en/"):
        district = read(project.paths.site, f"{lang}districts/alpha/index.html")
        topic = read(project.paths.site, f"{lang}topics/gdp/index.html")
        card = re.search(r'<article class="record[^"]*" id="alpha-gdp-growth">.*?</article>', district, re.S).group(0)
        assert card in topic and '<h3 class="record-label">' in card


def test_two_builds_are_byte_identical(project, tmp_path):
    build_site(project.paths)
    first = {p.relative_to(project.paths.site): p.read_bytes() for p in project.paths.site.rglob("*") if p.is_file()}
    build_site(project.paths)
    second = {p.relative_to(project.paths.site): p.read_bytes() for p in project.paths.site.rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_a_template_edited_between_two_builds_of_one_process_is_read_again(project):
    """`serve` keeps the Jinja environment between builds; a page's template, the one it extends and
    the macros it imports are each checked once a build."""
    build_site(project.paths)
    project.edit("templates/base.html", '<footer class="site-footer">', '<footer class="site-footer" data-edit="base">')
    project.edit("templates/macros.html", '<details class="record-quote">', '<details class="record-quote edited">')
    build_site(project.paths)
    page = read(project.paths.site, "districts/alpha/index.html")
    assert 'data-edit="base"' in page and '<details class="record-quote edited">' in page


def note_processes(monkeypatch, module, name: str, notes):
    """Wrap module.name so that each call notes its process id in the file `notes` (workers share no
    memory with the test); returns a function giving the ids noted."""
    function = getattr(module, name)

    def noting(*args):
        with notes.open("a") as note:
            note.write(f"{os.getpid()}\n")
        return function(*args)

    monkeypatch.setattr(module, name, noting)
    return lambda: set(notes.read_text().split())


def assert_made_by_workers(pids: set[str]) -> None:
    """The work ran in forked workers, not in this process (which does it all on a machine of one CPU)."""
    here = str(os.getpid())
    assert pids and (here not in pids if parallel.cpu_count() > 1 else pids == {here})


def test_a_site_made_by_worker_processes_is_the_site_made_by_one(project, monkeypatch):
    """A large site's pages and downloads are made by forked workers (parallel.py); the files must not
    depend on which process made them. Seen to fail when the workers lost the files of one run."""

    def built() -> dict:
        build_site(project.paths)
        return {p.relative_to(project.paths.site): p.read_bytes() for p in project.paths.site.rglob("*") if p.is_file()}

    one_process = built()
    monkeypatch.setattr(write, "PARALLEL_FROM", 1)
    monkeypatch.setattr(write, "PAGES_PER_TASK", 3)  # several runs per worker
    monkeypatch.setattr(write, "DOWNLOADS_PER_TASK", 2)
    processes = note_processes(monkeypatch, write, "_written_pages", project.root / "renderers.txt")
    download_writers = note_processes(monkeypatch, write, "_written_downloads", project.root / "downloads.txt")
    workers = built()
    assert_made_by_workers(processes())
    assert_made_by_workers(download_writers())  # the chart CSVs and the data package
    assert workers.keys() == one_process.keys()
    assert [name for name in workers if workers[name] != one_process[name]] == []


def test_downloads_made_in_parts_are_the_downloads_made_whole(project, monkeypatch):
    """targets.csv and targets.json are made in parts of downloads.ROWS_PER_PART records, written one after
    another (a large site's would otherwise be held whole, twice over): the files must be the same."""
    build_site(project.paths)
    whole = {name: (project.paths.site / "data" / name).read_bytes() for name in ("targets.csv", "targets.json")}
    monkeypatch.setattr(downloads, "ROWS_PER_PART", 1)
    monkeypatch.setattr(write, "PARALLEL_FROM", 1)  # parts made by several workers, written in order
    build_site(project.paths)
    assert len(downloads.targets_parts(lambda *args: b"", *_dataset_and_tables(project))) > 2
    for name, content in whole.items():
        assert (project.paths.site / "data" / name).read_bytes() == content, name


@pytest.mark.parametrize("parallel_load", [False, True])
def test_records_share_the_values_they_repeat(project, monkeypatch, parallel_load):
    """A value written in record after record (a kind, a unit, a source id) is one object: a national
    edition's 180,000 records took 280 MB more memory without. Also when the files are parsed by
    workers, whose results come back pickled."""
    monkeypatch.setattr(load, "PARALLEL_LOAD_FROM", 1 if parallel_load else 10**9)
    records = [record for district in builder.check_data(project.paths).districts for record in district.records]
    for field in ("kind", "period", "unit", "source"):
        values = [getattr(record, field) for record in records]
        assert len(set(values)) < len(values), field  # the scratch project repeats each
        assert len({id(value) for value in values}) == len(set(values)), field


def test_records_written_alike_share_their_set_of_fields():
    """pydantic gives each model a set of the fields written; records written alike share one, also once
    pickled by a worker (a large site's 180,000 records took 180 MB more memory without)."""
    written = {
        "id": "alpha-gdp",
        "topic": "gdp",
        "kind": "target",
        "period": "2025",
        "label_zh": "地区生产总值增长",
        "label_en": "GDP growth",
        "summary_en": "Grow GDP by 6%.",
        "quote": "地区生产总值增长6%。",
        "source": "alpha-2025",
    }
    alike = [Record.model_validate(dict(written, id=f"alpha-gdp-{n}")) for n in range(3)]
    other = Record.model_validate(dict(written, task_no=1))
    for records in (alike, pickle.loads(pickle.dumps(alike))):
        assert len({id(record.__pydantic_fields_set__) for record in records}) == 1
        assert records[0].model_fields_set == set(written)
    assert other.model_fields_set == set(written) | {"task_no"}


def _dataset_and_tables(project):
    dataset = builder.check_data(project.paths)
    return dataset, derive_tables(dataset)


def test_files_parsed_by_worker_processes_give_the_same_errors(project, monkeypatch):
    """Hundreds of district files, and then the lists too, are parsed by forked workers
    (load.load_project); every message, with its line and column, must be the one a single process
    gives. Seen to fail when the workers' files came back without their text (from which a message
    finds its line)."""
    project.edit("data/districts/alpha.yaml", "    value: 18000\n", "    value: 1.8万\n")
    project.edit("data/districts/beta.yaml", "id: beta\n", "id: beta\nid: beta\n")
    project.edit(
        "data/sources.yaml",
        "  title_en: Beta district mid-year report\n",
        "  title_en: Beta district mid-year report\n  title_en: again\n",
    )
    project.edit("data/topics.yaml", "  description_en: AI.\n", "  description_en: AI.\n  colour: red\n")

    def messages() -> list[str]:
        with pytest.raises(DataErrors) as failure:
            build_site(project.paths)
        return [str(e) for e in failure.value.errors]

    one_process = messages()
    monkeypatch.setattr(load, "PARALLEL_LOAD_FROM", 1)
    monkeypatch.setattr(load, "FILES_PER_TASK", 1)
    processes = note_processes(monkeypatch, load, "_load_run", project.root / "parsers.txt")
    assert len(one_process) >= 4 and messages() == one_process
    assert any("sources.yaml" in m for m in one_process) and any("topics.yaml" in m for m in one_process)
    assert_made_by_workers(processes())


def test_a_failed_build_leaves_the_previous_site_untouched(project):
    build_site(project.paths)
    site = project.paths.site
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    project.edit("data/districts/alpha.yaml", "    value: 18000\n", "    value: 1.8万\n")
    with pytest.raises(DataErrors):
        build_site(project.paths)
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    # No staging or retired folder is left beside site/.
    assert sorted(p.name for p in site.parent.iterdir()) == ["assets", "content", "data", "site", "templates"]


def test_a_sitemap_past_the_protocols_limit_becomes_an_index(project, monkeypatch):
    """One sitemap file may list 50,000 pages: past that, sitemap.xml indexes files that list them all."""
    monkeypatch.setenv("SITE_URL", SITE_URL)
    build_site(project.paths)
    one_file = sitemap_locs(project.paths.site / "sitemap.xml", "url")
    monkeypatch.setattr(render, "SITEMAP_URLS_MAX", 4)
    build_site(project.paths)
    index = sitemap_locs(project.paths.site / "sitemap.xml", "sitemap")
    parts = [f"{SITE_URL}/sitemap-{n}.xml" for n in range(1, len(index) + 1)]
    assert len(one_file) > 8 and index == parts
    listed = [sitemap_locs(project.paths.site / part.rsplit("/", 1)[1], "url") for part in parts]
    assert all(1 <= len(locs) <= 4 for locs in listed)
    assert [loc for locs in listed for loc in locs] == one_file
    assert f"Sitemap: {SITE_URL}/sitemap.xml" in read(project.paths.site, "robots.txt")


def sitemap_locs(file, entry: str) -> list[str]:
    """The addresses a sitemap (entry "url") or sitemap index (entry "sitemap") lists, in order."""
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    root = ElementTree.parse(file).getroot()
    assert root.tag == namespace + ("urlset" if entry == "url" else "sitemapindex")
    return [element.find(namespace + "loc").text for element in root.iter(namespace + entry)]
