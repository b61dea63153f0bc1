"""Training a multinomial logistic regression over [dense embedding | sparse n-grams] faster.

Both intent classifiers stack a sentence embedding (384 dense columns) beside sparse
character n-grams into one sparse matrix. scikit-learn's lbfgs solver then multiplies that
matrix as sparse on every step, and three quarters of its stored values are the dense
embedding: most of the two classifiers' training time (issue 19's training target).

``fit_logistic_regression`` minimises the same objective as scikit-learn's
``LogisticRegression(solver="lbfgs")`` for three or more classes (summed multinomial log
loss, L2 penalty 1/(2C) on the weights, unpenalised intercepts, from zero, to the same
gradient tolerance), but multiplies the embedding block as a dense array, and steps with
``lbfgs.minimise`` instead of scipy's L-BFGS-B, whose own bookkeeping on a million weights
cost as much as the loss. The loss is strictly convex, so both reach the same optimum; the
paths and the rounding differ (probabilities agree to about 3e-4). It returns a
``LogisticRegression``, so saving, loading and scoring are unchanged; ``stacked`` lays a
message's blocks out as the model scores them.
"""

from __future__ import annotations

import warnings
from typing import Sequence, Tuple

import numpy as np
from scipy.sparse import csr_matrix, hstack, spmatrix
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

from nlu_components import lbfgs

TOLERANCE = 1e-4  # scikit-learn's default ``tol``, its L-BFGS-B ``gtol``


def stacked(dense: np.ndarray, sparse: spmatrix) -> csr_matrix:
    """[dense | sparse] as one sparse matrix: the columns a fitted model scores."""
    return hstack([csr_matrix(dense), sparse]).tocsr()


def fit_logistic_regression(
    dense: np.ndarray,
    sparse: spmatrix,
    labels: Sequence[str],
    C: float,
    max_iter: int,
    random_state: int,
) -> LogisticRegression:
    """A ``LogisticRegression(C, max_iter, random_state)`` fitted on ``stacked(dense,
    sparse)``. Fewer than three classes go to scikit-learn itself (its binary model has
    one row of weights)."""
    classifier = LogisticRegression(C=C, max_iter=max_iter, random_state=random_state)
    classes, targets = np.unique(np.asarray(labels), return_inverse=True)
    if len(classes) < 3:
        return classifier.fit(stacked(dense, sparse), labels)
    dense = np.ascontiguousarray(dense, dtype=np.float64)
    sparse = csr_matrix(sparse, dtype=np.float64)
    weights, iterations = _minimise(dense, sparse, targets, len(classes), C, max_iter)
    classifier.classes_ = classes
    classifier.coef_ = weights[:, :-1]
    classifier.intercept_ = weights[:, -1].copy()
    classifier.n_iter_ = np.array([iterations], dtype=np.int32)
    classifier.n_features_in_ = dense.shape[1] + sparse.shape[1]
    return classifier


def _minimise(
    dense: np.ndarray,
    sparse: csr_matrix,
    targets: np.ndarray,
    n_classes: int,
    C: float,
    max_iter: int,
) -> Tuple[np.ndarray, int]:
    """Weights (classes x [features, intercept]) at the optimum, and the steps taken."""
    n_dense = dense.shape[1]
    n_features = n_dense + sparse.shape[1]
    sparse_transposed = sparse.T.tocsr()
    one_hot = np.zeros((len(targets), n_classes))
    one_hot[np.arange(len(targets)), targets] = 1.0
    penalty = 1.0 / C

    def loss_and_gradient(flat: np.ndarray) -> Tuple[float, np.ndarray]:
        # scikit-learn's layout: the classes of one feature are contiguous (order "F").
        weights = flat.reshape((n_classes, -1), order="F")
        scores = dense @ weights[:, :n_dense].T + sparse @ weights[:, n_dense:n_features].T
        scores += weights[:, -1]
        top = scores.max(axis=1, keepdims=True)
        exp = np.exp(scores - top)
        total = exp.sum(axis=1, keepdims=True)
        log_norm = np.log(total) + top
        loss = float((log_norm[:, 0] - scores[np.arange(len(targets)), targets]).sum())
        residual = exp / total - one_hot
        features_part = flat[: n_classes * n_features]  # contiguous in this layout
        loss += 0.5 * penalty * float(features_part.dot(features_part))
        flat_gradient = flat * penalty
        flat_gradient[n_classes * n_features :] = 0.0  # intercepts are not penalised
        gradient = flat_gradient.reshape((n_classes, -1), order="F")
        gradient[:, :n_dense] += residual.T @ dense
        gradient[:, n_dense:n_features] += (sparse_transposed @ residual).T
        gradient[:, -1] += residual.sum(axis=0)
        return loss, flat_gradient

    start = np.zeros(n_classes * (n_features + 1))
    result = lbfgs.minimise(loss_and_gradient, start, gtol=TOLERANCE, max_iter=max_iter)
    if not result.converged:
        warnings.warn(
            f"lbfgs stopped after {result.iterations} iterations without converging",
            ConvergenceWarning,
            stacklevel=3,
        )
    return result.x.reshape((n_classes, -1), order="F"), result.iterations
