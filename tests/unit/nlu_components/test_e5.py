"""The Spanish classifier's sentence encoder: cached rows are the batched ones, unchangeable."""

from __future__ import annotations

import numpy as np

from nlu_components.e5 import cached_query_embeddings, query_embeddings

TEXTS = ["la mediacion es gratis?", "quien escoge al mediador?", "que es mejor, ir a audiencia?"]


def test_a_cached_row_equals_the_batched_one_and_rows_mean_something():
    batched = query_embeddings(TEXTS)
    cached = cached_query_embeddings(TEXTS)
    assert batched.shape == (3, 384) and np.allclose(cached, batched, atol=1e-6)
    assert np.allclose(np.linalg.norm(batched, axis=1), 1.0, atol=1e-3)
    paid = cached_query_embeddings(["quien paga la mediacion?"])[0]
    assert paid @ batched[0] > paid @ batched[2]


def test_a_caller_changing_its_rows_does_not_change_the_cache():
    first = cached_query_embeddings(TEXTS[:1])
    first[:] = 0.0
    assert np.abs(cached_query_embeddings(TEXTS[:1])).sum() > 1


def test_no_texts_give_no_rows():
    assert query_embeddings([]).shape == cached_query_embeddings([]).shape == (0, 384)
