"""A REST request retried after its turn was stored (channels/request_replay.py, and the
input guard that uses it): the stored replies again, never a second handling."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from channels.input_guard import GuardedHandler
from channels.request_replay import stored_replies, with_request_id

NOTICE = {"event": "bot", "text": "Hi! This is general information, not legal advice.", "data": {}}
COST = {
    "event": "bot",
    "text": "Mediation is free for you.",
    "data": {"buttons": [{"title": "Tell me more", "payload": "/tell_me_more"}]},
}
DETAILS = {"event": "bot", "text": "The State pays the mediator.", "data": {}}
# A conversation as Rasa 3.6's tracker store holds it: the session's notice is stored before
# the first message, which carried it in its reply.
STORED = [
    {"event": "slot", "name": "session_started_metadata", "value": None},
    {"event": "action", "name": "action_session_start"},
    NOTICE,
    {"event": "session_started"},
    {"event": "action", "name": "action_listen"},
    {"event": "user", "text": "is mediation free?", "metadata": {"request_id": "first"}},
    {"event": "slot", "name": "last_topic", "value": "cost"},
    COST,
    {"event": "action", "name": "action_listen"},
    {"event": "user", "text": "tell me more", "metadata": {"request_id": "second"}},
    DETAILS,
    {"event": "action", "name": "action_listen"},
    {"event": "action", "name": "action_session_start"},
    {"event": "bot", "text": "Welcome back.", "data": {}},
    {"event": "session_started"},
]


def texts(replies: List[Dict[str, Any]]) -> List[str]:
    return [reply["text"] for reply in replies]


def test_the_first_message_of_a_session_replays_the_notice_then_its_answer():
    replies = stored_replies(STORED, "first")
    assert texts(replies) == [NOTICE["text"], COST["text"]]
    assert replies[1]["buttons"] == COST["data"]["buttons"]


def test_a_later_message_replays_only_its_own_answer():
    assert texts(stored_replies(STORED, "second")) == [DETAILS["text"]]


@pytest.mark.parametrize("identifier", ["third", ""])
def test_a_request_never_stored_is_not_replayed(identifier):
    assert stored_replies(STORED, identifier) is None


def test_a_stored_message_without_replies_replays_nothing():
    events = [{"event": "user", "text": "hi", "metadata": {"request_id": "x"}}]
    assert stored_replies(events, "x") == []


@pytest.mark.parametrize(
    "headers, expected",
    [
        ({"X-Request-ID": "4f2a9c0e1b7d4e6f8a9b0c1d2e3f4a5b"}, "4f2a9c0e1b7d4e6f8a9b0c1d2e3f4a5b"),
        ({}, None),
        ({"X-Request-ID": "has spaces in it"}, None),
        ({"X-Request-ID": "x" * 65}, None),
        ({"X-Request-ID": "<script>"}, None),
    ],
)
def test_the_request_id_comes_only_from_a_plain_header(headers, expected):
    # An id the client put in the body's metadata is never kept.
    metadata = with_request_id({"request_id": "from-the-body", "client_tag": "t"}, headers)
    assert metadata.get("request_id") == expected
    assert metadata["client_tag"] == "t"


class Agent:
    """Stands in for Rasa: counts the messages it handles."""

    def __init__(self) -> None:
        self.handled: List[str] = []

    async def __call__(self, message: UserMessage) -> None:
        self.handled.append(message.text)
        await message.output_channel.send_text_message(message.sender_id, "a new answer")


def send(channel: str, metadata: Dict[str, Any]) -> tuple:
    agent = Agent()

    async def recent_events(key: str) -> List[Dict[str, Any]]:
        # What the store loads for a turn starts at the session's start, after the notice.
        assert key == f"{channel}:parent-7"
        return STORED[STORED.index({"event": "session_started"}) :]

    async def all_events(key: str) -> List[Dict[str, Any]]:
        assert key == f"{channel}:parent-7"
        return STORED

    guard = GuardedHandler(
        agent, recent_events, lambda: "Sorry, ask these people:", all_events=all_events
    )
    collector = CollectingOutputChannel()
    message = UserMessage(
        "is mediation free?", collector, "parent-7", input_channel=channel, metadata=metadata
    )
    asyncio.run(guard(message))
    return agent.handled, collector.messages


def test_a_retried_rest_request_gets_the_stored_replies_and_is_not_handled_again():
    handled, messages = send("rest", {"request_id": "first"})
    assert handled == []
    assert [m["text"] for m in messages] == [NOTICE["text"], COST["text"]]
    # Addressed to the client's own id, as every reply is.
    assert {m["recipient_id"] for m in messages} == {"parent-7"}


def test_a_new_rest_request_is_handled():
    handled, messages = send("rest", {"request_id": "new"})
    assert handled == ["is mediation free?"]
    assert [m["text"] for m in messages] == ["a new answer"]


def test_a_request_id_from_another_channel_is_not_honoured():
    # Only the REST channel sets it (from the proxy's header); a widget's metadata is its own.
    handled, _ = send("socketio", {"request_id": "first"})
    assert handled == ["is mediation free?"]


def test_the_guard_asks_the_stores_cheap_query_not_the_recent_events():
    """On every REST turn behind nginx the check runs: given the store's own query, the
    guard never loads the conversation unless the id is there."""
    agent = Agent()

    async def no_loading(_: str) -> List[Dict[str, Any]]:
        raise AssertionError("the recent events were loaded")

    async def ids(_: str) -> List[str]:
        return ["older", "newest"]

    guard = GuardedHandler(
        agent, no_loading, lambda: "Sorry", all_events=no_loading, recent_request_ids=ids
    )
    message = UserMessage(
        "hi", CollectingOutputChannel(), "p", input_channel="rest", metadata={"request_id": "new"}
    )
    asyncio.run(guard(message))
    assert agent.handled == ["hi"]


def test_the_guard_takes_the_stores_query_once_the_agent_is_loaded():
    """The server finds its store only after start: from then on the store's own query
    answers, and the recent events are not loaded for a new request."""
    agent = Agent()
    asked: List[str] = []

    async def no_loading(_: str) -> List[Dict[str, Any]]:
        raise AssertionError("the recent events were loaded")

    def store_query(key: str) -> List[str]:
        asked.append(key)
        return ["older"]

    guard = GuardedHandler(agent, no_loading, lambda: "Sorry", all_events=no_loading)
    guard.use_request_ids(store_query)
    message = UserMessage(
        "hi", CollectingOutputChannel(), "p", input_channel="rest", metadata={"request_id": "new"}
    )
    asyncio.run(guard(message))
    assert agent.handled == ["hi"]
    assert asked == ["rest:p"]  # the conversation key, channel first
