"""Rasa component: the language of each message, offline (issue 21).

A character n-gram model (TF-IDF over accent-folded 1-4-grams, logistic regression with a
fixed seed) trained on our own English and Spanish training examples: no download, no
package with a model inside. When it is sure, and the message is long enough to tell, it
adds a ``language`` entity ("en" or "es"), which fills the ``language`` slot before any
action runs, so the fixed replies' Spanish variants are chosen at once; otherwise it adds
nothing and the conversation keeps its language.
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
    sure_language,
)

MODEL_FILE = "language_detector.joblib"
SPANISH_PROBABILITY = "spanish_probability"  # a message property, not in the parse output


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class LanguageDetector(GraphComponent):
    """Adds a ``language`` entity when it is sure of a message's language."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"sure": 0.8, "C": 10.0, "random_state": 42}

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
            # For the Spanish classifier, which also reads short messages that lean Spanish.
            message.set(SPANISH_PROBABILITY, probability)
            if not long_enough(text):
                continue
            language = sure_language(probability, float(self.config["sure"]))
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
