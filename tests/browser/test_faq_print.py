"""The FAQ printed (Chromium's own PDF): every answer and its details, the sources with
their addresses written out, the disclaimer on every page, and no search box. Saves the
first page as docs/screenshots/faq-print.png for the README."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from harness.ports import free_port
from harness.servers import Site
from knowledge_base import load

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "docs" / "screenshots"


def squeeze(text: str) -> str:
    """Text without whitespace: the PDF breaks lines (and long addresses) where it likes;
    PDFium reads a hyphen it finds at a line break as U+FFFE."""
    return re.sub(r"\s+", "", text.replace("\ufffe", "-"))


@pytest.fixture(scope="module")
def printed(tmp_path_factory, browser):
    """The FAQ page, printed to US Letter as a browser's "Save as PDF" does."""
    unused_port = free_port()
    site = Site(tmp_path_factory.mktemp("faq-print"), rasa_port=unused_port)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.goto(site.url("/faq/"))
        page.emulate_media(media="print")
        hidden = page.evaluate(
            "['.faq-search', '.faq-toc-nav', '.faq-related']"
            ".map(s => [...document.querySelectorAll(s)].every(e => e.offsetParent === null))"
        )
        pdf = pdfium.PdfDocument(page.pdf(format="Letter", print_background=True))
        yield pdf, hidden
    finally:
        context.close()
        site.stop()


def page_texts(pdf: pdfium.PdfDocument) -> list:
    return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]


def test_the_disclaimer_is_on_every_printed_page(printed):
    pdf, _ = printed
    kb = load()
    texts = page_texts(pdf)
    assert len(texts) > 3
    missing = [
        n + 1 for n, text in enumerate(texts) if squeeze(kb.notice.disclaimer) not in squeeze(text)
    ]
    assert missing == []


def test_every_answer_its_details_and_its_sources_addresses_are_printed(printed):
    pdf, _ = printed
    kb = load()
    text = squeeze("".join(page_texts(pdf)))
    for topic in kb.topics.values():
        assert squeeze(topic.answer) in text, topic.id
        assert squeeze(topic.details) in text, topic.id
        urls = [kb.references[r].url for r in topic.source.references]
        urls += [kb.regulation_section(r).url for r in topic.regulation_refs]
        for url in urls:
            assert squeeze(f"<{url}>") in text, (topic.id, url)
    assert squeeze(f"<{kb.article.url}>") in text
    for contact in kb.help_contacts:
        assert squeeze(contact.name) in text


def test_search_box_and_jump_links_are_not_printed(printed):
    pdf, hidden = printed
    assert hidden == [True, True, True]
    text = "".join(page_texts(pdf))
    assert "Search the questions" not in text
    assert "Related to" not in text


def test_first_printed_page_is_saved_for_the_readme(printed):
    pdf, _ = printed
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    image = pdf[0].render(scale=100 / 72).to_pil()  # 100 dpi: 850x1100 for US Letter
    image.save(SCREENSHOTS / "faq-print.png")
    assert image.size == (850, 1100)
