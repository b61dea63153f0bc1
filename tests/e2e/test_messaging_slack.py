"""Slack end to end: Events API and interactivity payloads in (signed with the signing
secret), the connector's Web API calls out, caught by a local fake of slack.com/api."""

from __future__ import annotations

import json
import time
import uuid

import pytest

from channels.reply_renderer import STYLES, format_text
from harness.fake_apps import running_app
from harness.servers import MODEL
from harness.slack_webhook import (
    APP_ENV,
    BOT_USER,
    QUIET,
    dm_event,
    new_user,
    post,
    post_click,
    post_event,
    posted,
)
from knowledge_base.citations import source_line
from knowledge_base.intents import payload_for_topic
from tests.bad_inputs import BAD_TEXTS

pytestmark = pytest.mark.skipif(not MODEL.exists(), reason="no trained model: run `make test`")


@pytest.fixture(scope="module")
def slack(tmp_path_factory):
    yield from running_app(tmp_path_factory.mktemp("slack"), APP_ENV)


def test_url_verification_challenge(slack):
    servers, _ = slack
    body = json.dumps(
        {
            "token": "t",
            "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
            "type": "url_verification",
        }
    ).encode()
    assert post(servers, body, "application/json") == 200


def test_message_gets_escaped_answer_and_buttons(slack, kb):
    servers, fake = slack
    fake.clear()
    user, channel = new_user(), "D" + uuid.uuid4().hex[:10].upper()
    assert post_event(servers, dm_event(user, channel, "how long does mediation take")) == 200
    notice, *bodies = posted(fake, channel, 3)
    assert notice["text"] == format_text(
        STYLES["slack"], f"{kb.notice.disclaimer} {kb.notice.privacy}"
    )
    topic = kb.topic("duration")
    style = STYLES["slack"]
    assert bodies[0]["text"] == format_text(style, topic.answer)
    assert "blocks" not in bodies[0]
    last = bodies[-1]
    assert last["text"] == format_text(style, source_line(kb, topic))
    section, actions = last["blocks"]
    assert section == {"type": "section", "text": {"type": "mrkdwn", "text": last["text"]}}
    assert actions["type"] == "actions" and 0 < len(actions["elements"]) <= 5
    assert [b["value"] for b in actions["elements"]] == [
        payload_for_topic(t) for t in topic.related
    ]
    assert [b["text"]["text"] for b in actions["elements"]] == [
        kb.topic(t).title for t in topic.related
    ]


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
    photo = {
        "id": "F0PHOTO001",
        "created": int(time.time()),
        "name": "IMG_0001.jpg",
        "title": "IMG_0001.jpg",
        "mimetype": "image/jpeg",
        "filetype": "jpg",
        "user": user,
        "size": 123456,
        "mode": "hosted",
        "is_external": False,
        "url_private": "https://files.slack.com/files-pri/T0-F0PHOTO001/img_0001.jpg",
    }
    event = dm_event(
        user, channel, "", subtype="file_share", files=[photo], upload=False, display_as_bot=False
    )
    event.pop("client_msg_id")
    assert post_event(servers, event) == 200
    notice, body = posted(fake, channel, 2)
    assert notice["text"].startswith(kb.notice.disclaimer) and "only read text" in body["text"]


def test_bot_own_messages_are_not_answered(slack):
    servers, fake = slack
    fake.clear()
    channel = "D" + uuid.uuid4().hex[:10].upper()
    event = dm_event(
        BOT_USER, channel, "Sorry, I can only read text messages.", bot_id="B0BOT00001"
    )
    assert post_event(servers, event) == 200
    assert fake.wait_for(1, timeout=3) == []


@pytest.mark.parametrize("name", sorted(BAD_TEXTS))
def test_every_bad_text_gets_a_clear_reply_on_slack(slack, name):
    """The shared bad-input corpus (tests/bad_inputs.py). Slack escapes <, > and & in what
    it shows, and a message without text (a file) gets the "only text" reply."""
    servers, fake = slack
    case = BAD_TEXTS[name]
    user, channel = new_user(), "D" + uuid.uuid4().hex[:10].upper()
    fake.clear()
    assert post_event(servers, dm_event(user, channel, "hello")) == 200
    fake.wait_for(2, quiet=QUIET)
    fake.clear()
    assert post_event(servers, dm_event(user, channel, case.text)) == 200
    said = "\n".join(body.get("text") or "" for body in posted(fake, channel, 1))
    plain = said.replace("’", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    expects = [case.expect] if case.text.strip() else ["only read text", "didn't get any words"]
    assert plain.strip() and any(e in plain for e in expects), (name, said[:300])
    assert case.forbid not in plain, (name, said[:300])
