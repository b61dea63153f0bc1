"""'Start over' with 'also delete' in the widget (issue 11), in a real browser: the assistant
deletes the conversation from its server (no row of that sender is left in the tracker
store), and the widget says so."""

from __future__ import annotations

import sqlite3
import time

from contract.conversations import conversation_key
from tests.browser.test_widget import ask, open_widget


def rows_of(servers, sender: str, channel: str = "socketio") -> int:
    key = conversation_key(channel, sender)
    with sqlite3.connect(servers.workdir / "tracker.db") as db:
        return db.execute("SELECT count(*) FROM events WHERE sender_id = ?", (key,)).fetchone()[0]


def test_start_over_and_delete_removes_the_conversation_from_the_server(stack, page):
    servers, site = stack
    open_widget(page, site)
    ask(page, "is mediation free? my email is jane@example.com")
    session = page.evaluate("window.IEPChat.sessionId()")
    assert rows_of(servers, session) > 0
    other = "keep-" + session[:8]
    servers.ask(other, "is mediation free?")
    page.click("button.iep-chat-restart")
    page.check(".iep-confirm input.iep-confirm-erase")
    page.click(".iep-confirm button.iep-confirm-ok")
    page.wait_for_function(
        "[...document.querySelectorAll('.iep-msg-bot')].some(m =>"
        " m.innerText.includes('this conversation is deleted from our server'))",
        timeout=20000,
    )
    deadline = time.time() + 10
    while rows_of(servers, session) and time.time() < deadline:
        time.sleep(0.1)
    assert rows_of(servers, session) == 0
    assert rows_of(servers, other, "rest") > 0  # only that conversation
    assert page.evaluate("window.IEPChat.sessionId()") != session


def test_typed_delete_my_conversation_also_deletes_this_browsers_copy(stack, page):
    """The privacy line says "To delete it now, say 'delete my conversation'": the copy in
    this browser goes too, not only the server's (issue 20)."""
    servers, site = stack
    open_widget(page, site)
    ask(page, "is mediation free? my son is 9 and has autism")
    session = page.evaluate("window.IEPChat.sessionId()")
    page.fill("textarea.iep-chat-input", "delete my conversation")
    page.keyboard.press("Enter")
    page.locator(".iep-quick-replies button", has_text="Yes, delete it").click()
    page.wait_for_function(f"window.IEPChat.sessionId() !== '{session}'", timeout=20000)
    log = page.inner_text(".iep-chat-log")
    assert "this conversation is deleted from our server" in log
    assert "did not confirm" not in log
    stored = page.evaluate("JSON.stringify({...localStorage, ...sessionStorage})")
    assert "autism" not in stored and "delete my conversation" not in stored
    assert "autism" not in log
    deadline = time.time() + 10
    while rows_of(servers, session) and time.time() < deadline:
        time.sleep(0.1)
    assert rows_of(servers, session) == 0
