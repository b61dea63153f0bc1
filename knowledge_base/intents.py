"""How intents name knowledge-base topics: ``ask_<topic id>`` asks a topic.

Shared by the action server (answers), the Rasa server (FAQ search), the topic-file
generator and the tests, so neither server needs the other's code.
"""

from __future__ import annotations

from typing import Iterable, Optional

TOPIC_INTENT_PREFIX = "ask_"


def topic_for_intent(intent: Optional[str], topic_ids: Iterable[str]) -> Optional[str]:
    """The topic an intent such as ``ask_cost`` asks about, if it is one."""
    if not intent or not intent.startswith(TOPIC_INTENT_PREFIX):
        return None
    topic = intent[len(TOPIC_INTENT_PREFIX) :]
    return topic if topic in set(topic_ids) else None


def payload_for_topic(topic_id: str) -> str:
    """A button payload that asks the topic directly, skipping NLU."""
    return f"/{TOPIC_INTENT_PREFIX}{topic_id}"
