"""The callback request as an e-mail to the organisation's inbox (issue 11).

Configured by the environment of the action server, never in the repo:
``HANDOFF_INBOX`` (where requests go), ``SMTP_HOST``, ``SMTP_PORT`` (default 587),
``SMTP_FROM``, and optionally ``SMTP_USER``/``SMTP_PASSWORD`` and ``SMTP_STARTTLS``
("1"/"true"). Without an inbox, host and sender, "Talk to a person" shows the contacts
only. Sending uses smtplib with a timeout, from a worker thread (``actions/handoff.py``),
so a slow mail server never stalls the action server.
"""

from __future__ import annotations

import logging
import os
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any, Dict, Iterable, List, Mapping, Optional

from contract import ENGLISH, LANGUAGE_NAMES, SPANISH
from service.privacy.redaction import redact

logger = logging.getLogger(__name__)

# Seconds per SMTP operation (connecting, each command, the message). The e-mail is sent
# inside action_submit_callback, and the Rasa server waits at most ACTION_TIMEOUT_SECONDS
# (default 6, service/servers/degraded_actions.py) for an action. Connecting (TCP and the server's
# greeting) and the slowest step of the send may each take 2.5 s: 5 s together, leaving 1 s
# for the rest of the action and the round trip. A mail server in working order answers each
# step in milliseconds to a few hundred; one that stalls longer fails the send here, and the
# parent hears that nobody received the request (with the contacts), not the Rasa server's
# general apology.
SEND_TIMEOUT = 2.5
DEFAULT_PORT = 587
SUBJECT = "Callback request from the IEP mediation assistant"
# Before the subject of a request made in Spanish (issue 21), so staff can route it at a glance.
SUBJECT_TAGS = {SPANISH: "[ES] "}


@dataclass(frozen=True)
class MailSettings:
    inbox: str
    host: str
    port: int
    sender: str
    user: Optional[str] = None
    password: Optional[str] = None
    starttls: bool = False


def mail_settings(env: Mapping[str, str] = os.environ) -> Optional[MailSettings]:
    """The organisation's inbox and mail server, or None when not (fully) configured."""
    inbox, host, sender = (
        env.get(k, "").strip() for k in ("HANDOFF_INBOX", "SMTP_HOST", "SMTP_FROM")
    )
    if not (inbox and host and sender):
        return None
    try:
        port = int(env.get("SMTP_PORT") or DEFAULT_PORT)
    except ValueError:
        logger.error("handoff.misconfigured SMTP_PORT is not a number: callbacks are off")
        return None
    return MailSettings(
        inbox=inbox,
        host=host,
        port=port,
        sender=sender,
        user=env.get("SMTP_USER") or None,
        password=env.get("SMTP_PASSWORD") or None,
        starttls=(env.get("SMTP_STARTTLS") or "").strip().lower() in ("1", "true", "yes"),
    )


@dataclass(frozen=True)
class CallbackRequest:
    contact: str
    question: str
    name: str
    channel: str
    conversation: List[str]
    language: str = ENGLISH  # the conversation's, when the parent asked


def _bot_text(event: Dict[str, Any]) -> str:
    """What the assistant said in a bot event: its text, else its reply's parts."""
    if event.get("text"):
        return str(event["text"])
    reply = ((event.get("data") or {}).get("custom") or {}).get("reply") or {}
    return "\n".join(str(p) for p in reply.get("parts") or [] if p)


def transcript(events: Iterable[Dict[str, Any]]) -> List[str]:
    """The conversation as "Parent: …" / "Assistant: …" lines, redacted as it is stored."""
    lines = []
    for event in events:
        text = str(event.get("text") or "")
        if event.get("event") == "user" and text and not text.startswith("/"):
            # (A button's payload is left out: the assistant's reply shows what it chose.)
            lines.append(f"Parent: {redact(text)}")
        elif event.get("event") == "bot":
            text = _bot_text(event)
            if text:
                lines.append(f"Assistant: {redact(text)}")
    return lines


def language_line(language: str) -> str:
    """For staff, in English: the parent's language, and in which to answer when not English."""
    name = LANGUAGE_NAMES.get(language, LANGUAGE_NAMES[ENGLISH])
    if language == SPANISH:
        return f"Language: {name}. The parent wrote in Spanish: please reply in Spanish."
    return f"Language: {name}"


def compose(settings: MailSettings, request: CallbackRequest) -> EmailMessage:
    """The e-mail: who to contact, how and in which language, their question, then the
    conversation."""
    message = EmailMessage()
    message["Subject"] = SUBJECT_TAGS.get(request.language, "") + SUBJECT
    message["From"] = settings.sender
    message["To"] = settings.inbox
    body = [
        "A parent asked the IEP mediation assistant for someone at the organisation to "
        "contact them, and agreed to share this conversation.",
        "",
        f"Name: {request.name or '(not given)'}",
        f"Contact: {request.contact}",
        f"Channel: {request.channel}",
        language_line(request.language),
        "",
        "Question:",
        request.question,
        "",
        "Conversation (contact details and ID numbers hidden):",
        *request.conversation,
    ]
    message.set_content("\n".join(body))
    return message


def send(settings: MailSettings, message: EmailMessage) -> None:
    """Deliver one message (blocking: run it in a worker thread); raises on failure."""
    with smtplib.SMTP(settings.host, settings.port, timeout=SEND_TIMEOUT) as smtp:
        if settings.starttls:
            smtp.starttls()
        if settings.user:
            smtp.login(settings.user, settings.password or "")
        smtp.send_message(message)
