"""The input guard (channels/input_guard.py), in process: what reaches NLU, and that a
parent never gets an empty reply."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from channels import input_guard
from channels.input_guard import GuardedHandler

ANSWERED_COST = [
    {"event": "user", "text": "is mediation free?"},
    {"event": "slot", "name": "last_topic", "value": "cost"},
    {
        "event": "bot",
        "text": "No. Mediation is free for you...",
        "data": {
            "buttons": [
                {"title": "Is it cheaper than a hearing?", "payload": "/ask_benefit_low_cost"}
            ]
        },
    },
]


def run(handler: GuardedHandler, text: Any) -> List[Dict[str, Any]]:
    collector = CollectingOutputChannel()
    asyncio.run(handler(UserMessage(text, collector, "parent-1")))
    return collector.messages


class Recorder:
    """Stands in for the agent: remembers what reached it, answers or fails as told."""

    def __init__(self, reply: str = "an answer", fail: bool = False) -> None:
        self.seen: List[UserMessage] = []
        self.reply, self.fail = reply, fail

    async def __call__(self, message: UserMessage) -> None:
        self.seen.append(message)
        if self.fail:
            raise RuntimeError("tracker store down")
        if self.reply:
            await message.output_channel.send_text_message(message.sender_id, self.reply)


def guarded(agent: Recorder, events: List[Dict[str, Any]] = ANSWERED_COST) -> GuardedHandler:
    async def tracker_events(_: str) -> List[Dict[str, Any]]:
        return events

    return GuardedHandler(
        agent, tracker_events, lambda: "Sorry, we have a problem. Ask these people:"
    )


@pytest.mark.parametrize("text", ["", "   ", "\n\t ", None, "\x00\x00"])
def test_empty_blank_or_non_text_skips_nlu_as_an_empty_message(text):
    agent = Recorder()
    run(guarded(agent), text)
    assert agent.seen[0].text == ""
    assert agent.seen[0].parse_data["intent"]["name"] == input_guard.NO_WORDS_INTENT


@pytest.mark.parametrize("value", [42, {"text": "hi"}, ["hi"], None, b"hi"])
def test_clean_text_makes_anything_a_string(value):
    assert input_guard.clean_text(value) == ""


def test_an_over_long_message_is_cut_before_nlu_and_marked_too_long():
    agent = Recorder()
    run(guarded(agent), "my son " * 1000)
    message = agent.seen[0]
    assert len(message.text) == input_guard.MAX_MESSAGE_CHARS
    assert message.parse_data["intent"]["name"] == input_guard.TOO_LONG_INTENT


def test_a_message_at_the_limit_goes_to_nlu_whole():
    agent = Recorder()
    text = "x" * input_guard.MAX_MESSAGE_CHARS
    run(guarded(agent), text)
    assert agent.seen[0].text == text and agent.seen[0].parse_data is None


def test_null_bytes_and_lone_surrogates_are_cleaned_not_refused():
    agent = Recorder()
    run(guarded(agent), "is mediation\x00 free?\ud800")
    assert agent.seen[0].text == "is mediation free??"
    assert agent.seen[0].parse_data is None


@pytest.mark.parametrize(
    "pasted, cleaned",
    [
        ("<script>alert(1)</script> is mediation free?", "is mediation free?"),
        ("<p>Is <b>mediation</b> free?</p>", "Is mediation free?"),
        ("<style>p {color: red}</style>is it binding", "is it binding"),
        ("my son is < 10 and > 5", "my son is < 10 and > 5"),
    ],
)
def test_pasted_markup_is_removed_but_comparisons_stay(pasted, cleaned):
    assert " ".join(input_guard.clean_text(pasted).split()) == cleaned


@pytest.mark.parametrize("text", ["\U0001f62d\U0001f62d", "?!?! :-(", "..."])
def test_emoji_or_symbols_only_skip_nlu(text):
    agent = Recorder()
    run(guarded(agent), text)
    assert agent.seen[0].parse_data["intent"]["name"] == input_guard.NO_WORDS_INTENT


@pytest.mark.parametrize("text", ["2", "the 2nd one", "OH"])
def test_a_digit_or_a_word_goes_to_nlu(text):
    agent = Recorder()
    run(guarded(agent), text)
    assert agent.seen[0].parse_data is None


@pytest.mark.parametrize(
    "typed, reaches_nlu_as",
    [
        ("/restart", "restart"),
        ("/session_start", "session_start"),
        (
            '/feedback{"helpful": "no", "topic": "attorneys"}',
            'feedback{"helpful": "no", "topic": "attorneys"}',
        ),
        (
            '/feedback{"helpful": "no", "topic": "cost", "extra": 1}',
            'feedback{"helpful": "no", "topic": "cost", "extra": 1}',
        ),
        ("/ask_attorneys", "ask_attorneys"),
        ("//", ""),
    ],
)
def test_typed_payloads_the_assistant_did_not_offer_are_read_as_words(typed, reaches_nlu_as):
    agent = Recorder()
    run(guarded(agent), typed)
    assert agent.seen[0].text == reaches_nlu_as
    if reaches_nlu_as:
        assert agent.seen[0].parse_data is None


@pytest.mark.parametrize(
    "payload",
    [
        "/ask_benefit_low_cost",  # a button of the last answer
        '/feedback{"helpful": "yes", "topic": "cost"}',  # feedback on an answered topic
        "/human_handoff",  # the widget's "Talk to a person"
        input_guard.UNSUPPORTED_MESSAGE,  # a connector's "not text"
    ],
)
def test_payloads_from_the_assistants_own_controls_act(payload):
    agent = Recorder()
    run(guarded(agent), payload)
    assert agent.seen[0].text == payload


def test_a_button_payload_is_refused_in_a_conversation_that_never_offered_it():
    agent = Recorder()
    run(guarded(agent, events=[]), "/ask_benefit_low_cost")
    assert agent.seen[0].text == "ask_benefit_low_cost"


def test_when_nothing_is_sent_the_parent_gets_the_apology():
    messages = run(guarded(Recorder(reply="")), "is mediation free?")
    assert [m["text"] for m in messages] == ["Sorry, we have a problem. Ask these people:"]


def test_when_the_agent_fails_the_parent_gets_the_apology_and_the_error_is_one_line(caplog):
    messages = run(guarded(Recorder(fail=True)), "is mediation free?")
    assert [m["text"] for m in messages] == ["Sorry, we have a problem. Ask these people:"]
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1 and "sender=parent-1" in errors[0].getMessage()
    assert errors[0].exc_info is None


def test_a_normal_reply_gets_no_apology():
    assert [m["text"] for m in run(guarded(Recorder()), "is mediation free?")] == ["an answer"]
