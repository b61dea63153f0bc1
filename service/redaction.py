"""Contact details and identifying numbers out of whatever is kept: one place for the rules.

Parents type e-mail addresses, phone numbers, student ids and even SSNs into the chat. The
assistant never needs them after the turn they were typed in (NLU and that turn's actions
still see the original), so the tracker store (``service/tracker_store.py``) and every log
line of both servers (``RedactingFilter``) keep a placeholder instead:

- an e-mail address → ``[email]``;
- a phone number, US formats (``+1 555 123 4567``, ``(555) 123-4567``, ``555.123.4567``,
  ``5551234567``) or any ``+`` international number → ``[phone]``;
- an SSN (``123-45-6789``) or a run of 6 or more digits (student ids, case numbers) →
  ``[number]``. Dates (``2024-05-12``), years and "10 days" stay, and so do digits inside
  a hexadecimal id (log lines name conversations by their ids).
"""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, Optional, Text

EMAIL = "[email]"
PHONE = "[phone]"
NUMBER = "[number]"

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_US_PHONE = re.compile(
    r"(?<![\w+])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-]?)\d{3}[\s.-]?\d{4}(?!\w)"
)
_INTERNATIONAL_PHONE = re.compile(r"(?<![\w+])\+\d(?:[\s.()-]{0,2}\d){7,14}(?!\w)")
_RULES = (
    (_EMAIL, EMAIL),
    (_US_PHONE, PHONE),
    (_INTERNATIONAL_PHONE, PHONE),
    (re.compile(r"(?<!\w)\d{3}-\d{2}-\d{4}(?!\w)"), NUMBER),
    # Not inside a hexadecimal identifier (a conversation or message id).
    (re.compile(r"(?<![0-9A-Fa-f])\d{6,}(?![0-9A-Fa-f])"), NUMBER),
)

# Keys of a stored event whose values are identifiers, not anything a person typed: a
# message id is 32 hex characters and may hold a run of digits.
_IDENTIFIER_KEYS = frozenset({"event", "message_id", "input_channel", "policy", "timestamp"})


def redact(text: Text) -> Text:
    """The text with e-mail addresses, phone numbers and long digit runs replaced."""
    for pattern, placeholder in _RULES:
        text = pattern.sub(placeholder, text)
    return text


def find_contact(text: Text) -> Optional[Text]:
    """The first e-mail address, else the first phone number, in a parent's reply (the
    callback request's contact, ``actions/handoff.py``)."""
    for pattern in (_EMAIL, _US_PHONE, _INTERNATIONAL_PHONE):
        found = pattern.search(text or "")
        if found:
            return found.group(0).strip()
    return None


def redact_value(value: Any) -> Any:
    """Every string inside a JSON-like value redacted (dict keys are left as they are)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: redact_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_value(item) for item in value]
    return value


def redact_event(data: Dict[Text, Any]) -> Dict[Text, Any]:
    """A serialised Rasa event as it may be stored: the user's text and parse data, the
    bot's text and data, slot values, all redacted; identifiers untouched."""
    return {k: v if k in _IDENTIFIER_KEYS else redact_value(v) for k, v in data.items()}


class RedactingFilter(logging.Filter):
    """Redacts each log record's final message, so that neither our log lines nor Rasa's
    own (debug lines print the whole parse and tracker) keep what a parent typed."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record: let logging report it
            return True
        redacted = redact(message)
        if redacted != message:
            vars(record).update(msg=redacted, args=None)  # the record's final text
        return True


def install_log_redaction() -> None:
    """Put the filter on every handler of the root logger (where Rasa's, structlog's, Sanic's
    and our records end up) and of any logger with its own; call after logging is set up."""
    loggers = [logging.getLogger()] + [
        item
        for item in logging.Logger.manager.loggerDict.values()
        if isinstance(item, logging.Logger)
    ]
    for handler in {h for item in loggers for h in item.handlers}:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
