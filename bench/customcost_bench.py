"""The Kubecost External Costs API over a live server against the same question in raw
DuckDB SQL over the same lake files: ``/model/customCost/total`` and ``/timeseries``.

    uv run python -m bench.customcost_bench --size 10000000   # generates and ingests once
    uv run python -m bench.customcost_bench --size 1000000 --repeat 5

The demo data (seed 7, ending 2025-12-01) holds OpenAI, Anthropic, Datadog and Snowflake
rows beside the clouds'; the raw SQL answers what the endpoint answers (custom rows only,
blended cost per daily line of every property, summed per domain), and both totals are
checked equal before timing. Two layouts: org ``bench`` holds everything as one source (the
demo export); org ``split`` the same rows with the SaaS vendors' as their own source beside
the clouds' (as ``costlake sources`` syncs them), where the daily rollups let the API skip
the clouds' files and raw SQL reads them all. The lake lives in
``bench/data/customcost-home-<size>``, apart from ``bench.run``'s.
"""

from __future__ import annotations

import os
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import httpx

from bench.api_bench import Unlimited
from bench.common import DATA, DEMO_END, SEED, Results, dataset, median_of, standalone
from costlake.config import Settings
from costlake.dialects.kubecost.dialect import KUBECOST_KEY
from costlake.dialects.registry import install
from costlake.ingest.pipeline import Ingestor
from costlake.keys.service import create_key
from costlake.lake.store import Lake
from costlake.platform import Platform
from costlake.serving import serve_in_thread

NOW = "2025-12-01T12:00:00Z"  # window=30d is [2025-11-02, 2025-12-02)
PROPS = (
    "RegionId, BillingAccountName, ChargeCategory, ChargeDescription, ResourceName, "
    "ResourceType, ResourceId, ConsumedUnit, ProviderName, ServiceCategory"
)
CUSTOM = (
    "lower(ProviderName) NOT IN ('aws', 'amazon web services', 'amazon web services, inc.', "
    "'microsoft', 'azure', 'microsoft azure', 'google cloud', 'google', 'gcp', "
    "'google cloud platform', 'oracle', 'oci', 'oracle cloud infrastructure')"
)
WINDOW = (
    "ChargePeriodStart >= TIMESTAMP '2025-11-02' AND ChargePeriodStart < TIMESTAMP '2025-12-02'"
)


def raw_sql(series: bool) -> str:
    day = "date_trunc('day', ChargePeriodStart)"
    return (
        f"WITH g AS (SELECT {day} AS d, lower(ProviderName) AS k, sum(BilledCost) AS b, "
        f"sum(ListCost) AS l FROM F WHERE {CUSTOM} AND {WINDOW} GROUP BY d, {PROPS}) "
        f"SELECT {'d, ' if series else ''}k, sum(CASE WHEN b > 0 THEN b ELSE l END) AS c "
        f"FROM g GROUP BY {'d, ' if series else ''}k"
    )


def demo_files(size: int) -> list[Path]:
    """``bench.run``'s demo data when it is complete; else the same data generated into a
    folder of this benchmark's own, so that two benchmarks never write one folder."""
    if (DATA / f"demo-{size}" / ".complete").exists():
        return dataset(size)
    from costlake.demo.generator import generate

    folder = DATA / f"customcost-demo-{size}"
    if not (folder / ".complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
        generate(folder, rows=size, days=120, seed=SEED, end=DEMO_END)
        (folder / ".complete").touch()
    return sorted(folder.glob("*.parquet"))


def lake_home(size: int) -> Path:
    home = DATA / f"customcost-home-{size}"
    if Lake(home / "lake").snapshot("bench").rows != size:
        shutil.rmtree(home, ignore_errors=True)
        Ingestor(Lake(home / "lake")).ingest(demo_files(size), org="bench", source="demo")
    lake = Lake(home / "lake")
    if "split" not in lake.orgs() or lake.snapshot("split").rows != size:
        _split(lake, home / "split-files")
    return home


def _split(lake: Lake, folder: Path) -> None:
    """Org ``split``: the same rows, the SaaS vendors' as their own source (as
    ``costlake sources`` syncs them) beside the clouds' export."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    files = lake.snapshot("bench").files()
    listing = "read_parquet([" + ", ".join(f"'{f}'" for f in files) + "])"
    with duckdb.connect() as con:
        for name, where in (("saas", CUSTOM), ("clouds", f"NOT ({CUSTOM})")):
            con.execute(
                f"COPY (SELECT * FROM {listing} WHERE {where}) TO '{folder / name}.parquet'"
            )
    for name in ("clouds", "saas"):
        Ingestor(lake).ingest([folder / f"{name}.parquet"], org="split", source=name)
    shutil.rmtree(folder)


def run(size: int, results: Results, repeat: int) -> None:
    os.environ["COSTLAKE_NOW"] = NOW
    install()  # the dialects' key styles
    home = lake_home(size)
    # Answer cache off: every request runs its query, as a new question does.
    settings = Settings(home=home, query_cache_size=0)
    platform = Platform.start(settings, rate_limits=Unlimited())
    try:
        for org, layout in (("bench", ""), ("split", " (SaaS rows in their own sources)")):
            _measure(platform, org, layout, size, results, repeat)
    finally:
        platform.close()


def _measure(
    platform: Platform, org: str, layout: str, size: int, results: Results, repeat: int
) -> None:
    with platform.session() as s:
        key = create_key(s, org, "bench", ["*"], KUBECOST_KEY)[1]
    files = platform.lake.snapshot(org).files()
    listing = "read_parquet([" + ", ".join(f"'{f}'" for f in files) + "])"
    con = duckdb.connect()
    try:
        with (
            serve_in_thread(platform) as url,
            httpx.Client(
                base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=300
            ) as c,
        ):
            for path, series in (
                ("/model/customCost/total?window=30d&aggregate=domain", False),
                ("/model/customCost/timeseries?window=30d&aggregate=domain", True),
            ):
                sql = raw_sql(series).replace("FROM F", f"FROM {listing}")
                body = c.get(path).raise_for_status().json()["data"]
                steps = body["timeseries"] if series else [body]
                ours_total = sum(Decimal(str(s["totalCost"])) for s in steps)
                raw_total = sum(r[-1] for r in con.execute(sql).fetchall())
                assert abs(ours_total - raw_total) < Decimal("0.0001") * len(steps), (
                    path, ours_total, raw_total
                )  # fmt: skip
                ours = median_of(lambda p=path: c.get(p).raise_for_status(), repeat * 3)
                base = median_of(lambda q=sql: con.execute(q).fetchall(), repeat * 3)
                results.add(
                    size, "api", f"GET {path.split('?')[0]}{layout}", ours, base,
                    "raw DuckDB SQL", "<= 1.2x + few ms", overhead_ms=(ours - base) * 1000,
                )  # fmt: skip
    finally:
        con.close()


def main() -> None:
    standalone(run, "Kubecost External Costs API", "customcost", 10_000_000, __doc__ or "")


if __name__ == "__main__":
    main()
