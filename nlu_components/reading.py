"""How an intent classifier writes its reading of a message onto it.

The English and the Spanish classifier read a message the same way (its ranking, and a
second topic question found inside it), so they record it the same way: the actions and
the FallbackClassifier cannot tell which of the two read a message.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message

from contract.intents import ASKED_TOPIC_ENTITY, SECOND_QUESTION_ENTITY


def record_reading(
    message: Message,
    ranking: List[Dict[str, Any]],
    second: Optional[str],
    extractor: str,
    asked: Sequence[str] = (),
) -> None:
    """Set the intent and its ranking; the second question as an entity, if any; and the
    topic each question inside the message leans to (``questions.asked_topics``), as
    entities the actions offer when they ask "Did you mean…"."""
    message.set(INTENT, ranking[0], add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
    found = [(SECOND_QUESTION_ENTITY, second)] if second else []
    found += [(ASKED_TOPIC_ENTITY, intent) for intent in asked]
    if found:
        entities = [
            {"entity": name, "value": value, "start": 0, "end": 0, "extractor": extractor}
            for name, value in found
        ]
        message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
