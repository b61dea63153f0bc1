"""Contact details and identifying numbers out of whatever is kept: one place for the rules.

Parents type e-mail addresses, phone numbers, student ids and even SSNs into the chat. The
assistant never needs them after the turn they were typed in (NLU and that turn's actions
still see the original), so the tracker store (``service/stores/tracker_store.py``) and every log
line of both servers (``RedactingFilter``) keep a placeholder instead:

- an e-mail address → ``[email]``: written ``jane.doe@example.com``, with non-ASCII letters
  (``maría@correo.es``, ``jane@écoles.fr``, punycode ``xn--`` domains), or spelled out:
  ``jane dot doe at example dot com``, ``jane(at)example(dot)com``, ``jane [at] example.com``,
  ``jane @ example.com``, and ``jane at gmail.com`` for well-known webmail providers only (so
  "look at sites.ed.gov" stays; "we met at school" has no "dot" and stays too);
- a phone number, US formats (``+1 555 123 4567``, ``(555) 123-4567``, ``555.123.4567``,
  ``5551234567``), a local 7-digit number (``555-1234``, ``555 1234``, ``555.1234``) or any
  ``+`` international number → ``[phone]``;
- an SSN (``123-45-6789``, ``123 45 6789``, ``123.45.6789``) or a run of 6 or more digits
  (student ids, case numbers) → ``[number]``. Dates (``2024-05-12``, ``05/12/2024``), years,
  sections of law (``34 CFR 300.506``), amounts and "10 days" stay, and so do digits inside a
  hexadecimal id (log lines name conversations by their ids).

Every pattern is linear in its input (a log line or a stored value can be as long as a
client makes it): each repetition is bounded (an address's local part at most 64 characters,
a domain label 63, at most 8 labels, a top-level domain 24 letters), so no attempt looks
further than a fixed distance from where it starts, and the spelled-out forms start only at
the start of a word (``tests/unit/service/privacy/test_redaction.py`` times 8 times the input).

In a stored value (``redact_value``) dict keys are redacted as well as strings, without
recursion; a list or dict nested deeper than ``MAX_DEPTH`` levels is kept as ``[nested]``.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Optional, Text, Tuple

EMAIL = "[email]"
PHONE = "[phone]"
NUMBER = "[number]"
NESTED = "[nested]"
# Deeper than this, a stored list or dict is replaced by NESTED (what Rasa itself stores is a
# handful of levels deep; only a client's metadata goes further).
MAX_DEPTH = 32

# --- e-mail addresses ------------------------------------------------------------------
# Written: local part @ 1-8 labels, each followed by a dot, then a top-level domain of
# letters (any script) or punycode. \w is Unicode-aware, so "maría" and "écoles" are words.
_LOCAL = r"[\w.%+-]{1,64}"
_LABEL = r"[^\W_][\w-]{0,62}"
_TLD = r"(?:xn--[a-z0-9-]{1,59}|[^\W\d_]{2,24})"
_EMAIL = re.compile(rf"{_LOCAL}@(?:{_LABEL}\.){{1,8}}{_TLD}", re.IGNORECASE)

# Spelled out. " at " and " dot " between words; "(at)", "[at]", "{at}", "<at>" (and the
# same for dot); "arroba"/"punto" for Spanish; or a spaced "@".
_WORD = r"[\w%+-]{1,64}"
_AT_WORD = "(?:at|arroba)"
_DOT_WORD = "(?:dot|punto)"


def _bracketed(word: str) -> str:
    """``word`` in (), [], {} or <>, with a space allowed inside and up to two around."""
    inside = rf"\s?{word}\s?"
    return rf"\s{{0,2}}(?:\({inside}\)|\[{inside}\]|\{{{inside}\}}|<{inside}>)\s{{0,2}}"


_SPACED_AT = rf"\s{{1,3}}{_AT_WORD}\s{{1,3}}"
_BRACKETED_AT = rf"(?:{_bracketed(_AT_WORD)}|\s{{0,2}}@\s{{0,2}})"
_SPELLED_DOT = rf"(?:\s{{1,3}}{_DOT_WORD}\s{{1,3}}|{_bracketed(_DOT_WORD)})"
_ANY_DOT = rf"(?:{_SPELLED_DOT}|\.)"
_SPELLED_LOCAL = rf"{_WORD}(?:(?:\.|{_SPELLED_DOT}){_WORD}){{0,4}}"
_SPELLED_TLD = r"(?:xn--[a-z0-9-]{1,59}|[^\W\d_]{2,24})(?![\w-])"
# With a plain " at ", words that come before it in ordinary sentences ("look at", "email
# me at") and after it ("at the …") are never the parts of an address; and the domain must
# have a spelled "dot" ("we met at school", "look at sites.ed.gov" stay) unless it is a
# well-known webmail provider's.
_NOT_LOCAL = (
    r"(?!(?:me|us|him|her|them|it|you|i|we|they|look|looked|looking|is|are|was|were|be|am|"
    r"email|e-mail|mail|write|reach|contact|find|found|here|there|that|this|or|and|school|"
    r"home|work|available|directly|sites?|website|page|online|info)\b)"
)
_NOT_LABEL = r"(?!(?:the|a|an|my|your|his|her|our|their|this|that|www)\b)"
_WEBMAIL = (
    r"(?:gmail|googlemail|yahoo|ymail|rocketmail|hotmail|outlook|live|msn|aol|icloud|me|mac|"
    r"protonmail|proton|comcast|verizon|att|sbcglobal|bellsouth|charter|cox|earthlink|gmx|"
    r"zoho|yandex|fastmail|mail)"
)
_SPELLED_EMAIL = re.compile(
    # Only from the start of a word: one attempt per word, not per character.
    r"(?<![\w.%+@-])(?:"
    rf"{_SPELLED_LOCAL}{_BRACKETED_AT}(?:{_LABEL}{_ANY_DOT}){{1,8}}{_SPELLED_TLD}"
    rf"|{_NOT_LOCAL}{_SPELLED_LOCAL}{_SPACED_AT}"
    rf"(?:{_NOT_LABEL}(?:{_LABEL}{_SPELLED_DOT}){{1,8}}{_SPELLED_TLD}"
    rf"|{_WEBMAIL}\.[a-z]{{2,3}}(?:\.[a-z]{{2}})?(?![\w-])))",
    re.IGNORECASE,
)
_SPELLED_AT_ONLY = re.compile(rf"{_SPACED_AT}|{_BRACKETED_AT}", re.IGNORECASE)
_SPELLED_DOT_ONLY = re.compile(_SPELLED_DOT, re.IGNORECASE)

# --- phone numbers and other numbers ----------------------------------------------------
_US_PHONE = re.compile(
    r"(?<![\w+])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-]?)\d{3}[\s.-]?\d{4}(?!\w)"
)
_INTERNATIONAL_PHONE = re.compile(r"(?<![\w+])\+\d(?:[\s.()-]{0,2}\d){7,14}(?!\w)")
# 555-1234, 555 1234, 555.1234: not inside a decimal or a longer number.
_LOCAL_PHONE = re.compile(r"(?<![\w.$])\d{3}[ .-]\d{4}(?!\w|[.-]\d)")
_SSN = re.compile(r"(?<!\w)\d{3}[ .-]\d{2}[ .-]\d{4}(?!\w|[.-]\d)")
# Not inside a hexadecimal identifier (a conversation or message id).
_DIGIT_RUN = re.compile(r"(?<![0-9A-Fa-f])\d{6,}(?![0-9A-Fa-f])")

_RULES = (
    (_EMAIL, EMAIL),
    (_SPELLED_EMAIL, EMAIL),
    (_US_PHONE, PHONE),
    (_INTERNATIONAL_PHONE, PHONE),
    (_SSN, NUMBER),
    (_LOCAL_PHONE, PHONE),
    (_DIGIT_RUN, NUMBER),
)

# Keys of a stored event whose values are identifiers, not anything a person typed: a
# message id is 32 hex characters and may hold a run of digits.
_IDENTIFIER_KEYS = frozenset({"event", "message_id", "input_channel", "policy", "timestamp"})


def redact(text: Text) -> Text:
    """The text with e-mail addresses, phone numbers and long digit runs replaced."""
    for pattern, placeholder in _RULES:
        text = pattern.sub(placeholder, text)
    return text


def _written(spelled: Text) -> Text:
    """A spelled-out address as an address ("jane dot doe at example dot com" →
    "jane.doe@example.com"), or as typed when that is not one."""
    address = _SPELLED_DOT_ONLY.sub(".", _SPELLED_AT_ONLY.sub("@", spelled, count=1))
    address = "".join(address.split())
    return address if _EMAIL.fullmatch(address) else spelled


def find_contact(text: Text) -> Optional[Text]:
    """The first e-mail address (a spelled-out one written as an address), else the first
    phone number (US, international, then a local 7-digit one), in a parent's reply (the
    callback request's contact, ``actions/handoff.py``)."""
    text = text or ""
    emails = [m for m in (_EMAIL.search(text), _SPELLED_EMAIL.search(text)) if m]
    if emails:
        first = min(emails, key=lambda m: m.start())
        found = first.group(0).strip()
        return found if first.re is _EMAIL else _written(found)
    for pattern in (_US_PHONE, _INTERNATIONAL_PHONE, _LOCAL_PHONE):
        match = pattern.search(text)
        if match:
            return match.group(0).strip()
    return None


def redact_value(value: Any) -> Any:
    """Every string inside a JSON-like value redacted, dict keys included; iterative, so any
    depth is safe: a list or dict nested deeper than ``MAX_DEPTH`` becomes ``[nested]``.
    Two keys that redact alike ("a@x.org", "b@y.org") keep the later value."""
    if not isinstance(value, (dict, list, tuple)):
        return redact(value) if isinstance(value, str) else value
    root: Any = {} if isinstance(value, dict) else []
    pending: List[Tuple[Any, Any, int]] = [(value, root, 1)]
    while pending:
        source, target, depth = pending.pop()
        items = source.items() if isinstance(source, dict) else enumerate(source)
        for key, item in items:
            if isinstance(item, (dict, list, tuple)):
                if depth >= MAX_DEPTH:
                    copy: Any = NESTED
                else:
                    copy = {} if isinstance(item, dict) else []
                    pending.append((item, copy, depth + 1))
            else:
                copy = redact(item) if isinstance(item, str) else item
            if isinstance(target, dict):
                target[redact(key) if isinstance(key, str) else key] = copy
            else:
                target.append(copy)
    return root


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
