"""Erasure (issue 11), in process: the question and its answers, the tracker store deleting
every row of the conversation on the confirming turn, and /confirm_erase accepted by the
input guard at any time (the widget's "Start over → also delete" sends it unasked)."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.privacy import ERASE_SLOT, ActionAskErase, ActionEraseConversation
from channels.input_guard import payload_is_offered
from service.stores import tracker_store
from service.stores.tracker_store import WindowedSQLTrackerStore
from tests.conftest import shown

REPO = Path(__file__).resolve().parents[3]
DOMAIN = yaml.safe_load((REPO / "domain.yml").read_text(encoding="utf-8"))


def run(action: Any, text: str, intent: str, slots: Dict[str, Any] | None = None) -> tuple:
    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": []}
    current = Tracker("p", slots or {}, latest, [], False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, current, DOMAIN))
    return dispatcher.messages, events


def test_the_question_offers_delete_and_keep_as_buttons_or_numbers():
    messages, events = run(ActionAskErase(), "delete my conversation", "erase_conversation")
    assert events == []
    web = shown(messages, "socketio")[-1]
    assert [b["payload"] for b in web["buttons"]] == ["/confirm_erase", "/keep_conversation"]
    assert "Yes, delete it" in str(web) and "No, keep it" in str(web)
    sms = shown(messages, "twilio")[-1]["text"]
    assert "1. Yes, delete it" in sms and "2. No, keep it" in sms


def test_in_spanish_the_question_offers_the_spanish_options():
    """Issue 21: the Spanish variant's buttons, and "Responda" by SMS (in GSM-7: "ó"
    becomes "o", "é" is kept)."""
    said = "borrar mi conversación"
    messages, _ = run(ActionAskErase(), said, "erase_conversation", {"language": "es"})
    web = shown(messages, "socketio")[-1]
    assert [(b["title"], b["payload"]) for b in web["buttons"]] == [
        ("Sí, bórrela", "/confirm_erase"),
        ("No, consérvela", "/keep_conversation"),
    ]
    assert messages[0]["custom"]["reply"]["language"] == "es"  # for the channels' phrases
    sms = shown(messages, "twilio")[-1]["text"]
    assert "Responda 1 o 2:" in sms and "1. Si, borrela" in sms and "2. No, consérvela" in sms


@pytest.mark.parametrize(
    "text, intent", [("/confirm_erase", "confirm_erase"), ("yes", "affirm"), ("1", "choose_option")]
)
def test_a_yes_deletes_and_says_so(text, intent):
    messages, events = run(ActionEraseConversation(), text, intent)
    assert [m["response"] for m in messages] == ["utter_conversation_erased"]
    assert [(e["event"], e["name"], e.get("value")) for e in events] == [
        ("slot", ERASE_SLOT, True),
        ("active_loop", None, None),  # a callback request under way ends with it
    ]


@pytest.mark.parametrize("text", ["2", "7"])
def test_another_number_keeps_it(text):
    messages, events = run(ActionEraseConversation(), text, "choose_option")
    assert [m["response"] for m in messages] == ["utter_erase_kept"] and events == []


def test_confirm_erase_is_accepted_typed_and_unasked_other_payloads_are_not():
    assert payload_is_offered("/confirm_erase", [])
    assert not payload_is_offered("/keep_conversation", [])
    assert not payload_is_offered('/confirm_erase{"sender": "someone-else"}', [])


def rows(db: Path) -> List[Dict[str, Any]]:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT sender_id, type_name FROM events").fetchall()


def test_the_confirming_turn_deletes_every_row_of_that_conversation_only(tmp_path):
    db = tmp_path / "t.db"
    store = WindowedSQLTrackerStore(Domain.load(str(REPO / "domain.yml")), db=str(db))

    def turn(sender: str, *events: Any) -> None:
        async def go() -> None:
            current = await store.retrieve(sender) or store.init_tracker(sender)
            for event in events:
                current.update(event)
            await store.save(current)

        asyncio.run(go())

    for sender in ("erasing", "other"):
        turn(
            sender,
            UserUttered("is it free?"),
            ActionExecuted("action_answer_topic"),
            BotUttered("Yes."),
        )
    turn("erasing", UserUttered("delete my conversation"), BotUttered("Sure?"))
    assert {s for s, _ in rows(db)} == {"erasing", "other"}
    turn(
        "erasing",
        UserUttered("/confirm_erase"),
        ActionExecuted("action_erase_conversation"),
        BotUttered("Done."),
        SlotSet(tracker_store.ERASE_SLOT, True),
    )
    assert {s for s, _ in rows(db)} == {"other"}
    assert asyncio.run(store.retrieve("erasing")) is None
    # Writing again starts a new conversation, stored as usual.
    turn("erasing", UserUttered("hello"))
    assert ("erasing", "user") in rows(db)


def test_the_slot_names_agree():
    assert ERASE_SLOT == tracker_store.ERASE_SLOT and ERASE_SLOT in DOMAIN["slots"]
