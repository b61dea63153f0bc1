"""The connectors' output side against the local fakes of each app's API, without a Rasa
server: a reply in, the app's calls out, within the app's limits (channels/styles.py)."""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List

import pytest

from channels.styles import STYLES
from tests.fake_providers import FakeProvider

BUTTONS = [{"title": f"Question number {i} about mediation", "payload": f"/ask_{i}"}
           for i in range(1, 16)]
LONG = " ".join(f"Sentence {i} says something useful about mediation." for i in range(120))


@pytest.fixture()
def fake():
    provider = FakeProvider()
    yield provider
    provider.stop()


def messenger_output(fake):
    from channels.messenger_app import MessengerAppOutput, messenger_client

    return MessengerAppOutput(messenger_client("EAAtoken", fake.url))


def slack_output(fake):
    from channels.slack_app import SlackAppOutput

    return SlackAppOutput("xoxb-test", api_base_url=fake.url + "/api/")


def _messenger_messages(fake) -> List[Dict[str, Any]]:
    return [c["body"]["message"] for c in fake.wait_for(1, settle=0.2) if "message" in c["body"]]


def test_messenger_quick_replies_and_parts_follow_the_style_table(fake):
    style = STYLES["facebook"]
    asyncio.run(messenger_output(fake).send_text_with_buttons("123", LONG, BUTTONS))
    messages = _messenger_messages(fake)
    assert len(messages) > 1 and all(len(m["text"]) <= style.max_chars for m in messages)
    assert " ".join(m["text"] for m in messages) == LONG
    replies = messages[-1]["quick_replies"]
    assert len(replies) == style.max_buttons
    assert all(len(q["title"]) <= style.max_button_title for q in replies)
    assert [q["payload"] for q in replies] == [b["payload"] for b in BUTTONS[:style.max_buttons]]
    assert all("quick_replies" not in m for m in messages[:-1])


def test_slack_buttons_and_parts_follow_the_style_table(fake):
    style = STYLES["slack"]
    asyncio.run(slack_output(fake).send_text_with_buttons("D123", LONG, BUTTONS))
    bodies = [c["body"] for c in fake.wait_for(1, settle=0.2)]
    assert len(bodies) > 1 and all(len(b["text"]) <= style.max_chars for b in bodies)
    elements = bodies[-1]["blocks"][1]["elements"]
    assert len(elements) == style.max_buttons
    assert all(len(e["text"]["text"]) <= style.max_button_title for e in elements)
