"""Measures of what a recommender gets wrong or unfair, and the calibrated re-ranking
that repairs one of them.

- :func:`calibration_kl`: Steck's (2018) miscalibration of a list, the Kullback-Leibler
  divergence of the list's genre mix from the member's, with the list's mix smoothed
  towards the member's so that a missing genre costs a finite amount.
- :func:`calibrated_rerank`: Steck's greedy re-ranking, which trades the sum of the
  scores for calibration with a weight ``lam``.
- :func:`exposure_rerank`: top-k rows in which a group of titles gets at least a given
  share of all the slots, through the smallest common boost to the group's scores (a
  simple fairness-of-exposure constraint, Singh and Joachims 2018).
- :func:`gini` and :func:`effective_catalog_size`: how concentrated exposure (or plays)
  is over the catalogue; the second is Gomez-Uribe and Hunt's (2015) "effective
  catalogue size", the number of equally watched titles that would give the same
  concentration. Over N titles the two are one number: ``effective_catalog_size = N
  (1 - gini)``.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np
import scipy.sparse as sp

from dsinterview._validate import as_vector, check_int, check_real
from dsinterview.recsys import top_k

__all__ = [
    "ExposureRerank",
    "calibrated_rerank",
    "calibration_kl",
    "effective_catalog_size",
    "exposure_rerank",
    "gini",
]


# --- validation -----------------------------------------------------------------------


def _shares(values: Any, name: str) -> np.ndarray:
    """A 1-D, finite, non-negative float array with a positive total (unnormalised)."""
    if isinstance(values, Mapping):
        values = list(values.values())
    arr = as_vector(values, name)
    if np.any(arr < 0):
        raise ValueError(
            f"{name} must be non-negative; it holds {int((arr < 0).sum())} negative "
            "values"
        )
    if not arr.sum() > 0:
        raise ValueError(
            f"{name} sums to {arr.sum():g}; it must have a positive total to be "
            "normalised into a distribution"
        )
    return arr


def _check_alpha(alpha: Any) -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, Real):
        raise TypeError(f"alpha must be a real number; got {type(alpha).__name__}")
    alpha = float(alpha)
    if not 0 <= alpha < 1:
        raise ValueError(
            f"alpha must be in [0, 1) (the weight of p mixed into q); got {alpha!r}"
        )
    return alpha


def _kl(p: np.ndarray, q: np.ndarray, alpha: float) -> np.ndarray:
    """KL(p || (1 - alpha) q + alpha p) over the last axis; p and q sum to one."""
    q_tilde = (1 - alpha) * q + alpha * p
    on = p > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(on, p * (np.log(np.where(on, p, 1.0)) - np.log(q_tilde)), 0.0)
    # a divergence is never negative; rounding can leave -1e-17 where p == q
    return np.maximum(terms.sum(axis=-1), 0.0)


# --- calibration ----------------------------------------------------------------------


def calibration_kl(p: Any, q: Any, *, alpha: float = 0.01) -> float:
    """Steck's miscalibration ``sum_g p(g) log(p(g) / q~(g))``, with
    ``q~ = (1 - alpha) q + alpha p``.

    ``p`` is the target distribution over genres (the member's history), ``q`` the
    recommended list's. Both are mappings genre -> share with the same genres, or
    aligned arrays of the same length; each is normalised to sum to one first. A genre
    with ``p(g) = 0`` contributes nothing. The result is 0 when the two agree and grows
    as the list leaves out or under-serves what the member watches; with ``alpha = 0`` a
    genre the member watches but the list lacks makes it infinite, which the smoothing
    prevents.

    Raises:
        TypeError: if the inputs are not numbers, or one is a mapping and the other not.
        ValueError: if a share is negative or non-finite, a distribution does not sum to
            a positive total, the genres do not match, or ``alpha`` is outside [0, 1).
    """
    alpha = _check_alpha(alpha)
    if isinstance(p, Mapping) != isinstance(q, Mapping):
        raise TypeError(
            "p and q must both be mappings genre -> share, or both aligned arrays"
        )
    if isinstance(p, Mapping):
        if set(p) != set(q):
            raise ValueError(
                f"p and q must be over the same genres; only in p: "
                f"{sorted(map(str, set(p) - set(q)))}, only in q: "
                f"{sorted(map(str, set(q) - set(p)))}"
            )
        q = {g: q[g] for g in p}  # q in p's order
    pa, qa = _shares(p, "p"), _shares(q, "q")
    if pa.shape != qa.shape:
        raise ValueError(
            f"p and q must be over the same genres; p has {pa.size} and q has {qa.size}"
        )
    return float(_kl(pa / pa.sum(), qa / qa.sum(), alpha))


def calibrated_rerank(
    scores: Mapping[Hashable, float],
    item_genres: Mapping[Hashable, Sequence[Hashable]],
    target: Mapping[Hashable, float],
    k: int,
    *,
    lam: float,
) -> list:
    """Greedily choose ``k`` items that maximise
    ``(1 - lam) * sum(scores) - lam * calibration_kl(target, genre mix of the list)``.

    ``scores`` maps item -> score; ``item_genres`` maps item -> its genres, and an
    item's weight is split equally among them (a comedy-drama is half comedy, half
    drama, as in Steck 2018); the list's genre mix is the mean over its items.
    ``target`` maps genre -> share (normalised to sum to one); a genre of an item that
    the target does not name has share 0 in it. At each of the ``k`` steps the item that
    most raises the objective is appended (ties go to the item first in ``scores``), so
    the list comes out in the order chosen. ``lam = 0`` is the top ``k`` by score, best
    first; ``lam = 1`` ignores the scores and only calibrates. The smoothing of
    :func:`calibration_kl` is its default, ``alpha = 0.01``.

    Raises:
        TypeError: if an argument is not a mapping, ``k`` is not an integer or ``lam``
            not a number.
        ValueError: if a score is not finite, an item has no genres or is missing from
            ``item_genres``, a target share is negative or non-finite or the target
            does not sum to a positive total, ``lam`` is outside [0, 1], or ``k`` is not
            positive or larger than the number of items.
    """
    for name, value in (
        ("scores", scores),
        ("item_genres", item_genres),
        ("target", target),
    ):
        if not isinstance(value, Mapping):
            raise TypeError(f"{name} must be a mapping; got {type(value).__name__}")
    k = check_int(k, "k", minimum=1)
    if isinstance(lam, bool) or not isinstance(lam, Real):
        raise TypeError(f"lam must be a real number; got {type(lam).__name__}")
    lam = float(lam)
    if not 0 <= lam <= 1:
        raise ValueError(f"lam must be in [0, 1]; got {lam!r}")
    items = list(scores)
    if k > len(items):
        raise ValueError(
            f"k ({k}) is larger than the number of items ({len(items)}); ask for at "
            "most as many as there are"
        )
    s = np.asarray([scores[i] for i in items], dtype=float)
    if not np.all(np.isfinite(s)):
        raise ValueError("scores must be finite; some are NaN or infinite")
    t = _shares(target, "target")
    genres = {g: j for j, g in enumerate(target)}
    missing = [i for i in items if i not in item_genres]
    if missing:
        raise ValueError(
            f"item_genres has no genres for {len(missing)} scored item(s), e.g. "
            f"{missing[0]!r}"
        )
    rows, cols, vals = [], [], []
    for r, item in enumerate(items):
        gs = item_genres[item]
        if isinstance(gs, (str, bytes)) or not isinstance(gs, Sequence) or not gs:
            raise ValueError(
                f"item_genres[{item!r}] must be a non-empty list of genres; got {gs!r}"
            )
        for g in gs:
            cols.append(genres.setdefault(g, len(genres)))
            rows.append(r)
            vals.append(1 / len(gs))
    G = np.zeros((len(items), len(genres)))
    np.add.at(G, (rows, cols), vals)
    p = np.zeros(len(genres))
    p[: t.size] = t / t.sum()

    chosen: list[int] = []
    free = np.ones(len(items), dtype=bool)
    mix_sum, score_sum = np.zeros(len(genres)), 0.0
    for n in range(1, k + 1):
        cand = np.flatnonzero(free)
        q = (mix_sum + G[cand]) / n
        value = (1 - lam) * (score_sum + s[cand])
        if lam > 0:
            value = value - lam * _kl(p, q, 0.01)
        best = cand[int(np.argmax(value))]  # argmax: the first of tied items
        chosen.append(best)
        free[best] = False
        mix_sum += G[best]
        score_sum += s[best]
    return [items[i] for i in chosen]


# --- exposure -------------------------------------------------------------------------


@dataclass(frozen=True)
class ExposureRerank:
    """The output of :func:`exposure_rerank`.

    Attributes:
        rows: members x k item indices, best first after the boost.
        boost: the boost used, in units of each member's score spread (0: none needed).
        share: the group's share of all the slots in ``rows``.
    """

    rows: np.ndarray
    boost: float
    share: float


def exposure_rerank(
    scores: Any,
    in_group: Any,
    share: float,
    k: int,
    *,
    exclude: Any = None,
    max_boost: float = 10.0,
    tol: float = 1e-3,
) -> ExposureRerank:
    """Top-``k`` rows in which the titles of a group get at least ``share`` of all the
    slots, with the smallest boost that achieves it.

    Every group title's score for member u is raised by ``boost * sd_u``, with ``sd_u``
    the standard deviation of u's scores, so one number works across members whose
    scores are on different scales (a member whose scores are all equal, such as one
    with no history under a factor model, has no ranking to adjust and is left as
    ranked, best first by index; a unit boost there would hand that member's whole row
    to the group at any boost above zero); rows are then the top
    ``k`` (:func:`dsinterview.recsys.top_k`, with ``exclude``). The group's share of
    the slots never falls as the boost grows, so the smallest sufficient boost in
    ``[0, max_boost]`` is found by bisection, to within ``tol``, and the rows at that
    boost are returned. The constraint is on the share of *all* slots (a catalogue-level
    exposure target), not on every row: members whose scores favour the group take
    more of it.

    Raises:
        TypeError: if ``k`` is not an integer or a parameter not a number.
        ValueError: if ``scores`` is not a finite 2-D matrix, ``in_group`` is not one
            boolean per item, ``share`` is outside [0, 1], ``k`` is not in 1..items,
            ``max_boost`` or ``tol`` is not positive, or the share cannot be reached
            even at ``max_boost`` (too few group titles are left to recommend).
    """
    S = np.asarray(scores, dtype=float)
    if S.ndim != 2 or S.size == 0:
        raise ValueError(
            f"scores must be a non-empty members x items matrix; got shape {S.shape}"
        )
    if not np.all(np.isfinite(S)):
        raise ValueError("scores must be finite; some are NaN or infinite")
    group = np.asarray(in_group)
    if group.shape != (S.shape[1],) or not (
        group.dtype == bool or np.isin(group, (0, 1)).all()
    ):
        raise ValueError(
            f"in_group must be one boolean per item ({S.shape[1]}); got shape "
            f"{group.shape} of {group.dtype}"
        )
    group = group.astype(bool)
    share = check_real(share, "share", minimum=0)
    if share > 1:
        raise ValueError(f"share must be in [0, 1] (a share of the slots); got {share}")
    k = check_int(k, "k", minimum=1)
    if k > S.shape[1]:
        raise ValueError(f"k ({k}) is larger than the number of items ({S.shape[1]})")
    max_boost = check_real(max_boost, "max_boost", minimum=0, strict=True)
    tol = check_real(tol, "tol", minimum=0, strict=True)
    if exclude is not None and sp.issparse(exclude):
        exclude = sp.csr_matrix(exclude)
    spread = S.std(axis=1, keepdims=True)
    lift = spread * group[None, :]

    def rows_at(boost: float) -> tuple[np.ndarray, float]:
        rows = top_k(S + boost * lift, k, exclude=exclude)
        return rows, float(group[rows].mean())

    rows, got = rows_at(0.0)
    if got >= share:
        return ExposureRerank(rows, 0.0, got)
    rows, got = rows_at(max_boost)
    if got < share:
        raise ValueError(
            f"the group gets only {got:.3f} of the slots even at boost {max_boost:g}, "
            f"short of share {share:g}: too few group titles are left to recommend, "
            "or max_boost is too small"
        )
    lo, hi = 0.0, max_boost
    while hi - lo > tol:
        mid = (lo + hi) / 2
        if rows_at(mid)[1] >= share:
            hi = mid
        else:
            lo = mid
    rows, got = rows_at(hi)
    return ExposureRerank(rows, hi, got)


# --- concentration --------------------------------------------------------------------


def gini(values: Any) -> float:
    """The Gini coefficient of non-negative ``values`` (exposure or plays per title):
    0 when all are equal, ``(n - 1) / n`` when one of ``n`` has everything.

    With the values sorted increasingly, ``G = sum_i (2i - n - 1) x_(i) / (n sum x)``
    for i = 1..n: half the mean absolute difference between two titles, relative to the
    mean.

    Raises:
        TypeError: if the values are not numbers.
        ValueError: if they are empty, not 1-D, negative or non-finite, or sum to zero.
    """
    x = np.sort(_shares(values, "values"))
    n = x.size
    i = np.arange(1, n + 1)
    return float(np.sum((2 * i - n - 1) * x) / (n * x.sum()))


def effective_catalog_size(shares: Any) -> float:
    """Gomez-Uribe and Hunt's effective catalogue size ``2 sum_i i p_i - 1``, with the
    shares sorted in decreasing order and normalised to sum to one (i = 1..N).

    It is 1 when a single title has every play and N when N titles share them equally:
    the number of equally watched titles with the same concentration. Over N titles it
    equals ``N * (1 - gini(shares))``: the Gini coefficient in units of titles.

    Raises:
        TypeError: if the shares are not numbers.
        ValueError: if they are empty, not 1-D, negative or non-finite, or sum to zero.
    """
    p = np.sort(_shares(shares, "shares"))[::-1]
    p = p / p.sum()
    return float(2 * np.sum(np.arange(1, p.size + 1) * p) - 1)
