"""The reply renderer: the action server's channel-neutral reply as each app shows it
(buttons or numbered options, size limits, text markup, where the source line goes and how
the answer contract travels).

The action server sends channel-neutral replies: one message whose ``custom`` is
``{"reply": {"parts": [texts], "source": <source line or null>, "options": [{"title",
"payload"}], "topic": <the answer contract or null>}}``, with the text of a domain
response (``utter_...``) as the message's own text when there is one. Every output
channel in ``channels/`` mixes in ``RenderedOutput``, which turns such a message into the
app's own messages with ``render`` and this one table of styles; the connectors read the
same table for their limits (``outgoing``), so a new channel is a new row and no connector
declares a limit of its own. Rasa's connectors send the parts of a text separated by a
blank line as separate messages, in order; ``shape`` uses that to split long replies at
sentence boundaries within each app's limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Dict, List, Optional, Sequence, Tuple

from channels.app_settings import public_url
from channels.sms import segments, to_gsm7
from contract import ENGLISH, FAQ_PATHS, TOPIC_ANSWER, TOPIC_DETAILS
from contract.conversations import FACEBOOK, REST, SLACK, SOCKETIO, TELEGRAM, TWILIO
from knowledge_base import default as default_knowledge_base

REPLY = "reply"  # the key of a channel-neutral reply in a message's ``custom``
SOCKETIO_TEXT = "socketio_text"  # the style of a socket.io client that shows only text
WHATSAPP = "whatsapp"  # the style of Twilio's output to a "whatsapp:" sender


@dataclass(frozen=True, kw_only=True)
class ChannelStyle:
    """What one output channel can show (its name is its key in ``STYLES``). Keyword-only:
    a call site names every limit, so ``max_buttons`` and ``max_chars`` cannot be swapped."""

    native_buttons: bool  # the app has its own buttons / quick replies
    max_buttons: int
    max_button_title: int  # characters
    max_chars: int  # per message
    markup: str  # "plain" | "slack"
    web_client: bool = False  # web clients: they get the custom contract object
    button_options: Tuple[Tuple[str, str], ...] = ()  # passed to the connector with buttons
    source_in_text: bool = True  # the source line ends the text (else the client shows it)
    # The key the contract travels under: Rasa's socket.io output emits a custom message as
    # ``emit(event, **custom)``, so there it must be {"data": <contract>}.
    custom_key: Optional[str] = None
    # SMS and WhatsApp: instead of the long source line a link to the topic's FAQ entry with
    # the answer (none with "tell me more"); the help contacts' and the notice's short forms.
    sms: bool = False
    # Billed by segment: every text in GSM-7, so Spanish loses á, í, ó, ú (channels/sms.py).
    gsm7: bool = False
    # A client that shows only text and buttons: the topic's FAQ link follows the source
    # line, as a message of its own, and of the custom object only the reply's event is sent.
    text_only: bool = False


# A web client: buttons drawn by the page, long answers in one message.
_WEB = ChannelStyle(
    native_buttons=True,
    max_buttons=10,
    max_button_title=80,
    max_chars=10_000,
    markup="plain",
    web_client=True,
)
# SMS and WhatsApp through Twilio: no buttons; 1600 characters per message. SMS is
# billed by segment, so it is GSM-7; WhatsApp is not, so it keeps every accent.
_TWILIO_TEXT = ChannelStyle(
    native_buttons=False,
    max_buttons=9,
    max_button_title=60,
    max_chars=1600,
    markup="plain",
    sms=True,
)

STYLES: Dict[str, ChannelStyle] = {
    REST: _WEB,
    # The widget draws the source line from the contract itself.
    SOCKETIO: replace(_WEB, source_in_text=False, custom_key="data"),
    # A socket.io client that drops custom frames (rasa-webchat, which names itself in its
    # ``customData``, or every client with SOCKETIO_SOURCE_IN_TEXT=1: channels/socketio.py).
    # It gets the source line and the FAQ link in the text; the event under "data" too, so
    # the page can act on "conversation_erased" (README, "Using rasa-webchat").
    SOCKETIO_TEXT: replace(_WEB, custom_key="data", text_only=True),
    # Inline keyboards: keep a phone-sized list; Rasa sends text without parse_mode, so no
    # escaping is needed. 4096 characters per message.
    TELEGRAM: ChannelStyle(
        native_buttons=True,
        max_buttons=6,
        max_button_title=40,
        max_chars=4096,
        markup="plain",
        button_options=(("button_type", "vertical"),),
    ),
    # Messenger quick replies: at most 13, titles at most 20 characters; 2000 per message.
    FACEBOOK: ChannelStyle(
        native_buttons=True, max_buttons=13, max_button_title=20, max_chars=2000, markup="plain"
    ),
    # Slack buttons: 75 characters of text; a section holds 3000 characters of mrkdwn.
    SLACK: ChannelStyle(
        native_buttons=True, max_buttons=5, max_button_title=75, max_chars=3000, markup="slack"
    ),
    TWILIO: replace(_TWILIO_TEXT, gsm7=True),
    WHATSAPP: _TWILIO_TEXT,
}
DEFAULT_STYLE = STYLES[REST]

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_BOLD = re.compile(r"\*\*(.+?)\*\*")


HELP_ANCHOR = "help"  # the help contacts' section on the FAQ page (webapp/faq.py)


def faq_link(anchor: str, page: str = "/faq/") -> str:
    return f"{public_url()}{page}#{anchor}"


def topic_faq_link(topic_id: str, language: str) -> str:
    """The topic's entry on the FAQ page in the reply's language (/es/faq/#cost)."""
    return faq_link(topic_id, FAQ_PATHS.get(language, FAQ_PATHS[ENGLISH]))


def style_for(channel: Optional[str]) -> ChannelStyle:
    return STYLES.get(channel or "", DEFAULT_STYLE)


def _shorten(title: str, limit: int) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def fit_buttons(style: ChannelStyle, buttons: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Buttons within the app's count and title-length limits, in order."""
    return [
        {**b, "title": _shorten(b["title"], style.max_button_title)}
        for b in list(buttons)[: style.max_buttons]
    ]


def _phrase(key: str, language: str, **values: str) -> str:
    """A phrase of the knowledge base in the reply's language (``reply["language"]``)."""
    return default_knowledge_base().phrase(key, language, **values)


def numbered_options(buttons: Sequence[Dict[str, Any]], language: str = "en") -> str:
    """'Reply 1, 2 or 3:' (or 'Reply 1-9:' for longer lists) and one numbered line per
    option, for apps without buttons."""
    numbers = [str(i) for i in range(1, len(buttons) + 1)]
    if len(numbers) > 3:
        ask = f"{numbers[0]}-{numbers[-1]}"
    elif len(numbers) == 1:
        ask = numbers[0]
    else:
        ask = ", ".join(numbers[:-1]) + f" {_phrase('or', language)} " + numbers[-1]
    lines = [f"{n}. {b['title']}" for n, b in zip(numbers, buttons)]
    return _phrase("reply_options", language, numbers=ask) + "\n" + "\n".join(lines)


def format_text(style: ChannelStyle, text: str) -> str:
    """Convert our light markup (**bold**) to the app's, escaping what the app would parse."""
    if style.markup == "slack":
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return _BOLD.sub(r"*\1*", text)
    return _BOLD.sub(r"\1", text)


def _units(paragraph: str) -> List[str]:
    """Lines, then sentences: the places a paragraph may be cut."""
    return [
        sentence
        for line in paragraph.split("\n")
        for sentence in _SENTENCE_END.split(line)
        if sentence
    ]


def split_text(text: str, max_chars: int) -> List[str]:
    """Parts of at most ``max_chars``: whole paragraphs where they fit, else cut at line and
    sentence ends (at a space inside one sentence longer than a message)."""
    parts: List[str] = []
    for paragraph in [p.strip() for p in text.split("\n\n") if p.strip()]:
        if len(paragraph) <= max_chars:
            parts.append(paragraph)
            continue
        current = ""
        for unit in _units(paragraph):
            while len(unit) > max_chars:  # one sentence longer than a message
                cut = unit.rfind(" ", 0, max_chars)
                cut = cut if cut > 0 else max_chars
                if current:
                    parts.append(current)
                    current = ""
                parts.append(unit[:cut].rstrip())
                unit = unit[cut:].lstrip()
            candidate = f"{current} {unit}" if current else unit
            if len(candidate) <= max_chars:
                current = candidate
            else:
                parts.append(current)
                current = unit
        if current:
            parts.append(current)
    return parts


def shape(
    channel: Optional[str], text: str, buttons: Sequence[Dict[str, Any]] = ()
) -> Dict[str, Any]:
    """A text and its options as this channel should get them.

    The text's parts are joined by blank lines, which the connectors send as separate
    messages in order; without native buttons the options become a numbered list at the end.
    """
    style = style_for(channel)
    parts = split_text(format_text(style, text), style.max_chars) if text else []
    shaped: Dict[str, Any] = {}
    if buttons and style.native_buttons:
        shaped["buttons"] = fit_buttons(style, buttons)
        shaped.update(dict(style.button_options))
    elif buttons:
        parts += split_text(numbered_options(list(buttons)[: style.max_buttons]), style.max_chars)
    shaped["text"] = "\n\n".join(parts)
    return shaped


def outgoing(
    channel: Optional[str], text: str, buttons: Sequence[Dict[str, Any]] = ()
) -> Tuple[List[str], List[Dict[str, Any]]]:
    """What a connector sends for one reply: the text's parts (blank-line separated, each
    within the app's message size; at least one) and the buttons within its limits."""
    style = style_for(channel)
    return split_text(text or "", style.max_chars) or [text or ""], fit_buttons(style, buttons)


def neutral_reply(message: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """The channel-neutral reply a message carries, if it carries one."""
    custom = message.get("custom")
    reply = custom.get(REPLY) if isinstance(custom, dict) else None
    return reply if isinstance(reply, dict) else None


def render(channel: Optional[str], message: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The messages (Rasa's message dicts, as ``OutputChannel.send_response`` takes them)
    that show one bot message in this channel's style; messages without a neutral reply
    pass unchanged.

    A response's own text comes first, as the domain has it; then the reply's parts with
    the source line (unless the client shows it from the contract), in the app's markup,
    split within its size. Options are the app's buttons on the last message, or a
    numbered list at the end of the parts (its own message after a bare response). Web
    clients get the contract (under ``custom_key``) on the last message, a text-only one
    only the reply's event; messaging apps get none, which their connectors would try to
    send as an app message."""
    style = style_for(channel)
    rendered = _render(style, channel, message)
    if style.gsm7:
        rendered = [{**m, "text": to_gsm7(m["text"])} if m.get("text") else m for m in rendered]
    return rendered


def _sms_contacts(contacts: Dict[str, Any], language: str = "en") -> str:
    """The help contacts by SMS: their short lines and a link to the full list; when they
    were just sent, a one-line pointer to that list."""
    link = faq_link(contacts.get("anchor") or HELP_ANCHOR, contacts.get("page") or "/faq/")
    if contacts.get("again"):
        return _phrase("contacts_again", language, url=link)
    return "\n".join([*contacts.get("short", []), _phrase("full_list", language, url=link)])


def _render(
    style: ChannelStyle, channel: Optional[str], message: Dict[str, Any]
) -> List[Dict[str, Any]]:
    reply = neutral_reply(message)
    if reply is None:
        return [message]
    extra = {
        k: v for k, v in message.items() if k not in ("text", "buttons", "quick_replies", "custom")
    }
    parts = [p for p in reply.get("parts") or [] if p]
    topic = reply.get("topic")
    language = str(reply.get("language") or "en")
    if style.sms and parts and topic:
        # A short link in the answer's own message; "tell me more" adds none.
        if topic.get("kind") == TOPIC_ANSWER:
            more = _phrase("more_link", language, url=topic_faq_link(topic["topic"], language))
            parts[-1] = f"{parts[-1]}\n{more}"
    elif parts and reply.get("source") and style.source_in_text:
        parts.append(reply["source"])
        if style.text_only and topic:  # its own message: a lone line break may not show
            url = topic_faq_link(topic["topic"], language)
            parts.append(_phrase("read_in_faq", language, url=url))
    options = list(reply.get("options") or [])
    if style.sms and topic and topic.get("kind") == TOPIC_DETAILS:
        options = []  # "tell me more" on SMS: the options just sent are not paid for twice
    texts = [message["text"]] if message.get("text") else []
    if style.sms and texts and reply.get("contacts"):
        texts[0] = _sms_contacts(reply["contacts"], language)
    if style.sms and texts and reply.get("sms_text"):
        texts[0] = reply["sms_text"]  # the knowledge base's one-segment form
    if parts:
        texts.append(shape(channel, "\n\n".join(parts))["text"])
    if options and not style.native_buttons:
        if texts:
            # Only an answer's related topics may be cut to fit: a menu or a "Did you
            # mean" list is the choice itself.
            trim = style.sms and bool(topic) and (topic or {}).get("kind") == TOPIC_ANSWER
            texts[-1] = _with_options(
                style, texts[-1], options[: style.max_buttons], trim, language
            )
        else:
            texts.append(numbered_options(options[: style.max_buttons], language))
    # The message's own fields (a response's name and variables) stay on the first one.
    rendered = [{"text": text} for text in texts] or [{"text": ""}]
    rendered[0] = {**extra, **rendered[0]}
    if options and style.native_buttons:
        rendered[-1].update(buttons=fit_buttons(style, options), **dict(style.button_options))
    event = {"event": reply["event"]} if reply.get("event") else {}
    web_custom = event if style.text_only else {**(topic or {}), **event}
    if web_custom and style.web_client:
        rendered[-1]["custom"] = {style.custom_key: web_custom} if style.custom_key else web_custom
    return rendered


MIN_SMS_OPTIONS = 2  # fewer would leave an SMS parent no real choice of what to ask next


def _with_options(
    style: ChannelStyle,
    text: str,
    options: Sequence[Dict[str, Any]],
    trim: bool = False,
    language: str = "en",
) -> str:
    """The numbered options in the text's last message when they fit in it, else after it.

    By SMS a parent pays per segment and a separate message costs at least one more: the
    options join the last message. With ``trim`` (an answer's related topics), when the
    first ones alone fit in the segments the message already costs (at least
    ``MIN_SMS_OPTIONS``), only those are listed; the others stay one "menu" away."""
    head, _, last = text.rpartition("\n\n")
    if trim:
        options = _options_within_segments(last, options, language)
    numbered = numbered_options(options, language)
    if len(last) + 1 + len(numbered) <= style.max_chars:
        return f"{head}\n\n{last}\n{numbered}" if head else f"{last}\n{numbered}"
    return f"{text}\n\n{numbered}"


def _options_within_segments(
    text: str, options: Sequence[Dict[str, Any]], language: str = "en"
) -> Sequence[Dict[str, Any]]:
    paid = segments(to_gsm7(text))
    for count in range(len(options), MIN_SMS_OPTIONS - 1, -1):
        if segments(to_gsm7(f"{text}\n{numbered_options(options[:count], language)}")) <= paid:
            return options[:count]
    return options


class RenderedOutput:
    """Mixed into an output channel (listed before Rasa's class): every message is sent
    as ``render`` shapes it for ``style`` (the channel's name in ``STYLES``)."""

    style: str = ""

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        for shaped in render(self.style or self.name(), message):  # type: ignore[attr-defined]
            await super().send_response(recipient_id, shaped)  # type: ignore[misc]
