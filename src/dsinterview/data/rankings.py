"""Simulated ranked lists with planted similarity: Mallows rankings around a common
order.

The Mallows model with Kendall distance gives a ranking ``pi`` of ``n`` items the
probability ``phi ** d(pi, centre) / Z``, where ``d`` counts the pairs the two orders
disagree on and ``0 < phi <= 1`` is the dispersion (``phi -> 0``: everyone ranks as the
centre; ``phi = 1``: uniformly random). Drawing it is exact and fast through the
insertion vector: the number of earlier-ranked items that the ``j``-th item of the
centre is placed above is an independent truncated geometric variable on ``0..j-1`` with
ratio ``phi``.
"""

from __future__ import annotations

import numpy as np

from dsinterview._validate import check_int, check_real

__all__ = ["make_mallows_rankings", "mallows_expected_distance"]


def _check_phi(phi) -> float:
    phi = check_real(phi, "phi")
    if not 0 < phi <= 1:
        raise ValueError(f"phi (the dispersion) must be in (0, 1]; got {phi:g}")
    return phi


def mallows_expected_distance(n_items: int, phi: float) -> float:
    """The expected Kendall distance from the centre of a Mallows(``phi``) ranking of
    ``n_items``: the sum over ``j = 1..n`` of the mean of a geometric variable truncated
    to ``0..j-1``.

    Raises:
        TypeError, ValueError: if ``n_items`` is not a positive integer or ``phi`` is
            not in (0, 1].
    """
    n = check_int(n_items, "n_items", minimum=1)
    phi = _check_phi(phi)
    j = np.arange(1, n + 1)
    if phi == 1.0:
        return float(np.sum((j - 1) / 2))
    mean = phi / (1 - phi) - j * phi**j / (1 - phi**j)
    return float(np.sum(mean))


def make_mallows_rankings(
    n_lists: int, n_items: int, phi: float, seed: int | None = 2026
) -> np.ndarray:
    """``n_lists`` rankings of items ``0..n_items-1`` drawn from a Mallows model centred
    on the order ``0, 1, 2, ...`` with dispersion ``phi``. Row ``r`` lists its items
    best first.

    Raises:
        TypeError, ValueError: if a count is not a positive integer or ``phi`` is not in
            (0, 1].
    """
    n_lists = check_int(n_lists, "n_lists", minimum=1)
    n = check_int(n_items, "n_items", minimum=1)
    phi = _check_phi(phi)
    rng = np.random.default_rng(seed)
    # v[:, j]: how many of the j items already placed the item j goes above, drawn by
    # inverting the truncated geometric distribution on 0..j.
    u = rng.random((n_lists, n))
    v = np.zeros((n_lists, n), dtype=np.int64)
    for j in range(1, n):
        if phi == 1.0:
            v[:, j] = np.floor(u[:, j] * (j + 1)).astype(np.int64)
        else:
            # P(V <= k) = (1 - phi**(k+1)) / (1 - phi**(j+1))
            k = np.log1p(-u[:, j] * (1 - phi ** (j + 1))) / np.log(phi) - 1
            v[:, j] = np.clip(np.ceil(k), 0, j).astype(np.int64)
    out = np.empty((n_lists, n), dtype=np.int64)
    for r in range(n_lists):
        order: list[int] = []
        for j in range(n):
            order.insert(len(order) - v[r, j], j)
        out[r] = order
    return out
