"""A trained logistic regression laid out for scoring one message at a time.

scikit-learn scores a sparse row as ``X @ coef_.T``. With ``coef_`` row-major, as ``fit``
leaves it, scipy copies the whole transposed matrix (intents x features, several MB) on
every call: a fifth of the time of parsing a short English question. Stored column-major,
``coef_.T`` is already row-major, nothing is copied, and the scores are the same numbers.
"""

from __future__ import annotations

from typing import Optional

import numpy as np
from sklearn.linear_model import LogisticRegression


def for_prediction(classifier: Optional[LogisticRegression]) -> Optional[LogisticRegression]:
    """``classifier`` with its coefficients stored column-major (the same values); None
    (a model trained without examples of its language) stays None."""
    if classifier is not None:
        classifier.coef_ = np.asfortranarray(classifier.coef_)
    return classifier
