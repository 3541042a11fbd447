"""Simulated regression data whose true coefficients are known."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dsinterview._validate import check_int, check_real


def correlated_regression_coefficients(
    n_groups: int = 3,
    group_size: int = 3,
    n_noise: int = 3,
    coef: tuple[float, ...] = (3.0, -2.0, 1.5),
) -> pd.Series:
    """The true coefficients behind :func:`make_correlated_regression` with the same
    arguments.

    Only the first feature of each group carries weight; its near-duplicates and the
    noise features have a true coefficient of zero.
    """
    names = _feature_names(n_groups, group_size, n_noise)
    beta = pd.Series(0.0, index=names, name="true_coef")
    for g, c in enumerate(coef, start=1):
        beta[f"g{g}_a"] = float(c)
    return beta


def _feature_names(n_groups: int, group_size: int, n_noise: int) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    names = [
        f"g{g}_{letters[j]}" for g in range(1, n_groups + 1) for j in range(group_size)
    ]
    return names + [f"noise_{k}" for k in range(1, n_noise + 1)]


def make_correlated_regression(
    n_samples: int = 200,
    n_groups: int = 3,
    group_size: int = 3,
    n_noise: int = 3,
    rho: float = 0.95,
    coef: tuple[float, ...] = (3.0, -2.0, 1.5),
    noise_sd: float = 1.0,
    seed: int = 2026,
) -> pd.DataFrame:
    """Groups of near-duplicate features, one truly active feature per group, and
    pure-noise features.

    Within a group every pair of features has correlation ``rho`` (each is
    ``sqrt(rho) * z + sqrt(1 - rho) * e`` for a shared standard-normal ``z`` and its own
    ``e``); groups and noise features are independent. The response is
    ``y = sum_g coef[g] * g{g}_a + noise_sd * eps``. The arguments are the ground truth;
    :func:`correlated_regression_coefficients` returns the true coefficient vector.

    Returns:
        A frame with the features ``g1_a, g1_b, ..., noise_1, ...`` and the response
        ``y``.
    """
    n_samples = check_int(n_samples, "n_samples", minimum=2)
    n_groups = check_int(n_groups, "n_groups", minimum=1)
    group_size = check_int(group_size, "group_size", minimum=1)
    if group_size > 26:
        raise ValueError(
            f"group_size must be at most 26 (features are lettered); got {group_size}"
        )
    n_noise = check_int(n_noise, "n_noise", minimum=0)
    rho = check_real(rho, "rho", minimum=0.0)
    if rho >= 1.0:
        raise ValueError(f"rho must be in [0, 1); got {rho}")
    noise_sd = check_real(noise_sd, "noise_sd", minimum=0.0)
    if len(coef) != n_groups:
        raise ValueError(
            f"coef must have one entry per group ({n_groups}); got {len(coef)}"
        )
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n_samples, n_groups))
    e = rng.standard_normal((n_samples, n_groups, group_size))
    grouped = np.sqrt(rho) * z[:, :, None] + np.sqrt(1.0 - rho) * e
    noise = rng.standard_normal((n_samples, n_noise))
    X = np.hstack([grouped.reshape(n_samples, n_groups * group_size), noise])
    df = pd.DataFrame(X, columns=_feature_names(n_groups, group_size, n_noise))
    beta = correlated_regression_coefficients(n_groups, group_size, n_noise, coef)
    df["y"] = df[
        beta.index
    ].to_numpy() @ beta.to_numpy() + noise_sd * rng.standard_normal(n_samples)
    return df
