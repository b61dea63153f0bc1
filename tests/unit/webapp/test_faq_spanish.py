"""The FAQ in Spanish (issue 21, item 4): /es/faq/ and /es/faq/states/ from the knowledge
base's Spanish forms, under the same anchors as the English pages; hreflang links both
ways; faq.json names its language; no English answer text on the Spanish page; the
chat's FAQ links follow the reply's language."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from actions.rendering import answer_message, help_contacts_message, topic_custom
from channels import reply_renderer
from contract import ENGLISH, FAQ_PATHS, SPANISH, STATE_DIRECTORY_PATHS
from knowledge_base.states import spanish_name
from scripts.build_site import build
from tests.unit.knowledge_base.test_spanish_content import ENGLISH as ENGLISH_WORDS
from tests.unit.knowledge_base.test_spanish_content import NAME_JOINER
from webapp import faq_strings
from webapp.faq import faq_document, faq_html
from webapp.faq_states import DIRECTORY_STATES, state_directory_html

RASA = "http://localhost:5005"


def visible_text(html: str) -> str:
    """The page's text as a reader sees it: tags out, entities read, spaces folded."""
    body = html[html.index("<body>") :]
    body = re.sub(r"</?(?:a|strong|span)\b[^>]*>", "", body)  # inline: no word break
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


def article(page: str, topic_id: str) -> str:
    found = re.search(rf'<article class="faq-topic" id="{topic_id}"[^>]*>.*?</article>', page, re.S)
    assert found, topic_id
    return found.group(0)


@pytest.fixture(scope="module")
def spanish_page(kb) -> str:
    return faq_html(kb, RASA, SPANISH)


@pytest.fixture(scope="module")
def english_page(kb) -> str:
    return faq_html(kb, RASA)


def test_every_topic_has_its_spanish_text_under_the_same_anchor(kb, spanish_page):
    for topic in kb.topics.values():
        entry = article(spanish_page, topic.id)
        text = visible_text("<body>" + entry)
        assert f'data-title="{topic.es.title}"' in unescape(entry), topic.id
        assert topic.es.question in text, topic.id
        assert topic.es.answer in text, topic.id
        if topic.es.details:
            assert topic.es.details in text, topic.id
        if topic.federal_note:
            assert f"Lo que dice la ley federal: {topic.es.federal_note}" in text, topic.id
        assert "Fuente: " in text and "Source:" not in text, topic.id
        for related in topic.related:
            assert kb.topic(related).es.title in text, (topic.id, related)
    ids = re.findall(r'<article class="faq-topic" id="([^"]+)"', spanish_page)
    english_ids = re.findall(r'<article class="faq-topic" id="([^"]+)"', faq_html(kb, RASA))
    assert ids == english_ids and sorted(ids) == sorted(kb.topics)


def test_the_spanish_page_has_no_english_answer_text(kb, spanish_page):
    text = visible_text(spanish_page)
    for topic in kb.topics.values():
        english = [topic.question, topic.answer, topic.details, topic.title]
        if topic.federal_note:
            english.append(topic.federal_note.text)
        for field in english:
            if field and field not in (topic.es.title, topic.es.question):
                assert field not in text, topic.id
    for note in kb.state_notes:
        assert note.note not in text and note.es.note in text, note.state
    for contact in kb.help_contacts:
        assert contact.how not in text and contact.es.how in text
    assert kb.notice.disclaimer not in text and kb.notice.es.disclaimer in text
    # The rest in Spanish too; left out: names (link texts), the source lines and the
    # citations, which name publications as they are published.
    body = spanish_page[spanish_page.index("<body>") :]
    for names in (
        r"<a\b[^>]*>.*?</a>",
        r'<p class="faq-source">.*?</p>',
        r'<span class="faq-(?:state-source|citation)">.*?</span>',
    ):
        body = re.sub(names, " ", body, flags=re.S)
    prose = NAME_JOINER.sub(r"\1 ", visible_text("<body>" + body))
    assert ENGLISH_WORDS.findall(prose) == []


def test_every_page_string_has_its_spanish_form_and_the_script_has_no_words(kb, spanish_page):
    for key, forms in faq_strings.STRINGS.items():
        assert forms[ENGLISH] and forms[SPANISH] and forms[ENGLISH] != forms[SPANISH], key
        assert re.findall(r"\{\w+\}", forms[ENGLISH]) == re.findall(r"\{\w+\}", forms[SPANISH])
    text = visible_text(spanish_page)
    for key in ("page_title", "search_label", "search_button", "talk_to_person", "back_to_top"):
        assert faq_strings.text(key, SPANISH) in text, key
    assert "Imprimir estas respuestas" in spanish_page
    assert 'data-msg-best-matches="Las preguntas que más se parecen:"' in spanish_page
    assert 'data-msg-talk="Hable con una persona"' in spanish_page
    script = (kb.path.parent.parent / "site" / "faq" / "faq.js").read_text(encoding="utf-8")
    for key in ("searching", "best_matches", "no_match", "offline_no_match", "talk_to_person"):
        forms = faq_strings.STRINGS[key]
        assert forms[ENGLISH] not in script and forms[SPANISH] not in script, key


def test_html_text_escapes_the_template_and_keeps_the_values_html():
    html = faq_strings.html_text("<b>{a}</b> & {b}", a='<a href="x">x</a>', b="y")
    assert html == '&lt;b&gt;<a href="x">x</a>&lt;/b&gt; &amp; y'


@pytest.mark.parametrize(
    "render, paths",
    [
        (lambda kb, language: faq_html(kb, RASA, language), FAQ_PATHS),
        (state_directory_html, STATE_DIRECTORY_PATHS),
    ],
    ids=["faq", "states"],
)
def test_pages_name_each_other_with_hreflang_and_a_visible_link(kb, render, paths):
    for language, other, label in ((ENGLISH, SPANISH, "Español"), (SPANISH, ENGLISH, "English")):
        page = render(kb, language)
        assert f'<html lang="{language}">' in page
        alternates = dict(
            re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', page)
        )
        assert alternates == {
            "en": paths[ENGLISH],
            "es": paths[SPANISH],
            "x-default": paths[ENGLISH],
        }
        link = re.search(r'<p class="faq-lang"><a ([^>]*)>([^<]*)</a></p>', page)
        assert link and link.group(2) == label
        assert f'href="{paths[other]}"' in link.group(1)
        assert f'lang="{other}"' in link.group(1) and f'hreflang="{other}"' in link.group(1)


def test_faq_json_names_its_language_and_keeps_the_anchors(kb):
    english, spanish = faq_document(kb), faq_document(kb, SPANISH)
    assert (english["lang"], spanish["lang"]) == ("en", "es")
    assert (english["page"], spanish["page"]) == ("/faq/", "/es/faq/")
    assert english["alternates"] == {"es": "/es/faq.json"}
    assert spanish["alternates"] == {"en": "/faq.json"}
    assert spanish["disclaimer"] == kb.notice.es.disclaimer
    assert [a["title"] for a in spanish["areas"]] == [a.es_title for a in kb.areas]
    entries = {t["id"]: t for a in spanish["areas"] for t in a["topics"]}
    english_entries = {t["id"]: t for a in english["areas"] for t in a["topics"]}
    assert {t: e["anchor"] for t, e in entries.items()} == {
        t: e["anchor"] for t, e in english_entries.items()
    }
    cost = entries["cost"]
    assert cost["answer"] == kb.topic("cost").es.answer
    assert cost["federal_note"] == {
        "text": kb.topic("cost").es.federal_note,
        "citation": kb.topic("cost").federal_note.citation,
    }
    assert cost["source"].startswith("Fuente: ")
    states = {n["state"]: n for n in entries["stay_put"]["state_notes"]}
    assert states["PA"]["name"] == "Pensilvania"
    assert states["PA"]["note"] == kb.state_note("PA", "stay_put").es.note
    assert spanish["help_contacts"][0]["name"] == kb.help_contacts[0].es.name
    directory = {e["state"]: e for e in spanish["state_directory"]}
    assert directory["PA"]["name"] == "Pensilvania"
    assert directory["PA"]["anchor"] == "/es/faq/states/#PA"


def test_the_spanish_state_directory_names_states_in_spanish_in_spanish_order(kb):
    page = state_directory_html(kb, SPANISH)
    headings = re.findall(r'<h2 id="h-([A-Z]{2})">([^<]+)</h2>', page)
    assert len(headings) == len(DIRECTORY_STATES) == 52
    names = {code: unescape(name) for code, name in headings}
    assert names["PA"] == "Pensilvania" and names["DC"] == "El Distrito de Columbia"
    assert all(names[c].lower() == spanish_name(c).lower() for c in names)
    order = [c for c, _ in headings]
    assert order.index("NC") < order.index("CO")  # "Carolina del Norte" before "Colorado"
    text = visible_text(page)
    assert "Oficina de resolución de conflictos (organiza la mediación):" in text
    assert "todavía no la hemos revisado" in text and "not checked yet" not in text
    served = next(
        row for row in kb.state_offices.values() if row.parent_center and row.parent_center.serves
    )
    assert f"(atiende {served.parent_center.serves_es})" in text
    assert kb.state_directories.office.es.name in text
    assert 'href="/es/faq/">Todas las preguntas y respuestas</a>' in page


def test_built_site_serves_both_languages(tmp_path, kb):
    build(tmp_path / "site", "http://example.test:5005")
    out = tmp_path / "site"
    english = json.loads((out / "faq.json").read_text(encoding="utf-8"))
    spanish = json.loads((out / "es" / "faq.json").read_text(encoding="utf-8"))
    assert (english["lang"], spanish["lang"], spanish["version"]) == ("en", "es", 2)
    page = (out / "es" / "faq" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="es">' in page and 'data-rasa-url="http://example.test:5005"' in page
    assert kb.topic("cost").es.answer in unescape(page)
    states = (out / "es" / "faq" / "states" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="es">' in states and ">Pensilvania</h2>" in states
    assert '<html lang="en">' in (out / "faq" / "states" / "index.html").read_text()


def test_a_spanish_reply_links_to_the_spanish_faq(kb, monkeypatch):
    monkeypatch.setenv("PUBLIC_URL", "https://help.example.org")
    spanish = {"custom": answer_message(kb, "cost", language=SPANISH)["json_message"]}
    [sms] = reply_renderer.render("twilio", spanish)
    assert "https://help.example.org/es/faq/#cost" in sms["text"]
    text_only = reply_renderer.render(reply_renderer.SOCKETIO_TEXT, spanish)
    assert any("https://help.example.org/es/faq/#cost" in m.get("text", "") for m in text_only)
    english = {"custom": answer_message(kb, "cost")["json_message"]}
    [english_sms] = reply_renderer.render("twilio", english)
    assert "https://help.example.org/faq/#cost" in english_sms["text"]
    assert topic_custom(kb, kb.topic("cost"), "answer", SPANISH)["faq_page"] == "/es/faq/"
    assert topic_custom(kb, kb.topic("cost"), "answer")["faq_page"] == "/faq/"
    contacts = help_contacts_message(kb, state="PA", language=SPANISH)["json_message"]["reply"]
    assert contacts["contacts"]["page"] == "/es/faq/states/"
    contacts = help_contacts_message(kb, language=SPANISH)["json_message"]["reply"]
    assert contacts["contacts"]["page"] == "/es/faq/"
    assert help_contacts_message(kb)["json_message"]["reply"]["contacts"]["page"] == "/faq/"
