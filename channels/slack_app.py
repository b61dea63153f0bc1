"""Slack: Rasa's connector, plus the checks a public webhook needs.

- Every request must carry a valid ``X-Slack-Signature`` (``v0=`` HMAC-SHA256 of
  ``v0:{X-Slack-Request-Timestamp}:{raw body}`` with the signing secret, timestamp within
  five minutes; Rasa's ``SlackInput.is_request_from_slack_authentic``); others are refused
  with 403, logged, unanswered. (Rasa's own route answers 400 and logs nothing.)
- A user message without text (a ``file_share`` of a photo or file) becomes the
  ``/unsupported_message`` intent, so the parent hears "I can only read text". Rasa's own
  route skips it silently. Edits, deletions, joins and bot messages are still skipped.
- Options go out as a section (mrkdwn) and an actions block of buttons, after the earlier
  parts of the reply, within the limits of ``channels/reply_renderer.py``.
- Messages are posted as the app's bot user (no legacy ``as_user``), with a timeout
  (``channels.connector_base.OUTBOUND_TIMEOUT``) on the async Web API client.
- ``api_base_url`` (optional) sends the Web API calls elsewhere than slack.com/api/: the
  tests point it at a local fake.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.slack import SlackInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.web.async_client import AsyncWebClient

from channels.connector_base import OUTBOUND_TIMEOUT, Connector
from channels.input_guard import UNSUPPORTED_MESSAGE
from channels.reply_renderer import RenderedOutput, outgoing
from rasa_ext.connectors import (
    SlackBotHooks,
    slack_button_text,
    slack_channel_supported,
    slack_clean_text,
    slack_conversation_id,
    use_slack_client,
)

logger = logging.getLogger(__name__)
# Message subtypes that are a person writing to the bot; the others (message_changed,
# message_deleted, channel_join, bot_message, ...) are not answered.
USER_SUBTYPES = {None, "file_share", "thread_broadcast"}
Body = Dict[Text, Any]


class SlackAppOutput(RenderedOutput, SlackBotHooks):
    """Rasa's Slack output: replies in Slack's style (``channels/reply_renderer.py``: mrkdwn,
    buttons within limits), without ``as_user``, with a timeout, optionally talking to
    another API base URL."""

    def __init__(
        self,
        token: Text,
        slack_channel: Optional[Text] = None,
        thread_id: Optional[Text] = None,
        proxy: Optional[Text] = None,
        api_base_url: Optional[Text] = None,
    ) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        base_url = api_base_url.rstrip("/") + "/" if api_base_url else AsyncWebClient.BASE_URL
        use_slack_client(
            self,
            AsyncWebClient(token, base_url=base_url, proxy=proxy, timeout=int(OUTBOUND_TIMEOUT)),
        )

    async def post_message(self, channel: Text, **kwargs: Any) -> None:
        # Rasa's methods pass the legacy ``as_user=True``, which apps with a bot token
        # must not send: the app posts as its bot user anyway.
        kwargs.pop("as_user", None)
        await super().post_message(channel, **kwargs)

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        """Every part of the text in order; the last one as a mrkdwn section with the buttons."""
        recipient = self.slack_channel or recipient_id
        parts, buttons = outgoing(self.name(), text, buttons)
        for part in parts[:-1]:
            await self.post_message(channel=recipient, text=part, type="mrkdwn")
        blocks: List[Dict[Text, Any]] = [
            {"type": "section", "text": {"type": "mrkdwn", "text": parts[-1]}}
        ]
        if buttons:
            blocks.append(
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "button",
                            "text": {"type": "plain_text", "text": b["title"]},
                            "value": b["payload"],
                        }
                        for b in buttons
                    ],
                }
            )
        await self.post_message(channel=recipient, text=parts[-1], blocks=blocks)


class SlackAppInput(Connector, SlackInput):
    """Slack webhook with signature checks and a polite answer to non-text messages."""

    refusal = "invalid X-Slack-Signature or stale X-Slack-Request-Timestamp"

    @classmethod
    def create(cls, credentials: Dict[Text, Any]) -> "SlackAppInput":
        return cls(
            credentials.get("slack_token"),
            credentials.get("slack_channel"),
            credentials.get("proxy"),
            credentials.get("slack_retry_reason_header", "x-slack-retry-reason"),
            credentials.get("slack_retry_number_header", "x-slack-retry-num"),
            credentials.get("errors_ignore_retry", None),
            slack_signing_secret=credentials.get("slack_signing_secret", ""),
            use_threads=credentials.get("use_threads", False),
            conversation_granularity=credentials.get("conversation_granularity", "sender"),
        )

    def request_is_authentic(self, request: Request) -> bool:
        return self.is_request_from_slack_authentic(request)

    @staticmethod
    def _body(request: Request) -> Tuple[Text, Body]:
        """The request's kind ("event": Events API JSON, "click": an interactivity form
        payload, "" for anything else) and its parsed body, read once."""
        content_type = (request.headers.get("content-type") or "").split(";")[0].strip()
        if content_type == "application/json":
            return "event", request.json or {}
        if content_type == "application/x-www-form-urlencoded":
            return "click", json.loads(request.form.get("payload") or "{}")
        return "", {}

    @staticmethod
    def _metadata(kind: Text, body: Body) -> Dict[Text, Any]:
        """Where to answer (channel, thread) and who the bot's users are."""
        if kind == "event":
            event = body.get("event") or {}
            users = list(body.get("authed_users") or [])
            if not users and body.get("authorizations"):
                users.append(body["authorizations"][0].get("user_id"))
            return {
                "out_channel": event.get("channel"),
                "thread_id": event.get("thread_ts", event.get("ts")),
                "users": users,
            }
        if kind == "click":
            message, user = body.get("message") or {}, (body.get("user") or {}).get("id")
            return {
                "out_channel": (body.get("channel") or {}).get("id"),
                "thread_id": message.get("thread_ts", message.get("ts")),
                "users": [user] if user else [],
            }
        return {}

    def get_metadata(self, request: Request) -> Dict[Text, Any]:
        return self._metadata(*self._body(request))

    def _said(
        self, kind: Text, body: Body, metadata: Dict[Text, Any]
    ) -> Optional[Tuple[Text, Text]]:
        """(text, user) of a person's message or button click; None for anything else."""
        if kind == "click":
            text = slack_button_text(body)
            return None if text is None else (text, body["user"]["id"])
        event = body.get("event") or {}
        if (
            kind != "event"
            or event.get("type") not in ("message", "app_mention")
            or event.get("bot_id")
            or event.get("subtype") not in USER_SUBTYPES
            or not event.get("user")
        ):
            return None
        text = slack_clean_text(event.get("text") or "", metadata["users"])
        return text or UNSUPPORTED_MESSAGE, event["user"]

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = self.webhook()

        @webhook.route("/webhook", methods=["GET", "POST"])
        @self.checked
        async def message(request: Request) -> HTTPResponse:
            kind, body = self._body(request)
            if kind == "event" and body.get("type") == "url_verification":
                return response.text(body.get("challenge") or "")
            metadata = self._metadata(kind, body)
            said = self._said(kind, body, metadata)
            if said is None:  # other events, link buttons: nothing to say
                return response.text("")
            if kind == "event" and not slack_channel_supported(self, body, metadata):
                logger.warning(
                    "slack.webhook: message on unsupported channel %s", metadata.get("out_channel")
                )
                return response.text("channel not supported.")
            text, user = said
            sender = slack_conversation_id(
                self, user, metadata.get("out_channel"), metadata.get("thread_id")
            )
            return await self.process_message(request, on_new_message, text, sender, metadata)

        return webhook

    def get_output_channel(
        self, channel: Optional[Text] = None, thread_id: Optional[Text] = None
    ) -> OutputChannel:
        return SlackAppOutput(
            self.slack_token,
            channel or self.slack_channel,
            thread_id,
            self.proxy,
            self.api_base_url,
        )
