"""Interleaving: compare two rankers on the same member's row.

Instead of showing ranker A to one half of the members and ranker B to the other (an
A/B test), an interleaved experiment shows every member one row that mixes both, and
credits each play to the ranker that contributed the title. Each member then states a
preference, so the noise between members (how much they watch at all) drops out of the
comparison; that is why interleaving needs far fewer members than an A/B test.

- :func:`team_draft`: team-draft interleaving of two rankings (Radlinski, Kurup and
  Joachims 2008), with the team of every item shown.
- :func:`preference`: the member's verdict: the team with more clicked items, or a tie.
- :func:`team_draft_many`: the same draw for many members at once (NumPy arrays of item
  indices), for simulations and serving-path tests; its rows have the distribution of
  :func:`team_draft`'s.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from dsinterview._validate import check_int, check_seed
from dsinterview.ranking import _as_ranking

__all__ = ["preference", "team_draft", "team_draft_many"]

TEAMS = ("A", "B")


def team_draft(
    a: Any, b: Any, length: int, *, seed: int | np.random.Generator | None = None
) -> tuple[list, dict]:
    """Team-draft interleaving of rankings ``a`` and ``b`` (best first).

    The two rankers pick like captains choosing teams: the ranker with fewer picks so
    far picks next, and when both have as many a fair coin decides (so each round of
    two picks starts with a coin toss). A ranker picks its highest-ranked item that is
    not yet shown. The draft stops when ``length`` items are shown or both rankings are
    exhausted; once one ranking is exhausted the other picks alone.

    The last rule departs from Radlinski, Kurup and Joachims (2008), whose draft stops
    as soon as *either* ranking is exhausted. Filling the row with the remaining ranker
    keeps the row full, but those extra picks all go to one team, so the balance of
    picks (and the fairness of the credit) holds only for the positions drafted while
    both rankings still had items. With rankings at least ``length`` long, the two
    rules give the same rows.

    Returns:
        ``(shown, teams)``: the interleaved list, and a dict mapping every item shown to
        ``"A"`` or ``"B"``, the ranker that picked it (its team, for crediting clicks).

    Raises:
        TypeError: if a ranking is not a list or array of hashable items, ``length`` is
            not an integer or ``seed`` is not an int, a Generator or None.
        ValueError: if ``length`` is not positive or a ranking is empty or lists an item
            twice.
    """
    a = _as_ranking(a, "a")
    b = _as_ranking(b, "b")
    length = check_int(length, "length", minimum=1)
    rng = check_seed(seed)
    shown: list = []
    teams: dict = {}
    lists = (a, b)
    pointer = [0, 0]
    picks = [0, 0]
    while len(shown) < length:
        for t in (0, 1):  # move past items already shown
            lst = lists[t]
            while pointer[t] < len(lst) and lst[pointer[t]] in teams:
                pointer[t] += 1
        left = [pointer[0] < len(a), pointer[1] < len(b)]
        if not (left[0] or left[1]):
            break
        if left[0] and left[1]:
            if picks[0] != picks[1]:
                team = 0 if picks[0] < picks[1] else 1
            else:
                team = 0 if rng.random() < 0.5 else 1
        else:
            team = 0 if left[0] else 1
        item = lists[team][pointer[team]]
        teams[item] = TEAMS[team]
        shown.append(item)
        picks[team] += 1
    return shown, teams


def preference(teams: Mapping, clicked: Iterable) -> str | None:
    """Which ranker a member preferred: ``"A"`` or ``"B"`` for the team with more
    clicked items, ``None`` for a tie (including no clicks at all).

    Each clicked item counts once, however often it was clicked.

    Args:
        teams: the mapping item -> ``"A"`` or ``"B"`` returned by :func:`team_draft`.
        clicked: the items the member clicked (or played).

    Raises:
        TypeError: if ``teams`` is not a mapping or ``clicked`` is a string or not
            iterable.
        ValueError: if a team is not ``"A"`` or ``"B"``, or an item was clicked that was
            not shown.
    """
    if not isinstance(teams, Mapping):
        raise TypeError(
            f"teams must be the mapping item -> 'A' or 'B' from team_draft; got "
            f"{type(teams).__name__}"
        )
    bad = {v for v in teams.values() if v not in TEAMS}
    if bad:
        raise ValueError(
            f"teams must map items to 'A' or 'B'; got {sorted(map(str, bad))}"
        )
    if isinstance(clicked, (str, bytes)) or not isinstance(clicked, Iterable):
        raise TypeError(
            f"clicked must be an iterable of items; got {type(clicked).__name__}"
        )
    clicked = set(clicked)
    unknown = [c for c in clicked if c not in teams]
    if unknown:
        raise ValueError(
            f"clicked holds items that were not shown: {unknown[:5]!r}; only items in "
            "teams can be clicked"
        )
    votes = [teams[c] for c in clicked]
    n_a, n_b = votes.count("A"), votes.count("B")
    if n_a == n_b:
        return None
    return "A" if n_a > n_b else "B"


def _as_rows(x: Any, name: str) -> np.ndarray:
    arr = np.asarray(x)
    if arr.ndim != 2 or arr.shape[1] == 0 or arr.shape[0] == 0:
        raise ValueError(
            f"{name} must be 2-D (members x ranks) with at least one member and one "
            f"rank; got shape {arr.shape}"
        )
    if not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"{name} must hold integer item indices; got {arr.dtype}")
    if arr.min() < 0:
        raise ValueError(f"{name} must hold non-negative item indices")
    ordered = np.sort(arr, axis=1)
    if np.any(ordered[:, 1:] == ordered[:, :-1]):
        row = int(np.flatnonzero((ordered[:, 1:] == ordered[:, :-1]).any(1))[0])
        raise ValueError(
            f"{name} lists an item twice in row {row}; a ranking lists each item once"
        )
    return arr


def _row_codes(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Recode each row's items as small integers (their rank among the row's distinct
    items), so that an item shared by both rankings gets the same code and the
    bookkeeping costs members x (len(a) + len(b)), whatever the item ids are."""
    both = np.concatenate([a, b], axis=1)
    order = np.argsort(both, axis=1, kind="stable")
    ordered = np.take_along_axis(both, order, axis=1)
    new = np.c_[np.zeros(len(both), dtype=bool), ordered[:, 1:] != ordered[:, :-1]]
    codes = np.empty_like(order)
    np.put_along_axis(codes, order, np.cumsum(new, axis=1), axis=1)
    return codes[:, : a.shape[1]], codes[:, a.shape[1] :]


def team_draft_many(
    a: Any, b: Any, length: int, *, seed: int | np.random.Generator | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`team_draft` for many members at once, vectorised over the members.

    Row ``i`` of ``a`` and of ``b`` are the two rankings of member ``i``, as
    non-negative integer item indices (the two may have different lengths). Each row is
    drafted exactly as :func:`team_draft` does, with one coin per member and round;
    the loop runs over the ``length`` positions, not over the members. Item ids may be
    any non-negative integers (catalogue ids): memory grows with members times the
    rankings' lengths, not with the largest id.

    Returns:
        ``(shown, team)``, both members x ``length``: the item at each position
        (``-1`` where both rankings ran out first) and its team (``0`` for A, ``1`` for
        B, ``-1`` for an empty position).

    Raises:
        TypeError: if the rankings do not hold integers, ``length`` is not an integer or
            ``seed`` is not an int, a Generator or None.
        ValueError: if the rankings are not 2-D, have different numbers of rows, hold
            negative indices or an item twice in a row, or ``length`` is not positive.
    """
    a = _as_rows(a, "a")
    b = _as_rows(b, "b")
    if a.shape[0] != b.shape[0]:
        raise ValueError(
            f"a has {a.shape[0]} rows but b has {b.shape[0]}; give both rankings of "
            "every member"
        )
    length = check_int(length, "length", minimum=1)
    rng = check_seed(seed)
    n = a.shape[0]
    rows = np.arange(n)
    code_a, code_b = _row_codes(a, b)
    is_shown = np.zeros((n, a.shape[1] + b.shape[1]), dtype=bool)
    shown = np.full((n, length), -1, dtype=np.int64)
    team = np.full((n, length), -1, dtype=np.int8)
    picks_a = np.zeros(n, dtype=np.int64)
    picks_b = np.zeros(n, dtype=np.int64)
    for pos in range(length):
        free_a = ~np.take_along_axis(is_shown, code_a, axis=1)
        free_b = ~np.take_along_axis(is_shown, code_b, axis=1)
        left_a, left_b = free_a.any(axis=1), free_b.any(axis=1)
        at_a, at_b = free_a.argmax(axis=1), free_b.argmax(axis=1)
        next_a, next_b = a[rows, at_a], b[rows, at_b]
        coin = rng.random(n) < 0.5
        pick_a = np.where(picks_a == picks_b, coin, picks_a < picks_b)
        pick_a = np.where(left_a & left_b, pick_a, left_a)
        active = left_a | left_b
        item = np.where(pick_a, next_a, next_b)
        shown[active, pos] = item[active]
        team[active, pos] = np.where(pick_a[active], 0, 1)
        code = np.where(pick_a, code_a[rows, at_a], code_b[rows, at_b])
        is_shown[rows[active], code[active]] = True
        picks_a += pick_a & active
        picks_b += ~pick_a & active
    return shown, team
