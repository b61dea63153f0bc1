"""The chat widget on the demo site, in a real browser, against the real assistant."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from contract.conversations import conversation_key
from knowledge_base import load

REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"


def open_widget(page, site, path="/demo/"):
    page.goto(site.url(path))
    page.click("button.iep-chat-launcher")
    page.wait_for_selector(
        ".iep-chat-status[data-state=connected]", state="attached", timeout=20000
    )


def ask(page, text):
    answers_before = page.locator(".iep-source").count()
    page.fill("textarea.iep-chat-input", text)
    page.keyboard.press("Enter")
    page.wait_for_function(
        f"document.querySelectorAll('.iep-source').length > {answers_before}", timeout=20000
    )


def test_question_answer_source_feedback_and_quick_reply(stack, page):
    servers, site = stack
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    open_widget(page, site)
    ask(page, "who pays for mediation?")
    last = page.locator(".iep-msg-bot").last
    assert "free" in page.locator(".iep-chat-log").inner_text()
    assert page.locator(".iep-source").last.inner_text().startswith("Source:")
    assert page.locator("a.iep-faq-link").last.get_attribute("href").endswith("/faq/#cost")
    # A quick reply asks its topic.
    first_reply = page.locator(".iep-quick-replies button").first
    title = first_reply.inner_text()
    answers = page.locator(".iep-source").count()
    first_reply.click()
    page.wait_for_function(
        f"document.querySelectorAll('.iep-source').length > {answers}", timeout=20000
    )
    assert page.locator(".iep-msg-user").last.inner_text().strip() == title.strip()
    # Feedback goes back to the assistant with its topic and is stored with the conversation.
    page.locator(".iep-feedback button[data-helpful=yes]").last.click()
    page.wait_for_selector(".iep-feedback-thanks", timeout=10000)
    session = page.evaluate("window.IEPChat.sessionId()")
    page.wait_for_timeout(1500)
    # Thanked once, inline, not again by a bot message (issue 20).
    assert "Thanks for telling us" not in page.inner_text(".iep-chat-log")
    with sqlite3.connect(servers.workdir / "tracker.db") as db:
        rows = [
            json.loads(r[0])
            for r in db.execute(
                "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user'",
                (conversation_key("socketio", session),),
            )
        ]
    feedback = [r for r in rows if r["parse_data"]["intent"]["name"] == "feedback"]
    assert feedback and {
        e["entity"]: e["value"] for e in feedback[-1]["parse_data"]["entities"]
    } == {"helpful": "yes", "topic": "benefit_low_cost"}
    # Private by default: every request stays on this machine.
    assert all(
        url.startswith(("http://localhost", "ws://localhost", "data:")) for url in requests
    ), requests
    assert last.is_visible()


def test_reload_and_another_page_keep_the_conversation_then_start_over(stack, page):
    _, site = stack
    open_widget(page, site)
    ask(page, "is what I say in mediation confidential")
    session = page.evaluate("window.IEPChat.sessionId()")
    page.reload()
    page.wait_for_selector(
        ".iep-chat-status[data-state=connected]", state="attached", timeout=20000
    )
    assert "confidential" in page.locator(".iep-chat-log").inner_text()
    page.goto(site.url("/demo/rights.html"))
    page.wait_for_selector(
        ".iep-chat-status[data-state=connected]", state="attached", timeout=20000
    )
    assert page.evaluate("window.IEPChat.sessionId()") == session
    if not page.locator(".iep-chat-panel").is_visible():
        page.click("button.iep-chat-launcher")
    ask(page, "tell me more")  # the server remembers the last topic of this session
    details = load().topic("confidentiality").details
    assert (
        page.locator("a.iep-faq-link").last.get_attribute("href").endswith("/faq/#confidentiality")
    )
    assert details.split(".")[0] in " ".join(page.locator(".iep-chat-log").inner_text().split())
    page.click("button.iep-chat-restart")
    page.click(".iep-confirm button.iep-confirm-ok")  # the box "also delete" left unticked
    assert page.evaluate("window.IEPChat.sessionId()") != session
    assert page.locator(".iep-msg-user").count() == 0


def test_markup_shows_as_text_and_never_runs(stack, page):
    _, site = stack
    open_widget(page, site)
    page.evaluate("window.__pwned = false")
    page.fill(
        "textarea.iep-chat-input",
        '<img src=x onerror="window.__pwned=true"><script>window.__pwned=true</script>',
    )
    page.keyboard.press("Enter")
    page.wait_for_selector(".iep-msg-user", timeout=5000)
    assert "<img src=x" in page.locator(".iep-msg-user").last.inner_text()
    assert page.locator(".iep-chat-log img, .iep-chat-log script").count() == 0
    fragment_has_script = page.evaluate(
        "(() => { const d = document.createElement('div');"
        " d.appendChild(window.IEPChat._renderMarkdown("
        "'**hi** <script>x</script> [a](javascript:alert(1))'));"
        " return [d.querySelectorAll('script,a').length, d.querySelector('strong') !== null]; })()"
    )
    assert fragment_has_script == [0, True]
    # Addresses in a contact line become links a phone can use at once; numbers that are
    # not phone numbers, and addresses glued to a path, stay text.
    links = page.evaluate(
        "(() => { const d = document.createElement('div');"
        " d.appendChild(window.IEPChat._renderMarkdown("
        "'\\u2022 Helpline: call (800) 555-0100 or 1-888-555-0199, write to help@example.org,'"
        " + ' or see example.org/help. 34 CFR 300.506 applies; see /docs/other.org too.'));"
        " return [...d.querySelectorAll('a')]"
        ".map(a => [a.textContent, a.getAttribute('href')]); })()"
    )
    assert links == [
        ["(800) 555-0100", "tel:+18005550100"],
        ["1-888-555-0199", "tel:+18885550199"],
        ["help@example.org", "mailto:help@example.org"],
        ["example.org/help", "https://example.org/help"],
    ]
    page.wait_for_timeout(1000)
    assert page.evaluate("window.__pwned") is False


def test_keyboard_only(stack, page):
    _, site = stack
    page.goto(site.url("/demo/"))
    launcher = page.locator("button.iep-chat-launcher")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('iep-chat-launcher')"):
            break
    assert page.evaluate("document.activeElement.classList.contains('iep-chat-launcher')")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "document.activeElement.classList.contains('iep-chat-input')", timeout=5000
    )
    page.wait_for_selector(
        ".iep-chat-status[data-state=connected]", state="attached", timeout=20000
    )
    page.keyboard.type("how long does mediation take")
    page.keyboard.press("Enter")
    page.wait_for_selector(".iep-source", timeout=20000)
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.classList.contains('iep-chat-launcher')")
    assert launcher.get_attribute("aria-expanded") == "false"


def axe_violations(page):
    """axe-core's violations of any impact on the page as it is now: (rule, impact, nodes)."""
    # Evaluated over the DevTools protocol: the site's CSP forbids the inline <script> that
    # add_script_tag would insert.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]


@pytest.mark.parametrize("width, height", [(360, 740), (1280, 800)])
def test_no_accessibility_violations_of_any_impact_and_a_live_region(stack, browser, width, height):
    _, site = stack
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    open_widget(page, site)
    ask(page, "is mediation voluntary")
    assert page.locator(".iep-chat-log[role=log][aria-live=polite]").count() == 1
    assert axe_violations(page) == []
    # The "Start over" confirmation too.
    page.click("button.iep-chat-restart")
    page.wait_for_selector(".iep-confirm[role=dialog]", state="visible")
    assert axe_violations(page) == []
    context.close()


def test_message_typed_while_offline_is_sent_after_reconnect(stack, page):
    servers, site = stack
    open_widget(page, site)
    servers.stop_rasa()
    page.wait_for_selector(
        ".iep-chat-status[data-state=reconnecting]", state="attached", timeout=20000
    )
    assert "Reconnecting" in page.locator(".iep-chat-status").inner_text()
    page.fill("textarea.iep-chat-input", "how long does mediation usually take")
    page.keyboard.press("Enter")
    page.wait_for_selector(".iep-pending", timeout=5000)
    servers.start_rasa()
    page.wait_for_selector(".iep-source", timeout=60000)
    assert page.locator(".iep-pending").count() == 0


def test_talk_to_a_person_gives_the_help_contacts(stack, page, kb):
    _, site = stack
    open_widget(page, site)
    page.click("button.iep-chat-human")
    # A new conversation: the notice, then the reply, then the contacts.
    last = kb.help_contacts[-1].name
    page.wait_for_function(
        "(name) => document.querySelector('.iep-chat-log').innerText.includes(name)",
        arg=last,
        timeout=20000,
    )
    log = page.locator(".iep-chat-log").inner_text()
    for contact in kb.help_contacts:
        assert contact.name in log
    # The "- " lines are drawn as a list, one item per contact.
    items = page.locator(".iep-msg-bot", has_text=last).locator("ul > li").all_inner_texts()
    assert len(items) == len(kb.help_contacts)
    assert all(item.startswith(c.name) for item, c in zip(items, kb.help_contacts)), items
    assert page.locator(".iep-msg-user").last.inner_text().strip() == "Talk to a person"


def test_the_notice_comes_before_the_first_answer_when_the_parent_asks_straight_away(
    stack, page, kb
):
    _, site = stack
    open_widget(page, site)
    ask(page, "is mediation free?")
    bot_texts = [t.strip() for t in page.locator(".iep-msg-bot .iep-msg-text").all_inner_texts()]
    notice = next(i for i, t in enumerate(bot_texts) if t.startswith(kb.notice.disclaimer))
    answer = next(i for i, t in enumerate(bot_texts) if t.startswith(kb.topic("cost").answer[:40]))
    assert notice < answer and kb.notice.privacy in bot_texts[notice]


def test_the_privacy_line_is_shown_before_the_parent_types_and_only_once(stack, page, kb):
    """Parents often type the child's age and diagnosis in the first message: the notice
    (from the knowledge base, written in by the site build) comes first (issue 20)."""
    _, site = stack
    open_widget(page, site)
    log = page.inner_text(".iep-chat-log")
    assert kb.notice.disclaimer in log and "delete my conversation" in log
    ask(page, "is mediation free?")
    bot_texts = page.locator(".iep-msg-bot .iep-msg-text").all_inner_texts()
    assert sum(t.strip().startswith(kb.notice.disclaimer) for t in bot_texts) == 1
