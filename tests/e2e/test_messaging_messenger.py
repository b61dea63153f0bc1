"""Facebook Messenger end to end: Messenger's real webhook JSON in (signed with the app
secret), the connector's Send API calls out, caught by a local fake of the Graph API."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

import pytest
import yaml

from harness.fake_apps import running_app
from harness.messenger_webhook import (
    APP_ENV,
    VERIFY,
    new_psid,
    post,
    sent_messages,
    webhook_event,
)
from harness.servers import MODEL, REPO
from knowledge_base.intents import payload_for_topic
from tests.bad_inputs import BAD_TEXTS

pytestmark = pytest.mark.skipif(not MODEL.exists(), reason="no trained model: run `make test`")


@pytest.fixture(scope="module")
def messenger(tmp_path_factory):
    yield from running_app(tmp_path_factory.mktemp("messenger"), APP_ENV)


def test_verify_token_handshake(messenger):
    servers, _ = messenger
    url = f"http://localhost:{servers.rasa_port}/webhooks/facebook/webhook?"
    query = {"hub.mode": "subscribe", "hub.challenge": "1158201444", "hub.verify_token": VERIFY}
    with urllib.request.urlopen(url + urllib.parse.urlencode(query), timeout=10) as response:
        assert response.read() == b"1158201444"
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(
            url + urllib.parse.urlencode({**query, "hub.verify_token": "x"}), timeout=10
        )
    assert err.value.code == 403


def test_text_message_gets_answer_and_quick_replies(messenger, kb):
    servers, fake = messenger
    fake.clear()
    psid = new_psid()
    assert post(servers, webhook_event(psid, {"text": "how long does mediation take"})) == 200
    # mark_seen, typing_on, notice, answer, source (with quick replies), typing_off
    notice, *messages = sent_messages(fake, psid, 6)
    assert notice["text"] == f"{kb.notice.disclaimer} {kb.notice.privacy}"
    topic = kb.topic("duration")
    assert [m["text"] for m in messages][:1] == [topic.answer]
    assert messages[1]["text"].startswith("Source: ")
    quick_replies = messages[-1]["quick_replies"]
    assert 0 < len(quick_replies) <= 13
    assert all(q["content_type"] == "text" and len(q["title"]) <= 20 for q in quick_replies)
    assert [q["payload"] for q in quick_replies] == [payload_for_topic(t) for t in topic.related]
    assert all("quick_replies" not in m for m in messages[:-1])
    assert [c["body"].get("sender_action") for c in fake.calls if "sender_action" in c["body"]] == [
        "mark_seen",
        "typing_on",
        "typing_off",
    ]


def test_quick_reply_click_asks_that_topic(messenger, kb):
    servers, fake = messenger
    fake.clear()
    psid = new_psid()
    click = {"text": "How long it takes", "quick_reply": {"payload": "/ask_duration"}}
    assert post(servers, webhook_event(psid, click)) == 200
    messages = sent_messages(fake, psid, 6)
    assert messages[0]["text"].startswith(kb.notice.disclaimer)
    assert messages[1]["text"] == kb.topic("duration").answer


def test_the_get_started_button_gets_the_greeting(messenger):
    """The README's Get Started payload, "/get_started", arrives as a postback: the notice,
    then the greeting with the starting topics as quick replies."""
    servers, fake = messenger
    fake.clear()
    psid = new_psid()
    event = webhook_event(psid, {})
    item = event["entry"][0]["messaging"][0]
    del item["message"]
    item["postback"] = {"title": "Get Started", "payload": "/get_started", "mid": "m_start"}
    assert post(servers, event) == 200
    greeting = yaml.safe_load((REPO / "domain.yml").read_text())["responses"]["utter_greet"][0]
    messages = sent_messages(fake, psid, 5)
    texts = [m.get("text") for m in messages]
    assert greeting["text"] in texts
    assert all(q["payload"].startswith("/ask_") for q in messages[-1]["quick_replies"])


def test_bad_signature_is_rejected_and_gets_no_reply(messenger):
    servers, fake = messenger
    fake.clear()
    assert (
        post(servers, webhook_event(new_psid(), {"text": "is mediation free?"}), sign=False) == 403
    )
    assert fake.wait_for(1, timeout=3) == []


def test_a_valid_sha1_signature_alone_is_refused(messenger):
    """Only X-Hub-Signature-256 counts: a correct SHA-1 X-Hub-Signature is not enough."""
    servers, fake = messenger
    fake.clear()
    event = webhook_event(new_psid(), {"text": "is mediation free?"})
    assert post(servers, event, sha1_only=True) == 403
    assert fake.wait_for(1, timeout=3) == []


@pytest.mark.parametrize(
    "message",
    [
        {
            "attachments": [
                {"type": "image", "payload": {"url": "https://scontent.xx.fbcdn.net/v/photo.jpg"}}
            ]
        },
        {
            "sticker_id": 369239263222822,
            "attachments": [
                {
                    "type": "image",
                    "payload": {
                        "url": "https://scontent.xx.fbcdn.net/v/sticker.png",
                        "sticker_id": 369239263222822,
                    },
                }
            ],
        },
        {
            "attachments": [
                {
                    "type": "location",
                    "title": "Pinned Location",
                    "payload": {"coordinates": {"lat": 37.77, "long": -122.41}},
                }
            ]
        },
    ],
    ids=["image", "sticker", "location"],
)
def test_attachment_gets_a_polite_only_text_reply(messenger, kb, message):
    servers, fake = messenger
    fake.clear()
    psid = new_psid()
    assert post(servers, webhook_event(psid, message)) == 200
    notice, reply = sent_messages(fake, psid, 4)
    assert notice["text"].startswith(kb.notice.disclaimer) and "only read text" in reply["text"]


@pytest.mark.parametrize("name", sorted(BAD_TEXTS))
def test_every_bad_text_gets_a_clear_reply_on_messenger(messenger, name):
    """The shared bad-input corpus (tests/bad_inputs.py); Messenger sends a photo as a
    message without text, so an empty or blank text gets the "only text" reply."""
    servers, fake = messenger
    case, psid = BAD_TEXTS[name], new_psid()
    fake.clear()
    assert post(servers, webhook_event(psid, {"text": "hello"})) == 200
    fake.wait_for(4)
    fake.clear()
    assert post(servers, webhook_event(psid, {"text": case.text})) == 200
    said = "\n".join(m.get("text") or "" for m in sent_messages(fake, psid, 3))
    expect = "only read text" if not case.text.strip() else case.expect
    assert said.strip() and expect in said, (name, said[:300])
    assert case.forbid not in said, (name, said[:300])
