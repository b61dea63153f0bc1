"""Privacy at the database level (issue 11), against the real servers: what a parent types is
stored and logged redacted, old conversations are gone after a start, and "delete my
conversation" removes every row of it, over REST and socket.io."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
import uuid
from pathlib import Path
from typing import Any, List

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered

import harness.servers
from contract.conversations import conversation_key
from harness.servers import MODEL, REPO, Servers
from harness.socketio_client import socketio_steps
from service.privacy.retention import DAY_SECONDS
from service.stores.tracker_store import WindowedSQLTrackerStore

pytestmark = pytest.mark.skipif(not MODEL.exists(), reason="no trained model: run `make test`")

RETENTION_DAYS = 30
SECRETS = ["jane.doe@example.com", "(555) 123-4567", "555.987.6543", "123-45-6789", "20231234"]


def plant(db: Path, sender: str, age_days: float) -> None:
    """A conversation whose every event happened ``age_days`` ago."""
    store = WindowedSQLTrackerStore(Domain.load(str(REPO / "domain.yml")), db=str(db))
    tracker = store.init_tracker(sender)
    stamp = time.time() - age_days * DAY_SECONDS
    for event in (
        ActionExecuted("action_listen", timestamp=stamp),
        UserUttered("is it free?", timestamp=stamp),
    ):
        tracker.update(event)
    asyncio.run(store.save(tracker))
    store.engine.dispose()


def rows(db: Path, sender: str = "") -> List[Any]:
    with sqlite3.connect(db) as connection:
        if sender:
            return connection.execute(
                "SELECT * FROM events WHERE sender_id = ?", (sender,)
            ).fetchall()
        return connection.execute("SELECT * FROM events").fetchall()


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """The servers with Rasa's debug logs on (they print every message and the parse) and
    a store planted with an old and a recent conversation before the start."""
    workdir = tmp_path_factory.mktemp("privacy")
    plant(workdir / "tracker.db", "old-parent", RETENTION_DAYS + 1)
    plant(workdir / "tracker.db", "recent-parent", RETENTION_DAYS - 1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(harness.servers.ENV, "LOG_LEVEL", "DEBUG")
        patch.setitem(harness.servers.ENV, "RETENTION_DAYS", str(RETENTION_DAYS))
        for name in ("HANDOFF_INBOX", "SMTP_HOST", "SMTP_FROM"):  # no inbox configured
            patch.delitem(harness.servers.ENV, name, raising=False)
        running = Servers(workdir)
    yield running
    running.stop()


def db_of(servers: Servers) -> Path:
    return servers.workdir / "tracker.db"


def test_at_start_conversations_past_the_retention_period_are_deleted(servers):
    deadline = time.time() + 10  # the purge runs just after the server starts listening
    while rows(db_of(servers), "old-parent") and time.time() < deadline:
        time.sleep(0.1)
    assert rows(db_of(servers), "old-parent") == []
    assert rows(db_of(servers), "recent-parent") != []
    assert "retention.purged conversations=1" in (servers.workdir / "rasa.log").read_text()


def test_contact_details_and_ids_are_in_neither_the_events_table_nor_the_logs(servers):
    sender = "privacy-" + uuid.uuid4().hex
    replies = servers.ask(sender, f"my email is {SECRETS[0]} and my phone is {SECRETS[1]}")
    assert replies  # answered as usual: NLU and the actions saw the text
    servers.ask(sender, f"or call {SECRETS[2]}. his ssn is {SECRETS[3]}, student id {SECRETS[4]}")
    servers.ask(sender, "is mediation free?")
    stored = rows(db_of(servers), conversation_key("rest", sender))
    assert len(stored) > 5
    dump = json.dumps(rows(db_of(servers)))
    logs = "\n".join(p.read_text() for p in servers.workdir.glob("*.log"))
    for secret in SECRETS:
        assert secret not in dump
        assert secret not in logs
    user_texts = [json.loads(r[-1])["text"] for r in stored if r[2] == "user"]
    assert "my email is [email] and my phone is [phone]" in user_texts
    assert "or call [phone]. his ssn is [number], student id [number]" in user_texts
    assert "[email]" in logs  # the debug lines were written, redacted


def texts(messages: List[Any]) -> str:
    return "\n".join(m.get("text") or "" for m in messages if isinstance(m, dict))


def test_delete_my_conversation_over_rest_asks_then_removes_every_row(servers):
    sender, other = "erase-" + uuid.uuid4().hex, "keep-" + uuid.uuid4().hex
    servers.ask(sender, "is mediation free?")
    servers.ask(other, "is mediation free?")
    asked = servers.ask(sender, "delete my conversation")
    assert [b["payload"] for m in asked for b in m.get("buttons", [])] == [
        "/confirm_erase",
        "/keep_conversation",
    ]
    assert rows(
        db_of(servers), conversation_key("rest", sender)
    )  # nothing is deleted before the parent confirms
    done = servers.ask(sender, "/confirm_erase")
    assert "this conversation is deleted" in texts(done)
    assert rows(db_of(servers), conversation_key("rest", sender)) == []
    assert rows(db_of(servers), conversation_key("rest", other))  # only that conversation


def test_no_keeps_it_over_rest(servers):
    sender = "erase-" + uuid.uuid4().hex
    servers.ask(sender, "erase my chat")
    kept = servers.ask(sender, "/keep_conversation")
    assert "kept it" in texts(kept)
    assert rows(db_of(servers), conversation_key("rest", sender))


def test_over_socketio_the_widgets_unasked_confirm_erase_removes_every_row(servers):
    session = uuid.uuid4().hex
    origin = f"http://localhost:{servers.site_port}"
    replies = socketio_steps(
        servers.rasa_port,
        origin,
        [
            ("session_request", {"session_id": session}),
            ("user_uttered", {"message": "my email is jane@example.com", "session_id": session}),
            ("user_uttered", {"message": "is mediation free?", "session_id": session}),
        ],
    )
    assert replies[-1] and rows(db_of(servers), conversation_key("socketio", session))
    _, done = socketio_steps(  # the widget after a reload: its session, then the payload
        servers.rasa_port,
        origin,
        [
            ("session_request", {"session_id": session}),
            ("user_uttered", {"message": "/confirm_erase", "session_id": session}),
        ],
    )
    assert "this conversation is deleted" in texts(done)
    assert rows(db_of(servers), conversation_key("socketio", session)) == []
    # Writing again starts afresh: the notice first, as for a new parent.
    _, again = socketio_steps(
        servers.rasa_port,
        origin,
        [
            ("session_request", {"session_id": session}),
            ("user_uttered", {"message": "is mediation free?", "session_id": session}),
        ],
    )
    assert "not legal advice" in texts(again)
    assert len(rows(db_of(servers), conversation_key("socketio", session))) > 0


def test_without_an_inbox_talk_to_a_person_gives_the_contacts_and_no_callback(servers, kb):
    sender = "handoff-" + uuid.uuid4().hex
    replies = servers.ask(sender, "can i talk to a real person")
    said = texts(replies)
    assert "people can help" in said and kb.help_contacts[0].name in said
    assert "contact me" not in said.lower()
    assert all(b["payload"] != "/request_callback" for m in replies for b in m.get("buttons", []))
    # Typed anyway, the request ends at once with the contacts: nothing is asked or sent.
    replies = servers.ask(sender, "ask the organisation to contact me")
    assert kb.help_contacts[0].name in texts(replies) and "Is it OK" not in texts(replies)
