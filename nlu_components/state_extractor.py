"""Rasa entity extractor: the US state a parent names ("PA mom here", "we're in Calif."),
and the slot type that keeps it.

Rule-based (``knowledge_base.states``): a state is a closed list, and a statistical
extractor would need examples of all 56 names and their abbreviations. The entity
``us_state`` carries the postal code; the domain maps it to the ``us_state`` slot, so the
answers that follow add that state's notes.

The slot is a ``StateSlot`` (``type: nlu_components.state_extractor.StateSlot`` in
domain.yml, Rasa's custom slot types), which holds a known postal code or nothing.
Checked in the slot itself rather than where it is set, because it is set from several
places: the domain's ``from_entity`` mapping (which takes any ``us_state`` entity,
including one typed in an intent payload such as ``/give_state{"us_state":"XX"}``), the
actions' ``SlotSet`` events, the session start that carries slots over, and every stored
``slot`` event replayed when a conversation is loaded. Rasa applies all of them through
the slot's ``value`` setter, so this one check covers them all, on the Rasa server, before
any action or answer reads the slot. (The events themselves are stored as sent: the
insights report skips unknown values too.) The alternatives were weaker: a ``validate_``
action costs an action-server call on every turn; a ``categorical`` slot stores unknown
values anyway (it only warns when featurising them); checking in each action that reads
the slot leaves the slot itself, and the conversation's stored state, wrong.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.slots import TextSlot
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from contract.slots import US_STATE
from knowledge_base.states import find_states, known_state

ENTITY = US_STATE
logger = logging.getLogger(__name__)


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


class StateSlot(TextSlot):
    """A text slot that only ever holds a known postal code ("PA") or None.

    A value that names no known state ("XX", "<b>", 42) is refused: the slot keeps what it
    had, so a junk payload neither invents a state nor forgets the parent's real one. A
    lower-case or padded code (" pa ") is kept as its code. None (reset, "forget my
    state") always clears it.
    """

    type_name = "nlu_components.state_extractor.StateSlot"

    def __init__(
        self,
        name: Text,
        mappings: List[Dict[Text, Any]],
        initial_value: Any = None,
        value_reset_delay: Optional[int] = None,
        influence_conversation: bool = True,
    ) -> None:
        super().__init__(
            name, mappings, known_state(initial_value), value_reset_delay, influence_conversation
        )

    @property
    def value(self) -> Any:
        return TextSlot.value.__get__(self)  # Rasa's own getter

    @value.setter
    def value(self, value: Any) -> None:
        if value is not None:
            value = known_state(value)
            if value is None:
                logger.debug("slot.refused %s: not a known state", self.name)
                return
        TextSlot.value.__set__(self, value)  # Rasa's own setter, with the checked value
