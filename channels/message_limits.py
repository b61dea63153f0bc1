"""Size and depth limits on what a channel accepts, checked before anything reads it.

A message's ``metadata`` is stored with it and redacted on the way; unbounded, one 65 KB
string made every other parent wait 18 s, and metadata nested 900 levels deep made the save
fail. The text is cut to ``MAX_RAW_CHARS`` before any pattern runs over it (the guard then
cuts it to the message limit). The walk here is iterative and stops at the first excess,
so checking costs at most the limit, whatever was sent.
"""

from __future__ import annotations

from typing import Any, List, Optional, Tuple

from contract.limits import MAX_MESSAGE_CHARS

# Text beyond this is never looked at: enough to clean markup out of a pasted message and
# still know it was over the limit.
MAX_RAW_CHARS = 4 * MAX_MESSAGE_CHARS
MAX_METADATA_CHARS = 4096  # keys, strings and numbers together
MAX_METADATA_DEPTH = 6  # {"a": {"b": [ ... ]}}: Slack's is 3 deep, Twilio's 1, the widget's 0


def metadata_problem(value: Any) -> Optional[str]:
    """Why ``value`` may not be kept as a message's metadata (``"size"``, ``"depth"``,
    ``"type"``), or None when it fits."""
    if value is None:
        return None
    if not isinstance(value, dict):
        return "type"
    budget = MAX_METADATA_CHARS
    stack: List[Tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > MAX_METADATA_DEPTH:
                return "depth"
            children = item.items() if isinstance(item, dict) else enumerate(item)
            for key, child in children:
                budget -= 1 + (len(key) if isinstance(key, str) else 0)
                stack.append((child, depth + 1))
                if budget < 0:
                    return "size"
        elif isinstance(item, str):
            budget -= len(item)
        elif item is None or isinstance(item, (bool, int, float)):
            budget -= 8
        else:
            return "type"
        if budget < 0:
            return "size"
    return None
