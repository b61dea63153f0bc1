"""The connectors' output side against the local fakes of each app's API, without a Rasa
server: a reply in, the app's calls out, within the app's limits (channels/reply_renderer.py)."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List

import pytest

from channels.reply_renderer import STYLES
from harness.fake_apps import FakeProvider

BUTTONS = [
    {"title": f"Question number {i} about mediation", "payload": f"/ask_{i}"} for i in range(1, 16)
]
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
    return [c["body"]["message"] for c in fake.wait_for(1) if "message" in c["body"]]


def test_messenger_quick_replies_and_parts_follow_the_style_table(fake):
    style = STYLES["facebook"]
    asyncio.run(messenger_output(fake).send_text_with_buttons("123", LONG, BUTTONS))
    messages = _messenger_messages(fake)
    assert len(messages) > 1 and all(len(m["text"]) <= style.max_chars for m in messages)
    assert " ".join(m["text"] for m in messages) == LONG
    replies = messages[-1]["quick_replies"]
    assert len(replies) == style.max_buttons
    assert all(len(q["title"]) <= style.max_button_title for q in replies)
    assert [q["payload"] for q in replies] == [b["payload"] for b in BUTTONS[: style.max_buttons]]
    assert all("quick_replies" not in m for m in messages[:-1])


def test_slack_buttons_and_parts_follow_the_style_table(fake):
    style = STYLES["slack"]
    asyncio.run(slack_output(fake).send_text_with_buttons("D123", LONG, BUTTONS))
    bodies = [c["body"] for c in fake.wait_for(1)]
    assert len(bodies) > 1 and all(len(b["text"]) <= style.max_chars for b in bodies)
    elements = bodies[-1]["blocks"][1]["elements"]
    assert len(elements) == style.max_buttons
    assert all(len(e["text"]["text"]) <= style.max_button_title for e in elements)


def test_slack_posts_without_the_legacy_as_user(fake):
    output = slack_output(fake)
    asyncio.run(output.send_text_message("D123", "Hello.\n\nSecond part."))
    asyncio.run(output.send_text_with_buttons("D123", "Pick one.", BUTTONS[:2]))
    bodies = [c["body"] for c in fake.wait_for(3)]
    assert [b["text"] for b in bodies] == ["Hello.", "Second part.", "Pick one."]
    assert all("as_user" not in b for b in bodies)


def _slow(seconds: float):
    import time

    from harness.fake_apps import provider_reply

    def reply(call):
        time.sleep(seconds)
        return provider_reply(call)

    return reply


def twilio_output(fake):
    from channels.twilio_text import TwilioTextOutput

    return TwilioTextOutput("AC" + "1" * 32, "token", "+15005550006", fake.url)


async def _ticks_during(send) -> int:
    """How often the event loop ran another task while ``send`` was waiting on the app."""
    ticks = 0
    done = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            await asyncio.sleep(0.02)

    task = asyncio.create_task(ticker())
    await send
    done.set()
    await task
    return ticks


@pytest.mark.parametrize(
    "make, send",
    [
        (messenger_output, lambda out: out.send_text_message("123", "Hello.")),
        (messenger_output, lambda out: out.send_action("123", "typing_on")),
        (twilio_output, lambda out: out.send_text_message("+14155550100", "Hello.")),
        (slack_output, lambda out: out.send_text_message("D123", "Hello.")),
    ],
    ids=["messenger", "messenger-action", "twilio", "slack"],
)
def test_a_slow_app_does_not_block_the_event_loop(make, send):
    slow = FakeProvider(reply=_slow(0.6))
    try:
        ticks = asyncio.run(_ticks_during(send(make(slow))))
    finally:
        slow.stop()
    assert len(slow.calls) == 1
    assert ticks >= 10  # ~30 expected in 0.6 s; a blocking call gives 1


@pytest.mark.parametrize(
    "make, send",
    [
        (messenger_output, lambda out: out.send_text_message("123", "Hello.")),
        (twilio_output, lambda out: out.send_text_message("+14155550100", "Hello.")),
        (slack_output, lambda out: out.send_text_message("D123", "Hello.")),
    ],
    ids=["messenger", "twilio", "slack"],
)
def test_outbound_calls_time_out(monkeypatch, make, send):
    import time

    from channels import connector_base, messenger_app, slack_app, twilio_text

    for module in (connector_base, messenger_app, slack_app, twilio_text):
        monkeypatch.setattr(module, "OUTBOUND_TIMEOUT", 1)
    hung = FakeProvider(reply=_slow(5))
    try:
        started = time.perf_counter()
        try:
            asyncio.run(send(make(hung)))
        except Exception:  # noqa: BLE001 - giving up with an error is fine; hanging is not
            pass
        assert time.perf_counter() - started < 4
    finally:
        hung.stop()


def test_telegram_calls_time_out():
    from channels.connector_base import OUTBOUND_TIMEOUT
    from channels.telegram_app import TelegramAppOutput

    assert TelegramAppOutput("123:abc", "http://127.0.0.1:9").timeout.total == OUTBOUND_TIMEOUT
