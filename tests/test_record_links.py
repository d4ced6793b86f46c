"""Each record card's links: to itself; when the editors' address is set, to report an error by e-mail
(subject and body prefilled, in the page's language); when the repository is known, to report it in
the GitHub issue form (prefilled, its title in the page's language) and to edit it (its district's
YAML file in GitHub's editor, the record's line named beside the link)."""

import re
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from browser import open_page

from pipeline.builder import build_site
from pipeline.errors import DataErrors
from pipeline.netlify import SiteServer

ROOT = Path(__file__).resolve().parent.parent
ISSUE_FORM = ROOT / ".github" / "ISSUE_TEMPLATE" / "data-error.yml"


def card_links(page: str) -> dict[str, list[str]]:
    """Record id → the addresses of its card's links line."""
    links = {}
    for card in re.findall(r'<article class="record[^"]*" id="[^"]+">.*?</article>', page, re.S):
        record_id = re.search(r'id="([^"]+)"', card)[1]
        line = re.search(r'<p class="record-links">(.*?)</p>', card, re.S)[1]
        links[record_id] = [unescape(href) for href in re.findall(r'href="([^"]+)"', line)]
    return links


@pytest.fixture
def without_repository(monkeypatch):
    monkeypatch.delenv("REPOSITORY_URL", raising=False)


def test_without_a_repository_a_card_links_only_to_itself(project, without_repository):
    build_site(project.paths)
    links = card_links((project.paths.site / "districts/alpha/index.html").read_text(encoding="utf-8"))
    assert links and all(hrefs == [f"/districts/alpha/#{record_id}"] for record_id, hrefs in links.items())


def test_netlifys_repository_url_gives_report_and_edit_links(project, monkeypatch):
    monkeypatch.setenv("REPOSITORY_URL", "https://github.com/civic-data/gz-targets")
    monkeypatch.setenv("SITE_URL", "https://example.org")
    build_site(project.paths)
    yaml_lines = (project.root / "data/districts/alpha.yaml").read_text(encoding="utf-8").split("\n")
    links = card_links((project.paths.site / "en/districts/alpha/index.html").read_text(encoding="utf-8"))
    form_fields = {
        item["id"] for item in yaml.safe_load(ISSUE_FORM.read_text(encoding="utf-8"))["body"] if "id" in item
    }
    page = (project.paths.site / "en/districts/alpha/index.html").read_text(encoding="utf-8")
    for record_id, (own, report, edit) in links.items():
        assert own == f"/en/districts/alpha/#{record_id}"
        address = urlsplit(report)
        assert address.netloc == "github.com" and address.path == "/civic-data/gz-targets/issues/new"
        query = {key: values[0] for key, values in parse_qs(address.query).items()}
        assert query["template"] == ISSUE_FORM.name
        assert query["title"] == f"Data error: {record_id}"
        assert query["record"] == record_id
        assert query["page"] == f"https://example.org/en/districts/alpha/#{record_id}"
        assert {"record", "page"} <= form_fields  # the form has the fields the link fills
        assert edit == "https://github.com/civic-data/gz-targets/edit/main/data/districts/alpha.yaml"
        card = page[page.index(f'id="{record_id}"') :]
        line = re.search(r'<span class="edit-line"> \(line (\d+)\)</span>', card[: card.index("</article>")])[1]
        assert re.search(rf"\bid: {record_id}$", yaml_lines[int(line) - 1])


def test_the_repository_can_be_set_in_the_content(project, without_repository):
    project.edit("content/site.yaml", 'repository: ""', 'repository: "git@github.com:civic-data/gz-targets.git"')
    project.edit("content/site.yaml", "branch: main", "branch: data-fixes")
    build_site(project.paths)
    page = (project.paths.site / "districts/alpha/index.html").read_text(encoding="utf-8")
    assert "https://github.com/civic-data/gz-targets/edit/data-fixes/data/districts/alpha.yaml" in page
    assert "https://github.com/civic-data/gz-targets/issues/new?template=data-error.yml" in page
    report = unescape(re.search(r'href="(https://github.com/[^"]+/issues/new[^"]+)"', page)[1])
    assert parse_qs(urlsplit(report).query)["title"][0].startswith("数据错误：")  # the Chinese page's language
    assert re.search(r'<span class="edit-line">（第 \d+ 行）</span>', page)


def test_the_editors_address_gives_an_email_report_link_without_github(project, without_repository, monkeypatch):
    monkeypatch.setenv("SITE_URL", "https://example.org")
    project.edit("content/site.yaml", 'editors_email: ""', 'editors_email: "editors@example.org"')
    build_site(project.paths)
    for lang, prefix, subject, said in (
        ("zh", "/", "数据错误：", "页面：https://example.org/districts/alpha/#"),
        ("en", "/en/", "Data error: ", "Page: https://example.org/en/districts/alpha/#"),
    ):
        links = card_links((project.paths.site / f"{prefix.lstrip('/')}districts/alpha/index.html").read_text("utf-8"))
        for record_id, (own, mail) in links.items():
            assert own == f"{prefix}districts/alpha/#{record_id}"
            address = urlsplit(mail)
            assert address.scheme == "mailto" and address.path == "editors@example.org", lang
            assert "+" not in address.query  # spaces as %20: mail programs show a + as a +
            query = {key: values[0] for key, values in parse_qs(address.query).items()}
            assert query["subject"] == subject + record_id
            assert said + record_id in query["body"] and record_id in query["body"].split("\r\n")[0]


def test_without_the_editors_address_there_is_no_email_link(project, without_repository):
    build_site(project.paths)
    assert "mailto:" not in (project.paths.site / "districts/alpha/index.html").read_text(encoding="utf-8")


def test_an_editors_address_that_is_not_one_is_named_at_its_line(project, without_repository):
    project.edit("content/site.yaml", 'editors_email: ""', 'editors_email: "editors at example.org"')
    with pytest.raises(DataErrors) as raised:
        build_site(project.paths)
    assert any("expected an e-mail address" in str(e) for e in raised.value.errors)
    assert not project.paths.site.exists()


def test_another_host_gives_no_links_rather_than_broken_ones(project, monkeypatch):
    monkeypatch.setenv("REPOSITORY_URL", "https://gitlab.com/civic-data/gz-targets")
    build_site(project.paths)
    page = (project.paths.site / "districts/alpha/index.html").read_text(encoding="utf-8")
    assert "gitlab.com" not in page and "github.com" not in page


def test_a_wrong_setting_is_named_at_its_line(project, without_repository):
    project.edit("content/site.yaml", 'repository: ""', 'repository: "github.com/civic-data"')
    project.write(
        "content/site.yaml",
        (project.root / "content/site.yaml").read_text(encoding="utf-8") + "colour: blue\n",
        dedent=False,
    )
    with pytest.raises(DataErrors) as raised:
        build_site(project.paths)
    messages = [str(e) for e in raised.value.errors]
    text = (project.root / "content/site.yaml").read_text(encoding="utf-8").split("\n")
    repository_line = next(n for n, line in enumerate(text, start=1) if line.startswith("repository:"))
    assert any(m.startswith(f"content/site.yaml:{repository_line}:") and "GitHub repository" in m for m in messages)
    assert any("colour: unknown setting" in m for m in messages)
    assert not project.paths.site.exists()


def test_the_issue_form_is_a_valid_github_form():
    form = yaml.safe_load(ISSUE_FORM.read_text(encoding="utf-8"))
    assert form["name"] and form["description"] and isinstance(form["body"], list)
    ids = [item["id"] for item in form["body"] if "id" in item]
    assert len(ids) == len(set(ids))
    for item in form["body"]:
        assert item["type"] in {"markdown", "input", "textarea", "dropdown", "checkboxes"}
        assert item["attributes"].get("label") or item["type"] == "markdown"


def test_the_email_report_carries_the_cards_text(chromium, project, without_repository):
    """In Chromium: the page writes the record and its address; site.js adds what the card says."""
    project.edit("content/site.yaml", 'editors_email: ""', 'editors_email: "editors@example.org"')
    build_site(project.paths)
    with SiteServer(project.paths.site, ROOT / "netlify.toml") as server:
        context = chromium.new_context(viewport={"width": 390, "height": 800})
        try:
            tab, watch = open_page(context, server.url, "/districts/alpha/")
            link = tab.locator("#alpha-gdp-growth a.report-mail")
            link.dispatch_event("pointerdown")
            body = parse_qs(urlsplit(link.get_attribute("href")).query)["body"][0]
            lines = body.split("\r\n")
            assert lines[0] == "记录：alpha-gdp-growth"
            said = next(line for line in lines if line.startswith("卡片内容："))
            assert "地区生产总值增长" in said and "5.5%" in said and "区发改局" in said
            assert watch.problems == []
        finally:
            context.close()
