"""Reading the lake's Parquet files as the whole canonical schema, whatever columns they hold.

A line-item file carries only the columns its ingest filled: a column an adapter never maps
(32 of the 76 for an AWS FOCUS export) is not written, since writing a column of NULLs costs
the Parquet writer about as much per row as a column of values (a fifth of a raw copy of
such an export; ``docs/decisions/0009-lake-without-null-columns.md``). Readers get those
columns back as typed NULLs from ``scan``: the files are read by name together with a
zero-row file of the full schema (``schema_file``), so every column exists with its lake
type, and one a file lacks reads as NULL in that file's rows. Files of earlier releases,
which hold every column, read the same.

Spark takes the schema itself instead (``spark_ddl``).
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from costlake.focus.schema import FOCUS_SCHEMA, sql_type
from costlake.kit.sql import lit

ROW_COUNT = "x_RowCount"
"""The extra column of rollup files (how many line items a row sums); part of the schema
readers see, NULL in line items."""

SPARK_SCHEMA: pa.Schema = FOCUS_SCHEMA.append(pa.field(ROW_COUNT, pa.int64()))
"""What Spark reads from lake files: the canonical columns and the rollups' row count
(DuckDB takes the row count from the rollup files themselves)."""

_lock = threading.Lock()
_DIGEST = hashlib.sha256(str(FOCUS_SCHEMA).encode()).hexdigest()[:16]


def schema_file() -> str:
    """A zero-row Parquet file of ``FOCUS_SCHEMA``, made once per machine and schema.

    It lives in ``COSTLAKE_CACHE_DIR`` (else the temporary folder), named after the schema,
    and is made again if something removes it: callers ask for it each time."""
    folder = Path(os.environ.get("COSTLAKE_CACHE_DIR") or tempfile.gettempdir())
    user = os.getuid() if hasattr(os, "getuid") else 0
    path = folder / f"costlake-{user}-schema-{_DIGEST}.parquet"
    if not path.exists():
        with _lock:
            if not path.exists():
                folder.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=folder, suffix=".parquet.tmp")
                os.close(fd)
                try:
                    pq.write_table(FOCUS_SCHEMA.empty_table(), tmp)
                    os.replace(tmp, path)
                finally:
                    if os.path.exists(tmp):
                        os.unlink(tmp)
    return str(path)


def scan(files: Sequence[str], *, options: str = "") -> str:
    """``read_parquet`` of ``files`` yielding every column of ``FOCUS_SCHEMA`` (and any
    other column the files hold, such as the rollups' row count), for DuckDB. ``options``
    are more named parameters (``"file_row_number = true"``)."""
    listing = ", ".join(lit(str(f)) for f in (schema_file(), *files))
    extra = f", {options}" if options else ""
    return f"read_parquet([{listing}], union_by_name = true, hive_partitioning = false{extra})"


@functools.cache
def spark_ddl() -> str:
    """``SPARK_SCHEMA`` as a Spark DDL string, for ``spark.read.schema(...)``."""
    return ", ".join(f"`{f.name}` {sql_type(f.type, 'spark')}" for f in SPARK_SCHEMA)
