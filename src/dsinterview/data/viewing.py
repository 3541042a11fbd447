"""Simulated viewing histories with planted tastes, taste drift and series that are
watched episode after episode: what MovieLens cannot show (what a member is watching
now)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dsinterview._validate import check_int, check_real

__all__ = ["ViewingData", "make_viewing_histories"]


@dataclass(frozen=True)
class ViewingData:
    """The output of :func:`make_viewing_histories`.

    Attributes:
        plays: one row per play in time order per member: ``member``, ``step`` (0, 1,
            ...), ``series``, ``episode`` (0-based) and ``new_series`` (True when the
            play starts a series).
        series_genre: the genre of each series.
        series_appeal: each series' planted appeal (a log-normal popularity).
        taste_before, taste_after: members x genres; a member's genre preferences
            before and after ``switch_step``.
        switch_step: the step at which each member's taste switches (``n_plays`` for a
            member whose taste never drifts).
    """

    plays: pd.DataFrame
    series_genre: np.ndarray
    series_appeal: np.ndarray
    taste_before: np.ndarray
    taste_after: np.ndarray
    switch_step: np.ndarray


def make_viewing_histories(
    n_members: int = 2000,
    n_series: int = 300,
    n_episodes: int = 6,
    n_genres: int = 8,
    n_plays: int = 30,
    p_continue: float = 0.6,
    drift_share: float = 0.5,
    taste_concentration: float = 0.3,
    seed: int = 2026,
) -> ViewingData:
    """Members watch series episode by episode; their tastes can switch part-way.

    Each series has a genre (uniform over ``n_genres``) and an appeal (log-normal, sd
    one). Each member has a taste over genres, a Dirichlet draw with concentration
    ``taste_concentration`` (small: a few favourite genres). A share ``drift_share`` of
    members switch at a uniform step in the second half of their history to a fresh,
    independent taste (a new household member, a new phase), the rest keep theirs.

    At every step a member part-way through a series plays its next episode with
    probability ``p_continue``; otherwise (or after a series' last episode) they start
    a series they have not started, chosen with probability proportional to ``appeal x
    taste[genre]`` under their current taste. Draws are vectorised over members (the
    Gumbel-max trick), so a few thousand members take milliseconds.

    Raises:
        TypeError: if a count is not an integer or a rate not a number.
        ValueError: if a count is below its minimum, a probability is outside [0, 1],
            the concentration is not positive, or there are too few series for
            ``n_plays`` new starts.
    """
    n_members = check_int(n_members, "n_members", minimum=1)
    n_series = check_int(n_series, "n_series", minimum=2)
    n_episodes = check_int(n_episodes, "n_episodes", minimum=1)
    n_genres = check_int(n_genres, "n_genres", minimum=1)
    n_plays = check_int(n_plays, "n_plays", minimum=2)
    for name, value in (("p_continue", p_continue), ("drift_share", drift_share)):
        check_real(value, name, minimum=0)
        if value > 1:
            raise ValueError(f"{name} must be a probability in [0, 1]; got {value:g}")
    taste_concentration = check_real(
        taste_concentration, "taste_concentration", minimum=0, strict=True
    )
    if n_series < n_plays:
        raise ValueError(
            f"n_series ({n_series}) must be at least n_plays ({n_plays}) so that a "
            "member can always start a new series"
        )
    rng = np.random.default_rng(seed)
    genre = rng.integers(0, n_genres, n_series)
    appeal = rng.lognormal(0.0, 1.0, n_series)
    taste_before = rng.dirichlet(np.full(n_genres, taste_concentration), n_members)
    taste_after = rng.dirichlet(np.full(n_genres, taste_concentration), n_members)
    drifts = rng.random(n_members) < drift_share
    half = n_plays // 2
    switch = np.where(drifts, rng.integers(half, n_plays, n_members), n_plays)

    members = np.arange(n_members)
    started = np.zeros((n_members, n_series), dtype=bool)
    current = np.full(n_members, -1)  # the series in progress, -1 for none
    episode = np.zeros(n_members, dtype=int)
    out_series = np.empty((n_plays, n_members), dtype=int)
    out_episode = np.empty((n_plays, n_members), dtype=int)
    out_new = np.empty((n_plays, n_members), dtype=bool)
    log_appeal = np.log(appeal)
    for step in range(n_plays):
        in_progress = (current >= 0) & (episode < n_episodes - 1)
        cont = in_progress & (rng.random(n_members) < p_continue)
        new = np.flatnonzero(~cont)
        taste = np.where(
            (step >= switch[new])[:, None], taste_after[new], taste_before[new]
        )
        # a floor keeps a genre the member never watches possible, barely
        logits = log_appeal[None, :] + np.log(taste[:, genre] + 1e-12)
        logits -= np.log(-np.log(rng.random(logits.shape)))  # Gumbel noise
        logits[started[new]] = -np.inf
        pick = np.argmax(logits, axis=1)
        series, ep = current.copy(), episode + 1
        series[new], ep[new] = pick, 0
        started[new, pick] = True
        current, episode = series, ep
        out_series[step], out_episode[step], out_new[step] = series, ep, ~cont
    plays = pd.DataFrame(
        {
            "member": np.tile(members, n_plays),
            "step": np.repeat(np.arange(n_plays), n_members),
            "series": out_series.ravel(),
            "episode": out_episode.ravel(),
            "new_series": out_new.ravel(),
        }
    ).sort_values(["member", "step"], ignore_index=True)
    return ViewingData(plays, genre, appeal, taste_before, taste_after, switch)
