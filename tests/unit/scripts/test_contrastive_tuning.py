"""The fine-tuning experiment trains the encoder the bot serves, on pairs that mean the same."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np

from nlu_components.minilm import shared_encoder
from scripts.contrastive_tuning import pair_batches, same_intent_mask, tf_encoder

TEXTS = [
    "is mediation free?",
    "my son's school won't follow his IEP and a friend said mediation, what do i do",
    "ok",
]


def test_the_tensorflow_copy_embeds_exactly_as_the_served_encoder():
    encoder = shared_encoder()
    model = tf_encoder(encoder.weights, encoder.heads, encoder.layers, encoder.eps)
    encoded = encoder.tokenizer.encode_batch(TEXTS)
    ids = np.array([e.ids for e in encoded])
    mask = np.array([e.attention_mask for e in encoded], np.float32)
    tuned = model(ids, mask).numpy()
    assert np.abs(tuned - encoder.encode(TEXTS)).max() < 1e-5


def test_only_the_transformer_layers_are_trained():
    encoder = shared_encoder()
    model = tf_encoder(encoder.weights, encoder.heads, encoder.layers, encoder.eps)
    trained = {id(v) for v in model.trainable_variables}
    layers = {id(v) for n, v in model.variables_by_name.items() if n.startswith("encoder.layer.")}
    assert trained == layers
    assert "embeddings.word_embeddings.weight" in model.variables_by_name


def test_each_example_is_an_anchor_once_with_another_example_of_its_intent():
    by_intent = {"ask_cost": ["is it free", "who pays", "cost?"], "greet": ["hi", "hello"]}
    batches = pair_batches(by_intent, batch_size=2, rng=random.Random(42))
    pairs = [p for batch in batches for p in batch]
    assert Counter(p[1] for p in pairs) == Counter(t for ts in by_intent.values() for t in ts)
    for intent, anchor, positive in pairs:
        assert positive in by_intent[intent] and positive != anchor
    assert [len(b) for b in batches] == [2, 2, 1]


def test_pairs_of_one_intent_are_not_each_others_negatives():
    mask = same_intent_mask(["ask_cost", "greet", "ask_cost"])
    assert mask.tolist() == [[0, 0, 1], [0, 0, 0], [1, 0, 0]]
