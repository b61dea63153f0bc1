"""What every messaging-app connector shares (Telegram, Twilio, Messenger, Slack).

- ``from_credentials``: refuses missing credentials as Rasa does, builds the connector
  with the app's own arguments (``create``), then sets the optional settings named in
  ``settings`` (``api_base_url``: the tests point the app's API at a local fake);
- ``webhook``: the blueprint with the health route ``GET /``;
- ``checked``: a route that refuses a request failing ``request_is_authentic`` with 403 and
  one log line (``<app>.webhook.rejected: <what was wrong> from <ip>``), unanswered;
- ``deliver``: hands the parent's message to Rasa; a message without text (a photo,
  sticker, location, voice note, file) becomes ``UNSUPPORTED_MESSAGE``, so the parent
  hears "I can only read text";
- ``language_hint``: the language an app says its user reads (Telegram's
  ``from.language_code``), as ``metadata["language"]`` (``contract.LANGUAGE``): "es" for
  any Spanish locale, "en" for any English one, nothing otherwise. The Rasa server reads it
  at session start, so the notice comes in the parent's language;
- ``OUTBOUND_TIMEOUT``: every call to an app's API gives up after this many seconds.
"""

from __future__ import annotations

import logging
from functools import wraps
from typing import Any, Awaitable, Callable, ClassVar, Dict, Optional, Text, Tuple

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.input_guard import UNSUPPORTED_MESSAGE
from contract import ENGLISH, LANGUAGE, SPANISH

logger = logging.getLogger(__name__)

OUTBOUND_TIMEOUT = 10.0  # seconds, for every call to an app's API
Route = Callable[[Request], Awaitable[HTTPResponse]]
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def language_hint(locale: Any) -> Optional[Text]:
    """Spanish for "es", "es-MX", "es_419"...; English for "en", "en-US"...; else None (an app's
    locale is a hint: another language, or none, leaves the choice to the conversation)."""
    if not isinstance(locale, str):
        return None
    base = locale.strip().replace("_", "-").split("-")[0].lower()
    return {"es": SPANISH, "en": ENGLISH}.get(base)


def with_language(metadata: Optional[Dict[Text, Any]], locale: Any) -> Optional[Dict[Text, Any]]:
    """``metadata`` with ``language`` set from the app's ``locale`` when it names one we
    speak; unchanged otherwise."""
    language = language_hint(locale)
    if language is None:
        return metadata
    return {**(metadata or {}), LANGUAGE: language}


class Connector(InputChannel):
    """Base of the messaging apps' input channels (listed first, before Rasa's own class)."""

    # Optional credentials copied onto the connector as attributes of the same name.
    settings: ClassVar[Tuple[Text, ...]] = ("api_base_url",)
    # What a refused request lacked, for the log line.
    refusal: ClassVar[Text] = "invalid signature"
    api_base_url: Optional[Text] = None

    @classmethod
    def create(cls, credentials: Dict[Text, Any]) -> "Connector":
        """The connector built from the app's own credentials."""
        raise NotImplementedError

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()  # raises
        given: Dict[Text, Any] = credentials or {}
        channel = cls.create(given)
        for key in cls.settings:
            setattr(channel, key, given.get(key))
        return channel

    def request_is_authentic(self, request: Request) -> bool:
        """Whether the request comes from the app (its signature or secret checks out)."""
        raise NotImplementedError

    def refuse(self, request: Request, refusal: Optional[Text] = None) -> HTTPResponse:
        logger.warning(
            "%s.webhook.rejected: %s from %s", self.name(), refusal or self.refusal, request.ip
        )
        return response.text("forbidden", status=403)

    def checked(self, route: Route) -> Route:
        """``route``, for authentic requests only."""

        @wraps(route)
        async def checked_route(request: Request) -> HTTPResponse:
            if not self.request_is_authentic(request):
                return self.refuse(request)
            return await route(request)

        return checked_route

    def webhook(self) -> Blueprint:
        """The app's blueprint, with the health route."""
        blueprint = Blueprint(f"{self.name()}_webhook", __name__)

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        return blueprint

    async def deliver(
        self,
        on_new_message: OnNewMessage,
        text: Optional[Text],
        output: OutputChannel,
        sender: Any,
        metadata: Optional[Dict[Text, Any]],
    ) -> None:
        """The parent's message to Rasa; no text at all is ``UNSUPPORTED_MESSAGE``."""
        await on_new_message(
            UserMessage(
                text or UNSUPPORTED_MESSAGE,
                output,
                sender,
                input_channel=self.name(),
                metadata=metadata,
            )
        )
