"""The FAQ self-service page in a real browser: anchors, NLU search, and the fallback.
(Layout, accessibility and print, with the README's screenshots: test_faq_layout.py,
test_faq_print.py.)"""

from __future__ import annotations

from knowledge_base import load


def search(page, query):
    page.fill("#faq-search-input", query)
    page.click(".faq-search button")
    page.wait_for_function(
        "document.getElementById('faq-search-status').textContent"
        " && !document.getElementById('faq-search-status').textContent.startsWith('Searching')",
        timeout=20000,
    )
    return [a.get_attribute("href") for a in page.locator("#faq-search-results a").all()]


def test_every_topic_has_its_anchor_and_search_uses_the_nlu(stack, page):
    """As deployed: the page on the site's origin calls the assistant on another (a doubled
    Access-Control-Allow-Origin once broke this in every browser), under the site's CSP."""
    _, site = stack
    errors = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(site.url("/faq/"))
    kb = load()
    for topic in kb.topics:
        assert page.locator(f"article#{topic} h3").count() == 1, topic
    assert "Pennsylvania:" in page.locator("article#stay_put .faq-states").inner_text()
    assert kb.notice.disclaimer in page.locator(".faq-disclaimer").inner_text()
    assert search(page, "who pays for this")[0] == "#cost"
    assert search(page, "can the district force us to mediate")[0] == "#voluntary"
    assert search(page, "how long is a session")[0] == "#duration"
    assert "Best matching" in page.locator("#faq-search-status").inner_text()
    assert errors == []


def test_search_falls_back_to_text_match_without_the_assistant(stack, page):
    servers, site = stack
    page.goto(site.url("/faq/"))
    servers.stop_rasa()
    try:
        results = search(page, "binding agreement")
        assert "#agreement_binding" in results
        assert "not reachable" in page.locator("#faq-search-status").inner_text()
    finally:
        servers.start_rasa()


def test_a_search_with_no_match_links_to_a_person(stack, page):
    """A query the NLU finds nothing for (in a language the assistant does not read) gets a
    link to the help contacts, not only "see below" (issue 20); a Spanish one is read."""
    _, site = stack
    page.goto(site.url("/faq/"))
    assert "#cost" in search(page, "la mediacion es gratis para los padres?")
    assert search(page, "Посредничество бесплатное для родителей?") == []
    link = page.locator("#faq-search-status a")
    assert link.get_attribute("href") == "#help"
    link.click()
    assert page.evaluate("location.hash") == "#help"
