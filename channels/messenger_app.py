"""Facebook Messenger: Rasa's connector, plus the checks a public webhook needs.

- Every POST must carry a valid ``X-Hub-Signature-256`` (``sha256=`` and the hex HMAC-SHA256
  of the raw body with the app secret, compared in constant time here); anything else,
  the older SHA-1 ``X-Hub-Signature`` alone included, is refused with 403, logged,
  unanswered. A wrong ``hub.verify_token`` on the GET subscription check is refused with
  403 too.
- A message without text (a photo, sticker, location, voice note, file) becomes the
  ``/unsupported_message`` intent, so the parent hears "I can only read text". Rasa's own
  parser would pass an attachment's URL to NLU instead, and drop locations.
- Options go out as Messenger quick replies on the last part of the reply, within the
  count, title and message-size limits of ``channels/reply_renderer.py``. Rasa's own connector
  would use a button template (3 at most) or drop them.
- The Send API calls (fbmessenger's client, which uses blocking ``requests``) run in a
  worker thread with a timeout (``channels.connector_base.OUTBOUND_TIMEOUT``), so a slow
  Graph API never stalls the server's event loop; messages still go out in order.
- ``api_base_url`` (optional) sends the Graph API calls elsewhere than graph.facebook.com:
  the tests point it at a local fake. The API version stays in the path
  (``/v<fbmessenger's version>/me/messages``).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Text, Union

from fbmessenger import MessengerClient
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.facebook import FacebookInput, MessengerBot
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.connector_base import OUTBOUND_TIMEOUT, Connector
from channels.input_guard import UNSUPPORTED_MESSAGE
from channels.reply_renderer import RenderedOutput, outgoing
from rasa_ext.connectors import (
    MessengerHooks,
    add_postback_info,
    is_quick_reply,
    point_messenger_at,
)

logger = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-Hub-Signature-256"


def messenger_client(
    page_access_token: Text, api_base_url: Optional[Text] = None
) -> MessengerClient:
    """fbmessenger's client; its Graph URL (``https://graph.facebook.com/v<version>``) is
    built in ``__init__`` and used for every call, so only the host part is replaced."""
    client = MessengerClient(page_access_token)
    point_messenger_at(client, api_base_url)
    return client


class MessengerAppOutput(RenderedOutput, MessengerBot):
    """Rasa's Messenger output: replies in Messenger's style (``channels/reply_renderer.py``), quick
    replies for options, every call off the event loop."""

    async def _post(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        await asyncio.to_thread(
            self.messenger_client.send, message, recipient_id, "RESPONSE", timeout=OUTBOUND_TIMEOUT
        )

    async def _send_parts(
        self, recipient_id: Text, text: Text, options: List[Dict[Text, Any]]
    ) -> None:
        """Every part of the text in order, the options on the last one, within Messenger's
        limits (``channels/reply_renderer.py``).

        fbmessenger's ``QuickReplies`` refuses more than 11, so the dict is built here."""
        parts, options = outgoing(self.name(), text, options)
        for part in parts[:-1]:
            await self._post(recipient_id, {"text": part})
        last: Dict[Text, Any] = {"text": parts[-1]}
        if options:
            last["quick_replies"] = [
                {"content_type": "text", "title": o["title"], "payload": o["payload"]}
                for o in options
            ]
        await self._post(recipient_id, last)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self._send_parts(recipient_id, text, [])

    async def send_quick_replies(
        self, recipient_id: Text, text: Text, quick_replies: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        await self._send_parts(recipient_id, text, quick_replies)

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        await self._send_parts(recipient_id, text, buttons)

    async def send_action(self, recipient_id: Text, sender_action: Text) -> None:
        await asyncio.to_thread(
            self.messenger_client.send_action, sender_action, recipient_id, timeout=OUTBOUND_TIMEOUT
        )

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        await self._post(recipient_id, {"attachment": {"type": "image", "payload": {"url": image}}})

    async def send_elements(
        self, recipient_id: Text, elements: Iterable[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        elements = list(elements)
        for element in elements:
            add_postback_info(element.get("buttons") or [])
        await self._post(
            recipient_id,
            {
                "attachment": {
                    "type": "template",
                    "payload": {"template_type": "generic", "elements": elements},
                }
            },
        )

    async def send_custom_json(
        self, recipient_id: Text, json_message: Union[List, Dict[Text, Any]], **kwargs: Any
    ) -> None:
        for message in json_message if isinstance(json_message, list) else [json_message]:
            recipient = (message.pop("sender", None) or {}).get("id") or recipient_id
            await self._post(recipient, message)


class MessengerAppHandler(MessengerHooks):
    """Rasa's webhook parser, with non-text messages turned into ``/unsupported_message``."""

    def __init__(
        self,
        page_access_token: Text,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        api_base_url: Optional[Text] = None,
    ) -> None:
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
        if is_quick_reply(message):
            text = body["quick_reply"]["payload"]
        else:
            text = (body.get("text") or "").strip() or UNSUPPORTED_MESSAGE
        await self.handle_user_message(text, self.get_user_id(), metadata)

    async def handle_user_message(
        self, text: Text, sender_id: Text, metadata: Optional[Dict[Text, Any]]
    ) -> None:
        out_channel = MessengerAppOutput(self.client)
        await out_channel.send_action(sender_id, sender_action="mark_seen")
        await out_channel.send_action(sender_id, sender_action="typing_on")
        try:
            await self.on_new_message(
                UserMessage(
                    text, out_channel, sender_id, input_channel=self.name(), metadata=metadata
                )
            )
        except Exception:
            logger.exception("facebook.webhook: failed to handle a message")
        finally:
            await out_channel.send_action(sender_id, sender_action="typing_off")


class MessengerAppInput(Connector, FacebookInput):
    """Messenger webhook with signature checks and a polite answer to non-text messages."""

    refusal = f"invalid {SIGNATURE_HEADER}"

    @classmethod
    def create(cls, credentials: Dict[Text, Any]) -> "MessengerAppInput":
        return cls(
            credentials.get("verify"),
            credentials.get("secret"),
            credentials.get("page-access-token"),
        )

    def request_is_authentic(self, request: Request) -> bool:
        """``X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with the app
        secret>``, compared in constant time; nothing else is accepted."""
        signature = request.headers.get(SIGNATURE_HEADER) or ""
        if not self.fb_secret or not signature.startswith("sha256="):
            return False
        expected = hmac.new(
            self.fb_secret.encode("utf-8"), request.body, hashlib.sha256
        ).hexdigest()
        return hmac.compare_digest("sha256=" + expected, signature)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = self.webhook()

        @webhook.route("/webhook", methods=["GET"])
        async def token_verification(request: Request) -> HTTPResponse:
            if self.fb_verify and request.args.get("hub.verify_token") == self.fb_verify:
                return response.text(request.args.get("hub.challenge") or "")
            return self.refuse(request, "invalid hub.verify_token")

        @webhook.route("/webhook", methods=["POST"])
        @self.checked
        async def message(request: Request) -> HTTPResponse:
            payload = request.json or {}
            if payload.get("object") == "page":
                handler = MessengerAppHandler(
                    self.fb_access_token, on_new_message, self.api_base_url
                )
                await handler.handle(payload, self.get_metadata(request))
            return response.text("success")

        return webhook

    def get_output_channel(self) -> OutputChannel:
        return MessengerAppOutput(messenger_client(self.fb_access_token, self.api_base_url))
