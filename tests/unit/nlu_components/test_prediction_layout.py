"""A classifier laid out for prediction scores a message as before, without copying its
coefficients on every call."""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

from nlu_components.prediction_layout import for_prediction


def trained() -> LogisticRegression:
    rng = np.random.default_rng(0)
    features = csr_matrix(rng.random((60, 40)) * (rng.random((60, 40)) > 0.7))
    labels = [f"intent_{i % 4}" for i in range(60)]
    return LogisticRegression(C=10.0, max_iter=500, random_state=42).fit(features, labels)


def test_the_scores_are_the_same_numbers():
    plain, laid_out = trained(), for_prediction(trained())
    message = csr_matrix(np.linspace(0.0, 1.0, 40).reshape(1, 40))
    assert np.array_equal(plain.predict_proba(message), laid_out.predict_proba(message))
    assert list(plain.classes_) == list(laid_out.classes_)


def test_the_transposed_coefficients_need_no_copy():
    assert not trained().coef_.T.flags["C_CONTIGUOUS"]  # what scipy copies on every call
    assert for_prediction(trained()).coef_.T.flags["C_CONTIGUOUS"]


def test_no_classifier_stays_none():
    assert for_prediction(None) is None
