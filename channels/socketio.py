"""Rasa's socket.io channel (the web chat), with its doors locked.

Differences from Rasa's ``SocketIOInput``:
- cross-origin access only from the configured origins (``ALLOWED_ORIGINS``), without
  credentials, and one ``Access-Control-Allow-Origin`` header (socket.io sets it itself);
- a session id must be 32 hex characters (what the widget draws from the browser's
  crypto random source, and what Rasa generates); anything else gets a fresh one;
- a malformed event (not an object, no or a bad session id) is answered with one line
  in the log, not a traceback, and a message asking the page to reload;
- socket.io frames are capped, so a huge message cannot reach the server, and metadata
  over the size or depth limit (``channels/message_limits.py``) is dropped;
- a message that is ``null`` is a widget's start (rasa-webchat sends its ``initPayload``
  even when that is null): the greeting, not "I didn't get any words there";
- a client that drops custom frames (rasa-webchat, named in its ``customData``, or every
  client with ``SOCKETIO_SOURCE_IN_TEXT=1``) gets the source line and the FAQ link in
  the text (``channels/reply_renderer.py``, style ``socketio_text``);
- a client that sends its language with a message (``metadata.language``, as our widget
  does) gets it on every frame of a channel-neutral reply (``"language": "en"|"es"``), so
  its own words follow a parent who writes in the other language (issue 21). Other
  clients get frames as before: rasa-webchat shows a text frame only when ``text`` is
  its one key.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from channels.app_settings import allowed_origins, socketio_source_in_text
from channels.client_tag import tagged
from channels.input_guard import GREET_PAYLOAD
from channels.message_limits import metadata_problem
from channels.reply_renderer import SOCKETIO_TEXT, RenderedOutput, neutral_reply
from contract import CLIENT_NAME, ENGLISH, LANGUAGE, TEXT_ONLY_CLIENTS
from rasa_ext.connectors import SocketIOOutputHooks, configure_socketio_engine

logger = logging.getLogger(__name__)

SESSION_ID = re.compile(r"^[0-9a-f]{32}$")
MAX_FRAME_BYTES = 64 * 1024
STALE_SESSION_TEXT = "Sorry, this chat lost its place. Please reload the page and ask again."
# Where rasa-webchat sends its ``customData`` with each message (Rasa reads ``metadata``):
# read as the message's metadata when there is none.
WEBCHAT_METADATA_KEY = "customData"


def valid_session_id(value: Any) -> bool:
    return isinstance(value, str) and bool(SESSION_ID.match(value))


def new_session_id() -> Text:
    return uuid.uuid4().hex  # uuid4 draws from os.urandom


def reads_language(metadata: Dict[Text, Any]) -> bool:
    """Whether the client said its language, and so reads the language of the reply."""
    return isinstance(metadata.get(LANGUAGE), str)


def shows_text_only(metadata: Dict[Text, Any]) -> bool:
    """Whether the client named itself as one that drops custom frames."""
    name = metadata.get(CLIENT_NAME)
    return isinstance(name, str) and name in TEXT_ONLY_CLIENTS


class SocketIOChannelOutput(RenderedOutput, SocketIOOutputHooks):
    """Rasa's socket.io output; replies as the widget takes them (``channels/reply_renderer.py``):
    texts without the source line, quick replies, the contract under ``data``; for a
    client that shows only text, style ``socketio_text``."""

    style = "socketio"

    def __init__(
        self,
        sio: Any,
        bot_message_evt: Text,
        text_only: bool = False,
        with_language: bool = False,
    ) -> None:
        super().__init__(sio, bot_message_evt)
        self.with_language = with_language and not text_only
        self._language: Optional[Text] = None  # of the reply being sent
        if text_only:
            self.style = SOCKETIO_TEXT

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        """For a client that reads it, a channel-neutral reply's frames carry its language
        (English unless it says otherwise); the assistant's fixed responses say nothing
        (which variant was chosen is not known here)."""
        reply = neutral_reply(message)
        if reply is not None and self.with_language:
            self._language = str(reply.get(LANGUAGE) or ENGLISH)
        try:
            await super().send_response(recipient_id, message)
        finally:
            self._language = None

    async def send_frame(self, socket_id: Text, response: Any) -> None:
        if self._language and isinstance(response, dict):
            response = {**response, LANGUAGE: self._language}
        await super().send_frame(socket_id, response)


class SocketIOChannel(SocketIOInput):
    """The web chat's channel: Rasa's, with origins, session ids and frames checked."""

    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def __init__(self, *args: Any, origins: Optional[List[Text]] = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.origins = origins if origins is not None else allowed_origins()
        self.source_in_text = socketio_source_in_text()

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "SocketIOChannel":
        credentials = dict(credentials or {})
        origins = credentials.pop("origins", None)
        channel = super().from_credentials(credentials)
        channel.origins = list(origins) if origins else allowed_origins()
        return channel

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)
        sio = self.sio
        configure_socketio_engine(sio, self.origins, MAX_FRAME_BYTES)

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Any) -> None:
            asked = data.get("session_id") if isinstance(data, dict) else None
            session_id = asked if valid_session_id(asked) else new_session_id()
            if self.session_persistence:
                sio.enter_room(sid, session_id)  # not awaitable in python-socketio 5.9
            await sio.emit("session_confirm", session_id, room=sid)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: Text, data: Any) -> None:
            session_id = data.get("session_id") if isinstance(data, dict) else None
            if not valid_session_id(session_id):
                logger.warning("socketio.message.refused sid=%s: no valid session id", sid)
                await sio.emit(self.bot_message_evt, {"text": STALE_SESSION_TEXT}, room=sid)
                return
            metadata = data.get(self.metadata_key) or data.get(WEBCHAT_METADATA_KEY) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except (ValueError, RecursionError):
                    metadata = {}
            if metadata_problem(metadata):
                metadata = {}
            output = SocketIOChannelOutput(
                sio,
                self.bot_message_evt,
                self.source_in_text or shows_text_only(metadata),
                reads_language(metadata),
            )
            environ = sio.get_environ(sid, namespace=self.namespace) or {}
            text = data.get("message")
            if text is None:  # rasa-webchat's initPayload: null
                text = GREET_PAYLOAD
            await on_new_message(
                UserMessage(
                    text if isinstance(text, str) else "",
                    output,
                    session_id,
                    input_channel=self.name(),
                    metadata=tagged(metadata, environ.get("sanic.request")),
                )
            )

        return webhook
