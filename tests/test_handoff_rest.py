"""The limit on callback requests end to end (issue 18): one REST conversation asks the
organisation to contact it four times in a row, against the real servers and a local SMTP
server (aiosmtpd); three e-mails arrive, the fourth request gets the polite reply."""

from __future__ import annotations

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
