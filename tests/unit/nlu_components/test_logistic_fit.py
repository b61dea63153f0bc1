"""The faster fit reaches scikit-learn's model: same classes, same probabilities."""

from __future__ import annotations

from typing import List, Tuple

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

from nlu_components.logistic_fit import fit_logistic_regression, stacked

DENSE = 12


def problem(classes: int, rows: int = 120) -> Tuple[np.ndarray, csr_matrix, List[str]]:
    """A dense block and a sparse one, with labels that depend on both, as the classifiers'."""
    rng = np.random.default_rng(7)
    labels = rng.integers(0, classes, rows)
    dense = rng.normal(size=(rows, DENSE)) + labels[:, None] * 0.3
    sparse = rng.random((rows, 30)) * (rng.random((rows, 30)) > 0.8)
    sparse[np.arange(rows), labels] += 0.5
    return dense, csr_matrix(sparse), [f"ask_topic_{label}" for label in labels]


def test_the_probabilities_are_scikit_learns():
    dense, sparse, labels = problem(classes=5)
    ours = fit_logistic_regression(dense, sparse, labels, C=10.0, max_iter=3000, random_state=42)
    features = stacked(dense, sparse)
    assert features.shape == (120, DENSE + 30) and features[:, :DENSE].toarray() == pytest.approx(
        dense
    )
    theirs = LogisticRegression(C=10.0, max_iter=3000, random_state=42).fit(features, labels)
    assert list(ours.classes_) == list(theirs.classes_)
    assert ours.coef_.shape == theirs.coef_.shape
    assert np.abs(ours.predict_proba(features) - theirs.predict_proba(features)).max() < 1e-3
    assert list(ours.predict(features)) == list(theirs.predict(features))
    assert ours.n_iter_[0] > 0


def test_two_intents_are_fitted_by_scikit_learn_itself():
    dense, sparse, labels = problem(classes=2)
    ours = fit_logistic_regression(dense, sparse, labels, C=10.0, max_iter=3000, random_state=42)
    assert ours.coef_.shape == (1, DENSE + 30)  # scikit-learn's binary layout


def test_stopping_early_says_so():
    dense, sparse, labels = problem(classes=4)
    with pytest.warns(ConvergenceWarning):
        fit_logistic_regression(dense, sparse, labels, C=10.0, max_iter=2, random_state=42)
