"""What a chart compares, what changed and when: metric definitions, the change log and its feeds, dated
embeds and the past releases of the downloads, on scratch projects with a git history of their own
and on the real site."""

import csv
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from xml.etree import ElementTree

import pytest

from pipeline.builder import build_site, check_data
from pipeline.errors import DataErrors
from pipeline.history import data_history
from pipeline.pages.core import CHANGES_PER_PAGE
from pipeline.paths import ROOT, ProjectPaths

ATOM = "{http://www.w3.org/2005/Atom}"
ALPHA = "data/districts/alpha.yaml"
# Three commits of the data, each on its own day: the first publication, a corrected figure, a record removed.
DATES = ("2025-01-10", "2025-02-10", "2025-03-10")


def git(root, *args: str, date: str | None = None) -> str:
    when = {"GIT_AUTHOR_DATE": f"{date}T09:00:00+08:00", "GIT_COMMITTER_DATE": f"{date}T09:00:00+08:00"} if date else {}
    env = dict(
        os.environ,
        GIT_AUTHOR_NAME="Editor",
        GIT_AUTHOR_EMAIL="editor@example.org",
        GIT_COMMITTER_NAME="Editor",
        GIT_COMMITTER_EMAIL="editor@example.org",
        **when,
    )
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True).stdout


def revise_gdp_target(project) -> None:
    """Alpha's GDP target as a revised document gives it: the figure, its bound, its summary and its quote."""
    with open(project.root / "data/sources/alpha-tasks.txt", "a", encoding="utf-8") as text:
        text.write("4\t地区生产总值增长6%左右。\n")
    project.edit(
        ALPHA,
        "    value: 5.5\n    unit: percent\n    bound: exact\n",
        "    value: 6\n    unit: percent\n    bound: about\n",
    )
    project.edit(
        ALPHA,
        "    summary_en: Grow GDP by 5.5%.\n    quote: 地区生产总值增长5.5%。\n",
        "    summary_en: Grow GDP by about 6%.\n    quote: 地区生产总值增长6%左右。\n",
    )


@pytest.fixture
def history_project(project):
    """The scratch project with three commits of its data."""
    git(project.root, "init", "-q", "-b", "main")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-qm", "First publication", date=DATES[0])
    revise_gdp_target(project)
    git(project.root, "commit", "-qam", "Alpha's GDP target as the revised document gives it", date=DATES[1])
    text = (project.root / ALPHA).read_text(encoding="utf-8")
    # The last record goes; the file's English names of lead units, after it, stay.
    (project.root / ALPHA).write_text(
        text[: text.index("  - id: alpha-ai-zone\n")] + text[text.index("lead_units_en:") :], encoding="utf-8"
    )
    git(project.root, "commit", "-qam", "The AI zone is not a 2025 task", date=DATES[2])
    # A release of each day, listed a day later: the list is not a change of the data.
    project.write("data/releases.yaml", "".join(f'- date: "{date}"\n' for date in DATES))
    git(project.root, "add", "data/releases.yaml")
    git(project.root, "commit", "-qm", "Releases of the three days", date="2025-03-11")
    return project


@pytest.fixture(scope="module")
def dataset():
    return check_data(ProjectPaths(ROOT))


def read(site, relative: str) -> str:
    return (site / relative).read_text(encoding="utf-8")


def changes_on_page(page: str) -> list[str]:
    """The anchors of the changes a page of the change log shows, the first publication's but for."""
    return re.findall(r'<article class="change" id="(c-[0-9a-f]{10})">', page)


def change_log_pages(site) -> list[str]:
    """The text of every month's page of a built change log (site: a language's folder), newest first: the
    months newest first, each month's pages from its last (its newest entries) to its first."""
    pages = []
    for month in sorted((site / "changes").glob("*/index.html"), reverse=True):
        later = sorted(month.parent.glob("*/index.html"), key=lambda page: int(page.parent.name), reverse=True)
        pages += [page.read_text(encoding="utf-8") for page in [*later, month]]
    return pages


def test_the_change_log_lists_each_change_with_its_old_and_new_values(history_project):
    build_site(history_project.paths, images=False)
    site = history_project.paths.site
    page = read(site, "en/changes/2025-03/index.html")  # the latest month's
    (newest,) = changes_on_page(page)
    assert changes_on_page(read(site, "en/changes/index.html"))[0] == newest  # the newest entries, first
    assert "2025-03-10" in page and "The AI zone is not a 2025 task" in page
    assert "Alpha District: 1 record removed." in page and "Removed (1)" in page and "AI application zone" in page
    assert 'href="/en/districts/alpha/#alpha-ai-zone"' not in page  # its card is gone
    corrected_page = read(site, "en/changes/2025-02/index.html")
    (corrected,) = changes_on_page(corrected_page)
    assert "Alpha&#39;s GDP target as the revised document gives it" in corrected_page
    for field, old, new in (
        ("Value", "5.5%", "about 6%"),
        ("Bound", "exact", "about"),
        ("Quote", "地区生产总值增长5.5%。", "地区生产总值增长6%左右。"),
    ):
        assert f"<li>{field}: <del>{old}</del> → <ins>{new}</ins></li>" in corrected_page
    assert 'href="/en/districts/alpha/#alpha-gdp-growth"' in corrected_page
    first = read(site, "en/changes/2025-01/index.html")
    assert '<article class="change" id="c-first-publication">' in first and "2025-01-10" in first
    assert "Alpha District, 3 records; Beta District, 1 record." in first
    # Each card says when it last changed and links to that change, at the record's own line.
    district = read(site, "en/districts/alpha/index.html")
    card = district[district.index('id="alpha-gdp-growth"') :]
    assert re.search(
        rf'<a href="/en/changes/2025-02/#{corrected}-alpha-gdp-growth" class="record-changed">Last changed 2025-02-10</a>',
        card,
    )
    assert f'id="{corrected}-alpha-gdp-growth"' in corrected_page
    jobs = district[district.index('id="alpha-new-jobs"') :]
    assert 'href="/en/changes/2025-01/#c-first-publication" class="record-changed">Last changed 2025-01-10' in jobs
    assert "最近修改：2025-02-10" in read(site, "districts/alpha/index.html")
    assert newest != corrected


def test_the_feeds_are_atom_with_one_entry_per_change(history_project):
    build_site(history_project.paths, images=False)
    site = history_project.paths.site
    for lang, prefix in (("zh-Hans", ""), ("en", "en/")):
        feed = ElementTree.fromstring((site / prefix / "changes.xml").read_bytes())
        assert feed.tag == f"{ATOM}feed" and feed.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
        for required in ("id", "title", "updated", "author"):
            assert feed.find(f"{ATOM}{required}") is not None, required
        entries = feed.findall(f"{ATOM}entry")
        assert [e.find(f"{ATOM}updated").text[:10] for e in entries] == list(reversed(DATES))
        assert len({e.find(f"{ATOM}id").text for e in entries}) == 3
        for entry in entries:
            assert entry.find(f"{ATOM}title").text and entry.find(f"{ATOM}link").get("href").startswith("http")
            content = entry.find(f"{ATOM}content")
            assert content.get("type") == "html" and "<ul" in content.text
        # Every page names its language's feed in its head.
        head = read(site, f"{prefix}topics/gdp/index.html").split("</head>")[0]
        assert '<link rel="alternate" type="application/atom+xml" title="' in head
        assert f'href="/{prefix}changes.xml"' in head


def test_a_release_of_an_older_date_holds_that_dates_values(history_project):
    build_site(history_project.paths, images=False)
    site = history_project.paths.site

    def gdp_row(date: str) -> dict:
        rows = csv.DictReader(io.StringIO(read(site, f"data/releases/{date}/targets.csv").lstrip("\ufeff")))
        return next(r for r in rows if r["id"] == "alpha-gdp-growth")

    assert (gdp_row(DATES[0])["value"], gdp_row(DATES[0])["bound"]) == ("5.5", "exact")
    assert (gdp_row(DATES[1])["value"], gdp_row(DATES[1])["bound"]) == ("6", "about")
    older = json.loads(read(site, f"data/releases/{DATES[0]}/targets.json"))
    assert "alpha-ai-zone" in {r["id"] for r in older}
    newest = json.loads(read(site, f"data/releases/{DATES[2]}/targets.json"))
    assert "alpha-ai-zone" not in {r["id"] for r in newest}
    chart = read(site, f"data/releases/{DATES[0]}/charts/gdp-growth.csv")
    assert "alpha-gdp-growth" in chart and ",5.5," in chart
    for date in DATES:
        assert json.loads(read(site, f"data/releases/{date}/datapackage.json"))["version"] == date
    assert json.loads(read(site, "data/datapackage.json"))["version"] == DATES[2]
    page = read(site, "en/changes/index.html")
    for date in DATES:
        assert f'<a href="/data/releases/{date}/targets.csv">' in page


RELEASE_MISTAKES = """\
# yaml-language-server: $schema=schema/releases.schema.json
- date: "2025-02-10"
- date: "2025-02-31"
- date: "2025-02-10"
- date: "2025-01-01"
- date: "2025-02-20"
- date: "2025-04-01"
- date: 2025-03-10
- day: "2025-03-10"
"""


def test_each_mistake_of_the_releases_file_is_named_at_its_line(history_project):
    history_project.write("data/releases.yaml", RELEASE_MISTAKES)
    with pytest.raises(DataErrors) as raised:
        check_data(history_project.paths, history=data_history(history_project.paths))
    found = {(e.line, e.column): e for e in raised.value.errors if e.field != "[7].day"}
    assert {e.file for e in raised.value.errors} == {"data/releases.yaml"}
    assert sorted(found) == [(3, 9), (4, 9), (5, 9), (6, 9), (7, 9), (8, 9), (9, 3)]
    assert len(raised.value.errors) == 8  # and the unknown field `day` on line 9
    assert "date" in found[(3, 9)].message  # 31 February
    assert found[(4, 9)].message == "2025-02-10 is listed twice (first on line 2)"
    assert found[(5, 9)].message == "2025-01-01 is before the data's first change, on 2025-01-10"
    assert found[(6, 9)].message == "the data did not change on 2025-02-20"
    assert "list 2025-02-10 or 2025-03-10" in found[(6, 9)].hint
    assert found[(7, 9)].message == "2025-04-01 is after the data's last change, on 2025-03-10"
    assert "would be read as a date object" in found[(8, 9)].message and '"2025-03-10"' in found[(8, 9)].hint
    assert found[(9, 3)].field == "[7].date" and "missing" in found[(9, 3)].message
    # The command line shows each at its line, with a caret under it.
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--project", str(history_project.root), "check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    shown = result.stderr
    assert "data/releases.yaml:6:9: [4].date: the data did not change on 2025-02-20" in shown
    assert '    6 | - date: "2025-02-20"\n      |         ^' in shown and "8 problem(s) found" in shown


def test_embeds_and_citations_are_dated_by_the_last_change(history_project):
    build_site(history_project.paths, images=False)
    site = history_project.paths.site
    embed = read(site, "en/embed/gdp-growth/index.html")
    assert ">Data as of 2025-03-10</a>" in embed
    assert "Data as of 2025-03-10." in html.unescape(embed)  # the citation names the date too
    assert "数据截至2025-03-10" in read(site, "embed/gdp-growth/index.html")


@pytest.mark.parametrize("how", ["copy without .git", "shallow clone"])
def test_a_build_without_the_history_says_so(history_project, tmp_path, how):
    target = tmp_path / "elsewhere"
    if how == "copy without .git":
        shutil.copytree(history_project.root, target, ignore=shutil.ignore_patterns(".git"))
        reason = "not a git repository"
    else:
        subprocess.run(
            ["git", "clone", "-q", "--depth", "1", f"file://{history_project.root}", str(target)], check=True
        )
        reason = "shallow clone"
    paths = ProjectPaths(target)
    build_site(paths, images=False)
    page = read(paths.site, "en/changes/index.html")
    assert "History not available" in page and reason in page
    assert "暂无修改记录" in read(paths.site, "changes/index.html")
    assert not (paths.site / "changes.xml").exists() and not (paths.site / "data" / "releases").exists()
    assert "record-changed" not in read(paths.site, "en/districts/alpha/index.html")
    assert "application/atom+xml" not in read(paths.site, "en/index.html")
    assert "version" not in json.loads(read(paths.site, "data/datapackage.json"))


def test_a_comparison_of_differently_worded_records_needs_a_definition_that_speaks_to_it(project):
    (project.root / "data/metrics.yaml").unlink()
    with pytest.raises(DataErrors) as refused:
        build_site(project.paths, images=False)
    (message,) = [str(e) for e in refused.value.errors]
    assert message.startswith(
        "data/districts/beta.yaml:16:15: beta-h1-gdp-growth.label_zh: metric 'gdp-growth' "
        "compares records worded differently: '地区生产总值增长' on 'alpha-gdp-growth', "
        "'上半年地区生产总值增长' here — define it in data/metrics.yaml"
    )
    assert not project.paths.site.exists()
    # A definition that does not say whether the two can fairly be compared is not enough either.
    project.write(
        "data/metrics.yaml",
        """\
        - id: gdp-growth
          name_zh: 地区生产总值增长
          name_en: GDP growth
          definition_zh: 地区生产总值比上年增长的百分比。
          definition_en: Growth of GDP over the year before, in percent.
        """,
    )
    with pytest.raises(DataErrors) as still_refused:
        build_site(project.paths, images=False)
    assert "add comparability_zh and comparability_en to its entry" in str(still_refused.value.errors[0])
    # Worded alike, the two need no such sentence.
    project.edit("data/districts/beta.yaml", "label_zh: 上半年地区生产总值增长", "label_zh: 地区生产总值增长")
    build_site(project.paths, images=False)


def test_a_definition_of_a_metric_no_record_has_is_refused(project):
    project.edit("data/metrics.yaml", "- id: gdp-growth\n", "- id: gdp-grwth\n")
    with pytest.raises(DataErrors) as refused:
        build_site(project.paths, images=False)
    messages = [str(e) for e in refused.value.errors]
    assert any(
        "data/metrics.yaml:1:7: [0].id: no record with a figure has metric 'gdp-grwth'"
        " — did you mean 'gdp-growth'?" in m
        for m in messages
    ), messages


def comparison_charts(site, prefix: str = "") -> dict[str, str]:
    """Each comparison chart of the real site's topic pages → the HTML of its figure."""
    charts = {}
    for page in (site / prefix / "topics").glob("*/index.html"):
        text = page.read_text(encoding="utf-8")
        for chart_id, body in re.findall(r'<figure class="chart" id="chart-([a-z0-9-]+)">(.*?)</figure>', text, re.S):
            if "--items" not in chart_id:
                charts[chart_id] = body
    return charts


def test_every_real_comparison_chart_says_what_it_compares_and_how_each_district_words_it(real_site, dataset):
    metrics = {m.id: m for m in dataset.metrics}
    for prefix, lang in (("", "zh"), ("en/", "en")):
        charts = comparison_charts(real_site, prefix)
        assert charts and set(charts) <= set(metrics), set(charts) - set(metrics)
        for chart_id, body in charts.items():
            definition = getattr(metrics[chart_id], f"definition_{lang}")
            assert definition in html.unescape(body), chart_id
            labels = {r.label_zh for d in dataset.districts for r in d.records if r.metric == chart_id and r.has_figure}
            if len(labels) > 1:  # worded differently: each wording is named, and whether they compare fairly
                wording = re.search(r'<p class="chart-note chart-wording">(.*?)</p>', body, re.S)
                assert wording, chart_id
                # each as written, its own double quotes nested as single ones inside ours
                nested = {label.replace("“", "‘").replace("”", "’") for label in labels}
                assert all(f"“{label}”" in wording[1] for label in nested), chart_id
                assert getattr(metrics[chart_id], f"comparability_{lang}") in html.unescape(wording[1])
            embed = read(real_site, f"{prefix}embed/{chart_id}/index.html")
            assert definition in html.unescape(embed), chart_id
    package = json.loads(read(real_site, "data/datapackage.json"))
    described = {r["path"]: r for r in package["resources"] if r["path"].startswith("charts/")}
    for chart_id in comparison_charts(real_site):
        resource = described[f"charts/{chart_id}.csv"]
        assert resource["description"].startswith(metrics[chart_id].definition_en)
        assert resource["metric"]["definition_zh"] == metrics[chart_id].definition_zh


def test_the_measures_that_differ_are_not_one_chart(real_site):
    """Haizhu's training for two named industries and Liwan's general skills training, and land supplied
    against land offered for sale, are not the same measure."""
    charts = comparison_charts(real_site, "en/")
    assert "skills-training" not in charts and "land-plots-supplied" not in charts


def test_every_real_embed_shows_the_data_date(real_site):
    updated = data_history(ProjectPaths(ROOT)).last_changed
    assert updated and re.fullmatch(r"\d{4}-\d\d-\d\d", updated)
    embeds = sorted(real_site.glob("embed/*/index.html")) + sorted(real_site.glob("en/embed/*/index.html"))
    assert len(embeds) > 20
    for page in embeds:
        text = page.read_text(encoding="utf-8")
        words = "Data as of " if "/en/" in page.as_posix() else "数据截至"
        assert f">{words}{updated}</a>" in text, page
        citation = re.search(r'<p class="citation">(.*?)</p>', text, re.S)[1]
        assert updated in citation, page


def test_the_real_history_lists_the_data_changes(real_site, dataset):
    history = data_history(ProjectPaths(ROOT))
    if history.unavailable == "shallow":
        pytest.fail("the repository is a shallow clone: the change log cannot be tested (fetch with --unshallow)")
    shown = [anchor for page in change_log_pages(real_site / "en") for anchor in changes_on_page(page)]
    releases = history.with_releases(dataset.releases).releases
    first = history.changes[-1].date  # the changes of the first day are the first publication's one entry
    assert shown == [c.anchor for c in history.changes if c.date > first]
    assert changes_on_page(read(real_site, "en/changes/index.html")) == shown[:CHANGES_PER_PAGE]
    feed = ElementTree.fromstring((real_site / "en" / "changes.xml").read_bytes())
    assert len(feed.findall(f"{ATOM}entry")) == len(shown) + 1
    # The releases published before data/releases.yaml keep their addresses; no other day has one.
    assert {"2026-11-22", "2026-12-02", "2026-12-05"} <= {r.date for r in releases}
    made = {folder.name for folder in (real_site / "data" / "releases").iterdir()}
    assert made == {r.date for r in releases} == set(dataset.releases)
    for release in releases:
        assert (real_site / "data" / "releases" / release.date / "targets.csv").is_file()


WITHDRAWN = """\
    - id: training
      name_zh: 培训
      name_en: Training
      definition_zh: 培训人次。
      definition_en: Training, in person-times.
      withdrawn_zh: 两区的数字不是同一指标。
      withdrawn_en: The two districts' figures are not the same measure.
    """


def test_a_withdrawn_chart_leaves_a_page_at_its_embed_address(project):
    with open(project.root / "data/metrics.yaml", "a", encoding="utf-8") as metrics:
        metrics.write(textwrap.dedent(WITHDRAWN))
    build_site(project.paths, images=False)
    for prefix, words in (("", "此图表已撤下。"), ("en/", "This chart has been withdrawn.")):
        page = html.unescape(read(project.paths.site, f"{prefix}embed/training/index.html"))
        assert words in page and ("两区的数字不是同一指标。" if not prefix else "not the same measure") in page
        assert f'href="/{prefix}changes/"' in page
    assert not (project.paths.site / "data/charts/training.csv").exists()


def test_a_withdrawn_metric_that_records_still_have_is_refused(project):
    project.edit(
        "data/metrics.yaml",
        "  comparability_en:",
        "  withdrawn_zh: 不是同一指标。\n  withdrawn_en: Not the same measure.\n  comparability_en:",
    )
    with pytest.raises(DataErrors) as refused:
        build_site(project.paths, images=False)
    assert any(
        "metric 'gdp-growth' is withdrawn, but 2 record(s) still have it, 'alpha-gdp-growth' first" in str(e)
        for e in refused.value.errors
    )


def test_a_merged_records_former_id_still_lands_on_its_card(project):
    project.edit(ALPHA, "    task_no: 3\n", "    task_no: 3\n    former_ids: [alpha-ai-zone-old]\n")
    build_site(project.paths, images=False)
    page = read(project.paths.site, "en/districts/alpha/index.html")
    assert re.search(r'id="alpha-ai-zone"><span class="former-id" id="alpha-ai-zone-old"></span>', page)
    project.edit(ALPHA, "former_ids: [alpha-ai-zone-old]", "former_ids: [alpha-new-jobs]")
    with pytest.raises(DataErrors) as refused:
        build_site(project.paths, images=False)
    assert "'alpha-new-jobs' is the id of a record the data still has" in str(refused.value.errors[0])


def test_the_real_site_keeps_its_withdrawn_embeds_and_merged_ids(real_site):
    for chart_id in ("skills-training", "land-plots-supplied"):
        assert "This chart has been withdrawn." in read(real_site, f"en/embed/{chart_id}/index.html")
        assert "此图表已撤下。" in read(real_site, f"embed/{chart_id}/index.html")
    assert 'id="haizhu-t40-industry-clusters"' in read(real_site, "districts/haizhu/index.html")
    assert 'id="liwan-food-cluster-count"' in read(real_site, "en/districts/liwan/index.html")
    changes = "".join(change_log_pages(real_site / "en"))
    assert 'href="/en/districts/haizhu/#haizhu-t40-industry-clusters"' in changes


def test_the_feeds_are_served_as_atom(real_server):
    from urllib.request import urlopen

    for path in ("/changes.xml", "/en/changes.xml"):
        with urlopen(real_server.url + path) as response:
            assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
            assert ElementTree.fromstring(response.read()).tag == f"{ATOM}feed"
    with urlopen(real_server.url + "/data/targets.json") as response:  # other files keep their own type
        assert response.headers["Content-Type"] == "application/json"


def test_check_warns_of_a_data_commit_whose_first_line_has_no_chinese(history_project):
    """Its first line is the change log's entry for readers (CONTRIBUTING.md): on a branch of editors' work,
    `build.py check` names each data commit written in English alone, and only those."""
    root = history_project.root
    git(root, "checkout", "-q", "-b", "correction")
    history_project.edit(ALPHA, "label_en: GDP growth", "label_en: GDP growth rate")
    git(root, "commit", "-qam", "Alpha: the English label of its GDP target")
    history_project.edit(ALPHA, "label_en: GDP growth rate", "label_en: Growth of GDP")
    git(root, "commit", "-qam", "甲区：地区生产总值目标的英文标签\n\nEnglish: Alpha: its GDP target's English label")
    with open(root / "content/about.en.md", "a", encoding="utf-8") as about:  # not the data: not in the change log
        about.write("\n")
    git(root, "commit", "-qam", "About page: a blank line")

    def check(*options: str) -> subprocess.CompletedProcess:
        command = [sys.executable, str(ROOT / "build.py"), "--project", str(root), "check", *options]
        return subprocess.run(command, capture_output=True, text=True, timeout=300)

    result = check()
    assert result.returncode == 0, result.stderr
    warned = [line for line in result.stderr.splitlines() if "has no Chinese" in line]
    assert len(warned) == 1 and "“Alpha: the English label of its GDP target”" in warned[0], result.stderr
    annotations = [line for line in check("--format", "github").stdout.splitlines() if "has no Chinese" in line]
    assert len(annotations) == 1 and annotations[0].startswith("::warning::"), annotations
    git(root, "checkout", "-q", "main")  # on main itself, nothing to compare with
    assert "has no Chinese" not in check().stderr
