"""Every parent message passes here before NLU, whatever app it came from.

The Rasa server (``service/servers/rasa_server.py``) hands each channel this module's
``GuardedHandler`` instead of Rasa's bare ``agent.handle_message``, so the same rules hold
for the web chat, REST and every messaging app:

- the conversation is keyed by channel and sender (``contract/conversations.py``), so no
  client of one channel can name a conversation of another; replies go out under the
  app's own id;
- metadata over the size or depth limit (``channels/message_limits.py``) is dropped
  before anything reads it;
- text is cut to ``MAX_RAW_CHARS``, then cleaned (no control characters, no lone
  surrogates, no markup tags, no whitespace at the ends; a non-string becomes empty), and
  every decision below is made on that cleaned text, which is exactly what Rasa sees;
- an empty or blank message skips NLU and gets the empty-message reply; one with no
  letter or digit (emoji, symbols) skips NLU and gets "I can only read words";
- a message over ``MAX_MESSAGE_CHARS`` skips NLU, is stored cut to that length, and gets
  a polite "please shorten your question";
- a typed intent payload (``/restart``, ``/feedback{...}``) acts only when the assistant
  itself offered it (a button in this conversation, feedback on an answered topic, or
  one of the widget's fixed controls: ``/confirm_erase``, the language switch) or asks a topic
  (``/ask_cost``, no entities); a widget's or app's start payload (``/get_started``,
  ``/greet``, Telegram's ``/start``) is the greeting; otherwise it is read as plain words;
- a REST request a proxy retried after its turn was stored gets the stored replies again,
  and is not handled twice (``channels/request_replay.py``);
- whatever goes wrong downstream (action server down, a crash), the parent never gets
  an empty reply: a short apology with the help contacts goes out instead; a turn that
  could not be stored gets that apology instead of its answer.

Log lines name a conversation by ``log_tag`` only and never hold what was typed.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Set, Text

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage

from channels.message_limits import MAX_MESSAGE_CHARS, MAX_RAW_CHARS, metadata_problem
from channels.request_replay import request_ids, stored_replies
from contract import LANGUAGE, REQUEST_ID, intents, payloads
from contract.conversations import REST, ConversationNotSaved, conversation_key, log_tag
from contract.intents import LANGUAGE_SWITCH_INTENTS
from contract.slots import LAST_TOPIC
from knowledge_base.intents import TOPIC_INTENT_PREFIX
from nlu_components.languages import LANGUAGE_GUESS, client_language, guess_language

logger = logging.getLogger(__name__)

__all__ = ["MAX_MESSAGE_CHARS", "GuardedHandler", "clean_text"]
# The low-confidence path, which says what it could not read ("I didn't get any words").
NO_WORDS_INTENT = intents.NLU_FALLBACK
TOO_LONG_INTENT = intents.INPUT_TOO_LONG
# What a connector sends for a photo, sticker, location or voice note.
UNSUPPORTED_MESSAGE = payloads.UNSUPPORTED_MESSAGE
# Payloads that are always ours to send (the widget's "Talk to a person", the connectors'
# "not text", the widget's "Start over → also delete", which deletes the parent's own
# conversation without asking first, and its English/Español switch); acting on them when
# typed does no harm.
ALWAYS_ALLOWED_INTENTS = frozenset(
    {
        intents.HUMAN_HANDOFF,
        intents.UNSUPPORTED_MESSAGE,
        intents.CONFIRM_ERASE,
        *LANGUAGE_SWITCH_INTENTS,
    }
)
FEEDBACK_INTENT = intents.FEEDBACK
# A topic button ("/ask_duration") asks what the parent could have typed, so it is taken
# even when this conversation did not offer it: a quick reply kept in Messenger or Telegram
# after the conversation was erased or expired, the FAQ page's "ask the assistant".
TOPIC_PAYLOAD = re.compile(rf"{TOPIC_INTENT_PREFIX}[a-z0-9_]{{1,60}}")
# What chat widgets send to open a conversation (contract/payloads.py): the greeting.
START_PAYLOADS = payloads.START
GREET_PAYLOAD = payloads.GREET
UNAVAILABLE_RESPONSE = "utter_assistant_unavailable"


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Pasted web markup: script and style blocks go whole, other tags leave their text.
# Bounded quantifiers: each start position costs at most a constant, so cleaning is linear.
_SCRIPT_OR_STYLE = re.compile(
    r"<(script|style)\b[^<>]{0,200}>.*?(?:</\1\s{0,20}>|$)", re.IGNORECASE | re.DOTALL
)
_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")


def clean_text(raw: Any) -> Text:
    """The message text as Rasa will see it: at most ``MAX_RAW_CHARS`` read, no control
    characters (NUL included), no lone surrogates, no markup tags, and stripped as Rasa
    strips it before looking for a ``/intent`` (``str.strip``)."""
    if not isinstance(raw, str):
        return ""
    text = raw[:MAX_RAW_CHARS].encode("utf-8", "replace").decode("utf-8")
    text = _TAG.sub(" ", _SCRIPT_OR_STYLE.sub(" ", text))
    return _CONTROL.sub("", text).strip()


def has_words(text: Text) -> bool:
    """Whether there is anything NLU could read: a letter or a digit ("2" picks an option)."""
    return any(ch.isalnum() for ch in text)


def forced_parse(intent: Text, text: Text) -> Dict[Text, Any]:
    """NLU output decided here, so the model never runs on this message."""
    return {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": [],
        "intent_ranking": [{"name": intent, "confidence": 1.0}],
    }


def _payloads_in(value: Any) -> Iterable[Text]:
    """Every ``payload`` string inside a bot message's data (buttons, quick replies, custom)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "payload" and isinstance(item, str):
                yield item
            else:
                yield from _payloads_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _payloads_in(item)


def offered_payloads(events: Iterable[Dict[Text, Any]]) -> Set[Text]:
    """Payloads the assistant offered in these (serialised) events."""
    return {p for e in events if e.get("event") == "bot" for p in _payloads_in(e.get("data"))}


def answered_topics(events: Iterable[Dict[Text, Any]]) -> Set[Text]:
    """Topics the assistant answered in these events (feedback may name only these)."""
    return {
        str(e["value"])
        for e in events
        if e.get("event") == "slot" and e.get("name") == LAST_TOPIC and e.get("value")
    }


def payload_is_offered(text: Text, events: Iterable[Dict[Text, Any]]) -> bool:
    """Whether a typed ``/intent{...}`` came from the assistant's own controls."""
    events = list(events)
    intent, _, raw_entities = text[1:].partition("{")
    intent = intent.strip()
    if (intent in ALWAYS_ALLOWED_INTENTS or TOPIC_PAYLOAD.fullmatch(intent)) and not raw_entities:
        return True
    if text in offered_payloads(events):
        return True
    if intent == FEEDBACK_INTENT and raw_entities:
        try:
            entities = json.loads("{" + raw_entities)
        except ValueError:
            return False
        return (
            isinstance(entities, dict)
            and set(entities) <= {intents.HELPFUL_ENTITY, intents.TOPIC_ENTITY}
            and entities.get(intents.HELPFUL_ENTITY) in ("yes", "no")
            and entities.get(intents.TOPIC_ENTITY) in answered_topics(events)
        )
    return False


def as_plain_words(text: Text) -> Text:
    """A refused payload, read as what the parent typed: without the leading slashes and
    whitespace (all of them, so that what is left cannot start with "/" once stripped)."""
    start = 0
    while start < len(text) and (text[start] == "/" or text[start].isspace()):
        start += 1
    return text[start:].strip()


_SENDS = (
    "send_response",
    "send_text_message",
    "send_image_url",
    "send_attachment",
    "send_text_with_buttons",
    "send_quick_replies",
    "send_elements",
    "send_custom_json",
)


def _counted(name: str) -> Callable[..., Awaitable[Any]]:
    async def send(self: "CountingOutput", *args: Any, **kwargs: Any) -> Any:
        self.sent += 1
        return await getattr(self.inner, name)(*self.address(args), **kwargs)

    send.__name__ = name
    return send


class CountingOutput(OutputChannel):
    """Passes every reply through to the real channel (its own ``send_response`` too,
    which some connectors override), addressed to the app's own id rather than the
    conversation key, and counts them."""

    def __init__(self, inner: OutputChannel, key: Text = "", recipient: Text = "") -> None:
        self.inner = inner
        self.key, self.recipient = key, recipient
        self.sent = 0
        self.name = inner.name  # channel-specific responses are chosen by this name

    def address(self, args: tuple) -> tuple:
        """The arguments with the conversation key, where it is the recipient, replaced."""
        if self.key and args and args[0] == self.key:
            return (self.recipient,) + args[1:]
        return args

    def discard_collected(self) -> None:
        """Forget replies collected but not yet delivered (REST's), so that only the
        apology goes out."""
        if isinstance(self.inner, CollectingOutputChannel):
            self.inner.messages.clear()


for _name in _SENDS:
    setattr(CountingOutput, _name, _counted(_name))


HandleMessage = Callable[[UserMessage], Awaitable[Any]]
TrackerEvents = Callable[[Text], Awaitable[Iterable[Dict[Text, Any]]]]
RequestIds = Callable[[Text], Awaitable[List[Text]]]
UnavailableText = Callable[[], Text]


class GuardedHandler:
    """``on_new_message`` for every channel: checks, then the agent, then a safety net."""

    def __init__(
        self,
        handle_message: HandleMessage,
        tracker_events: TrackerEvents,
        unavailable_text: UnavailableText,
        max_chars: int = MAX_MESSAGE_CHARS,
        all_events: Optional[TrackerEvents] = None,
        recent_request_ids: Optional[RequestIds] = None,
    ) -> None:
        self.handle_message = handle_message
        # The recent part of a conversation, and all of it (for a retry's replies).
        self.tracker_events = tracker_events
        self.all_events = all_events or tracker_events
        # The request ids of a conversation's last messages: one query on every REST turn
        # behind a proxy, so the store's own is cheaper than loading the recent part.
        self.recent_request_ids = recent_request_ids or self._request_ids_in_recent_events
        self.unavailable_text = unavailable_text
        self.max_chars = max_chars

    async def _request_ids_in_recent_events(self, key: Text) -> List[Text]:
        return request_ids(await self.tracker_events(key))

    def use_request_ids(self, query: Callable[[Text], List[Text]]) -> None:
        """Read request ids with a store's own query (known once the agent is loaded)."""

        async def recent_request_ids(key: Text) -> List[Text]:
            return query(key)

        self.recent_request_ids = recent_request_ids

    async def prepare(self, message: UserMessage) -> UserMessage:
        """The message as it may reach NLU (or with its meaning already decided)."""
        problem = metadata_problem(message.metadata)
        if problem:
            logger.warning(
                "input.metadata_dropped conversation=%s reason=%s",
                log_tag(message.sender_id),
                problem,
            )
            message.metadata = {}
        if message.parse_data:  # decided by our own connector code, never by a client
            return message
        text = clean_text(message.text)
        if not text:
            message.text, message.parse_data = "", forced_parse(NO_WORDS_INTENT, "")
        elif not has_words(text) and not text.startswith("/"):
            # Only emoji or symbols: NLU would guess (it once read them as "yes"); the
            # low-confidence path says it can only read words.
            message.text = text[: self.max_chars]
            message.parse_data = forced_parse(NO_WORDS_INTENT, message.text)
        elif len(text) > self.max_chars:
            message.text = text[: self.max_chars]
            message.parse_data = forced_parse(TOO_LONG_INTENT, message.text)
        elif text.split(maxsplit=1)[0] in START_PAYLOADS:
            message.text = GREET_PAYLOAD
        elif text.startswith("/") and not payload_is_offered(
            text, await self.tracker_events(message.sender_id)
        ):
            logger.info("input.payload_refused conversation=%s", log_tag(message.sender_id))
            message.text = as_plain_words(text)
            if not message.text:
                message.text, message.parse_data = "", forced_parse(NO_WORDS_INTENT, "")
        else:
            message.text = text
            self.add_language_guess(message)
        return message

    @staticmethod
    def add_language_guess(message: UserMessage) -> None:
        """The words' language for the notice Rasa sends before NLU reads them (the
        client's own setting, when it gives one, wins: nlu_components/languages.py)."""
        metadata = dict(message.metadata or {})
        if client_language(metadata.get(LANGUAGE)) is None:
            guess = guess_language(message.text)
            if guess is not None:
                metadata[LANGUAGE_GUESS] = guess
                message.metadata = metadata

    async def replayed(self, message: UserMessage, output: Optional[OutputChannel]) -> bool:
        """Whether this was a retried REST request whose turn is stored already, and its
        stored replies were sent again (``channels/request_replay.py``)."""
        identifier = (message.metadata or {}).get(REQUEST_ID)
        if message.input_channel != REST or output is None or not isinstance(identifier, str):
            return False
        if identifier not in await self.recent_request_ids(message.sender_id):
            return False
        # A retry (rare): the whole conversation, since the notice of a session that this
        # request opened is stored before the session's start, where the recent part begins.
        replies = stored_replies(await self.all_events(message.sender_id), identifier) or []
        logger.info("input.retry_replayed conversation=%s", log_tag(message.sender_id))
        for reply in replies:
            await output.send_response(message.sender_id, reply)
        return True

    async def __call__(self, message: UserMessage) -> None:
        recipient = message.sender_id
        message.sender_id = conversation_key(message.input_channel, str(recipient))
        tag = log_tag(message.sender_id)
        counting = (
            CountingOutput(message.output_channel, message.sender_id, recipient)
            if message.output_channel
            else None
        )
        message.output_channel = counting
        failed = False
        try:
            if not await self.replayed(message, counting):
                await self.handle_message(await self.prepare(message))
        except ConversationNotSaved:  # logged where it happened, in one line
            failed = True
        except Exception as error:  # noqa: BLE001 - the parent must still get a reply
            logger.error("input.failed conversation=%s error=%s", tag, type(error).__name__)
            logger.debug("input.failed detail", exc_info=True)  # may quote the message
        if counting is None or not (failed or counting.sent == 0):
            return
        if failed:
            counting.discard_collected()
        else:
            logger.warning("input.no_reply conversation=%s: sent the apology", tag)
        try:
            await counting.inner.send_text_message(recipient, self.unavailable_text())
        except Exception as error:  # noqa: BLE001 - the channel itself is down
            logger.error("input.apology_failed conversation=%s error=%s", tag, type(error).__name__)
