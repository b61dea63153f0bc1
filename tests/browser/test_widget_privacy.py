"""What the chat widget costs a page and keeps in the browser: no socket until it is needed,
its bytes over the wire, "Start over" (with the choice to delete the conversation), and
stored conversations that expire."""

from __future__ import annotations

import json
import time
from pathlib import Path

import yaml

from harness.servers import Site
from tests.browser.test_widget import ask, open_widget

REPO = Path(__file__).resolve().parents[2]
BUDGET_BYTES = 30_000  # widget JS + CSS + socket.io client, compressed, as transferred
WIDGET_FILES = ("/widget/iep-chat.js", "/widget/iep-chat.css", "/vendor/socket.io.min.js")
DAY_MS = 24 * 60 * 60 * 1000
QUESTION = "is mediation free?"


class Network:
    """Every request the page makes and every WebSocket it opens, from before it loads."""

    def __init__(self, page) -> None:
        self.requests: list = []
        self.sockets: list = []
        self.sent_frames: list = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("websocket", self._websocket)

    def _websocket(self, ws) -> None:
        self.sockets.append(ws.url)
        ws.on("framesent", lambda payload: self.sent_frames.append(payload))

    def socket_traffic(self, rasa_port: int) -> list:
        """Requests to the assistant (socket.io polling or WebSocket) or for its client."""
        return [
            url
            for url in self.requests + self.sockets
            if f":{rasa_port}" in url or "socket.io" in url
        ]

    def user_messages(self) -> list:
        """The user_uttered frames sent over the socket, as (message, session id)."""
        messages = []
        for frame in self.sent_frames:
            text = frame if isinstance(frame, str) else frame.decode("utf-8", "replace")
            if text.startswith('42["user_uttered"'):
                body = json.loads(text[2:])[1]
                messages.append((body["message"], body["session_id"]))
        return messages


def stored_keys(page) -> list:
    return page.evaluate(
        "[...Object.keys(localStorage), ...Object.keys(sessionStorage)]"
        ".filter(k => k.startsWith('iep-chat-'))"
    )


def test_a_page_view_opens_no_socket_until_the_chat_is_opened(stack, browser):
    servers, site = stack
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    network = Network(page)
    page.goto(site.url("/demo/"))
    page.wait_for_load_state("networkidle")
    page.goto(site.url("/demo/rights.html"))
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)
    assert page.locator("button.iep-chat-launcher").is_visible()
    assert network.socket_traffic(servers.rasa_port) == []
    assert stored_keys(page) == []  # nothing said, nothing kept
    # Opened: it connects.
    page.click("button.iep-chat-launcher")
    page.wait_for_selector(".iep-chat-root[data-connection=ready]", state="attached")
    assert any(url.startswith("ws://") for url in network.sockets)
    # Opened and closed without a word: the next page opens no socket either.
    page.click("button.iep-chat-close")
    reloaded = Network(page)
    page.reload()
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)
    assert reloaded.socket_traffic(servers.rasa_port) == []
    # A conversation to resume: the next page connects without being opened.
    page.click("button.iep-chat-launcher")
    ask(page, QUESTION)
    page.click("button.iep-chat-close")
    resumed = Network(page)
    page.reload()
    page.wait_for_selector(".iep-chat-root[data-connection=ready]", state="attached")
    assert any(url.startswith("ws://") for url in resumed.sockets)
    assert not page.locator(".iep-chat-panel").is_visible()
    context.close()


def test_widget_css_and_socket_client_fit_the_budget_over_the_wire(stack, browser):
    """What Chromium received for the widget's files (CDP encodedDataLength: compressed body
    and headers), with the chat opened on a fresh page."""
    _, site = stack
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    urls: dict = {}
    encodings: dict = {}
    received: dict = {}

    def response(event) -> None:
        urls[event["requestId"]] = event["response"]["url"]
        headers = {k.lower(): v for k, v in event["response"]["headers"].items()}
        encodings[event["requestId"]] = headers.get("content-encoding", "")

    cdp.on("Network.responseReceived", response)
    cdp.on(
        "Network.loadingFinished",
        lambda event: received.__setitem__(event["requestId"], event["encodedDataLength"]),
    )
    open_widget(page, site)
    deadline = time.monotonic() + 10
    while len([i for i in received if urls.get(i, "").endswith(WIDGET_FILES)]) < 3:
        assert time.monotonic() < deadline, (urls, received)
        page.wait_for_timeout(100)
    sizes = {
        urls[i].split(str(site.port), 1)[1]: (received[i], encodings[i])
        for i in received
        if urls.get(i, "").endswith(WIDGET_FILES)
    }
    assert sorted(sizes) == sorted(WIDGET_FILES)
    assert all(encoding in ("br", "gzip") for _, encoding in sizes.values()), sizes
    total = sum(size for size, _ in sizes.values())
    print(f"\nwidget transfer: {total} bytes {sizes}")
    assert total <= BUDGET_BYTES, sizes
    context.close()


def test_start_over_asks_first_and_escape_keeps_the_conversation(stack, page):
    _, site = stack
    open_widget(page, site)
    ask(page, QUESTION)
    session = page.evaluate("window.IEPChat.sessionId()")
    page.click("button.iep-chat-restart")
    dialog = page.locator(".iep-confirm[role=dialog][aria-modal=true]")
    dialog.wait_for(state="visible")
    inside = "document.querySelector('.iep-confirm').contains(document.activeElement)"
    assert page.evaluate(inside)
    label = page.locator(".iep-confirm label").inner_text()
    assert label == ("Also delete this conversation (from this browser and the assistant's server)")
    assert page.locator(".iep-confirm input[type=checkbox]").is_checked() is False
    for key in ("Tab", "Tab", "Tab", "Shift+Tab", "Shift+Tab", "Shift+Tab", "Shift+Tab"):
        page.keyboard.press(key)
        assert page.evaluate(inside), key
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert page.locator(".iep-chat-panel").is_visible()  # Escape closed the question only
    assert page.evaluate("document.activeElement.classList.contains('iep-chat-restart')")
    assert page.evaluate("window.IEPChat.sessionId()") == session
    assert page.locator(".iep-msg-user").count() == 1


def erased_reply() -> str:
    """The assistant's reply to /confirm_erase, when the domain has it (the server side of
    deleting a conversation); empty when it has not landed yet."""
    domain = yaml.safe_load((REPO / "domain.yml").read_text(encoding="utf-8"))
    texts = domain.get("responses", {}).get("utter_conversation_erased", [])
    return texts[0]["text"] if texts else ""


def test_start_over_and_delete_sends_the_request_shows_the_reply_and_clears_the_browser(
    stack, page
):
    _, site = stack
    network = Network(page)
    open_widget(page, site)
    ask(page, QUESTION)
    page.fill("textarea.iep-chat-input", "half typed")  # a draft is stored too
    session = page.evaluate("window.IEPChat.sessionId()")
    assert "iep-chat-transcript" in stored_keys(page)
    assert "iep-chat-draft" in stored_keys(page)
    page.click("button.iep-chat-restart")
    page.check(".iep-confirm input[type=checkbox]")
    page.click(".iep-confirm button.iep-confirm-ok")
    # The previous conversation goes from the screen once the assistant has replied.
    page.wait_for_function("document.querySelectorAll('.iep-msg-user').length === 0", timeout=10000)
    assert ("/confirm_erase", session) in network.user_messages()
    assert page.locator(".iep-msg-user").count() == 0  # sent silently: no bubble
    assert stored_keys(page) == []
    new_session = page.evaluate("window.IEPChat.sessionId()")
    assert new_session and new_session != session
    reply = erased_reply()
    if reply:
        assert reply in page.locator(".iep-chat-log").inner_text()
    # A new conversation goes on under the new session id.
    ask(page, QUESTION)
    assert network.user_messages()[-1] == (QUESTION, new_session)


def plant_conversation(page, site, days_idle: float) -> None:
    """A stored conversation whose last activity was ``days_idle`` days ago."""
    page.goto(site.url("/faq/"))  # same origin, no widget
    transcript = [
        {"from": "user", "text": "planted question", "id": "p1"},
        {"from": "bot", "text": "planted answer"},
    ]
    page.evaluate(
        "([transcript, at]) => { localStorage.clear();"
        " localStorage.setItem('iep-chat-session', 'a'.repeat(32));"
        " localStorage.setItem('iep-chat-transcript', JSON.stringify(transcript));"
        " localStorage.setItem('iep-chat-last-activity', String(at)); }",
        [transcript, int(time.time() * 1000 - days_idle * DAY_MS)],
    )


def test_a_stored_conversation_idle_for_longer_than_the_retention_is_dropped(stack, page):
    servers, site = stack
    plant_conversation(page, site, days_idle=91)
    network = Network(page)
    page.goto(site.url("/demo/"))
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1000)
    assert stored_keys(page) == []
    assert network.socket_traffic(servers.rasa_port) == []  # nothing left to resume
    page.click("button.iep-chat-launcher")
    assert "planted" not in page.locator(".iep-chat-log").inner_text()
    # Within the retention it is still there.
    plant_conversation(page, site, days_idle=89)
    page.goto(site.url("/demo/"))
    page.click("button.iep-chat-launcher")
    assert "planted answer" in page.locator(".iep-chat-log").inner_text()
    assert "iep-chat-transcript" in stored_keys(page)


def test_the_browser_keeps_a_conversation_no_longer_than_the_server(
    stack, page, tmp_path, monkeypatch
):
    """One retention value: the site build gives the widget the server's RETENTION_DAYS, so
    the browser's copy goes when the server's does (issue 20)."""
    servers, _ = stack
    monkeypatch.setenv("RETENTION_DAYS", "7")
    site = Site(tmp_path, servers.rasa_port)
    try:
        plant_conversation(page, site, days_idle=8)
        page.goto(site.url("/demo/"))
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(1000)
        assert stored_keys(page) == []
        plant_conversation(page, site, days_idle=6)
        page.goto(site.url("/demo/"))
        page.click("button.iep-chat-launcher")
        assert "planted answer" in page.locator(".iep-chat-log").inner_text()
    finally:
        site.stop()
