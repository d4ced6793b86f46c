"""The search index as the build makes it: what each entry holds, that a build is repeatable, and a
clear message when Pagefind is missing. (Searching it in Chromium: tests/test_find_and_follow.py.)"""

import json

import pytest

from pipeline import search_index
from pipeline.builder import build_site, prepare_site
from pipeline.errors import unexpected_error_message
from pipeline.pages import search as search_pages
from pipeline.search_index import SearchEntry, SearchIndexError, entry_page


def test_every_record_is_an_entry_in_each_language_linked_to_its_card(project):
    site = prepare_site(project.paths)
    entries = list(search_pages.search_entries(site.files.site))
    records = site.files.site.tables.records
    for lang, prefix in (("zh", "/"), ("en", "/en/")):
        cards = {e.url: e for e in entries if e.language == lang and "#" in e.url}
        assert set(cards) == {f"{prefix}districts/{d}/#{r}" for d, r in zip(records["district"], records["id"])}
    gdp = next(e for e in entries if e.url == "/en/districts/alpha/#alpha-gdp-growth")
    assert gdp.meta["title"] == "GDP growth"
    assert gdp.meta["where"].count(" · ") == 2  # district · topic · kind
    assert "地区生产总值增长5.5%" in gdp.content  # the quote, so a Chinese phrase finds an English card
    pages = {e.url for e in entries if "#" not in e.url}
    assert {"/topics/gdp/", "/en/districts/alpha/", "/sources/alpha-tasks/"} <= pages


def test_each_entry_carries_its_district_topic_kind_and_lead_units_as_filters(project):
    site = prepare_site(project.paths)
    entries = {e.url: e for e in search_pages.search_entries(site.files.site)}
    gdp = entries["/districts/alpha/#alpha-gdp-growth"]
    assert gdp.filters == {"district": ("alpha",), "topic": ("gdp",), "kind": ("target",), "unit": ("区发改局",)}
    assert "第1项" in gdp.content and "task 1" in entries["/en/districts/alpha/#alpha-gdp-growth"].content
    assert entries["/en/districts/alpha/"].filters == {"district": ("alpha",), "kind": ("district",)}
    assert entries["/topics/gdp/"].filters == {"topic": ("gdp",), "kind": ("topic",)}
    assert entries["/sources/alpha-tasks/"].filters == {"district": ("alpha",), "kind": ("source",)}
    page = entry_page(gdp)
    assert '<meta data-pagefind-filter="district[content]" content="alpha">' in page
    assert '<meta data-pagefind-filter="unit[content]" content="区发改局">' in page


def test_the_search_page_knows_each_districts_and_topics_names_in_both_languages(project):
    build_site(project.paths)
    page = (project.paths.site / "en/search/index.html").read_text(encoding="utf-8")
    text = json.loads(page.split('<script type="application/json" id="search-text">')[1].split("</script>")[0])
    names = {tuple(name) for name in text["names"]}
    assert {("Alpha District", "district", "alpha"), ("Alpha", "district", "alpha")} <= names
    assert ("GDP", "topic", "gdp") in names
    lengths = [len(name[0]) for name in text["names"]]
    assert lengths == sorted(lengths, reverse=True)  # 海珠区 is taken before 海珠
    assert text["pages"]["district"]["alpha"] == "/en/districts/alpha/"


def test_an_entry_page_keeps_markup_in_the_data_as_text():
    page = entry_page(
        SearchEntry("/districts/a/#x", "en", "<script>alert(1)</script>", {"title": 'a "b" <i>', "where": "A · B · C"})
    )
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert 'content="a &quot;b&quot; &lt;i&gt;"' in page


def test_the_index_is_the_same_from_one_build_to_the_next(project):
    build_site(project.paths)
    first = {
        p.relative_to(project.paths.site): p.read_bytes()
        for p in (project.paths.site / "pagefind").rglob("*")
        if p.is_file()
    }
    build_site(project.paths)
    second = {
        p.relative_to(project.paths.site): p.read_bytes()
        for p in (project.paths.site / "pagefind").rglob("*")
        if p.is_file()
    }
    assert first == second
    entry = json.loads(first[next(p for p in first if p.name == "pagefind-entry.json")])
    assert set(entry["languages"]) == {"zh", "en"}
    assert not [p for p in first if p.name.startswith("pagefind-ui") or "component" in p.name]  # its own UIs left out


def test_without_pagefind_the_build_says_what_to_install_and_writes_nothing(project, monkeypatch):
    monkeypatch.setattr(search_index, "get_executable", lambda: None)
    with pytest.raises(SearchIndexError) as raised:
        build_site(project.paths)
    message = unexpected_error_message(raised.value, project.root)
    assert "pip install -r requirements.txt" in message and message.endswith("nothing was written")
    assert "Traceback" not in message and not project.paths.site.exists()


def test_a_site_too_large_to_search_says_so_and_has_no_index(project, monkeypatch):
    monkeypatch.setattr(search_pages, "SEARCH_RECORDS_MAX", 3)  # the scratch project has 4 records
    build_site(project.paths)
    assert not (project.paths.site / "pagefind").exists()
    page = (project.paths.site / "en/search/index.html").read_text(encoding="utf-8")
    assert "too many records to be searched" in page
    assert 'id="search-form"' not in page and "search." not in page.split("<footer")[1]
