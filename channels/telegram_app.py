"""Telegram: Rasa's output connector, with a webhook handler that answers every message.

Compared with Rasa's own Telegram input:
- stickers, photos, voice notes, documents and locations become ``/unsupported_message``
  (the parent hears "I can only read text") instead of being dropped or turned into JSON;
- with ``secret_token`` set, the webhook is registered with that token and requests
  without the matching ``X-Telegram-Bot-Api-Secret-Token`` header are refused (403);
- no Bot API call per message (Rasa's asks ``getMe`` each time);
- ``api_base_url`` (optional) points the Bot API calls elsewhere: the tests use a local fake.
Buttons arrive as a vertical inline keyboard (``actions/channel_styles.py``); a tap sends
the button's payload back as ``callback_query.data``.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from aiogram.bot.api import TelegramAPIServer
from aiogram.types import Update
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.telegram import TelegramInput, TelegramOutput

from channels.input_guard import UNSUPPORTED_MESSAGE

logger = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class TelegramAppOutput(TelegramOutput):
    """Rasa's Telegram output, optionally talking to another Bot API server."""

    def __init__(self, access_token: Optional[Text], api_base_url: Optional[Text] = None) -> None:
        if api_base_url:
            # aiogram's Bot takes the server; TelegramOutput.__init__ passes only the token.
            super(TelegramOutput, self).__init__(
                access_token, server=TelegramAPIServer.from_base(api_base_url))
        else:
            super().__init__(access_token)


class TelegramAppInput(TelegramInput):
    """Telegram webhook that answers every kind of message."""

    api_base_url: Optional[Text] = None
    secret_token: Optional[Text] = None

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        channel = cls(credentials.get("access_token"), credentials.get("verify"),
                      credentials.get("webhook_url"), debug_mode=False)
        channel.api_base_url = credentials.get("api_base_url")
        channel.secret_token = credentials.get("secret_token")
        return channel

    def get_output_channel(self) -> TelegramOutput:
        """The output client; registers the webhook (with the secret token, if any)."""
        channel = TelegramAppOutput(self.access_token, self.api_base_url)
        settings = {"url": self.webhook_url}
        if self.secret_token:
            settings["secret_token"] = self.secret_token

        async def register() -> None:
            await channel.request("setWebhook", settings)
            # The HTTP session belongs to this short-lived loop; close it so the server's
            # loop opens its own (Rasa's connector reuses it and fails with "Event loop is
            # closed").
            await channel.session.close()

        asyncio.run(register())
        return channel

    @staticmethod
    def _text_and_chat(update: Update) -> Optional[tuple]:
        if update.callback_query is not None and update.callback_query.message is not None:
            return update.callback_query.data, update.callback_query.message.chat.id
        if update.message is not None:
            return update.message.text or UNSUPPORTED_MESSAGE, update.message.chat.id
        return None  # edits, channel posts, joins: nothing to answer

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("telegram_webhook", __name__)
        out_channel = self.get_output_channel()

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            if self.secret_token and request.headers.get(SECRET_HEADER) != self.secret_token:
                logger.warning("telegram.webhook.rejected: missing or wrong secret token from %s",
                               request.ip)
                return response.text("forbidden", status=403)
            found = self._text_and_chat(Update(**(request.json or {})))
            if found is not None:
                text, chat_id = found
                await on_new_message(UserMessage(text, out_channel, chat_id,
                                                 input_channel=self.name(),
                                                 metadata=self.get_metadata(request)))
            return response.text("success")

        return webhook
