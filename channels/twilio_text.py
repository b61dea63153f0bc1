"""SMS and WhatsApp through Twilio: Rasa's connector, plus the checks a public webhook needs.

- Every request must carry a valid ``X-Twilio-Signature`` (HMAC of the webhook URL and
  the form fields with the auth token); others are refused with 403, logged, unanswered.
- A message without text (a photo, sticker, location, voice note) becomes the
  ``/unsupported_message`` intent, so the parent hears "I can only read text".
- Messages go out in order through Twilio's client (blocking ``requests``) in a worker
  thread, with a timeout (``channels.connector_base.OUTBOUND_TIMEOUT``), so a slow API
  never stalls the server's event loop. A reply too long for one SMS is sent in parts
  within ``channels/reply_renderer.py``'s size for Twilio.
- ``api_base_url`` (optional) sends the outgoing calls elsewhere than api.twilio.com:
  the tests point it at a local fake of Twilio's API.
- SMS replies are GSM-7 (Spanish without á, í, ó, ú: ``channels/sms.py``); replies to a
  ``whatsapp:`` sender keep every accent (style ``whatsapp`` in ``channels/reply_renderer.py``).
- A "¡" inside a word is a carrier's "@"; a Spanish "¡Hola!" stays as written.
- The conversation is keyed by a pseudonym of the sender's number, not the number
  (``channels/pseudonym.py``); each request's output channel is bound to the number.
- An SMS that is only a carrier opt-out keyword ("STOP", "CANCEL"…) has already been
  answered by Twilio, which then refuses every message to that phone until "START". It
  still reaches the assistant (a callback request in progress stops, as asked), but
  nothing is sent back. (A phone whose session opens with "STOP" misses that session's
  notice: its next session, after an hour's quiet, opens with it again.)
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, Awaitable, Callable, Dict, Optional, Text
from urllib.parse import parse_qsl

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from rasa.core.channels.twilio import TwilioInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator

from channels.connector_base import OUTBOUND_TIMEOUT, Connector
from channels.pseudonym import conversation_id, pseudonym_key
from channels.reply_renderer import WHATSAPP, RenderedOutput, outgoing
from rasa_ext.connectors import TwilioOutputHooks, point_twilio_at

logger = logging.getLogger(__name__)

WHATSAPP_PREFIX = "whatsapp:"  # how Twilio names a WhatsApp sender: "whatsapp:+1415…"
# Some carriers deliver the GSM-7 "@" as "¡" (Rasa's Twilio input turns every "¡" back into
# "@"). A Spanish "¡" opens an exclamation ("¡Gracias!"), after a space or nothing; only one
# inside a word, as in "ana¡example.com", is an "@".
_CARRIER_AT = re.compile(r"(?<=\w)¡(?=\w)")
# Twilio's default opt-out keywords for long codes: a message that is only one of them, in any
# case, unsubscribes the sender (Twilio's "Advanced Opt-Out" guide). Not on WhatsApp.
OPT_OUT_KEYWORDS = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
)


def is_whatsapp(sender: Optional[Text]) -> bool:
    return bool(sender) and str(sender).startswith(WHATSAPP_PREFIX)


def is_opt_out(sender: Optional[Text], text: Text) -> bool:
    """Whether this message unsubscribed an SMS sender from the number (Twilio answers it)."""
    return not is_whatsapp(sender) and text.strip().upper() in OPT_OUT_KEYWORDS


def carrier_at_signs(text: Text) -> Text:
    """The parent's text with the carriers' "¡" for "@" undone inside words only, so an
    e-mail address comes through and "¡Hola!" stays Spanish."""
    return _CARRIER_AT.sub("@", text)


class TwilioTextOutput(RenderedOutput, TwilioOutputHooks):
    """Rasa's Twilio output: replies as SMS text (options as a numbered list,
    ``channels/reply_renderer.py``), off the event loop, with a timeout, optionally talking to
    another API base URL."""

    def __init__(
        self,
        account_sid: Optional[Text],
        auth_token: Optional[Text],
        twilio_number: Optional[Text],
        api_base_url: Optional[Text] = None,
        reply_to: Optional[Text] = None,
    ) -> None:
        """``reply_to``: the phone the answered message came from; replies go there, since
        the conversation id Rasa hands back is only its pseudonym."""
        super().__init__(account_sid, auth_token, twilio_number)
        self.reply_to = reply_to
        # WhatsApp is not billed by segment: its replies keep every accent (style WHATSAPP).
        self.style = WHATSAPP if is_whatsapp(reply_to) else ""
        point_twilio_at(self, TwilioHttpClient(timeout=OUTBOUND_TIMEOUT), api_base_url)

    async def send_twilio(self, message_data: Dict[Text, Any]) -> Any:
        """One message, sent from a worker thread; a failure is logged (as Rasa's output
        does), never retried into duplicates."""
        if self.reply_to:
            message_data = {**message_data, "to": self.reply_to}
        try:
            return await asyncio.to_thread(self.messages.create, **message_data)
        except (TwilioRestException, OSError) as error:
            logger.error("twilio.send_failed error=%s", type(error).__name__)
            return None

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        parts, _ = outgoing(self.name(), text)
        for part in parts:
            await self.send_twilio({"to": recipient_id, "from_": self.twilio_number, "body": part})


class TwilioTextInput(Connector, TwilioInput):
    """Twilio webhook with signature checks and a polite answer to non-text messages."""

    settings = ("api_base_url", "webhook_url")
    refusal = "invalid X-Twilio-Signature"
    webhook_url: Optional[Text] = None  # the public URL Twilio signs; else the request's

    @classmethod
    def create(cls, credentials: Dict[Text, Any]) -> "TwilioTextInput":
        return cls(
            credentials.get("account_sid"),
            credentials.get("auth_token"),
            credentials.get("twilio_number"),
            debug_mode=False,
        )

    def request_is_authentic(self, request: Request) -> bool:
        url = self.webhook_url or request.url
        # Twilio signs every field, blank ones too (Sanic's request.form drops those).
        params = dict(parse_qsl(request.body.decode("utf-8"), keep_blank_values=True))
        signature = request.headers.get("X-Twilio-Signature", "")
        return bool(signature) and RequestValidator(self.auth_token or "").validate(
            url, params, signature
        )

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = self.webhook()

        @webhook.route("/webhook", methods=["POST"])
        @self.checked
        async def message(request: Request) -> HTTPResponse:
            sender = request.form.get("From")
            if sender:
                text = carrier_at_signs(request.form.get("Body") or "").strip()
                output: OutputChannel = self.output_to(sender)
                if is_opt_out(sender, text):
                    # Twilio has answered and refuses our messages: Rasa's collector
                    # takes the replies, and nothing leaves.
                    logger.info("twilio.opt_out replies_withheld=true")
                    output = CollectingOutputChannel()
                await self.deliver(
                    on_new_message,
                    text,
                    output,
                    conversation_id(sender, pseudonym_key(self.auth_token)),
                    {**(self.get_metadata(request) or {}), "reply_to": sender},
                )
            return response.text("", status=204)

        return webhook

    def get_output_channel(self) -> OutputChannel:
        return self.output_to(None)

    def output_to(self, phone: Optional[Text]) -> TwilioTextOutput:
        """An output channel whose replies go to ``phone``."""
        return TwilioTextOutput(
            self.account_sid, self.auth_token, self.twilio_number, self.api_base_url, phone
        )
