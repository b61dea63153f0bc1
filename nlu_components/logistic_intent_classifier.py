"""Rasa intent classifier: logistic regression over sentence meaning and spelling.

Features per message: the MiniLM sentence embedding (from ``MiniLMFeaturizer``), which
carries meaning across paraphrases, beside TF-IDF character n-grams of the text, which
carry typos ("mediater") and domain words, and (optionally) the L2-normalised sparse
sentence features of earlier featurizers, such as lemma counts over spaCy's lemmas.
Measured against DIET on the same held-out data, this answers far more paraphrases at the
same rate of wrong answers (docs/nlu.md).

Long messages are also read one question at a time (``nlu_components/questions.py``): the
same model classifies each sentence from its embedding and character n-grams (the lemma
counts exist for whole messages only and are zero). When the whole message is unclear, the
clearest question inside it decides; when a second, different topic question is clear
too, it is reported as a ``second_question`` entity so the assistant can offer it.
Messages ``LanguageDetector`` routed to the Spanish model are left to it.
"""

from __future__ import annotations

import logging
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
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from nlu_components import questions
from nlu_components.language_detector import reads_spanish
from nlu_components.languages import ENGLISH, example_language
from nlu_components.logistic_fit import fit_logistic_regression, stacked
from nlu_components.mediation_words import names_mediation
from nlu_components.minilm import shared_encoder
from nlu_components.minilm_featurizer import MiniLMFeaturizer
from nlu_components.prediction_layout import for_prediction
from nlu_components.reading import record_reading

logger = logging.getLogger(__name__)
MODEL_FILE = "logistic_intent_classifier.joblib"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LogisticIntentClassifier(GraphComponent, IntentClassifier):
    """Logistic regression on [sentence embedding x weight, character TF-IDF]."""

    @classmethod
    def required_components(cls) -> List[type]:
        """It reads the MiniLM embedding (and fails without it), not just any featurizer."""
        return [MiniLMFeaturizer]

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn", "joblib"]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "C": 10.0,  # inverse regularisation strength
            "embedding_weight": 2.0,  # scale of the embedding next to the TF-IDF block
            "min_ngram": 2,
            "max_ngram": 4,
            # n-grams seen in one example only: half the features, the same held-out accuracy,
            # a third less training time (measured on our data, docs/nlu.md).
            "min_df": 2,
            "max_iter": 3000,
            "random_state": 42,
            "ranking_length": 10,
            # Also use sparse sentence features of earlier featurizers (e.g. lemma counts
            # from CountVectorsFeaturizer over spaCy's lemmas).
            "use_sparse_features": True,
            # Reading long messages one question at a time (see the module docstring).
            "split_questions": True,
            "whole_message_confident": 0.6,  # below this, a clearer question may decide
            "question_confident": 0.55,  # a sentence's topic counts from here
            "question_plausible": 0.3,  # ... and is offered in "Did you mean…" from here
            "second_question_confident": 0.85,
            # A story with a clear topic question inside is answered, not just acknowledged.
            "story_intents": ["describe_dispute"],
            "max_length": 128,  # MiniLM tokens, as in MiniLMFeaturizer
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        vectorizer: Optional[TfidfVectorizer] = None,
        classifier: Optional[LogisticRegression] = None,
        sparse_width: Optional[int] = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.vectorizer = vectorizer
        self.classifier = classifier
        self.sparse_width = sparse_width

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LogisticIntentClassifier":
        return cls(config, model_storage, resource)

    def _embedding(self, message: Message) -> np.ndarray:
        _, sentence = message.get_dense_features(TEXT)
        if sentence is None:
            raise ValueError("LogisticIntentClassifier needs MiniLMFeaturizer before it")
        return sentence.features.reshape(-1)

    def _blocks(self, messages: List[Message]) -> Tuple[np.ndarray, csr_matrix]:
        embeddings = np.vstack([self._embedding(m) for m in messages])
        texts = [m.get(TEXT) or "" for m in messages]
        lemma_counts = None
        if self.config["use_sparse_features"]:
            lemma_counts = csr_matrix(np.vstack([self._sparse(m) for m in messages]))
        return self._feature_blocks(embeddings, texts, lemma_counts)

    def _matrix(self, messages: List[Message]) -> csr_matrix:
        return stacked(*self._blocks(messages))

    def _feature_blocks(
        self, embeddings: np.ndarray, texts: List[str], lemma_counts: Optional[csr_matrix]
    ) -> Tuple[np.ndarray, csr_matrix]:
        """The dense block (embedding x weight) and the sparse one (character TF-IDF, lemma
        counts when configured)."""
        if self.vectorizer is None:
            raise RuntimeError("LogisticIntentClassifier used before training")
        sparse = [self.vectorizer.transform([t.lower() for t in texts])]
        if lemma_counts is not None:
            sparse.append(lemma_counts)
        dense = embeddings * float(self.config["embedding_weight"])
        return dense, hstack(sparse).tocsr()

    def _sparse(self, message: Message) -> np.ndarray:
        """L2-normalised sparse sentence features; zeros where the featurizers added none
        (an empty message), so every row has the width seen in training."""
        _, sentence = message.get_sparse_features(TEXT)
        if sentence is None:
            return np.zeros((1, self.sparse_width or 0))
        row = sentence.features.toarray().reshape(1, -1)
        if self.sparse_width is None:
            self.sparse_width = row.shape[1]
        return row / max(1.0, float(np.linalg.norm(row)))

    def train(self, training_data: TrainingData) -> Resource:
        # English examples only: Spanish ones train SpanishIntentClassifier (MiniLM is English).
        examples = [
            e
            for e in training_data.intent_examples
            if e.get(INTENT) and e.get(TEXT) and example_language(e.data) == ENGLISH
        ]
        self.vectorizer = TfidfVectorizer(
            analyzer="char_wb",
            sublinear_tf=True,
            min_df=int(self.config["min_df"]),
            ngram_range=(int(self.config["min_ngram"]), int(self.config["max_ngram"])),
        )
        self.vectorizer.fit([e.get(TEXT).lower() for e in examples])
        self.classifier = for_prediction(
            fit_logistic_regression(
                *self._blocks(examples),
                [e.get(INTENT) for e in examples],
                C=float(self.config["C"]),
                max_iter=int(self.config["max_iter"]),
                random_state=int(self.config["random_state"]),
            )
        )
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump(
                (self.vectorizer, self.classifier, self.sparse_width),
                directory / MODEL_FILE,
            )
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "LogisticIntentClassifier":
        with model_storage.read_from(resource) as directory:
            vectorizer, classifier, sparse_width = joblib.load(directory / MODEL_FILE)
        classifier = for_prediction(classifier)
        return cls(
            config,
            model_storage,
            resource,
            vectorizer,
            classifier,
            sparse_width,
        )

    def _rank(self, probabilities: np.ndarray) -> List[Dict[str, Any]]:
        if self.classifier is None:
            raise RuntimeError("LogisticIntentClassifier used before training")
        classes = self.classifier.classes_
        order = np.argsort(-probabilities)[: int(self.config["ranking_length"]) or None]
        return [{"name": str(classes[i]), "confidence": float(probabilities[i])} for i in order]

    def _question_rankings(self, text: str) -> List[List[Dict[str, Any]]]:
        """A ranking for each question-like segment of a message of several segments.

        A sentence that names mediation counts as one even without a question mark: "a
        friend said something about mediation but I have no money for a lawyer" asks."""
        if self.classifier is None or not self.config["split_questions"]:
            return []
        parts = questions.segments(text)
        pairs = questions.asking(parts, questions.is_question, names_mediation)
        if len(parts) < 2 or not pairs:
            return []
        asked = questions.questions_first(pairs)
        real_questions = sum(real for _, real in pairs)
        return questions.without_statements(self._segment_rankings(asked), real_questions)

    def _segment_rankings(self, texts: List[str]) -> List[List[Dict[str, Any]]]:
        """Parts of a message, each read alone: the questions inside it, or the story
        before a closing request for help."""
        if self.classifier is None:
            raise RuntimeError("LogisticIntentClassifier used before training")
        embeddings = shared_encoder(int(self.config["max_length"])).encode(texts)
        rows = self.classifier.predict_proba(self._segment_features(embeddings, texts))
        return [self._rank(row) for row in rows]

    def _segment_ranking(self, text: str) -> List[Dict[str, Any]]:
        return self._segment_rankings([text])[0]

    def _segment_features(self, embeddings: np.ndarray, texts: List[str]) -> csr_matrix:
        """A segment's features for the one classifier: the embedding and character
        n-grams as for a message, and no lemma counts (Rasa's featurizers make those per
        message, not per sentence), so that block is zero. A separate classifier of the
        embedding alone read a misspelled question inside a story less surely than the
        same question sent alone; one of its own with the n-grams cost 38 s of training."""
        lemma_counts = None
        if self.config["use_sparse_features"]:
            lemma_counts = csr_matrix((len(texts), self.sparse_width or 0))
        return stacked(*self._feature_blocks(embeddings, texts, lemma_counts))

    def _read_questions(
        self, text: str, ranking: List[Dict[str, Any]]
    ) -> Tuple[List[Dict[str, Any]], Optional[str], List[str]]:
        """The ranking to use for the message, a second topic question, if any
        (``questions.choose_ranking``), and the topics its questions lean to."""
        rankings = self._question_rankings(text)
        logger.debug("question segments: %s", [r[0] for r in rankings])
        chosen, second = questions.choose_ranking(ranking, rankings, self.config)
        asked = questions.asked_topics(rankings, float(self.config["question_plausible"]))
        return chosen, second, asked

    def process(self, messages: List[Message]) -> List[Message]:
        english = [m for m in messages if not reads_spanish(m)]
        if self.classifier is None or not english:
            return messages
        probabilities = self.classifier.predict_proba(self._matrix(english))
        for message, row in zip(english, probabilities):
            text = message.get(TEXT) or ""
            ranking, second, asked = self._read_questions(text, self._rank(row))
            ranking, second = questions.story_over_generic_ask(
                text, ranking, second, self._segment_ranking, self.config
            )
            record_reading(message, ranking, second, self.__class__.__name__, asked)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
