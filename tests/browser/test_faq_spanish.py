"""The Spanish FAQ (/es/faq/) in a real browser: axe finds nothing at phone and desktop
width, nothing scrolls sideways, the language links go both ways, the search answers a
Spanish question with the Spanish topic (and falls back in Spanish), and the printed page
holds every Spanish answer with the Spanish disclaimer on each page. Saves
docs/screenshots/faq-es.png (phone width) for the README."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from harness.ports import free_port
from harness.servers import Site
from knowledge_base import load
from tests.browser.test_faq_print import page_texts, squeeze

REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "docs" / "screenshots"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site server alone: layout and print need no assistant."""
    unused_port = free_port()
    served = Site(tmp_path_factory.mktemp("faq-es"), rasa_port=unused_port)
    yield served
    served.stop()


def open_page(browser, site, path, width, height, scale=1):
    context = browser.new_context(
        viewport={"width": width, "height": height}, device_scale_factor=scale
    )
    page = context.new_page()
    page.goto(site.url(path))
    page.wait_for_load_state("load")
    return context, page


def axe_violations(page):
    # Over the DevTools protocol: the site's CSP forbids an injected inline <script>.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
    ]


def search(page, query):
    """The result links (href, text) once the search has answered."""
    page.fill("#faq-search-input", query)
    page.click(".faq-search button[type=submit]")
    page.wait_for_function(
        "document.getElementById('faq-search-status').textContent"
        " && !document.getElementById('faq-search-status').textContent.startsWith('Buscando')",
        timeout=20000,
    )
    links = page.locator("#faq-search-results a").all()
    return [(a.get_attribute("href"), a.inner_text()) for a in links]


@pytest.mark.parametrize(
    "path, width, height, name",
    [
        ("/es/faq/", 360, 740, "faq-es"),
        ("/es/faq/", 1280, 800, None),
        ("/es/faq/states/#PA", 360, 740, None),
        ("/es/faq/states/", 1280, 800, None),
    ],
    ids=["faq-phone", "faq-desktop", "states-phone", "states-desktop"],
)
def test_axe_finds_no_violation_and_the_page_is_spanish(site, browser, path, width, height, name):
    context, page = open_page(browser, site, path, width, height)
    try:
        assert page.evaluate("document.documentElement.lang") == "es"
        assert axe_violations(page) == []
        link = page.locator(".faq-lang a")
        assert link.inner_text() == "English" and link.get_attribute("lang") == "en"
        if name:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/es/faq/", "/es/faq/states/"])
def test_nothing_scrolls_sideways_on_a_320px_phone(site, browser, path):
    context, page = open_page(browser, site, path, 320, 640)
    try:
        sizes = page.evaluate(
            "({scroll: document.documentElement.scrollWidth,"
            " client: document.documentElement.clientWidth})"
        )
        assert sizes["scroll"] <= sizes["client"], sizes
    finally:
        context.close()


def test_the_language_links_go_both_ways_and_keep_the_topic_anchors(site, browser):
    kb = load()
    context, page = open_page(browser, site, "/faq/", 1280, 800)
    try:
        page.click(".faq-lang a")
        page.wait_for_load_state("load")
        assert page.url.endswith("/es/faq/")
        assert page.locator("h1").inner_text() == "Mediación del IEP: preguntas y respuestas"
        for topic in kb.topics.values():
            assert page.locator(f"article#{topic.id} h3").inner_text() == topic.es.question
        assert kb.notice.es.disclaimer in page.locator(".faq-disclaimer").inner_text()
        assert page.locator("#help a[href='/es/faq/states/']").count() == 1
        # The print button is shown once the script runs (without it, it stays hidden).
        button = page.locator("#faq-print")
        assert button.is_visible() and button.inner_text() == "Imprimir estas respuestas"
        page.goto(site.url("/es/faq/#cost"))
        assert page.locator("article#cost .faq-answer").inner_text() == kb.topic("cost").es.answer
        page.click(".faq-lang a")
        page.wait_for_load_state("load")
        assert page.url.endswith("/faq/")
        assert page.evaluate("document.documentElement.lang") == "en"
    finally:
        context.close()


def test_the_spanish_state_directory_has_spanish_names_and_every_state(site, browser):
    context, page = open_page(browser, site, "/es/faq/states/#PA", 1280, 800)
    try:
        assert page.locator("section.faq-state").count() == 52
        assert page.locator("#PA h2").inner_text() == "Pensilvania"
        assert "Oficina de resolución de conflictos" in page.locator("#PA").inner_text()
    finally:
        context.close()


def test_the_offline_search_answers_in_spanish(site, browser):
    """The site alone (the assistant is not running): the text match, accents or not."""
    kb = load()
    context, page = open_page(browser, site, "/es/faq/", 1280, 800)
    try:
        results = search(page, "acuerdo obligatorio")
        assert ("#agreement_binding", kb.topic("agreement_binding").es.title) in results
        assert "no responde" in page.locator("#faq-search-status").inner_text()
        assert search(page, "mediacion") and search(page, "mediación")
        assert search(page, "xyzzy plugh") == []
        help_link = page.locator("#faq-search-status a")
        assert help_link.inner_text() == "Hable con una persona"
    finally:
        context.close()


@pytest.fixture(scope="module")
def printed(site, browser):
    """/es/faq/ printed to US Letter as a browser's "Save as PDF" does."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.goto(site.url("/es/faq/"))
        page.emulate_media(media="print")
        hidden = page.evaluate(
            "['.faq-search', '.faq-toc-nav', '.faq-related', '.faq-lang', '.faq-print-link',"
            " '.faq-top'].map(s => [...document.querySelectorAll(s)]"
            ".every(e => e.offsetParent === null))"
        )
        yield pdfium.PdfDocument(page.pdf(format="Letter", print_background=True)), hidden
    finally:
        context.close()


def test_the_printed_spanish_faq_has_every_answer_and_the_disclaimer_on_each_page(printed):
    pdf, hidden = printed
    kb = load()
    texts = page_texts(pdf)
    assert len(texts) > 3
    disclaimer = squeeze(kb.notice.es.disclaimer)
    assert [n + 1 for n, t in enumerate(texts) if disclaimer not in squeeze(t)] == []
    text = squeeze("".join(texts))
    for topic in kb.topics.values():
        assert squeeze(topic.es.answer) in text, topic.id
        assert squeeze(topic.es.details or "") in text, topic.id
        assert squeeze(topic.answer) not in text, topic.id
        for url in [kb.references[r].url for r in topic.source.references]:
            assert squeeze(f"<{url}>") in text, (topic.id, url)
    assert hidden == [True] * 6
    plain = "".join(texts)
    for chrome in ("Busque entre las preguntas", "Relacionado con", "Volver arriba", "English"):
        assert chrome not in plain, chrome


def test_a_spanish_question_finds_the_spanish_topic(stack, page):
    """With the assistant: its NLU reads the Spanish question; the page lists the topic
    under its Spanish title, and says so in Spanish."""
    _, site = stack
    kb = load()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(site.url("/es/faq/"))
    for query, topic in (
        ("es gratis", "cost"),
        ("puedo llevar un abogado", "attorneys"),
        ("que pasa si no llegamos a un acuerdo", "outcome_no_agreement"),
    ):
        results = search(page, query)
        assert results[0] == (f"#{topic}", kb.topic(topic).es.title), (query, results)
        assert page.locator("#faq-search-status").inner_text() == (
            "Las preguntas que más se parecen:"
        )
        assert all(not re.search(r"\b(the|and|you|can)\b", title, re.I) for _, title in results)
    page.click("#faq-search-results a >> nth=0")
    assert page.evaluate("location.hash") == "#outcome_no_agreement"
    answer = page.locator("article#outcome_no_agreement .faq-answer").inner_text()
    assert answer == kb.topic("outcome_no_agreement").es.answer
    assert errors == []
