"""A long history costs the site its change log, no more: fifty more data commits on fifty days add no
file beyond the change log's pages and feeds, and a release is made only for a day data/releases.yaml
lists (bench/history.py times the same on the real project)."""

import json
import re
from collections import Counter
from datetime import date, timedelta

import pytest
from conftest import ScratchProject
from scratch_site import scratch_project, site_files
from test_trust_over_time import ALPHA, git

from pipeline.builder import build_site
from pipeline.gitdata import GitData
from pipeline.paths import ROOT

FIRST_DAY = date(2025, 1, 10)
COMMITS = 50
LISTED = 25  # the commit whose day is listed as a release, besides the first day
CHANGE_LOG = ("changes/", "en/changes/", "changes.xml", "en/changes.xml")


def day(number: int) -> str:
    return (FIRST_DAY + timedelta(days=number)).isoformat()


def releases_file(*days: str) -> str:
    return "".join(f'- date: "{d}"\n' for d in days)


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The site's files after the first publication, and after fifty more data commits (a summary
    revised each day) with one of their days listed as a release."""
    project = scratch_project(tmp_path_factory.mktemp("history-cost") / "project")
    project.write("data/releases.yaml", releases_file(day(0)))
    git(project.root, "init", "-q", "-b", "main")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-qm", "首次发布", date=day(0))
    build_site(project.paths, images=False)
    before = site_files(project.paths.site)
    summary = "Grow GDP by 5.5%."
    for number in range(1, COMMITS + 1):
        revised = f"Grow GDP by 5.5% (revision {number})."
        project.edit(ALPHA, f"summary_en: {summary}\n", f"summary_en: {revised}\n")
        summary = revised
        git(project.root, "commit", "-qam", f"英文摘要第 {number} 次修订", date=day(number))
    project.write("data/releases.yaml", releases_file(day(0), day(LISTED)))
    build_site(project.paths, images=False)
    return before, site_files(project.paths.site)


# The search index's files are named by their content, which the revised summaries change; their number
# is what a longer history could grow.
INDEX_FILE_HASH = re.compile(r"(?<=^pagefind/)(.*_)[0-9a-f]{7,}(?=\.pf_)")


def outside_change_log(files: dict[str, bytes]) -> Counter:
    """The site's files but the change log's pages and feeds, the search index's by their kind."""
    return Counter(INDEX_FILE_HASH.sub(r"\1…", path) for path in files if not path.startswith(CHANGE_LOG))


def test_fifty_more_data_commits_add_no_file_but_the_change_log_and_the_listed_release(sites):
    before, after = sites
    release = f"data/releases/{day(LISTED)}/"
    # The listed release: its downloads, and its pinned embeds (/embed/<chart>/<date>/, /en/…)
    pinned = re.compile(rf"^(en/)?embed/[^/]+/{day(LISTED)}/index\.html$")
    made = {path for path in after if path.startswith(release) or pinned.match(path)}
    assert any(pinned.match(path) for path in made)
    assert {f"{release}targets.csv", f"{release}targets.json", f"{release}datapackage.json"} <= made
    assert outside_change_log(after) - Counter(made) == outside_change_log(before)
    assert {p.split("/")[2] for p in after if p.startswith("data/releases/")} == {day(0), day(LISTED)}
    # Every entry on one of the change log's pages by month, once; the first page lists the releases.
    pages = [f for path, f in after.items() if path.startswith("en/changes/") and path != "en/changes/index.html"]
    assert sum(f.decode().count('<article class="change"') for f in pages) == COMMITS + 1
    assert f'<a href="/data/releases/{day(LISTED)}/targets.csv">' in after["en/changes/index.html"].decode()


def test_a_listed_release_holds_the_data_as_its_day_left_it(sites):
    _, after = sites
    records = json.loads(after[f"data/releases/{day(LISTED)}/targets.json"])
    gdp = next(r for r in records if r["id"] == "alpha-gdp-growth")
    assert gdp["summary_en"] == f"Grow GDP by 5.5% (revision {LISTED})."
    assert json.loads(after[f"data/releases/{day(LISTED)}/datapackage.json"])["version"] == day(LISTED)


# A record whose double-quoted summary runs over lines, one of them written like the next record's start.
QUOTE_OVER_LINES = """\
    summary_en: "Grow GDP
  - id: not-a-record
    by 5.5%."
"""


@pytest.mark.parametrize("where", ["the real data", "a quote over lines"])
def test_a_district_file_read_record_by_record_is_the_file_as_the_loader_reads_it(where, tmp_path):
    if where == "the real data":
        root, commits = ROOT, ["HEAD", "HEAD~20"]
    else:
        project = ScratchProject(tmp_path / "project")
        project.edit(ALPHA, "    summary_en: Grow GDP by 5.5%.\n", QUOTE_OVER_LINES)
        git(project.root, "init", "-q", "-b", "main")
        git(project.root, "add", "-A")
        git(project.root, "commit", "-qm", "首次发布")
        root, commits = project.root, ["HEAD"]
    by_record = GitData(root, by_record=True)
    for commit in commits:
        whole = GitData(root).raw_at(commit, commit)
        parts = by_record.raw_at(commit, commit)
        assert [d.data for d in parts.districts] == [d.data for d in whole.districts]
        assert all(d.data is not None and not d.errors for d in whole.districts)
    if where == "a quote over lines":
        summary = next(r for r in whole.districts[0].data["records"] if r["id"] == "alpha-gdp-growth")["summary_en"]
        assert summary == "Grow GDP - id: not-a-record by 5.5%."
