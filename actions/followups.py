"""Read follow-ups such as "the second one" and rank topics in an NLU result.

Kept free of Rasa imports so the rules are easy to test on their own.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Dict, Iterable, List, Optional, Sequence

# The intent <-> topic naming lives with the knowledge base (the Rasa server needs it too).
from knowledge_base.intents import TOPIC_INTENT_PREFIX, payload_for_topic, topic_for_intent

__all__ = [
    "TOPIC_INTENT_PREFIX",
    "payload_for_topic",
    "pick_option",
    "top_topics",
    "topic_for_intent",
]

_ORDINALS = {
    "first": 0,
    "1st": 0,
    "one": 0,
    "1": 0,
    "second": 1,
    "2nd": 1,
    "two": 1,
    "2": 1,
    "third": 2,
    "3rd": 2,
    "three": 2,
    "3": 2,
    "fourth": 3,
    "4th": 3,
    "four": 3,
    "4": 3,
    "fifth": 4,
    "5th": 4,
    "five": 4,
    "5": 4,
    "sixth": 5,
    "6th": 5,
    "six": 5,
    "6": 5,
    # Spanish (issue 21), both genders; never "un"/"una", which are mostly "a".
    "primero": 0,
    "primera": 0,
    "primer": 0,
    "uno": 0,
    "segundo": 1,
    "segunda": 1,
    "dos": 1,
    "tercero": 2,
    "tercera": 2,
    "tercer": 2,
    "tres": 2,
    "cuarto": 3,
    "cuarta": 3,
    "cuatro": 3,
    "quinto": 4,
    "quinta": 4,
    "cinco": 4,
    "sexto": 5,
    "sexta": 5,
    "seis": 5,
}
_LAST = {"last", "final", "latter", "ultimo", "ultima"}  # Spanish "último", accent folded
_WORD = re.compile(r"[a-z0-9]+")


def _folded(text: str) -> str:
    """Lower case without accents ("Última" -> "ultima"), so Spanish words stay whole."""
    decomposed = unicodedata.normalize("NFKD", (text or "").lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def pick_option(text: str, count: int) -> Optional[int]:
    """The 0-based index a parent means by "the second one", "#3" or "the last one".

    Returns None when the text names no position inside a list of ``count`` items.
    """
    if count <= 0:
        return None
    words = _WORD.findall(_folded(text))
    for word in words:
        if word in _LAST:
            return count - 1
    for word in words:
        index = _ORDINALS.get(word)
        if index is not None:
            return index if index < count else None
    return None


def top_topics(
    intent_ranking: Sequence[Dict[str, Any]], topic_ids: Iterable[str], limit: int = 2
) -> List[str]:
    """The most likely topics in an NLU intent ranking, best first."""
    found: List[str] = []
    for entry in intent_ranking or []:
        topic = topic_for_intent(entry.get("name"), topic_ids)
        if topic and topic not in found:
            found.append(topic)
        if len(found) == limit:
            break
    return found
