"""Limits the server applies and the widget must respect too (the build writes them into
the widget: ``contract/widget.py``)."""

from __future__ import annotations

# The longest message the assistant reads (characters); longer ones get "please shorten
# your question" (channels/input_guard.py), and the widget's input stops there.
MAX_MESSAGE_CHARS = 2000

# How long a conversation is kept when RETENTION_DAYS does not say (service/retention.py);
# the widget keeps its own copy of a conversation no longer than the server does.
DEFAULT_RETENTION_DAYS = 90
