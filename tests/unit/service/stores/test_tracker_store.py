"""The windowed SQL tracker store: recent turns plus the slots they start from, nothing
lost when saving, and the whole conversation still stored."""

from __future__ import annotations

import asyncio
from typing import List

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
)

from service.stores.tracker_store import WindowedSQLTrackerStore
from tests.conftest import REPO


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(REPO / "domain.yml"))


@pytest.fixture
def store(domain, tmp_path) -> WindowedSQLTrackerStore:
    return WindowedSQLTrackerStore(
        domain, dialect="sqlite", db=str(tmp_path / "t.db"), window_turns=4
    )


def turn(number: int, topic: str) -> List[Event]:
    return [
        UserUttered(f"question {number}", {"name": "ask_cost", "confidence": 1.0}),
        ActionExecuted("action_answer_topic"),
        SlotSet("last_topic", topic),
        BotUttered(f"answer {number}"),
        ActionExecuted("action_listen"),
    ]


def converse(store: WindowedSQLTrackerStore, sender: str, turns: List[List[Event]]) -> None:
    """Each turn as the processor does it: retrieve (or create), update, save."""

    async def go() -> None:
        for events in turns:
            tracker = await store.retrieve(sender) or store.init_tracker(sender)
            for event in events:
                tracker.update(event)
            await store.save(tracker)

    asyncio.run(go())


def user_texts(tracker) -> List[str]:
    return [e.text for e in tracker.events if isinstance(e, UserUttered)]


def test_a_long_conversation_loads_only_recent_turns_with_the_earlier_slots(store):
    first = [SlotSet("us_state", "OH")] + turn(0, "topic-0")
    converse(store, "p", [first] + [turn(n, f"topic-{n}") for n in range(1, 30)])
    tracker = asyncio.run(store.retrieve("p"))
    assert user_texts(tracker) == [f"question {n}" for n in range(26, 30)]
    assert tracker.get_slot("us_state") == "OH"
    assert tracker.get_slot("last_topic") == "topic-29"
    assert len(tracker.events) < 30


def test_saving_a_windowed_tracker_stores_each_new_event_once_and_in_order(store):
    converse(store, "p", [turn(n, f"topic-{n}") for n in range(12)])
    full = asyncio.run(store.retrieve_full_tracker("p"))
    assert user_texts(full) == [f"question {n}" for n in range(12)]
    assert len(full.events) == 12 * 5


def test_a_short_conversation_is_loaded_whole(store):
    converse(store, "p", [turn(n, f"topic-{n}") for n in range(3)])
    tracker = asyncio.run(store.retrieve("p"))
    assert user_texts(tracker) == ["question 0", "question 1", "question 2"]


def test_only_the_current_session_and_slots_set_after_a_restart_count(store):
    converse(
        store,
        "p",
        [
            [SlotSet("us_state", "OH")] + turn(0, "old"),
            [Restarted()],
            [SessionStarted()] + turn(1, "new"),
        ]
        + [turn(n, f"topic-{n}") for n in range(2, 10)],
    )
    tracker = asyncio.run(store.retrieve("p"))
    assert tracker.get_slot("us_state") is None
    assert tracker.get_slot("last_topic") == "topic-9"
    assert "question 0" not in user_texts(tracker)


def test_conversations_do_not_mix(store):
    converse(store, "a", [turn(n, f"a-{n}") for n in range(6)])
    converse(store, "b", [turn(n, f"b-{n}") for n in range(6)])
    assert asyncio.run(store.retrieve("a")).get_slot("last_topic") == "a-5"
    assert user_texts(asyncio.run(store.retrieve_full_tracker("b"))) == [
        f"question {n}" for n in range(6)
    ]


def test_an_unknown_conversation_is_none(store):
    assert asyncio.run(store.retrieve("nobody")) is None


def test_events_read_back_equal_rasas_own_deserialisation(store):
    from rasa.shared.core.events import deserialise_events

    from service.stores.tracker_store import deserialise

    converse(
        store,
        "p",
        [[SessionStarted(), SlotSet("us_state", "OH")] + turn(0, "cost"), [Restarted()]],
    )
    stored = [e.as_dict() for e in asyncio.run(store.retrieve_full_tracker("p")).events]
    assert deserialise(stored) == deserialise_events(stored)
    assert len(deserialise(stored)) == 8


def test_sqlite_runs_in_wal_mode(store):
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def channel_turn(channel: str, text: str, metadata=None) -> List[Event]:
    return [
        UserUttered(
            text, {"name": "ask_cost", "confidence": 1.0}, input_channel=channel, metadata=metadata
        ),
        ActionExecuted("action_answer_topic"),
        SlotSet("last_topic", "cost"),
        BotUttered("an answer"),
        ActionExecuted("action_listen"),
    ]


def stored_senders(store: WindowedSQLTrackerStore) -> List[str]:
    with store.session_scope() as session:
        return sorted({s for (s,) in session.query(store.SQLEvent.sender_id)})


def test_a_conversation_stored_under_a_bare_id_is_adopted_by_its_own_channel(store):
    converse(store, "12345", [channel_turn("telegram", "is it free?")])
    tracker = asyncio.run(store.retrieve("telegram:12345"))
    assert tracker is not None and user_texts(tracker) == ["is it free?"]
    assert stored_senders(store) == ["telegram:12345"]


def test_another_channel_naming_an_old_bare_id_finds_nothing_and_changes_nothing(store):
    converse(store, "12345", [channel_turn("telegram", "my son Mateo")])
    assert asyncio.run(store.retrieve("rest:12345")) is None
    assert stored_senders(store) == ["12345"]
    assert asyncio.run(store.retrieve("telegram:12345")) is not None


def test_an_old_conversation_that_mixed_channels_is_adopted_by_none(store):
    converse(store, "777", [channel_turn("telegram", "first"), channel_turn("rest", "second")])
    assert asyncio.run(store.retrieve("telegram:777")) is None
    assert asyncio.run(store.retrieve("rest:777")) is None


def test_the_client_tag_is_never_stored_and_other_metadata_is(store):
    converse(
        store,
        "rest:abc",
        [channel_turn("rest", "hello", {"client_tag": "f00dfeed", "page": "/demo/"})],
    )
    with store.session_scope() as session:
        data = " ".join(d for (d,) in session.query(store.SQLEvent.data))
    assert "client_tag" not in data and "f00dfeed" not in data
    assert '"page": "/demo/"' in data


def test_the_request_ids_of_the_last_messages_come_newest_first_and_per_conversation(store):
    # The retry check (channels/request_replay.py) asks this on every REST turn behind nginx.
    turns = [channel_turn("rest", f"q{i}", {"request_id": f"id{i}"}) for i in range(5)]
    converse(store, "rest:abc", turns + [channel_turn("rest", "no id", {})])
    converse(store, "rest:other", [channel_turn("rest", "hi", {"request_id": "theirs"})])
    assert store.recent_request_ids("rest:abc") == ["id4", "id3"]  # of the last 3 messages
    assert store.recent_request_ids("rest:abc", messages=10)[-1] == "id0"
    assert store.recent_request_ids("rest:nobody") == []
