"""A reply that is only a number ("2", "3.", "#1") picks from the options just listed.

Text channels without buttons (SMS, WhatsApp) list options as "Reply 1, 2 or 3"; a
statistical classifier cannot be trusted with a lone digit, so this rule decides it:
the intent becomes ``choose_option`` with full confidence, and ``action_choose_option``
maps the number onto the options the conversation last offered.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from contract.intents import CHOOSE_OPTION

NUMBER_REPLY = re.compile(r"^\s*#?\s*(\d{1,2})\s*[.)]?\s*$")
INTENT_NAME = CHOOSE_OPTION


def is_number_reply(text: str) -> bool:
    return bool(NUMBER_REPLY.match(text or ""))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class NumberReplyClassifier(GraphComponent):
    """Overrides the intent of a bare-number message with ``choose_option``."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "NumberReplyClassifier":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if is_number_reply(message.get(TEXT)):
                intent = {"name": INTENT_NAME, "confidence": 1.0}
                message.set(INTENT, intent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)
        return messages
