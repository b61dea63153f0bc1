"""A REST request retried after its answer was stored is answered from the store, once.

Behind the cluster's nginx, a POST cut off by an instance's death is retried on another
instance (``proxy_next_upstream ... non_idempotent``). If the instance died after it had
stored the turn but before the reply left, a plain retry would handle the message a second
time: the parent's question stored twice, and "tell me more" read as asked again. nginx
sends the same ``X-Request-ID`` with the retry, the REST channel keeps it in the message's
metadata (``contract.REQUEST_ID``), and the input guard looks for a stored message with that
id first: when there is one, the replies that followed it are sent again and nothing else
happens.

The check runs before the conversation's lock, so it covers the retry of a dead instance's
request (its turn was stored or not at all), not one still running when nginx gives up
(after ``proxy_read_timeout``, 120 s).
"""

from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List, Mapping, Optional, Text

from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.events import BotUttered, Event

from contract import REQUEST_ID

# The header nginx sets to its ``$request_id`` (32 hex digits); any client may send one,
# which can only ever replay that client's own conversation.
REQUEST_ID_HEADER = "X-Request-ID"
_VALID_ID = re.compile(r"[0-9A-Za-z._-]{1,64}")


def request_id(headers: Mapping[Text, Text]) -> Optional[Text]:
    """The request's id from its header, when it is a plain token of at most 64 characters."""
    value = (headers.get(REQUEST_ID_HEADER) or "").strip()
    return value if _VALID_ID.fullmatch(value) else None


def with_request_id(metadata: Dict[Text, Any], headers: Mapping[Text, Text]) -> Dict[Text, Any]:
    """The metadata with the request's id from its header, and never one the body named."""
    metadata = {k: v for k, v in metadata.items() if k != REQUEST_ID}
    identifier = request_id(headers)
    return {**metadata, REQUEST_ID: identifier} if identifier else metadata


def request_ids(events: Iterable[Dict[Text, Any]]) -> List[Text]:
    """The request ids stored with these (serialised) events' user messages."""
    ids = ((e.get("metadata") or {}).get(REQUEST_ID) for e in events if e.get("event") == "user")
    return [i for i in ids if isinstance(i, str)]


def stored_replies(events: Iterable[Dict[Text, Any]], identifier: Text) -> Optional[List[Dict]]:
    """The messages sent in reply to the stored user message with this request id, as the
    processor sent them (``BotUttered.message()``); None when no stored message has it.

    A message that opened a session was stored after the session's opening messages (the
    notice), which that request's reply carried first: they are part of its replies."""
    opening: List[Dict[Text, Any]] = []  # bot messages since a session started, before a user's
    in_opening = False
    replies: Optional[List[Dict[Text, Any]]] = None
    for serialised in events:
        kind = serialised.get("event")
        starts_session = kind == "action" and serialised.get("name") == ACTION_SESSION_START_NAME
        if replies is not None and (kind == "user" or starts_session):
            break
        if starts_session:
            opening, in_opening = [], True
        elif kind == "user":
            if (serialised.get("metadata") or {}).get(REQUEST_ID) == identifier:
                replies = opening
            opening, in_opening = [], False
        elif kind == "bot" and (replies is not None or in_opening):
            event = Event.from_parameters(serialised)
            if isinstance(event, BotUttered):
                (replies if replies is not None else opening).append(event.message())
    return replies
