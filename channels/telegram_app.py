"""Telegram: Rasa's output connector, with a webhook handler that answers every message.

Compared with Rasa's own Telegram input:
- stickers, photos, voice notes, documents and locations become ``/unsupported_message``
  (the parent hears "I can only read text") instead of being dropped or turned into JSON;
- with ``secret_token`` set, the webhook is registered with that token and requests
  without the matching ``X-Telegram-Bot-Api-Secret-Token`` header are refused (403);
- no Bot API call per message (Rasa's asks ``getMe`` each time);
- Bot API calls time out after ``channels.connector_base.OUTBOUND_TIMEOUT`` seconds;
- ``api_base_url`` (optional) points the Bot API calls elsewhere: the tests use a local fake.
The sender's ``language_code`` ("es-MX", "en") goes to Rasa as ``metadata["language"]``
(``connector_base.language_hint``). Buttons arrive as a vertical inline keyboard
(``channels/reply_renderer.py``); a tap sends the button's payload back as ``callback_query.data``.
"""

from __future__ import annotations

import asyncio
import hmac
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from aiogram.bot.api import TELEGRAM_PRODUCTION, TelegramAPIServer
from aiogram.types import Update
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.telegram import TelegramInput, TelegramOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.connector_base import OUTBOUND_TIMEOUT, Connector, with_language
from channels.reply_renderer import RenderedOutput
from rasa_ext.connectors import init_telegram_output

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class TelegramAppOutput(RenderedOutput, TelegramOutput):
    """Rasa's Telegram output, replies in Telegram's style (``channels/reply_renderer.py``), with a
    timeout, optionally talking to another Bot API server."""

    def __init__(self, access_token: Optional[Text], api_base_url: Optional[Text] = None) -> None:
        # aiogram's Bot takes the server and the timeout; TelegramOutput.__init__ passes
        # only the token.
        server = TelegramAPIServer.from_base(api_base_url) if api_base_url else TELEGRAM_PRODUCTION
        init_telegram_output(self, access_token, server, OUTBOUND_TIMEOUT)


class TelegramAppInput(Connector, TelegramInput):
    """Telegram webhook that answers every kind of message."""

    settings = ("api_base_url", "secret_token")
    refusal = "missing or wrong secret token"
    secret_token: Optional[Text] = None

    @classmethod
    def create(cls, credentials: Dict[Text, Any]) -> "TelegramAppInput":
        return cls(
            credentials.get("access_token"),
            credentials.get("verify"),
            credentials.get("webhook_url"),
            debug_mode=False,
        )

    def request_is_authentic(self, request: Request) -> bool:
        """Without a secret token every request is taken (Telegram signs nothing)."""
        return not self.secret_token or hmac.compare_digest(
            request.headers.get(SECRET_HEADER) or "", self.secret_token
        )

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
    def _text_chat_and_locale(update: Update) -> Optional[tuple]:
        """The text, the chat and the sender's ``language_code`` (their Telegram app's
        language, when Telegram sends it)."""
        query = update.callback_query
        if query is not None and query.message is not None:
            locale = query.from_user.language_code if query.from_user else None
            return query.data, query.message.chat.id, locale
        if update.message is not None:
            sender = update.message.from_user
            locale = sender.language_code if sender else None
            return update.message.text, update.message.chat.id, locale
        return None  # edits, channel posts, joins: nothing to answer

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = self.webhook()
        out_channel = self.get_output_channel()

        @webhook.route("/webhook", methods=["POST"])
        @self.checked
        async def message(request: Request) -> HTTPResponse:
            found = self._text_chat_and_locale(Update(**(request.json or {})))
            if found is not None:
                text, chat_id, locale = found
                metadata = with_language(self.get_metadata(request), locale)
                await self.deliver(on_new_message, text, out_channel, chat_id, metadata)
            return response.text("success")

        return webhook
