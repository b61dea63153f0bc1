"""Limited-memory BFGS in NumPy, for the intent classifiers' million-weight fits.

scipy's L-BFGS-B (what scikit-learn's lbfgs solver calls) spent about 50 ms a step on its
own bookkeeping for the Spanish classifier's 1.2 million weights, as long as the loss and
gradient themselves. This is the same method without the bounds: the two-loop recursion
over the last ``memory`` steps in BLAS dots and axpys (about 10 ms a step) and scipy's
strong-Wolfe line search with L-BFGS-B's constants. It stops as L-BFGS-B does: when the
largest gradient component is at most ``gtol``, or when a step lowers the loss by a
relative ``ftol`` or less.
"""

from __future__ import annotations

import warnings
from collections import deque
from dataclasses import dataclass
from typing import Callable, Deque, Optional, Tuple

import numpy as np
from scipy.linalg.blas import daxpy
from scipy.optimize import line_search

LossAndGradient = Callable[[np.ndarray], Tuple[float, np.ndarray]]

FTOL = 2.220446049250313e-09  # scipy's L-BFGS-B default: factr 1e7 x machine epsilon
MEMORY = 10  # scipy's L-BFGS-B default ``maxcor``
SUFFICIENT_DECREASE = 1e-3  # L-BFGS-B's line search constants (its dcsrch ftol, gtol)
CURVATURE = 0.9


@dataclass
class Result:
    """Where the search ended, how many steps it took, and whether it converged."""

    x: np.ndarray
    iterations: int
    converged: bool


@dataclass
class _Pair:
    """One step s, the gradient's change y over it, and 1 / (y . s)."""

    step: np.ndarray
    change: np.ndarray
    rho: float


class _Memo:
    """The line search asks for the loss and the gradient at one point separately:
    evaluate once per point."""

    def __init__(self, function: LossAndGradient) -> None:
        self._function = function
        self._x: Optional[np.ndarray] = None
        self._value: Tuple[float, np.ndarray] = (0.0, np.zeros(0))

    def __call__(self, x: np.ndarray) -> Tuple[float, np.ndarray]:
        if self._x is None or not np.array_equal(x, self._x):
            self._value = self._function(x)
            self._x = x.copy()
        return self._value

    def loss(self, x: np.ndarray) -> float:
        return self(x)[0]

    def gradient(self, x: np.ndarray) -> np.ndarray:
        return self(x)[1]


def _direction(gradient: np.ndarray, pairs: Deque[_Pair]) -> np.ndarray:
    """-H g by the two-loop recursion, H0 scaled by the newest pair (Nocedal & Wright 7.4)."""
    q = gradient.copy()
    alphas = []
    for pair in reversed(pairs):
        alpha = pair.rho * float(pair.step.dot(q))
        q = daxpy(pair.change, q, a=-alpha)  # in place for a contiguous q; the result is q
        alphas.append(alpha)
    if pairs:
        newest = pairs[-1]
        q *= 1.0 / (newest.rho * float(newest.change.dot(newest.change)))
    for pair, alpha in zip(pairs, reversed(alphas)):
        beta = pair.rho * float(pair.change.dot(q))
        q = daxpy(pair.step, q, a=alpha - beta)
    q *= -1.0
    return q


def minimise(
    function: LossAndGradient,
    start: np.ndarray,
    gtol: float,
    max_iter: int,
    ftol: float = FTOL,
    memory: int = MEMORY,
) -> Result:
    """The minimiser of a smooth ``function`` (returning loss and gradient) from ``start``."""
    memo = _Memo(function)
    x = np.array(start, dtype=np.float64)
    loss, gradient = memo(x)
    pairs: Deque[_Pair] = deque(maxlen=memory)
    for iteration in range(max_iter):
        if np.abs(gradient).max() <= gtol:
            return Result(x, iteration, True)
        direction = _direction(gradient, pairs)
        if not pairs:  # the first step is one unit long, as L-BFGS-B's
            direction /= np.linalg.norm(direction)
        with warnings.catch_warnings():  # a failed search is handled, and reported below
            warnings.filterwarnings("ignore", message="The line search algorithm")
            step_size, *_ = line_search(
                memo.loss,
                memo.gradient,
                x,
                direction,
                gradient,
                loss,
                c1=SUFFICIENT_DECREASE,
                c2=CURVATURE,
            )
        if step_size is None:
            if not pairs:
                return Result(x, iteration, False)
            pairs.clear()  # the curvature pairs led nowhere: start again from -g
            continue
        new_x = x + step_size * direction
        new_loss, new_gradient = memo(new_x)
        step, change = new_x - x, new_gradient - gradient
        curvature = float(step.dot(change))
        if curvature > 0.0:
            pairs.append(_Pair(step, change, 1.0 / curvature))
        reduction = (loss - new_loss) / max(abs(loss), abs(new_loss), 1.0)
        x, loss, gradient = new_x, new_loss, new_gradient
        if reduction <= ftol:
            return Result(x, iteration + 1, True)
    return Result(x, max_iter, bool(np.abs(gradient).max() <= gtol))
