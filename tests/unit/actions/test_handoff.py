"""A real path to a person (issue 11), action by action: the offer only with an inbox, each
answer of the callback form checked (consent, cancel, skip, a clear re-ask for a bad
contact, the SMS number), the request e-mailed to a local SMTP server (aiosmtpd), and the
limit on requests per conversation, per client and in all (issue 18), on a fake clock."""

from __future__ import annotations

import asyncio
import logging
import re
import smtplib
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import callback_limit, handoff
from actions.callback_limit import CallbackLimiter, Limits
from actions.handoff_mail import mail_settings, transcript
from channels.twilio_text import OPT_OUT_KEYWORDS
from contract import CLIENT_TAG
from tests.conftest import shown
from tests.smtp_sink import SmtpSink

REPO = Path(__file__).resolve().parents[3]
DOMAIN = yaml.safe_load((REPO / "domain.yml").read_text(encoding="utf-8"))
SMTP_ENV = ("HANDOFF_INBOX", "SMTP_HOST", "SMTP_PORT", "SMTP_FROM", "SMTP_USER", "SMTP_STARTTLS")


def tracker(
    text: str = "",
    intent: str = "nlu_fallback",
    slots: Optional[Dict[str, Any]] = None,
    channel: str = "rest",
    sender: str = "parent-1",
    events: Optional[List[Dict[str, Any]]] = None,
    reply_to: Optional[str] = None,
    client_tag: Optional[str] = None,
) -> Tracker:
    metadata: Dict[str, Any] = {"reply_to": reply_to} if reply_to else {}
    if client_tag:
        metadata[CLIENT_TAG] = client_tag
    latest: Dict[str, Any] = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": [],
        "metadata": metadata,
    }
    return Tracker(
        sender,
        slots or {},
        latest,
        (events or []) + [{"event": "user", "text": text, "input_channel": channel}],
        False,
        None,
        {"name": "callback_form"},
        "action_listen",
    )


def run(action: Any, current: Tracker) -> tuple:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, current, DOMAIN))
    return dispatcher.messages, events


def responses(messages: List[Dict[str, Any]]) -> List[str]:
    return [m.get("response") for m in messages if m.get("response")]


def validate(slot: str, current: Tracker) -> tuple:
    dispatcher = CollectingDispatcher()
    method = getattr(handoff.ValidateCallbackForm(), f"validate_{slot}")
    value = current.latest_message["text"]
    return method(value, dispatcher, current, DOMAIN), responses(dispatcher.messages)


class Clock:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def clock():
    """A fresh limit on callback requests (the defaults: 3 an hour, 30 in all) per test, on a
    clock the test moves."""
    now = Clock()
    callback_limit.reset(CallbackLimiter(Limits(), clock=now))
    yield now
    callback_limit.reset()


@pytest.fixture
def no_inbox(monkeypatch):
    for name in SMTP_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def sink(monkeypatch):
    for name in SMTP_ENV:
        monkeypatch.delenv(name, raising=False)
    with SmtpSink() as running:
        for name, value in running.env().items():
            monkeypatch.setenv(name, value)
        yield running


@pytest.mark.usefixtures("no_inbox")
def test_an_inbox_needs_the_address_the_host_and_the_sender():
    assert mail_settings() is None
    env = {"HANDOFF_INBOX": "a@example.org", "SMTP_HOST": "mail", "SMTP_FROM": "b@example.org"}
    assert mail_settings({**env, "SMTP_PORT": "2525"}).port == 2525
    assert mail_settings(env).port == 587
    assert mail_settings({**env, "SMTP_PORT": "smtp"}) is None
    assert mail_settings({**env, "SMTP_STARTTLS": "true"}).starttls
    assert mail_settings({k: v for k, v in env.items() if k != "SMTP_FROM"}) is None


@pytest.mark.usefixtures("no_inbox")
def test_talk_to_a_person_without_an_inbox_gives_the_contacts_as_before():
    messages, _ = run(handoff_action(), tracker("talk to a person", "human_handoff"))
    assert responses(messages) == ["utter_human_handoff", "utter_help_contacts"]
    assert "/request_callback" not in str(messages)


def test_talk_to_a_person_with_an_inbox_offers_a_callback_after_the_contacts(sink):
    messages, _ = run(handoff_action(), tracker("talk to a person", "human_handoff"))
    assert responses(messages) == [
        "utter_human_handoff_org",
        "utter_help_contacts",
        "utter_offer_callback",
    ]
    sms = shown(messages, "twilio")
    assert "1. Ask the organisation to contact me" in sms[-1]["text"]
    web = shown(messages, "rest")
    assert web[-1]["buttons"] == [
        {"title": "Ask the organisation to contact me", "payload": "/request_callback"}
    ]


def handoff_action() -> Any:
    from actions.handoff import ActionHumanHelp

    return ActionHumanHelp()


@pytest.mark.parametrize(
    "text, intent, value, stopped",
    [
        ("/affirm", "affirm", True, None),
        ("yes that's fine", "affirm", True, None),
        ("1", "choose_option", True, None),
        ("/deny", "deny", False, "declined"),
        ("2", "choose_option", False, "declined"),
        ("cancel", "cancel", None, "cancelled"),
    ],
)
def test_consent_is_yes_no_or_cancel(text, intent, value, stopped):
    result, said = validate("callback_consent", tracker(text, intent))
    assert result["callback_consent"] is value
    assert result.get("callback_stopped") == stopped
    assert ("requested_slot" in result and result["requested_slot"] is None) == bool(stopped)
    assert said == []


def test_an_unclear_consent_is_asked_again():
    result, said = validate("callback_consent", tracker("what do you mean", "more_detail"))
    assert result == {"callback_consent": None}
    assert said == ["utter_callback_consent_unclear"]


def test_the_question_is_kept_as_typed_and_cancel_stops():
    typed = "Can someone help me prepare for mediation on May 3?"
    result, _ = validate("callback_question", tracker(typed, "ask_preparation"))
    assert result == {"callback_question": typed}
    result, _ = validate("callback_question", tracker("never mind", "deny"))
    assert result["callback_stopped"] == "cancelled" and result["requested_slot"] is None
    result, _ = validate("callback_question", tracker("😀😀", "nlu_fallback"))
    assert result == {"callback_question": None}


@pytest.mark.parametrize("text", ["Never mind.", "nevermind", "STOP", "cancelar"])
def test_the_words_the_questions_promise_stop_at_every_step_whatever_the_nlu_read(text):
    """The questions say "never mind" (by SMS a bare "cancel" unsubscribes the parent from
    the number), so it must stop even where "no" only skips the name."""
    for slot in ("callback_consent", "callback_question", "callback_name", "callback_contact"):
        result, _ = validate(slot, tracker(text, "out_of_scope"))
        assert result["callback_stopped"] == "cancelled" and result["requested_slot"] is None


@pytest.mark.parametrize(
    "response", ["utter_callback_consent_unclear", "utter_ask_callback_question"]
)
def test_the_word_a_question_offers_for_stopping_stops_it_and_is_no_opt_out(response):
    """Every variant's quoted stop word stops the form, and none is a carrier opt-out
    keyword: the same texts reach SMS, where a bare "cancel" would unsubscribe the parent."""
    for variant in DOMAIN["responses"][response]:
        [word] = re.findall(r'"([^"]+)"', variant["text"])
        assert word in handoff.CANCEL_WORDS
        assert word.upper() not in OPT_OUT_KEYWORDS


@pytest.mark.parametrize(
    "text, intent, name",
    [("Maria", "nlu_fallback", "Maria"), ("skip", "nlu_fallback", ""), ("no", "deny", "")],
)
def test_the_name_is_optional(text, intent, name):
    result, _ = validate("callback_name", tracker(text, intent))
    assert result == {"callback_name": name}


@pytest.mark.parametrize(
    "text, contact",
    [
        ("maria.lopez@example.com", "maria.lopez@example.com"),
        ("you can email me at maria.lopez@example.com thanks", "maria.lopez@example.com"),
        ("call (555) 123-4567 after 3", "(555) 123-4567"),
        ("+1 555 123 4567", "+1 555 123 4567"),
    ],
)
def test_an_e_mail_or_a_phone_is_found_in_the_reply(text, contact):
    result, said = validate("callback_contact", tracker(text))
    assert result == {"callback_contact": contact} and said == []


@pytest.mark.parametrize("text", ["tomorrow morning", "maria at gmail", "555-12", ""])
def test_no_contact_in_the_reply_gets_a_clear_re_ask(text):
    result, said = validate("callback_contact", tracker(text))
    assert result == {"callback_contact": None}  # the form asks again
    assert said == ["utter_callback_bad_contact"]


@pytest.mark.parametrize(
    "text, intent", [("1", "choose_option"), ("use this number", "use_my_number")]
)
def test_by_sms_the_number_texted_from_is_the_contact(text, intent):
    current = tracker(
        text, intent, channel="twilio", sender="sms-0f3c", reply_to="whatsapp:+14155550123"
    )
    result, _ = validate("callback_contact", current)
    assert result == {"callback_contact": "+14155550123"}


def test_by_sms_without_the_number_texted_from_a_1_is_asked_again():
    result, said = validate("callback_contact", tracker("1", "choose_option", channel="twilio"))
    assert result == {"callback_contact": None} and said == ["utter_callback_bad_contact"]


def test_the_contact_question_offers_the_sms_number_only_by_sms(sink):
    messages, _ = run(handoff.ActionAskCallbackContact(), tracker(channel="twilio"))
    assert "Reply 1" in shown(messages, "twilio")[0]["text"]
    messages, _ = run(handoff.ActionAskCallbackContact(), tracker(channel="socketio"))
    assert responses(messages) == ["utter_ask_callback_contact"] and "buttons" not in str(
        shown(messages, "socketio")
    )


@pytest.mark.usefixtures("no_inbox")
def test_the_consent_question_ends_the_form_when_there_is_no_inbox():
    messages, events = run(handoff.ActionAskCallbackConsent(), tracker())
    assert messages == []
    assert {"event": "active_loop", "name": None} in [
        {k: e.get(k) for k in ("event", "name")} for e in events
    ]


FILLED = {
    "callback_consent": True,
    "callback_question": "Can someone help me get ready for mediation?",
    "callback_name": "Maria",
    "callback_contact": "maria.lopez@example.com",
}
EARLIER = [
    {"event": "user", "text": "my son's id is 20231234, is mediation free?"},
    {"event": "bot", "text": "Yes: mediation is free for parents."},
    {"event": "user", "text": "call me on 555-987-6543"},
]


def test_a_complete_request_is_e_mailed_and_the_parent_told_what_happens_next(sink):
    current = tracker("maria.lopez@example.com", slots=FILLED, events=EARLIER)
    messages, events = run(handoff.ActionSubmitCallback(), current)
    [mail] = sink.wait_for(1)
    assert mail["To"] == SmtpSink.INBOX and mail["From"] == SmtpSink.SENDER
    body = mail.get_content()
    assert "Contact: maria.lopez@example.com" in body and "Name: Maria" in body
    assert FILLED["callback_question"] in body
    assert "Parent: my son's id is [number], is mediation free?" in body
    assert "Parent: call me on [phone]" in body and "20231234" not in body
    assert responses(messages) == ["utter_callback_sent"]
    assert messages[0]["contact"] == "maria.lopez@example.com"
    assert {e["name"] for e in events} == set(handoff.FORM_SLOTS)
    assert all(e["value"] is None for e in events)


def test_a_failed_send_says_so_and_gives_the_contacts(sink, monkeypatch):
    def refuse(*_: Any, **__: Any) -> None:
        raise smtplib.SMTPRecipientsRefused({})

    monkeypatch.setattr(handoff, "send", refuse)
    messages, _ = run(handoff.ActionSubmitCallback(), tracker(slots=FILLED))
    assert responses(messages) == ["utter_callback_failed", "utter_help_contacts"]
    assert sink.messages == []


def test_an_unreachable_mail_server_is_a_failure_too(sink, monkeypatch):
    monkeypatch.setenv("SMTP_PORT", "1")  # nothing listens there
    messages, _ = run(handoff.ActionSubmitCallback(), tracker(slots=FILLED))
    assert responses(messages) == ["utter_callback_failed", "utter_help_contacts"]


@pytest.mark.parametrize(
    "slots, first",
    [
        (
            {**FILLED, "callback_consent": False, "callback_stopped": "declined"},
            "utter_callback_declined",
        ),
        ({"callback_stopped": "cancelled"}, "utter_callback_cancelled"),
        ({"callback_stopped": "no_inbox"}, "utter_human_handoff"),
    ],
)
def test_a_stopped_request_sends_nothing_and_gives_the_contacts(sink, slots, first):
    messages, _ = run(handoff.ActionSubmitCallback(), tracker(slots=slots))
    assert responses(messages) == [first, "utter_help_contacts"]
    assert sink.messages == []


def test_the_transcript_reads_reply_parts_and_hides_contact_details():
    lines = transcript(
        [
            {"event": "user", "text": "/human_handoff"},
            {"event": "user", "text": "mail me: a.b@example.com"},
            {"event": "bot", "data": {"custom": {"reply": {"parts": ["Mediation is free."]}}}},
            {"event": "slot", "name": "x", "value": 1},
        ]
    )
    assert lines == ["Parent: mail me: [email]", "Assistant: Mediation is free."]


# The limit on callback requests (issue 18): 3 an hour per conversation and per client
# address (the channel's client_tag), 30 an hour in all; past it a polite reply, the
# contacts, nothing e-mailed, and one warning line without the conversation id.


def submit(sender: str = "parent-1", client_tag: Optional[str] = None) -> List[str]:
    current = tracker(
        FILLED["callback_contact"], slots=FILLED, sender=sender, client_tag=client_tag
    )
    messages, events = run(handoff.ActionSubmitCallback(), current)
    assert all(e["value"] is None for e in events)  # the form's slots are reset either way
    return responses(messages)


def start(sender: str = "parent-1", client_tag: Optional[str] = None) -> tuple:
    """The parent chooses "Ask the organisation to contact me": the consent question's turn."""
    current = tracker("/request_callback", "request_callback", sender=sender, client_tag=client_tag)
    messages, events = run(handoff.ActionAskCallbackConsent(), current)
    return responses(messages), {e["name"]: e.get("value") for e in events if e["event"] == "slot"}


def test_a_fourth_request_in_an_hour_from_one_conversation_is_refused_and_not_sent(
    sink, clock, caplog
):
    for minute in (0, 5, 10):
        clock.now += minute * 60
        assert start()[0] == ["utter_ask_callback_consent"]
        assert submit() == ["utter_callback_sent"]
    assert len(sink.wait_for(3)) == 3
    clock.now += 40 * 60  # still within the hour of the first
    with caplog.at_level(logging.WARNING, logger="actions.handoff"):
        said, slots = start()
    # At the start, before consent is asked: the form ends and the submit action says why.
    assert said == [] and slots == {"callback_stopped": "limited", "requested_slot": None}
    assert [r.getMessage() for r in caplog.records] == ["handoff.limited scope=conversation"]
    assert "parent-1" not in caplog.text
    limited = tracker(slots={"callback_stopped": "limited"})
    messages, _ = run(handoff.ActionSubmitCallback(), limited)
    assert responses(messages) == ["utter_callback_limited", "utter_help_contacts"]
    # A form that got past the start (e.g. begun before the third was sent): checked again
    # just before sending, and refused the same way.
    assert submit() == ["utter_callback_limited", "utter_help_contacts"]
    assert len(sink.wait_for(4, timeout=1)) == 3
    # Other conversations are not affected.
    assert submit(sender="parent-2") == ["utter_callback_sent"]


def test_the_same_client_from_other_conversations_is_refused_other_clients_are_not(sink):
    for number in range(3):
        assert submit(f"tab-{number}", client_tag="c1a2") == ["utter_callback_sent"]
    said, slots = start("tab-3", client_tag="c1a2")
    assert said == [] and slots["callback_stopped"] == "busy"
    assert submit("tab-3", client_tag="c1a2") == ["utter_callback_busy", "utter_help_contacts"]
    assert len(sink.wait_for(4, timeout=1)) == 3
    assert start("tab-4", client_tag="f00d")[0] == ["utter_ask_callback_consent"]
    assert submit("tab-4", client_tag="f00d") == ["utter_callback_sent"]
    assert len(sink.wait_for(4)) == 4


def test_after_an_hour_a_conversation_may_send_again(sink, clock):
    for _ in range(3):
        assert submit() == ["utter_callback_sent"]
    assert start()[1]["callback_stopped"] == "limited"
    clock.now += 3600
    assert start()[0] == ["utter_ask_callback_consent"]
    assert submit() == ["utter_callback_sent"]
    assert len(sink.wait_for(4)) == 4


def test_new_conversation_ids_do_not_get_past_the_total_for_the_hour(sink, monkeypatch):
    monkeypatch.setenv("CALLBACK_LIMIT_TOTAL_PER_HOUR", "4")
    callback_limit.reset()  # made from the environment
    for number in range(4):
        assert submit(f"rotating-{number}") == ["utter_callback_sent"]
    assert start("rotating-4")[1]["callback_stopped"] == "busy"
    assert submit("rotating-5") == ["utter_callback_busy", "utter_help_contacts"]
    assert len(sink.wait_for(5, timeout=1)) == 4


def test_only_requests_actually_e_mailed_count(sink, monkeypatch):
    def refuse(*_: Any, **__: Any) -> None:
        raise smtplib.SMTPRecipientsRefused({})

    with monkeypatch.context() as failing:
        failing.setattr(handoff, "send", refuse)
        for _ in range(5):
            assert submit()[0] == "utter_callback_failed"
    for _ in range(3):
        assert submit() == ["utter_callback_sent"]
    assert submit()[0] == "utter_callback_limited"


# Issue 21: the request in Spanish. The form's questions are the domain's Spanish variants
# (chosen by the Rasa server from the `language` slot), their options the Spanish
# variant's buttons, the words they promise work, and the e-mail tells staff the language.

SPANISH = {"language": "es"}
FORM_RESPONSES = [
    "utter_human_handoff_org",
    "utter_offer_callback",
    "utter_ask_callback_consent",
    "utter_callback_consent_unclear",
    "utter_ask_callback_question",
    "utter_ask_callback_name",
    "utter_ask_callback_contact",
    "utter_ask_callback_contact_sms",
    "utter_callback_bad_contact",
    "utter_callback_sent",
    "utter_callback_failed",
    "utter_callback_declined",
    "utter_callback_cancelled",
    "utter_callback_limited",
    "utter_callback_busy",
]


def _spanish_variant(response: str) -> Dict[str, Any]:
    [variant] = [
        v
        for v in DOMAIN["responses"][response]
        if {"type": "slot", "name": "language", "value": "es"} in (v.get("condition") or [])
    ]
    return variant


@pytest.mark.parametrize("response", FORM_RESPONSES)
def test_every_text_of_the_request_has_a_spanish_variant_with_the_same_options(response):
    english = DOMAIN["responses"][response][0]
    spanish = _spanish_variant(response)
    assert spanish["text"] != english["text"]
    assert set(re.findall(r"{\w+}", spanish["text"])) == set(re.findall(r"{\w+}", english["text"]))
    payloads = [b["payload"] for b in english.get("buttons", [])]
    assert [b["payload"] for b in spanish.get("buttons", [])] == payloads
    titles = {b["title"] for b in english.get("buttons", [])} - {"No"}
    assert not titles & {b["title"] for b in spanish.get("buttons", [])}


def test_the_consent_question_in_spanish_has_spanish_options(sink):
    current = tracker("/request_callback", "request_callback", slots=SPANISH)
    messages, _ = run(handoff.ActionAskCallbackConsent(), current)
    assert responses(messages) == ["utter_ask_callback_consent"]
    web = shown(messages, "rest")[-1]
    assert web["buttons"] == [
        {"title": "Sí, compártala", "payload": "/affirm"},
        {"title": "No", "payload": "/deny"},
    ]
    sms = shown(messages, "twilio")[-1]["text"]
    # (SMS spells it in GSM-7, without accents: channels/reply_renderer.py)
    assert "Responda 1 o 2:" in sms and "1. Si, compartala" in sms and "Reply" not in sms
    # English is unchanged.
    messages, _ = run(handoff.ActionAskCallbackConsent(), tracker("/request_callback"))
    assert "1. Yes, share it" in shown(messages, "twilio")[-1]["text"]


def test_the_offer_and_the_sms_contact_question_in_spanish(sink):
    current = tracker("hablar con una persona", "human_handoff", slots=SPANISH)
    messages, _ = run(handoff_action(), current)
    assert "1. Que la organizacion me contacte" in shown(messages, "twilio")[-1]["text"]
    assert shown(messages, "rest")[-1]["buttons"] == [
        {"title": "Que la organización me contacte", "payload": "/request_callback"}
    ]
    current = tracker(channel="twilio", slots=SPANISH)
    messages, _ = run(handoff.ActionAskCallbackContact(), current)
    sms = shown(messages, "twilio")[0]["text"]
    assert "Responda 1:" in sms and "1. Usar este numero" in sms


@pytest.mark.parametrize(
    "text, intent, value, stopped",
    [
        ("sí", "nlu_fallback", True, None),
        ("Si", "greet", True, None),
        ("¡Sí!", "nlu_fallback", True, None),
        ("no", "nlu_fallback", False, "declined"),
        ("No.", "affirm", False, "declined"),  # the word, whatever the NLU made of it
        ("cancelar", "nlu_fallback", None, "cancelled"),
        ("Cancelar.", "deny", None, "cancelled"),
    ],
)
def test_spanish_consent_words_work_whatever_the_nlu_says(text, intent, value, stopped):
    result, said = validate("callback_consent", tracker(text, intent, slots=SPANISH))
    assert result["callback_consent"] is value
    assert result.get("callback_stopped") == stopped
    assert said == []


@pytest.mark.parametrize("slot", ["callback_question", "callback_name", "callback_contact"])
def test_cancelar_stops_the_request_at_every_step(slot):
    result, _ = validate(slot, tracker("cancelar", "nlu_fallback", slots=SPANISH))
    assert result["callback_stopped"] == "cancelled" and result["requested_slot"] is None


@pytest.mark.parametrize(
    "text, name",
    [
        ("omitir", ""),
        ("Omitir.", ""),
        ("saltar", ""),
        ("prefiero no", ""),
        ("ninguno", ""),
        ("Silvia", "Silvia"),
        ("Simón", "Simón"),  # a name that begins like "si" is a name
        ("no omitir nada", "no omitir nada"),  # only a whole reply is the word
    ],
)
def test_omitir_and_its_neighbours_skip_the_name(text, name):
    result, _ = validate("callback_name", tracker(text, "nlu_fallback", slots=SPANISH))
    assert result == {"callback_name": name}


def test_a_question_that_merely_says_cancelar_is_kept():
    typed = "quiero cancelar la reunion de mediacion, como lo hago?"
    result, _ = validate("callback_question", tracker(typed, "ask_withdraw", slots=SPANISH))
    assert result == {"callback_question": typed}


def test_a_spanish_request_tells_staff_to_reply_in_spanish(sink):
    current = tracker("maria@example.com", slots={**FILLED, **SPANISH}, events=EARLIER)
    messages, _ = run(handoff.ActionSubmitCallback(), current)
    assert responses(messages) == ["utter_callback_sent"]
    [mail] = sink.wait_for(1)
    assert mail["Subject"] == "[ES] Callback request from the IEP mediation assistant"
    body = mail.get_content()
    assert (
        "Language: Spanish (español). The parent wrote in Spanish: please reply in Spanish." in body
    )
    # An English request says English, with no tag.
    run(handoff.ActionSubmitCallback(), tracker("x", slots=FILLED, sender="parent-2"))
    english = sink.wait_for(2)[1]
    assert english["Subject"] == "Callback request from the IEP mediation assistant"
    assert "Language: English\r\n" in english.get_content()
    assert "Spanish" not in english.get_content()
