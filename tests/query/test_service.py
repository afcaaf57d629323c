"""The query engine, on every engine, checked against hand-written DuckDB SQL over the lake."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import duckdb
import pytest

from costlake.errors import InvalidInput, UnknownDimension
from costlake.focus.scan import scan
from costlake.lake.store import Lake
from costlake.query.model import CostQuery, Filter, FilterOp, Granularity, Metric
from costlake.query.service import QueryService

SEP = datetime(2024, 9, 1)
OCT = datetime(2024, 10, 1)


def oracle(lake: Lake, sql: str, org: str = "acme") -> list[tuple]:
    files = lake.snapshot(org).files()
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    return con.execute(sql.replace("costs", scan(files))).fetchall()


class TestCostQueryValidation:
    def test_end_before_start_is_refused(self) -> None:
        with pytest.raises(InvalidInput):
            CostQuery(OCT, SEP)

    def test_unknown_dimension_is_refused(self) -> None:
        with pytest.raises(UnknownDimension):
            CostQuery(SEP, OCT, group_by=("NoSuchColumn",))

    def test_top_n_needs_a_group(self) -> None:
        with pytest.raises(InvalidInput):
            CostQuery(SEP, OCT, top_n=3)

    def test_metric_aliases(self) -> None:
        assert Metric.parse("amortized") is Metric.EFFECTIVE
        assert Metric.parse("unblended") is Metric.BILLED
        assert Metric.parse("ListCost") is Metric.LIST
        with pytest.raises(InvalidInput):
            Metric.parse("blended-ish")

    def test_keys_are_case_insensitive_and_tags_prefixed(self) -> None:
        q = CostQuery(SEP, OCT, group_by=("servicename", "tags.team"))
        assert q.group_by == ("ServiceName", "tag:team")


class TestTotals:
    def test_whole_range_total(self, queries: QueryService, query_lake: Lake) -> None:
        got = queries.run("acme", CostQuery(SEP, OCT)).rows
        want = oracle(
            query_lake,
            "SELECT sum(BilledCost) FROM costs WHERE "
            "ChargePeriodStart >= '2024-09-01' AND ChargePeriodStart < '2024-10-01'",
        )
        assert got == [{"cost": want[0][0]}]

    @pytest.mark.parametrize("metric", list(Metric)[:4])
    def test_each_cost_metric(
        self, queries: QueryService, query_lake: Lake, metric: Metric
    ) -> None:
        got = queries.run("acme", CostQuery(SEP, OCT, metric=metric)).rows[0]["cost"]
        want = oracle(
            query_lake,
            f"SELECT sum({metric.value}) FROM costs WHERE "
            "ChargePeriodStart >= '2024-09-01' AND ChargePeriodStart < '2024-10-01'",
        )
        assert got == want[0][0]

    def test_orgs_are_isolated(self, queries: QueryService, query_lake: Lake) -> None:
        acme = queries.run("acme", CostQuery(SEP, OCT)).rows[0]["cost"]
        globex = queries.run("globex", CostQuery(SEP, OCT)).rows[0]["cost"]
        assert (
            globex
            == oracle(
                query_lake,
                "SELECT sum(BilledCost) FROM costs WHERE "
                "ChargePeriodStart >= '2024-09-01' AND ChargePeriodStart < "
                "'2024-10-01'",
                org="globex",
            )[0][0]
        )
        assert acme != globex

    def test_empty_range_gives_no_rows(self, queries: QueryService) -> None:
        assert queries.run("acme", CostQuery(datetime(2030, 1, 1), datetime(2030, 2, 1))).rows == []


class TestGrouping:
    def test_by_service_and_day(self, queries: QueryService, query_lake: Lake) -> None:
        q = CostQuery(SEP, OCT, granularity=Granularity.DAY, group_by=("ServiceName",))
        got = {(r["period"], r["ServiceName"]): r["cost"] for r in queries.run("acme", q).rows}
        want = {
            (d, s): c
            for d, s, c in oracle(
                query_lake,
                (
                    "SELECT date_trunc('day', ChargePeriodStart), ServiceName, sum(BilledCost) "
                    "FROM costs"
                    " WHERE ChargePeriodStart >= '2024-09-01' AND ChargePeriodStart < '2024-10-01'"
                    " GROUP BY 1, 2"
                ),
            )
        }
        assert got == want

    @pytest.mark.parametrize("granularity", ["hour", "week", "month"])
    def test_time_buckets(self, queries: QueryService, query_lake: Lake, granularity: str) -> None:
        q = CostQuery(SEP, OCT, granularity=Granularity(granularity))
        got = {r["period"]: r["cost"] for r in queries.run("acme", q).rows}
        want = dict(
            oracle(
                query_lake,
                (
                    f"SELECT date_trunc('{granularity}', ChargePeriodStart), sum(BilledCost) "
                    "FROM costs"
                    " WHERE ChargePeriodStart >= '2024-09-01' AND ChargePeriodStart < '2024-10-01'"
                    " GROUP BY 1"
                ),
            )
        )
        assert got == want

    def test_by_tag_keeps_untagged_as_null(self, queries: QueryService, query_lake: Lake) -> None:
        q = CostQuery(SEP, OCT, group_by=("tag:team",))
        got = {r["tag:team"]: r["cost"] for r in queries.run("acme", q).rows}
        want = dict(
            oracle(
                query_lake,
                (
                    "SELECT Tags->>'team', sum(BilledCost) FROM costs WHERE ChargePeriodStart >= "
                    "'2024-09-01' AND ChargePeriodStart < '2024-10-01' GROUP BY 1"
                ),
            )
        )
        assert got == want
        assert None in got

    def test_top_n_folds_the_rest(self, queries: QueryService) -> None:
        full = queries.run("acme", CostQuery(SEP, OCT, group_by=("ResourceId",))).rows
        top = queries.run("acme", CostQuery(SEP, OCT, group_by=("ResourceId",), top_n=5)).rows
        assert len(top) == 6
        assert [r["ResourceId"] for r in top if r["ResourceId"] != "(other)"] == [
            r["ResourceId"] for r in full[:5]
        ]
        assert sum(r["cost"] for r in top) == sum(r["cost"] for r in full)

    def test_plain_top_n_leaves_the_rest_out(self, queries: QueryService) -> None:
        full = queries.run("acme", CostQuery(SEP, OCT, group_by=("ResourceId",))).rows
        top = queries.run(
            "acme", CostQuery(SEP, OCT, group_by=("ResourceId",), top_n=5, fold_rest=False)
        ).rows
        assert top == full[:5]

    def test_plain_top_n_per_period(self, queries: QueryService) -> None:
        q = CostQuery(
            SEP,
            OCT,
            granularity=Granularity.WEEK,
            group_by=("ServiceName",),
            top_n=2,
            fold_rest=False,
        )
        rows = queries.run("acme", q).rows
        assert len({r["ServiceName"] for r in rows}) == 2


class TestFilters:
    @pytest.mark.parametrize(
        ("flt", "where"),
        [
            (Filter.of("ServiceName", "eq", "Amazon EC2"), "ServiceName = 'Amazon EC2'"),
            (
                Filter.of("SubAccountId", "in", "111111111111", "222222222222"),
                "SubAccountId IN ('111111111111', '222222222222')",
            ),
            (
                Filter.of("tag:team", "not_in", "core"),
                "(Tags->>'team' IS NULL OR Tags->>'team' <> 'core')",
            ),
            (Filter.of("ServiceName", "contains", "amazon"), "lower(ServiceName) LIKE '%amazon%'"),
            (Filter.of("RegionId", "eq", "eu-west-1"), "RegionId = 'eu-west-1'"),
        ],
    )
    def test_filter(self, queries: QueryService, query_lake: Lake, flt: Filter, where: str) -> None:
        got = queries.run("acme", CostQuery(SEP, OCT, filters=(flt,))).rows[0]["cost"]
        want = oracle(
            query_lake,
            "SELECT sum(BilledCost) FROM costs WHERE ChargePeriodStart >= "
            f"'2024-09-01' AND ChargePeriodStart < '2024-10-01' AND {where}",
        )[0][0]
        assert got == want

    def test_account_restriction(self, queries: QueryService, query_lake: Lake) -> None:
        q = CostQuery(SEP, OCT, account_ids=("222222222222",))
        want = oracle(
            query_lake,
            "SELECT sum(BilledCost) FROM costs WHERE ChargePeriodStart >= "
            "'2024-09-01' AND ChargePeriodStart < '2024-10-01' AND "
            "SubAccountId = '222222222222'",
        )[0][0]
        assert queries.run("acme", q).rows[0]["cost"] == want

    @pytest.mark.parametrize(
        "query",
        [
            CostQuery(SEP, OCT, account_ids=()),
            CostQuery(SEP, OCT, account_ids=(), group_by=("ServiceName",)),
            CostQuery(SEP, OCT, account_ids=(), granularity=Granularity.DAY),
            CostQuery(SEP, OCT, account_ids=(), group_by=("tag:team",)),
            CostQuery(SEP, OCT, account_ids=(), group_by=("ResourceId",), top_n=5),
            CostQuery(SEP, OCT, account_ids=(), granularity=Granularity.HOUR),
            CostQuery(SEP, OCT, account_ids=(), compare_previous=True),
            CostQuery(SEP, OCT, account_ids=(), metric=Metric.CARBON),
        ],
        ids=["total", "service", "day", "tag", "top", "hour", "compare", "carbon"],
    )
    def test_an_empty_grant_sees_nothing(self, queries: QueryService, query: CostQuery) -> None:
        """No granted account means no rows, whichever rollup or line items answer; never
        the whole org."""
        assert queries.run("acme", replace(query, account_ids=None)).rows  # data is there
        rows = queries.run("acme", query).rows
        costs = [r.get(k) for r in rows for k in ("cost", "previous_cost")]
        assert all(c in (None, 0) for c in costs), rows

    def test_filter_op_validation(self) -> None:
        with pytest.raises(InvalidInput):
            Filter.of("ServiceName", FilterOp.EQUALS, "a", "b")


class TestPreviousPeriod:
    def test_previous_window_of_equal_length(self, queries: QueryService, query_lake: Lake) -> None:
        q = CostQuery(SEP, OCT, group_by=("ProviderName",), compare_previous=True)
        got = {
            r["ProviderName"]: (r["cost"], r["previous_cost"]) for r in queries.run("acme", q).rows
        }
        cur = dict(
            oracle(
                query_lake,
                "SELECT ProviderName, sum(BilledCost) FROM costs WHERE "
                "ChargePeriodStart >= '2024-09-01' AND ChargePeriodStart < "
                "'2024-10-01' GROUP BY 1",
            )
        )
        prev = dict(
            oracle(
                query_lake,
                "SELECT ProviderName, sum(BilledCost) FROM costs WHERE "
                "ChargePeriodStart >= '2024-08-02' AND ChargePeriodStart < "
                "'2024-09-01' GROUP BY 1",
            )
        )
        assert got == {k: (cur.get(k), prev.get(k)) for k in set(cur) | set(prev)}

    def test_daily_buckets_align_with_shifted_previous(
        self, queries: QueryService, query_lake: Lake
    ) -> None:
        start, end = datetime(2024, 9, 10), datetime(2024, 9, 17)
        q = CostQuery(start, end, granularity=Granularity.DAY, compare_previous=True)
        rows = queries.run("acme", q).rows
        assert [r["period"] for r in rows] == [datetime(2024, 9, d) for d in range(10, 17)]
        prev_day = oracle(
            query_lake,
            "SELECT sum(BilledCost) FROM costs WHERE "
            "ChargePeriodStart >= '2024-09-03' AND ChargePeriodStart < "
            "'2024-09-04'",
        )[0][0]
        assert rows[0]["previous_cost"] == prev_day


def test_engines_agree(query_lake: Lake, engine: object) -> None:
    """The same queries give identical rows on DuckDB and on this engine."""
    from costlake.query.engines import get_engine

    reference = QueryService(query_lake, get_engine("duckdb"))
    other = QueryService(query_lake, engine)  # type: ignore[arg-type]
    for q in [
        CostQuery(
            SEP,
            OCT,
            granularity=Granularity.WEEK,
            group_by=("ServiceName", "tag:env"),
            top_n=4,
            compare_previous=True,
            metric=Metric.EFFECTIVE,
        ),
        CostQuery(
            datetime(2024, 8, 1),
            OCT,
            granularity=Granularity.MONTH,
            group_by=("SubAccountId",),
            filters=(Filter.of("tag:team", "in", "core", "web"),),
        ),
        CostQuery(SEP, OCT, granularity=Granularity.HOUR, group_by=("RegionId",)),
    ]:
        assert other.run("acme", q).rows == reference.run("acme", q).rows
    assert Decimal(0) is not None
