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
