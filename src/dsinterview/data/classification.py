"""Simulated binary-outcome data whose true logistic coefficients are known."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import expit

from dsinterview._validate import as_vector, check_int, check_real


def make_logistic_regression(
    n_samples: int = 2000,
    coef: tuple[float, ...] = (1.0, -2.0, 0.5),
    intercept: float = -1.0,
    rho: float = 0.3,
    seed: int = 2026,
) -> pd.DataFrame:
    """Draw ``y ~ Bernoulli(sigmoid(intercept + x @ coef))`` with equicorrelated
    standard-normal features.

    Every pair of features ``x1, x2, ...`` has correlation ``rho`` (each is
    ``sqrt(rho) * z + sqrt(1 - rho) * e`` with a shared ``z``). ``intercept`` and
    ``coef`` are the ground truth; ``p_true`` is each row's true probability, so a
    fitted model can be graded against the truth, not only against another fit.

    Returns:
        A frame with ``x1 .. xk`` (floats), ``p_true`` (float in (0, 1)) and ``y`` (int
        0/1).
    """
    n_samples = check_int(n_samples, "n_samples", minimum=2)
    coef_arr = as_vector(coef, "coef")
    intercept = check_real(intercept, "intercept")
    rho = check_real(rho, "rho", minimum=0.0)
    if rho >= 1.0:
        raise ValueError(f"rho must be in [0, 1); got {rho}")
    seed = check_int(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    k = coef_arr.size
    z = rng.standard_normal((n_samples, 1))
    e = rng.standard_normal((n_samples, k))
    X = np.sqrt(rho) * z + np.sqrt(1.0 - rho) * e
    p = expit(intercept + X @ coef_arr)
    y = (rng.random(n_samples) < p).astype(int)
    frame = pd.DataFrame(X, columns=[f"x{j}" for j in range(1, k + 1)])
    frame["p_true"] = p
    frame["y"] = y
    return frame
