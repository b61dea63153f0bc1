"""The two-stage fallback, the same on every channel: unsure → "Did you mean…" (two topics
and "Something else"); "Something else" → "What would you like to know?" (no apology); a
second miss in a row → the help contacts.

First the actions against JSON tracker fixtures (tests/fixtures/trackers/fallback_*.json),
then end to end on real servers: SMS through Twilio (numbered options, "3") and the widget's
socket.io (button payloads).
"""

from __future__ import annotations

import uuid
from typing import List

import pytest

from actions import actions
from channels.sms import to_gsm7
from harness.servers import MODEL
from harness.socketio_client import socketio_steps
from tests.conftest import run_action, slots_set, topics_in

APOLOGY = ("sorry", "not something I cover")
ASK_WHAT_ELSE = "What would you like to know?"


def responses(messages) -> List[str]:
    return [m.get("response") for m in messages]


def said(messages) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


# --- Actions against tracker fixtures ------------------------------------------------------


def test_unsure_question_by_sms_lists_two_topics_and_something_else_by_number(kb):
    messages, events = run_action(actions.ActionHandleLowConfidence(), "fallback_unsure_sms")
    # One SMS: the question and its numbered choices (a parent pays per message).
    [message] = messages
    assert responses(messages)[0] == "utter_clarify" and not message.get("buttons")
    assert message["text"].endswith(
        "?\nReply 1, 2 or 3:\n1. "
        + kb.topic("caucus").title
        + "\n2. "
        + kb.topic("resolution_meeting").title
        + "\n3. Something else"
    )
    assert slots_set(events) == {
        "offered_topics": ["caucus", "resolution_meeting"],
        "fallback_stage": "clarifying",
    }


def test_unsure_question_on_the_widget_sets_the_stage_too():
    messages, events = run_action(actions.ActionHandleLowConfidence(), "low_confidence_first")
    assert messages[0]["buttons"][-1]["payload"] == "/something_else"
    assert slots_set(events)["fallback_stage"] == "clarifying"


def test_sms_number_of_a_topic_after_did_you_mean_answers_it():
    messages, events = run_action(actions.ActionChooseOption(), "fallback_sms_1_after_clarify")
    assert topics_in(messages) == [] and slots_set(events)["last_topic"] == "caucus"
    assert "fallback_stage" not in slots_set(events)


@pytest.mark.parametrize(
    "action, fixture",
    [
        (actions.ActionChooseOption(), "fallback_sms_3_after_clarify"),  # SMS: "3"
        (actions.ActionSomethingElse(), "fallback_something_else_button"),  # widget: the button
        (actions.ActionSomethingElse(), "fallback_something_else_typed"),  # typed, no list shown
    ],
)
def test_something_else_asks_what_the_parent_would_like_to_know_without_apology(action, fixture):
    messages, events = run_action(action, fixture)
    assert responses(messages) == ["utter_ask_what_else"]
    assert slots_set(events) == {"offered_topics": [], "fallback_stage": "asked_again"}


def test_the_question_after_something_else_has_no_apology(kb):
    from pathlib import Path

    import yaml

    domain = yaml.safe_load((Path(actions.__file__).parent.parent / "domain.yml").read_text())
    [text] = [
        r["text"] for r in domain["responses"]["utter_ask_what_else"] if not r.get("condition")
    ]
    assert ASK_WHAT_ELSE in text and not any(a.lower() in text.lower() for a in APOLOGY)


def test_sms_number_not_on_the_list_shows_the_same_choices_again(kb):
    messages, events = run_action(actions.ActionChooseOption(), "fallback_sms_7_after_clarify")
    assert responses(messages)[0] == "utter_which_option"
    assert messages[0]["text"].endswith("\n3. Something else")
    assert slots_set(events)["fallback_stage"] == "clarifying"


def test_a_three_with_no_fallback_stage_is_no_something_else():
    """The state is the slot, not the look of the last message: the same numbered list
    without the stage makes "3" a number past the end of the two topics offered."""
    messages, _ = run_action(actions.ActionChooseOption(), "fallback_sms_3_without_stage")
    assert responses(messages)[0] == "utter_which_option"


@pytest.mark.parametrize(
    "action, fixture",
    [
        (actions.ActionHandleLowConfidence(), "fallback_sms_miss_after_clarify"),
        (actions.ActionHandleLowConfidence(), "low_confidence_second"),
        (actions.ActionHandleLowConfidence(), "fallback_sms_miss_after_what_else"),
        (actions.ActionHandleLowConfidence(), "fallback_miss_after_what_else"),
        (actions.ActionChooseOption(), "fallback_sms_number_after_what_else"),
        (actions.ActionSomethingElse(), "fallback_something_else_twice"),
    ],
)
def test_second_miss_in_a_row_gets_the_help_contacts(action, fixture, kb):
    messages, events = run_action(action, fixture)
    assert responses(messages) == ["utter_out_of_scope", "utter_help_contacts"]
    assert all(c.name in messages[1]["contacts"] for c in kb.help_contacts)
    assert slots_set(events)["fallback_stage"] == "declined"


@pytest.mark.parametrize(
    "fixture", ["fallback_miss_after_an_answer", "fallback_miss_in_a_new_session"]
)
def test_a_miss_after_the_conversation_moved_on_is_clarified_again(fixture):
    messages, events = run_action(actions.ActionHandleLowConfidence(), fixture)
    assert responses(messages) == ["utter_clarify"]
    assert slots_set(events)["fallback_stage"] == "clarifying"


# --- End to end ---------------------------------------------------------------------------

needs_model = pytest.mark.skipif(not MODEL.exists(), reason="no trained model: run `make test`")
# Messages the trained model is unsure about (nlu_fallback), none of them training examples:
# the first has two plausible topics (caucus, resolution meeting).
UNCLEAR = "the deal with meetings"
UNCLEAR_AGAIN = "i mean the other bit"


@pytest.fixture
def twilio(shared_twilio):
    """The session's Twilio stack (tests/stacks.py), shared with test_messaging_twilio."""
    return shared_twilio


@needs_model
def test_sms_unclear_then_3_then_unclear_again_gets_the_help_contacts(twilio, kb):
    from harness.twilio_webhook import inbound, sent_bodies

    servers, fake = twilio
    sender = "+1415557" + str(uuid.uuid4().int)[:4]
    fake.clear()
    assert inbound(servers, sender, UNCLEAR) == 204
    notice, clarify = sent_bodies(fake, sender, 2)
    assert notice == kb.notice.sms
    question, options = clarify.split("\n", 1)
    assert question == "I'm not sure I understood. Did you mean one of these?"
    assert options.startswith("Reply 1, 2 or 3:\n1. ") and options.endswith("\n3. Something else")

    fake.clear()
    assert inbound(servers, sender, "3") == 204
    [question] = sent_bodies(fake, sender, 1)
    assert question.startswith("Sure. " + ASK_WHAT_ELSE)
    assert not any(a.lower() in question.lower() for a in APOLOGY)
    assert "Did you mean" not in question and "Which one" not in question

    fake.clear()
    assert inbound(servers, sender, UNCLEAR_AGAIN) == 204
    reply = "\n".join(sent_bodies(fake, sender, 2))
    assert "Did you mean" not in reply and "Reply 1" not in reply
    assert all(to_gsm7(c.short) in reply for c in kb.help_contacts)


@needs_model
def test_sms_second_unclear_message_right_after_did_you_mean_gets_the_help_contacts(twilio, kb):
    from harness.twilio_webhook import inbound, sent_bodies

    servers, fake = twilio
    sender = "+1415558" + str(uuid.uuid4().int)[:4]
    fake.clear()
    assert inbound(servers, sender, UNCLEAR) == 204
    assert sent_bodies(fake, sender, 2)[-1].endswith("\n3. Something else")
    fake.clear()
    assert inbound(servers, sender, UNCLEAR_AGAIN) == 204
    reply = "\n".join(sent_bodies(fake, sender, 2))
    assert "Did you mean" not in reply and all(to_gsm7(c.short) in reply for c in kb.help_contacts)


@pytest.fixture
def servers(shared_servers):
    """The session's default stack (tests/stacks.py): no settings of this module's own."""
    return shared_servers


def _buttons(messages) -> List[dict]:
    return [b for m in messages if isinstance(m, dict) for b in m.get("quick_replies") or []]


@needs_model
def test_socketio_unclear_then_something_else_button_then_unclear_again(servers, kb):
    session = uuid.uuid4().hex
    origin = f"http://localhost:{servers.site_port}"
    _, clarify, question, last = socketio_steps(
        servers.rasa_port,
        origin,
        [
            ("session_request", {"session_id": session}),
            ("user_uttered", {"message": UNCLEAR, "session_id": session}),
            ("user_uttered", {"message": "/something_else", "session_id": session}),
            ("user_uttered", {"message": UNCLEAR_AGAIN, "session_id": session}),
        ],
    )
    assert "Did you mean" in said(clarify)
    payloads = [b["payload"] for b in _buttons(clarify)]
    assert len(payloads) == 3 and payloads[-1] == "/something_else"
    assert all(p.startswith("/ask_") for p in payloads[:2])
    text = said(question)
    assert text.startswith("Sure. " + ASK_WHAT_ELSE), text
    assert not any(a.lower() in text.lower() for a in APOLOGY) and not _buttons(question)
    reply = said(last)
    assert "Did you mean" not in reply and not _buttons(last)
    assert all(c.name in reply for c in kb.help_contacts)
