"""Rasa entity extractor: the US state a parent names ("PA mom here", "we're in Calif.").

Rule-based (``knowledge_base.states``): a state is a closed list, and a statistical
extractor would need examples of all 56 names and their abbreviations. The entity
``us_state`` carries the postal code; the domain maps it to the ``us_state`` slot, so the
answers that follow add that state's notes.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from knowledge_base.states import find_states

ENTITY = "us_state"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class StateExtractor(GraphComponent):
    """Adds one ``us_state`` entity per state named in the message."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "StateExtractor":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            found = [
                {
                    "entity": ENTITY,
                    "value": code,
                    "start": start,
                    "end": end,
                    "confidence_entity": 1.0,
                    "extractor": self.__class__.__name__,
                }
                for code, start, end in find_states(message.get(TEXT) or "")
            ]
            if found:
                message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages
