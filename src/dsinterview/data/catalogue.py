"""A simulated catalogue whose truth is known: members with planted genre tastes, a
minority of local-language titles of planted appeal, and the plays a recommender causes
when it is retrained on its own output (the feedback loop of Chaney, Stewart and
Engelhardt 2018).

- :func:`make_taste_world`: the truth, every member's probability of playing every
  title if it is shown (:class:`TasteWorld`).
- :func:`make_logged_plays`: the plays logged under a past policy that showed the
  local-language titles less often than the rest (a shelf bias, not a taste).
- :func:`simulate_feedback_loop`: rounds of recommend, play, retrain; with
  ``epsilon > 0`` part of every row is exploration. Each round is graded against the
  truth.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from dsinterview._validate import check_int, check_real
from dsinterview.recsys import top_k
from dsinterview.recsys.fairness import effective_catalog_size

__all__ = [
    "LoggedPlays",
    "TasteWorld",
    "make_logged_plays",
    "make_taste_world",
    "simulate_feedback_loop",
]


@dataclass(frozen=True)
class TasteWorld:
    """The planted truth of :func:`make_taste_world`.

    Attributes:
        utility: members x titles, the probability that the member plays the title
            when it is shown: the member's true utility, which no model sees.
        title_genre: each title's genre (0 .. n_genres - 1).
        title_local: True for a local-language title.
        title_appeal: each title's planted appeal (on the logit scale).
        member_taste: members x genres, each member's taste (rows sum to one).
        member_local: True for a member of the local-language audience (the group
            attribute that the recommender is never given).
    """

    utility: np.ndarray
    title_genre: np.ndarray
    title_local: np.ndarray
    title_appeal: np.ndarray
    member_taste: np.ndarray
    member_local: np.ndarray

    @property
    def n_members(self) -> int:
        return self.utility.shape[0]

    @property
    def n_titles(self) -> int:
        return self.utility.shape[1]


def _probability(value: float, name: str) -> float:
    value = check_real(value, name, minimum=0)
    if value > 1:
        raise ValueError(f"{name} must be a share in [0, 1]; got {value:g}")
    return value


def make_taste_world(
    n_members: int = 600,
    n_titles: int = 300,
    n_genres: int = 6,
    *,
    local_share: float = 0.15,
    local_member_share: float = 0.2,
    local_affinity: float = 1.5,
    local_appeal_gap: float = 0.0,
    local_taste_tilt: float = 2.0,
    taste_concentration: float = 0.5,
    taste_weight: float = 1.0,
    appeal_sd: float = 1.0,
    base_logit: float = -2.5,
    seed: int = 2026,
) -> TasteWorld:
    """Members with planted tastes and a catalogue with a minority of local-language
    titles.

    Each title has a genre (uniform) and an appeal ``a_i ~ Normal(0, appeal_sd)``; a
    share ``local_share`` of the titles (exactly, rounded) is local-language, and their
    appeal is lowered by ``local_appeal_gap`` (0: equal appeal). Each member has a taste
    ``t_u ~ Dirichlet(taste_concentration)`` over genres, and a share
    ``local_member_share`` (exactly, rounded) belongs to the local-language audience,
    whose tastes lean to genre 0: their Dirichlet concentration of genre 0 is
    ``taste_concentration * (1 + local_taste_tilt)`` (0: the same tastes as everyone).
    The probability that member u plays title i when it is shown is

    ``sigmoid(base_logit + a_i + taste_weight * log(n_genres * t_u[g_i] + 1e-3)
    + local_affinity * local_u * local_i)``.

    Raises:
        TypeError: if a count is not an integer or a parameter not a number.
        ValueError: if a count is below its minimum, a share is outside [0, 1], or a
            concentration or standard deviation is not positive.
    """
    n_members = check_int(n_members, "n_members", minimum=2)
    n_titles = check_int(n_titles, "n_titles", minimum=2)
    n_genres = check_int(n_genres, "n_genres", minimum=1)
    local_share = _probability(local_share, "local_share")
    local_member_share = _probability(local_member_share, "local_member_share")
    local_affinity = check_real(local_affinity, "local_affinity")
    local_appeal_gap = check_real(local_appeal_gap, "local_appeal_gap")
    local_taste_tilt = check_real(local_taste_tilt, "local_taste_tilt", minimum=0)
    taste_concentration = check_real(
        taste_concentration, "taste_concentration", minimum=0, strict=True
    )
    taste_weight = check_real(taste_weight, "taste_weight", minimum=0)
    appeal_sd = check_real(appeal_sd, "appeal_sd", minimum=0, strict=True)
    base_logit = check_real(base_logit, "base_logit")
    rng = np.random.default_rng(seed)
    genre = rng.integers(0, n_genres, n_titles)
    local = np.zeros(n_titles, dtype=bool)
    local[rng.choice(n_titles, round(local_share * n_titles), replace=False)] = True
    appeal = rng.normal(0.0, appeal_sd, n_titles) - local_appeal_gap * local
    member_local = np.zeros(n_members, dtype=bool)
    n_local = round(local_member_share * n_members)
    member_local[rng.choice(n_members, n_local, replace=False)] = True
    conc = np.full((n_members, n_genres), taste_concentration)
    conc[member_local, 0] *= 1 + local_taste_tilt
    taste = rng.standard_gamma(conc)  # normalised gammas: one Dirichlet draw per member
    taste /= taste.sum(axis=1, keepdims=True)
    logit = (
        base_logit
        + appeal[None, :]
        + taste_weight * np.log(n_genres * taste[:, genre] + 1e-3)
        + local_affinity * np.outer(member_local, local)
    )
    utility = 1 / (1 + np.exp(-logit))
    return TasteWorld(utility, genre, local, appeal, taste, member_local)


def _check_world(world: TasteWorld) -> TasteWorld:
    if not isinstance(world, TasteWorld):
        raise TypeError(
            f"world must be a TasteWorld (from make_taste_world); got "
            f"{type(world).__name__}"
        )
    return world


@dataclass(frozen=True)
class LoggedPlays:
    """The output of :func:`make_logged_plays`: ``shown`` and ``plays`` are members x
    titles 0/1 matrices (CSR) of the titles shown and of those played."""

    shown: sp.csr_matrix
    plays: sp.csr_matrix


def _random_rows(
    rng: np.random.Generator, log_weight: np.ndarray, n: int, exclude=None
) -> np.ndarray:
    """For each row, ``n`` distinct columns drawn with probability proportional to
    ``exp(log_weight)`` without replacement (Gumbel top-k)."""
    noise = log_weight - np.log(-np.log(rng.random(log_weight.shape)))
    return top_k(noise, n, exclude=exclude)


def make_logged_plays(
    world: TasteWorld,
    *,
    n_shown: int | np.ndarray = 40,
    local_exposure: float = 0.3,
    seed: int = 0,
) -> LoggedPlays:
    """The plays logged under a past policy: every member was shown ``n_shown``
    distinct titles (one count for all, or a count per member), drawn at random with a
    local-language title ``local_exposure`` times as likely to be shown as any other
    (1: no shelf bias), and played each shown title with its true probability.

    Raises:
        TypeError: if ``world`` is not a TasteWorld or an argument has the wrong type.
        ValueError: if a count in ``n_shown`` is not in 1..n_titles, there is not one
            per member, or ``local_exposure`` is not positive.
    """
    world = _check_world(world)
    counts = np.asarray(n_shown)
    if counts.ndim == 0:
        counts = np.full(world.n_members, check_int(n_shown, "n_shown", minimum=1))
    if counts.shape != (world.n_members,) or not np.issubdtype(
        counts.dtype, np.integer
    ):
        raise ValueError(
            f"n_shown must be one integer or one per member ({world.n_members}); got "
            f"shape {counts.shape} of {counts.dtype}"
        )
    if counts.min() < 1 or counts.max() > world.n_titles:
        raise ValueError(
            f"n_shown must be in 1..{world.n_titles} (the titles there are); got "
            f"{counts.min()}..{counts.max()}"
        )
    local_exposure = check_real(
        local_exposure, "local_exposure", minimum=0, strict=True
    )
    rng = np.random.default_rng(seed)
    log_w = np.where(world.title_local, np.log(local_exposure), 0.0)
    n_max = int(counts.max())
    shown = _random_rows(rng, np.broadcast_to(log_w, world.utility.shape), n_max)
    keep = np.arange(n_max)[None, :] < counts[:, None]  # a member's first n_u draws
    rows = np.repeat(np.arange(world.n_members), n_max)[keep.ravel()]
    cols = shown[keep]
    played = rng.random(cols.size) < world.utility[rows, cols]
    shape = world.utility.shape
    S = sp.csr_matrix((np.ones(cols.size), (rows, cols)), shape=shape)
    P = sp.csr_matrix((np.ones(played.sum()), (rows[played], cols[played])), shape)
    return LoggedPlays(S, P)


def simulate_feedback_loop(
    world: TasteWorld,
    recommender: Callable[[sp.csr_matrix], np.ndarray],
    *,
    rounds: int = 12,
    k: int = 10,
    epsilon: float = 0.0,
    n_start: int = 5,
    seed: int = 0,
) -> pd.DataFrame:
    """Recommend, play, retrain, for ``rounds`` rounds, and grade each round against
    the truth.

    Round 0's plays come from ``n_start`` titles shown to each member at random. In
    every round, ``recommender(plays)`` (a members x titles matrix of 0/1 plays so far)
    returns a members x titles score matrix; each member's row is the ``k`` best-scored
    titles they have not played, except that each slot is, with probability
    ``epsilon``, replaced by a title drawn at random from the rest (ε-greedy
    exploration). The member plays each shown title with its true probability, and the
    plays feed the next round.

    Returns one row per round with ``round`` (1..rounds), ``utility`` (the mean true
    probability of a play over the slots shown), ``exploit_utility`` (the same for the
    list the model would show without exploration), ``oracle_utility`` (the mean of the
    ``k`` best true probabilities among the titles the member has not played),
    ``diversity`` (the effective catalogue size of the round's impressions, see
    :func:`dsinterview.recsys.fairness.effective_catalog_size`: aggregate diversity),
    ``homogeneity`` (the mean Jaccard similarity of two members' rows over all pairs
    of members: how alike what members are shown is, the quantity Chaney et al. track)
    and ``local_exposure`` (the share of impressions that went to local-language
    titles).

    Raises:
        TypeError: if ``world`` is not a TasteWorld, ``recommender`` is not callable or
            an argument has the wrong type.
        ValueError: if a count is not positive, ``epsilon`` is outside [0, 1], the
            catalogue is too small for ``rounds`` rows of ``k`` new titles, or the
            recommender returns scores of the wrong shape or with NaN.
    """
    world = _check_world(world)
    if not callable(recommender):
        raise TypeError(
            "recommender must be callable as recommender(plays) -> scores; got "
            f"{type(recommender).__name__}"
        )
    rounds = check_int(rounds, "rounds", minimum=1)
    k = check_int(k, "k", minimum=1)
    n_start = check_int(n_start, "n_start", minimum=1)
    epsilon = _probability(epsilon, "epsilon")
    n, m = world.utility.shape
    if m < n_start + (rounds + 2) * k:
        raise ValueError(
            f"the catalogue ({m} titles) is too small: it needs at least n_start + "
            f"(rounds + 2) * k = {n_start + (rounds + 2) * k} so that every row can "
            "hold titles the member has not played"
        )
    rng = np.random.default_rng(seed)
    U = world.utility
    members = np.repeat(np.arange(n), k)
    start = _random_rows(rng, np.zeros((n, m)), n_start)
    first = rng.random(start.shape) < U[np.arange(n)[:, None], start]
    played = np.zeros((n, m), dtype=bool)
    played[np.arange(n)[:, None].repeat(n_start, 1)[first], start[first]] = True
    out = []
    for r in range(1, rounds + 1):
        plays = sp.csr_matrix(played.astype(float))
        scores = np.asarray(recommender(plays), dtype=float)
        if scores.shape != (n, m) or np.isnan(scores).any():
            raise ValueError(
                f"recommender returned scores of shape {scores.shape}; it must return "
                f"a finite {n} x {m} matrix"
            )
        exploit = top_k(scores, k, exclude=played)
        rows = np.arange(n)[:, None]
        shown = exploit
        if epsilon > 0:
            taken = played.copy()
            taken[rows, exploit] = True
            explore = _random_rows(rng, np.zeros((n, m)), k, exclude=taken)
            shown = np.where(rng.random((n, k)) < epsilon, explore, exploit)
        best = np.sort(np.where(played, -np.inf, U), axis=1)[:, -k:]
        hit = rng.random((n, k)) < U[rows, shown]
        exposure = np.bincount(shown.ravel(), minlength=m)
        onehot = sp.csr_matrix((np.ones(n * k), (members, shown.ravel())), shape=(n, m))
        common = (onehot @ onehot.T).toarray()[np.triu_indices(n, 1)]
        jaccard = common / (2 * k - common)  # a row holds k distinct titles
        out.append(
            {
                "round": r,
                "utility": float(U[rows, shown].mean()),
                "exploit_utility": float(U[rows, exploit].mean()),
                "oracle_utility": float(best.mean()),
                "diversity": effective_catalog_size(exposure),
                "homogeneity": float(jaccard.mean()),
                "local_exposure": float(world.title_local[shown].mean()),
            }
        )
        played[members[hit.ravel()], shown.ravel()[hit.ravel()]] = True
    return pd.DataFrame(out)
