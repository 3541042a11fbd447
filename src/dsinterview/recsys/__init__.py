"""Recommender systems: a temporal split, implicit-feedback ALS, biased matrix
factorisation, top-k retrieval and the ranking metrics that grade them.

- :func:`temporal_split`: per user, the latest interactions are the test set, so no
  model is trained on a user's future.
- :func:`implicit_als`: Hu, Koren and Volinsky's (2008) alternating least squares for
  implicit feedback (preference ``p = 1[r > 0]``, confidence ``c = 1 + alpha * r``),
  with exact, batched per-user and per-item solves; :class:`ALSModel` keeps the factors
  and the objective after every sweep.
- :func:`biased_mf`: matrix factorisation of explicit ratings with user and item biases
  (the Netflix Prize family), fitted by the same alternating exact solves.
- :func:`popularity_scores` and :func:`item_item_scores`: the baseline every model must
  beat, and the neighbourhood model ("because you watched").
- :func:`top_k` and :func:`recommend`: the ``k`` best items, best first, ties broken by
  the lower item index; seen items can be excluded.
- :func:`precision_at_k`, :func:`recall_at_k`, :func:`ndcg_at_k` (binary relevance),
  :func:`evaluate_top_k` (their means over users), :func:`catalog_coverage` and
  :func:`novelty`.

Every per-user solve in ALS is independent of the others given the item factors (and
vice versa): that is what makes the algorithm distribute (Spark MLlib's ALS).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from dsinterview._validate import check_columns, check_int, check_real

__all__ = [
    "ALSModel",
    "BiasedMF",
    "biased_mf",
    "catalog_coverage",
    "evaluate_top_k",
    "implicit_als",
    "implicit_als_loss",
    "item_item_scores",
    "ndcg_at_k",
    "novelty",
    "popularity_scores",
    "precision_at_k",
    "recall_at_k",
    "recommend",
    "temporal_split",
    "top_k",
]


# --- splitting ------------------------------------------------------------------------


def temporal_split(
    ratings: pd.DataFrame,
    *,
    user: str = "user_id",
    time: str = "timestamp",
    test_fraction: float = 0.2,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split each user's interactions by time: the latest ``test_fraction`` of them (the
    number rounded down) go to test, the rest to train.

    Within a user, rows are ordered by ``time`` with ties kept in their original order,
    so no test row of a user is earlier than any of that user's training rows. A user
    with too few rows to give up one keeps them all in train. Returns ``(train, test)``
    with the original index and row order.

    Raises:
        TypeError: if ``ratings`` is not a DataFrame.
        ValueError: if a column is missing or ``test_fraction`` is not in (0, 1).
    """
    check_columns(ratings, [user, time], "ratings")
    test_fraction = check_real(test_fraction, "test_fraction", minimum=0, strict=True)
    if test_fraction >= 1:
        raise ValueError(
            f"test_fraction must be less than 1 (a share of each user's rows); got "
            f"{test_fraction:g}"
        )
    order = ratings.sort_values([user, time], kind="stable")
    rank = order.groupby(user, sort=False).cumcount()
    size = order.groupby(user, sort=False)[time].transform("size")
    n_test = np.floor(size * test_fraction).astype(int)
    is_test = pd.Series(rank >= size - n_test, index=order.index)
    is_test = is_test.reindex(ratings.index)
    return ratings[~is_test.to_numpy()], ratings[is_test.to_numpy()]


# --- matrices -------------------------------------------------------------------------


def _as_interactions(R: Any, name: str = "R") -> sp.csr_matrix:
    """A 2-D, finite, non-negative SciPy CSR matrix with explicit zeros removed."""
    if not sp.issparse(R):
        try:
            arr = np.asarray(R, dtype=float)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"{name} must be a SciPy sparse matrix or a numeric 2-D array: {exc}"
            ) from exc
        if arr.ndim != 2:
            raise ValueError(
                f"{name} must be 2-D (users x items); got an array of shape {arr.shape}"
            )
        R = sp.csr_matrix(arr)
    if R.ndim != 2:
        raise ValueError(f"{name} must be 2-D (users x items); got {R.ndim}-D")
    R = sp.csr_matrix(R, dtype=float, copy=True)
    if R.shape[0] == 0 or R.shape[1] == 0:
        raise ValueError(f"{name} must have at least one user and one item")
    if not np.all(np.isfinite(R.data)):
        raise ValueError(f"{name} must be finite; it holds NaN or infinite values")
    if np.any(R.data < 0):
        raise ValueError(
            f"{name} must hold non-negative counts or ratings; it holds "
            f"{int((R.data < 0).sum())} negative values"
        )
    R.eliminate_zeros()
    R.sort_indices()
    return R


def _batched_solve(
    weights: sp.csr_matrix, F: np.ndarray, base: np.ndarray, rhs: np.ndarray
) -> np.ndarray:
    """Solve, for every row u of ``weights``,
    ``(base + sum_i weights[u, i] F[i] F[i]^T) x_u = rhs[u]``.

    The weighted sums of outer products for all rows are one sparse-dense product (of
    the upper triangles only: the matrices are symmetric), so the solves are a single
    batched call: no Python loop over users.
    """
    f = F.shape[1]
    iu, ju = np.triu_indices(f)
    upper = weights @ (F[:, iu] * F[:, ju])  # rows x f(f+1)/2
    position = np.empty((f, f), dtype=int)  # where entry (a, b) sits in `upper`
    position[iu, ju] = position[ju, iu] = np.arange(iu.size)
    A = np.take(upper, position.ravel(), axis=1).reshape(-1, f, f)
    A += base
    return np.linalg.solve(A, rhs[:, :, None])[:, :, 0]


# --- implicit feedback ----------------------------------------------------------------


@dataclass
class ALSModel:
    """An implicit-feedback factorisation: scores are ``user_factors @
    item_factors.T``.

    Attributes:
        user_factors: users x factors.
        item_factors: items x factors.
        loss_history: the objective sum c (p - x^T y)^2 + lambda (|X|^2 + |Y|^2) after
            each sweep (a user step then an item step).
        regularization, alpha: the settings it was fitted with.
    """

    user_factors: np.ndarray
    item_factors: np.ndarray
    loss_history: list[float] = field(default_factory=list)
    regularization: float = 0.0
    alpha: float = 0.0


def implicit_als_loss(
    R: Any,
    user_factors: np.ndarray,
    item_factors: np.ndarray,
    *,
    regularization: float,
    alpha: float,
) -> float:
    """The implicit-ALS objective over every user-item pair, without forming the dense
    matrix.

    With ``s = x_u^T y_i``, ``p = 1[r > 0]`` and ``c = 1 + alpha r``:
    ``sum_all (p - s)^2 + sum_{r > 0} (c - 1)(1 - s)^2 + lambda(|X|^2 + |Y|^2)``, and
    ``sum_all s^2 = trace(X^T X Y^T Y)``.
    """
    R = _as_interactions(R)
    X, Y = user_factors, item_factors
    rows, cols = R.nonzero()
    s = np.einsum("ij,ij->i", X[rows], Y[cols])
    total = float(np.sum((X.T @ X) * (Y.T @ Y))) - 2 * float(s.sum()) + s.size
    total += float(np.sum(alpha * R.data * (1 - s) ** 2))
    return total + regularization * float(np.sum(X**2) + np.sum(Y**2))


def _check_factorisation_args(
    factors: Any, regularization: Any, iterations: Any
) -> tuple[int, float, int]:
    factors = check_int(factors, "factors", minimum=1)
    regularization = check_real(regularization, "regularization", minimum=0)
    iterations = check_int(iterations, "iterations", minimum=1)
    return factors, regularization, iterations


def implicit_als(
    R: Any,
    *,
    factors: int,
    regularization: float,
    alpha: float,
    iterations: int,
    seed: int | None = None,
) -> ALSModel:
    """Fit Hu, Koren and Volinsky's implicit-feedback ALS to a users x items matrix of
    counts or ratings.

    Every cell is a training example: preference ``p = 1[r > 0]`` with confidence
    ``c = 1 + alpha * r`` (an unobserved cell is a weak 0). Minimises
    ``sum_{u,i} c_ui (p_ui - x_u^T y_i)^2 + regularization (|X|^2 + |Y|^2)`` by
    alternating exact solves: with Y fixed, each user's factors solve
    ``(Y^T Y + Y^T (C_u - I) Y + lambda I) x_u = Y^T C_u p_u``. ``Y^T Y`` is shared by
    all users, so each solve touches only the items the user interacted with. Each step
    minimises the objective exactly in one block, so the objective never increases.

    Raises:
        TypeError: if an argument has the wrong type.
        ValueError: if ``factors`` or ``iterations`` is not positive,
            ``regularization`` or ``alpha`` is negative, or ``R`` is not 2-D or holds
            negative or non-finite values.
    """
    factors, regularization, iterations = _check_factorisation_args(
        factors, regularization, iterations
    )
    alpha = check_real(alpha, "alpha", minimum=0)
    R = _as_interactions(R)
    n_users, n_items = R.shape
    rng = np.random.default_rng(seed)
    X = np.zeros((n_users, factors))
    Y = rng.normal(0.0, 0.1, size=(n_items, factors))
    W = R * alpha  # c - 1 on the observed cells
    Wt = W.T.tocsr()
    P = R.copy()
    P.data = 1.0 + alpha * R.data  # c p on the observed cells (p = 1 there)
    Pt = P.T.tocsr()
    ridge = regularization * np.eye(factors)
    model = ALSModel(X, Y, [], regularization, alpha)
    for _ in range(iterations):
        X = _batched_solve(W, Y, Y.T @ Y + ridge, P @ Y)
        Y = _batched_solve(Wt, X, X.T @ X + ridge, Pt @ X)
        model.loss_history.append(
            implicit_als_loss(R, X, Y, regularization=regularization, alpha=alpha)
        )
    model.user_factors, model.item_factors = X, Y
    return model


# --- explicit ratings -----------------------------------------------------------------


@dataclass
class BiasedMF:
    """Explicit-rating factorisation: ``r_hat = mu + b_u + b_i + x_u^T y_i``.

    Attributes:
        global_mean: mu, the mean training rating.
        user_bias, item_bias: b_u and b_i.
        user_factors, item_factors: X (users x factors) and Y (items x factors).
        loss_history: the penalised squared error after each sweep.
    """

    global_mean: float
    user_bias: np.ndarray
    item_bias: np.ndarray
    user_factors: np.ndarray
    item_factors: np.ndarray
    loss_history: list[float] = field(default_factory=list)

    def predict(self, users: Any, items: Any) -> np.ndarray:
        """Predicted ratings for the pairs ``(users[j], items[j])``."""
        u = _as_index_array(users, "users", self.user_bias.size)
        i = _as_index_array(items, "items", self.item_bias.size)
        if u.shape != i.shape:
            raise ValueError(
                f"users and items must have the same length; got {u.size} and {i.size}"
            )
        dot = np.einsum("ij,ij->i", self.user_factors[u], self.item_factors[i])
        return self.global_mean + self.user_bias[u] + self.item_bias[i] + dot


def _as_index_array(values: Any, name: str, n: int) -> np.ndarray:
    arr = np.asarray(values)
    if arr.ndim != 1 or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"{name} must be a 1-D array of integer indices")
    if arr.size and (arr.min() < 0 or arr.max() >= n):
        raise ValueError(f"{name} must be indices in [0, {n}); some are out of range")
    return arr


def biased_mf(
    R: Any,
    *,
    factors: int,
    regularization: float,
    iterations: int,
    seed: int | None = None,
) -> BiasedMF:
    """Fit ``r_hat = mu + b_u + b_i + x_u^T y_i`` to the observed (non-zero) ratings of
    a users x items matrix by alternating exact least squares.

    Minimises ``sum_obs (r - r_hat)^2 + regularization (|X|^2 + |Y|^2 + |b_u|^2 +
    |b_i|^2)``; the bias is a factor paired with a constant 1 on the other side, so each
    user's ``(x_u, b_u)`` is one small ridge regression on the items the user rated.
    Only observed cells count: unlike implicit ALS, a missing rating is not a zero.

    Raises:
        TypeError, ValueError: as :func:`implicit_als` (there is no ``alpha``).
    """
    factors, regularization, iterations = _check_factorisation_args(
        factors, regularization, iterations
    )
    R = _as_interactions(R)
    n_users, n_items = R.shape
    rng = np.random.default_rng(seed)
    rows, cols = R.nonzero()  # in the order of R.data (CSR, sorted indices)
    r = R.data.copy()
    mu = float(r.mean())
    M = R.copy()
    M.data[:] = 1.0
    order = sp.csr_matrix((np.arange(r.size, dtype=float), (rows, cols)), shape=R.shape)
    Mt = order.T.tocsr()
    perm = Mt.data.astype(
        int
    )  # R.data[perm] is the data of R's transpose, in CSR order
    Mt.data[:] = 1.0
    bu, bi = np.zeros(n_users), np.zeros(n_items)
    X = np.zeros((n_users, factors))
    Y = rng.normal(0.0, 0.1, size=(n_items, factors))
    ridge = regularization * np.eye(factors + 1)
    history: list[float] = []

    def with_data(template: sp.csr_matrix, values: np.ndarray) -> sp.csr_matrix:
        out = template.copy()
        out.data = values
        return out

    for _ in range(iterations):
        Z = np.column_stack([Y, np.ones(n_items)])
        target = with_data(M, r - mu - bi[cols])
        sol = _batched_solve(M, Z, ridge, target @ Z)
        X, bu = sol[:, :factors], sol[:, factors]
        Z = np.column_stack([X, np.ones(n_users)])
        target = with_data(Mt, (r - mu - bu[rows])[perm])
        sol = _batched_solve(Mt, Z, ridge, target @ Z)
        Y, bi = sol[:, :factors], sol[:, factors]
        pred = mu + bu[rows] + bi[cols] + np.einsum("ij,ij->i", X[rows], Y[cols])
        penalty = np.sum(X**2) + np.sum(Y**2) + np.sum(bu**2) + np.sum(bi**2)
        history.append(float(np.sum((r - pred) ** 2) + regularization * penalty))
    return BiasedMF(mu, bu, bi, X, Y, history)


# --- neighbourhood and popularity ----------------------------------------------------


def popularity_scores(R: Any) -> np.ndarray:
    """Every member gets the same list: each title scored by the number of members who
    played it (a read-only users x items view of one row).

    Raises:
        TypeError, ValueError: if ``R`` is not a 2-D, finite, non-negative matrix.
    """
    R = _as_interactions(R)
    counts = np.diff(R.tocsc().indptr).astype(float)  # non-zeros per column
    return np.broadcast_to(counts, R.shape)


def item_item_scores(R: Any) -> np.ndarray:
    """Item-item collaborative filtering: for each member and candidate title, the sum
    of the candidate's cosine similarities to the titles the member played, where two
    titles are similar when the same members played both (binary plays).

    The product ``B (Bn^T Bn)`` is computed as ``(B Bn^T) Bn`` so that the only dense
    intermediate is users x users (``Bn``: the plays with unit-length title columns).
    Returns a dense users x items array.

    Raises:
        TypeError, ValueError: if ``R`` is not a 2-D, finite, non-negative matrix.
    """
    R = _as_interactions(R)
    B = (R > 0).astype(float)
    norms = np.sqrt(np.asarray(B.sum(axis=0)).ravel())
    norms[norms == 0] = 1.0
    Bn = (B @ sp.diags(1 / norms)).tocsr()  # unit-length title columns
    # B (Bn' Bn) = (B Bn') Bn: the small users x users product first
    return np.asarray((Bn.T @ (B @ Bn.T).toarray().T).T)


# --- retrieval ------------------------------------------------------------------------


def top_k(scores: Any, k: int, *, exclude: Any = None) -> np.ndarray:
    """The indices of the ``k`` highest scores, best first, ties broken by the lower
    index; for a 2-D array, per row (a users x items score matrix gives users x k).

    ``exclude`` (a boolean array of the same shape, or a SciPy sparse matrix whose
    stored non-zeros are excluded, such as the training interactions) marks items that
    may not be recommended; they are ranked last. ``k`` larger than the number of items
    is cut to it.

    Raises:
        TypeError: if ``k`` is not an integer.
        ValueError: if ``k`` is not positive, the scores are not 1-D or 2-D, contain
            NaN, or ``exclude`` has another shape.
    """
    k = check_int(k, "k", minimum=1)
    S = np.asarray(scores, dtype=float)
    one_d = S.ndim == 1
    if one_d:
        S = S[None, :]
    if S.ndim != 2 or S.shape[1] == 0:
        raise ValueError(
            f"scores must be 1-D (items) or 2-D (users x items); got shape {S.shape}"
        )
    if np.isnan(S).any():
        raise ValueError("scores must not contain NaN")
    mask = None
    if exclude is not None:
        if sp.issparse(exclude):
            mask = sp.csr_matrix(exclude)
            if mask.shape[0] == 1 and one_d:
                mask = mask.reshape(1, -1)
        else:
            mask = np.asarray(exclude, dtype=bool)
            mask = mask[None, :] if mask.ndim == 1 else mask
        if mask.shape != S.shape:
            raise ValueError(
                f"exclude has shape {mask.shape}; it must match the scores' shape "
                f"{S.shape}"
            )
    k = min(k, S.shape[1])
    blocks = []
    # blocks of rows that stay in cache: the same result, faster on a busy machine
    for start in range(0, S.shape[0], 64):
        block = np.array(S[start : start + 64])  # a copy: excluded items become -inf
        if sp.issparse(mask):
            r, c = mask[start : start + 64].nonzero()
            block[r, c] = -np.inf
        elif mask is not None:
            block[mask[start : start + 64]] = -np.inf
        blocks.append(_top_k_rows(block, k))
    out = np.vstack(blocks)
    return out[0] if one_d else out


def _top_k_rows(S: np.ndarray, k: int) -> np.ndarray:
    """top_k on a 2-D block whose excluded items are already -inf."""
    n_items = S.shape[1]
    # argpartition finds k best per row; where ties at the k-th score spill over the
    # cut, those rows instead take every score above it and the lowest tied indices:
    # exactly k items per row, chosen deterministically.
    idx = np.argpartition(S, n_items - k, axis=1)[:, n_items - k :]
    kth = np.take_along_axis(S, idx, axis=1).min(axis=1)
    n_at_least = (S >= kth[:, None]).view(np.uint8).sum(axis=1, dtype=np.int64)
    excess = np.flatnonzero(n_at_least > k)  # ties at the k-th score spill over
    if excess.size:
        sub, cut = S[excess], kth[excess, None]
        at = sub == cut
        room = k - np.count_nonzero(sub > cut, axis=1)
        tied = at & (np.cumsum(at, axis=1) <= room[:, None])
        idx[excess] = np.nonzero((sub > cut) | tied)[1].reshape(-1, k)
    vals = np.take_along_axis(S, idx, axis=1)
    order = np.lexsort((idx, -vals), axis=1)
    return np.take_along_axis(idx, order, axis=1)


def recommend(
    model: ALSModel, R: Any, user: int, k: int, *, exclude_seen: bool = True
) -> np.ndarray:
    """The ``k`` items with the highest score ``x_user^T y_i``, best first (ties to
    the lower index), leaving out the items ``user`` already has in ``R`` unless
    ``exclude_seen=False``.

    Raises:
        TypeError: if ``model`` has no factors or ``user`` or ``k`` is not an integer.
        ValueError: if ``user`` is out of range, ``k`` is not positive or ``R`` does
            not match the model's shape.
    """
    if not (hasattr(model, "user_factors") and hasattr(model, "item_factors")):
        raise TypeError(
            f"model must have user_factors and item_factors (an ALSModel); got "
            f"{type(model).__name__}"
        )
    k = check_int(k, "k", minimum=1)
    n_users, n_items = model.user_factors.shape[0], model.item_factors.shape[0]
    if isinstance(user, bool) or not isinstance(user, Integral):
        raise TypeError(f"user must be an integer index; got {type(user).__name__}")
    if not 0 <= user < n_users:
        raise ValueError(f"user must be in [0, {n_users}); got {user}")
    R = _as_interactions(R)
    if R.shape != (n_users, n_items):
        raise ValueError(
            f"R has shape {R.shape} but the model has {n_users} users and {n_items} "
            "items"
        )
    scores = model.item_factors @ model.user_factors[user]
    return top_k(scores, k, exclude=R[user] if exclude_seen else None)


# --- metrics --------------------------------------------------------------------------


def _metric_args(recommended: Any, relevant: Any, k: Any) -> tuple[list, set, int]:
    k = check_int(k, "k", minimum=1)
    if isinstance(relevant, (str, bytes)) or not hasattr(relevant, "__iter__"):
        raise TypeError(
            f"relevant must be a set of item indices; got {type(relevant).__name__}"
        )
    rec = np.asarray(recommended).ravel().tolist()
    return rec[:k], set(relevant), k


def precision_at_k(recommended: Any, relevant: Any, k: int) -> float:
    """Share of the first ``k`` recommendations that are relevant (divided by ``k``,
    even if fewer than ``k`` were recommended)."""
    rec, rel, k = _metric_args(recommended, relevant, k)
    return sum(item in rel for item in rec) / k


def recall_at_k(recommended: Any, relevant: Any, k: int) -> float:
    """Share of the relevant items found in the first ``k`` recommendations.

    Raises:
        ValueError: if ``relevant`` is empty (recall is undefined).
    """
    rec, rel, k = _metric_args(recommended, relevant, k)
    if not rel:
        raise ValueError("relevant is empty: recall is undefined; skip this user")
    return sum(item in rel for item in rec) / len(rel)


def ndcg_at_k(recommended: Any, relevant: Any, k: int) -> float:
    """Normalised discounted cumulative gain with binary relevance: ``sum_j
    1[rec_j relevant] / log2(j + 1)`` over positions j = 1..k, divided by its value for
    an ideal list that puts min(k, |relevant|) relevant items first.

    Raises:
        ValueError: if ``relevant`` is empty (NDCG is undefined).
    """
    rec, rel, k = _metric_args(recommended, relevant, k)
    if not rel:
        raise ValueError("relevant is empty: NDCG is undefined; skip this user")
    discounts = 1 / np.log2(np.arange(2, k + 2))
    dcg = sum(discounts[j] for j, item in enumerate(rec) if item in rel)
    ideal = discounts[: min(k, len(rel))].sum()
    return float(dcg / ideal)


def evaluate_top_k(
    recommended: Any, relevant: Sequence[Any], k: int
) -> dict[str, float]:
    """Mean precision, recall and NDCG at ``k`` over the users (rows of
    ``recommended``) whose ``relevant`` set is not empty; also ``users``, their number.

    Raises:
        ValueError: if the number of rows and of relevant sets differ, or no user has
            a relevant item.
    """
    k = check_int(k, "k", minimum=1)
    rec = np.asarray(recommended)
    if rec.ndim != 2:
        raise ValueError(f"recommended must be 2-D (users x k); got shape {rec.shape}")
    if len(relevant) != rec.shape[0]:
        raise ValueError(
            f"recommended has {rec.shape[0]} rows but relevant has {len(relevant)} "
            "sets; they must match"
        )
    discounts = 1 / np.log2(np.arange(2, k + 2))
    ideal = np.cumsum(discounts)
    sums = np.zeros(3)
    n = 0
    for row, rel in zip(rec[:, :k].tolist(), relevant, strict=True):
        if not rel:
            continue
        n += 1
        hits = np.fromiter((item in rel for item in row), dtype=bool, count=len(row))
        n_hits = hits.sum()
        # the same numbers as precision_at_k, recall_at_k and ndcg_at_k, in one pass
        sums += (
            n_hits / k,
            n_hits / len(rel),
            discounts[: hits.size][hits].sum() / ideal[min(k, len(rel)) - 1],
        )
    if n == 0:
        raise ValueError("no user has a relevant item; nothing to evaluate")
    p, r, g = sums / n
    return {"precision": float(p), "recall": float(r), "ndcg": float(g), "users": n}


def catalog_coverage(recommended: Any, n_items: int) -> float:
    """Share of the ``n_items`` catalogue that appears in at least one list."""
    n_items = check_int(n_items, "n_items", minimum=1)
    rec = np.asarray(recommended)
    if rec.size and (rec.min() < 0 or rec.max() >= n_items):
        raise ValueError(f"recommended items must be indices in [0, {n_items})")
    return np.unique(rec).size / n_items


def novelty(recommended: Any, item_counts: Any, n_users: int) -> float:
    """Mean self-information ``-log2((n_i + 1) / (n_users + 1))`` of the recommended
    items, where ``n_i`` is how many users had item i in training (add-one smoothed so
    an unseen item is finite): higher means less popular, more surprising lists."""
    n_users = check_int(n_users, "n_users", minimum=1)
    counts = np.asarray(item_counts, dtype=float)
    if counts.ndim != 1 or np.any(counts < 0) or not np.all(np.isfinite(counts)):
        raise ValueError("item_counts must be a 1-D array of non-negative counts")
    rec = np.asarray(recommended)
    if rec.size == 0:
        raise ValueError("recommended is empty")
    if rec.min() < 0 or rec.max() >= counts.size:
        raise ValueError(f"recommended items must be indices in [0, {counts.size})")
    return float(np.mean(-np.log2((counts[rec] + 1) / (n_users + 1))))
