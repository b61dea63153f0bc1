"""Contrastive (SetFit-style) fine-tuning of MiniLM on our English examples: an experiment.

Issue 19 lists it as a candidate for real parents' phrasing. It was measured and not kept
(docs/nlu.md, "Fifth pass"): the field benchmark's held-out half got no more right answers.
This script makes the figure repeatable:

    .venv/bin/python scripts/contrastive_tuning.py --out /tmp/tuned --epochs 1
    IEP_MINILM_DIR=/tmp/tuned .venv/bin/rasa train --config /tmp/config_tuned.yml

where /tmp/config_tuned.yml is config.yml with one more key under MiniLMFeaturizer (any
name, e.g. ``weights: tuned``), so that Rasa's training cache does not reuse the old
embeddings. Then score that model as usual, with IEP_MINILM_DIR set for the servers too.

MiniLM runs in NumPy at serving time (nlu_components/minilm.py). Here the same six layers
are rebuilt in TensorFlow, which Rasa already installs, from the same weights; a test
checks that both give the same embedding. The loss is multiple-negatives ranking: each
example is paired with another of its intent, and the other pairs in the batch are the
negatives, except those of the same intent. The seed is fixed, so a run repeats.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import time
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import numpy as np

from nlu_components.minilm import MiniLMEncoder, default_model_dir

ROOT = Path(__file__).resolve().parents[1]

Pair = Tuple[str, str, str]  # intent, anchor text, positive text


def tf_encoder(weights: Dict[str, np.ndarray], heads: int, layers: int, eps: float):
    """MiniLM as a TensorFlow module whose variables start from ``weights``."""
    import tensorflow as tf

    class TFMiniLM(tf.Module):
        def __init__(self) -> None:
            super().__init__()
            self.variables_by_name = {
                name: tf.Variable(value, trainable=name.startswith("encoder.layer."))
                for name, value in weights.items()
            }

        def _norm(self, x, name: str):
            mean, var = tf.nn.moments(x, axes=[-1], keepdims=True)
            v = self.variables_by_name
            return (x - mean) / tf.sqrt(var + eps) * v[f"{name}.weight"] + v[f"{name}.bias"]

        def _linear(self, x, name: str):
            v = self.variables_by_name
            return tf.matmul(x, v[f"{name}.weight"], transpose_b=True) + v[f"{name}.bias"]

        def __call__(self, ids, mask):
            v = self.variables_by_name
            batch, length = tf.shape(ids)[0], tf.shape(ids)[1]
            x = (
                tf.gather(v["embeddings.word_embeddings.weight"], ids)
                + tf.gather(v["embeddings.position_embeddings.weight"], tf.range(length))[None]
                + v["embeddings.token_type_embeddings.weight"][0]
            )
            x = self._norm(x, "embeddings.LayerNorm")
            width = x.shape[-1]
            head_dim = width // heads
            bias = (1.0 - mask[:, None, None, :]) * -1e9

            def split(t):
                return tf.transpose(tf.reshape(t, [batch, length, heads, head_dim]), [0, 2, 1, 3])

            for i in range(layers):
                p = f"encoder.layer.{i}"
                q, k, val = (
                    split(self._linear(x, f"{p}.attention.self.{n}"))
                    for n in ("query", "key", "value")
                )
                probs = tf.nn.softmax(tf.matmul(q, k, transpose_b=True) / np.sqrt(head_dim) + bias)
                context = tf.reshape(
                    tf.transpose(tf.matmul(probs, val), [0, 2, 1, 3]), [batch, length, width]
                )
                x = self._norm(
                    self._linear(context, f"{p}.attention.output.dense") + x,
                    f"{p}.attention.output.LayerNorm",
                )
                inner = tf.nn.gelu(self._linear(x, f"{p}.intermediate.dense"), approximate=False)
                x = self._norm(
                    self._linear(inner, f"{p}.output.dense") + x, f"{p}.output.LayerNorm"
                )
            summed = tf.reduce_sum(x * mask[..., None], 1)
            pooled = summed / tf.maximum(tf.reduce_sum(mask, 1, keepdims=True), 1e-9)
            return tf.math.l2_normalize(pooled, -1)

        def export(self) -> Dict[str, np.ndarray]:
            return {n: np.ascontiguousarray(v.numpy()) for n, v in self.variables_by_name.items()}

    return TFMiniLM()


def english_examples(data_dir: Path) -> Dict[str, List[str]]:
    """Each intent's English example texts (intents with at least two)."""
    from rasa.shared.nlu.training_data.loading import load_data

    from nlu_components.languages import example_language

    by_intent: Dict[str, List[str]] = {}
    for message in load_data(str(data_dir)).training_examples:
        if example_language(message.data) == "en":
            by_intent.setdefault(message.get("intent"), []).append(message.get("text"))
    return {intent: texts for intent, texts in by_intent.items() if len(texts) >= 2}


def pair_batches(
    by_intent: Dict[str, List[str]], batch_size: int, rng: random.Random
) -> List[List[Pair]]:
    """One epoch: every example once as an anchor, with another example of its intent."""
    pairs: List[Pair] = []
    for intent in sorted(by_intent):
        texts = by_intent[intent]
        for i, text in enumerate(texts):
            other = rng.randrange(len(texts) - 1)
            pairs.append((intent, text, texts[other if other < i else other + 1]))
    rng.shuffle(pairs)
    return [pairs[i : i + batch_size] for i in range(0, len(pairs), batch_size)]


def same_intent_mask(intents: Sequence[str]) -> np.ndarray:
    """1 where two different pairs share an intent: those are not negatives of each other."""
    labels = np.array(intents)
    mask = (labels[:, None] == labels[None, :]).astype(np.float32)
    np.fill_diagonal(mask, 0.0)
    return mask


def tune(
    data_dir: Path, out: Path, epochs: int, learning_rate: float, batch_size: int, seed: int
) -> None:
    import tensorflow as tf
    from safetensors.numpy import save_file

    rng = random.Random(seed)
    np.random.seed(seed)
    tf.random.set_seed(seed)
    encoder = MiniLMEncoder(max_length=64)
    model = tf_encoder(encoder.weights, encoder.heads, encoder.layers, encoder.eps)
    by_intent = english_examples(data_dir)
    batches = [b for _ in range(epochs) for b in pair_batches(by_intent, batch_size, rng)]
    schedule = tf.keras.optimizers.schedules.PolynomialDecay(learning_rate, len(batches), 0.0)
    optimizer = tf.keras.optimizers.Adam(learning_rate=schedule)
    scale = 20.0

    def tensors(texts: List[str]):
        encoded = encoder.tokenizer.encode_batch(texts)
        ids = tf.constant([e.ids for e in encoded])
        return ids, tf.constant([e.attention_mask for e in encoded], tf.float32)

    @tf.function(reduce_retracing=True)
    def step(anchor_ids, anchor_mask, positive_ids, positive_mask, same):
        with tf.GradientTape() as tape:
            anchors = model(anchor_ids, anchor_mask)
            positives = model(positive_ids, positive_mask)
            logits = tf.matmul(anchors, positives, transpose_b=True) * scale - same * 1e4
            labels = tf.range(tf.shape(anchors)[0])
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits))
        variables = model.trainable_variables
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return loss

    started = time.time()
    for number, batch in enumerate(batches, 1):
        if len(batch) < 2:
            continue
        loss = step(
            *tensors([p[1] for p in batch]),
            *tensors([p[2] for p in batch]),
            tf.constant(same_intent_mask([p[0] for p in batch])),
        )
        if number % 50 == 0:
            print(
                f"step {number}/{len(batches)}: loss {float(loss):.3f},"
                f" {time.time() - started:.0f} s"
            )
    print(f"{len(batches)} steps in {time.time() - started:.0f} s")
    out.mkdir(parents=True, exist_ok=True)
    source = default_model_dir()
    for path in source.iterdir():
        if path.is_file() and path.suffix != ".safetensors":
            shutil.copy(path, out / path.name)
    save_file(model.export(), str(out / "model.safetensors"))
    print(f"weights in {out}; train with IEP_MINILM_DIR={out}")


def main(argv: Sequence[str] = ()) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "nlu")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--learning-rate", type=float, default=2e-5)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(list(argv) or None)
    tune(args.data, args.out, args.epochs, args.learning_rate, args.batch_size, args.seed)


if __name__ == "__main__":
    main(sys.argv[1:])
