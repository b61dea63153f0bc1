"""A message that only names mediation ("medation sombody said i shud do it??") is a
question about what mediation is.

A worried parent's first message is often no more than the word they were told, with
"someone said" or "should I" around it. The classifier learns most such phrasings, but
learning is not a promise: this rule makes it one. When every word of the message other
than the mediation word is one of the vague words in ``mediation_words`` (spelled
loosely), and the classifier has not already found a topic, the intent becomes
``ask_what_is_mediation``.
A message that says anything more ("can I record the mediation?") is left to the
classifier, which may decline it.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from contract.intents import WHAT_IS_MEDIATION_TOPIC
from knowledge_base.intents import TOPIC_INTENT_PREFIX
from nlu_components.mediation_words import only_names_mediation

INTENT_NAME = f"{TOPIC_INTENT_PREFIX}{WHAT_IS_MEDIATION_TOPIC}"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class VagueMediationClassifier(GraphComponent):
    """Sets ``ask_what_is_mediation`` for a message that only names mediation, unless the
    classifier before it already found a topic with at least ``topic_confident`` (set it to
    the FallbackClassifier threshold: below it the topic would only be offered)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"topic_confident": 0.6}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.topic_confident = float(config["topic_confident"])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "VagueMediationClassifier":
        return cls({**cls.get_default_config(), **config})

    def _found_topic(self, message: Message) -> bool:
        intent = message.get(INTENT) or {}
        return (
            str(intent.get("name", "")).startswith(TOPIC_INTENT_PREFIX)
            and float(intent.get("confidence") or 0.0) >= self.topic_confident
        )

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if only_names_mediation(message.get(TEXT) or "") and not self._found_topic(message):
                intent = {"name": INTENT_NAME, "confidence": 1.0}
                ranking = [
                    r for r in message.get(INTENT_RANKING_KEY) or [] if r["name"] != INTENT_NAME
                ]
                message.set(INTENT, intent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)
        return messages
