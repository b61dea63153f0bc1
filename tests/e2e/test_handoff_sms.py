"""A callback request by SMS, end to end (issue 11): Twilio's real webhook in, Rasa's Twilio
connector out to a local fake of Twilio's API, the action server e-mailing a local SMTP
server (aiosmtpd). The parent answers with numbers; "1" gives the number texted from."""

from __future__ import annotations

import sqlite3
import uuid
from typing import List

import pytest

import harness.servers
from channels.pseudonym import conversation_id
from contract.conversations import conversation_key
from harness.fake_apps import running_app
from harness.servers import MODEL
from harness.twilio_webhook import APP_ENV, inbound
from tests.smtp_sink import SmtpSink

pytestmark = pytest.mark.skipif(not MODEL.exists(), reason="no trained model: run `make test`")


@pytest.fixture(scope="module")
def sms(tmp_path_factory):
    with SmtpSink() as sink, pytest.MonkeyPatch.context() as patch:
        for name, value in sink.env().items():
            patch.setitem(harness.servers.ENV, name, value)
        for servers, fake in running_app(tmp_path_factory.mktemp("handoff_sms"), APP_ENV):
            yield servers, fake, sink


def say(sms, sender: str, text: str, replies: int) -> str:
    """Send one SMS; the replies it brought (at least ``replies`` messages), joined."""
    servers, fake, _ = sms
    fake.clear()
    assert inbound(servers, sender, text) == 204
    calls = fake.wait_for(replies)
    bodies: List[str] = [c["body"]["Body"] for c in calls if c["body"]["To"] == sender]
    return "\n".join(bodies)


def test_a_callback_request_by_sms_reaches_the_inbox_with_the_number_texted_from(sms):
    _, _, sink = sms
    sender = "+1415555" + str(uuid.uuid4().int)[:4]
    offer = say(sms, sender, "can i talk to a real person", 4)
    assert "1. Ask the organisation to contact me" in offer
    consent = say(sms, sender, "1", 1)
    assert "Is it OK to send it to them" in consent and "1. Yes, share it" in consent
    assert "What would you like to ask them?" in say(sms, sender, "1", 1)
    question = "My son's IEP meeting is on May 3. Can someone help me get ready for mediation?"
    assert "What name should they use?" in say(sms, sender, question, 1)
    contact_question = say(sms, sender, "skip", 1)
    assert "Reply 1 to use the number you're texting from" in contact_question
    done = say(sms, sender, "1", 1)
    assert f"A person there will contact you at {sender}" in done
    [mail] = sink.wait_for(1)
    body = mail.get_content()
    assert mail["To"] == SmtpSink.INBOX
    assert f"Contact: {sender}" in body and "Name: (not given)" in body
    assert question in body and "Channel: twilio" in body
    assert "Parent: can i talk to a real person" in body


def test_a_bad_contact_is_asked_again_and_a_no_to_sharing_sends_nothing(sms):
    _, _, sink = sms
    before = len(sink.messages)
    sender = "+1415556" + str(uuid.uuid4().int)[:4]
    say(sms, sender, "talk to a person", 4)
    say(sms, sender, "1", 1)
    say(sms, sender, "1", 1)
    say(sms, sender, "Who pays for the mediator?", 1)
    say(sms, sender, "Sam", 1)
    again = say(sms, sender, "tomorrow after lunch", 2)
    assert "I couldn't find an e-mail address or a phone number" in again
    assert "Reply 1 to use the number you're texting from" in again  # asked again
    done = say(sms, sender, "sam.parent@example.com", 1)
    assert "contact you at sam.parent@example.com" in done
    assert len(sink.wait_for(before + 1)) == before + 1
    # Another request, declined at the consent question: the contacts, and no e-mail.
    say(sms, sender, "talk to a person", 3)  # no notice this time: it came with the first
    say(sms, sender, "1", 1)
    declined = say(sms, sender, "2", 2)
    assert "nothing is sent" in declined and "dispute resolution office" in declined
    assert len(sink.messages) == before + 1


def test_a_carrier_opt_out_keyword_stops_the_request_and_gets_no_reply(sms):
    """A bare "CANCEL" by SMS unsubscribes the parent: Twilio answers it and refuses every
    message to the phone until "START". So the form says "never mind" instead, and a
    "CANCEL" still stops the request, with nothing sent back."""
    servers, fake, sink = sms
    before = len(sink.messages)
    sender = "+1415559" + str(uuid.uuid4().int)[:4]
    say(sms, sender, "talk to a person", 4)
    say(sms, sender, "1", 1)
    question = say(sms, sender, "1", 1)
    assert '(Say "never mind" to stop.)' in question and "cancel" not in question.lower()
    fake.clear()
    assert inbound(servers, sender, "CANCEL") == 204
    assert fake.wait_for(1, timeout=3) == []
    # The request has ended: the next message is answered, not taken as the question.
    assert "free" in say(sms, sender, "is mediation free?", 1).lower()
    assert len(sink.messages) == before


def test_confirm_erase_during_a_request_deletes_the_conversation_and_ends_the_request(sms):
    servers, _, sink = sms
    before = len(sink.messages)
    sender = "+1415557" + str(uuid.uuid4().int)[:4]
    say(sms, sender, "talk to a person", 4)
    say(sms, sender, "1", 1)
    say(sms, sender, "1", 1)
    done = say(sms, sender, "/confirm_erase", 1)  # not taken as the question
    assert "this conversation is deleted" in done
    conversation = conversation_key("twilio", conversation_id(sender, APP_ENV["TWILIO_AUTH_TOKEN"]))
    with sqlite3.connect(servers.workdir / "tracker.db") as db:
        count = db.execute("SELECT count(*) FROM events WHERE sender_id = ?", (conversation,))
        assert count.fetchone()[0] == 0
    # Writing again starts afresh: a question is answered, nothing is e-mailed.
    assert "free" in say(sms, sender, "is mediation free?", 2).lower()
    assert len(sink.messages) == before


def test_the_phone_number_is_stored_nowhere_and_replies_still_reach_it(sms):
    """The conversation is keyed by a pseudonym of the number (channels/pseudonym.py); the
    number itself is in no stored row, not even as the conversation id."""
    servers, _, _ = sms
    sender = "+1415556" + str(uuid.uuid4().int)[:4]
    assert "free" in say(sms, sender, "is mediation free?", 2).lower()
    conversation = conversation_key("twilio", conversation_id(sender, APP_ENV["TWILIO_AUTH_TOKEN"]))
    with sqlite3.connect(servers.workdir / "tracker.db") as db:
        rows = db.execute("SELECT sender_id, data FROM events").fetchall()
    assert any(sender_id == conversation for sender_id, _ in rows)
    digits = sender[2:]
    assert not any(digits in sender_id or digits in data for sender_id, data in rows)


def test_a_spanish_request_by_sms_is_asked_in_spanish_and_tagged_for_staff(sms):
    """Issue 21: the options as "Responda 1 o 2" with their Spanish titles (in GSM-7, so
    without the accents GSM-7 lacks), a typed "sí" and "omitir" understood, and the e-mail
    marked Spanish."""
    _, _, sink = sms
    before = len(sink.messages)
    sender = "+1415558" + str(uuid.uuid4().int)[:4]
    assert "gratis" in say(sms, sender, "cuanto cuesta la mediacion con el distrito escolar?", 2)
    offer = say(sms, sender, "quiero hablar con una persona de verdad por favor", 3)
    assert "Responda 1:" in offer and "1. Que la organizacion me contacte" in offer
    consent = say(sms, sender, "1", 1)
    assert "Responda 1 o 2:" in consent and "1. Si, compartala" in consent
    assert "preguntarles" in say(sms, sender, "sí", 1)
    question = "Mi hijo tiene su reunion del IEP el 3 de mayo. Alguien me puede ayudar?"
    assert "omitir" in say(sms, sender, question, 1)
    contact_question = say(sms, sender, "omitir", 1)
    assert "Responda 1 para usar el numero desde el que escribe" in contact_question
    done = say(sms, sender, "1", 1)
    assert f"con usted en {sender}" in done
    mail = sink.wait_for(before + 1)[before]
    assert mail["Subject"].startswith("[ES] ")
    body = mail.get_content()
    assert "please reply in Spanish" in body and f"Contact: {sender}" in body
    assert "Name: (not given)" in body and question in body
