"""The FAQ page on a phone and a desktop, at 320 px and at 200 % zoom: axe finds nothing,
nothing scrolls sideways, every address is a link, and each area opens with the disclaimer.
Saves docs/screenshots/faq-phone.png and faq-desktop.png for the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from harness.ports import free_port
from harness.servers import Site
from knowledge_base import load

REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "docs" / "screenshots"
# What counts as an address in text: it must be inside a link.
ADDRESS = r"https?://|\bwww\.|[\w.+-]+@[\w-]+\.[\w.]+|\d{3}[ .-]\d{3}[ .-]\d{4}"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site server alone: the page's layout needs no assistant."""
    unused_port = free_port()
    served = Site(tmp_path_factory.mktemp("faq-layout"), rasa_port=unused_port)
    yield served
    served.stop()


def open_faq(browser, site, width, height, scale=1):
    context = browser.new_context(
        viewport={"width": width, "height": height}, device_scale_factor=scale
    )
    page = context.new_page()
    page.goto(site.url("/faq/"))
    page.wait_for_load_state("load")
    return context, page


@pytest.mark.parametrize(
    "width, height, name", [(360, 740, "faq-phone"), (1280, 800, "faq-desktop")]
)
def test_axe_finds_no_violation_of_any_impact(site, browser, width, height, name):
    context, page = open_faq(browser, site, width, height)
    try:
        # Over the DevTools protocol: the site's CSP forbids an injected inline <script>.
        page.evaluate(AXE.read_text(encoding="utf-8"))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        violations = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in result["violations"]
        ]
        assert violations == []
        landmarks = page.evaluate(
            "[...document.querySelectorAll('nav, [role=navigation]')]"
            ".map(n => n.getAttribute('aria-label'))"
        )
        assert len(landmarks) == len(set(landmarks)) and len(landmarks) <= 2, landmarks
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    finally:
        context.close()


@pytest.mark.parametrize(
    "width, height, scale",
    [(320, 640, 1), (640, 400, 2)],  # a 320 px phone; a 1280x800 window at 200 % zoom
    ids=["320px", "zoom-200"],
)
def test_nothing_scrolls_sideways(site, browser, width, height, scale):
    context, page = open_faq(browser, site, width, height, scale)
    try:
        sizes = page.evaluate(
            "({scroll: document.documentElement.scrollWidth,"
            " client: document.documentElement.clientWidth})"
        )
        assert sizes["scroll"] <= sizes["client"], sizes
        too_wide = page.evaluate(
            "[...document.querySelectorAll('main *, header *')].filter(e =>"
            " e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)"
            ".map(e => e.tagName + '.' + e.className).slice(0, 5)"
        )
        assert too_wide == []
        for selector in ("#faq-search-input", ".faq-search button", "#help"):
            box = page.locator(selector).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, selector
    finally:
        context.close()


def test_every_address_is_a_link_and_every_source_links_to_its_text(site, browser):
    kb = load()
    context, page = open_faq(browser, site, 1280, 800)
    try:
        unlinked = page.evaluate(
            """(pattern) => {
              const re = new RegExp(pattern, 'i'), found = [];
              const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
              for (let n = walk.nextNode(); n; n = walk.nextNode()) {
                if (!n.parentElement.closest('a, script') && re.test(n.textContent))
                  found.push(n.textContent.trim().slice(0, 80));
              }
              return found;
            }""",
            ADDRESS,
        )
        assert unlinked == []
        in_text = [
            url
            for text in [c.how for c in kb.help_contacts]
            + [n.note for n in kb.state_notes]
            + [t.answer + " " + t.details for t in kb.topics.values()]
            for url in re.findall(r"https?://[^\s)]+[^\s).,;]", text)
        ]
        assert in_text, "the knowledge base names some web address in its text"
        for url in in_text:
            assert page.locator(f'a[href="{url}"]').count() >= 1, url
        for topic in kb.topics.values():
            hrefs = page.eval_on_selector_all(
                f"article#{topic.id} .faq-source a",
                "links => links.map(a => a.getAttribute('href'))",
            )
            expected = [kb.references[r].url for r in topic.source.references]
            if topic.article_refs:
                expected.append(kb.article.url)
            expected += [kb.regulation_section(r).url for r in topic.regulation_refs]
            assert set(expected) <= set(hrefs), topic.id
    finally:
        context.close()


def test_each_area_opens_with_the_disclaimer(site, browser):
    kb = load()
    context, page = open_faq(browser, site, 360, 740)
    try:
        areas = page.locator("section.faq-area")
        assert areas.count() == len(kb.areas)
        for index in range(areas.count()):
            area = areas.nth(index)
            notice = area.locator("h2 + p")
            assert notice.inner_text().strip() == kb.notice.disclaimer
            assert notice.is_visible()
            first_topic = area.locator("article.faq-topic").first.bounding_box()
            assert notice.bounding_box()["y"] < first_topic["y"]
    finally:
        context.close()


def test_the_search_box_is_on_the_first_phone_screen(site, browser):
    """A parent on a phone sees the search box without scrolling (issue 20: it was below
    the first screen, under the notice and the sources)."""
    context, page = open_faq(browser, site, 375, 667)
    try:
        box = page.locator("#faq-search-input").bounding_box()
        assert box is not None and box["y"] + box["height"] <= 667
        # The notice still comes before the first answer.
        assert (
            page.locator(".faq-disclaimer").bounding_box()["y"]
            < page.locator("article.faq-topic").first.bounding_box()["y"]
        )
    finally:
        context.close()


@pytest.mark.parametrize("width, height", [(320, 640), (1280, 800)])
def test_the_state_directory_is_accessible_and_fits_a_phone(site, browser, width, height):
    """/faq/states/: every state has its anchor, axe finds nothing, nothing scrolls
    sideways at 320 px (the long agency addresses are link targets, not text)."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        page.goto(site.url("/faq/states/#PA"))
        page.wait_for_load_state("load")
        page.evaluate(AXE.read_text(encoding="utf-8"))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        assert [(v["id"], v["impact"]) for v in result["violations"]] == []
        sizes = page.evaluate(
            "({scroll: document.documentElement.scrollWidth,"
            " client: document.documentElement.clientWidth})"
        )
        assert sizes["scroll"] <= sizes["client"], sizes
        kb = load()
        office = kb.state_offices["PA"].office
        link = page.locator(f"#PA a[href='{office.url}']")
        assert link.inner_text() == office.name
        assert page.locator("section.faq-state").count() == 52
        # The FAQ's help section links here.
        page.goto(site.url("/faq/"))
        assert page.locator("#help a[href='/faq/states/']").count() == 1
    finally:
        context.close()
