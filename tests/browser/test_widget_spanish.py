"""The chat widget in Spanish (issue 21): a Spanish host page on a phone, the English/Español
switch both ways, a parent who writes Spanish on an English page, the language kept across
a reload and dropped by "Start over", and the strings table complete in both languages.

With IEP_SCREENSHOTS=1 the tests write the README's screenshots
(docs/screenshots/widget-es-phone.png, docs/screenshots/widget-switch-phone.png)."""

from __future__ import annotations

import json
import os
import re
import sqlite3
from pathlib import Path

import pytest
import yaml

from contract.conversations import conversation_key
from tests.browser.test_widget import axe_violations, open_widget

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "docs" / "screenshots"
PHONE = {"width": 360, "height": 740}
SPANISH_QUESTION = "es gratis la mediacion?"
ENGLISH_QUESTION = "is mediation free?"
# Words that are the same in both languages.
SAME_IN_BOTH = {"launcher", "no"}


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def screenshot(page, name: str) -> None:
    if os.environ.get("IEP_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / name))


def response_text(name: str) -> str:
    """A domain response's text (the assistant's fixed confirmations)."""
    domain = yaml.safe_load((REPO / "domain.yml").read_text(encoding="utf-8"))
    return domain["responses"][name][0]["text"]


def strings(page) -> dict:
    return page.evaluate("window.IEPChat._strings")


def widget_language(page) -> str:
    return page.evaluate("window.IEPChat.language()")


def frame(page) -> dict:
    """What the widget's frame says now: its own words, not the conversation."""
    return page.evaluate(
        """(() => {
        const q = (s) => document.querySelector(s);
        return {
          lang: q('.iep-chat-root').getAttribute('lang'),
          title: q('.iep-chat-title').textContent,
          launcher: q('.iep-chat-launcher').getAttribute('aria-label'),
          close: q('.iep-chat-close').getAttribute('aria-label'),
          log: q('.iep-chat-log').getAttribute('aria-label'),
          placeholder: q('.iep-chat-input').getAttribute('placeholder'),
          input: q('.iep-chat-input').getAttribute('aria-label'),
          send: q('.iep-chat-send').getAttribute('aria-label'),
          restart: q('.iep-chat-restart').textContent,
          human: q('.iep-chat-human').textContent,
          switchText: q('.iep-chat-language').textContent,
          switchLang: q('.iep-chat-language').getAttribute('lang'),
          status: q('.iep-chat-status').textContent,
          confirmOk: q('.iep-confirm-ok').textContent,
          confirmCancel: q('.iep-confirm-cancel').textContent,
          confirmTitle: q('.iep-confirm-title').textContent,
        };
        })()"""
    )


def assert_frame_in(page, language: str, title_key: str = "title") -> None:
    table = strings(page)[language]
    other = "en" if language == "es" else "es"
    shown = frame(page)
    assert shown["lang"] == language
    assert shown["title"] == table[title_key]
    assert shown["launcher"] == table["openChat"].replace("{title}", table[title_key])
    assert shown["close"] == table["closeChat"]
    assert shown["log"] == table["conversation"]
    assert shown["placeholder"] == table["inputPlaceholder"]
    assert shown["input"] == table["inputLabel"]
    assert shown["send"] == table["send"]
    assert shown["restart"] == table["startOver"]
    assert shown["human"] == table["talkToPerson"]
    assert shown["confirmOk"] == table["confirmOk"]
    assert shown["confirmCancel"] == table["confirmCancel"]
    assert shown["confirmTitle"] == table["confirmTitle"]
    assert shown["status"] in (table["connected"], table["connecting"], table["reconnecting"])
    # The switch names the other language, in that language.
    assert shown["switchLang"] == other
    assert shown["switchText"] == ("English" if language == "es" else "Español")


def wait_for_text(page, text: str, timeout: int = 20000) -> None:
    page.wait_for_function(
        "(t) => document.querySelector('.iep-chat-log').innerText.includes(t)",
        arg=text,
        timeout=timeout,
    )


def answers(page) -> int:
    return page.locator(".iep-source").count()


def wait_for_answer(page, before: int) -> None:
    page.wait_for_function(
        f"document.querySelectorAll('.iep-source').length > {before}", timeout=20000
    )


def last_answer(page, kb):
    """The latest answer's topic (from its FAQ link) and its bubble's text."""
    href = page.locator("a.iep-faq-link").last.get_attribute("href")
    topic = kb.topic(href.split("#", 1)[1])
    text = " ".join(
        page.locator(".iep-msg-bot", has=page.locator(".iep-source")).last.inner_text().split()
    )
    return topic, text


def in_language(text: str, topic, language: str) -> bool:
    answer = topic.es.answer if language == "es" else topic.answer
    return " ".join(answer.split())[:40] in text


def ask(page, text: str) -> None:
    before = answers(page)
    page.fill("textarea.iep-chat-input", text)
    page.keyboard.press("Enter")
    wait_for_answer(page, before)


def test_the_strings_table_has_every_key_in_both_languages(stack, page):
    _, site = stack
    page.goto(site.url("/demo/"))
    page.wait_for_selector("button.iep-chat-launcher")
    table = strings(page)
    assert set(table) == {"en", "es"}
    assert set(table["en"]) == set(table["es"]) and len(table["en"]) >= 30
    for key, english in table["en"].items():
        spanish = table["es"][key]
        assert english.strip() and spanish.strip(), key
        # The same placeholders in both ("{title}", "{url}").
        assert sorted(re.findall(r"{\w+}", english)) == sorted(re.findall(r"{\w+}", spanish)), key
        if key not in SAME_IN_BOTH:
            assert english != spanish, f"{key} is not translated"
    # Spanish punctuation opens questions, and the widget says "usted", never "tú".
    assert table["es"]["helpful"].startswith("¿") and table["es"]["confirmTitle"].startswith("¿")
    assert not any(re.search(r"\b(tú|tu|puedes|escribe)\b", s, re.I) for s in table["es"].values())


def test_a_spanish_page_on_a_phone_speaks_spanish_end_to_end(stack, phone, kb):
    servers, site = stack
    page = phone
    page.goto(site.url("/demo/es/"))
    page.wait_for_selector("button.iep-chat-launcher", state="visible")
    assert widget_language(page) == "es"
    page.click("button.iep-chat-launcher")
    page.wait_for_selector(
        ".iep-chat-status[data-state=connected]", state="attached", timeout=20000
    )
    assert_frame_in(page, "es")
    log = " ".join(page.inner_text(".iep-chat-log").split())
    # The notice from the knowledge base, in Spanish, and the Spanish first message.
    assert " ".join(kb.notice.es.disclaimer.split()) in log
    assert kb.notice.disclaimer not in log
    assert strings(page)["es"]["firstMessage"] in log
    ask(page, SPANISH_QUESTION)
    topic, text = last_answer(page, kb)
    assert in_language(text, topic, "es"), text
    assert page.locator(".iep-source").last.inner_text().startswith("Fuente:")
    assert page.locator(".iep-faq-link").last.inner_text() == strings(page)["es"]["readInFaq"]
    # ... and it opens the Spanish FAQ at the same topic (the demo's faqUrl is "/faq/").
    assert page.locator(".iep-faq-link").last.get_attribute("href") == f"/es/faq/#{topic.id}"
    assert page.locator(".iep-feedback-question").last.inner_text() == "¿Le fue útil?"
    # Still Spanish, and the notice shown once (the server's copy, in either language, skipped).
    assert widget_language(page) == "es" and frame(page)["lang"] == "es"
    bot_texts = [
        " ".join(t.split()) for t in page.locator(".iep-msg-bot .iep-msg-text").all_inner_texts()
    ]
    notices = [t for t in bot_texts if t.startswith(" ".join(kb.notice.es.disclaimer.split()))]
    assert len(notices) == 1 and not any(t.startswith(kb.notice.disclaimer) for t in bot_texts)
    # The assistant was told: the message carried the widget's language.
    session = page.evaluate("window.IEPChat.sessionId()")
    with sqlite3.connect(servers.workdir / "tracker.db") as db:
        rows = [
            json.loads(r[0])
            for r in db.execute(
                "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user'",
                (conversation_key("socketio", session),),
            )
        ]
    assert rows and all((r.get("metadata") or {}).get("language") == "es" for r in rows), rows
    screenshot(page, "widget-es-phone.png")
    assert axe_violations(page) == []


def test_the_switch_both_ways_changes_the_words_and_the_answers(stack, phone, kb):
    _, site = stack
    page = phone
    open_widget(page, site)
    assert widget_language(page) == "en"
    # The English demo page names its own title: it is kept in English only.
    assert frame(page)["title"] == "Ask about IEP mediation"
    assert frame(page)["switchText"] == "Español" and frame(page)["switchLang"] == "es"
    ask(page, ENGLISH_QUESTION)
    topic, text = last_answer(page, kb)
    assert in_language(text, topic, "en")
    # Keyboard-reachable: Tab gets to the switch, Enter flips it.
    for _ in range(40):
        if page.evaluate("document.activeElement.classList.contains('iep-chat-language')"):
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('iep-chat-language')")
    page.keyboard.press("Enter")
    # The widget's words change at once...
    assert widget_language(page) == "es"
    assert_frame_in(page, "es")
    # ...the assistant confirms in Spanish...
    confirmation = response_text("utter_language_spanish")
    wait_for_text(page, confirmation)
    assert page.locator(".iep-msg-user").count() == 1  # the switch itself leaves no bubble
    # The confirmation is in view (like a reply to something the parent said), though the
    # answer before it is longer than the message area.
    page.wait_for_timeout(300)
    shown = page.locator(".iep-msg-bot", has_text=confirmation).bounding_box()
    log = page.locator(".iep-chat-log").bounding_box()
    assert log["y"] <= shown["y"] and shown["y"] + shown["height"] <= log["y"] + log["height"]
    screenshot(page, "widget-switch-phone.png")
    # The English answer above says it is English; the widget's words under it are Spanish.
    english = page.locator(".iep-msg-bot", has=page.locator(".iep-source")).last
    assert english.locator(".iep-msg-text").get_attribute("lang") == "en"
    assert english.locator(".iep-quick-reply").first.get_attribute("lang") == "en"
    assert english.locator(".iep-faq-link").inner_text() == strings(page)["es"]["readInFaq"]
    # ...and answers in Spanish from now on, even a question picked from an English answer.
    before = answers(page)
    page.locator(".iep-quick-replies button").first.click()
    wait_for_answer(page, before)
    topic, text = last_answer(page, kb)
    assert in_language(text, topic, "es"), text
    assert widget_language(page) == "es"
    # Back to English, the same way.
    page.click("button.iep-chat-language")
    assert widget_language(page) == "en"
    assert_frame_in(page, "en")
    assert frame(page)["title"] == "Ask about IEP mediation"
    wait_for_text(page, response_text("utter_language_english"))
    before = answers(page)
    page.locator(".iep-quick-replies button").first.click()
    wait_for_answer(page, before)
    topic, text = last_answer(page, kb)
    assert in_language(text, topic, "en"), text
    assert widget_language(page) == "en"


def test_spanish_typed_on_an_english_page_survives_a_reload_until_start_over(stack, page, kb):
    _, site = stack
    open_widget(page, site)
    assert widget_language(page) == "en"
    ask(page, SPANISH_QUESTION)
    topic, text = last_answer(page, kb)
    assert in_language(text, topic, "es"), text
    # The answer was Spanish, so the widget now is too.
    page.wait_for_function("window.IEPChat.language() === 'es'", timeout=5000)
    assert_frame_in(page, "es")
    page.reload()
    page.wait_for_selector(
        ".iep-chat-status[data-state=connected]", state="attached", timeout=20000
    )
    assert widget_language(page) == "es"
    assert_frame_in(page, "es")
    assert page.evaluate("localStorage.getItem('iep-chat-language')") == "es"
    # Start over: back to the page's language, nothing of the choice kept.
    page.click("button.iep-chat-restart")
    page.click(".iep-confirm button.iep-confirm-ok")
    assert widget_language(page) == "en"
    assert_frame_in(page, "en", title_key="title")
    assert page.evaluate("localStorage.getItem('iep-chat-language')") is None
    log = page.inner_text(".iep-chat-log")
    assert kb.notice.disclaimer.split(".")[0] in " ".join(log.split())
    page.reload()
    page.wait_for_selector("button.iep-chat-launcher", state="visible")
    assert widget_language(page) == "en"


def test_a_page_may_choose_spanish_in_its_config(stack, page):
    """IEPChatConfig.language wins over <html lang>; a page's own strings stay in its language."""
    _, site = stack
    page.route(
        "**/demo/chat-config.js",
        lambda route: route.fulfill(
            content_type="application/javascript",
            body="window.IEPChatConfig = {serverUrl: 'http://localhost:1', language: 'es',"
            " title: 'Pregunte sobre la mediación', firstMessage: {en: 'Hello there.'}};",
        ),
    )
    page.goto(site.url("/demo/"))
    page.click("button.iep-chat-launcher")
    assert widget_language(page) == "es"
    assert frame(page)["title"] == "Pregunte sobre la mediación"
    # No Spanish first message of the page's own: the widget's.
    assert strings(page)["es"]["firstMessage"] in page.inner_text(".iep-chat-log")
    page.click("button.iep-chat-language")
    assert frame(page)["title"] == strings(page)["en"]["title"]
    assert "Hello there." in page.inner_text(".iep-chat-log")


def test_deleting_the_conversation_drops_the_language_too(stack, page):
    _, site = stack
    open_widget(page, site)
    page.click("button.iep-chat-language")
    wait_for_text(page, response_text("utter_language_spanish"))
    assert page.evaluate("localStorage.getItem('iep-chat-language')") == "es"
    page.click("button.iep-chat-restart")
    page.check(".iep-confirm input.iep-confirm-erase")
    page.click(".iep-confirm button.iep-confirm-ok")
    page.wait_for_function("window.IEPChat.language() === 'en'", timeout=10000)
    assert_frame_in(page, "en")
    page.wait_for_timeout(500)
    assert page.evaluate("localStorage.getItem('iep-chat-language')") is None
