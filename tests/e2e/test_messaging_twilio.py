"""SMS and WhatsApp through Twilio, end to end: Twilio's real webhook form in, Rasa's real
connector out, caught by a local fake of Twilio's REST API."""

from __future__ import annotations

import uuid

import pytest

from channels.sms import is_gsm7, segments, to_gsm7
from harness.servers import MODEL
from harness.twilio_webhook import (
    NUMBER,
    inbound,
    sent_bodies,
)
from tests.bad_inputs import BAD_TEXTS

pytestmark = pytest.mark.skipif(not MODEL.exists(), reason="no trained model: run `make test`")


@pytest.fixture
def twilio(shared_twilio):
    """The session's Twilio stack (tests/stacks.py), shared with test_fallback_e2e."""
    return shared_twilio


def test_sms_question_gets_answer_source_and_numbered_options_in_order(twilio, kb):
    servers, fake = twilio
    fake.clear()
    sender = "+1415555" + str(uuid.uuid4().int)[:4]
    assert inbound(servers, sender, "is mediation free?") == 204
    notice, *bodies = sent_bodies(fake, sender, 2)
    assert notice == kb.notice.sms and segments(notice) == 1  # once, first, one segment
    assert fake.calls[0]["body"]["From"] == NUMBER
    related = [kb.topic(t).title for t in kb.topic("cost").related]
    # The answer, a short link to its FAQ entry and the options in one message: the
    # first related topics that fit in the segments the answer costs anyway.
    answer = to_gsm7(kb.topic("cost").answer) + "\nMore: http://localhost:5005/faq/#cost"
    assert bodies == [answer + "\nReply 1 or 2:\n" + f"1. {related[0]}\n2. {related[1]}"]
    assert segments(bodies[0]) == segments(answer)
    assert all(is_gsm7(b) for b in [notice, *bodies])
    # A reply of just the number picks that option.
    fake.clear()
    assert inbound(servers, sender, "2") == 204
    bodies = sent_bodies(fake, sender, 1)
    assert bodies[0].startswith(to_gsm7(kb.topic(kb.topic("cost").related[1]).answer))


def test_sms_greeting_and_all_its_starting_topics_fit_in_one_segment(twilio, kb):
    servers, fake = twilio
    fake.clear()
    sender = "+1415555" + str(uuid.uuid4().int)[:4]
    assert inbound(servers, sender, "hi") == 204
    notice, greeting = sent_bodies(fake, sender, 2)
    assert notice == kb.notice.sms
    assert "not legal advice" not in greeting  # the notice just said it
    starters = [kb.topic(t).title for t in kb.starter_topics]
    assert greeting.endswith("\n".join(f"{i}. {t}" for i, t in enumerate(starters, 1)))
    assert f"Reply 1-{len(starters)}:" in greeting and segments(greeting) == 1


def test_whatsapp_through_twilio(twilio, kb):
    servers, fake = twilio
    fake.clear()
    sender = "whatsapp:+1415555" + str(uuid.uuid4().int)[:4]
    extra = {"To": "whatsapp:" + NUMBER, "ProfileName": "Maria", "WaId": sender[10:]}
    assert inbound(servers, sender, "how long does mediation take", extra) == 204
    notice, answer = sent_bodies(fake, sender, 2)[:2]
    assert notice == kb.notice.sms and answer.startswith(kb.topic("duration").answer)


def test_stop_by_sms_gets_no_reply_but_by_whatsapp_it_is_an_ordinary_message(twilio, kb):
    """Twilio answers an SMS "STOP" itself and refuses any message after it, until "START";
    WhatsApp has no carrier keywords, so there the assistant answers as for any other text."""
    servers, fake = twilio
    fake.clear()
    sender = "+1415555" + str(uuid.uuid4().int)[:4]
    assert inbound(servers, sender, "is mediation free?") == 204
    sent_bodies(fake, sender, 2)
    fake.clear()
    assert inbound(servers, sender, "STOP") == 204
    assert fake.wait_for(1, timeout=3) == []
    # "START" subscribes the phone again (Twilio confirms it): the assistant says hello.
    assert inbound(servers, sender, "START") == 204
    [greeting] = sent_bodies(fake, sender, 1)
    assert greeting.startswith("Hi! Ask me anything")
    fake.clear()
    whatsapp = "whatsapp:+1415555" + str(uuid.uuid4().int)[:4]
    assert inbound(servers, whatsapp, "STOP", {"To": "whatsapp:" + NUMBER}) == 204
    notice, *_ = sent_bodies(fake, whatsapp, 2)
    assert notice == kb.notice.sms


def _sms_sender() -> str:
    return "+1415557" + str(uuid.uuid4().int)[:4]


# The channel's own English phrases: none may reach a Spanish SMS.
ENGLISH_PHRASES = ("Reply ", "More: ", "Source: ", "Full list: ", " or ", "Something else")


def test_a_spanish_sms_question_gets_the_spanish_answer_in_gsm7(twilio, kb):
    """Issue 21: the Spanish answer without á, í, ó, ú (GSM-7: 160 characters a segment, not
    70), its FAQ link and "Responda" options in the segments it costs anyway; a number then
    picks a Spanish option. "¡" opens the question, never turned into "@"."""
    servers, fake = twilio
    fake.clear()
    sender = _sms_sender()
    assert inbound(servers, sender, "¡Hola! ¿cuanto cuesta la mediacion?") == 204
    notice, answer = sent_bodies(fake, sender, 2)
    assert segments(notice) == 1
    cost = kb.topic("cost")
    assert answer.startswith(to_gsm7(cost.es.answer) + "\nMas: ")
    related = [to_gsm7(kb.topic(t).es.title) for t in cost.related]
    assert "\nResponda 1" in answer and f"\n1. {related[0]}\n2. {related[1]}" in answer
    assert is_gsm7(answer) and segments(answer) == 2, answer
    assert not any(c in answer for c in "áíóú") and not any(p in answer for p in ENGLISH_PHRASES)
    fake.clear()
    assert inbound(servers, sender, "2") == 204
    [second] = sent_bodies(fake, sender, 1)
    assert second.startswith(to_gsm7(kb.topic(cost.related[1]).es.answer))
    assert is_gsm7(second) and "\nResponda " in second


def test_spanish_by_whatsapp_keeps_every_accent(twilio, kb):
    servers, fake = twilio
    fake.clear()
    sender = "whatsapp:+1415557" + str(uuid.uuid4().int)[:4]
    extra = {"To": "whatsapp:" + NUMBER, "ProfileName": "Maria", "WaId": sender[10:]}
    assert inbound(servers, sender, "cuanto cuesta la mediacion?", extra) == 204
    answer = sent_bodies(fake, sender, 2)[1]
    assert answer.startswith(kb.topic("cost").es.answer + "\nMás: ") and "á" in answer
    assert "\nResponda 1" in answer


def test_the_language_switches_both_ways_by_sms(twilio, kb):
    servers, fake = twilio
    sender = _sms_sender()

    def say(text: str, replies: int) -> str:
        fake.clear()
        assert inbound(servers, sender, text) == 204
        return "\n".join(sent_bodies(fake, sender, replies))

    say("hi there", 2)
    said = say("en español por favor", 1)
    assert said.startswith(to_gsm7("De acuerdo, seguimos en español. ¿Qué le gustaría"))
    assert is_gsm7(said) and "español" in said  # ñ and é are GSM-7: they stay
    said = say("ok", 1)
    assert said.startswith("Muy bien.")
    said = say("necesito un abogado?", 1)
    assert said.startswith(to_gsm7(kb.topic("attorneys").es.answer)) and "Responda 1" in said
    said = say("English please", 1)
    assert said.startswith("Sure, English from now on")
    said = say("do i need a lawyer?", 1)
    assert said.startswith(to_gsm7(kb.topic("attorneys").answer)) and "Reply 1" in said


def test_bad_signature_is_rejected_and_gets_no_reply(twilio):
    servers, fake = twilio
    fake.clear()
    assert inbound(servers, "+14155550100", "is mediation free?", sign=False) == 403
    assert fake.wait_for(1, timeout=3) == []


@pytest.mark.parametrize(
    "extra",
    [
        {
            "NumMedia": "1",
            "MediaUrl0": "https://api.twilio.com/media/ME1",
            "MediaContentType0": "image/jpeg",
        },
        {"Latitude": "37.77", "Longitude": "-122.41"},
    ],
)
def test_photo_or_location_gets_a_polite_only_text_reply(twilio, kb, extra):
    servers, fake = twilio
    fake.clear()
    sender = "+1415555" + str(uuid.uuid4().int)[:4]
    assert inbound(servers, sender, "", extra) == 204
    notice, body = sent_bodies(fake, sender, 2)
    assert notice == kb.notice.sms and "only read text" in body


def test_sms_menu_lists_every_area_by_its_first_topic_in_one_message(twilio, kb):
    servers, fake = twilio
    fake.clear()
    sender = "+1415555" + str(uuid.uuid4().int)[:4]
    assert inbound(servers, sender, "menu") == 204
    notice, menu = sent_bodies(fake, sender, 2)
    assert notice == kb.notice.sms
    starters = [kb.topic(area.topics[0]).title for area in kb.areas]
    assert menu.startswith("Ask in your own words")
    assert menu.endswith("\n".join(f"{i}. {t}" for i, t in enumerate(starters, 1)))
    assert segments(menu) <= 2  # the areas are not listed twice (names, then topics)
    # "3" then asks the third area's first topic.
    fake.clear()
    assert inbound(servers, sender, "3") == 204
    assert sent_bodies(fake, sender, 1)[0].startswith(
        to_gsm7(kb.topic(kb.areas[2].topics[0]).answer)
    )


@pytest.mark.parametrize("name", sorted(BAD_TEXTS))
def test_every_bad_text_gets_a_clear_reply_by_sms(twilio, name):
    """The shared bad-input corpus (tests/bad_inputs.py), as SMS: an empty body is what
    Twilio sends for a photo, so it gets the "only text" reply."""
    servers, fake = twilio
    case, sender = BAD_TEXTS[name], "+1415556" + str(uuid.uuid4().int)[:4]
    fake.clear()
    assert inbound(servers, sender, "hello") == 204
    fake.wait_for(2)
    fake.clear()
    # An SMS cannot carry a lone surrogate: what arrives is the replacement character.
    text = case.text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    assert inbound(servers, sender, text) == 204
    said = "\n".join(sent_bodies(fake, sender, 1))
    expect = "only read text" if not case.text.strip() else case.expect
    assert said.strip() and expect in said, (name, said[:300])
    assert case.forbid not in said, (name, said[:300])
