"""Slack's inbound webhook as the app calls it (signed), and what the local fake of its
API received: for the tests and the messaging benchmark."""

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

TOKEN, SIGNING_SECRET = (
    "xoxb-0000000000-0000000000000-testtesttesttesttesttest",
    "8f742231b10e8888abcd99yyyzzz85a5",
)


TEAM, APP, BOT_USER = "T0TEAM0001", "A0APP00001", "U0BOTUSER1"


# The environment that turns this app on ({fake}: the fake API's URL); also used by
# scripts/benchmark_messaging.py.
APP_ENV = {
    "SLACK_TOKEN": TOKEN,
    "SLACK_SIGNING_SECRET": SIGNING_SECRET,
    "SLACK_API_BASE_URL": "{fake}/api/",
}


def new_user() -> str:
    return "U" + uuid.uuid4().hex[:10].upper()


def ts() -> str:
    return f"{time.time():.6f}"


def post(servers, body: bytes, content_type: str, sign: bool = True) -> int:
    timestamp = str(int(time.time()))
    digest = hmac.new(
        SIGNING_SECRET.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256
    ).hexdigest()
    request = urllib.request.Request(
        f"http://localhost:{servers.rasa_port}/webhooks/slack/webhook",
        body,
        {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": "v0=" + (digest if sign else "0" * 64),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def post_event(servers, event: Dict[str, Any], sign: bool = True) -> int:
    """An Events API ``event_callback`` (fields as Slack sends them)."""
    body = {
        "token": "legacy-verification-token",
        "team_id": TEAM,
        "api_app_id": APP,
        "event": event,
        "type": "event_callback",
        "event_id": "Ev" + uuid.uuid4().hex[:10].upper(),
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": TEAM,
                "user_id": BOT_USER,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": "4-eyJldCI6Im1lc3NhZ2UifQ",
    }
    return post(servers, json.dumps(body).encode(), "application/json", sign)


def dm_event(user: str, channel: str, text: str, **extra: Any) -> Dict[str, Any]:
    stamp = ts()
    event = {
        "client_msg_id": str(uuid.uuid4()),
        "type": "message",
        "text": text,
        "user": user,
        "ts": stamp,
        "team": TEAM,
        "channel": channel,
        "event_ts": stamp,
        "channel_type": "im",
    }
    if text:
        event["blocks"] = [
            {
                "type": "rich_text",
                "block_id": "b1",
                "elements": [
                    {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
                ],
            }
        ]
    event.update(extra)
    return event


def post_click(servers, user: str, channel: str, title: str, value: str) -> int:
    """A ``block_actions`` interaction: form-encoded ``payload=<json>``, as Slack sends it."""
    stamp = ts()
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": "ana", "name": "ana", "team_id": TEAM},
        "api_app_id": APP,
        "token": "legacy-verification-token",
        "container": {
            "type": "message",
            "message_ts": stamp,
            "channel_id": channel,
            "is_ephemeral": False,
        },
        "trigger_id": "1234567890.123456.abcdef",
        "team": {"id": TEAM, "domain": "iep-test"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel, "name": "directmessage"},
        "message": {
            "type": "message",
            "user": BOT_USER,
            "ts": stamp,
            "bot_id": "B0BOT00001",
            "text": "Source: ...",
            "blocks": [],
        },
        "state": {"values": {}},
        "response_url": "https://hooks.slack.com/actions/T0/1/abc",
        "actions": [
            {
                "action_id": "a1",
                "block_id": "b1",
                "type": "button",
                "value": value,
                "text": {"type": "plain_text", "text": title, "emoji": True},
                "action_ts": ts(),
            }
        ],
    }
    body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
    return post(servers, body, "application/x-www-form-urlencoded")


# Slack's webhook answers before the turn has run: its reply is complete once no part came
# for this long.
QUIET = 0.5


def posted(fake, channel: str, at_least: int) -> List[Dict[str, Any]]:
    calls = fake.wait_for(at_least, quiet=QUIET)
    assert all(c["path"] == "/api/chat.postMessage" for c in calls)
    assert all(c["headers"].get("Authorization") == f"Bearer {TOKEN}" for c in calls)
    assert all(c["body"]["channel"] == channel for c in calls)
    return [c["body"] for c in calls]


def benchmark_send(servers, question: str) -> int:
    return post_event(servers, dm_event(new_user(), "D" + uuid.uuid4().hex[:10].upper(), question))
