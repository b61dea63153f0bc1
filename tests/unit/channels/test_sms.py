"""SMS and WhatsApp (Twilio): every text GSM-7, the help contacts within 2 segments and
a one-line pointer when they were just sent (issue 13)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import actions, rendering
from channels import reply_renderer
from channels.sms import is_gsm7, segments, to_gsm7
from knowledge_base.notice import notice_text
from knowledge_base.states import NAMES as STATE_NAMES
from tests.conftest import shown

TWILIO = "twilio"
ROOT = Path(__file__).resolve().parents[3]


def sms_texts(message):
    """What the phone gets for one message: an action's reply (shaped as Rasa sends it)
    or a plain text."""
    if "json_message" in message:
        dispatcher = CollectingDispatcher()
        dispatcher.utter_message(**message)
        shaped = shown(dispatcher.messages, TWILIO)
    else:
        shaped = reply_renderer.render(TWILIO, message)
    texts = [m["text"] for m in shaped if m.get("text")]
    assert texts, message
    return texts


def domain_messages(kb):
    """Every fixed domain response as its text, the help list filled in."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    for name, variants in domain["responses"].items():
        for variant in variants:
            text = variant.get("text") or ""
            text = text.replace("{contacts}", kb.help_contacts_text())
            text = text.replace("{areas}", rendering.menu_text(kb))
            yield name, {"text": text}


def test_every_sms_text_is_gsm7(kb):
    rendered = []
    for topic_id, topic in kb.topics.items():
        rendered += sms_texts(rendering.answer_message(kb, topic_id))
        rendered += sms_texts(rendering.details_message(kb, topic_id))
        for state in STATE_NAMES:
            note = rendering.state_note(kb, topic, state)
            rendered += sms_texts({"text": note["text"]}) if note else []
    rendered += sms_texts({"text": rendering.menu_text(kb)})
    rendered += sms_texts(rendering.help_contacts_message(kb))
    rendered += sms_texts(rendering.help_contacts_message(kb, again=True))
    rendered += sms_texts({"text": notice_text(kb)})
    for _, message in domain_messages(kb):
        rendered += sms_texts(message)
    bad = sorted({c for text in rendered for c in text if not is_gsm7(c)})
    assert not bad, bad
    # The knowledge base does have typography, so the conversion is what keeps SMS GSM-7.
    assert not is_gsm7(rendering.menu_text(kb) + kb.help_contacts_text())


def test_segments_gsm7_and_ucs2():
    assert [segments("a" * n) for n in (160, 161, 306, 307)] == [1, 2, 2, 3]
    assert segments("€" * 80) == 1 and segments("€" * 81) == 2  # extension: 2 septets
    assert [segments("’" * n) for n in (70, 71, 134, 135)] == [1, 2, 2, 3]
    assert to_gsm7("“a” ‘b’ • ¶ … – — \u00a0") == "\"a\" 'b' - para ... - - "


@pytest.mark.parametrize("url", ["http://localhost:5005", "https://iep-help.example.org"])
def test_sms_help_contacts_fit_two_segments_with_a_link(kb, monkeypatch, url):
    monkeypatch.setenv("PUBLIC_URL", url)
    [text] = sms_texts(rendering.help_contacts_message(kb))
    assert segments(text) <= 2 and len(text) <= 306
    assert text.endswith(f"{url}/faq/#help")
    for contact in kb.help_contacts:  # the short lines come from the knowledge base
        assert contact.short and to_gsm7(contact.short) in text
    [again] = sms_texts(rendering.help_contacts_message(kb, again=True))
    assert segments(again) == 1 and "\n" not in again and again.endswith("/faq/#help")


def test_the_faq_page_has_the_help_anchor():
    assert 'id="help"' in (ROOT / "webapp" / "faq.py").read_text(encoding="utf-8")


def tracker(stage_before):
    events = [{"event": "user", "text": "idk", "parse_data": {}}]
    if stage_before:
        events.append({"event": "slot", "name": actions.FALLBACK_STAGE, "value": stage_before})
    events.append({"event": "user", "text": "whatever", "parse_data": {}})
    latest = {"text": "whatever", "intent": {"name": "out_of_scope"}}
    return Tracker("s", {}, latest, events, False, None, {}, None)


@pytest.mark.parametrize(
    "stage, again", [(None, False), ("asked_again", False), ("declined", True)]
)
def test_a_decline_right_after_a_decline_is_flagged(stage, again):
    dispatcher = CollectingDispatcher()
    actions.decline(dispatcher, tracker(stage))
    contacts = dispatcher.messages[1]["custom"][reply_renderer.REPLY]["contacts"]
    assert dispatcher.messages[1]["response"] == "utter_help_contacts"
    assert contacts["again"] is again and contacts["anchor"] == reply_renderer.HELP_ANCHOR


def test_the_notice_by_sms_is_its_one_segment_form_and_other_apps_keep_the_full_one(kb):
    from actions.rendering import notice_message
    from channels.reply_renderer import render

    message = {"text": notice_text(kb), "custom": notice_message(kb)["json_message"]}
    [sms] = render("twilio", message)
    assert sms["text"] == kb.notice.sms and segments(sms["text"]) == 1
    for app in ("telegram", "facebook", "rest", "socketio"):
        assert [m["text"] for m in render(app, message)] == [notice_text(kb)]


def test_tell_me_more_by_sms_does_not_repeat_the_options(kb):
    from actions.rendering import details_message
    from channels.reply_renderer import render

    message = details_message(kb, "cost")
    shaped = render("twilio", {"custom": message["json_message"]})
    assert not any("Reply 1" in m["text"] for m in shaped)
    assert any(
        "Reply 1" in m.get("text", "") or m.get("buttons")
        for m in render("telegram", {"custom": message["json_message"]})
    )


def test_sms_help_for_a_named_state_gives_its_phone_and_links_its_directory_entry(monkeypatch):
    """By SMS, the help contacts of a parent who named Pennsylvania: the office's phone in
    a short line, the parent center by name, and the link to the FAQ's state entry."""
    from actions import rendering
    from channels.reply_renderer import render
    from knowledge_base import load

    monkeypatch.delenv("PUBLIC_URL", raising=False)
    kb = load()
    message = rendering.help_contacts_message(kb, state="PA")
    shaped = {
        "text": message["contacts"],
        "utter_action": "utter_help_contacts",
        "custom": message["json_message"],
    }
    [sms] = render("twilio", shaped)
    row = kb.state_offices["PA"]
    assert f"PA dispute resolution office: {row.office.phone}" in sms["text"]
    assert f"PA parent center: {row.parent_center.name}" in sms["text"]
    assert sms["text"].endswith("Full list: http://localhost:5005/faq/states/#PA")
