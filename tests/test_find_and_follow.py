"""Finding one record among 623, in a real Chromium on the real site: search, filters, the district
names of a comparison on a phone, and links that keep their place.

Seen to fail: with the comparison columns in a scrolling box (as they were), the sticky-heading
test found 海珠区's name scrolled away; the fragment test failed with the switch linking to the
page alone.
"""

import re
from urllib.parse import quote

import pytest
from browser import open_page

PHONE = 390


def card_in_view(tab, record_id: str) -> bool:
    """The card the address points at is on screen."""
    return tab.evaluate(
        """id => { const card = document.getElementById(id);
        const box = card.getBoundingClientRect();
        return location.hash === "#" + id && box.top >= -2 && box.top < innerHeight; }""",
        record_id,
    )


def search_from_home(tab, query: str) -> None:
    tab.locator(".site-header nav a", has_text=re.compile("^(搜索|Search)$")).click()
    tab.locator("#search-q").fill(query)
    tab.locator("#search-q").press("Enter")
    tab.wait_for_selector(".search-hit")


@pytest.mark.parametrize(
    "home, query, expected",
    [
        ("/", "创业", "/districts/"),  # not 就业: a topic's name becomes a filter (test_search_by_name.py)
        ("/en/", "jobs", "/en/districts/"),
    ],
)
def test_a_search_from_the_home_page_finds_cards_of_several_districts(
    browser_contexts, real_server, home, query, expected
):
    tab, watch = open_page(browser_contexts.get(PHONE), real_server.url, home)
    try:
        search_from_home(tab, query)
        assert f"q={quote(query)}" in tab.url  # the search can be shared
        links = tab.locator(".search-title").evaluate_all("els => els.map(e => e.getAttribute('href'))")
        cards = [link for link in links if link.startswith(expected) and "#" in link]
        assert len({link.split("/")[-2] for link in cards}) >= 2, links  # several districts
        target = cards[0]
        hit = tab.locator(".search-hit").filter(has=tab.locator(f'a[href="{target}"]'))
        assert hit.locator(".search-where").inner_text().count(" · ") == 2  # district · topic · kind
        assert hit.locator(".search-excerpt mark").count() > 0  # the matching words are shown

        tab.locator(f'.search-title[href="{target}"]').first.click()
        tab.wait_for_url(f"**{target}")
        tab.wait_for_timeout(200)
        assert card_in_view(tab, target.split("#")[1])
        assert watch.problems == []
    finally:
        tab.close()


@pytest.mark.parametrize(
    "url, record",
    [
        ("/search/?q=算力", "/districts/haizhu/#haizhu-t06-schedulable-computing-power"),
        ("/en/search/?q=computing%20power", "/en/districts/haizhu/#haizhu-t06-schedulable-computing-power"),
    ],
)
def test_a_shared_search_finds_haizhus_computing_power_target(browser_contexts, real_server, url, record):
    tab, watch = open_page(browser_contexts.get(PHONE), real_server.url, url)
    try:
        tab.wait_for_selector(".search-hit")
        first = tab.locator(".search-hit").first
        assert first.locator(".search-title").get_attribute("href") == record
        assert "6000P" in first.inner_text() or "6,000" in first.inner_text()
        assert watch.problems == []
    finally:
        tab.close()


def test_a_search_without_a_hit_says_so_and_offers_the_topics(browser_contexts, real_server):
    tab, _ = open_page(browser_contexts.get(PHONE), real_server.url, "/en/search/?q=zzqqxx")
    try:
        status = tab.locator(".search-status")
        status.filter(has_text="Nothing found").wait_for()
        assert "zzqqxx" in status.inner_text()
        links = status.locator("a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
        assert links == ["/en/#topics", "/search/?q=zzqqxx"]  # the topics, and the same search in Chinese
    finally:
        tab.close()


def test_without_javascript_the_search_page_says_it_needs_it(browser_contexts, real_server):
    tab, _ = open_page(browser_contexts.get(PHONE, javascript=False), real_server.url, "/search/?q=算力")
    try:
        note = tab.locator("#search-needs-js")
        assert note.is_visible() and "JavaScript" in note.inner_text()
        assert [a.get_attribute("href") for a in note.locator("a").all()] == ["/#topics", "/#districts"]
        assert not tab.locator("#search-form").is_visible()
    finally:
        tab.close()


def test_search_files_load_only_when_a_reader_searches(browser_contexts, real_server):
    tab = browser_contexts.get(PHONE).new_page()
    fetched = []
    tab.on("request", lambda request: fetched.append(request.url))
    try:
        tab.goto(real_server.url + "/search/", wait_until="load")
        tab.wait_for_timeout(300)
        assert not [url for url in fetched if "/pagefind/" in url]
        tab.locator("#search-q").fill("GDP")
        tab.wait_for_selector(".search-hit")
        assert [url for url in fetched if url.endswith("/pagefind/pagefind.js")]
    finally:
        tab.close()


def test_filters_narrow_the_list_and_survive_a_reload_and_the_back_button(browser_contexts, real_server):
    tab, watch = open_page(browser_contexts.get(PHONE), real_server.url, "/districts/haizhu/")
    try:
        every = tab.locator("article.record").count()
        tab.locator("input[name=kind][value=target]").check()
        tab.locator("#filter-topic").select_option("ai")
        shown = tab.locator("article.record:visible")
        narrowed = shown.count()
        assert 0 < narrowed < every
        assert all("commitment" not in (c or "") for c in shown.evaluate_all("els => els.map(e => e.className)"))
        # AI's own section, and the cards of other topics tagged with AI (tests/test_one_count.py).
        assert (
            tab.locator("section[data-topic]:visible").evaluate_all("els => els.map(e => e.dataset.topic)")[0] == "ai"
        )
        assert tab.locator("input[name=kind][value=target]").evaluate(
            "el => el.parentNode.querySelector('.filter-count').textContent"
        ) == str(narrowed)
        assert "kind=target" in tab.url and "topic=ai" in tab.url

        tab.reload()
        assert tab.locator("article.record:visible").count() == narrowed
        assert tab.locator("input[name=kind][value=target]").is_checked()
        assert str(narrowed) in tab.locator(".filter-status").inner_text()

        tab.go_back()  # the topic choice is undone, the kind kept
        tab.wait_for_function("() => !location.search.includes('topic=')")
        assert narrowed < tab.locator("article.record:visible").count() < every
        assert watch.problems == []
    finally:
        tab.close()


def test_filter_by_lead_unit_on_haizhus_page(browser_contexts, real_server):
    tab, _ = open_page(browser_contexts.get(1280), real_server.url, "/districts/haizhu/?unit=" + quote("区人社局"))
    try:
        shown = tab.locator("article.record:visible")
        assert shown.count() > 0
        assert all("区人社局" in text for text in shown.locator(".record-meta").all_inner_texts())
    finally:
        tab.close()


def test_without_javascript_every_record_shows(browser_contexts, real_server):
    tab, _ = open_page(browser_contexts.get(PHONE, javascript=False), real_server.url, "/districts/yuexiu/?kind=actual")
    try:
        assert not tab.locator("#filters").is_visible()
        assert tab.locator("article.record:visible").count() == tab.locator("article.record").count() > 200
    finally:
        tab.close()


def test_district_names_stay_in_view_while_a_comparison_scrolls_on_a_phone(browser_contexts, real_server):
    tab, _ = open_page(browser_contexts.get(PHONE), real_server.url, "/topics/employment/")
    try:
        for district in ("haizhu", "yuexiu", "liwan"):
            column = tab.locator(f'section[aria-labelledby="col-{district}"]')
            cards = column.locator("article.record")
            cards.nth(cards.count() - 1).scroll_into_view_if_needed()
            heading = tab.locator(f"#col-{district}").bounding_box()
            assert -1 <= heading["y"] <= 1, (district, heading)  # stuck at the top of the screen
        width = tab.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE  # nothing to swipe sideways to
    finally:
        tab.close()


def test_a_linked_card_lands_with_its_district_in_view(browser_contexts, real_server, real_site):
    page = (real_site / "topics/employment/index.html").read_text(encoding="utf-8")
    liwan = page[page.index('id="col-liwan"') :]
    record = re.search(r'<article class="record[^"]*" id="([a-z0-9-]+)"', liwan)[1]
    tab, _ = open_page(browser_contexts.get(PHONE), real_server.url, f"/topics/employment/#{record}")
    try:
        tab.wait_for_timeout(200)
        card = tab.locator(f"#{record}").bounding_box()
        heading = tab.locator("#col-liwan").bounding_box()
        assert heading["y"] >= -1 and heading["y"] + heading["height"] <= card["y"] + 1, (heading, card)
        assert tab.locator(".compare-switch a").all_inner_texts() == ["海珠区", "越秀区", "荔湾区"]
    finally:
        tab.close()


def test_the_language_switch_keeps_the_place_on_the_page(browser_contexts, real_server):
    url = "/districts/haizhu/#haizhu-t06-schedulable-computing-power"
    tab, _ = open_page(browser_contexts.get(1280), real_server.url, url)
    try:
        tab.locator(".lang-switch").click()
        tab.wait_for_url("**/en/districts/haizhu/#haizhu-t06-schedulable-computing-power")
        tab.evaluate("location.hash = '#haizhu-t01-gdp-growth'")
        tab.locator(".lang-switch").click()
        tab.wait_for_url("**/districts/haizhu/#haizhu-t01-gdp-growth")
        assert "/en/" not in tab.url
    finally:
        tab.close()


def test_a_cards_copy_button_copies_its_address(chromium, real_server):
    context = chromium.new_context(viewport={"width": PHONE, "height": 800})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=real_server.url)
    try:
        tab = context.new_page()
        tab.goto(real_server.url + "/topics/ai/", wait_until="load")
        card = tab.locator("#haizhu-t06-schedulable-computing-power")
        card.locator("button.copy-link").click()
        copied = tab.evaluate("navigator.clipboard.readText()")
        assert copied == real_server.url + "/districts/haizhu/#haizhu-t06-schedulable-computing-power"
        assert card.locator("button.copy-link").inner_text() == "已复制"
    finally:
        context.close()
