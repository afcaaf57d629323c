"""StackSpend's line items and daily rollups, through the core service, against the same
questions in raw DuckDB SQL.

    uv run python -m bench.lineitems_bench --size 10000000

The input is an AWS Data Exports FOCUS 1.2 Parquet export as AWS writes it
(``bench.provider_exports``; the same file and lake as ``bench.cloudzero_bench``).

- Line-item pages of 1,000 rows: the first page, and a page 1,000,000 rows deep (page
  1,001). The service walks by keyset (file, row number); the baseline is what an OFFSET
  cursor does, ``ORDER BY filename, file_row_number LIMIT 1000 OFFSET n``: its deep page
  reads every row before it, the keyset page does not.
  Both read the lake's files (an OFFSET cursor needs the same order to compare pages).
- The daily rollup by service over the whole window, against ``GROUP BY`` day and service
  over the export file itself.

Both answers are checked equal before timing.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from decimal import Decimal

import duckdb

from bench.cloudzero_bench import export_file, lake_home
from bench.common import OUT, Results, median_of
from costlake.lake.store import Lake
from costlake.lineitems.schemas import RowKey
from costlake.lineitems.service import daily_totals, line_items
from costlake.query.service import QueryService

START = date(2025, 1, 1)  # the export's hourly usage starts here
END = date(2025, 12, 31)
PAGE = 1000
DEPTH = 1_000_000


def run(size: int, results: Results, repeat: int) -> None:
    lake = Lake(lake_home(size) / "lake")
    queries = QueryService(lake, cache_size=0)
    snap = lake.snapshot("bench")
    files = snap.files()
    rows_per_file = [
        duckdb.sql(f"SELECT count(*) FROM read_parquet('{f}')").fetchall()[0][0] for f in files
    ]
    # the key of the row just before the deep page: DEPTH rows into the lake's order
    depth = min(DEPTH, sum(rows_per_file) * 9 // 10 // PAGE * PAGE)
    index, before = 0, depth
    while before >= rows_per_file[index]:
        before -= rows_per_file[index]
        index += 1
    deep_key = RowKey(snap.generation, index, before - 1)
    listing = f"read_parquet({files!r}, filename=true, file_row_number=true)"
    window = f"ChargePeriodStart >= '{START}' AND ChargePeriodStart < '{END}'::DATE + 1"
    con = duckdb.connect()
    try:
        for name, after, offset in (("first", None, 0), ("deep", deep_key, depth)):
            raw = (
                f"SELECT BilledCost FROM {listing} WHERE {window} "
                f"ORDER BY list_position({files!r}, filename), file_row_number "
                f"LIMIT {PAGE} OFFSET {offset}"
            )

            def ours(a: RowKey | None = after) -> list[Decimal]:
                page = line_items(queries, "bench", START, END, limit=PAGE, after=a)
                return [i.billed_cost for i in page.items]

            assert ours() == [r[0] for r in con.execute(raw).fetchall()], name
            t_ours = median_of(ours, repeat)
            t_raw = median_of(lambda q=raw: con.execute(q).fetchall(), repeat)
            results.add(
                size, "lineitems", f"line-items page ({name}, offset {offset:,})", t_ours, t_raw,
                "raw DuckDB OFFSET", "deep ~ first",
            )  # fmt: skip
        raw = (
            f"SELECT CAST(ChargePeriodStart AS DATE) AS d, ServiceName, sum(BilledCost) "
            f"FROM read_parquet('{export_file(size)}') WHERE {window} GROUP BY ALL"
        )
        got = daily_totals(queries, "bench", START, END, "service")
        want = {(d, k): c for d, k, c in con.execute(raw).fetchall()}
        assert {(t.day, t.key): t.cost for t in got} == want
        t_ours = median_of(lambda: daily_totals(queries, "bench", START, END, "service"), repeat)
        t_raw = median_of(lambda: con.execute(raw).fetchall(), repeat)
        results.add(
            size, "lineitems", "rollups/daily by service", t_ours, t_raw, "raw DuckDB SQL",
            "<= 1.2x",
        )  # fmt: skip
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    results = Results()
    print(f"== {args.size:,} rows: StackSpend line items and daily rollups ==", flush=True)
    run(args.size, results, args.repeat)
    OUT.mkdir(parents=True, exist_ok=True)
    out = OUT / f"lineitems-{args.size}.json"
    out.write_text(json.dumps(results.rows, indent=2, default=str))
    print(f"results in {out}")


if __name__ == "__main__":
    main()
