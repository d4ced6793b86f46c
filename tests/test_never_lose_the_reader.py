"""Never losing the reader, in a real Chromium on the real site: a search finds a district by its name
and narrows by it with a chip that can be removed; the search page filters by district, topic and kind;
Back undoes exactly one filter on district, topic and search pages; the language switch lands in the
same state in the other language.

Seen to fail before: 海珠 and 海珠区 found none of Haizhu's 118 records and 荔湾 7 of Liwan's 236 (the
index cut 海珠区 as one word, the browser cut the query into 海 + 珠); Back after 量化目标 left it
checked and the list at 43 of 118; the switch dropped ?kind=… and ?q=… and opened at the top.
"""

import re
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from browser import open_page

PHONE = 390


def cards_of(real_site, district: str) -> int:
    """How many records a district has: the cards of its page."""
    page = (real_site / "districts" / district / "index.html").read_text(encoding="utf-8")
    return len(re.findall(r'<article class="record', page))


def settled(tab) -> None:
    """Wait until the search has answered (no longer busy, a status line shown)."""
    tab.wait_for_function(
        "() => { const out = document.getElementById('search-results');"
        " return !out.hasAttribute('aria-busy') && out.querySelector('.search-status'); }"
    )


def every_hit(tab) -> list[str]:
    """The links of all results, pressing "show more" until there is no more."""
    settled(tab)
    while tab.locator(".search-more").count():
        shown = tab.locator(".search-hit").count()
        tab.locator(".search-more").click()
        tab.wait_for_function("n => document.querySelectorAll('.search-hit').length > n", arg=shown)
    return tab.locator(".search-title").evaluate_all("els => els.map(e => e.getAttribute('href'))")


def address(tab) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(tab.url).query).items()}


@pytest.mark.parametrize(
    "page, query, district, name",
    [
        ("/search/", "海珠", "haizhu", "海珠区"),
        ("/search/", "海珠区", "haizhu", "海珠区"),
        ("/search/", "荔湾", "liwan", "荔湾区"),
        ("/search/", "越秀区", "yuexiu", "越秀区"),
        ("/en/search/", "Haizhu", "haizhu", "Haizhu District"),
        ("/en/search/", "Liwan", "liwan", "Liwan District"),
    ],
)
def test_a_districts_name_finds_its_records(browser_contexts, real_server, real_site, page, query, district, name):
    tab, watch = open_page(browser_contexts.get(PHONE), real_server.url, page + "?q=" + quote(query))
    try:
        hits = every_hit(tab)
        prefix = page.replace("search/", "")
        cards = [link for link in hits if link.startswith(f"{prefix}districts/{district}/#")]
        assert len(cards) >= 0.9 * cards_of(real_site, district), (len(cards), len(hits))
        assert len(cards) == len(set(cards))
        assert address(tab) == {"district": district}  # the name became a filter, kept in the address
        assert tab.locator(".search-chip").all_inner_texts() == [f"{name} ×"]
        assert tab.locator("#search-district").input_value() == district
        assert watch.problems == []
    finally:
        tab.close()


@pytest.mark.parametrize(
    "page, query, district, word",
    [
        ("/search/", "海珠 算力", "haizhu", "算力"),
        ("/search/", "荔湾区 就业", "liwan", "就业"),
        ("/en/search/", "Liwan jobs", "liwan", "job"),
        ("/search/", "海珠 第9项", "haizhu", "序号 9"),
    ],
)
def test_a_name_and_a_subject_put_a_matching_record_of_the_district_first(
    browser_contexts, real_server, page, query, district, word
):
    tab, _ = open_page(browser_contexts.get(PHONE), real_server.url, page + "?q=" + quote(query))
    try:
        settled(tab)
        first = tab.locator(".search-hit").first
        link = first.locator(".search-title").get_attribute("href")
        assert link.startswith(page.replace("search/", "") + f"districts/{district}/#"), link
        card = tab.context.new_page()
        try:  # the card itself says it: its words, its topic or its task number
            card.goto(real_server.url + link, wait_until="load")
            text = card.locator(f"#{link.split('#')[1]}").inner_text() + first.inner_text()
        finally:
            card.close()
        assert word.lower() in text.lower(), text
    finally:
        tab.close()


def test_a_chip_removed_widens_the_search_and_back_brings_it_back(browser_contexts, real_server):
    tab, _ = open_page(browser_contexts.get(PHONE), real_server.url, "/search/?q=" + quote("海珠 算力"))
    try:
        settled(tab)
        narrowed = tab.locator(".search-hit").count()
        status = tab.locator(".search-status").inner_text()
        assert address(tab) == {"q": "算力", "district": "haizhu"}
        assert tab.locator("#search-q").input_value() == "算力"

        tab.get_by_role("button", name="取消筛选：海珠区").click()
        tab.wait_for_function("() => !location.search.includes('district=')")
        settled(tab)
        assert tab.locator(".search-chip").count() == 0
        assert tab.locator("#search-district").input_value() == ""
        hits = tab.locator(".search-title").evaluate_all("els => els.map(e => e.getAttribute('href'))")
        assert len(hits) > narrowed or tab.locator(".search-more").count()
        assert not all(h.startswith("/districts/haizhu/") for h in every_hit(tab))

        tab.go_back()
        tab.wait_for_function("() => location.search.includes('district=haizhu')")
        settled(tab)
        assert tab.locator(".search-chip").all_inner_texts() == ["海珠区 ×"]
        assert tab.locator("#search-district").input_value() == "haizhu"
        assert tab.locator(".search-status").inner_text() == status
        assert tab.locator(".search-hit").count() == narrowed
    finally:
        tab.close()


def test_the_search_pages_filters_count_narrow_and_undo_with_back(browser_contexts, real_server):
    tab, _ = open_page(browser_contexts.get(PHONE), real_server.url, "/en/search/?q=jobs")
    try:
        every = len(every_hit(tab))
        offered = tab.locator("#search-kind option[value=target]").inner_text()
        expected = int(re.search(r"\((\d+)\)", offered)[1])  # the choice says how many it keeps
        assert 0 < expected < every

        tab.locator("#search-kind").select_option("target")
        tab.wait_for_function("() => location.search.includes('kind=target')")
        assert len(every_hit(tab)) == expected
        assert tab.locator(".search-chip").all_inner_texts() == ["Quantified targets ×"]

        counts = {
            option.get_attribute("value"): int(re.search(r"\((\d+)\)", option.inner_text())[1])
            for option in tab.locator("#search-district option:not([value=''])").all()
        }
        district = max(counts, key=counts.get)
        assert sum(counts.values()) == expected and 0 < counts[district] < expected, counts
        tab.locator("#search-district").select_option(district)
        tab.wait_for_function("d => location.search.includes('district=' + d)", arg=district)
        in_district = every_hit(tab)
        assert len(in_district) == counts[district]
        assert all(h.startswith(f"/en/districts/{district}/") for h in in_district)

        tab.go_back()  # the district undone, the kind kept
        tab.wait_for_function("() => !location.search.includes('district=')")
        assert len(every_hit(tab)) == expected
        assert tab.locator("#search-kind").input_value() == "target"
        assert tab.locator("#search-district").input_value() == ""

        tab.go_back()  # the kind undone
        tab.wait_for_function("() => !location.search.includes('kind=')")
        assert len(every_hit(tab)) == every
        assert tab.locator("#search-kind").input_value() == ""
        assert tab.locator(".search-chip").count() == 0

        tab.reload()
        assert tab.locator("#search-q").input_value() == "jobs"
        assert len(every_hit(tab)) == every
    finally:
        tab.close()


def test_back_undoes_a_query_typed_then_a_query_submitted(browser_contexts, real_server):
    tab, _ = open_page(browser_contexts.get(PHONE), real_server.url, "/en/search/")
    try:
        tab.locator("#search-q").fill("jobs")  # typed: one history entry, however many letters
        tab.wait_for_function("() => location.search === '?q=jobs'")
        typed = len(every_hit(tab))
        tab.locator("#search-q").fill("Liwan")
        tab.locator("#search-q").press("Enter")  # a name submitted: a filter
        tab.wait_for_function("() => location.search === '?district=liwan'")
        assert tab.locator(".search-chip").all_inner_texts() == ["Liwan District ×"]

        tab.go_back()
        tab.wait_for_function("() => location.search === '?q=jobs'")
        assert tab.locator("#search-q").input_value() == "jobs"
        assert len(every_hit(tab)) == typed and tab.locator(".search-chip").count() == 0
        tab.go_back()
        tab.wait_for_function("() => location.search === ''")
        assert tab.locator("#search-q").input_value() == "" and tab.locator(".search-hit").count() == 0
    finally:
        tab.close()


def test_a_query_that_finds_nothing_suggests_the_district_and_the_words_alone(browser_contexts, real_server):
    tab, _ = open_page(browser_contexts.get(PHONE), real_server.url, "/search/?q=" + quote("算力") + "&district=liwan")
    try:
        settled(tab)
        assert tab.locator(".search-hit").count() == 0
        links = tab.locator(".search-status a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
        assert "/districts/liwan/" in links
        assert "/search/?q=" + quote("算力") in links
    finally:
        tab.close()


def test_a_chinese_word_on_an_english_page_that_finds_nothing_offers_the_chinese_search(browser_contexts, real_server):
    tab, _ = open_page(browser_contexts.get(PHONE), real_server.url, "/search/?q=" + quote("算力"))
    try:
        settled(tab)
        tab.locator(".lang-switch").click()
        tab.wait_for_url("**/en/search/?q=*")
        settled(tab)
        assert tab.locator(".search-hit").count() == 0  # the English index holds no Chinese words cut apart
        tab.locator(".search-status a", has_text="Search the Chinese pages").click()
        tab.wait_for_url("**/search/?q=*")
        settled(tab)
        assert urlsplit(tab.url).path == "/search/" and tab.locator(".search-hit").count() > 0
    finally:
        tab.close()


def page_state(tab) -> tuple:
    """What a reader sees of a filtered list: its cards, its count line, and each control's choice."""
    tab.wait_for_timeout(100)
    return (
        tab.locator("article.record:visible").count(),
        tab.locator(".filter-status").inner_text(),
        tab.locator("input[name=kind]:checked").get_attribute("value"),
        tuple(tab.locator("#filters select").evaluate_all("els => els.map(e => e.value)")),
    )


@pytest.mark.parametrize(
    "page, choose",
    [
        ("/districts/haizhu/", "kind"),
        ("/districts/haizhu/", "topic"),
        ("/districts/haizhu/", "unit"),
        ("/topics/employment/", "kind"),
    ],
)
def test_back_undoes_exactly_one_filter(browser_contexts, real_server, page, choose):
    tab, _ = open_page(browser_contexts.get(PHONE), real_server.url, page)
    try:
        steps = [page_state(tab)]
        if choose == "kind":
            tab.locator("input[name=kind][value=target]").check()
        else:
            tab.locator(f"#filter-{choose}").select_option(index=1)
        steps.append(page_state(tab))
        tab.locator("input[name=kind][value=commitment]").check()  # a second choice after it
        steps.append(page_state(tab))
        assert steps[0][0] > steps[1][0] and steps[1] != steps[2], steps

        tab.go_back()
        assert page_state(tab) == steps[1]
        tab.go_back()
        assert page_state(tab) == steps[0]
        assert urlsplit(tab.url).query == ""
        tab.go_forward()
        assert page_state(tab) == steps[1]
    finally:
        tab.close()


def test_a_filtered_page_left_and_come_back_to_shows_its_filter(browser_contexts, real_server):
    tab, _ = open_page(browser_contexts.get(PHONE), real_server.url, "/districts/haizhu/")
    try:
        every = page_state(tab)
        tab.locator("input[name=kind][value=target]").check()
        chosen = page_state(tab)
        tab.locator(".site-name").click()
        tab.wait_for_url(real_server.url + "/")
        tab.go_back()  # from the back-forward cache, or loaded again
        tab.wait_for_url("**/districts/haizhu/?kind=target")
        assert page_state(tab) == chosen
        tab.go_back()
        assert page_state(tab) == every
    finally:
        tab.close()


def test_the_language_switch_keeps_a_district_pages_filters(browser_contexts, real_server):
    tab, _ = open_page(browser_contexts.get(PHONE), real_server.url, "/districts/haizhu/?kind=target&topic=ai")
    try:
        shown = tab.locator("article.record:visible").count()
        assert 0 < shown < tab.locator("article.record").count()
        tab.locator(".lang-switch").click()
        tab.wait_for_url("**/en/districts/haizhu/?kind=target&topic=ai")
        assert tab.locator("article.record:visible").count() == shown
        assert tab.locator("input[name=kind][value=target]").is_checked()
        assert tab.locator("#filter-topic").input_value() == "ai"
    finally:
        tab.close()


def test_the_language_switch_keeps_a_search_and_its_filters(browser_contexts, real_server):
    tab, _ = open_page(browser_contexts.get(PHONE), real_server.url, "/search/?q=" + quote("海珠 6000"))
    try:
        settled(tab)
        first = tab.locator(".search-title").first.get_attribute("href")
        tab.locator(".lang-switch").click()
        tab.wait_for_url("**/en/search/?**")
        settled(tab)
        assert address(tab) == {"q": "6000", "district": "haizhu"}
        assert tab.locator("#search-q").input_value() == "6000"
        assert tab.locator(".search-chip").all_inner_texts() == ["Haizhu District ×"]
        assert tab.locator(".search-title").first.get_attribute("href") == "/en" + first
    finally:
        tab.close()


def test_the_language_switch_keeps_the_readers_place_on_a_long_page(browser_contexts, real_server):
    tab, _ = open_page(browser_contexts.get(PHONE), real_server.url, "/districts/yuexiu/")
    try:
        card = tab.locator("article.record").nth(150)
        record = card.get_attribute("id")
        card.evaluate("el => el.scrollIntoView({block: 'start'})")
        tab.wait_for_timeout(800)  # the reader reads there, then goes up to the switch (the click scrolls up)
        tab.locator(".lang-switch").click()
        tab.wait_for_url(f"**/en/districts/yuexiu/#{record}")
        tab.wait_for_timeout(200)
        box = tab.locator(f"#{record}").bounding_box()
        assert -1 <= box["y"] < 844 / 2, box  # the same card, at the top of the screen (to a fraction of a pixel)
    finally:
        tab.close()


def test_without_javascript_the_switch_goes_to_the_same_page(browser_contexts, real_server):
    tab, _ = open_page(browser_contexts.get(PHONE, javascript=False), real_server.url, "/districts/haizhu/")
    try:
        assert tab.locator(".lang-switch").get_attribute("href") == "/en/districts/haizhu/"
    finally:
        tab.close()
