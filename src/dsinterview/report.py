"""Turning a model's numbers into the numbers a stakeholder reads correctly.

- :func:`natural_frequencies`: a base rate, a sensitivity and a false-positive rate
  restated as counts out of a population ("of 1,000 customers, 265 leave; the model
  flags 180, of whom 120 would have left"), which people reason with far better than
  with conditional probabilities (Gigerenzer & Hoffrage 1995).
- :func:`lift_table`: the model's scores cut into bins from the highest down, with each
  bin's rate of positives, its lift over the base rate and the share of all positives
  captured down to it: what a team that can act on the top of the list gets.

Precision at a fixed capacity (the number of customers a team can call) is
:func:`dsinterview.fraud.precision_at_k`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from dsinterview._validate import as_scores_labels, check_int, check_real

__all__ = ["lift_table", "natural_frequencies"]


def _probability(value: Any, name: str) -> float:
    value = check_real(value, name)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be a probability in [0, 1]; got {value:g}")
    return value


def natural_frequencies(
    prevalence: float,
    sensitivity: float,
    false_positive_rate: float,
    *,
    population: int = 1000,
) -> dict[str, int | float]:
    """Restate a classifier's rates as whole numbers of people out of ``population``.

    With prevalence ``pi``, sensitivity ``s`` (the share of positives flagged) and
    false-positive rate ``f`` (the share of negatives flagged), out of ``N`` people the
    expected counts are ``N pi`` positives, ``N pi s`` true positives and
    ``N (1 - pi) f`` false positives. Each is rounded to the nearest whole person (a
    person is not divisible; halves go to the even number, as Python's ``round``), and
    ``flagged`` is the sum of the two rounded counts, so the numbers a reader adds up
    agree. ``precision`` is computed from the rates, not the rounded
    counts: ``pi s / (pi s + (1 - pi) f)``, Bayes' rule; it is NaN when nobody is
    flagged (``pi s + (1 - pi) f = 0``).

    Returns:
        A dict with ``positive``, ``true_positive``, ``false_positive`` and ``flagged``
        (ints) and ``precision`` (a float in [0, 1], or NaN).

    Raises:
        TypeError: if a rate is not a real number or ``population`` is not an integer.
        ValueError: if a rate is NaN or outside [0, 1], or ``population`` is below 1.
    """
    pi = _probability(prevalence, "prevalence")
    s = _probability(sensitivity, "sensitivity")
    f = _probability(false_positive_rate, "false_positive_rate")
    n = check_int(population, "population", minimum=1)
    positive = round(n * pi)
    true_positive = round(n * pi * s)
    false_positive = round(n * (1.0 - pi) * f)
    flagged_rate = pi * s + (1.0 - pi) * f
    precision = pi * s / flagged_rate if flagged_rate > 0 else math.nan
    return {
        "positive": positive,
        "true_positive": true_positive,
        "false_positive": false_positive,
        "flagged": true_positive + false_positive,
        "precision": precision,
    }


def lift_table(scores: Any, labels: Any, *, bins: int = 10) -> pd.DataFrame:
    """Positives by score bin, from the highest scores down (a decile table for
    ``bins=10``).

    Rows are sorted by score, highest first, and cut into ``bins`` groups of (nearly)
    equal size by rank. Tied scores are never split: a run of equal scores goes wholly
    into the bin where its first row falls, so with ties the bins can differ in size and
    an empty bin is dropped (fewer than ``bins`` rows).

    Returns:
        A DataFrame indexed by ``bin`` (1 = the highest scores) with columns ``count``
        (rows in the bin), ``positives`` (labels equal to 1), ``rate``
        (``positives / count``), ``lift`` (``rate`` over the base rate of all rows) and
        ``cum_capture`` (the share of all positives in this bin and the bins above it;
        the last row is 1).

    Raises:
        TypeError: if scores or labels are not numeric, or ``bins`` is not an integer.
        ValueError: if the lengths differ, scores have NaN, labels are not 0/1 or have
            no positive (the lift is then undefined), or ``bins`` is not in
            1..len(scores).
    """
    s, y = as_scores_labels(scores, labels)
    bins = check_int(bins, "bins", minimum=1)
    n = s.size
    if bins > n:
        raise ValueError(f"bins = {bins} exceeds the {n} rows scored")
    total = y.sum()
    if total == 0:
        raise ValueError(
            "labels has no positive (1): the base rate is 0, so lift is undefined"
        )
    order = np.argsort(-s, kind="stable")
    ranked = s[order]
    # the rank of the first row of each run of tied scores
    first = np.flatnonzero(np.r_[True, ranked[1:] != ranked[:-1]])
    run_start = np.repeat(first, np.diff(np.r_[first, n]))
    which = run_start * bins // n  # 0 = the highest scores
    count = np.bincount(which, minlength=bins)
    positives = np.bincount(which, weights=y[order], minlength=bins)
    keep = count > 0
    count, positives = count[keep], positives[keep].astype(int)
    rate = positives / count
    table = pd.DataFrame(
        {
            "count": count,
            "positives": positives,
            "rate": rate,
            "lift": rate / (total / n),
            "cum_capture": np.cumsum(positives) / total,
        },
        index=pd.RangeIndex(1, count.size + 1, name="bin"),
    )
    return table
