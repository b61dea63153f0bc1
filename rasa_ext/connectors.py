"""Rasa's channel-connector internals we touch.

Rasa's connectors call their own private methods (``_send_message``, ``_post_message``,
``_handle_user_message``); where ours must change what those do, a small hook class here
overrides the private method and calls a public one the connector overrides instead. The
helpers Rasa keeps private (Slack's message parsing, Messenger's quick-reply test) are
called through functions here. Outbound clients are pointed at another base URL (the tests'
local fakes) and given a timeout here, since Rasa's constructors take neither.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.facebook import Messenger, MessengerBot
from rasa.core.channels.slack import SlackBot, SlackInput
from rasa.core.channels.socketio import SocketIOOutput
from rasa.core.channels.telegram import TelegramOutput
from rasa.core.channels.twilio import TwilioOutput
from sanic import Sanic

Handler = Callable[[UserMessage], Awaitable[Any]]


def register(app: Sanic, channels: Iterable[InputChannel], handler: Handler, route: Text) -> None:
    """Rasa's ``rasa.core.channels.channel.register`` with our own message handler: each
    channel's blueprint under ``route``, and the list where Rasa looks for the channels
    (``app.ctx.input_channels``)."""
    from urllib.parse import urljoin

    channels = list(channels)
    for channel in channels:
        app.blueprint(channel.blueprint(handler), url_prefix=urljoin(route, channel.url_prefix()))
    app.ctx.input_channels = channels


def configure_socketio_engine(
    sio: Any, origins: List[Text], max_frame_bytes: int, credentials: bool = False
) -> None:
    """CORS and frame size of the python-engineio server under Rasa's socket.io channel
    (Rasa creates it with ``cors_allowed_origins=[]`` and no size limit of ours)."""
    engine = sio.eio
    engine.cors_allowed_origins = list(origins)
    engine.cors_credentials = credentials
    engine.max_http_buffer_size = max_frame_bytes


class SocketIOOutputHooks(SocketIOOutput):
    """Every frame Rasa's socket.io output emits goes through the public ``send_frame``."""

    async def send_frame(self, socket_id: Text, response: Any) -> None:
        """Rasa's emit of one frame."""
        await super()._send_message(socket_id, response)

    async def _send_message(self, socket_id: Text, response: Any) -> None:
        await self.send_frame(socket_id, response)


class TwilioOutputHooks(TwilioOutput):
    """Every message Rasa's Twilio output sends goes through the public ``send_twilio``."""

    async def send_twilio(self, message_data: Dict[Text, Any]) -> Any:
        """Rasa's send (with its retries)."""
        return await super()._send_message(message_data)

    async def _send_message(self, message_data: Dict[Text, Any]) -> Any:
        return await self.send_twilio(message_data)


def point_twilio_at(client: TwilioOutput, http_client: Any, base_url: Optional[Text]) -> None:
    """The Twilio client's HTTP client (for its timeout) and, when given, its API base URL."""
    client.http_client = http_client
    if base_url:
        client.api.base_url = base_url.rstrip("/")


class SlackBotHooks(SlackBot):
    """Every post of Rasa's Slack output goes through the public ``post_message``."""

    async def post_message(self, channel: Text, **kwargs: Any) -> None:
        """Rasa's ``chat.postMessage`` call."""
        await super()._post_message(channel, **kwargs)

    async def _post_message(self, channel: Text, **kwargs: Any) -> None:
        await self.post_message(channel, **kwargs)


def use_slack_client(bot: SlackBot, client: Any) -> None:
    """Replace the Web API client Rasa's ``SlackBot.__init__`` made (no timeout, slack.com)."""
    bot.client = client


def slack_button_text(body: Dict[Text, Any]) -> Optional[Text]:
    """The value of a Slack interactive message's first action; None when it is not one
    Rasa reads (or has no value)."""
    if not SlackInput._is_interactive_message(body):
        return None
    return SlackInput._get_interactive_response(body["actions"][0])


def slack_clean_text(text: Text, user_ids: Optional[List[Text]]) -> Text:
    """Rasa's clean-up of a Slack message: mentions of these users and link markup removed."""
    return SlackInput._sanitize_user_message(text, user_ids)


def slack_channel_supported(
    channel: SlackInput, body: Dict[Text, Any], metadata: Dict[Text, Any]
) -> bool:
    """Rasa's test: a direct message, a mention, or the configured channel."""
    return channel._is_supported_channel(body, metadata)


def slack_conversation_id(
    channel: SlackInput, user: Optional[Text], out_channel: Optional[Text], thread: Optional[Text]
) -> Optional[Text]:
    """Rasa's conversation id of a Slack message (per user, or per thread if so set)."""
    return channel._get_conversation_id(user, out_channel, thread)


class MessengerHooks(Messenger):
    """Rasa's Messenger handler, whose every message (``message`` and ``postback``) reaches
    the public ``handle_user_message``."""

    async def handle_user_message(
        self, text: Text, sender_id: Text, metadata: Optional[Dict[Text, Any]]
    ) -> None:
        """Rasa's hand-over of one message to the agent."""
        await super()._handle_user_message(text, sender_id, metadata)

    async def _handle_user_message(
        self, text: Text, sender_id: Text, metadata: Optional[Dict[Text, Any]]
    ) -> None:
        await self.handle_user_message(text, sender_id, metadata)


def is_quick_reply(message: Dict[Text, Any]) -> bool:
    """Rasa's test for a Messenger quick-reply tap."""
    return Messenger._is_quick_reply_message(message)


def add_postback_info(buttons: List[Dict[Text, Any]]) -> None:
    """Rasa's defaults for Messenger buttons (a type on each), in place."""
    MessengerBot._add_postback_info(buttons)


def point_messenger_at(client: Any, base_url: Optional[Text]) -> None:
    """fbmessenger builds its Graph URL (``https://graph.facebook.com/v<version>``) in
    ``__init__`` and uses it for every call: only the host part is replaced."""
    if base_url:
        client.graph_url = f"{base_url.rstrip('/')}/v{client.api_version}"


def init_telegram_output(
    output: TelegramOutput, access_token: Optional[Text], server: Any, timeout: float
) -> None:
    """aiogram's ``Bot.__init__`` with a server and a timeout: ``TelegramOutput.__init__``
    passes only the token, so it is skipped."""
    super(TelegramOutput, output).__init__(access_token, server=server, timeout=timeout)
