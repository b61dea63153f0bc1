"""Limits the server applies and the widget must respect too (the build writes them into
the widget: ``contract/widget.py``)."""

from __future__ import annotations

import os

# The longest message the assistant reads (characters); longer ones get "please shorten
# your question" (channels/input_guard.py), and the widget's input stops there.
MAX_MESSAGE_CHARS = 2000

# How long a conversation is kept when RETENTION_DAYS does not say (service/privacy/retention.py);
# the widget keeps its own copy of a conversation no longer than the server does.
DEFAULT_RETENTION_DAYS = 90


def retention_days() -> int:
    """The configured period in days (``RETENTION_DAYS``); a missing, malformed or
    non-positive value is the default (a typo must never delete everything). Here, in the
    contract, because the server deletes by it (``service/privacy/retention.py``) and the privacy
    notice (``knowledge_base``) and the widget's build state it: all three read this."""
    raw = os.environ.get("RETENTION_DAYS", "")
    try:
        days = int(raw)
    except ValueError:
        return DEFAULT_RETENTION_DAYS
    return days if days > 0 else DEFAULT_RETENTION_DAYS
