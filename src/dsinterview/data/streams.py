"""Simulated event streams whose generating parameters, including a planted change, are
known."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.special import expit

from dsinterview._validate import as_vector, check_int, check_real

__all__ = ["drifting_stream_coefficients", "make_drifting_stream"]


def drifting_stream_coefficients(
    coef_before: Sequence[float] = (1.5, -1.0, 0.5),
    coef_after: Sequence[float] = (-0.5, 1.0, 1.5),
    intercept_before: float = -0.5,
    intercept_after: float = 0.5,
) -> pd.DataFrame:
    """The true parameters of :func:`make_drifting_stream` as a table: one row per
    regime, columns ``intercept, x1, ..., xd``.

    Raises:
        ValueError: if the two coefficient vectors differ in length or are not finite.
    """
    before = as_vector(coef_before, "coef_before")
    after = as_vector(coef_after, "coef_after")
    if before.shape != after.shape:
        raise ValueError(
            "coef_before and coef_after must have the same length; got "
            f"{before.size} and {after.size}"
        )
    b0 = check_real(intercept_before, "intercept_before")
    b1 = check_real(intercept_after, "intercept_after")
    cols = ["intercept"] + [f"x{j}" for j in range(1, before.size + 1)]
    return pd.DataFrame(
        [np.r_[b0, before], np.r_[b1, after]],
        index=pd.Index(["before", "after"], name="regime"),
        columns=cols,
    )


def make_drifting_stream(
    n_events: int = 20_000,
    change_at: int = 10_000,
    coef_before: Sequence[float] = (1.5, -1.0, 0.5),
    coef_after: Sequence[float] = (-0.5, 1.0, 1.5),
    intercept_before: float = -0.5,
    intercept_after: float = 0.5,
    seed: int = 2026,
) -> pd.DataFrame:
    """A stream of binary events (think: a click on a recommendation) whose logistic
    model changes abruptly.

    Event ``t`` (``t = 0, 1, ..., n_events - 1``, in arrival order) has features
    ``x1 ... xd`` drawn independently from a standard normal and a label
    ``y ~ Bernoulli(sigmoid(b + x . beta))``. Before ``change_at`` the parameters are
    ``(intercept_before, coef_before)``, from ``change_at`` on they are
    ``(intercept_after, coef_after)``: a sudden concept drift at a known time. The
    arguments are the ground truth; :func:`drifting_stream_coefficients` returns them as
    a table.

    Returns:
        A frame in arrival order with ``t`` (int), ``regime``
        (``"before"`` / ``"after"``), the features ``x1 ... xd`` (float), ``p`` (the
        true probability of a positive label, float) and ``y`` (0/1 int).

    Raises:
        ValueError: if ``change_at`` is not inside the stream, or the parameters are
            invalid.
        TypeError: if the counts are not integers.
    """
    n_events = check_int(n_events, "n_events", minimum=2)
    change_at = check_int(change_at, "change_at", minimum=1)
    if change_at >= n_events:
        raise ValueError(
            f"change_at must be less than n_events ({n_events}); got {change_at}"
        )
    truth = drifting_stream_coefficients(
        coef_before, coef_after, intercept_before, intercept_after
    )
    d = truth.shape[1] - 1
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_events, d))
    after = np.arange(n_events) >= change_at
    params = truth.to_numpy()[
        after.astype(int)
    ]  # (n_events, d + 1): each event's own parameters
    p = expit(params[:, 0] + np.einsum("ij,ij->i", X, params[:, 1:]))
    y = (rng.random(n_events) < p).astype(int)
    df = pd.DataFrame(X, columns=truth.columns[1:])
    df.insert(0, "regime", np.where(after, "after", "before"))
    df.insert(0, "t", np.arange(n_events))
    df["p"] = p
    df["y"] = y
    return df
