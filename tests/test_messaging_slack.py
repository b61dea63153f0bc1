"""Slack end to end: Events API and interactivity payloads in (signed with the signing
secret), the connector's Web API calls out, caught by a local fake of slack.com/api."""
from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any, Dict, List

import pytest

from channels.styles import STYLES, format_text
from knowledge_base.intents import payload_for_topic
from actions.rendering import source_line
from tests.bad_inputs import BAD_TEXTS
from tests.fake_providers import running_app
from tests.servers import MODEL

pytestmark = pytest.mark.skipif(not MODEL.exists(), reason="no trained model: run `make test`")

TOKEN, SIGNING_SECRET = "xoxb-0000000000-0000000000000-testtesttesttesttesttest", "8f742231b10e8888abcd99yyyzzz85a5"
TEAM, APP, BOT_USER = "T0TEAM0001", "A0APP00001", "U0BOTUSER1"
# The environment that turns this app on ({fake}: the fake API's URL); also used by
# scripts/benchmark_messaging.py.
APP_ENV = {"SLACK_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "SLACK_API_BASE_URL": "{fake}/api/"}


@pytest.fixture(scope="module")
def slack(tmp_path_factory):
    yield from running_app(tmp_path_factory.mktemp("slack"), APP_ENV)


def new_user() -> str:
    return "U" + uuid.uuid4().hex[:10].upper()


def ts() -> str:
    return f"{time.time():.6f}"


def post(servers, body: bytes, content_type: str, sign: bool = True) -> int:
    timestamp = str(int(time.time()))
    digest = hmac.new(SIGNING_SECRET.encode(), f"v0:{timestamp}:".encode() + body,
                      hashlib.sha256).hexdigest()
    request = urllib.request.Request(
        f"http://localhost:{servers.rasa_port}/webhooks/slack/webhook", body,
        {"Content-Type": content_type, "X-Slack-Request-Timestamp": timestamp,
         "X-Slack-Signature": "v0=" + (digest if sign else "0" * 64)})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def post_event(servers, event: Dict[str, Any], sign: bool = True) -> int:
    """An Events API ``event_callback`` (fields as Slack sends them)."""
    body = {"token": "legacy-verification-token", "team_id": TEAM, "api_app_id": APP,
            "event": event, "type": "event_callback", "event_id": "Ev" + uuid.uuid4().hex[:10].upper(),
            "event_time": int(time.time()),
            "authorizations": [{"enterprise_id": None, "team_id": TEAM, "user_id": BOT_USER,
                                "is_bot": True, "is_enterprise_install": False}],
            "is_ext_shared_channel": False, "event_context": "4-eyJldCI6Im1lc3NhZ2UifQ"}
    return post(servers, json.dumps(body).encode(), "application/json", sign)


def dm_event(user: str, channel: str, text: str, **extra: Any) -> Dict[str, Any]:
    stamp = ts()
    event = {"client_msg_id": str(uuid.uuid4()), "type": "message", "text": text, "user": user,
             "ts": stamp, "team": TEAM, "channel": channel, "event_ts": stamp, "channel_type": "im"}
    if text:
        event["blocks"] = [{"type": "rich_text", "block_id": "b1", "elements": [
            {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}]}]
    event.update(extra)
    return event


def post_click(servers, user: str, channel: str, title: str, value: str) -> int:
    """A ``block_actions`` interaction: form-encoded ``payload=<json>``, as Slack sends it."""
    stamp = ts()
    payload = {
        "type": "block_actions", "user": {"id": user, "username": "ana", "name": "ana", "team_id": TEAM},
        "api_app_id": APP, "token": "legacy-verification-token",
        "container": {"type": "message", "message_ts": stamp, "channel_id": channel, "is_ephemeral": False},
        "trigger_id": "1234567890.123456.abcdef", "team": {"id": TEAM, "domain": "iep-test"},
        "enterprise": None, "is_enterprise_install": False,
        "channel": {"id": channel, "name": "directmessage"},
        "message": {"type": "message", "user": BOT_USER, "ts": stamp, "bot_id": "B0BOT00001",
                    "text": "Source: ...", "blocks": []},
        "state": {"values": {}}, "response_url": "https://hooks.slack.com/actions/T0/1/abc",
        "actions": [{"action_id": "a1", "block_id": "b1", "type": "button", "value": value,
                     "text": {"type": "plain_text", "text": title, "emoji": True},
                     "action_ts": ts()}]}
    body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
    return post(servers, body, "application/x-www-form-urlencoded")


def posted(fake, channel: str, at_least: int) -> List[Dict[str, Any]]:
    calls = fake.wait_for(at_least)
    assert all(c["path"] == "/api/chat.postMessage" for c in calls)
    assert all(c["headers"].get("Authorization") == f"Bearer {TOKEN}" for c in calls)
    assert all(c["body"]["channel"] == channel for c in calls)
    return [c["body"] for c in calls]


def test_url_verification_challenge(slack):
    servers, _ = slack
    body = json.dumps({"token": "t", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
                       "type": "url_verification"}).encode()
    assert post(servers, body, "application/json") == 200


def test_message_gets_escaped_answer_and_buttons(slack, kb):
    servers, fake = slack
    fake.clear()
    user, channel = new_user(), "D" + uuid.uuid4().hex[:10].upper()
    assert post_event(servers, dm_event(user, channel, "how long does mediation take")) == 200
    notice, *bodies = posted(fake, channel, 3)
    assert notice["text"] == format_text(STYLES["slack"], f"{kb.notice.disclaimer} {kb.notice.privacy}")
    topic = kb.topic("duration")
    style = STYLES["slack"]
    assert bodies[0]["text"] == format_text(style, topic.answer)
    assert "blocks" not in bodies[0]
    last = bodies[-1]
    assert last["text"] == format_text(style, source_line(kb, topic))
    section, actions = last["blocks"]
    assert section == {"type": "section", "text": {"type": "mrkdwn", "text": last["text"]}}
    assert actions["type"] == "actions" and 0 < len(actions["elements"]) <= 5
    assert [b["value"] for b in actions["elements"]] == [payload_for_topic(t) for t in topic.related]
    assert [b["text"]["text"] for b in actions["elements"]] == [kb.topic(t).title for t in topic.related]


def test_button_click_asks_that_topic(slack, kb):
    servers, fake = slack
    fake.clear()
    user, channel = new_user(), "D" + uuid.uuid4().hex[:10].upper()
    assert post_click(servers, user, channel, "How long it takes", "/ask_duration") == 200
    bodies = posted(fake, channel, 3)
    assert bodies[1]["text"] == format_text(STYLES["slack"], kb.topic("duration").answer)


def test_bad_signature_is_rejected_and_gets_no_reply(slack):
    servers, fake = slack
    fake.clear()
    user, channel = new_user(), "D" + uuid.uuid4().hex[:10].upper()
    assert post_event(servers, dm_event(user, channel, "is mediation free?"), sign=False) == 403
    assert fake.wait_for(1, timeout=3) == []


def test_file_share_without_text_gets_a_polite_only_text_reply(slack, kb):
    servers, fake = slack
    fake.clear()
    user, channel = new_user(), "D" + uuid.uuid4().hex[:10].upper()
    photo = {"id": "F0PHOTO001", "created": int(time.time()), "name": "IMG_0001.jpg",
             "title": "IMG_0001.jpg", "mimetype": "image/jpeg", "filetype": "jpg",
             "user": user, "size": 123456, "mode": "hosted", "is_external": False,
             "url_private": "https://files.slack.com/files-pri/T0-F0PHOTO001/img_0001.jpg"}
    event = dm_event(user, channel, "", subtype="file_share", files=[photo], upload=False,
                     display_as_bot=False)
    event.pop("client_msg_id")
    assert post_event(servers, event) == 200
    notice, body = posted(fake, channel, 2)
    assert notice["text"].startswith(kb.notice.disclaimer) and "only read text" in body["text"]


def test_bot_own_messages_are_not_answered(slack):
    servers, fake = slack
    fake.clear()
    channel = "D" + uuid.uuid4().hex[:10].upper()
    event = dm_event(BOT_USER, channel, "Sorry, I can only read text messages.", bot_id="B0BOT00001")
    assert post_event(servers, event) == 200
    assert fake.wait_for(1, timeout=3) == []


def benchmark_send(servers, question: str) -> int:
    return post_event(servers, dm_event(new_user(), "D" + uuid.uuid4().hex[:10].upper(), question))


@pytest.mark.parametrize("name", sorted(BAD_TEXTS))
def test_every_bad_text_gets_a_clear_reply_on_slack(slack, name):
    """The shared bad-input corpus (tests/bad_inputs.py). Slack escapes <, > and & in what
    it shows, and a message without text (a file) gets the "only text" reply."""
    servers, fake = slack
    case = BAD_TEXTS[name]
    user, channel = new_user(), "D" + uuid.uuid4().hex[:10].upper()
    fake.clear()
    assert post_event(servers, dm_event(user, channel, "hello")) == 200
    fake.wait_for(2)
    fake.clear()
    assert post_event(servers, dm_event(user, channel, case.text)) == 200
    said = "\n".join(body.get("text") or "" for body in posted(fake, channel, 1))
    plain = said.replace("’", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    expects = [case.expect] if case.text.strip() else ["only read text", "didn't get any words"]
    assert plain.strip() and any(e in plain for e in expects), (name, said[:300])
    assert case.forbid not in plain, (name, said[:300])
