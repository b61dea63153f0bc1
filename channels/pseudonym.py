"""SMS and WhatsApp conversations are stored under a pseudonym, never the parent's number.

Twilio names a sender by their phone number ("+14155550123", "whatsapp:+1415…"). Used as
the conversation id, that number would sit in every stored row, in the logs and in the
report, although the privacy line says phone numbers are hidden. So the connector keys the
conversation by an HMAC of the number and keeps the number only where it is needed: the
output channel of the request being answered (the reply must reach the phone) and the
message's metadata (``reply_to``), which the tracker store redacts before saving but the
actions of that turn can read (a callback request's "use the number I'm texting from").

The key is ``SENDER_ID_KEY`` or, when unset, the app's own secret (Twilio's auth token), so
every instance of a cluster maps a number to the same conversation. Changing the key starts
new conversations; the old ones go with the retention period.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from typing import Optional

PREFIX = "sms-"


def conversation_id(address: str, key: str) -> str:
    """The conversation id for a sender's address: the same address, the same id."""
    digest = hmac.new(key.encode("utf-8"), address.encode("utf-8"), hashlib.sha256)
    return PREFIX + digest.hexdigest()[:32]


def pseudonym_key(app_secret: Optional[str]) -> str:
    """``SENDER_ID_KEY`` if set, else the app's secret."""
    key = os.environ.get("SENDER_ID_KEY") or app_secret or ""
    if not key:
        raise ValueError("no key for SMS conversation ids: set SENDER_ID_KEY")
    return key
