"""The book's data layer: loaders for real shipped data and seeded generators whose
parameters are truth.

- Real data that ships inside installed packages: :func:`load_diabetes`,
  :func:`load_hitters`, :func:`load_movielens`, :func:`load_spector`,
  :func:`load_wa_churn`, :func:`load_journals`, :func:`load_cigarettes_sw`,
  :func:`load_nsw`, :func:`load_kielmc`, :func:`load_rdataset`.
- Generated data shipped as files in ``datasets/`` (small, checked by SHA-256 on every
  load): :func:`load` by name; :func:`regenerate` rebuilds a file from its seed
  (``make datasets`` rebuilds them all).
- Generated data too large to ship is made at run time by its seeded generator, e.g.
  :func:`make_correlated_regression`, :func:`make_streaming_experiment`. Every generator
  takes a ``seed`` and is deterministic.

``datasets/README.md`` has a data card for each.
"""

from dsinterview.data._registry import (
    DATA_DIR,
    SHIPPED,
    DatasetCorruptError,
    DatasetError,
    DatasetMissingError,
    ShippedDataset,
    load,
    read_manifest,
    regenerate,
    register,
    sha256_of,
)
from dsinterview.data.catalogue import (
    LoggedPlays,
    TasteWorld,
    make_logged_plays,
    make_taste_world,
    simulate_feedback_loop,
)
from dsinterview.data.classification import make_logistic_regression
from dsinterview.data.event_log import EventLog, make_event_log
from dsinterview.data.experiments import (
    StreamingExperiment,
    make_streaming_experiment,
)
from dsinterview.data.journeys import (
    expected_signups,
    journey_truth,
    journeys_table,
    make_daily_media,
    make_journeys,
    media_truth,
)
from dsinterview.data.logins import LoginMonth, make_login_month
from dsinterview.data.rankings import make_mallows_rankings, mallows_expected_distance
from dsinterview.data.real import (
    load_cigarettes_sw,
    load_diabetes,
    load_hitters,
    load_journals,
    load_kielmc,
    load_movielens,
    load_nsw,
    load_rdataset,
    load_spector,
    load_wa_churn,
)
from dsinterview.data.regression import (
    correlated_regression_coefficients,
    make_correlated_regression,
)
from dsinterview.data.search_queries import SearchQueryData, make_search_queries
from dsinterview.data.streams import drifting_stream_coefficients, make_drifting_stream
from dsinterview.data.subscriptions import (
    make_cancellation_survey,
    make_price_panel,
    make_price_test,
    make_subscription_markets,
)
from dsinterview.data.viewing import ViewingData, make_viewing_histories

register(
    ShippedDataset(
        "correlated_regression",
        make_correlated_regression,
        dict(
            n_samples=200,
            n_groups=3,
            group_size=3,
            n_noise=3,
            rho=0.95,
            coef=[3.0, -2.0, 1.5],
            noise_sd=1.0,
            seed=2026,
        ),
        "Three groups of three near-duplicate features (correlation 0.95), one "
        "active per group, and three noise features.",
    )
)

__all__ = [
    "DATA_DIR",
    "SHIPPED",
    "DatasetCorruptError",
    "DatasetError",
    "DatasetMissingError",
    "EventLog",
    "LoginMonth",
    "SearchQueryData",
    "ShippedDataset",
    "StreamingExperiment",
    "correlated_regression_coefficients",
    "drifting_stream_coefficients",
    "expected_signups",
    "journey_truth",
    "journeys_table",
    "load",
    "load_cigarettes_sw",
    "load_diabetes",
    "load_hitters",
    "load_journals",
    "load_kielmc",
    "load_movielens",
    "load_nsw",
    "load_rdataset",
    "load_spector",
    "load_wa_churn",
    "make_correlated_regression",
    "make_daily_media",
    "make_drifting_stream",
    "make_event_log",
    "make_login_month",
    "make_mallows_rankings",
    "mallows_expected_distance",
    "make_journeys",
    "make_logistic_regression",
    "make_search_queries",
    "make_streaming_experiment",
    "make_subscription_markets",
    "make_cancellation_survey",
    "make_price_panel",
    "make_price_test",
    "media_truth",
    "read_manifest",
    "regenerate",
    "register",
    "sha256_of",
    "ViewingData",
    "make_viewing_histories",
    "LoggedPlays",
    "TasteWorld",
    "make_logged_plays",
    "make_taste_world",
    "simulate_feedback_loop",
]
