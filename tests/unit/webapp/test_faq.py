"""The FAQ page and JSON come from the knowledge base: every topic, by area, with anchors;
every source and address a link; the disclaimer at the top of each area."""

from __future__ import annotations

import json
import re
from html import escape
from html.parser import HTMLParser

from scripts.build_site import build
from webapp.faq import citation_html, faq_document, faq_html, source_html
from webapp.linkify import linkify


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids, self.scripts = [], []

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "script":
            self.scripts.append(attrs.get("src"))


def test_json_has_every_topic_once_grouped_by_area_in_order(kb):
    document = faq_document(kb)
    assert [a["id"] for a in document["areas"]] == [a.id for a in kb.areas]
    ids = [t["id"] for a in document["areas"] for t in a["topics"]]
    assert sorted(ids) == sorted(kb.topics) and len(ids) == len(set(ids))
    cost = next(t for a in document["areas"] for t in a["topics"] if t["id"] == "cost")
    assert cost["answer"] == kb.topic("cost").answer
    assert cost["federal_note"]["citation"] == kb.topic("cost").federal_note.citation
    assert cost["source"].startswith("Source:") and cost["anchor"] == "#cost"


def test_page_has_a_stable_anchor_and_the_full_entry_per_topic(kb):
    page = faq_html(kb, "http://localhost:5005")
    parser = _Ids()
    parser.feed(page)
    for topic in kb.topics.values():
        assert topic.id in parser.ids
        article = re.search(
            rf'<article class="faq-topic" id="{topic.id}"[^>]*>(.*?)</article>', page, re.S
        )
        body = article.group(1)
        assert topic.question.replace("'", "&#x27;") in body or topic.question in body
        assert "faq-source" in body
        if topic.federal_note:
            assert "What federal law says" in body
    assert parser.scripts == ["/faq/faq.js"]


def test_page_escapes_text_from_the_knowledge_base(kb, monkeypatch):
    topic = kb.topic("cost")
    monkeypatch.setattr(
        type(topic), "answer", property(lambda self: "<script>alert(1)</script>"), raising=False
    )
    page = faq_html(kb, "http://localhost:5005")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_built_site_has_pages_widget_client_and_json(tmp_path, kb):
    build(tmp_path / "site", "http://example.test:5005")
    out = tmp_path / "site"
    assert (out / "vendor" / "socket.io.min.js").stat().st_size > 10_000
    assert json.loads((out / "faq.json").read_text())["version"] == 2
    assert 'data-rasa-url="http://example.test:5005"' in (out / "faq" / "index.html").read_text()
    for page in (out / "demo").glob("*.html"):
        assert '<script src="/demo/chat-config.js">' in page.read_text()
    contacts = json.loads((out / "widget" / "help-contacts.json").read_text())
    assert contacts["help_contacts"] == [{"name": c.name, "how": c.how} for c in kb.help_contacts]
    config = (out / "demo" / "chat-config.js").read_text()
    assert "__RASA_URL__" not in config and 'serverUrl: "http://example.test:5005"' in config


def test_faq_shows_each_topics_verified_state_notes_with_their_source(kb):
    document = faq_document(kb)
    entries = {t["id"]: t for a in document["areas"] for t in a["topics"]}
    states = {n["state"]: n for n in entries["stay_put"]["state_notes"]}
    assert set(states) == {"PA", "IL"}
    assert states["PA"]["source"] and states["PA"]["urls"][0].startswith("https://")
    assert entries["cost"]["state_notes"] == []
    page = faq_html(kb, "http://localhost:5005")
    stay_put = re.search(
        r'<article class="faq-topic" id="stay_put"[^>]*>(.*?)</article>', page, re.S
    ).group(1)
    assert "Pennsylvania:" in stay_put and "Illinois:" in stay_put and "faq-states" in stay_put


def test_faq_carries_the_disclaimer_and_the_privacy_line(kb):
    document = faq_document(kb)
    assert (
        document["disclaimer"] == kb.notice.disclaimer
        and "not legal advice" in document["disclaimer"]
    )
    assert document["privacy"] == kb.notice.privacy
    page = faq_html(kb, "http://localhost:5005")
    assert kb.notice.disclaimer in page.replace("&#x27;", "'")


def test_linkify_makes_web_mail_and_phone_addresses_links_and_escapes_the_rest():
    html = linkify(
        "See https://example.org/find-your-center/. Write to help@example.org, "
        "call (800) 555-0100 or 1-800-555-0199; <b>not</b> 34 CFR 300.506 or 2020."
    )
    assert (
        '<a class="faq-address" href="https://example.org/find-your-center/" rel="noopener">'
        "https://example.org/find-your-center/</a>." in html
    )
    assert '<a class="faq-address" href="mailto:help@example.org">help@example.org</a>,' in html
    assert '<a class="faq-address" href="tel:+18005550100">(800) 555-0100</a>' in html
    assert '<a class="faq-address" href="tel:+18005550199">1-800-555-0199</a>;' in html
    assert "&lt;b&gt;not&lt;/b&gt; 34 CFR 300.506 or 2020." in html
    assert html.count("<a ") == 4


def test_linkify_keeps_brackets_and_www_addresses_right():
    html = linkify("(see www.example.org/a_(b)) and (https://example.org/x)")
    assert 'href="https://www.example.org/a_(b)"' in html and "</a>) and (" in html
    assert 'href="https://example.org/x"' in html and html.endswith("</a>)")
    assert linkify('"><script>') == "&quot;&gt;&lt;script&gt;"


def test_each_area_opens_with_the_disclaimer_and_related_lists_are_not_landmarks(kb):
    page = faq_html(kb, "http://localhost:5005")
    notice = escape(kb.notice.disclaimer)
    for area in kb.areas:
        section = re.search(
            rf'<section class="faq-area" id="area-{area.id}".*?</section>', page, re.S
        )
        assert re.search(
            rf"</h2>\s*<p class=\"faq-area-notice\">{re.escape(notice)}</p>", section.group(0)
        )
    assert page.count("<nav") == 1 and 'aria-label="Related questions"' not in page
    labels = re.findall(r'<ul aria-labelledby="(related-[^"]+)">', page)
    assert len(labels) == len(set(labels)) == sum(1 for t in kb.topics.values() if t.related)


def test_sources_link_to_the_article_the_regulation_and_each_reference(kb):
    topic = next(t for t in kb.topics.values() if t.source.references and t.regulation_refs)
    html = source_html(kb, topic)
    assert html.startswith("Source: ")
    for url in [kb.references[r].url for r in topic.source.references] + [
        kb.regulation_section(r).url for r in topic.regulation_refs
    ]:
        assert f'href="{escape(url)}"' in html
    cited = citation_html(kb, "34 CFR 300.506(b)(4); 34 CFR 999.1")
    assert f'<a href="{kb.regulations["300.506"].url}" rel="noopener">300.506(b)(4)</a>' in cited
    assert cited.endswith("34 CFR 999.1")
