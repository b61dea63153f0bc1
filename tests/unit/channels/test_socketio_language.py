"""The web chat and the conversation's language (issue 21): for a client that sends its
language (our widget), every socket.io frame of a channel-neutral reply says its language,
so the widget's own words follow the parent; the assistant's fixed responses say nothing;
other clients (rasa-webchat shows a text frame only when ``text`` is its one key) get
frames as before."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List

from actions.rendering import reply_message
from channels.reply_renderer import REPLY
from channels.socketio import SocketIOChannelOutput, reads_language
from contract import SPANISH


class FakeSio:
    def __init__(self) -> None:
        self.frames: List[Dict[str, Any]] = []

    async def emit(self, event: str, data: Any = None, **kwargs: Any) -> None:
        """Rasa emits ``(event, data, room=...)``; a custom frame as ``data=`` too."""
        self.frames.append(data)


def send(
    message: Dict[str, Any], text_only: bool = False, with_language: bool = True
) -> List[Dict[str, Any]]:
    sio = FakeSio()
    output = SocketIOChannelOutput(sio, "bot_uttered", text_only, with_language)
    asyncio.run(output.send_response("room", message))
    return sio.frames


def neutral(language: str = "en", **reply: Any) -> Dict[str, Any]:
    built = reply_message(parts=["Primera parte.", "Segunda parte."], language=language, **reply)
    return {"text": None, "custom": built["json_message"]}


def test_every_frame_of_a_spanish_reply_says_spanish():
    frames = send(neutral(SPANISH, options=[{"title": "Más", "payload": "/more"}]))
    assert [f.get("text") for f in frames] == ["Primera parte.", "Segunda parte."]
    assert all(f["language"] == "es" for f in frames), frames
    assert frames[-1]["quick_replies"][0]["title"] == "Más"


def test_an_english_reply_says_english_though_the_reply_leaves_it_out():
    message = neutral()
    assert "language" not in message["custom"][REPLY]  # rendering.py names only other languages
    assert [f["language"] for f in send(message)] == ["en", "en"]


def test_a_fixed_response_and_a_text_only_client_get_no_language():
    assert send({"text": "De acuerdo, seguimos en español."}) == [
        {"text": "De acuerdo, seguimos en español."}
    ]
    assert all("language" not in f for f in send(neutral(SPANISH), text_only=True))


def test_a_client_that_did_not_say_its_language_gets_plain_frames():
    assert reads_language({"language": "es"}) and not reads_language({"client": "rasa-webchat"})
    assert send(neutral(SPANISH), with_language=False) == [
        {"text": "Primera parte."},
        {"text": "Segunda parte."},
    ]


def test_a_frame_after_a_reply_is_not_marked_with_its_language():
    sio = FakeSio()
    output = SocketIOChannelOutput(sio, "bot_uttered", with_language=True)
    asyncio.run(output.send_response("room", neutral(SPANISH)))
    asyncio.run(output.send_response("room", {"text": "Hello."}))
    assert sio.frames[-1] == {"text": "Hello."}
