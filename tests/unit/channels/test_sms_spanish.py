"""Spanish by SMS, WhatsApp and the other apps (issue 21, item 4): every Spanish text an SMS
can carry is GSM-7 after the SMS mapping (á, í, ó, ú lose their accent; é, ñ, ü, ¿, ¡ stay),
the channel's own phrases follow the reply's language, WhatsApp and the other apps keep
every accent, and the apps that name their user's language pass it on to Rasa."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import actions, rendering
from channels import reply_renderer
from channels.connector_base import language_hint, with_language
from channels.sms import GSM7_BASIC, is_gsm7, segments, to_gsm7
from channels.twilio_text import carrier_at_signs, is_whatsapp
from contract import LANGUAGE, SPANISH
from knowledge_base import contacts as kb_contacts
from knowledge_base.loader import contact_list
from knowledge_base.notice import notice_text
from knowledge_base.states import NAMES as STATE_NAMES
from tests.conftest import shown

ROOT = Path(__file__).resolve().parents[3]
ES = SPANISH
# The channel's own English phrases: none may reach a Spanish SMS.
ENGLISH_PHRASES = ("Reply ", "More: ", "Source: ", "Full list: ", " or ", "Something else")


def _sent(message: Dict[str, Any], channel: str = "twilio") -> List[str]:
    """The texts a phone gets for one action-server message (as Rasa hands it over)."""
    dispatcher = CollectingDispatcher()
    dispatcher.utter_message(**message)
    return [m["text"] for m in shown(dispatcher.messages, channel) if m.get("text")]


def _spanish_domain_variants() -> Iterator[Dict[str, Any]]:
    """Every Spanish variant of every domain response, the SMS ones (``channel: twilio``)
    included, with its buttons as the numbered options SMS shows."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    for name, variants in domain["responses"].items():
        for variant in variants:
            if any(c.get("value") == ES for c in variant.get("condition") or []):
                yield {"name": name, **variant}


def spanish_sms_texts(kb) -> Dict[str, List[str]]:
    """Every Spanish text that can be sent by SMS, by where it comes from, before the SMS
    mapping (the raw texts) and as the Twilio style sends it."""
    raw: List[str] = []
    sent: List[str] = []
    for topic_id, topic in kb.topics.items():
        for build in (rendering.answer_message, rendering.details_message):
            sent += _sent(build(kb, topic_id, language=ES))
        raw += [topic.es.title, topic.es.answer, topic.es.details or ""]
        raw += [topic.es.federal_note or ""]
        for state in STATE_NAMES:
            note = rendering.state_note(kb, topic, state, ES)
            if note:
                raw.append(note["text"])
                sent += _sent(rendering.reply_message([note["text"]], language=ES))
    for state in [None, *STATE_NAMES]:
        for again in (False, True):
            sent += _sent(rendering.help_contacts_message(kb, again, state, ES))
    raw += [kb.notice.es.sms, notice_text(kb, ES), rendering.menu_text(kb, ES)]
    sent += _sent(rendering.notice_message(kb, ES))
    sent += _sent(rendering.reply_message(text=rendering.menu_text(kb, ES), language=ES))
    menu = rendering.topic_buttons(kb, rendering.area_starters(kb), ES)
    sent += _sent(rendering.reply_message(options=menu, text="Elija:", language=ES))
    clarify = rendering.clarify_buttons(kb, list(kb.starter_topics), ES)
    sent += _sent(rendering.reply_message(options=clarify, text="¿Cuál?", language=ES))
    for phrase in kb.phrases.values():
        raw.append(phrase.es)
        sent += reply_renderer.render("twilio", {"text": phrase.es})[0]["text"].split("\n\n")
    spanish_contacts = contact_list(kb_contacts.contacts(kb, None, ES))
    for variant in _spanish_domain_variants():
        text = variant["text"].replace("{contacts}", spanish_contacts)
        options = variant.get("buttons") or []
        raw += [text, *(b["title"] for b in options)]
        message = rendering.reply_message(options=options, text=text, language=ES)
        sent += _sent(message)
    return {"raw": [t for t in raw if t], "sent": sent}


def test_every_spanish_text_sent_by_sms_is_gsm7_and_loses_only_accents(kb):
    texts = spanish_sms_texts(kb)
    bad = sorted({c for text in texts["sent"] for c in text if not is_gsm7(c)})
    assert not bad, bad
    # Nothing Spanish became "?": every character of the raw texts has a GSM-7 form.
    lost = sorted({c for t in texts["raw"] for c in t if to_gsm7(c) == "?" and c != "?"})
    assert not lost, lost
    # The knowledge base does write á, í, ó, ú, and é, ñ, ¿ stay by SMS.
    raw = "".join(texts["raw"])
    assert all(c in raw for c in "áíóú") and not is_gsm7(raw)
    sent = "".join(texts["sent"])
    assert all(c in sent for c in "éñ¿¡") and not any(c in sent for c in "áíóúÁÍÓÚ")


def test_gsm7_has_the_spanish_letters_the_issue_doubted_and_lacks_the_others():
    # GSM 03.38: ¡ is 0x40, ¿ 0x60, é 0x05, É 0x1F, Ñ 0x5D, ñ 0x7D, Ü 0x5E, ü 0x7E.
    assert set("¿¡éÉñÑüÜ") <= GSM7_BASIC
    assert not set("áíóúÁÍÓÚ") & GSM7_BASIC
    question = "¿Cuánto cuesta la mediación? ¡Es gratis para usted! "
    assert to_gsm7(question) == "¿Cuanto cuesta la mediacion? ¡Es gratis para usted! "
    # One "á" makes a message UCS-2: 3 segments of 70 instead of 1 of 160.
    assert segments(question * 3) == 3 and segments(to_gsm7(question * 3)) == 1
    assert to_gsm7("«Sí», dijo… – Ana ÁÍÓÚ ºª") == '"Si", dijo... - Ana AIOU oa'


def test_a_spanish_sms_answer_is_gsm7_with_spanish_phrases_only(kb):
    [text] = _sent(rendering.answer_message(kb, "cost", language=ES))
    related = [to_gsm7(kb.topic(t).es.title) for t in kb.topic("cost").related]
    assert text.startswith(to_gsm7(kb.topic("cost").es.answer) + "\nMas: ")
    assert re.search(r"\nResponda (\d, )*\d o \d:\n", text), text
    assert f"1. {related[0]}\n2. {related[1]}" in text
    assert is_gsm7(text) and not any(p in text for p in ENGLISH_PHRASES)
    # The same answer in English: the Spanish one costs no more than one segment more.
    [english] = _sent(rendering.answer_message(kb, "cost"))
    assert segments(text) <= segments(english) + 1


def test_no_spanish_sms_carries_the_channels_english_phrases(kb):
    for text in spanish_sms_texts(kb)["sent"]:
        assert not any(p in text for p in ENGLISH_PHRASES), text[:200]


def test_whatsapp_and_the_other_apps_keep_every_accent(kb):
    answer = rendering.answer_message(kb, "cost", language=ES)
    spanish = kb.topic("cost").es.answer
    assert "á" in spanish or "ó" in spanish
    for channel in (reply_renderer.WHATSAPP, "telegram", "facebook", "slack"):
        said = "\n".join(_sent(answer, channel))
        assert spanish.replace("**", "") in said.replace("*", ""), channel
    whatsapp = "\n".join(_sent(answer, reply_renderer.WHATSAPP))
    assert "\nMás: " in whatsapp and "Responda 1" in whatsapp  # still the SMS layout
    notice = _sent(rendering.notice_message(kb, ES), reply_renderer.WHATSAPP)
    assert notice == [kb.notice.es.sms] and "í" in kb.notice.es.sms
    sms_notice = _sent(rendering.notice_message(kb, ES))
    assert sms_notice == [to_gsm7(kb.notice.es.sms)] and segments(sms_notice[0]) == 1


def test_a_whatsapp_sender_gets_the_whatsapp_style():
    from channels.twilio_text import TwilioTextOutput

    def output(to):
        return TwilioTextOutput("AC" + "1" * 32, "token", "+15005550006", reply_to=to)

    assert output("whatsapp:+14155550123").style == reply_renderer.WHATSAPP
    assert output("+14155550123").style == "" and output("+14155550123").name() == "twilio"
    assert is_whatsapp("whatsapp:+1415") and not is_whatsapp("+1415") and not is_whatsapp(None)


def test_a_spanish_exclamation_survives_the_carriers_at_sign_fix():
    assert carrier_at_signs("¡Hola! ¿La mediación es gratis?") == "¡Hola! ¿La mediación es gratis?"
    assert carrier_at_signs("mi correo: ana.p¡example.com ¡gracias!") == (
        "mi correo: ana.p@example.com ¡gracias!"
    )


@pytest.mark.parametrize(
    "locale, language",
    [
        ("es", "es"),
        ("es-MX", "es"),
        ("es_419", "es"),
        ("ES", "es"),
        ("en", "en"),
        ("en-GB", "en"),
        ("pt-BR", None),
        ("", None),
        (None, None),
        ("esperanto", None),
    ],
)
def test_an_apps_locale_becomes_a_language_hint_only_for_our_languages(locale, language):
    assert language_hint(locale) == language
    metadata = with_language({"x": 1}, locale)
    assert metadata == ({"x": 1, "language": language} if language else {"x": 1})


def _spanish_tracker(latest: Dict[str, Any]) -> Tracker:
    events = [
        {"event": "slot", "name": LANGUAGE, "value": ES},
        {"event": "user", "text": latest["text"], "parse_data": latest},
    ]
    return Tracker("s", {LANGUAGE: ES}, latest, events, False, None, {}, "action_listen")


def test_did_you_mean_and_a_person_button_by_sms_in_spanish(kb):
    """The "Did you mean" options and "Talk to a person" follow the conversation's language:
    by SMS "Responda 1, 2 o 3" and Spanish titles, never "Reply ... or"."""
    ranking = [
        {"name": "ask_cost", "confidence": 0.31},
        {"name": "ask_attorneys", "confidence": 0.29},
        {"name": "ask_duration", "confidence": 0.2},
    ]
    latest = {
        "text": "y la escuela que dice de todo esto de la mediacion mmm",
        "intent": {"name": "nlu_fallback", "confidence": 0.31},
        "intent_ranking": ranking,
    }
    dispatcher = CollectingDispatcher()
    actions.clarify_or_decline(dispatcher, _spanish_tracker(latest))
    [message] = dispatcher.messages
    assert message["response"] == "utter_clarify"
    [text] = _sent_shaped(message, "No estoy seguro de haberle entendido.")
    assert "\nResponda 1, 2 o 3:\n" in text and text.endswith("3. Otra cosa")
    assert is_gsm7(text) and not any(p in text for p in ENGLISH_PHRASES)

    latest = {"text": "no", "intent": {"name": "feedback"}, "entities": []}
    latest["entities"] = [{"entity": "helpful", "value": "no"}]
    dispatcher = CollectingDispatcher()
    asyncio.run(actions.ActionFeedback().run(dispatcher, _spanish_tracker(latest), {}))
    [message] = dispatcher.messages
    [text] = _sent_shaped(message, "Siento que eso no le haya ayudado.")
    assert text.endswith("Responda 1:\n1. Hablar con una persona"), text


def _sent_shaped(message: Dict[str, Any], response_text: str) -> List[str]:
    """What SMS sends for an action's reply, its domain response's text given."""
    reply = message["custom"][reply_renderer.REPLY]
    shaped = reply_renderer.render(
        "twilio", {"text": response_text, "custom": {reply_renderer.REPLY: reply}}
    )
    return [m["text"] for m in shaped if m.get("text")]


@pytest.mark.parametrize(
    "sender, text, opted_out",
    [
        ("+14155550100", "STOP", True),
        ("+14155550100", " cancel ", True),
        ("+14155550100", "Unsubscribe", True),
        ("+14155550100", "stop texting me", False),  # a sentence is not a keyword
        ("+14155550100", "cancelar", False),  # not one of Twilio's default keywords
        ("+14155550100", "can i cancel mediation", False),
        ("whatsapp:+14155550100", "STOP", False),  # WhatsApp has no carrier keywords
    ],
)
def test_only_a_bare_carrier_keyword_by_sms_is_an_opt_out(sender, text, opted_out):
    from channels.twilio_text import is_opt_out

    assert is_opt_out(sender, text) is opted_out
