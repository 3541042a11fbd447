"""A retention campaign with planted customer types: the truth for uplift targeting.

:func:`make_retention_offer` draws members, each of one of four types (a sure thing, a
lost cause, a persuadable, a sleeping dog), and an offer that is either randomised or
targeted by the retention team on a risk the data do not show. Every member's true
probability of staying with and without the offer is returned, so a targeting rule can
be graded by the incremental stays it buys, not by another model.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import expit, logit, softmax

from dsinterview._validate import check_choice, check_int, check_real

__all__ = ["CUSTOMER_TYPES", "RETENTION_FEATURES", "make_retention_offer"]

#: The four customer types, in the order of their type code.
CUSTOMER_TYPES: tuple[str, ...] = (
    "sure thing",
    "lost cause",
    "persuadable",
    "sleeping dog",
)

#: The observed features of a member, in column order.
RETENTION_FEATURES: tuple[str, ...] = ("engagement", "tenure", "price_sensitivity")

# The planted multinomial logit of the type given the features and the hidden risk u:
# one row per type, columns (intercept, engagement, tenure, price_sensitivity, u).
# A lost cause is the reference (all zeros).
_TYPE_LOGITS = np.array(
    [
        [
            0.5,
            1.5,
            0.5,
            0.0,
            -1.0,
        ],  # sure thing: engaged, long-standing, low hidden risk
        [0.0, 0.0, 0.0, 0.0, 0.0],  # lost cause: leaves with or without the offer
        [
            -0.5,
            -0.5,
            0.0,
            1.2,
            0.0,
        ],  # persuadable: price-sensitive, stays only if offered
        [-1.5, -1.0, 1.0, 0.0, 0.0],  # sleeping dog: dormant and long-standing
    ]
)
# How strongly a targeted campaign follows the hidden risk u (log-odds per SD of u).
_TARGETING_STRENGTH = 1.5


def make_retention_offer(
    n_customers: int = 10_000,
    *,
    assignment: str = "random",
    offer_share: float = 0.5,
    seed: int = 2026,
) -> pd.DataFrame:
    """Draw a retention campaign whose incremental effect on every member is known.

    Each member has three observed standard-normal features (``engagement``, ``tenure``,
    ``price_sensitivity``) and a hidden churn risk ``u`` (standard normal, not
    returned). Their type is drawn from a multinomial logit in those four
    (``_TYPE_LOGITS``): a *sure thing* stays either way, a *lost cause* leaves either
    way, a *persuadable* stays only if offered, and a *sleeping dog* stays only if *not*
    offered (the offer reminds them to cancel). So a member's true probability of
    staying is ``P(sure) + P(persuadable)`` with the offer and
    ``P(sure) + P(sleeping dog)`` without, and the true uplift is
    ``P(persuadable) - P(sleeping dog)``.

    ``assignment="random"`` gives each member the offer with probability
    ``offer_share``, independently of everything (a randomised campaign).
    ``assignment="targeted"`` is a campaign run by a retention team that offers to the
    members it judges at risk: the log-odds of an offer are
    ``logit(offer_share) + 1.5 u``, so the offered and the not-offered members differ
    in a risk that the features do not show.

    Args:
        n_customers: number of members (at least 2).
        assignment: ``"random"`` or ``"targeted"``.
        offer_share: the share of members offered (randomised) or its baseline
            (targeted), in (0, 1).
        seed: seed of the ``numpy.random.Generator``; the same seed gives the same
            campaign.

    Returns:
        A frame with the features, ``offer`` and ``stayed`` (0/1 ints: what a
        campaign records), and the truth: ``p_stay_if_offer``, ``p_stay_if_none``,
        ``uplift`` (their difference, per member) and ``type`` (one of
        :data:`CUSTOMER_TYPES`).

    Raises:
        TypeError: if ``n_customers`` or ``seed`` is not an integer, or ``offer_share``
            is not a number.
        ValueError: if ``n_customers`` < 2, ``seed`` < 0, ``offer_share`` is not in
            (0, 1), or ``assignment`` is not one of the two designs.
    """
    n_customers = check_int(n_customers, "n_customers", minimum=2)
    assignment = check_choice(assignment, "assignment", ("random", "targeted"))
    offer_share = check_real(offer_share, "offer_share")
    if not 0.0 < offer_share < 1.0:
        raise ValueError(
            f"offer_share must be strictly between 0 and 1; got {offer_share}"
        )
    seed = check_int(seed, "seed", minimum=0)

    rng = np.random.default_rng(seed)
    latent = rng.standard_normal((n_customers, len(RETENTION_FEATURES) + 1))
    design = np.column_stack([np.ones(n_customers), latent])  # 1, features, u
    pi = softmax(design @ _TYPE_LOGITS.T, axis=1)
    kind = (rng.random(n_customers)[:, None] > np.cumsum(pi, axis=1)).sum(axis=1)
    kind = np.minimum(kind, len(CUSTOMER_TYPES) - 1)  # guards the last bin's rounding

    if assignment == "random":
        p_offer = np.full(n_customers, offer_share)
    else:
        p_offer = expit(logit(offer_share) + _TARGETING_STRENGTH * latent[:, -1])
    offer = (rng.random(n_customers) < p_offer).astype(int)
    stays_if_offer = np.isin(kind, (0, 2))
    stays_if_none = np.isin(kind, (0, 3))

    frame = pd.DataFrame(latent[:, :-1], columns=list(RETENTION_FEATURES))
    frame["offer"] = offer
    frame["stayed"] = np.where(offer == 1, stays_if_offer, stays_if_none).astype(int)
    frame["p_stay_if_offer"] = pi[:, 0] + pi[:, 2]
    frame["p_stay_if_none"] = pi[:, 0] + pi[:, 3]
    frame["uplift"] = pi[:, 2] - pi[:, 3]
    frame["type"] = np.asarray(CUSTOMER_TYPES)[kind]
    return frame
