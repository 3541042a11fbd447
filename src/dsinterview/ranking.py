"""Similarity of two ranked lists: rank-biased overlap (RBO), average overlap, Kendall's
tau.

RBO (Webber, Moffat and Zobel 2010) compares two indefinite rankings (top-k lists that
could go on, share only some items and differ in length) with weights that fall
geometrically with depth. With persistence ``p`` it is
``(1 - p) * sum_d p**(d-1) * A_d``, where ``A_d = X_d / d`` is the share of the top
``d`` of each list that the two lists share (``X_d`` items). Seen only to a finite
depth, RBO is known up to an interval: :func:`rbo` returns its lower bound (``min``),
the width of the interval (``residual``), the upper bound (``max``) and a point estimate
that carries the agreement seen so far on to infinity (``ext``).

Everything here is computed from the definition, sum by sum, so that each quantity can
be checked against an explicit construction (the tests do).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Integral
from typing import Any

import numpy as np

from dsinterview._validate import check_int, check_real

__all__ = [
    "RBO",
    "average_overlap",
    "kendall_tau",
    "persistence_for_depth",
    "rbo",
    "rbo_ext_matrix",
    "top_weight",
]


@dataclass(frozen=True)
class RBO:
    """RBO of two prefixes: ``min <= ext <= max``, ``max = min + residual``."""

    min: float
    residual: float
    ext: float

    @property
    def max(self) -> float:
        return self.min + self.residual


def _as_ranking(items: Any, name: str) -> list:
    if isinstance(items, (str, bytes)) or not isinstance(items, (Sequence, np.ndarray)):
        raise TypeError(
            f"{name} must be a list (or array) of items, best first; "
            f"got {type(items).__name__}"
        )
    items = list(items.tolist() if isinstance(items, np.ndarray) else items)
    if not items:
        raise ValueError(f"{name} is empty; a ranking needs at least one item")
    try:
        distinct = len(set(items))
    except TypeError as exc:
        raise TypeError(f"{name}'s items must be hashable: {exc}") from exc
    if distinct != len(items):
        seen, dup = set(), None
        for item in items:
            if item in seen:
                dup = item
                break
            seen.add(item)
        raise ValueError(
            f"{name} lists {dup!r} more than once; a ranking without ties lists each "
            "item "
            "once (break ties first, by a stated rule)"
        )
    return items


def _check_p(p: Any) -> float:
    p = check_real(p, "p")
    if not 0 < p < 1:
        raise ValueError(
            f"p (the persistence) must be strictly between 0 and 1; got {p:g}"
        )
    return p


def _overlaps(short: list, long: list) -> np.ndarray:
    """``X[d]`` for ``d = 1..len(long)``: items shared by ``short[:min(d, s)]`` and
    ``long[:d]`` (``X[0] = 0``)."""
    s, length = len(short), len(long)
    in_short, in_long = set(), set()
    x = np.zeros(length + 1)
    common = 0
    for d in range(1, length + 1):
        b = long[d - 1]
        in_long.add(b)
        if d <= s:
            a = short[d - 1]
            in_short.add(a)
            # the new item of each list, if the other list has shown it by now (the two
            # new items being the same one counts once)
            common += (a in in_long) + (b in in_short) - (a == b)
        else:
            common += b in in_short
        x[d] = common
    return x


def rbo(s: Any, t: Any, p: float = 0.9) -> RBO:
    """Rank-biased overlap of two rankings seen to (possibly different) finite depths.

    ``s`` and ``t`` are lists of items, best first, without ties. With ``S`` the shorter
    (length ``k_s``) and ``L`` the longer (length ``k_l``), and ``X_d`` the number of
    items shared by ``S[:min(d, k_s)]`` and ``L[:d]``:

    - ``min`` assumes the unseen parts share nothing more: ``A_d = X_d / d`` to depth
      ``k_l`` and ``X_{k_l} / d`` beyond;
    - ``max`` assumes every unseen position agrees as soon as it can;
    - ``ext`` assumes the unseen part of ``S`` agrees at the rate seen,
      ``X_{k_s} / k_s``, and that the agreement at depth ``k_l`` continues for ever
      (Webber et al. 2010).

    ``rbo(s, s).ext == 1``; lists with nothing in common have ``min == ext == 0``.

    Raises:
        TypeError: if a ranking is not a list or array, or its items are not hashable.
        ValueError: if a ranking is empty or lists an item twice, or ``p`` is not in (0,
            1).
    """
    s = _as_ranking(s, "s")
    t = _as_ranking(t, "t")
    p = _check_p(p)
    short, long = (s, t) if len(s) <= len(t) else (t, s)
    ks, kl = len(short), len(long)
    x = _overlaps(short, long)
    d = np.arange(1, kl + 1)
    w = (1 - p) * p ** (d - 1)  # the weight of depth d
    agreement = x[1:] / d
    # min: no agreement beyond what is seen; beyond k_l the overlap stays X_{k_l}.
    tail_harmonic = -math.log(1 - p) / p - float(np.sum(p ** (d - 1) / d))
    rbo_min = float(np.sum(w * agreement) + (1 - p) * x[kl] * tail_harmonic)
    # max: overlap grows by the most it can at each unseen position, up to the depth f
    # where the lists could agree completely.
    rbo_max = _rbo_max(x, ks, kl, p)
    # ext: the short list's unseen part agrees at the rate seen to depth k_s; beyond k_l
    # the agreement A_{k_l} holds for ever (its geometric tail has weight p**k_l).
    x_s = x[ks]
    ext_agreement = agreement.copy()
    beyond = d > ks
    ext_agreement[beyond] = (x[1:][beyond] + x_s * (d[beyond] - ks) / ks) / d[beyond]
    rbo_ext = float(np.sum(w * ext_agreement) + p**kl * ext_agreement[-1])
    rbo_max = max(rbo_max, rbo_min)
    # min <= ext <= max holds exactly; the sums agree only to rounding where two
    # coincide
    rbo_ext = min(max(rbo_ext, rbo_min), rbo_max)
    return RBO(min=rbo_min, residual=float(rbo_max - rbo_min), ext=rbo_ext)


def _rbo_max(x: np.ndarray, ks: int, kl: int, p: float) -> float:
    """The upper bound: each unseen item of either list matches as early as possible."""
    x_l = x[kl]
    f = int(ks + kl - x_l)  # from depth f on, the two lists can agree completely
    total = 0.0
    for d in range(1, f + 1):
        if d <= kl:
            # the seen overlap, plus one match for each unseen position of the short
            # list (each can match an item the long list has already shown)
            upper = x[d] + max(0, d - ks)
        else:
            # both lists unseen beyond kl: each new position of each list can add a
            # match
            upper = x_l + (kl - ks) + 2 * (d - kl)
        total += (1 - p) * p ** (d - 1) * min(upper, d) / d
    return total + p**f  # from depth f, agreement 1 with weight p**f


def average_overlap(s: Any, t: Any, depth: int) -> float:
    """Average overlap to ``depth``: the mean over ``d = 1..depth`` of the share
    ``X_d / d`` of the top ``d`` that the two lists share (lists shorter than ``depth``
    are treated as ending there).

    Raises:
        TypeError, ValueError: as :func:`rbo`, and if ``depth`` is not a positive
            integer.
    """
    s = _as_ranking(s, "s")
    t = _as_ranking(t, "t")
    depth = check_int(depth, "depth", minimum=1)
    total = 0.0
    seen_s, seen_t = set(), set()
    for d in range(1, depth + 1):
        if d <= len(s):
            seen_s.add(s[d - 1])
        if d <= len(t):
            seen_t.add(t[d - 1])
        total += len(seen_s & seen_t) / d
    return total / depth


def kendall_tau(a: Any, b: Any) -> float:
    """Kendall's tau between two rankings of the same items: (concordant − discordant
    pairs) / all pairs. Equals ``scipy.stats.kendalltau`` on the items' positions.

    Raises:
        TypeError, ValueError: as :func:`rbo`, and if the two rankings do not hold the
            same items or hold fewer than two.
    """
    a = _as_ranking(a, "a")
    b = _as_ranking(b, "b")
    if set(a) != set(b):
        only_a = sorted(map(repr, set(a) - set(b)))[:3]
        only_b = sorted(map(repr, set(b) - set(a)))[:3]
        raise ValueError(
            "kendall_tau compares two rankings of the same items; only in a: "
            f"{only_a}, only in b: {only_b}. For lists that share only some items use "
            "rbo"
        )
    if len(a) < 2:
        raise ValueError("kendall_tau needs at least two items")
    pos = {item: i for i, item in enumerate(b)}
    r = np.array([pos[item] for item in a])
    upper = np.triu_indices(len(r), k=1)
    signs = np.sign(r[upper[1]] - r[upper[0]])
    return float(signs.sum() / signs.size)


def top_weight(depth: int, p: float) -> float:
    """The share of RBO's total weight that agreement in the top ``depth`` ranks carries
    (Webber et al. 2010, eq. 21): with ``p = 0.9`` the top ten carry about 86%.

    An item at rank ``i`` counts in the agreement of every depth ``j >= i``, with weight
    ``(1 - p) p**(j-1) / j``; summing over ``i <= depth`` gives the closed form.

    Raises:
        TypeError, ValueError: if ``depth`` is not a positive integer or ``p`` not in
            (0, 1).
    """
    depth = check_int(depth, "depth", minimum=1)
    p = _check_p(p)
    i = np.arange(1, depth)
    partial = float(np.sum(p**i / i)) if depth > 1 else 0.0
    return 1 - p ** (depth - 1) + (1 - p) / p * depth * (-math.log(1 - p) - partial)


def persistence_for_depth(depth: int, share: float = 0.86) -> float:
    """The persistence ``p`` at which the top ``depth`` ranks carry ``share`` of the
    weight: choose ``p`` from how deep people look (bisection on :func:`top_weight`,
    which falls as ``p`` grows).

    Raises:
        TypeError, ValueError: if ``depth`` is not a positive integer or ``share`` is
            not in (0, 1); ValueError if no ``p`` in (0, 1) gives that share (the share
            must lie strictly between the top weights at ``p`` near one and near zero).
    """
    depth = check_int(depth, "depth", minimum=1)
    share = check_real(share, "share")
    if not 0 < share < 1:
        raise ValueError(f"share must be strictly between 0 and 1; got {share:g}")
    lo, hi = 1e-12, 1 - 1e-12
    if not top_weight(depth, hi) < share < top_weight(depth, lo):
        raise ValueError(
            f"no persistence gives the top {depth} ranks a share of {share:g}"
        )
    for _ in range(200):
        mid = (lo + hi) / 2
        if top_weight(depth, mid) > share:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def rbo_ext_matrix(top_lists: Any, p: float = 0.9) -> np.ndarray:
    """Extrapolated RBO between every pair of equal-length top-k lists at once.

    ``top_lists`` is an (n, k) integer array: row ``u`` is user ``u``'s top ``k`` items
    (ids ``>= 0``), best first, without repeats. For lists of equal length ``k`` the
    extrapolated RBO is ``(1 - p)/p * sum_{d<=k} X_d p**d / d + p**k X_k / k`` (what
    :func:`rbo` returns for such pairs); the overlaps ``X_d`` of all pairs come from one
    sparse product per depth. Returns an (n, n) array with ones on the diagonal.

    Raises:
        TypeError: if ``top_lists`` is not an integer array.
        ValueError: if it is not 2-D, has a negative id or a row that repeats an item,
            or ``p`` is not in (0, 1).
    """
    from scipy import sparse

    arr = np.asarray(top_lists)
    if not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"top_lists must hold integer item ids; got dtype {arr.dtype}")
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"top_lists must be a non-empty (n, k) array; got {arr.shape}")
    if arr.min() < 0:
        raise ValueError("item ids must be >= 0")
    sorted_rows = np.sort(arr, axis=1)
    if np.any(sorted_rows[:, 1:] == sorted_rows[:, :-1]):
        raise ValueError(
            "a row of top_lists repeats an item; each row must be a ranking"
        )
    p = _check_p(p)
    n, k = arr.shape
    n_items = int(arr.max()) + 1
    total = np.zeros((n, n))
    member = sparse.csr_matrix((n, n_items))
    rows = np.arange(n)
    x = None
    for d in range(1, k + 1):
        member = member + sparse.csr_matrix(
            (np.ones(n), (rows, arr[:, d - 1])), shape=(n, n_items)
        )
        x = (member @ member.T).toarray()
        total += x * p**d / d
    return (1 - p) / p * total + p**k * x / k


def _is_int(value: Any) -> bool:
    return isinstance(value, Integral) and not isinstance(value, bool)
