"""Rasa's REST channel with its input checked: a malformed request gets 400 and says why.

Rasa's own ``RestInput`` puts a request without ``sender`` into one shared conversation
named "default", passes a non-string ``message`` on to crash in NLU, and lets the client
pick any ``input_channel`` name (and so another app's reply style). Here the sender and
the message are required and typed, the metadata is within the size and depth limits
(``channels/message_limits.py``), and the channel name is always ``rest``. A proxy's
``X-Request-ID`` goes into the metadata, so a retried request is not answered twice
(``channels/request_replay.py``).
"""

from __future__ import annotations

import re
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.client_tag import tagged
from channels.message_limits import MAX_METADATA_CHARS, MAX_METADATA_DEPTH, metadata_problem
from channels.reply_renderer import RenderedOutput
from channels.request_replay import with_request_id

# Printable, no whitespace at the ends, at most 128 characters.
SENDER_PATTERN = re.compile(r"^[^\s\x00-\x1f\x7f]([^\x00-\x1f\x7f]{0,126}[^\s\x00-\x1f\x7f])?$")


def bad_request(reason: Text) -> HTTPResponse:
    return response.json({"error": "bad_request", "reason": reason}, status=400)


def parse_body(request: Request) -> Tuple[Optional[Dict[Text, Any]], Optional[Text]]:
    """The request's sender, message and metadata, or the reason it is refused."""
    try:
        body = request.json
    except Exception:  # noqa: BLE001 - Sanic raises its own error type for bad JSON
        return None, "the body must be JSON"
    if not isinstance(body, dict):
        return None, "the body must be a JSON object"
    sender, message = body.get("sender"), body.get("message")
    if not isinstance(sender, str) or not SENDER_PATTERN.match(sender):
        return None, "'sender' must be a non-empty string of at most 128 printable characters"
    if not isinstance(message, str):
        return None, "'message' must be a string"
    metadata = body.get("metadata")
    problem = metadata_problem(metadata)
    if problem == "type":
        return None, "'metadata' must be an object of strings, numbers, lists and objects"
    if problem:
        return None, (
            f"'metadata' must be at most {MAX_METADATA_CHARS} characters "
            f"and {MAX_METADATA_DEPTH} levels deep"
        )
    return {"sender": sender, "message": message, "metadata": metadata}, None


class RestOutput(RenderedOutput, CollectingOutputChannel):
    """Collects the reply as REST's JSON: text messages (the text ends with the source
    line, the buttons on the message that carries them), then the answer contract as
    ``custom`` (``channels/reply_renderer.py``)."""

    style = "rest"


class RestChannel(RestInput):
    """``POST /webhooks/rest/webhook`` with ``{"sender": ..., "message": ...}``."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = Blueprint("rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            fields, reason = parse_body(request)
            if fields is None:
                return bad_request(reason or "bad request")
            collector = RestOutput()
            await on_new_message(
                UserMessage(
                    fields["message"],
                    collector,
                    fields["sender"],
                    input_channel=self.name(),
                    metadata=with_request_id(tagged(fields["metadata"], request), request.headers),
                )
            )
            return response.json(collector.messages)

        return webhook
