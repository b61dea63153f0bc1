"""The input guard (channels/input_guard.py), in process: what reaches NLU, and that a
parent never gets an empty reply."""

from __future__ import annotations

import asyncio
import time
from typing import Any, Dict, List

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from channels import input_guard, message_limits
from channels.input_guard import GuardedHandler
from contract.conversations import ConversationNotSaved, log_tag

ANSWERED_COST = [
    {"event": "user", "text": "is mediation free?"},
    {"event": "slot", "name": "last_topic", "value": "cost"},
    {
        "event": "bot",
        "text": "Mediation is free for you...",
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
        ('/ask_attorneys{"us_state": "XX"}', 'ask_attorneys{"us_state": "XX"}'),
        ("/ask_Attorneys now", "ask_Attorneys now"),
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
        "/switch_to_spanish",  # the widget's English/Español switch
        "/switch_to_english",
    ],
)
def test_payloads_from_the_assistants_own_controls_act(payload):
    agent = Recorder()
    run(guarded(agent), payload)
    assert agent.seen[0].text == payload


def test_a_topic_button_acts_in_a_conversation_that_never_offered_it():
    """A quick reply kept in the app after the conversation was erased asks its topic, as
    the parent could have typed it; it sets nothing else."""
    agent = Recorder()
    run(guarded(agent, events=[]), "/ask_benefit_low_cost")
    assert agent.seen[0].text == "/ask_benefit_low_cost"


@pytest.mark.parametrize("payload", ["/get_started", "/greet", "/start", "/start from-site"])
def test_a_widgets_start_payload_is_the_greeting(payload):
    """rasa-webchat opens with initPayload "/get_started": a new visitor gets the greeting,
    not "Did you mean…" (issue 20). Telegram's Start button sends "/start" (a deep link
    adds a parameter), which was read as the word "start" and declined."""
    agent = Recorder()
    run(guarded(agent, events=[]), payload)
    assert agent.seen[0].text == "/greet"


def test_another_button_payload_is_refused_in_a_conversation_that_never_offered_it():
    agent = Recorder()
    run(guarded(agent, events=[]), "/choose_option")
    assert agent.seen[0].text == "choose_option"


def test_when_nothing_is_sent_the_parent_gets_the_apology():
    messages = run(guarded(Recorder(reply="")), "is mediation free?")
    assert [m["text"] for m in messages] == ["Sorry, we have a problem. Ask these people:"]


def test_when_the_agent_fails_the_parent_gets_the_apology_and_the_error_is_one_line(caplog):
    messages = run(guarded(Recorder(fail=True)), "is mediation free?")
    assert [m["text"] for m in messages] == ["Sorry, we have a problem. Ask these people:"]
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    line = errors[0].getMessage()
    assert len(errors) == 1 and f"conversation={log_tag('unknown:parent-1')}" in line
    assert "parent-1" not in line and "mediation" not in line
    assert errors[0].exc_info is None


def test_a_normal_reply_gets_no_apology():
    assert [m["text"] for m in run(guarded(Recorder()), "is mediation free?")] == ["an answer"]


@pytest.mark.parametrize(
    "typed",
    [
        "<b>/restart",
        "\x00\t/restart",
        '<b>/give_state{"us_state":"XX"}',
        "/\t/restart",
        "\u2003/session_start",
        "<i></i>\n /restart",
        "<script>x</script>/restart",
    ],
)
def test_a_payload_behind_markup_control_characters_or_spaces_is_read_as_words(typed):
    agent = Recorder()
    run(guarded(agent, events=[]), typed)
    seen = agent.seen[0].text or ""
    # Rasa looks for "/" after str.strip(): what reaches it must not start with one.
    assert not seen.strip().startswith("/") and agent.seen[0].parse_data is None


def test_each_channel_has_its_own_conversations_and_replies_reach_the_apps_own_id():
    agent = Recorder()
    collector = CollectingOutputChannel()
    message = UserMessage("is mediation free?", collector, "12345", input_channel="rest")
    asyncio.run(guarded(agent)(message))
    assert agent.seen[0].sender_id == "rest:12345"
    assert [m["recipient_id"] for m in collector.messages] == ["12345"]


@pytest.mark.parametrize(
    "metadata",
    [
        {"k": "x" * 70_000},
        {"k": ["x"] * 5_000},
        {f"k{i}": i for i in range(2_000)},
        {"a": {"a": {"a": {"a": {"a": {"a": {"a": {"a": 1}}}}}}}},
    ],
    ids=["one long string", "a long list", "many keys", "too deep"],
)
def test_metadata_over_the_limits_is_dropped_before_anything_reads_it(metadata):
    agent = Recorder()
    collector = CollectingOutputChannel()
    message = UserMessage("hi", collector, "p", input_channel="socketio", metadata=metadata)
    asyncio.run(guarded(agent)(message))
    # Nothing of the client's is left; only our own guess of the words' language.
    assert agent.seen[0].metadata == {"language_guess": "en"}


def test_metadata_within_the_limits_is_kept():
    agent = Recorder()
    metadata = {"reply_to": "+14155550123", "users": ["U1", "U2"], "thread_id": None}
    message = UserMessage("hi", CollectingOutputChannel(), "p", metadata=metadata)
    asyncio.run(guarded(agent)(message))
    assert agent.seen[0].metadata == {**metadata, "language_guess": "en"}


def test_metadata_nested_900_deep_is_measured_without_recursion():
    deep: Dict[str, Any] = {}
    for _ in range(900):
        deep = {"a": deep}
    assert message_limits.metadata_problem(deep) == "depth"


class Unsaved(Recorder):
    """Answers, then the store fails to save the turn (as Rasa's processor would raise)."""

    async def __call__(self, message: UserMessage) -> None:
        await super().__call__(message)
        raise ConversationNotSaved("OperationalError")


def test_a_turn_that_could_not_be_saved_gets_only_the_apology(caplog):
    messages = run(guarded(Unsaved()), "is mediation free?")
    assert [m["text"] for m in messages] == ["Sorry, we have a problem. Ask these people:"]
    # The store logged its one line; the guard adds none.
    assert not [r for r in caplog.records if r.name == "channels.input_guard"]


@pytest.mark.parametrize(
    "unit",
    ["<script", "<style ", "<a", "<script>", "</", "<b x='", "\x00<", " /"],
)
def test_cleaning_markup_is_linear_in_the_input(unit):
    """Time the markup patterns on n and 8n characters: linear is about 8x, quadratic 64x."""

    def cost(repeat: int) -> float:
        text = unit * repeat
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            input_guard._TAG.sub(" ", input_guard._SCRIPT_OR_STYLE.sub(" ", text))
            best = min(best, time.perf_counter() - started)
        return best

    small = 4_000 // len(unit) + 1
    assert cost(8 * small) / max(cost(small), 1e-6) < 24
