"""The offline MiniLM encoder and the intent classifier built on it."""

from __future__ import annotations

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.logistic_intent_classifier import LogisticIntentClassifier
from nlu_components.minilm import MiniLMEncoder
from nlu_components.minilm_featurizer import MiniLMFeaturizer


@pytest.fixture(scope="module")
def encoder() -> MiniLMEncoder:
    return MiniLMEncoder()


def test_embeddings_are_unit_length_and_put_paraphrases_together(encoder):
    free, pays, wear = encoder.encode(
        ["is mediation free?", "who pays for the mediation", "what should I wear to the meeting"]
    )
    assert np.allclose([np.linalg.norm(free), np.linalg.norm(wear)], 1.0, atol=1e-5)
    assert free @ pays > 0.6 > free @ wear


def test_batching_and_padding_do_not_change_an_embedding(encoder):
    texts = ["free?", "can the school district make us go to mediation before a hearing", ""]
    together = encoder.encode(texts)
    alone = np.vstack([encoder.encode([t]) for t in texts])
    assert np.allclose(together, alone, atol=1e-5)


def _messages(featurizer, pairs):
    messages = [Message(data={TEXT: text, INTENT: intent}) for text, intent in pairs]
    featurizer.process(messages)
    return messages


def test_a_cached_single_text_embedding_equals_the_batched_one_and_cannot_be_changed(encoder):
    batched = encoder.encode(["do i need a lawyer", "tell me more"])
    first = encoder.encode(["tell me more"])
    first[0, :] = 0.0  # a caller changing its copy must not change the cache
    again = encoder.encode(["tell me more"])
    assert np.allclose(again[0], batched[1], atol=1e-6) and np.abs(again).sum() > 1


def test_classifier_learns_intents_and_persists(tmp_path):
    featurizer = MiniLMFeaturizer({**MiniLMFeaturizer.get_default_config()}, "minilm")
    train = _messages(
        featurizer,
        [
            ("is mediation free", "ask_cost"),
            ("who pays for mediation", "ask_cost"),
            ("do we have to pay anything", "ask_cost"),
            ("is mediation voluntary", "ask_voluntary"),
            ("can they force me to mediate", "ask_voluntary"),
            ("do I have to go to mediation", "ask_voluntary"),
        ],
    )
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    classifier = LogisticIntentClassifier.create(
        {**LogisticIntentClassifier.get_default_config(), "use_sparse_features": False},
        storage,
        Resource("classifier"),
        context,
    )
    classifier.train(TrainingData(training_examples=train))
    loaded = LogisticIntentClassifier.load(
        {**LogisticIntentClassifier.get_default_config(), "use_sparse_features": False},
        storage,
        Resource("classifier"),
        context,
    )
    asked = _messages(
        featurizer, [("does mediation cost money?", None), ("is it mandatory to mediate", None)]
    )
    loaded.process(asked)
    assert [m.get(INTENT)["name"] for m in asked] == ["ask_cost", "ask_voluntary"]
    ranking = asked[0].get("intent_ranking")
    assert [r["name"] for r in ranking] == ["ask_cost", "ask_voluntary"]
    assert ranking[0]["confidence"] > ranking[1]["confidence"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2", True),
        (" 3. ", True),
        ("#1", True),
        ("1)", True),
        ("12", True),
        ("2 kids", False),
        ("is 2 enough", False),
        ("", False),
        ("two", False),
    ],
)
def test_number_replies_become_choose_option(text, expected):
    from nlu_components.number_reply import NumberReplyClassifier, is_number_reply

    assert is_number_reply(text) is expected
    message = Message(data={TEXT: text, INTENT: {"name": "ask_cost", "confidence": 0.9}})
    NumberReplyClassifier().process([message])
    assert (message.get(INTENT)["name"] == "choose_option") is expected


def test_an_experiment_can_point_the_encoder_at_other_weights(monkeypatch, tmp_path):
    from nlu_components.minilm import WEIGHTS_DIR_VARIABLE, default_model_dir

    monkeypatch.delenv(WEIGHTS_DIR_VARIABLE, raising=False)
    served = default_model_dir()
    assert (served / "model.safetensors").exists()
    monkeypatch.setenv(WEIGHTS_DIR_VARIABLE, str(tmp_path))
    assert default_model_dir() == tmp_path
