"""How an intent classifier writes its reading of a message onto it.

The English and the Spanish classifier read a message the same way (its ranking, and a
second topic question found inside it), so they record it the same way: the actions and
the FallbackClassifier cannot tell which of the two read a message.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message

from contract.intents import SECOND_QUESTION_ENTITY


def record_reading(
    message: Message, ranking: List[Dict[str, Any]], second: Optional[str], extractor: str
) -> None:
    """Set the intent and its ranking, and the second question as an entity, if any."""
    message.set(INTENT, ranking[0], add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
    if second:
        entity = {
            "entity": SECOND_QUESTION_ENTITY,
            "value": second,
            "start": 0,
            "end": 0,
            "extractor": extractor,
        }
        message.set(ENTITIES, message.get(ENTITIES, []) + [entity], add_to_output=True)
