"""The Kubecost External Costs API over a live server against the same question in raw
DuckDB SQL over the same lake files: ``/model/customCost/total`` and ``/timeseries``.

    uv run python -m bench.customcost_bench --size 10000000   # generates and ingests once
    uv run python -m bench.customcost_bench --size 1000000 --repeat 5

The demo data (seed 7, ending 2025-12-01) holds OpenAI, Anthropic, Datadog and Snowflake
rows beside the clouds'; the raw SQL (:func:`raw_sql`, one statement) computes every figure
the endpoint returns: custom rows only, lines of a day and every property's column, the
blended cost per line, then per (day and) domain the billed, list and counted sums, the
cost type, the usage quantity where one unit, the list unit price and each other property
where all lines agree; before timing, every field of every (step, aggregate) is checked
equal to the endpoint's (:func:`_check`). Ours and raw take turns, with the same number
of DuckDB threads. Two layouts: org ``bench`` holds everything as one source (the
demo export); org ``split`` the same rows with the SaaS vendors' as their own source beside
the clouds' (as ``costlake sources`` syncs them), where the daily rollups let the API skip
the clouds' files and raw SQL reads them all. The lake lives in
``bench/data/customcost-home-<size>``, apart from ``bench.run``'s.
"""

from __future__ import annotations

import os
import shutil
import statistics
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import httpx

from bench.api_bench import Unlimited
from bench.common import DATA, DEMO_END, SEED, Results, dataset, median_of, standalone
from costlake.config import Settings
from costlake.customcosts.service import CATEGORIES
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


SHOWN = (  # (response field, SQL over one line's columns), as docs/dialects/kubecost.md maps them
    ("zone", "COALESCE(RegionId, '')"),
    ("account_name", "COALESCE(BillingAccountName, '')"),
    ("charge_category", "lower(COALESCE(ChargeCategory, ''))"),
    ("description", "COALESCE(ChargeDescription, '')"),
    ("resource_name", "COALESCE(ResourceName, '')"),
    ("resource_type", "COALESCE(ResourceType, '')"),
    ("provider_id", "COALESCE(ResourceId, '')"),
    ("usage_unit", "COALESCE(ConsumedUnit, '')"),
    ("domain", "lower(COALESCE(ProviderName, ''))"),
    ("cost_source", "CASE COALESCE(ServiceCategory, '') WHEN '' THEN '' "
     + " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in CATEGORIES.items()) + " ELSE 'other' END"),
)  # fmt: skip
FIGURES = ("billedCost", "listCost", "cost", "usage_quantity", "list_unit_price")


def raw_sql(series: bool) -> str:
    """Every figure of the answer to ``window=30d&aggregate=domain`` (blended cost), in one
    statement: lines are days x the ten properties' columns; a line counts its billed cost
    where above zero, else its list cost, and lines counting zero are left out; per
    (day,) domain: the sums, the cost type, the quantity where one unit, the unit price,
    and each other property where all lines agree."""
    day = "date_trunc('day', ChargePeriodStart)"
    keys = "d, domain" if series else "domain"
    agreed = ", ".join(
        f"CASE WHEN min({n}) = max({n}) THEN any_value({n}) ELSE '' END AS {n}"
        for n, _ in SHOWN if n != "domain"
    )  # fmt: skip
    return (
        f"WITH lines AS (SELECT {day} AS d, {PROPS}, COALESCE(sum(BilledCost), 0) AS b, "
        f"COALESCE(sum(ListCost), 0) AS l, COALESCE(sum(ConsumedQuantity), 0) AS q "
        f"FROM F WHERE {CUSTOM} AND {WINDOW} GROUP BY d, {PROPS}), "
        f"shown AS (SELECT d, {', '.join(f'{e} AS {n}' for n, e in SHOWN)}, b, l, q, "
        f"b > 0 AS billed, CASE WHEN b > 0 THEN b ELSE l END AS c FROM lines), "
        f"kept AS (SELECT {keys}, {agreed}, sum(b) AS b, sum(l) AS l, sum(c) AS c, "
        f"CASE WHEN min(usage_unit) = max(usage_unit) THEN sum(q) ELSE 0 END AS q, "
        f"CASE WHEN bool_and(billed) THEN 'billed' WHEN bool_or(billed) THEN 'blended' "
        f"ELSE 'list' END AS cost_type FROM shown WHERE c <> 0 GROUP BY {keys}) "
        f"SELECT {'d' if series else 'NULL'} AS d, COALESCE(NULLIF(domain, ''), "
        f"'__unallocated__') AS aggregate, domain, b, l, c, q, "
        f"CASE WHEN q <> 0 THEN l / q ELSE 0 END AS price, cost_type, "
        f"{', '.join(n for n, _ in SHOWN if n != 'domain')} FROM kept"
    )


def _raw_answer(rows: list[tuple[Any, ...]]) -> dict[tuple[str, str], dict[str, Any]]:
    """(day or '', aggregate) -> the response fields the endpoint returns for it."""
    others = [n for n, _ in SHOWN if n != "domain"]
    answer = {}
    for d, aggregate, domain, b, lc, c, q, price, cost_type, *rest in rows:
        fields = dict(zip(FIGURES, (b, lc, c, q, price), strict=True))
        fields |= {"cost_type": cost_type, "domain": domain} | dict(zip(others, rest, strict=True))
        answer[(d.strftime("%Y-%m-%d") if d else "", aggregate)] = fields
    return answer


def _check(body: dict[str, Any], series: bool, raw: dict[tuple[str, str], dict[str, Any]]) -> None:
    """Every figure and property of every (step, aggregate) equal to the raw SQL's."""
    steps = body["timeseries"] if series else [body]
    ours = {
        ((s["window"]["start"][:10] if series else ""), cc["aggregate"]): cc
        for s in steps
        for cc in s["customCosts"]
    }
    assert ours.keys() == raw.keys(), (sorted(ours)[:5], sorted(raw)[:5])
    for key, want in raw.items():
        got = ours[key]
        for name, value in want.items():
            if name in FIGURES:
                ok = abs(Decimal(str(got[name])) - Decimal(value)) <= Decimal("0.000001")
            else:
                ok = got[name] == value
            assert ok, (key, name, got[name], value)
    for s in steps:
        for total, field in (("totalBilledCost", "billedCost"), ("totalListCost", "listCost"),
                             ("totalCost", "cost")):  # fmt: skip
            want = sum(Decimal(str(c[field])) for c in s["customCosts"])
            assert abs(Decimal(str(s[total])) - want) <= Decimal("0.00001") * (
                1 + len(s["customCosts"])
            ), (s["window"], total)


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
    # The same number of DuckDB threads on both sides: the server's (4 by default, more
    # than this machine's 2 cores; each side loses about 20% of wall time to it).
    con.execute(f"SET threads = {platform.settings.query_threads}")
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
                _check(body, series, _raw_answer(con.execute(sql).fetchall()))
                ours, base = _taking_turns(
                    lambda p=path: c.get(p).raise_for_status(),
                    lambda q=sql: con.execute(q).fetchall(),
                    repeat * 3,
                )
                results.add(
                    size, "api", f"GET {path.split('?')[0]}{layout}", ours, base,
                    "raw DuckDB SQL", "<= 1.2x + few ms", overhead_ms=(ours - base) * 1000,
                )  # fmt: skip
    finally:
        con.close()


def _taking_turns(ours: Any, base: Any, repeat: int) -> tuple[float, float]:
    """Medians of ``repeat`` timings each, taking turns (ours, raw, ours, ...) so that a
    shared machine getting busier or quieter weighs on both alike."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for fn, into in zip((ours, base), times, strict=True):
            into.append(median_of(fn, 1))
    return statistics.median(times[0]), statistics.median(times[1])


def main() -> None:
    standalone(run, "Kubecost External Costs API", "customcost", 10_000_000, __doc__ or "")


if __name__ == "__main__":
    main()
