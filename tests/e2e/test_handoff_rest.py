"""The limit on callback requests end to end (issue 18): one REST conversation asks the
organisation to contact it four times in a row, against the real servers and a local SMTP
server (aiosmtpd); three e-mails arrive, the fourth request gets the polite reply."""

from __future__ import annotations

import http.client
import json
import uuid
from typing import Any, Dict, List

import pytest

import harness.servers
from harness.servers import MODEL, Servers
from tests.smtp_sink import SmtpSink

pytestmark = pytest.mark.skipif(not MODEL.exists(), reason="no trained model: run `make test`")


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with SmtpSink() as sink, pytest.MonkeyPatch.context() as patch:
        for name, value in sink.env().items():
            patch.setitem(harness.servers.ENV, name, value)
        for name in ("CALLBACK_LIMIT_PER_HOUR", "CALLBACK_LIMIT_TOTAL_PER_HOUR"):
            patch.delitem(harness.servers.ENV, name, raising=False)  # the defaults: 3 and 30
        servers = Servers(tmp_path_factory.mktemp("handoff_rest"))
        try:
            yield servers, sink
        finally:
            servers.stop()


def text(replies: List[Dict[str, Any]]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def request_callback(servers: Servers, sender: str, number: int) -> str:
    """The parent says "talk to a person", then taps the callback button; when the consent
    question comes, answers the whole form. What the last turn said."""
    offer = servers.ask(sender, "talk to a person")
    assert "/request_callback" in [b["payload"] for r in offer for b in r.get("buttons", [])]
    started = servers.ask(sender, "/request_callback")
    if "Is it OK to send it to them" not in text(started):
        return text(started)
    assert "What would you like to ask them?" in text(servers.ask(sender, "/affirm"))
    question = f"Request {number}: can someone help me prepare for mediation?"
    assert "What name should they use?" in text(servers.ask(sender, question))
    assert "e-mail address or phone number" in text(servers.ask(sender, "skip"))
    return text(servers.ask(sender, f"parent{number}@example.com"))


def test_four_requests_from_one_conversation_send_three_e_mails_and_a_polite_reply(stack):
    servers, sink = stack
    sender = "limit-" + uuid.uuid4().hex
    for number in range(1, 4):
        done = request_callback(servers, sender, number)
        assert f"A person there will contact you at parent{number}@example.com" in done
    assert len(sink.wait_for(3)) == 3
    fourth = request_callback(servers, sender, 4)
    assert "A request from this conversation already went to the organisation's team" in fourth
    assert "dispute resolution office" in fourth  # the help contacts follow
    assert "Is it OK to send it to them" not in fourth  # the form ended before consent
    # The conversation goes on as usual afterwards.
    assert "free" in text(servers.ask(sender, "is mediation free?")).lower()
    assert len(sink.wait_for(4, timeout=2)) == 3
    assert [m["Subject"] for m in sink.messages].count(
        "Callback request from the IEP mediation assistant"
    ) == 3
    log = (servers.workdir / "actions.log").read_text()
    [line] = [line for line in log.splitlines() if "handoff.limited" in line]
    assert "handoff.limited scope=conversation" in line and sender not in line


class OtherClient:
    """A REST client at another loopback address (so another ``client_tag``): the test
    above used up its own address's requests for the hour."""

    def __init__(self, servers: Servers, address: str) -> None:
        self.port, self.address = servers.rasa_port, address

    def ask(self, sender: str, message: str) -> List[Dict[str, Any]]:
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=60, source_address=(self.address, 0)
        )
        try:
            body = json.dumps({"sender": sender, "message": message})
            connection.request(
                "POST", "/webhooks/rest/webhook", body, {"Content-Type": "application/json"}
            )
            response = connection.getresponse()
            assert response.status == 200
            return json.loads(response.read() or b"[]")
        finally:
            connection.close()


def test_a_spanish_request_is_asked_in_spanish_and_its_e_mail_says_so(stack):
    """Issue 21: a Spanish conversation asks for a callback; every question comes in
    Spanish, the words the questions promise ("sí", "omitir") work, and the e-mail tells
    staff to reply in Spanish."""
    servers, sink = OtherClient(stack[0], "127.0.0.2"), stack[1]
    before = len(sink.messages)
    sender = "es-" + uuid.uuid4().hex
    assert "gratis" in text(
        servers.ask(sender, "cuanto cuesta la mediacion con el distrito escolar?")
    )
    offer = servers.ask(sender, "quiero hablar con una persona de verdad por favor")
    buttons = [b for r in offer for b in r.get("buttons", [])]
    assert {"title": "Que la organización me contacte", "payload": "/request_callback"} in buttons
    consent = servers.ask(sender, "/request_callback")
    assert "¿Está bien si se la enviamos por correo electrónico" in text(consent)
    assert [b["title"] for r in consent for b in r.get("buttons", [])] == ["Sí, compártala", "No"]
    assert "¿Qué le gustaría preguntarles?" in text(servers.ask(sender, "sí"))
    question = "Mi hijo tiene su reunion del IEP el 3 de mayo. Alguien me puede ayudar?"
    assert 'Escriba "omitir"' in text(servers.ask(sender, question))
    assert "Último paso" in text(servers.ask(sender, "omitir"))
    done = text(servers.ask(sender, "mama.lopez@example.com"))
    assert "se comunicará con usted en mama.lopez@example.com" in done
    mail = sink.wait_for(before + 1)[before]
    assert mail["Subject"] == "[ES] Callback request from the IEP mediation assistant"
    body = mail.get_content()
    assert (
        "Language: Spanish (español). The parent wrote in Spanish: please reply in Spanish." in body
    )
    assert "Name: (not given)" in body and question in body
    assert "Contact: mama.lopez@example.com" in body


def test_cancelar_stops_a_spanish_request(stack):
    servers, sink = OtherClient(stack[0], "127.0.0.3"), stack[1]
    before = len(sink.messages)
    sender = "es-" + uuid.uuid4().hex
    servers.ask(sender, "cuanto cuesta la mediacion con el distrito escolar?")
    servers.ask(sender, "quiero hablar con una persona de verdad por favor")
    servers.ask(sender, "/request_callback")
    servers.ask(sender, "sí")
    stopped = text(servers.ask(sender, "cancelar"))
    assert "me detengo: no se envía nada" in stopped
    assert len(sink.wait_for(before + 1, timeout=2)) == before
