"""Rasa component: the language of each message, offline (issue 21).

A character n-gram model (TF-IDF over accent-folded 1-4-grams, logistic regression with a
fixed seed) trained on our own English and Spanish training examples: no download, no
package with a model inside. When it is sure, and the message is long enough to tell, it
adds a ``language`` entity ("en" or "es"), which fills the ``language`` slot before any
action runs, so the fixed replies' Spanish variants are chosen at once; otherwise it adds
nothing and the conversation keeps its language.

It also routes each message to one language's model (docs/nlu.md, "Spanish"): a message
that leans Spanish is marked ``READS_SPANISH``, and the English featurizer and classifier
skip it, so a Spanish message pays for one sentence encoder, not two. It therefore runs
before ``MiniLMFeaturizer`` in config.yml.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

import joblib
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from nlu_components.languages import (
    LANGUAGE_ENTITY,
    SPANISH,
    example_language,
    fold,
    long_enough,
    short_and_clear,
    sure_language,
)

MODEL_FILE = "language_detector.joblib"
# A message property, not in the parse output: read by the Spanish model, skipped by the English.
READS_SPANISH = "reads_spanish"


def reads_spanish(message: Message) -> bool:
    """Whether the message goes to the Spanish model (``LanguageDetector`` decided)."""
    return bool(message.get(READS_SPANISH))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class LanguageDetector(GraphComponent):
    """Adds a ``language`` entity when it is sure of a message's language."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # sure: from this probability the conversation's language is set.
        # leans_spanish: from this one the message is read by the Spanish model (short ones
        # too: "es gratis?" names no language but is read in Spanish).
        return {"sure": 0.8, "leans_spanish": 0.5, "C": 10.0, "random_state": 42}

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn", "joblib"]

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Optional[Pipeline] = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.model = model

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LanguageDetector":
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "LanguageDetector":
        with model_storage.read_from(resource) as directory:
            model = joblib.load(directory / MODEL_FILE)
        return cls(config, model_storage, resource, model)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(TEXT)]
        self.model = Pipeline(
            [
                (
                    "ngrams",
                    TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True),
                ),
                (
                    "classifier",
                    LogisticRegression(
                        C=float(self.config["C"]),
                        max_iter=2000,
                        class_weight="balanced",  # far fewer Spanish examples than English
                        random_state=int(self.config["random_state"]),
                    ),
                ),
            ]
        )
        self.model.fit(
            [fold(e.get(TEXT)) for e in examples], [example_language(e.data) for e in examples]
        )
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump(self.model, directory / MODEL_FILE)
        return self._resource

    def probability_spanish(self, text: str) -> float:
        if self.model is None:
            raise RuntimeError("LanguageDetector used before training")
        classes = list(self.model.classes_)
        if SPANISH not in classes:
            return 0.0
        return float(self.model.predict_proba([fold(text)])[0][classes.index(SPANISH)])

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            probability = self.probability_spanish(text) if text.strip() else 0.0
            message.set(READS_SPANISH, probability >= float(self.config["leans_spanish"]))
            if long_enough(text):
                language = sure_language(probability, float(self.config["sure"]))
            else:
                language = short_and_clear(text)
                if language is not None and (language == SPANISH) != reads_spanish(message):
                    language = None  # the word lists and the model disagree: keep the language
            if language is None:
                continue
            entity = {
                "entity": LANGUAGE_ENTITY,
                "value": language,
                "start": 0,
                "end": len(text),
                "extractor": self.__class__.__name__,
            }
            message.set(ENTITIES, [*(message.get(ENTITIES) or []), entity], add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
