"""The change log as the public reads it: each change said in the page's language, every field named in
words and every value as its card shows it, the editor's note in the page's language where the editor
wrote one, the first publication as one entry, each month on pages that fit a phone and keep their
addresses as history grows, the same words in the feeds, and a card's "last changed" link that opens its
record's line."""

import re
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
import yaml
from conftest import ScratchProject
from test_trust_over_time import git, revise_gdp_target

from pipeline import models
from pipeline.builder import build_site
from pipeline.netlify import SiteServer
from pipeline.pages.core import CHANGES_PER_PAGE
from pipeline.paths import ROOT

ATOM = "{http://www.w3.org/2005/Atom}"
ALPHA = "data/districts/alpha.yaml"
PHONE = {"width": 390, "height": 844}
SCREENS = 12
# The models of what an editor writes, with the kind of entry the change log names their fields by.
MODELS = {
    "record": models.Record,
    "district": models.District,
    "topic": models.Topic,
    "facet": models.Facet,
    "metric": models.Metric,
    "source": models.Source,
    "city": models.City,
}
FIELD_NAMES = sorted({name for model in MODELS.values() for name in model.model_fields})
NOTE_ZH = "甲区：地区生产总值增长目标按修订后的文件改为 6% 左右"
NOTE_EN = "Alpha: its GDP growth target as the revised document gives it"
SUMMARIES = "English summaries read as the documents do"


class VisibleText(HTMLParser):
    """The text a reader sees in a page's <main>, scripts and styles left out."""

    def __init__(self):
        super().__init__()
        self.parts, self.depth, self.skip = [], 0, 0

    def handle_starttag(self, tag, attrs):
        self.depth += tag == "main"
        self.skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self.depth -= tag == "main"
        self.skip -= tag in ("script", "style")

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.parts.append(data)


def visible(page: str) -> str:
    parser = VisibleText()
    parser.feed(page)
    return re.sub(r"\s+", " ", "".join(parser.parts))


@pytest.fixture(scope="module")
def changelog(tmp_path_factory):
    """A scratch project whose data was first published on 2025-01-10, then had a figure, its bound, its
    summary and its quote corrected (a message in Chinese with an English line), then four records'
    English changed (a message in English alone, as older commits are); built."""
    project = ScratchProject(tmp_path_factory.mktemp("changelog") / "project")
    git(project.root, "init", "-q", "-b", "main")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-qm", "First publication", date="2025-01-10")
    revise_gdp_target(project)
    git(project.root, "commit", "-qam", f"{NOTE_ZH}\n\nEnglish: {NOTE_EN}", date="2025-02-10")
    project.edit(ALPHA, "label_en: GDP growth", "label_en: Growth of GDP")
    project.edit(ALPHA, "Create 18,000 new urban jobs.", "Strive to create 18,000 new urban jobs.")
    project.edit(ALPHA, "Build an AI application demonstration zone.", "Build an AI demonstration zone.")
    project.edit("data/districts/beta.yaml", "an estimated 2%", "an estimated 2 percent")
    git(project.root, "commit", "-qam", SUMMARIES, date="2025-02-12")
    build_site(project.paths, images=False)
    hashes = git(project.root, "log", "--format=%H").split()
    return project.paths.site, hashes  # newest first


def read(site, relative: str) -> str:
    return (site / relative).read_text(encoding="utf-8")


def test_every_field_an_editor_can_change_has_a_name_in_both_languages():
    ui = yaml.safe_load((ROOT / "content" / "ui.yaml").read_text(encoding="utf-8"))
    for kind, model in MODELS.items():
        for name in model.model_fields:
            key = f"field_{kind}_{name}" if f"field_{kind}_{name}" in ui else f"field_{name}"
            assert key in ui and ui[key]["zh"] and ui[key]["en"], (kind, name)


def test_a_change_reads_in_the_pages_language_with_every_field_in_words(changelog):
    site, (summaries, corrected, _) = changelog
    zh, en = read(site, "changes/index.html"), read(site, "en/changes/index.html")
    zh_text, en_text = visible(zh), visible(en)
    # The reader's summary, by district, and each field in words, old → new as the card shows the figure.
    assert "甲区：修改 1 条记录的数值 5.5% → 6%左右、约束、英文摘要、原文。" in zh_text
    for line in ("数值：5.5% → 6%左右", "约束：确数 → 左右", "英文摘要：Grow GDP by 5.5%. → Grow GDP by about 6%."):
        assert line in zh_text, line
    assert "原文：地区生产总值增长5.5%。 → 地区生产总值增长6%左右。" in zh_text
    assert "Alpha District: value 5.5% → about 6%, bound, English summary and quote changed in 1 record." in en_text
    for line in ("Value: 5.5% → about 6%", "Bound: exact → about", "English summary: Grow GDP by 5.5%. →"):
        assert line in en_text, line
    # The four records of the later change: counted by district, each field named.
    assert "甲区：修改 1 条记录的英文名称；修改 2 条记录的英文摘要。" in zh_text
    assert "乙区：修改 1 条记录的英文摘要。" in zh_text
    assert "Beta District: English summary changed in 1 record." in en_text
    # The editor's note in the page's language where the editor wrote both, as written where not.
    assert f"编者说明：{NOTE_ZH}" in zh_text and f"Editor’s note: {NOTE_EN}" in en_text
    assert NOTE_ZH not in en_text
    assert f"编者说明：{SUMMARIES}" in zh_text and f"Editor’s note: {SUMMARIES}" in en_text
    # The version: a small line with the first ten hex digits, nowhere else.
    assert zh_text.count(corrected[:10]) == 1 and f"版本 {corrected[:10]}" in zh_text
    assert f"Version {summaries[:10]}" in en_text
    # No field's own name anywhere on the Chinese page; none of the English page's in the form of a field.
    for name in FIELD_NAMES:
        assert not re.search(rf"\b{name}\b", zh_text, re.I), name
        if "_" in name:
            assert name not in en_text, name
        assert not re.search(rf"\b{name}:", en_text), name
    # The same figures as the card.
    card = read(site, "districts/alpha/index.html")
    assert '<p class="record-figure">6%左右</p>' in card
    assert '<p class="record-figure">about 6%</p>' in read(site, "en/districts/alpha/index.html")
    # The first publication: one entry on its month's page, counted by district.
    january = visible(read(site, "changes/2025-01/index.html"))
    assert "2025-01-10：首次发布 本站数据首次发布：甲区 3 条记录；乙区 1 条记录。" in january
    assert "First publication" in visible(read(site, "en/changes/2025-01/index.html"))
    # The landing page shows the newest entries whatever their month; February's page its two changes.
    february = read(site, "en/changes/2025-02/index.html")
    assert re.findall(r'<article class="change" id="([^"]+)"', february) == [
        f"c-{summaries[:10]}",
        f"c-{corrected[:10]}",
    ]
    assert re.findall(r'<article class="change" id="([^"]+)"', en) == [
        f"c-{summaries[:10]}",
        f"c-{corrected[:10]}",
        "c-first-publication",
    ]


def test_the_feeds_carry_the_same_words(changelog):
    site, (_, corrected, _) = changelog
    for prefix, summary, archive, line in (
        (
            "",
            "甲区：修改 1 条记录的数值 5.5% → 6%左右、约束、英文摘要、原文。",
            "文件全文：修改 1 项。",
            "数值：<del>5.5%</del> → <ins>6%左右</ins>",
        ),
        (
            "en/",
            "Alpha District: value 5.5% → about 6%, bound, English summary and quote changed in 1 record.",
            "Full texts: 1 changed.",
            "Value: <del>5.5%</del>",
        ),
    ):
        feed = ElementTree.parse(site / prefix / "changes.xml").getroot()
        entries = feed.findall(f"{ATOM}entry")
        assert len(entries) == 3  # the two changes, then the first publication
        entry = entries[1]
        # The source's archived text changed too, with the quote.
        assert entry.find(f"{ATOM}summary").text == f"{summary} {archive}"
        content = entry.find(f"{ATOM}content").text
        assert summary in content and line in content
        assert entry.find(f"{ATOM}title").text.endswith(NOTE_EN if prefix else NOTE_ZH)
        link = entry.find(f"{ATOM}link").get("href")
        assert link.endswith(f"/{prefix}changes/2025-02/#c-{corrected[:10]}")
        assert entries[2].find(f"{ATOM}title").text.endswith("首次发布" if not prefix else "First publication")


def test_a_cards_last_changed_link_opens_its_line_in_view(changelog, chromium):
    """The record's last change is a long entry, collapsed: following the card's link opens it at the line."""
    site, (summaries, _, _) = changelog
    line = f"c-{summaries[:10]}-alpha-gdp-growth"
    page_html = read(site, "en/changes/2025-02/index.html")
    assert re.search(rf'<details class="change-details">(?:(?!</details>).)*id="{line}"', page_html, re.S)
    context = chromium.new_context(viewport=PHONE)
    try:
        with SiteServer(site, ROOT / "netlify.toml") as server:
            tab = context.new_page()
            tab.goto(server.url + "/en/districts/alpha/", wait_until="load")
            link = tab.locator("#alpha-gdp-growth a.record-changed")
            assert link.get_attribute("href") == f"/en/changes/2025-02/#{line}"
            link.click()
            tab.wait_for_url(f"**/en/changes/2025-02/#{line}")
            tab.wait_for_function(f"document.getElementById('{line}').closest('details').open")
            box = tab.evaluate(
                "id => { const r = document.getElementById(id).getBoundingClientRect(); return [r.top, r.bottom, innerHeight]; }",
                line,
            )
            assert -1 < box[0] < box[2] and box[1] > 0, box  # its top at the top of the screen, to the subpixel
    finally:
        context.close()


def test_the_real_change_log_fits_a_phone_in_twelve_screens(real_site, real_server, chromium):
    pages = sorted(p.relative_to(real_site).as_posix() for p in real_site.glob("**/changes/**/index.html"))
    assert "changes/index.html" in pages and "en/changes/index.html" in pages
    context = chromium.new_context(viewport=PHONE)
    try:
        tab = context.new_page()
        for page in pages:
            tab.goto(real_server.url + "/" + page.removesuffix("index.html"), wait_until="load")
            height = tab.evaluate("document.documentElement.scrollHeight")
            assert height <= SCREENS * PHONE["height"], (page, height, round(height / PHONE["height"], 1))
    finally:
        context.close()


# More changes in one month than a page of the change log holds.
MARCH = CHANGES_PER_PAGE + 1


def commit_label_change(project: ScratchProject, number: int) -> None:
    """A change of the month of March 2025: alpha's GDP record's English summary, to and fro (its label, which
    names it in every entry, stays)."""
    summaries = ("summary_en: Grow GDP by 5.5%.", "summary_en: Grow GDP by 5.5 percent.")
    project.edit(ALPHA, summaries[(number + 1) % 2], summaries[number % 2])
    git(project.root, "commit", "-qam", f"Alpha: English summary, take {number}", date=f"2025-03-{number:02d}")


def built_changes(site) -> dict[str, str]:
    """Every page of a built change log (its path → its text)."""
    return {
        p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in site.glob("**/changes/**/index.html")
    }


@pytest.fixture(scope="module")
def busy_month(tmp_path_factory):
    """A scratch project first published on 2025-01-10, then changed once a day from 2025-03-01, one change
    more than a page holds; built, then changed once more and built again. Both builds' change logs."""
    project = ScratchProject(tmp_path_factory.mktemp("busy") / "project")
    git(project.root, "init", "-q", "-b", "main")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-qm", "First publication", date="2025-01-10")
    for number in range(1, MARCH + 1):
        commit_label_change(project, number)
    build_site(project.paths, images=False)
    before = built_changes(project.paths.site)
    commit_label_change(project, MARCH + 1)
    build_site(project.paths, images=False)
    card = read(project.paths.site, "en/districts/alpha/index.html")
    return before, built_changes(project.paths.site), card


def main(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


def articles(page: str) -> list[str]:
    return re.findall(r'<article class="change" id="([^"]+)"', page)


def test_a_busy_month_is_split_in_pages_whose_addresses_never_change(busy_month):
    before, after, card = busy_month
    # March's first page holds its oldest entries, newest first; its second page the rest.
    first, second = before["en/changes/2025-03/index.html"], before["en/changes/2025-03/2/index.html"]
    assert len(articles(first)) == CHANGES_PER_PAGE and len(articles(second)) == MARCH - CHANGES_PER_PAGE
    assert "changes/2025-03/3/index.html" not in before
    # Each page says its month and its number, links to the other (rel=prev/next) and to the other months.
    assert "<h1>Data changes: March 2025 (page 2)</h1>" in second
    assert "<h1>数据更新记录：2025年3月（第2页）</h1>" in before["changes/2025-03/2/index.html"]
    assert '<link rel="prev" href="/en/changes/2025-03/">' in second and 'rel="next"' not in second
    assert '<link rel="next" href="/en/changes/2025-03/2/">' in first and 'rel="prev"' not in first
    assert '<a href="/en/changes/2025-01/">January 2025</a>' in second
    assert '<a href="/en/changes/2025-03/2/" aria-current="page">2</a>' in second
    # The landing page: the newest entries whatever their month, then the way to the earlier ones.
    landing = before["en/changes/index.html"]
    assert articles(landing) == articles(second) + articles(first)[: CHANGES_PER_PAGE - len(articles(second))]
    assert re.search(r'<a href="/en/changes/2025-03/#c-[0-9a-f]{10}">Earlier changes</a>', landing)
    # One change more: it lands on the last page; every older entry stays where it was, the first page's
    # content unchanged (its footer says the date of the data's last change).
    for page in ("en/changes/2025-03/index.html", "changes/2025-03/index.html"):
        assert main(after[page]) == main(before[page]), page
    newest, *rest = articles(after["en/changes/2025-03/2/index.html"])
    assert rest == articles(second) and newest not in articles(first) + articles(second)
    # The card's "last changed" link points at the page that holds its newest change.
    assert f'href="/en/changes/2025-03/2/#{newest}-alpha-gdp-growth"' in card
