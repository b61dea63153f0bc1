"""Conversation ids that belong to their channel.

Rasa keys a conversation by the sender id alone, whatever app it came from, so a REST
client that names a Telegram chat id (a short number) would read and erase that parent's
conversation. The input guard (``channels/input_guard.py``) therefore replaces every
message's sender id with ``<channel>:<sender>`` before anything reads a conversation; the
tracker store, the locks, erasure and the actions all see that key, and the guard's output
wrapper hands the app its own id back. A client of one channel can only ever name keys of
that channel.

Conversations stored before this change under the bare sender id are adopted by their own
channel on first use (``service/stores/tracker_store.py``): only when every message in them came
through that channel.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Optional, Tuple

SEPARATOR = ":"
# Every channel the assistant can run (``Channel.name()``: ours for REST and socket.io,
# Rasa's for the messaging apps; tests/unit/contract/test_contract.py checks each); "unknown" for a
# message whose connector named none. The actions, the renderer's styles and the insights
# report key on these names too.
REST = "rest"
SOCKETIO = "socketio"  # our chat widget's channel
TELEGRAM = "telegram"
TWILIO = "twilio"  # SMS and WhatsApp
FACEBOOK = "facebook"  # Messenger
SLACK = "slack"
UNKNOWN = "unknown"
CHANNELS = frozenset({REST, SOCKETIO, TELEGRAM, TWILIO, FACEBOOK, SLACK, UNKNOWN})


def conversation_key(channel: Optional[str], sender: str) -> str:
    """The tracker key of ``sender``'s conversation on ``channel``."""
    name = channel if channel in CHANNELS else UNKNOWN
    return f"{name}{SEPARATOR}{sender}"


def split_key(key: str) -> Tuple[Optional[str], str]:
    """``(channel, sender)`` of a key; ``(None, key)`` for an id stored before keys carried
    their channel."""
    channel, separator, sender = key.partition(SEPARATOR)
    if separator and channel in CHANNELS and sender:
        return channel, sender
    return None, key


class ConversationNotSaved(Exception):
    """A turn's events could not be stored: the parent gets the apology instead of an
    answer the assistant will not remember (``service/stores/strict_tracker_store.py``)."""


_TAG_KEY = secrets.token_bytes(16)  # this process's only: tags cannot be recomputed later


def log_tag(key: str) -> str:
    """A short stand-in for a conversation key in log lines: lines of one conversation
    share it while the process runs, but it names nobody, and nothing ties it to the
    conversation once the process has ended (or the conversation was erased)."""
    return hmac.new(_TAG_KEY, key.encode("utf-8", "replace"), hashlib.sha256).hexdigest()[:12]
