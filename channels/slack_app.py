"""Slack: Rasa's connector, plus the checks a public webhook needs.

- Every request must carry a valid ``X-Slack-Signature`` (``v0=`` HMAC-SHA256 of
  ``v0:{X-Slack-Request-Timestamp}:{raw body}`` with the signing secret, timestamp within
  five minutes; Rasa's ``SlackInput.is_request_from_slack_authentic``); others are refused
  with 403, logged, unanswered. (Rasa's own route answers 400 and logs nothing.)
- A user message without text (a ``file_share`` of a photo or file) becomes the
  ``/unsupported_message`` intent, so the parent hears "I can only read text". Rasa's own
  route skips it silently. Edits, deletions, joins and bot messages are still skipped.
- Options go out as a section (mrkdwn, as ``actions/channel_styles.py`` escapes it) and an
  actions block of up to 5 buttons, after the earlier parts of the reply.
- ``api_base_url`` (optional) sends the Web API calls elsewhere than slack.com/api/: the
  tests point it at a local fake.
"""
from __future__ import annotations

import json
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.web.async_client import AsyncWebClient

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot, SlackInput

from channels.input_guard import UNSUPPORTED_MESSAGE
from channels.styles import outgoing

logger = logging.getLogger(__name__)
# Message subtypes that are a person writing to the bot; the others (message_changed,
# message_deleted, channel_join, bot_message, ...) are not answered.
USER_SUBTYPES = {None, "file_share", "thread_broadcast"}


class SlackAppOutput(SlackBot):
    """Rasa's Slack output, optionally talking to another API base URL."""

    def __init__(self, token: Text, slack_channel: Optional[Text] = None,
                 thread_id: Optional[Text] = None, proxy: Optional[Text] = None,
                 api_base_url: Optional[Text] = None) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        if api_base_url:
            self.client = AsyncWebClient(token, base_url=api_base_url.rstrip("/") + "/", proxy=proxy)

    async def send_text_with_buttons(self, recipient_id: Text, text: Text,
                                     buttons: List[Dict[Text, Any]], **kwargs: Any) -> None:
        """Every part of the text in order; the last one as a mrkdwn section with the buttons."""
        recipient = self.slack_channel or recipient_id
        parts, buttons = outgoing(self.name(), text, buttons)
        for part in parts[:-1]:
            await self._post_message(channel=recipient, as_user=True, text=part, type="mrkdwn")
        blocks: List[Dict[Text, Any]] = [
            {"type": "section", "text": {"type": "mrkdwn", "text": parts[-1]}}]
        if buttons:
            blocks.append({"type": "actions", "elements": [
                {"type": "button", "text": {"type": "plain_text", "text": b["title"]},
                 "value": b["payload"]} for b in buttons]})
        await self._post_message(channel=recipient, as_user=True, text=parts[-1], blocks=blocks)


class SlackAppInput(SlackInput):
    """Slack webhook with signature checks and a polite answer to non-text messages."""

    api_base_url: Optional[Text] = None

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        channel = cls(credentials.get("slack_token"), credentials.get("slack_channel"),
                      credentials.get("proxy"),
                      credentials.get("slack_retry_reason_header", "x-slack-retry-reason"),
                      credentials.get("slack_retry_number_header", "x-slack-retry-num"),
                      credentials.get("errors_ignore_retry", None),
                      slack_signing_secret=credentials.get("slack_signing_secret", ""),
                      use_threads=credentials.get("use_threads", False),
                      conversation_granularity=credentials.get("conversation_granularity", "sender"))
        channel.api_base_url = credentials.get("api_base_url")
        return channel

    @staticmethod
    def _kind(request: Request) -> Text:
        content_type = (request.headers.get("content-type") or "").split(";")[0].strip()
        return {"application/json": "json",
                "application/x-www-form-urlencoded": "form"}.get(content_type, "")

    def get_metadata(self, request: Request) -> Dict[Text, Any]:
        kind = self._kind(request)
        if kind == "json":
            event_callback = request.json or {}
            event = event_callback.get("event", {})
            users = list(event_callback.get("authed_users") or [])
            if not users and event_callback.get("authorizations"):
                users.append(event_callback["authorizations"][0].get("user_id"))
            return {"out_channel": event.get("channel"),
                    "thread_id": event.get("thread_ts", event.get("ts")), "users": users}
        if kind == "form":
            payload = json.loads(request.form.get("payload") or "{}")
            message = payload.get("message", {})
            user = payload.get("user", {}).get("id")
            return {"out_channel": payload.get("channel", {}).get("id"),
                    "thread_id": message.get("thread_ts", message.get("ts")),
                    "users": [user] if user else []}
        return {}

    @staticmethod
    def _user_text(event_callback: Dict[Text, Any]) -> Optional[Text]:
        """The text of a person's message event ('' when it has none); None for other events."""
        event = event_callback.get("event") or {}
        if event.get("type") not in ("message", "app_mention") or event.get("bot_id"):
            return None
        if event.get("subtype") not in USER_SUBTYPES or not event.get("user"):
            return None
        return event.get("text") or ""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("slack_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["GET", "POST"])
        async def message(request: Request) -> HTTPResponse:
            if not self.is_request_from_slack_authentic(request):
                logger.warning("slack.webhook.rejected: invalid X-Slack-Signature or stale "
                               "X-Slack-Request-Timestamp from %s", request.ip)
                return response.text("invalid signature", status=403)
            kind = self._kind(request)
            if kind == "json":
                event_callback = request.json or {}
                if event_callback.get("type") == "url_verification":
                    return response.text(event_callback.get("challenge") or "")
                text = self._user_text(event_callback)
                if text is None:
                    return response.text("")
                metadata = self.get_metadata(request)
                if not self._is_supported_channel(event_callback, metadata):
                    logger.warning("slack.webhook: message on unsupported channel %s",
                                   metadata.get("out_channel"))
                    return response.text("channel not supported.")
                text = self._sanitize_user_message(text, metadata["users"]) or UNSUPPORTED_MESSAGE
                sender = self._get_conversation_id(event_callback["event"]["user"],
                                                   metadata.get("out_channel"),
                                                   metadata.get("thread_id"))
                return await self.process_message(request, on_new_message, text, sender, metadata)
            if kind == "form":
                payload = json.loads(request.form.get("payload") or "{}")
                if self._is_interactive_message(payload):
                    text = self._get_interactive_response(payload["actions"][0])
                    if text is not None:
                        metadata = self.get_metadata(request)
                        sender = self._get_conversation_id(payload["user"]["id"],
                                                           metadata.get("out_channel"),
                                                           metadata.get("thread_id"))
                        return await self.process_message(request, on_new_message, text, sender,
                                                          metadata)
                return response.text("")  # link buttons and other interactions: nothing to say
            return response.text("")

        return webhook

    def get_output_channel(self, channel: Optional[Text] = None,
                           thread_id: Optional[Text] = None) -> OutputChannel:
        return SlackAppOutput(self.slack_token, channel or self.slack_channel, thread_id,
                              self.proxy, self.api_base_url)
