"""What the conversation's last turns were: the reply just before the parent's latest
message, and whether that message repeats the one before. ``ActionAnswerTopic`` gives a
topic's details when it is asked again in other words right after its answer."""

from __future__ import annotations

import re
from typing import Optional, Tuple

from rasa_sdk import Tracker

from actions.rendering import topic_reply_of


def last_reply(tracker: Tracker) -> Optional[Tuple[str, str]]:
    """(topic, its kind: ``TOPIC_ANSWER`` or ``TOPIC_DETAILS``) of the assistant's reply
    just before the parent's latest message, if that reply was a topic's."""
    seen_latest = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_latest:
                return None  # that turn's replies held no topic
            seen_latest = True
        elif seen_latest and event.get("event") == "bot":
            found = topic_reply_of(event.get("data") or {})
            if found:
                return found
    return None


def same_words_again(tracker: Tracker) -> bool:
    """Whether the parent's latest message repeats their previous one word for word."""
    said = []
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            said.append(" ".join(str(event.get("text") or "").casefold().split()))
            if len(said) == 2:
                return said[0] == said[1]
    return False


# A word that points back at what was just said ("is it free?", "¿eso es gratis?").
_POINTS_BACK = re.compile(
    r"\b(?:it|that|this|there|they|them|eso|esa|ese|esto|esta|ahi|ahí)\b", re.IGNORECASE
)
SHORT_FOLLOWUP_WORDS = 8
# So short it can only be about what was just said: Spanish drops the subject ("¿tengo
# que ir?"), and "how long?" names nothing.
BARE_FOLLOWUP_WORDS = 4


def points_back(text: str) -> bool:
    """A message that can only be about the reply before it: very short, or short with a
    word pointing back."""
    words = len(text.split())
    return words <= BARE_FOLLOWUP_WORDS or (
        words <= SHORT_FOLLOWUP_WORDS and bool(_POINTS_BACK.search(text))
    )
