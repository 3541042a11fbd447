"""Numbers the book quotes from elsewhere, each with its source.

Every number in the book's prose is either computed by its code or cited: a price
change, a subscriber count, a published estimate lives here once, with its value, unit
and the key of its entry in ``references.bib``, and a chapter glues it from here
(``glue_fact("netflix_paid_members_2024")``), so the citation and the number cannot
drift apart. ``tests/test_rules.py`` checks every key against the bibliography.
"""

from __future__ import annotations

from dataclasses import dataclass

from dsinterview.display import glue

__all__ = ["FACTS", "Fact", "fact", "glue_fact"]


@dataclass(frozen=True)
class Fact:
    """A number quoted from a source.

    Attributes:
        value: the number as the source states it, in ``unit``.
        unit: what the number counts ("members", "USD per month", "share", ...).
        source: the key of the source's entry in ``references.bib``.
        what: one line saying what the number is, for a reader of this table.
    """

    value: float
    unit: str
    source: str
    what: str


#: The table of cited numbers, by name. Add a fact here (and its source to
#: references.bib) before quoting it in a chapter.
FACTS: dict[str, Fact] = {
    # chapters/recommendation-engine
    "netflix_prize_ratings": Fact(
        100_480_507,
        "ratings",
        "bennett2007netflix",
        "ratings in the Netflix Prize training data",
    ),
    "netflix_prize_users": Fact(
        480_189, "members", "bennett2007netflix", "members in the Netflix Prize data"
    ),
    "netflix_prize_titles": Fact(
        17_770, "titles", "bennett2007netflix", "movies in the Netflix Prize data"
    ),
    "netflix_prize_target": Fact(
        0.10,
        "share",
        "bennett2007netflix",
        "RMSE improvement over Cinematch needed to win the grand prize",
    ),
    "netflix_hours_from_recs": Fact(
        0.80,
        "share",
        "gomezuribe2015netflix",
        "share of hours streamed that come from recommendations",
    ),
    "netflix_recs_value_busd": Fact(
        1.0,
        "billion USD per year",
        "gomezuribe2015netflix",
        "yearly value Netflix put on personalisation and recommendations (at least)",
    ),
    "netflix_thumbs_more_ratings": Fact(
        2.0,
        "relative increase",
        "netflix2017thumbs",
        "increase in ratings given when thumbs replaced stars in tests (200% more)",
    ),
    # Repeated significance tests on accumulating normal data: a two-sided 5% test
    # checked at K equally spaced looks rejects a true null this often (A/B testing).
    "peeking_fpr_2_looks": Fact(
        0.083,
        "share",
        "armitage1969repeated",
        "false-positive rate of a nominal 5% two-sided test checked at 2 equal looks",
    ),
    "peeking_fpr_5_looks": Fact(
        0.142,
        "share",
        "armitage1969repeated",
        "false-positive rate of a nominal 5% two-sided test checked at 5 equal looks",
    ),
    "peeking_fpr_10_looks": Fact(
        0.193,
        "share",
        "armitage1969repeated",
        "false-positive rate of a nominal 5% two-sided test checked at 10 equal looks",
    ),
    "peeking_fpr_20_looks": Fact(
        0.248,
        "share",
        "armitage1969repeated",
        "false-positive rate of a nominal 5% two-sided test checked at 20 equal looks",
    ),
    "peeking_fpr_50_looks": Fact(
        0.32,
        "share",
        "armitage1969repeated",
        "false-positive rate of a nominal 5% two-sided test checked at 50 equal looks",
    ),
    # Netflix's plans and prices in India after the cut of December 2021.
    "in_price_mobile": Fact(
        149,
        "INR per month",
        "netflix2021indiaprices",
        "Netflix India, mobile plan, from December 2021",
    ),
    "in_price_basic": Fact(
        199,
        "INR per month",
        "netflix2021indiaprices",
        "Netflix India, basic plan, from December 2021",
    ),
    "in_price_standard": Fact(
        499,
        "INR per month",
        "netflix2021indiaprices",
        "Netflix India, standard plan, from December 2021",
    ),
    "in_price_premium": Fact(
        649,
        "INR per month",
        "netflix2021indiaprices",
        "Netflix India, premium plan, from December 2021",
    ),
    "in_mobile_plan_launch_price": Fact(
        199,
        "INR per month",
        "netflix2019mobileplan",
        "Netflix India's mobile-only plan at its 2019 launch",
    ),
    "apac_paid_2023": Fact(
        45.34,
        "million paid memberships",
        "netflix2024q4letter",
        "Netflix, Asia-Pacific paid memberships at the end of 2023",
    ),
    # Mean innovation and imitation coefficients across published Bass-model fits.
    "bass_p_meta": Fact(
        0.03,
        "per year",
        "sultan1990meta",
        "mean coefficient of innovation p in a meta-analysis",
    ),
    "bass_q_meta": Fact(
        0.38,
        "per year",
        "sultan1990meta",
        "mean coefficient of imitation q in a meta-analysis",
    ),
    # chapters/price-causality: the 2011 US price change and published estimates.
    "netflix_2011_price_before": Fact(
        9.99,
        "USD per month",
        "netflix2011prices",
        "Netflix US, unlimited streaming plus one DVD at a time, before July 2011",
    ),
    "netflix_2011_price_after": Fact(
        15.98,
        "USD per month",
        "netflix2011prices",
        "the same streaming and DVD service as two plans, from September 2011",
    ),
    "netflix_2011_q3_us_loss": Fact(
        800_000,
        "members",
        "netflix2011q3letter",
        "US members lost in the third quarter of 2011 (about)",
    ),
    "kielmc_did_published": Fact(
        -11_863.9,
        "1978 USD",
        "wooldridge2020introductory",
        "Example 13.3: DiD effect of the incinerator on nearby house prices",
    ),
    "kielmc_did_se_published": Fact(
        7_456.65,
        "1978 USD",
        "wooldridge2020introductory",
        "Example 13.3: its standard error",
    ),
    "journals_elasticity_published": Fact(
        -0.533,
        "elasticity",
        "stock2019introduction",
        "log subscriptions on log price per citation, economics journals",
    ),
    "cigarettes_iv_published": Fact(
        -1.08,
        "elasticity",
        "stock2019introduction",
        "2SLS price elasticity of cigarette demand, 1995, sales tax as instrument",
    ),
}


def fact(name: str) -> Fact:
    """Return the fact called ``name``.

    Raises:
        TypeError: if ``name`` is not a string.
        KeyError: if there is no such fact (the message lists the known ones).
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string; got {type(name).__name__}")
    try:
        return FACTS[name]
    except KeyError:
        known = ", ".join(sorted(FACTS)) or "none yet"
        raise KeyError(
            f"no fact called {name!r} in dsinterview.facts.FACTS (known: {known}); "
            "add it there with its source"
        ) from None


def glue_fact(name: str) -> float:
    """Glue the fact ``name`` under its own name for the prose, and return its value."""
    value = fact(name).value
    glue(name, value)
    return value
