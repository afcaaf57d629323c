"""A billing question split by an allocation stream against the same question without the
split: what grouping by ``Allocation:<stream>`` costs over the core query engine.

    uv run python -m bench.allocation_bench --size 1000000 --repeat 3

The question is the CloudZero benchmark's (group by service, daily, one month, real cost);
the split adds the stream's column. The stream has 20 elements with values on every day of
the month, and targets every cost but one provider's, so both the split and the
``Unallocated`` rest are exercised. The split runs two engine queries (all the cost, and its
targeted part, per day and service) and splits each day in Python with exact integers; the
baseline is the plain engine query. Both totals are checked equal before timing. The split's
answer has a row per group and element (about 16 times the plain answer's rows here), built
in Python, so its time grows with groups x elements rather than with the lake. The lake
lives in ``bench/data/allocation-home-<size>`` (the demo data, seed 7).
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from bench.common import DATA, Results, best_of_interleaved, dataset, standalone
from costlake.allocation import service as allocation
from costlake.allocation.schemas import Split, TargetRule
from costlake.config import Settings
from costlake.ingest.pipeline import Ingestor
from costlake.lake.store import Lake
from costlake.orgs.service import get_or_create_org
from costlake.platform import Platform
from costlake.query.model import CostQuery, Filter, FilterOp, Granularity, Metric
from costlake.telemetry.records import Granularity as Grain
from costlake.telemetry.records import Record

START, END = datetime(2025, 10, 1), datetime(2025, 11, 1)
ELEMENTS = 20


def lake_home(size: int) -> Path:
    home = DATA / f"allocation-home-{size}"
    if Lake(home / "lake").snapshot("bench").rows != size:
        shutil.rmtree(home, ignore_errors=True)
        Ingestor(Lake(home / "lake")).ingest(dataset(size), org="bench", source="demo")
    return home


def fill_stream(platform: Platform) -> None:
    days = [START + timedelta(days=d) for d in range((END - START).days)]
    records = [
        Record(day.replace(tzinfo=UTC), Grain.DAILY, Decimal(1 + (i * 7 + d) % 13), {"e": f"e{i}"})
        for d, day in enumerate(days)
        for i in range(ELEMENTS)
    ]
    target = {"ProviderName": TargetRule(exclude=("Microsoft",))}
    with platform.session() as s:
        get_or_create_org(s, "bench")
        allocation.replace_records(s, "bench", "customers", records, target)


def run(size: int, results: Results, repeat: int) -> None:
    platform = Platform.start(Settings(home=lake_home(size), query_cache_size=0))
    try:
        fill_stream(platform)
        query = CostQuery(
            START,
            END,
            Granularity.DAY,
            group_by=("ServiceName",),
            filters=(Filter("ChargeCategory", FilterOp.NOT_IN, ("Credit",)),),
            metric=Metric.EFFECTIVE,
            order_by_cost=False,
        )
        split = Split("customers", 1)

        def plain() -> object:
            return platform.queries.run("bench", query)

        def with_split() -> object:
            with platform.session() as s:
                return allocation.run(platform.queries, s, "bench", query, split)

        a, b = plain(), with_split()
        total = sum((r["cost"] for r in a.rows), Decimal(0))  # type: ignore[attr-defined]
        assert sum((r["cost"] for r in b.rows), Decimal(0)) == total  # type: ignore[attr-defined]
        times = best_of_interleaved({"plain": plain, "split": with_split}, repeat)
        results.add(
            size,
            "allocation",
            "group_by Service + Allocation, daily",
            times["split"],
            times["plain"],
            "group_by Service",
            "reported: linear in groups x elements",
            rows_out=len(b.rows),  # type: ignore[attr-defined]
        )
    finally:
        platform.close()


if __name__ == "__main__":
    standalone(run, "allocation split vs plain query", "allocation", 1_000_000, __doc__ or "")
