"""Streaming the demo's batches to Parquet files, with the anomaly labels alongside.

One row group per batch and files that appear under their final name only once complete: a
crash never leaves a truncated part that a later ingest would pick up.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from costlake.demo.anomalies import ANOMALIES_KEY, anomalies_path, labels_json
from costlake.demo.columns import PLAIN, Builder
from costlake.demo.plan import Plan
from costlake.demo.rows import Rows


def write(
    out: Path,
    plan: Plan,
    builder: Builder,
    batch_rows: int,
    progress: Callable[[int], None] | None,
    rows_per_file: int,
) -> tuple[Path, ...]:
    """Stream batches to Parquet: one row group per batch, a new file every ``rows_per_file`` rows.

    Building batch k+1 overlaps writing batch k (Arrow and numpy release the GIL); at most two
    batches are alive at any time. Files appear under their final name only once complete.
    """
    single = out.suffix == ".parquet"
    (out.parent if single else out).mkdir(parents=True, exist_ok=True)
    if not single:
        for stale in out.glob("part-*.parquet"):
            if re.fullmatch(r"part-\d{5}\.parquet", stale.name):
                stale.unlink()
    per_file = plan.rows if single else rows_per_file
    labels = labels_json(plan.anomalies)
    anomalies_path(out).write_text(labels + "\n")
    rows = Rows(plan)
    stops = sorted({*plan.segments(), *range(per_file, plan.rows, per_file), plan.rows})
    options = {
        "compression": "zstd",
        "store_schema": False,
        "use_dictionary": [
            x.name
            for x in builder.schema
            if x.name in PLAIN or pa.types.is_dictionary(x.type) or pa.types.is_timestamp(x.type)
        ],
        "write_statistics": [
            "ChargePeriodStart",
            "ChargePeriodEnd",
            "BillingPeriodStart",
            "BillingPeriodEnd",
            "x_IngestedAt",
        ],
    }
    files: list[Path] = []
    writer: pq.ParquetWriter | None = None
    pending: tuple[Future, int] | None = None

    def settle() -> None:
        nonlocal pending
        if pending is not None:
            future, done = pending
            pending = None
            future.result()
            if progress:
                progress(done)

    def close() -> None:
        settle()
        if writer is not None:
            writer.add_key_value_metadata({ANOMALIES_KEY: labels.encode()})
            writer.close()
            _tmp(files[-1]).replace(files[-1])

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="demo-writer") as pool:
        try:
            position = 0
            while position < plan.rows:
                if writer is None or position % per_file == 0:
                    close()
                    files.append(out if single else out / f"part-{len(files):05d}.parquet")
                    writer = pq.ParquetWriter(_tmp(files[-1]), builder.schema, **options)
                stop = min(position + batch_rows, next(s for s in stops if s > position))
                table = builder.table(rows.frame(position, stop))
                settle()
                pending = (pool.submit(writer.write_table, table), stop)
                position = stop
            close()
        except BaseException:
            if pending is not None:  # let the write in flight finish before closing its file
                wait([pending[0]])
            if writer is not None:
                writer.close()
                _tmp(files[-1]).unlink(missing_ok=True)
            raise
    return tuple(files)


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp")
