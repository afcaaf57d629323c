"""Apache Spark engine (PySpark): the same SQL, transpiled by SQLGlot, over the same files.

For when the lake outgrows one machine. Tests run it in local mode. The session is created
with the UTC time zone so that date truncation matches DuckDB exactly.
"""

from __future__ import annotations

import threading
from typing import Any

import pyarrow as pa

from costlake.focus.scan import legacy_tag_files, spark_ddl, spark_legacy_ddl
from costlake.focus.schema import TAG_COLUMNS
from costlake.query.compile import TABLE, to_dialect


class SparkEngine:
    name = "spark"

    def __init__(self, *, master: str | None = None, session: Any = None) -> None:
        self._session = session
        self._master = master or "local[2]"  # Settings.spark_master via platform.query_engine
        self._lock = threading.Lock()

    @property
    def spark(self) -> Any:
        # Spark keeps one session per process: another engine's close() may have stopped
        # the one this engine holds (its context then has no JVM side); start it again.
        if self._session is not None and self._session.sparkContext._jsc is None:
            self._session = None
        if self._session is None:
            from pyspark.sql import SparkSession

            self._session = (
                SparkSession.builder.master(self._master)
                .appName("costlake")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.ansi.enabled", "false")
                .config("spark.sql.parquet.inferTimestampNTZ.enabled", "true")
                .getOrCreate()
            )
        return self._session

    def execute(self, sql: str, files: list[str]) -> pa.Table:
        spark_sql = to_dialect(sql, "spark")
        with self._lock:  # temp views are per session: one statement at a time
            self._frame(files).createOrReplaceTempView(TABLE)
            return _naive_utc(self.spark.sql(spark_sql).toArrow())

    def rows(self, sql: str, files: list[str]) -> list[dict[str, object]]:
        return self.execute(sql, files).to_pylist()

    def numbered_rows(self, sql: str, file: str) -> list[dict[str, object]]:
        """Spark numbers a Parquet file's rows in its hidden ``_metadata.row_index``."""
        spark_sql = to_dialect(sql, "spark")
        with self._lock:
            frame = self._frame([file])
            frame.select("*", "_metadata.row_index").withColumnRenamed(
                "row_index", "file_row_number"
            ).createOrReplaceTempView(TABLE)
            return _naive_utc(self.spark.sql(spark_sql).toArrow()).to_pylist()

    def _frame(self, files: list[str]) -> Any:
        """The files as one frame of the lake's schema; files whose tags are maps (written
        before tags were JSON text) are read with their own schema, tags turned into text."""
        legacy = set(legacy_tag_files(files))
        if not legacy:
            return self.spark.read.schema(spark_ddl()).parquet(*files)
        current = [f for f in files if f not in legacy]
        frame = self.spark.read.schema(spark_ddl()).parquet(*current) if current else None
        from pyspark.sql import functions

        old = self.spark.read.schema(spark_legacy_ddl()).parquet(*sorted(legacy))
        for c in TAG_COLUMNS:
            old = old.withColumn(c, functions.to_json(functions.col(c)))
        return old if frame is None else frame.unionByName(old)

    def close(self) -> None:
        if self._session is not None:
            self._session.stop()
            self._session = None


def _naive_utc(table: pa.Table) -> pa.Table:
    """Spark's date_trunc yields zoned timestamps; the lake's convention is naive UTC."""
    for i, field in enumerate(table.schema):
        if pa.types.is_timestamp(field.type) and field.type.tz is not None:
            naive = table.column(i).cast(pa.timestamp("us", tz="UTC")).cast(pa.timestamp("us"))
            table = table.set_column(i, pa.field(field.name, pa.timestamp("us")), naive)
    return table
