"""Five typical questions: the query engine vs hand-written DuckDB SQL vs pandas."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bench.common import Results, best_of
from costlake.lake.store import Lake
from costlake.query.model import CostQuery, Granularity
from costlake.query.service import QueryService

START, END = datetime(2025, 8, 1), datetime(2025, 12, 1)
NOV, DEC, OCT = datetime(2025, 11, 1), datetime(2025, 12, 1), datetime(2025, 10, 1)


def questions() -> list[tuple[str, CostQuery, str]]:
    """(name, our query, the same question in hand-written DuckDB SQL over ``F``)."""
    return [
        (
            "cost by service for a month",
            CostQuery(NOV, DEC, group_by=("ServiceName",)),
            "SELECT ServiceName, sum(BilledCost) AS c FROM F WHERE ChargePeriodStart >= "
            "TIMESTAMP '2025-11-01' AND ChargePeriodStart < TIMESTAMP '2025-12-01' "
            "GROUP BY 1 ORDER BY c DESC",
        ),
        (
            "cost by account by day",
            CostQuery(START, END, granularity=Granularity.DAY, group_by=("SubAccountId",)),
            "SELECT date_trunc('day', ChargePeriodStart) AS d, SubAccountId, sum(BilledCost) AS c "
            "FROM F WHERE ChargePeriodStart >= TIMESTAMP '2025-08-01' AND ChargePeriodStart < "
            "TIMESTAMP '2025-12-01' GROUP BY 1, 2 ORDER BY d, c DESC",
        ),
        (
            "cost by tag (team)",
            CostQuery(START, END, group_by=("tag:team",)),
            "SELECT Tags->>'team' AS team, sum(BilledCost) AS c FROM F WHERE ChargePeriodStart >= "
            "TIMESTAMP '2025-08-01' AND ChargePeriodStart < TIMESTAMP '2025-12-01' "
            "GROUP BY 1 ORDER BY c DESC",
        ),
        (
            "top-10 resources",
            CostQuery(START, END, group_by=("ResourceId",), top_n=10, fold_rest=False),
            "SELECT ResourceId, sum(BilledCost) AS c FROM F WHERE ChargePeriodStart >= "
            "TIMESTAMP '2025-08-01' AND ChargePeriodStart < TIMESTAMP '2025-12-01' "
            "GROUP BY 1 ORDER BY c DESC LIMIT 10",
        ),
        (
            "month-over-month by provider",
            CostQuery(OCT, DEC, granularity=Granularity.MONTH, group_by=("ProviderName",)),
            "SELECT date_trunc('month', ChargePeriodStart) AS m, ProviderName, "
            "sum(BilledCost) AS c FROM F WHERE ChargePeriodStart >= TIMESTAMP '2025-10-01' AND "
            "ChargePeriodStart < TIMESTAMP '2025-12-01' GROUP BY 1, 2 ORDER BY m, c DESC",
        ),
    ]


NEEDS = [  # the columns each question reads, in question order
    ["ChargePeriodStart", "ServiceName", "BilledCost"],
    ["ChargePeriodStart", "SubAccountId", "BilledCost"],
    ["ChargePeriodStart", "Tags", "BilledCost"],
    ["ChargePeriodStart", "ResourceId", "BilledCost"],
    ["ChargePeriodStart", "ProviderName", "BilledCost"],
]


def pandas_frame(files: list[str], columns: list[str]) -> object:
    """The lake's columns as a pandas user would load them: costs as float64, the team tag
    pulled out of the map by Arrow (pandas has no map type)."""
    table = pq.read_table(files, columns=columns)
    if "Tags" in columns:
        team = pc.map_lookup(table["Tags"], pa.scalar("team"), "first")
        table = table.drop_columns(["Tags"]).append_column("team", team)
    table = table.set_column(
        table.schema.get_field_index("BilledCost"),
        "BilledCost",
        table["BilledCost"].cast(pa.float64()),
    )
    return table.to_pandas()


def pandas_questions(files: list[str]) -> list[Callable[[], object]]:
    """Each question as pandas answers it from the lake: load what it needs, then compute."""
    import pandas as pd

    def window(d: object, a: datetime, b: datetime) -> object:
        ts = d["ChargePeriodStart"]  # type: ignore[index]
        return d[(ts >= pd.Timestamp(a)) & (ts < pd.Timestamp(b))]  # type: ignore[index]

    def q1() -> object:
        d = window(pandas_frame(files, NEEDS[0]), NOV, DEC)
        return d.groupby("ServiceName")["BilledCost"].sum().sort_values(ascending=False)

    def q2() -> object:
        d = window(pandas_frame(files, NEEDS[1]), START, END)
        return d.groupby([d["ChargePeriodStart"].dt.floor("D"), "SubAccountId"])["BilledCost"].sum()

    def q3() -> object:
        d = window(pandas_frame(files, NEEDS[2]), START, END)
        return d.groupby("team", dropna=False)["BilledCost"].sum().sort_values(ascending=False)

    def q4() -> object:
        d = window(pandas_frame(files, NEEDS[3]), START, END)
        return d.groupby("ResourceId")["BilledCost"].sum().nlargest(10)

    def q5() -> object:
        d = window(pandas_frame(files, NEEDS[4]), OCT, DEC)
        return d.groupby([d["ChargePeriodStart"].dt.to_period("M"), "ProviderName"])[
            "BilledCost"
        ].sum()

    return [q1, q2, q3, q4, q5]


def run(size: int, lake: Lake, results: Results, repeat: int, with_pandas: bool) -> None:
    # The answer cache off: each run computes its answer (a repeated question is
    # bench.api_load's and the README's cache rows).
    service = QueryService(lake, cache_size=0)
    lines = QueryService(lake, use_rollups=False, cache_size=0)
    files = lake.snapshot("bench").files()
    listing = "read_parquet([" + ", ".join(f"'{f}'" for f in files) + "])"
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    ours_times = {}
    for name, q, sql in questions():
        raw_sql = sql.replace("FROM F", f"FROM {listing}")
        ours = best_of(lambda q=q: service.run("bench", q), repeat)
        raw = best_of(lambda s=raw_sql: con.execute(s).fetchall(), repeat)
        ours_times[name] = ours
        used = service.run("bench", q).rollup
        label = f"{name} [{used} rollup]" if used else name
        results.add(size, "query", label, ours, raw, "raw DuckDB SQL", "<= 1.2x")
        plain = best_of(lambda q=q: lines.run("bench", q), repeat)
        results.add(size, "query", f"{name} [line items]", plain, raw, "raw DuckDB SQL", "(info)")
        check_equal(service.run("bench", q).rows, con.execute(raw_sql).fetchall(), name)
    if with_pandas:
        for (name, _, _), fn in zip(questions(), pandas_questions(files), strict=True):
            pd_time = best_of(fn, max(1, repeat // 2))
            results.add(
                size,
                "pandas",
                name,
                ours_times[name],
                pd_time,
                "pandas (read+compute)",
                "<= 0.1x (10x faster)",
            )
    service.engine.close()
    lines.engine.close()
    con.close()


def check_equal(ours: list[dict[str, object]], raw: list[tuple], name: str) -> None:
    """Both answers must agree on the total (the benchmark compares like with like)."""
    a = sum(r["cost"] for r in ours if r["cost"] is not None)
    b = sum(r[-1] for r in raw if r[-1] is not None)
    if a != b:
        raise AssertionError(f"{name}: engine total {a} != raw SQL total {b}")
