"""The NumPy L-BFGS finds the minimiser, and says when it stopped short of it."""

from __future__ import annotations

from typing import Tuple

import numpy as np
import pytest
from scipy.optimize import rosen, rosen_der

from nlu_components.lbfgs import minimise


def rosenbrock(x: np.ndarray) -> Tuple[float, np.ndarray]:
    return float(rosen(x)), rosen_der(x)


def test_an_ill_conditioned_quadratic_reaches_its_minimiser():
    rng = np.random.default_rng(3)
    basis, _ = np.linalg.qr(rng.normal(size=(40, 40)))
    matrix = basis @ np.diag(np.logspace(0, 4, 40)) @ basis.T  # condition number 1e4
    target = rng.normal(size=40)

    def quadratic(x: np.ndarray) -> Tuple[float, np.ndarray]:
        return float(0.5 * x @ matrix @ x - target @ x), matrix @ x - target

    result = minimise(quadratic, np.zeros(40), gtol=1e-5, max_iter=5000, ftol=0.0)
    assert result.converged
    assert result.x == pytest.approx(np.linalg.solve(matrix, target), abs=1e-5)


def test_the_rosenbrock_valley_is_followed_to_its_end():
    result = minimise(rosenbrock, np.array([-1.2, 1.0, -0.5, 0.8]), gtol=1e-6, max_iter=2000)
    assert result.converged
    assert result.x == pytest.approx(np.ones(4), abs=1e-4)


def test_stopping_at_the_step_limit_is_not_convergence():
    result = minimise(rosenbrock, np.array([-1.2, 1.0]), gtol=1e-6, max_iter=3)
    assert not result.converged
    assert result.iterations == 3
    assert rosen(result.x) < rosen(np.array([-1.2, 1.0]))  # it still went downhill


def test_a_start_at_the_minimiser_takes_no_step():
    result = minimise(rosenbrock, np.ones(3), gtol=1e-6, max_iter=100)
    assert result.converged and result.iterations == 0
    assert list(result.x) == [1.0, 1.0, 1.0]
