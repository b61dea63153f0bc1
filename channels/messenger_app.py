"""Facebook Messenger: Rasa's connector, plus the checks a public webhook needs.

- Every POST must carry a valid ``X-Hub-Signature`` (``sha1=`` HMAC of the raw body with
  the app secret, checked by Rasa's ``FacebookInput.validate_hub_signature``); others are
  refused with 403, logged, unanswered. A wrong ``hub.verify_token`` on the GET
  subscription check is refused with 403 too.
- A message without text (a photo, sticker, location, voice note, file) becomes the
  ``/unsupported_message`` intent, so the parent hears "I can only read text". Rasa's own
  parser would pass an attachment's URL to NLU instead, and drop locations.
- Options go out as Messenger quick replies (up to 13, titles up to 20 characters, as
  ``actions/channel_styles.py`` shapes them), on the last part of the reply. Rasa's own
  connector would use a button template (3 at most) or drop them.
- ``api_base_url`` (optional) sends the Graph API calls elsewhere than graph.facebook.com:
  the tests point it at a local fake. The API version stays in the path (``/v12.0/me/messages``).
"""
from __future__ import annotations

import hashlib
import hmac
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from fbmessenger import MessengerClient
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.facebook import FacebookInput, Messenger, MessengerBot

from channels.input_guard import UNSUPPORTED_MESSAGE
from channels.styles import outgoing

logger = logging.getLogger(__name__)


def messenger_client(page_access_token: Text, api_base_url: Optional[Text] = None) -> MessengerClient:
    """fbmessenger's client; its Graph URL (``https://graph.facebook.com/v<version>``) is
    built in ``__init__`` and used for every call, so only the host part is replaced."""
    client = MessengerClient(page_access_token)
    if api_base_url:
        client.graph_url = f"{api_base_url.rstrip('/')}/v{client.api_version}"
    return client


class MessengerAppOutput(MessengerBot):
    """Rasa's Messenger output, with quick replies for options."""

    def _send_parts(self, recipient_id: Text, text: Text, options: List[Dict[Text, Any]]) -> None:
        """Every part of the text in order, the options on the last one, within Messenger's
        limits (``channels/styles.py``).

        fbmessenger's ``QuickReplies`` refuses more than 11, so the dict is built here."""
        parts, options = outgoing(self.name(), text, options)
        for part in parts[:-1]:
            self.messenger_client.send({"text": part}, recipient_id, "RESPONSE")
        last: Dict[Text, Any] = {"text": parts[-1]}
        if options:
            last["quick_replies"] = [{"content_type": "text", "title": o["title"],
                                      "payload": o["payload"]} for o in options]
        self.messenger_client.send(last, recipient_id, "RESPONSE")

    async def send_quick_replies(self, recipient_id: Text, text: Text,
                                 quick_replies: List[Dict[Text, Any]], **kwargs: Any) -> None:
        self._send_parts(recipient_id, text, quick_replies)

    async def send_text_with_buttons(self, recipient_id: Text, text: Text,
                                     buttons: List[Dict[Text, Any]], **kwargs: Any) -> None:
        self._send_parts(recipient_id, text, buttons)


class MessengerAppHandler(Messenger):
    """Rasa's webhook parser, with non-text messages turned into ``/unsupported_message``."""

    def __init__(self, page_access_token: Text, on_new_message: Callable[[UserMessage], Awaitable[Any]],
                 api_base_url: Optional[Text] = None) -> None:
        super().__init__(page_access_token, on_new_message)
        self.client = messenger_client(page_access_token, api_base_url)

    async def handle(self, payload: Dict, metadata: Optional[Dict[Text, Any]]) -> None:
        # Messenger may batch several events in one request: handle them all.
        for entry in payload.get("entry") or []:
            for event in entry.get("messaging") or []:
                self.last_message = event
                if event.get("message"):
                    await self.message(event, metadata)
                elif event.get("postback"):
                    await self.postback(event, metadata)

    async def message(self, message: Dict[Text, Any], metadata: Optional[Dict[Text, Any]]) -> None:
        body = message["message"]
        if body.get("is_echo"):  # the page's own messages, echoed back
            return
        if self._is_quick_reply_message(message):
            text = body["quick_reply"]["payload"]
        else:
            text = (body.get("text") or "").strip() or UNSUPPORTED_MESSAGE
        await self._handle_user_message(text, self.get_user_id(), metadata)

    async def _handle_user_message(self, text: Text, sender_id: Text,
                                   metadata: Optional[Dict[Text, Any]]) -> None:
        out_channel = MessengerAppOutput(self.client)
        await out_channel.send_action(sender_id, sender_action="mark_seen")
        await out_channel.send_action(sender_id, sender_action="typing_on")
        try:
            await self.on_new_message(UserMessage(text, out_channel, sender_id,
                                                  input_channel=self.name(), metadata=metadata))
        except Exception:
            logger.exception("facebook.webhook: failed to handle a message")
        finally:
            await out_channel.send_action(sender_id, sender_action="typing_off")


class MessengerAppInput(FacebookInput):
    """Messenger webhook with signature checks and a polite answer to non-text messages."""

    api_base_url: Optional[Text] = None

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        channel = cls(credentials.get("verify"), credentials.get("secret"),
                      credentials.get("page-access-token"))
        channel.api_base_url = credentials.get("api_base_url")
        return channel

    def signature_is_valid(self, request: Request) -> bool:
        """``X-Hub-Signature: sha1=<hex HMAC-SHA1 of the raw body with the app secret>``, as
        Rasa's ``validate_hub_signature`` checks it, compared in constant time."""
        signature = request.headers.get("X-Hub-Signature") or ""
        if not self.fb_secret or not signature.startswith("sha1="):
            return False
        expected = hmac.new(self.fb_secret.encode("utf-8"), request.body, hashlib.sha1).hexdigest()
        return hmac.compare_digest("sha1=" + expected, signature)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("fb_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["GET"])
        async def token_verification(request: Request) -> HTTPResponse:
            if self.fb_verify and request.args.get("hub.verify_token") == self.fb_verify:
                return response.text(request.args.get("hub.challenge") or "")
            logger.warning("facebook.webhook.rejected: invalid hub.verify_token from %s", request.ip)
            return response.text("invalid verify token", status=403)

        @webhook.route("/webhook", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            if not self.signature_is_valid(request):
                logger.warning("facebook.webhook.rejected: invalid X-Hub-Signature from %s",
                               request.ip)
                return response.text("invalid signature", status=403)
            payload = request.json or {}
            if payload.get("object") != "page":
                return response.text("success")
            handler = MessengerAppHandler(self.fb_access_token, on_new_message, self.api_base_url)
            await handler.handle(payload, self.get_metadata(request))
            return response.text("success")

        return webhook

    def get_output_channel(self) -> OutputChannel:
        return MessengerAppOutput(messenger_client(self.fb_access_token, self.api_base_url))
