"""SMS and WhatsApp through Twilio: Rasa's connector, plus the checks a public webhook needs.

- Every request must carry a valid ``X-Twilio-Signature`` (HMAC of the webhook URL and
  the form fields with the auth token); others are refused with 403, logged, unanswered.
- A message without text (a photo, sticker, location, voice note) becomes the
  ``/unsupported_message`` intent, so the parent hears "I can only read text".
- ``api_base_url`` (optional) sends the outgoing calls elsewhere than api.twilio.com:
  the tests point it at a local fake of Twilio's API.
"""
from __future__ import annotations

import logging
from urllib.parse import parse_qsl
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.twilio import TwilioInput, TwilioOutput

from channels.input_guard import UNSUPPORTED_MESSAGE

logger = logging.getLogger(__name__)


class TwilioTextOutput(TwilioOutput):
    """Rasa's Twilio output, optionally talking to another API base URL."""

    def __init__(self, account_sid: Optional[Text], auth_token: Optional[Text],
                 twilio_number: Optional[Text], api_base_url: Optional[Text] = None) -> None:
        super().__init__(account_sid, auth_token, twilio_number)
        if api_base_url:
            self.api.base_url = api_base_url.rstrip("/")


class TwilioTextInput(TwilioInput):
    """Twilio webhook with signature checks and a polite answer to non-text messages."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        channel = cls(credentials.get("account_sid"), credentials.get("auth_token"),
                      credentials.get("twilio_number"), debug_mode=False)
        channel.api_base_url = credentials.get("api_base_url")
        channel.webhook_url = credentials.get("webhook_url")
        return channel

    api_base_url: Optional[Text] = None
    webhook_url: Optional[Text] = None  # the public URL Twilio signs; else the request's

    def signature_is_valid(self, request: Request) -> bool:
        url = self.webhook_url or request.url
        # Twilio signs every field, blank ones too (Sanic's request.form drops those).
        params = dict(parse_qsl(request.body.decode("utf-8"), keep_blank_values=True))
        signature = request.headers.get("X-Twilio-Signature", "")
        return bool(signature) and RequestValidator(self.auth_token or "").validate(
            url, params, signature)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("twilio_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            if not self.signature_is_valid(request):
                logger.warning("twilio.webhook.rejected: invalid X-Twilio-Signature from %s",
                               request.ip)
                return response.text("invalid signature", status=403)
            sender = request.form.get("From")
            if not sender:
                return response.text("", status=204)
            text = (request.form.get("Body") or "").replace("¡", "@").strip()
            await on_new_message(UserMessage(text or UNSUPPORTED_MESSAGE, self.get_output_channel(),
                                             sender, input_channel=self.name(),
                                             metadata=self.get_metadata(request)))
            return response.text("", status=204)

        return webhook

    def get_output_channel(self) -> OutputChannel:
        return TwilioTextOutput(self.account_sid, self.auth_token, self.twilio_number,
                                self.api_base_url)
