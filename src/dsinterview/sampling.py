"""Survey sampling for logs: reservoirs, stratified and hash samples,
unequal-probability designs, estimators.

Selection:

- :func:`reservoir_sample`: a uniform sample of ``k`` items in one pass over a stream of
  unknown length, by Algorithm R (one random number per item) or Algorithm L (Li 1994,
  which skips ahead).
- :func:`allocate` and :func:`stratified_sample`: exactly ``n`` rows, split over strata
  proportionally, by Neyman allocation, or equally; simple random sampling without
  replacement inside each stratum.
- :func:`hash_unit` and :func:`hash_sample`: deterministic selection by a hash of a key
  (a user id, a query string), identical on every machine and reproducible in SQL; see
  :func:`hash_unit` for the exact hash.
- :func:`pps_poisson_sample`: probability proportional to size, with the inclusion
  probabilities needed to weight estimates back.

Estimation, each returning an :class:`Estimate` (value and standard error):
:func:`srs_mean`, :func:`stratified_mean`, :func:`hajek_mean`, :func:`cluster_mean`.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import sys
from collections.abc import Iterable, Sequence
from statistics import NormalDist
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from dsinterview._validate import check_choice, check_columns, check_int, check_real

__all__ = [
    "Estimate",
    "allocate",
    "cluster_mean",
    "hajek_mean",
    "hash_sample",
    "hash_unit",
    "pps_poisson_sample",
    "reservoir_sample",
    "srs_mean",
    "stratified_mean",
    "stratified_sample",
]

_MASK64 = (1 << 64) - 1
_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


# ---------------------------------------------------------------------------- reservoir
class _Uniforms:
    """Uniform numbers in (0, 1] from a seeded generator, drawn in blocks and counted
    one by one."""

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        # grows to 4096: short streams draw little, long ones draw in large blocks
        self._block = 16
        self._buf: list[float] = []
        self._pos = 0
        self.count = 0

    def block(self, m: int) -> np.ndarray:
        """``m`` uniforms in [0, 1) at once (counted), for algorithms that use one per
        item."""
        self.count += m
        return self._rng.random(m)

    def __call__(self) -> float:
        if self._pos == len(self._buf):
            self._buf = (
                1.0 - self._rng.random(self._block)
            ).tolist()  # (0, 1]: safe to take the log
            self._pos = 0
            self._block = min(2 * self._block, 4096)
        u = self._buf[self._pos]
        self._pos += 1
        self.count += 1
        return u


def reservoir_sample(
    iterable: Iterable[Any],
    k: int,
    *,
    seed: int | np.random.Generator | None = None,
    method: str = "L",
    return_draws: bool = False,
) -> list[Any] | tuple[list[Any], int]:
    """A uniform random sample of ``k`` items from a stream, in one pass and ``O(k)``
    memory.

    Every subset of ``k`` items of the stream is equally likely to be returned. The
    stream may be any iterable, including a generator whose length is unknown; it is
    read once. When it holds fewer than ``k`` items, all of them are returned.

    Args:
        iterable: the stream.
        k: the sample size (0 returns an empty list without reading the stream).
        seed: an int, a ``numpy.random.Generator`` or None (fresh entropy). Same seed,
            same sample.
        method: ``"R"`` (Waterman's Algorithm R as described by Vitter 1985: item ``i``
            replaces a random slot with probability ``k / i``, one random number per
            item after the first ``k``; the numbers are drawn in blocks of 8192 items)
            or ``"L"`` (Li 1994: draws how many items to skip before the next
            replacement, about ``3 k log(n / k)`` random numbers for a stream of ``n``).
        return_draws: also return how many uniform random numbers the algorithm used.

    Returns:
        The sample as a list in reservoir-slot order, or ``(sample, n_draws)`` with
        ``return_draws``.

    Raises:
        TypeError: if ``k`` is not an integer or ``iterable`` is not iterable.
        ValueError: if ``k`` is negative or ``method`` is not "R" or "L".
    """
    k = check_int(k, "k", minimum=0)
    method = check_choice(method, "method", ("R", "L"))
    try:
        it = iter(iterable)
    except TypeError as exc:
        raise TypeError(
            "iterable must be iterable (a list, array, generator...); got "
            f"{type(iterable).__name__}"
        ) from exc
    rng = np.random.default_rng(seed)
    draw = _Uniforms(rng)
    if k == 0:
        return ([], 0) if return_draws else []
    reservoir = list(itertools.islice(it, k))
    if len(reservoir) == k:
        if method == "R":
            _algorithm_r(it, reservoir, k, draw)
        else:
            _algorithm_l(it, reservoir, k, draw)
    return (reservoir, draw.count) if return_draws else reservoir


def _algorithm_r(
    it: Iterable[Any], reservoir: list[Any], k: int, draw: _Uniforms
) -> None:
    # Item number i (1-based) is kept with probability k / i, in a uniformly chosen
    # slot:
    # j = floor(u * i) is uniform on {0, ..., i-1}, and j < k has probability k / i. The
    # items are read in blocks and their random numbers drawn as one array, but every
    # item still gets its own number and the replacements are applied in stream order,
    # so this is Algorithm R exactly, only without a Python statement per item.
    i = k
    while True:
        block = list(itertools.islice(it, 8192))
        if not block:
            return
        u = draw.block(len(block))
        j = np.floor(u * np.arange(i + 1, i + len(block) + 1)).astype(np.int64)
        for pos in np.flatnonzero(j < k).tolist():
            reservoir[j[pos]] = block[pos]
        i += len(block)


def _algorithm_l(
    it: Iterable[Any], reservoir: list[Any], k: int, draw: _Uniforms
) -> None:
    # Think of every item as carrying a uniform key and of the reservoir as the k
    # smallest keys so far (Li 1994). W is the largest key in the reservoir: a new item
    # gets in with probability W, so the number of items skipped before the next one
    # that does is geometric; the new W is W times the largest of k uniforms. Three
    # random numbers per replacement, none for the items skipped.
    w = math.exp(math.log(draw()) / k)
    sentinel = object()
    while True:
        skip = 0 if w >= 1.0 else math.floor(math.log(draw()) / math.log1p(-w))
        skip = min(skip, sys.maxsize - 1)
        item = next(itertools.islice(it, skip, skip + 1), sentinel)
        if item is sentinel:
            return
        reservoir[min(int((1.0 - draw()) * k), k - 1)] = item
        w *= math.exp(math.log(draw()) / k)


# ------------------------------------------------------------------------------- strata
def allocate(
    sizes: Sequence[int] | np.ndarray,
    n: int,
    *,
    allocation: str = "proportional",
    sds: Sequence[float] | np.ndarray | None = None,
    min_per_stratum: int = 0,
) -> np.ndarray:
    """Split a sample of ``n`` over strata of the given sizes; the result sums to ``n``
    exactly.

    ``"proportional"`` gives stratum ``h`` a share ``N_h / N``; ``"neyman"`` a share
    ``N_h S_h / sum N S`` (Neyman 1934: the allocation that minimises the variance of
    the stratified mean for a fixed ``n``); ``"equal"`` the same number to every stratum
    (the way to cover small strata such as the tail). Shares above a stratum's size are
    capped at its size and the rest is re-allocated over the other strata; fractional
    parts are rounded by largest remainders. With ``min_per_stratum=m`` every stratum
    first gets ``min(m, N_h)`` units (two per stratum are needed to estimate a
    within-stratum variance) and the rest of the sample is allocated by the rule.

    Raises:
        ValueError: for an unknown allocation, negative or empty sizes, ``n`` larger
            than the population or smaller than the minimum per stratum requires, or
            ``sds`` missing, of the wrong length or negative for Neyman allocation.
    """
    allocation = check_choice(
        allocation, "allocation", ("proportional", "neyman", "equal")
    )
    N = np.asarray(sizes)
    if (
        N.ndim != 1
        or N.size == 0
        or not np.issubdtype(N.dtype, np.integer)
        or (N < 0).any()
    ):
        raise ValueError(
            "sizes must be a non-empty 1-D array of non-negative integers (stratum "
            "sizes)"
        )
    N = N.astype(np.int64)
    n = check_int(n, "n", minimum=0)
    if n > N.sum():
        raise ValueError(
            f"n must be at most the population size {int(N.sum())}; got {n}"
        )
    if allocation == "neyman":
        if sds is None:
            raise ValueError(
                "Neyman allocation needs sds, the standard deviation within each "
                "stratum"
            )
        S = np.asarray(sds, dtype=float)
        if S.shape != N.shape or not np.all(np.isfinite(S)) or (S < 0).any():
            raise ValueError(
                f"sds must be {N.size} finite non-negative standard deviations; got "
                f"{S.shape}"
            )
        weight = N * S
    elif allocation == "proportional":
        weight = N.astype(float)
    else:
        weight = (N > 0).astype(float)
    min_per_stratum = check_int(min_per_stratum, "min_per_stratum", minimum=0)
    floor = np.minimum(min_per_stratum, N)
    if floor.sum() > n:
        raise ValueError(
            f"n={n} is too small to give every stratum "
            f"min_per_stratum={min_per_stratum}; that needs n >= {int(floor.sum())}"
        )
    cap = N - floor
    out = np.zeros(N.size, dtype=np.int64)
    free = cap > 0
    remaining = n - int(floor.sum())
    ideal = np.zeros(N.size)
    while remaining > 0:
        w = np.where(free, weight, 0.0)
        if (
            w.sum() == 0
        ):  # e.g. Neyman with S_h = 0 in every free stratum: fall back to proportional
            w = np.where(free, N.astype(float), 0.0)
        ideal = remaining * w / w.sum()
        over = free & (ideal >= cap)
        if not over.any():
            break
        out[over] = cap[over]
        remaining -= int(cap[over].sum())
        free &= ~over
        ideal = np.zeros(N.size)
    base = np.floor(ideal).astype(np.int64)
    out[free] = base[free]
    short = remaining - int(base[free].sum())
    frac = np.where(free & (base < cap), ideal - base, -1.0)
    out[np.argsort(-frac, kind="stable")[:short]] += 1
    return out + floor


def _stratum_codes(df: pd.DataFrame, strata: list[str]) -> tuple[np.ndarray, int]:
    """Integer stratum codes 0..H-1 (in sorted order of the strata values) and H, in
    O(rows)."""
    codes = np.zeros(len(df), dtype=np.int64)
    radix = 1
    for col in reversed(strata):
        if isinstance(
            df[col].dtype, pd.CategoricalDtype
        ):  # already coded: no hashing of 5M values
            c, uniques = df[col].cat.codes.to_numpy(), df[col].cat.categories
        else:
            c, uniques = pd.factorize(df[col], sort=True)
        if (c < 0).any():
            raise ValueError(
                f"strata column {col!r} has missing values; fill or drop them first"
            )
        codes += c.astype(np.int64) * radix
        radix *= max(len(uniques), 1)
    if radix <= 50_000_000:
        present = np.bincount(codes, minlength=radix) > 0
        lookup = np.cumsum(present) - 1
        codes = lookup[codes]
        H = int(present.sum())
    else:
        uniq, codes = np.unique(codes, return_inverse=True)
        H = uniq.size
    dtype = np.int16 if H < 2**15 else np.int64
    return codes.astype(dtype), H


def stratified_sample(
    df: pd.DataFrame,
    strata: str | Sequence[str],
    n: int,
    *,
    allocation: str = "proportional",
    value: str | None = None,
    seed: int | np.random.Generator | None = None,
    min_per_stratum: int = 0,
) -> pd.DataFrame:
    """Exactly ``n`` rows of ``df``: a simple random sample without replacement inside
    each stratum.

    Args:
        df: the population frame.
        strata: the column (or columns) whose combinations define the strata.
        n: the total sample size.
        allocation: ``"proportional"``, ``"neyman"`` or ``"equal"`` (see
            :func:`allocate`).
        value: the numeric column whose within-stratum standard deviation drives Neyman
            allocation (required for, and only used by, ``"neyman"``).
        seed: an int, a ``numpy.random.Generator`` or None.
        min_per_stratum: every stratum gets at least this many rows (or all of its rows)
            before the rest is allocated (see :func:`allocate`).

    Returns:
        The sampled rows, in their original order (index preserved).

    Raises:
        TypeError: if ``df`` is not a DataFrame or ``n`` is not an integer.
        ValueError: for a strata or value column that does not exist, an unknown
            allocation, Neyman allocation without ``value``, or ``n`` outside
            1..len(df).
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame; got {type(df).__name__}")
    strata = [strata] if isinstance(strata, str) else list(strata)
    if not strata:
        raise ValueError("strata must name at least one column")
    check_columns(df, strata, "df")
    allocation = check_choice(
        allocation, "allocation", ("proportional", "neyman", "equal")
    )
    n = check_int(n, "n", minimum=1)
    if n > len(df):
        raise ValueError(f"n must be at most the number of rows ({len(df)}); got {n}")
    sds = None
    if allocation == "neyman":
        if value is None:
            raise ValueError(
                "allocation='neyman' needs value=, the column whose spread drives "
                "the allocation"
            )
        check_columns(df, [value], "df")
    codes, H = _stratum_codes(df, strata)
    N_h = np.bincount(codes, minlength=H)
    if allocation == "neyman":
        y = pd.to_numeric(df[value], errors="raise").to_numpy(dtype=float)
        if not np.all(np.isfinite(y)):
            raise ValueError(f"value column {value!r} must be finite")
        s1 = np.bincount(codes, weights=y, minlength=H)
        s2 = np.bincount(codes, weights=y * y, minlength=H)
        ss = np.maximum(s2 - s1 * s1 / N_h, 0.0)
        sds = np.sqrt(np.where(N_h > 1, ss / np.maximum(N_h - 1, 1), 0.0))
    n_h = allocate(
        N_h, n, allocation=allocation, sds=sds, min_per_stratum=min_per_stratum
    )
    rng = np.random.default_rng(seed)
    order = np.argsort(codes, kind="stable")  # radix sort for small integer codes
    start = np.concatenate([[0], np.cumsum(N_h)[:-1]])
    picks = [
        order[start[h] + rng.choice(N_h[h], size=n_h[h], replace=False)]
        for h in range(H)
        if n_h[h]
    ]
    idx = np.sort(np.concatenate(picks))
    return df.iloc[idx]


# --------------------------------------------------------------------------------- hash
def _splitmix64(x: np.ndarray) -> np.ndarray:
    """The SplitMix64 output function (Steele, Lea & Flood 2014) on uint64, in place
    where possible."""
    z = x + _GAMMA
    z ^= z >> np.uint64(30)
    z *= _MIX1
    z ^= z >> np.uint64(27)
    z *= _MIX2
    z ^= z >> np.uint64(31)
    return z


def _salt64(salt: str) -> np.uint64:
    return np.uint64(int(hashlib.sha256(salt.encode("utf-8")).hexdigest()[:16], 16))


def _key64(keys: Any) -> np.ndarray:
    """Keys as uint64: integers by their 64-bit two's complement, strings by the first 8
    bytes of SHA-256."""
    if isinstance(keys, (str, bytes)) or not hasattr(keys, "__len__"):
        raise TypeError(
            "keys must be a sequence or array of integers or strings; got "
            f"{type(keys).__name__}"
        )
    if isinstance(keys, (pd.Series, pd.Index)) and isinstance(
        keys.dtype, pd.CategoricalDtype
    ):
        keys = keys.astype(keys.dtype.categories.dtype)
    if isinstance(keys, (pd.Series, pd.Index)) and keys.isna().any():
        raise ValueError("keys must not contain missing values")
    arr = np.asarray(keys)
    if arr.ndim != 1:
        raise ValueError(f"keys must be 1-D; got shape {arr.shape}")
    if arr.dtype == bool:
        raise TypeError("keys must be integers or strings; got booleans")
    if np.issubdtype(arr.dtype, np.integer):
        return (
            arr.astype(np.int64).view(np.uint64)
            if arr.dtype != np.uint64
            else arr.copy()
        )
    if arr.dtype.kind in "USO":
        out = np.empty(arr.size, dtype=np.uint64)
        for i, key in enumerate(arr.tolist()):
            if not isinstance(key, str):
                raise TypeError(
                    "keys must be all integers or all strings; got "
                    f"{type(key).__name__} at {i}"
                )
            out[i] = int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:16], 16)
        return out
    raise TypeError(f"keys must be integers or strings; got dtype {arr.dtype}")


def hash_unit(keys: Any, *, salt: str = "") -> np.ndarray:
    """A deterministic pseudo-uniform number in [0, 1) for each key, the same on every
    machine.

    The hash is spelled out so that any system can reproduce it bit for bit (the chapter
    does it in SQL):

    1. key to 64 bits: an integer key is its 64-bit two's complement (``int64`` viewed
       as ``uint64``); a string key is the first 8 bytes of SHA-256 of its UTF-8
       encoding, read big-endian (the first 16 hex digits of the digest);
    2. salt to 64 bits the same way as a string key;
    3. ``h = splitmix64(key XOR salt)`` where ``splitmix64(x)`` adds
       ``0x9E3779B97F4A7C15`` and applies the SplitMix64 finaliser (shifts 30, 27, 31;
       multipliers ``0xBF58476D1CE4E5B9``, ``0x94D049BB133111EB``), all modulo 2**64;
    4. ``u = (h >> 11) / 2**53``, the top 53 bits as a double.

    Raises:
        TypeError: for keys that are not integers or strings, or a salt that is not a
            string.
        ValueError: for missing keys or keys that are not 1-D.
    """
    if not isinstance(salt, str):
        raise TypeError(f"salt must be a string; got {type(salt).__name__}")
    h = _splitmix64(_key64(keys) ^ _salt64(salt))
    return (h >> np.uint64(11)).astype(np.float64) / float(2**53)


def hash_sample(keys: Any, fraction: float, *, salt: str = "") -> np.ndarray:
    """A boolean mask selecting about ``fraction`` of the keys, deterministically by
    :func:`hash_unit`.

    A key is selected when ``(h >> 11) < floor(fraction * 2**53)``, i.e.
    ``hash_unit(key) < fraction``. The same key and salt give the same decision on any
    machine and any day, so a user sampled today is sampled tomorrow, every shard can
    decide alone, and samples at smaller fractions are nested in larger ones. Different
    salts give (practically) independent samples.

    Raises:
        ValueError: if ``fraction`` is not in (0, 1]; see :func:`hash_unit` for the keys
            and salt.
    """
    fraction = check_real(fraction, "fraction", minimum=0.0, strict=True)
    if fraction > 1.0:
        raise ValueError(f"fraction must be in (0, 1]; got {fraction:g}")
    if not isinstance(salt, str):
        raise TypeError(f"salt must be a string; got {type(salt).__name__}")
    h = _splitmix64(_key64(keys) ^ _salt64(salt))
    return (h >> np.uint64(11)) < np.uint64(math.floor(fraction * 2**53))


# ---------------------------------------------------------------------------------- pps
def pps_poisson_sample(
    sizes: Sequence[float] | np.ndarray,
    n_expected: float,
    *,
    seed: int | np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Poisson sampling with probability proportional to size: each unit is kept
    independently.

    Unit ``i`` is included with probability ``pi_i = min(1, c * size_i)``, with ``c``
    chosen so that the ``pi`` sum to ``n_expected`` (units that would exceed 1 are taken
    with certainty and ``c`` is recomputed over the rest). Weighting each sampled unit
    by ``1 / pi_i`` (Horvitz & Thompson 1952) undoes the unequal probabilities; see
    :func:`hajek_mean`.

    Returns:
        ``(mask, pi)``: the boolean inclusion mask and every unit's inclusion
        probability.

    Raises:
        ValueError: for negative or non-finite sizes, or ``n_expected`` outside (0,
            number of units with positive size].
    """
    s = np.asarray(sizes, dtype=float)
    if s.ndim != 1 or s.size == 0 or not np.all(np.isfinite(s)) or (s < 0).any():
        raise ValueError(
            "sizes must be a non-empty 1-D array of finite, non-negative measures "
            "of size"
        )
    n_expected = check_real(n_expected, "n_expected", minimum=0.0, strict=True)
    n_pos = int((s > 0).sum())
    if n_expected > n_pos:
        raise ValueError(
            "n_expected must be at most the number of units with positive size "
            f"({n_pos})"
        )
    pi = np.zeros_like(s)
    certain = np.zeros(s.size, dtype=bool)
    while True:
        rest = n_expected - certain.sum()
        free = ~certain & (s > 0)
        pi[free] = rest * s[free] / s[free].sum()
        pi[certain] = 1.0
        new = free & (pi >= 1.0)
        if not new.any():
            break
        certain |= new
    rng = np.random.default_rng(seed)
    return rng.random(s.size) < pi, pi


# --------------------------------------------------------------------------- estimators
class Estimate(NamedTuple):
    """A point estimate with its standard error."""

    value: float
    se: float

    def ci(self, level: float = 0.95) -> tuple[float, float]:
        """The normal-approximation confidence interval ``value ± z * se``."""
        level = check_real(level, "level", minimum=0.0, strict=True)
        if level >= 1.0:
            raise ValueError(f"level must be in (0, 1); got {level:g}")
        z = NormalDist().inv_cdf(0.5 + level / 2)
        return self.value - z * self.se, self.value + z * self.se


def _as_values(y: Any, name: str = "y") -> np.ndarray:
    arr = np.asarray(y, dtype=float)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array; got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite")
    return arr


def srs_mean(y: Any, population_size: int | None = None) -> Estimate:
    """Mean of a simple random sample without replacement, with SE
    ``sqrt((1 - n/N) s^2 / n)``.

    Without ``population_size`` the finite-population correction is dropped (an infinite
    population).
    """
    y = _as_values(y)
    n = y.size
    if n < 2:
        raise ValueError("y needs at least 2 values to estimate a standard error")
    fpc = 1.0
    if population_size is not None:
        population_size = check_int(population_size, "population_size", minimum=n)
        fpc = 1.0 - n / population_size
    return Estimate(float(y.mean()), float(math.sqrt(fpc * y.var(ddof=1) / n)))


def stratified_mean(
    y: Any, stratum: Any, population_sizes: dict[Any, int] | pd.Series
) -> Estimate:
    """The stratified mean ``sum_h W_h ybar_h`` and its SE
    ``sqrt(sum_h W_h^2 (1 - n_h/N_h) s_h^2 / n_h)``.

    Args:
        y: sampled values.
        stratum: the stratum label of each sampled value.
        population_sizes: ``N_h`` for every stratum of the population (a dict or Series
            by label).

    Raises:
        ValueError: if a stratum of the population has fewer than 2 sampled values, or a
            sampled stratum is not in ``population_sizes``.
    """
    y = _as_values(y)
    lab = (
        pd.Series(np.asarray(stratum))
        if not isinstance(stratum, pd.Series)
        else stratum.reset_index(drop=True)
    )
    if len(lab) != y.size:
        raise ValueError(
            f"stratum has {len(lab)} labels for {y.size} values; they must match"
        )
    Nh = pd.Series(population_sizes, dtype=float)
    unknown = set(lab.unique()) - set(Nh.index)
    if unknown:
        raise ValueError(
            "sampled strata missing from population_sizes: "
            f"{sorted(map(str, unknown))[:5]}"
        )
    g = (
        pd.DataFrame({"h": lab.to_numpy(), "y": y})
        .groupby("h", observed=True)["y"]
        .agg(["size", "mean", "var"])
    )
    g = g.reindex(Nh.index)
    if g["size"].isna().any() or (g["size"] < 2).any():
        raise ValueError(
            "every stratum of the population needs at least 2 sampled values"
        )
    W = Nh / Nh.sum()
    value = float((W * g["mean"]).sum())
    var = float((W**2 * (1 - g["size"] / Nh) * g["var"] / g["size"]).sum())
    return Estimate(value, math.sqrt(var))


def hajek_mean(y: Any, pi: Any) -> Estimate:
    """The weighted (Hajek) mean ``sum(y/pi) / sum(1/pi)`` of a Poisson sample, with
    linearised SE.

    The variance is that of a Poisson design,
    ``sum((1 - pi) / pi^2 * (y - mean)^2) / (sum 1/pi)^2``.
    """
    y = _as_values(y)
    p = _as_values(pi, "pi")
    if p.size != y.size:
        raise ValueError(
            f"pi has {p.size} entries for {y.size} values; they must match"
        )
    if (p <= 0).any() or (p > 1).any():
        raise ValueError("pi must be inclusion probabilities in (0, 1]")
    w = 1.0 / p
    N_hat = w.sum()
    m = float((w * y).sum() / N_hat)
    var = float(((1 - p) * w**2 * (y - m) ** 2).sum() / N_hat**2)
    return Estimate(m, math.sqrt(var))


def cluster_mean(y: Any, cluster: Any) -> Estimate:
    """The mean of a sample of whole clusters (e.g. all events of hash-sampled users),
    cluster-robust SE.

    The ratio estimator ``sum y / n`` with variance
    ``m / (m - 1) * sum_c (Y_c - mean * n_c)^2 / n^2`` over the ``m`` sampled clusters
    (totals ``Y_c``, sizes ``n_c``); the naive ``s^2 / n`` ignores that events of one
    user are alike and understates the error.

    Raises:
        ValueError: for fewer than 2 clusters or labels that do not match the values.
    """
    y = _as_values(y)
    c = np.asarray(cluster)
    if c.shape != y.shape:
        raise ValueError(
            f"cluster has shape {c.shape} for {y.size} values; they must match"
        )
    _, inv = np.unique(c, return_inverse=True)
    m = int(inv.max()) + 1
    if m < 2:
        raise ValueError("need at least 2 clusters to estimate a standard error")
    Y = np.bincount(inv, weights=y)
    n_c = np.bincount(inv)
    mean = float(y.sum() / y.size)
    var = m / (m - 1) * float(((Y - mean * n_c) ** 2).sum()) / y.size**2
    return Estimate(mean, math.sqrt(var))
