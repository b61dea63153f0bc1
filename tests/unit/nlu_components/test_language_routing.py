"""One model per language: a message that leans Spanish is read by the Spanish model only.

The English sentence encoder and classifier skip it (MiniLM is English-only, and running it
too cost a Spanish message a second encoder); English messages never reach the Spanish one.
"""

from __future__ import annotations

from typing import Dict, List, Tuple

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.language_detector import LanguageDetector, reads_spanish
from nlu_components.logistic_intent_classifier import LogisticIntentClassifier
from nlu_components.minilm_featurizer import MiniLMFeaturizer

ENGLISH = [
    ("is mediation free", "ask_cost"),
    ("who pays for mediation", "ask_cost"),
    ("do we have to pay anything for the mediator", "ask_cost"),
    ("is mediation voluntary", "ask_voluntary"),
    ("can the school force me to mediate", "ask_voluntary"),
    ("do I have to go to mediation if I don't want to", "ask_voluntary"),
]
SPANISH = [
    ("la mediacion es gratis", "ask_cost"),
    ("quien paga la mediacion", "ask_cost"),
    ("tenemos que pagar algo por el mediador", "ask_cost"),
    ("la mediacion es voluntaria", "ask_voluntary"),
    ("me pueden obligar a ir a la mediacion", "ask_voluntary"),
    ("tengo que ir a mediacion si no quiero", "ask_voluntary"),
]
SPANISH_METADATA: Dict = {"metadata": {"intent": {"language": "es"}}}


def _examples(pairs: List[Tuple[str, str]], extra: Dict) -> List[Message]:
    return [Message(data={TEXT: text, INTENT: intent, **extra}) for text, intent in pairs]


@pytest.fixture(scope="module")
def detector(tmp_path_factory) -> LanguageDetector:
    storage = LocalModelStorage(tmp_path_factory.mktemp("detector"))
    context = ExecutionContext(GraphSchema({}), "test")
    component = LanguageDetector.create(
        LanguageDetector.get_default_config(), storage, Resource("detector"), context
    )
    component.train(
        TrainingData(
            training_examples=_examples(ENGLISH, {}) + _examples(SPANISH, SPANISH_METADATA)
        )
    )
    return component


def _routed(detector: LanguageDetector, texts: List[str]) -> List[Message]:
    messages = [Message(data={TEXT: text}) for text in texts]
    detector.process(messages)
    return messages


def test_the_detector_routes_spanish_messages_short_ones_too(detector):
    messages = _routed(
        detector, ["hola, la mediacion es gratis?", "es gratis?", "is mediation free?", "", "   "]
    )
    assert [reads_spanish(m) for m in messages] == [True, True, False, False, False]


def _language(message: Message):
    found = [e["value"] for e in message.get("entities") or [] if e["entity"] == "language"]
    return found[0] if found else None


def test_a_short_message_names_its_language_only_when_every_word_says_it(detector):
    messages = _routed(
        detector,
        [
            "es gratis?",
            "la mediacion?",
            "ok",
            "si",
            "IEP meeting",
            "ok gracias",
            "is it free?",
            "thank you",
            "buenas noches",
        ],
    )
    assert [_language(m) for m in messages] == [
        "es",
        "es",
        None,
        None,
        None,
        None,
        "en",
        None,
        None,
    ]


def test_english_components_skip_a_message_routed_to_spanish(detector, tmp_path):
    featurizer = MiniLMFeaturizer(MiniLMFeaturizer.get_default_config(), "minilm")
    train = _examples(ENGLISH, {})
    featurizer.process(train)
    config = {**LogisticIntentClassifier.get_default_config(), "use_sparse_features": False}
    context = ExecutionContext(GraphSchema({}), "test")
    classifier = LogisticIntentClassifier.create(
        config, LocalModelStorage(tmp_path), Resource("classifier"), context
    )
    classifier.train(TrainingData(training_examples=train))

    spanish, english = _routed(detector, ["me pueden obligar a ir?", "can they make me go?"])
    featurizer.process([spanish, english])
    classifier.process([spanish, english])

    assert spanish.get_dense_features(TEXT) == (None, None)
    assert spanish.get(INTENT) is None
    assert english.get_dense_features(TEXT)[1] is not None
    assert english.get(INTENT)["name"] == "ask_voluntary"


def test_spanish_training_examples_get_no_minilm_embedding():
    featurizer = MiniLMFeaturizer(MiniLMFeaturizer.get_default_config(), "minilm")
    english, spanish = _examples(ENGLISH, {}), _examples(SPANISH, SPANISH_METADATA)
    featurizer.process_training_data(TrainingData(training_examples=english + spanish))
    assert all(m.get_dense_features(TEXT)[1] is not None for m in english)
    assert all(m.get_dense_features(TEXT) == (None, None) for m in spanish)
