"""The chat widget when the assistant is slow, down or restarting: "Thinking…", the help
contacts without a server, and messages that are kept, sent later or marked not delivered.

Real servers (harness/servers.py) and Debian's Chromium. A slow reply is a real one: the Rasa
server's process is paused (SIGSTOP) after the message reaches its socket, then resumed.
Every test also checks the demo page stays free of script errors and CSP violations.
"""

from __future__ import annotations

import json
import os
import re
import signal
import time

import pytest

from tests.browser.test_widget import open_widget

QUESTION = "how long does mediation usually take"
# Records CSP violations before any of the page's own scripts run.
CSP_RECORDER = (
    "window.__cspViolations = [];"
    "document.addEventListener('securitypolicyviolation', e =>"
    " window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
)


class PageProblems:
    """Script errors, console errors and CSP violations of one page. While the Rasa server
    is down, Chromium itself logs each failed connection attempt to it: those are expected
    and left out; anything else (a refused inline style, an uncaught exception) is kept."""

    def __init__(self, page, rasa_port: int) -> None:
        self.page = page
        self.rasa = f"localhost:{rasa_port}/socket.io"
        self.errors = []
        page.add_init_script(CSP_RECORDER)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))

    def _console(self, message) -> None:
        if message.type != "error":
            return
        where = (message.location or {}).get("url", "")
        refused = re.search(
            r"ERR_CONNECTION_REFUSED|ERR_CONNECTION_RESET|WebSocket connection to", message.text
        )
        if refused and (self.rasa in message.text or self.rasa in where):
            return
        self.errors.append(f"console: {message.text} ({where})")

    def all(self):
        return self.errors + [f"CSP: {v}" for v in self.page.evaluate("window.__cspViolations")]


def wait_ready(page, timeout=60000):
    """Connected and the session confirmed: a message now goes straight to the server."""
    page.wait_for_selector(
        ".iep-chat-root[data-connection=ready]", state="attached", timeout=timeout
    )


def outbox(page):
    return json.loads(page.evaluate("localStorage.getItem('iep-chat-outbox') || '[]'"))


def answered_or_retried(page, answers_before=0):
    """After a restart: the kept question is answered; if the restart took longer than the
    delivery timeout it is marked not delivered instead, and a retry gets it answered."""
    page.wait_for_function(
        f"document.querySelectorAll('.iep-source').length > {answers_before}"
        " || document.querySelector('button.iep-retry') !== null",
        timeout=90000,
    )
    if page.locator("button.iep-retry").count():
        wait_ready(page)
        page.click("button.iep-retry")
    page.wait_for_function(
        f"document.querySelectorAll('.iep-source').length > {answers_before}", timeout=60000
    )
    assert page.locator(".iep-pending, button.iep-retry").count() == 0


def test_thinking_then_a_slow_reply_note_with_the_contacts_then_the_late_reply(stack, page, kb):
    servers, site = stack
    problems = PageProblems(page, servers.rasa_port)
    open_widget(page, site)
    wait_ready(page)
    os.kill(servers.rasa.pid, signal.SIGSTOP)  # the message reaches the socket; no reply yet
    try:
        sent = time.monotonic()
        # The page's own clock: when the message went and when "Thinking…" appeared.
        shown_at_once = page.evaluate(
            "(question) => { const box = document.querySelector('.iep-chat-thinking');"
            " new MutationObserver((_, observer) => { if (box.querySelector('.iep-thinking'))"
            " { window.__thinkingAt = performance.now(); observer.disconnect(); } })"
            ".observe(box, {childList: true, subtree: true});"
            " window.__sentAt = performance.now(); window.IEPChat.send(question);"
            " return document.querySelectorAll('.iep-thinking').length; }",
            QUESTION,
        )
        assert shown_at_once == 0  # not for replies that come at once
        page.wait_for_selector(
            ".iep-chat-thinking[role=status][aria-live=polite] .iep-thinking", timeout=5000
        )
        delay = page.evaluate("window.__thinkingAt - window.__sentAt")
        assert 300 <= delay < 1000, delay  # after 300 ms, not before, and not much later
        assert page.locator(".iep-chat-thinking").inner_text().strip() == "Thinking\u2026"
        assert page.locator(".iep-pending").count() == 0  # sent, not queued
        # After 10 s the indicator gives way to a note with the contacts: no alert, no dialog.
        note = page.wait_for_selector(".iep-msg-local[data-local=slow]", timeout=20000)
        assert 9.5 <= time.monotonic() - sent < 13
        assert page.locator(".iep-thinking").count() == 0
        text = note.inner_text()
        assert text.startswith("This is taking longer than usual.")
        for contact in kb.help_contacts:
            assert contact.name in text
        assert page.locator("[role=alert], [role=alertdialog]").count() == 0
    finally:
        os.kill(servers.rasa.pid, signal.SIGCONT)
    # The late reply is still shown, after the note.
    page.wait_for_selector(".iep-source", timeout=60000)
    kinds = page.evaluate(
        "[...document.querySelectorAll('.iep-chat-log .iep-msg')]"
        ".map(m => m.dataset.local || (m.querySelector('.iep-source') ? 'answer' : ''))"
    )
    assert kinds.index("slow") < kinds.index("answer")
    assert page.locator(".iep-thinking").count() == 0
    assert problems.all() == []


def test_offline_talk_to_a_person_then_a_question_kept_until_the_assistant_is_back(stack, page, kb):
    servers, site = stack
    problems = PageProblems(page, servers.rasa_port)
    open_widget(page, site)
    wait_ready(page)
    servers.stop_rasa()
    try:
        page.wait_for_selector(
            ".iep-chat-root[data-connection=unreachable]", state="attached", timeout=20000
        )
        site_requests = []
        page.on(
            "request",
            lambda r: site_requests.append(r.url) if r.url.startswith(site.url("/")) else None,
        )
        page.click("button.iep-chat-human")
        # Answered at once from the contacts the widget fetched when the page loaded.
        note = page.wait_for_selector(".iep-msg-local[data-local=offline]", timeout=2000)
        text = note.inner_text()
        for contact in kb.help_contacts:
            assert contact.name in text
        links = re.findall(r"https://\S+?(?=[.,;]?(?:\s|$))", kb.help_contacts_text())
        for link in links:
            assert note.query_selector(f"a[href='{link}']") is not None
        assert site_requests == []
        assert page.locator(".iep-msg-user").last.inner_text().strip() == "Talk to a person"
        assert outbox(page) == []  # answered here: nothing left to send
        # A question typed now is kept and shown as waiting.
        page.fill("textarea.iep-chat-input", QUESTION)
        page.keyboard.press("Enter")
        page.wait_for_selector(".iep-msg-user .iep-pending", timeout=5000)
        assert [item["message"] for item in outbox(page)] == [QUESTION]
        # One offline note per spell: the contacts are already on screen.
        assert page.locator(".iep-msg-local[data-local=offline]").count() == 1
    finally:
        servers.start_rasa()
    answered_or_retried(page)
    assert outbox(page) == []
    assert QUESTION in page.locator(".iep-msg-user").last.inner_text()
    assert problems.all() == []


def _short_delivery_timeout(page, milliseconds: int) -> None:
    """The demo page's own config file, with a shorter delivery timeout appended."""

    def fulfil(route):
        original = route.fetch()
        body = original.text() + f"\nwindow.IEPChatConfig.deliveryTimeoutMs = {milliseconds};\n"
        route.fulfill(response=original, body=body)

    page.route("**/demo/chat-config.js", fulfil)


def test_a_question_not_sent_in_time_is_marked_not_delivered_and_a_retry_sends_it(stack, page):
    servers, site = stack
    problems = PageProblems(page, servers.rasa_port)
    _short_delivery_timeout(page, 4000)
    open_widget(page, site)
    wait_ready(page)
    servers.stop_rasa()
    try:
        page.wait_for_selector(
            ".iep-chat-status[data-state=reconnecting]", state="attached", timeout=20000
        )
        page.fill("textarea.iep-chat-input", QUESTION)
        page.keyboard.press("Enter")
        page.wait_for_selector(".iep-msg-user .iep-pending", timeout=5000)
        retry = page.wait_for_selector(".iep-msg-user button.iep-retry", timeout=15000)
        assert retry.inner_text().strip() == "Not delivered \u2014 tap to retry"
        assert page.locator(".iep-pending").count() == 0
        assert outbox(page) == []  # out of the outbox: never sent by surprise later
    finally:
        servers.start_rasa()
    wait_ready(page)
    page.wait_for_timeout(2000)
    assert page.locator(".iep-source").count() == 0  # not sent without the parent's say-so
    # A real button: the keyboard reaches and presses it.
    page.focus("button.iep-retry")
    page.keyboard.press("Enter")
    page.wait_for_selector(".iep-source", timeout=60000)
    assert page.locator(".iep-pending, button.iep-retry").count() == 0
    assert page.locator(".iep-msg-user").count() == 1  # the same bubble, sent again
    assert problems.all() == []


def test_a_question_in_flight_when_the_server_crashes_is_sent_again_after_the_restart(stack, page):
    servers, site = stack
    problems = PageProblems(page, servers.rasa_port)
    open_widget(page, site)
    wait_ready(page)
    os.kill(servers.rasa.pid, signal.SIGSTOP)
    try:
        page.fill("textarea.iep-chat-input", QUESTION)
        page.keyboard.press("Enter")
        page.wait_for_selector(".iep-thinking", timeout=5000)  # emitted, awaiting a reply
        assert outbox(page) == []
    finally:
        servers.rasa.kill()  # a crash mid-turn: the question was never answered
        servers.rasa.wait(timeout=30)
    # The socket drops before any reply: the question is kept, not lost.
    page.wait_for_selector(".iep-msg-user .iep-pending", timeout=20000)
    assert page.locator(".iep-thinking").count() == 0
    assert [item["message"] for item in outbox(page)] == [QUESTION]
    servers.start_rasa()
    answered_or_retried(page)
    assert problems.all() == []


@pytest.fixture(autouse=True)
def _rasa_running(stack):
    """Each test starts with the Rasa server up, whatever the previous test did to it."""
    servers, _ = stack
    if servers.rasa.poll() is not None:
        servers.start_rasa()
    yield


def test_a_slow_network_is_connecting_not_unreachable(stack, page):
    """On a slow connection (Chromium's network emulation: 2 s a round trip) the first
    open took seconds and showed "The assistant can't be reached right now" above the
    answer that came later (issue 20). It is "Connecting…" until an attempt fails."""
    servers, site = stack
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 2000,
            "downloadThroughput": 50_000,
            "uploadThroughput": 20_000,
        },
    )
    page.goto(site.url("/demo/"), timeout=60000)
    page.click("button.iep-chat-launcher")
    assert page.locator(".iep-chat-status").inner_text().strip() == "Connecting\u2026"
    page.fill("textarea.iep-chat-input", QUESTION)
    page.keyboard.press("Enter")
    page.wait_for_selector(".iep-source", timeout=90000)
    assert page.locator(".iep-msg-local[data-local=offline]").count() == 0
    assert "can't be reached" not in page.inner_text(".iep-chat-log")
    assert page.get_attribute(".iep-chat-root", "data-connection") == "ready"
